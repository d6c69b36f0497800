//! Sends that would have blocked, waiting for the socket to become writable.
//!
//! libuv's model: a send is tried at once on the caller's thread and only
//! queued when the kernel says `EAGAIN`. The queue is drained in order by one
//! task on the reactor, which reports completions in batches.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::net::UdpSocket;
use tokio::sync::Notify;

use crate::event::{Event, EventSink};
use crate::UvError;

/// Completions reported in one event at most, so that a long drain still
/// lets the owner run callbacks as it goes.
const COMPLETIONS_PER_EVENT: usize = 256;

/// A datagram copied for later: the caller's memory may change once `send` returns.
#[derive(Debug)]
pub struct Datagram {
    /// Where to; `None` on a connected socket.
    pub dest: Option<SocketAddr>,
    /// The payload.
    pub data: Vec<u8>,
}

/// The sends of one socket that wait for writability, oldest first.
#[derive(Debug, Default)]
pub struct SendQueue {
    items: Mutex<VecDeque<Datagram>>,
    wake: Notify,
}

impl SendQueue {
    fn items(&self) -> MutexGuard<'_, VecDeque<Datagram>> {
        // A panic while holding the lock leaves the deque itself intact.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a datagram at the back and wakes the drain task.
    pub fn push(&self, datagram: Datagram) {
        self.items().push_back(datagram);
        self.wake.notify_one();
    }

    /// Removes every waiting datagram; returns how many there were.
    pub fn cancel_all(&self) -> usize {
        let mut items = self.items();
        let n = items.len();
        items.clear();
        n
    }

    /// Datagrams waiting.
    pub fn len(&self) -> usize {
        self.items().len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Sends one datagram now, or fails with `WouldBlock`.
pub(crate) fn send_now(io: &UdpSocket, dest: Option<SocketAddr>, data: &[u8]) -> io::Result<usize> {
    match dest {
        Some(dest) => io.try_send_to(data, dest),
        None => io.try_send(data),
    }
}

/// Drains `queue` in order until aborted (on close), reporting each send's
/// outcome through `sink`.
pub(crate) async fn drain(io: Arc<UdpSocket>, queue: Arc<SendQueue>, sink: Arc<dyn EventSink>) {
    let mut done: Vec<i32> = Vec::new();
    loop {
        // The send and the pop happen under one lock, so a concurrent
        // `cancel_all` cannot make us pop a datagram we did not send.
        let step = {
            let mut items = queue.items();
            match items.front() {
                None => None,
                Some(d) => match send_now(&io, d.dest, &d.data) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Some(false),
                    result => {
                        items.pop_front();
                        done.push(result.map_or_else(|e| UvError::from_io(&e).code, |_| 0));
                        Some(true)
                    }
                },
            }
        };
        match step {
            Some(true) if done.len() < COMPLETIONS_PER_EVENT => {}
            Some(true) => sink.emit(Event::SendsDone(std::mem::take(&mut done))),
            Some(false) => {
                if !done.is_empty() {
                    sink.emit(Event::SendsDone(std::mem::take(&mut done)));
                }
                // Readiness was cleared by the failed try_send; a spurious
                // wake-up just tries again.
                if io.writable().await.is_err() {
                    return;
                }
            }
            None => {
                if !done.is_empty() {
                    sink.emit(Event::SendsDone(std::mem::take(&mut done)));
                }
                queue.wake.notified().await;
            }
        }
    }
}
