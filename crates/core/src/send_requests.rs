//! A handle's send requests: every `send` from the call until its owner has
//! taken its outcome (and run its callback), as libuv's `uv_udp_send_t`s.
//!
//! libuv's model: a send is tried at once on the owner's thread and only
//! queued when the kernel says `EAGAIN` (or while earlier sends are queued, to
//! keep the order). Queued requests are sent in order when the socket becomes
//! writable, by whichever driver watches it (the owner's own poll handle, or a
//! drain task on the reactor). Either way the outcome is written *into the
//! request*, so that `close()` cancels only what the kernel never took: a
//! request that was sent stays sent even if its owner had not heard yet.
//!
//! `send_queue_count` and `send_queue_size` are the requests (and their
//! bytes) whose outcome the owner has not taken, as in libuv, where a request
//! leaves the queue just before its callback runs.
//!
//! A request without a callback needs nobody to hear its outcome: the driver
//! retires it on the loop turn after it completed ([`SendRequests::retire_silent`]),
//! so that a send without a callback costs no call into JS.

use std::collections::VecDeque;
use std::io;
use std::net::SocketAddr;
use std::sync::{Mutex, MutexGuard};

use socket2::{SockRef, Socket};

use crate::error::ECANCELED;
use crate::UvError;

/// Requests completed by one [`SendRequests::drain`] at most, so that a
/// long drain still lets the owner run callbacks as it goes.
pub const DRAIN_PER_CALL: usize = 256;

/// Words per outcome written by [`SendRequests::take_completed`]: the
/// outcome, then the request's size.
pub const COMPLETED_WORDS: usize = 2;

/// A datagram copied for later: the caller's memory may change once `send` returns.
#[derive(Debug)]
pub struct Datagram {
    /// Where to; `None` on a connected socket.
    pub dest: Option<SocketAddr>,
    /// The payload.
    pub data: Vec<u8>,
}

#[derive(Debug)]
struct Request {
    size: usize,
    // Its owner wants the outcome (a JS send callback waits for it).
    has_callback: bool,
    // `Some` until the kernel has taken (or refused) it.
    payload: Option<Datagram>,
    // 0 or a negative libuv code, once known.
    status: Option<i32>,
}

/// What one [`SendRequests::drain`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drained {
    /// Requests whose outcome became known.
    pub completed: usize,
    /// Requests still waiting for the socket.
    pub unsent: usize,
}

/// One handle's requests, oldest first; shared with a drain task when the
/// reactor drives the handle.
#[derive(Debug, Default)]
pub struct SendRequests {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    items: VecDeque<Request>,
    // The unsent requests are always the last `unsent` items: once one is
    // queued, every later send is queued behind it.
    unsent: usize,
    bytes: usize,
    // A drain task runs (or is being started) for the unsent items.
    draining: bool,
}

impl SendRequests {
    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the deque itself intact.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a send whose outcome is already known (`status` 0 or a
    /// negative libuv code).
    pub fn push_done(&self, size: usize, status: i32, has_callback: bool) {
        let mut inner = self.inner();
        inner.bytes += size;
        inner.items.push_back(Request {
            size,
            has_callback,
            payload: None,
            status: Some(status),
        });
    }

    /// Queues a datagram behind the others. True when no drain runs: the
    /// caller must start one (decided under the lock, so exactly one is).
    pub fn push_queued(&self, datagram: Datagram, has_callback: bool) -> bool {
        let mut inner = self.inner();
        inner.bytes += datagram.data.len();
        inner.items.push_back(Request {
            size: datagram.data.len(),
            has_callback,
            payload: Some(datagram),
            status: None,
        });
        inner.unsent += 1;
        !std::mem::replace(&mut inner.draining, true)
    }

    /// True while some request waits for the socket: a new send must queue
    /// behind it.
    pub fn has_unsent(&self) -> bool {
        self.inner().unsent > 0
    }

    /// [`SendRequests::count`] and whether a request waits for the socket,
    /// under one lock (the drivers' bookkeeping after every change).
    pub fn pending(&self) -> (usize, bool) {
        let inner = self.inner();
        (inner.items.len(), inner.unsent > 0)
    }

    /// Requests whose outcome the owner has not taken (libuv's `send_queue_count`).
    pub fn count(&self) -> usize {
        self.inner().items.len()
    }

    /// Their bytes (libuv's `send_queue_size`).
    pub fn bytes(&self) -> usize {
        self.inner().bytes
    }

    /// Retires every request whose outcome is known, oldest first, stopping
    /// at the first request still waiting. Each one with a callback is
    /// written to `out` as [`COMPLETED_WORDS`] words, its outcome (0 or a
    /// negative libuv code) then its size in bytes (so that its owner counts
    /// it in `send_queue_size` until the callback ran, as libuv does),
    /// stopping when `out` is full. Returns how many were written.
    pub fn take_completed(&self, out: &mut [i32]) -> usize {
        let mut inner = self.inner();
        let room = out.len() / COMPLETED_WORDS;
        let mut n = 0;
        while let Some(front) = inner.items.front() {
            let Some(status) = front.status else {
                break;
            };
            let size = front.size;
            if front.has_callback {
                if n == room {
                    break;
                }
                out[n * COMPLETED_WORDS] = status;
                out[n * COMPLETED_WORDS + 1] = i32::try_from(size).unwrap_or(i32::MAX);
                n += 1;
            }
            inner.items.pop_front();
            inner.bytes -= size;
        }
        n
    }

    /// Retires the known outcomes of requests without a callback, from the
    /// oldest up to the first request that has one or still waits. True when
    /// a request with a callback has a known outcome: the owner must take it.
    pub fn retire_silent(&self) -> bool {
        let mut inner = self.inner();
        while let Some(front) = inner.items.front() {
            if front.status.is_none() {
                return false;
            }
            if front.has_callback {
                return true;
            }
            let size = front.size;
            inner.items.pop_front();
            inner.bytes -= size;
        }
        false
    }

    /// True when some request's outcome is known but not yet retired.
    pub fn has_completed(&self) -> bool {
        self.inner()
            .items
            .front()
            .is_some_and(|r| r.status.is_some())
    }

    /// Sends waiting requests in order with `send` until it would block, at
    /// most [`DRAIN_PER_CALL`]. The outcome of each is written into it; when
    /// none is left waiting, the drain is over (`draining` false).
    pub fn drain(&self, mut send: impl FnMut(&Datagram) -> io::Result<usize>) -> Drained {
        let mut inner = self.inner();
        let mut completed = 0;
        while inner.unsent > 0 && completed < DRAIN_PER_CALL {
            let at = inner.items.len() - inner.unsent;
            let Some(datagram) = inner.items[at].payload.as_ref() else {
                break;
            };
            let status = match send(datagram) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => UvError::from_io(&e).code,
                Ok(_) => 0,
            };
            let request = &mut inner.items[at];
            request.payload = None;
            request.status = Some(status);
            inner.unsent -= 1;
            completed += 1;
        }
        if inner.unsent == 0 {
            inner.draining = false;
        }
        Drained {
            completed,
            unsent: inner.unsent,
        }
    }

    /// Gives every waiting request the outcome `code` (`UV_ECANCELED` on
    /// close, or the error that kept a drain from starting); requests already
    /// sent keep theirs. Returns how many were given it.
    pub fn fail_unsent(&self, code: i32) -> usize {
        let mut inner = self.inner();
        let n = inner.unsent;
        let len = inner.items.len();
        for request in inner.items.range_mut(len - n..) {
            request.payload = None;
            request.status = Some(code);
        }
        inner.unsent = 0;
        inner.draining = false;
        n
    }

    /// [`SendRequests::fail_unsent`] with `UV_ECANCELED`, as `close()` does.
    pub fn cancel_unsent(&self) -> usize {
        self.fail_unsent(ECANCELED.code)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn datagram(byte: u8, len: usize) -> Datagram {
        Datagram {
            dest: None,
            data: vec![byte; len],
        }
    }

    #[test]
    fn counts_every_request_until_its_outcome_is_taken() {
        let requests = SendRequests::default();
        requests.push_done(3, 0, true);
        assert!(requests.push_queued(datagram(1, 5), true));
        assert!(
            !requests.push_queued(datagram(2, 7), true),
            "one drain at a time"
        );
        assert_eq!((requests.count(), requests.bytes()), (3, 15));
        let mut out = [9; 8];
        assert_eq!(
            requests.take_completed(&mut out),
            1,
            "stops at the first unsent"
        );
        assert_eq!(out[..2], [0, 3], "outcome, then size");
        assert_eq!((requests.count(), requests.bytes()), (2, 12));
    }

    #[test]
    fn drain_sends_in_order_until_it_would_block_and_records_each_outcome() {
        let requests = SendRequests::default();
        for (byte, len) in [(1, 1), (2, 2), (3, 3)] {
            requests.push_queued(datagram(byte, len), true);
        }
        let mut seen = Vec::new();
        let drained = requests.drain(|d| {
            seen.push(d.data[0]);
            match d.data[0] {
                1 => Ok(1),
                2 => Err(io::Error::from_raw_os_error(libc::EMSGSIZE)),
                _ => Err(io::ErrorKind::WouldBlock.into()),
            }
        });
        assert_eq!(seen, [1, 2, 3]);
        assert_eq!(
            drained,
            Drained {
                completed: 2,
                unsent: 1
            }
        );
        let mut out = [0; 8];
        assert_eq!(requests.take_completed(&mut out), 2);
        assert_eq!(out[..4], [0, 1, crate::error::EMSGSIZE.code, 2]);
        assert!(requests.has_unsent());
        let drained = requests.drain(|_| Ok(3));
        assert_eq!(
            drained,
            Drained {
                completed: 1,
                unsent: 0
            }
        );
        assert!(
            requests.push_queued(datagram(4, 1), true),
            "the drain ended: a new one starts"
        );
    }

    #[test]
    fn cancel_gives_ecanceled_only_to_what_the_kernel_never_took() {
        let requests = SendRequests::default();
        requests.push_queued(datagram(1, 1), true);
        requests.push_queued(datagram(2, 1), true);
        requests.push_queued(datagram(3, 1), true);
        let mut calls = 0;
        requests.drain(|_| {
            calls += 1;
            if calls == 1 {
                Ok(1)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            }
        });
        assert_eq!(requests.cancel_unsent(), 2);
        let mut out = [1; 8];
        assert_eq!(requests.take_completed(&mut out), 3);
        assert_eq!(out[..6], [0, 1, ECANCELED.code, 1, ECANCELED.code, 1]);
        assert_eq!((requests.count(), requests.bytes()), (0, 0));
    }

    #[test]
    fn requests_without_a_callback_are_retired_silently_and_never_reported() {
        let requests = SendRequests::default();
        requests.push_done(1, 0, false);
        requests.push_done(2, crate::error::EMSGSIZE.code, false);
        requests.push_done(4, 0, true);
        requests.push_done(8, 0, false);
        assert_eq!((requests.count(), requests.bytes()), (4, 15));
        assert!(requests.retire_silent(), "a callback's outcome is known");
        assert_eq!(
            (requests.count(), requests.bytes()),
            (2, 12),
            "retired up to the request with a callback"
        );
        let mut out = [7; 4];
        assert_eq!(requests.take_completed(&mut out), 1);
        assert_eq!(out[..2], [0, 4]);
        assert_eq!((requests.count(), requests.bytes()), (0, 0));
        assert!(!requests.retire_silent());
        assert!(!requests.has_completed());
    }

    #[test]
    fn take_completed_stops_when_out_is_full_and_keeps_the_rest() {
        let requests = SendRequests::default();
        for status in [0, -1, -2] {
            requests.push_done(1, status, true);
        }
        requests.push_done(1, 0, false);
        let mut out = [0; 4];
        assert_eq!(requests.take_completed(&mut out), 2);
        assert_eq!(out, [0, 1, -1, 1]);
        assert_eq!(requests.count(), 2);
        assert_eq!(requests.take_completed(&mut out), 1);
        assert_eq!(out[..2], [-2, 1]);
        assert_eq!(requests.count(), 0, "the silent one behind it went too");
    }

    #[test]
    fn a_waiting_request_is_never_retired_silently() {
        let requests = SendRequests::default();
        requests.push_queued(datagram(1, 1), false);
        assert!(!requests.retire_silent());
        assert_eq!(requests.count(), 1);
        assert!(!requests.has_completed());
        requests.drain(|_| Ok(1));
        assert!(requests.has_completed());
        assert!(!requests.retire_silent());
        assert_eq!(requests.count(), 0);
    }
}
