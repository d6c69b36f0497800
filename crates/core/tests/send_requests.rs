//! `SendRequests` at its edges, through its public API: the bounds of
//! `take_completed` and `drain`, and who starts the next drain.

use std::io;

use uv_udp_core::send_requests::{Datagram, Drained, SendRequests, DRAIN_PER_CALL};

fn datagram(byte: u8) -> Datagram {
    Datagram {
        dest: None,
        data: vec![byte; 10],
    }
}

#[test]
fn take_completed_fills_at_most_the_slice_and_leaves_the_rest_for_later() {
    let requests = SendRequests::default();
    for status in [0, -1, -2] {
        requests.push_done(10, status, true);
    }
    let mut out = [7i32; 4];
    assert_eq!(requests.take_completed(&mut out), 2);
    assert_eq!(out, [0, 10, -1, 10], "outcome, then size, each");
    assert_eq!(requests.count(), 1);
    assert_eq!(requests.bytes(), 10);
    let mut rest = [7i32; 5];
    assert_eq!(requests.take_completed(&mut rest), 1);
    assert_eq!(rest, [-2, 10, 7, 7, 7]);
    assert_eq!(requests.count(), 0);
    assert_eq!(requests.bytes(), 0);
    assert_eq!(requests.take_completed(&mut []), 0);
}

#[test]
fn one_drain_completes_at_most_drain_per_call_requests() {
    let requests = SendRequests::default();
    let queued = DRAIN_PER_CALL + 44;
    for i in 0..queued {
        requests.push_queued(datagram(i as u8), true);
    }
    let mut sent = 0;
    let first = requests.drain(|d| {
        sent += 1;
        Ok(d.data.len())
    });
    assert_eq!(
        first,
        Drained {
            completed: DRAIN_PER_CALL,
            unsent: 44
        }
    );
    assert_eq!(sent, DRAIN_PER_CALL, "no request is sent beyond the bound");
    let second = requests.drain(|d| Ok(d.data.len()));
    assert_eq!(
        second,
        Drained {
            completed: 44,
            unsent: 0
        }
    );
}

#[test]
fn the_next_queued_send_starts_a_drain_only_once_the_last_drain_is_over() {
    let requests = SendRequests::default();
    assert!(
        requests.push_queued(datagram(1), true),
        "the first queued send starts a drain"
    );
    assert!(
        !requests.push_queued(datagram(2), true),
        "a drain runs: the second does not"
    );
    // The socket would block: the drain is not over.
    let blocked = requests.drain(|_| Err(io::ErrorKind::WouldBlock.into()));
    assert_eq!(
        blocked,
        Drained {
            completed: 0,
            unsent: 2
        }
    );
    assert!(!requests.push_queued(datagram(3), true), "still draining");
    let done = requests.drain(|d| Ok(d.data.len()));
    assert_eq!(
        done,
        Drained {
            completed: 3,
            unsent: 0
        }
    );
    assert!(
        requests.push_queued(datagram(4), true),
        "the drain is over: the next queued send starts one"
    );
}
