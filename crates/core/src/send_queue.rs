//! Sends that would have blocked, waiting for the socket to become writable.
//!
//! libuv's model: a send is tried at once on the caller's thread and only
//! queued when the kernel says `EAGAIN`. The queue is drained in order by one
//! task on the reactor, which reports completions in batches and ends when
//! the queue is empty, so that the socket is watched for writability only
//! while something waits (see [`crate::registration`]).

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use socket2::{SockRef, Socket};

use crate::event::{Event, EventSink};
use crate::registration::Registration;
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
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    items: VecDeque<Datagram>,
    // A drain task runs (or is being started) for these items.
    draining: bool,
}

impl SendQueue {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the deque itself intact.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a datagram at the back. True when no drain task runs: the caller
    /// must start one (decided under the lock, so exactly one is started).
    pub fn push(&self, datagram: Datagram) -> bool {
        let mut inner = self.inner();
        inner.items.push_back(datagram);
        !std::mem::replace(&mut inner.draining, true)
    }

    /// Removes every waiting datagram; returns how many there were.
    pub fn cancel_all(&self) -> usize {
        let mut inner = self.inner();
        let n = inner.items.len();
        inner.items.clear();
        inner.draining = false;
        n
    }

    /// Datagrams waiting.
    pub fn len(&self) -> usize {
        self.inner().items.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Sends one datagram now, or fails with `WouldBlock`.
///
/// A plain non-blocking syscall, as libuv's fast path: tokio's own
/// `try_send_to` would refuse without trying until the reactor has seen a
/// writable event, so the first send on a fresh socket would "block".
pub(crate) fn send_now(io: &Socket, dest: Option<SocketAddr>, data: &[u8]) -> io::Result<usize> {
    let sock = SockRef::from(io);
    match dest {
        Some(dest) => sock.send_to(data, &dest.into()),
        None => sock.send(data),
    }
}

/// Drains `queue` in order, reporting each send's outcome through `sink`;
/// ends when the queue is empty (or when aborted, on close).
pub(crate) async fn drain(io: Registration, queue: Arc<SendQueue>, sink: Arc<dyn EventSink>) {
    let mut done: Vec<i32> = Vec::new();
    loop {
        // The send and the pop happen under one lock, so a concurrent
        // `cancel_all` cannot make us pop a datagram we did not send.
        let step = {
            let mut inner = queue.inner();
            match inner.items.front() {
                None => {
                    inner.draining = false;
                    None
                }
                // try_io clears the readiness on WouldBlock, so the
                // `ready().await` below really waits.
                Some(d) => match io.try_io(|socket| send_now(socket, d.dest, &d.data)) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Some(false),
                    result => {
                        inner.items.pop_front();
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
                if io.ready().await.is_err() {
                    return;
                }
            }
            None => {
                if !done.is_empty() {
                    sink.emit(Event::SendsDone(done));
                }
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::{channel, Sender};
    use std::time::Duration;

    struct ChannelSink(Mutex<Sender<Event>>);

    impl EventSink for ChannelSink {
        fn emit(&self, event: Event) {
            let _ = self.0.lock().map(|tx| tx.send(event));
        }
    }

    #[test]
    fn drain_sends_in_order_and_reports_each_outcome() {
        let reactor = crate::reactor::handle().expect("reactor");
        let (receiver, io) = {
            let _entered = reactor.enter();
            let receiver = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
            let io = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
            io.set_nonblocking(true).expect("nonblocking");
            (
                receiver,
                Registration::writable(&Socket::from(io)).expect("register"),
            )
        };
        receiver
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let to = receiver.local_addr().expect("addr");
        let queue = Arc::new(SendQueue::default());
        for payload in [&b"one"[..], b"two", &vec![0u8; 70_000]] {
            let _ = queue.push(Datagram {
                dest: Some(to),
                data: payload.to_vec(),
            });
        }
        let (tx, rx) = channel();
        let task = reactor.spawn(drain(
            io,
            Arc::clone(&queue),
            Arc::new(ChannelSink(Mutex::new(tx))),
        ));
        let mut codes = Vec::new();
        while codes.len() < 3 {
            match rx
                .recv_timeout(Duration::from_secs(5))
                .expect("completions")
            {
                Event::SendsDone(done) => codes.extend(done),
                other => panic!("unexpected {other:?}"),
            }
        }
        task.abort();
        assert_eq!(codes, vec![0, 0, crate::error::EMSGSIZE.code]);
        assert!(queue.is_empty());
        let mut buf = [0u8; 16];
        assert_eq!(receiver.recv(&mut buf).expect("first"), 3);
        assert_eq!(&buf[..3], b"one");
        assert_eq!(receiver.recv(&mut buf).expect("second"), 3);
        assert_eq!(&buf[..3], b"two");
    }

    #[test]
    fn cancel_all_empties_the_queue_and_counts() {
        let queue = SendQueue::default();
        queue.push(Datagram {
            dest: None,
            data: vec![1],
        });
        queue.push(Datagram {
            dest: None,
            data: vec![2],
        });
        assert_eq!(queue.len(), 2);
        assert_eq!(queue.cancel_all(), 2);
        assert!(queue.is_empty());
    }
}
