//! The receive task: reads until `EAGAIN`, hands each read over as one batch.

use std::io;
use std::sync::Arc;

use crate::event::{Event, EventSink};
use crate::recv_batch::{reader, RecvBatch, RecvMeta, BATCH, SLOT};
use crate::recv_queue::ReceiveQueue;
use crate::registration::Registration;
use crate::UvError;

/// Reads per wake-up before yielding, so that one busy socket cannot starve
/// the others on the reactor thread.
const READS_PER_TURN: usize = 16;

/// Runs until aborted (by `stop_recv` or `close`).
pub(crate) async fn receive(io: Registration, sink: Arc<dyn EventSink>, queue: Arc<ReceiveQueue>) {
    // Zeroed pages are not touched until written: a receiving socket costs
    // what its datagrams use, not the full BATCH * SLOT.
    let mut slots = vec![0u8; BATCH * SLOT];
    let mut metas = [RecvMeta::default(); BATCH];
    let mut read_batch = reader();
    loop {
        match io.ready().await {
            Err(_) => return,
            Ok(Some(error)) => {
                sink.emit(Event::RecvError(UvError::from_io(&error)));
                continue;
            }
            Ok(None) => {}
        }
        for _ in 0..READS_PER_TURN {
            let read = io.try_io(|socket| read_batch(socket, &mut slots, &mut metas));
            match read {
                Ok(n) => {
                    let metas = &metas[..n];
                    if let Some(slot) = queue.reserve(RecvBatch::size_of(metas), n) {
                        sink.emit(Event::Received(RecvBatch::pack(&slots, metas, Some(slot))));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    sink.emit(Event::RecvError(UvError::from_io(&e)));
                    break;
                }
            }
        }
        tokio::task::yield_now().await;
    }
}
