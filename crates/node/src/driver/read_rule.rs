//! How many messages the `'uv'` driver's next read asks for, and whether it
//! is a lone read (see `next_read`): the rule, and each handle's state for it.

use std::cell::Cell;
use std::time::{Duration, Instant};

use uv_udp_core::recv_batch::BATCH;

/// What a read asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Read {
    /// Messages, at most.
    pub(crate) messages: usize,
    /// One message with `recvmsg`, after which the poll callback returns
    /// without knowing whether more waits (the poll comes back if so).
    pub(crate) lone: bool,
}

/// Lone reads in a row before a read of 2 looks whether more waits.
const LONE_READS: u32 = 3;
/// A poll callback this soon after a lone read's delivery reads 2: the
/// next loop turn of a burst comes back within a few µs, the next datagram
/// of a request and reply after a round trip (13 µs or more in one process
/// here, tens of µs across two).
const LONE_GAP: Duration = Duration::from_micros(5);

/// The next read after one of `last` messages, `lone_reads` lone reads in a
/// row so far: the learned size (`read_size` datagrams at `per_message`
/// datagrams a message, within 1..=BATCH) after a read of 2 or more. After a
/// read of one message (or none) the socket was most likely drained, as in
/// a ping-pong: a lone read of one (`recvmsg`, 0.2-0.5 us less than a
/// `recvmmsg` of 2, which tries the socket again after the first datagram).
/// A lone read that brings one cannot tell whether more waits, so a read
/// asks for 2 when the poll comes back `soon` ([`LONE_GAP`]) after a lone
/// read, and after [`LONE_READS`] lone reads in a row whatever the time: a
/// burst that follows is read one datagram a loop turn for one turn, at
/// most [`LONE_READS`] when the turns are slow, then in full.
fn next_read(read_size: usize, per_message: f64, last: usize, lone_reads: u32, soon: bool) -> Read {
    let learned = ((read_size as f64 / per_message.max(1.0)) as usize).clamp(1, BATCH);
    if last >= 2 {
        Read {
            messages: learned,
            lone: false,
        }
    } else if lone_reads < LONE_READS && !soon {
        Read {
            messages: 1,
            lone: true,
        }
    } else {
        Read {
            messages: learned.min(2),
            lone: false,
        }
    }
}

/// A handle's state for the rule: what its last read brought, its lone
/// reads in a row, and when the last of them was delivered.
pub(crate) struct ReadRule {
    last_messages: Cell<usize>,
    lone_reads: Cell<u32>,
    lone_delivered: Cell<Option<Instant>>,
}

impl ReadRule {
    /// A handle that has not read yet: its first read asks for the learned size.
    pub(crate) fn new() -> ReadRule {
        ReadRule {
            last_messages: Cell::new(BATCH),
            lone_reads: Cell::new(0),
            lone_delivered: Cell::new(None),
        }
    }

    /// Reading starts again (after `stop_recv`, or after JS held its reads):
    /// what waits may be a backlog, so the next read asks for the learned
    /// size, not a lone datagram.
    pub(crate) fn restart(&self) {
        self.last_messages.set(BATCH);
        self.lone_reads.set(0);
        self.lone_delivered.set(None);
    }

    /// Whether a poll callback that started at `now` came soon after the
    /// last lone read's delivery: most likely the rest of a burst, not a
    /// new arrival. Asked once per poll callback (the time is used once).
    pub(crate) fn soon(&self, now: Instant) -> bool {
        self.lone_delivered
            .take()
            .is_some_and(|at| now.saturating_duration_since(at) < LONE_GAP)
    }

    /// The next read, with the learned `read_size` and `per_message` and
    /// what [`ReadRule::soon`] said for this poll callback (see `next_read`).
    pub(crate) fn next(&self, read_size: usize, per_message: f64, soon: bool) -> Read {
        next_read(
            read_size,
            per_message,
            self.last_messages.get(),
            self.lone_reads.get(),
            soon,
        )
    }

    /// `read` brought `messages` messages.
    pub(crate) fn brought(&self, read: &Read, messages: usize) {
        self.last_messages.set(messages);
        self.lone_reads.set(if read.lone {
            self.lone_reads.get() + 1
        } else {
            0
        });
    }

    /// `read`'s datagrams were delivered, the call returning at `at`.
    pub(crate) fn delivered(&self, read: &Read, at: Instant) {
        if read.lone {
            self.lone_delivered.set(Some(at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn lone() -> Read {
        Read {
            messages: 1,
            lone: true,
        }
    }

    const fn asks(messages: usize) -> Read {
        Read {
            messages,
            lone: false,
        }
    }

    #[test]
    fn after_a_read_of_one_message_reads_are_lone_with_a_read_of_two_between() {
        // A ping-pong: one message each time; lone reads, then one of 2.
        let mut streak = 0;
        let mut seen = Vec::new();
        for _ in 0..8 {
            let read = next_read(400, 1.0, 1, streak, false);
            streak = if read.lone { streak + 1 } else { 0 };
            seen.push(read.messages);
        }
        assert_eq!(seen, [1, 1, 1, 2, 1, 1, 1, 2]);
        assert_eq!(next_read(400, 1.0, 0, 0, false), lone());
        assert_eq!(next_read(400, 1.0, 1, LONE_READS - 1, false), lone());
        assert_eq!(next_read(400, 1.0, 1, LONE_READS, false), asks(2));
        // A burst after it: the learned size once a read brought 2 or more.
        for last in [2, 16, BATCH, usize::MAX] {
            assert_eq!(next_read(400, 1.0, last, 0, false), asks(BATCH));
            assert_eq!(next_read(400, 1.0, last, LONE_READS, false), asks(BATCH));
        }
        // The learned size (slow callbacks, or GRO's datagrams a message) bounds it.
        assert_eq!(next_read(3, 1.0, BATCH, 0, false), asks(3));
        assert_eq!(next_read(0, 1.0, BATCH, 0, false), asks(1));
        assert_eq!(next_read(1280, 128.0, BATCH, 0, false), asks(10));
        assert_eq!(next_read(1280, 128.0, 1, LONE_READS, false), asks(2));
        assert_eq!(next_read(1, 1.0, 1, LONE_READS, false), asks(1));
    }

    #[test]
    fn a_poll_soon_after_a_lone_read_reads_two() {
        // The rest of a burst: a read of 2 at once, then the learned size.
        assert_eq!(next_read(400, 1.0, 1, 1, true), asks(2));
        assert_eq!(next_read(400, 1.0, 0, 0, true), asks(2));
        assert_eq!(next_read(400, 1.0, 2, 0, true), asks(BATCH));
        // A new arrival after a quiet spell: lone again.
        assert_eq!(next_read(400, 1.0, 1, 1, false), lone());
    }

    #[test]
    fn a_restart_reads_at_the_learned_size_after_lone_reads() {
        let rule = ReadRule::new();
        let now = Instant::now();
        // A fresh handle reads at the learned size.
        assert_eq!(rule.next(400, 1.0, rule.soon(now)), asks(BATCH));
        rule.brought(&asks(BATCH), 1);
        // Then lone reads, one message each, delivered long before the next poll.
        let later = now + Duration::from_millis(1);
        for _ in 0..2 {
            let read = rule.next(400, 1.0, rule.soon(later));
            assert_eq!(read, lone());
            rule.brought(&read, 1);
            rule.delivered(&read, now);
        }
        assert_eq!(rule.next(400, 1.0, rule.soon(later)), lone());
        // Reading starts again: a backlog is read at the learned size.
        rule.restart();
        assert_eq!(rule.next(400, 1.0, rule.soon(later)), asks(BATCH));
    }

    #[test]
    fn a_poll_within_the_gap_of_a_lone_delivery_reads_two() {
        let rule = ReadRule::new();
        let now = Instant::now();
        rule.brought(&asks(BATCH), 1);
        let read = rule.next(400, 1.0, rule.soon(now));
        assert_eq!(read, lone());
        rule.brought(&read, 1);
        rule.delivered(&read, now);
        assert_eq!(rule.next(400, 1.0, rule.soon(now + LONE_GAP / 2)), asks(2));
        // The delivery's time is used once: the next poll, whenever, is lone.
        assert_eq!(rule.next(400, 1.0, rule.soon(now + LONE_GAP / 2)), lone());
    }
}
