//! The bound on datagrams read but not yet taken by the owner.
//!
//! The reactor reads as fast as the kernel delivers; when the owner (the JS
//! thread) falls behind, batches pile up between the two. Rather than buffer
//! without limit, the reactor drops what would exceed the bound and counts it,
//! as the kernel does with a full receive buffer.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::recv_batch::RecvMeta;

/// Datagrams that may wait for the owner at once. Counted in datagrams, not
/// batches: a slow owner makes the reactor read one datagram at a time, and
/// a bound on batches would then drop a burst that fits easily in memory.
pub const MAX_DATAGRAMS: usize = 8192;
/// Payload bytes that may wait for the owner at once (each datagram's
/// header, 20 bytes, comes on top: at most 160 KiB with [`MAX_DATAGRAMS`]).
pub const MAX_BYTES: usize = 16 << 20;

/// Counts what waits for the owner and what was dropped for lack of room.
#[derive(Debug, Default)]
pub struct ReceiveQueue {
    datagrams: AtomicUsize,
    bytes: AtomicUsize,
    dropped: AtomicU64,
}

impl ReceiveQueue {
    /// Datagrams dropped so far because the owner was behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Takes room for a batch of `bytes`, or counts its `datagrams` as
    /// dropped when there is none. The room is given back when the returned
    /// slot is dropped, i.e. when the owner is done with the batch. The
    /// reactor takes room with [`ReceiveQueue::reserve_prefix`]; the tests
    /// fill the queue with this.
    #[cfg(test)]
    pub(crate) fn reserve(self: &Arc<Self>, bytes: usize, datagrams: usize) -> Option<QueueSlot> {
        // Only the reactor thread reserves, so check-then-add cannot overshoot.
        let full = self.datagrams.load(Ordering::Acquire) + datagrams > MAX_DATAGRAMS
            || self.bytes.load(Ordering::Acquire) + bytes > MAX_BYTES;
        if full {
            self.dropped.fetch_add(datagrams as u64, Ordering::Relaxed);
            return None;
        }
        self.datagrams.fetch_add(datagrams, Ordering::AcqRel);
        self.bytes.fetch_add(bytes, Ordering::AcqRel);
        Some(QueueSlot {
            queue: Some(Arc::clone(self)),
            bytes,
            datagrams,
        })
    }

    /// Takes room for the longest prefix of `metas` that fits (each takes
    /// one datagram and its payload's bytes) and counts the rest
    /// as dropped: how many fit, and their slot; `None` when none does. A
    /// read that GRO made large (up to [`crate::recv_batch::BATCH`] messages
    /// of 128 datagrams) then loses only what does not fit.
    pub(crate) fn reserve_prefix(
        self: &Arc<Self>,
        metas: &[RecvMeta],
    ) -> Option<(usize, QueueSlot)> {
        // Only the reactor thread reserves, so check-then-add cannot overshoot.
        let room = MAX_DATAGRAMS.saturating_sub(self.datagrams.load(Ordering::Acquire));
        let free = MAX_BYTES.saturating_sub(self.bytes.load(Ordering::Acquire));
        let mut bytes = 0;
        let mut fit = 0;
        for meta in metas.iter().take(room) {
            let size = meta.len;
            if bytes + size > free {
                break;
            }
            bytes += size;
            fit += 1;
        }
        let dropped = metas.len() - fit;
        if dropped > 0 {
            self.dropped.fetch_add(dropped as u64, Ordering::Relaxed);
        }
        if fit == 0 {
            return None;
        }
        self.datagrams.fetch_add(fit, Ordering::AcqRel);
        self.bytes.fetch_add(bytes, Ordering::AcqRel);
        let slot = QueueSlot {
            queue: Some(Arc::clone(self)),
            bytes,
            datagrams: fit,
        };
        Some((fit, slot))
    }

    /// Gives back the room of a batch whose slot was turned into counts with
    /// [`QueueSlot::into_counts`], once the owner is done with it.
    pub fn release(&self, datagrams: usize, bytes: usize) {
        // Saturating: a caller that releases more than it took must not
        // wrap the counters into "full forever".
        let sub = |counter: &AtomicUsize, n: usize| {
            let _ = counter.fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                Some(v.saturating_sub(n))
            });
        };
        sub(&self.datagrams, datagrams);
        sub(&self.bytes, bytes);
    }
}

/// A batch's place in the [`ReceiveQueue`]; dropping it frees the place.
#[derive(Debug)]
pub struct QueueSlot {
    queue: Option<Arc<ReceiveQueue>>,
    bytes: usize,
    datagrams: usize,
}

impl QueueSlot {
    /// Keeps the place taken past this slot's life: the owner gives it back
    /// later with [`ReceiveQueue::release`] and these counts. The Node
    /// binding does this so that a batch holds its place until JS has called
    /// back for every datagram of it, not only until it was copied to JS.
    pub fn into_counts(mut self) -> (usize, usize) {
        self.queue = None;
        (self.datagrams, self.bytes)
    }
}

impl Drop for QueueSlot {
    fn drop(&mut self) {
        if let Some(queue) = &self.queue {
            queue.release(self.datagrams, self.bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_queue_drops_and_counts_until_a_slot_is_freed() {
        let queue = Arc::new(ReceiveQueue::default());
        let slots: Vec<_> = (0..MAX_DATAGRAMS)
            .map(|_| queue.reserve(10, 1).expect("room"))
            .collect();
        assert!(queue.reserve(10, 5).is_none());
        assert_eq!(queue.dropped(), 5);
        drop(slots);
        assert!(queue.reserve(10, 1).is_some());
        assert_eq!(queue.dropped(), 5);
    }

    #[test]
    fn a_slot_turned_into_counts_holds_its_place_until_released() {
        let queue = Arc::new(ReceiveQueue::default());
        let (datagrams, bytes) = queue
            .reserve(100, MAX_DATAGRAMS)
            .expect("room")
            .into_counts();
        assert!(
            queue.reserve(1, 1).is_none(),
            "still full after the slot is gone"
        );
        queue.release(datagrams, bytes);
        assert!(queue.reserve(1, 1).is_some());
        queue.release(usize::MAX, usize::MAX);
        assert!(
            queue.reserve(1, 1).is_some(),
            "over-release saturates, never wraps"
        );
    }

    #[test]
    fn reserve_prefix_takes_the_prefix_that_fits_and_counts_the_rest_dropped() {
        let queue = Arc::new(ReceiveQueue::default());
        let meta = |len| RecvMeta {
            len,
            ..RecvMeta::default()
        };
        let most = queue.reserve(100, MAX_DATAGRAMS - 3).expect("room");
        let metas = [meta(10), meta(10), meta(10), meta(10), meta(10)];
        let (fit, slot) = queue.reserve_prefix(&metas).expect("three fit");
        assert_eq!(fit, 3);
        assert_eq!(slot.into_counts(), (3, 3 * 10));
        assert_eq!(queue.dropped(), 2);
        // The three took the last room: nothing fits now, all counted.
        assert!(queue.reserve_prefix(&metas[..1]).is_none());
        assert_eq!(queue.dropped(), 3);
        drop(most);
        queue.release(3, 3 * 10);
        // Room again: its slot gives it back when dropped.
        let (fit, slot) = queue.reserve_prefix(&metas).expect("room");
        assert_eq!(fit, 5);
        drop(slot);
        assert!(queue.reserve(1, MAX_DATAGRAMS).is_some());
        // Bytes bound it too: a payload that would pass MAX_BYTES stops the prefix.
        let fresh = Arc::new(ReceiveQueue::default());
        let _bytes = fresh.reserve(MAX_BYTES - 2 * 10, 1).expect("room");
        let (fit, _slot) = fresh
            .reserve_prefix(&[meta(10), meta(10), meta(11), meta(1)])
            .expect("two fit");
        assert_eq!(fit, 2);
        assert_eq!(fresh.dropped(), 2);
        assert!(fresh.reserve_prefix(&[]).is_none());
        assert_eq!(fresh.dropped(), 2);
    }

    #[test]
    fn byte_bound_applies_before_batch_bound() {
        let queue = Arc::new(ReceiveQueue::default());
        let _big = queue.reserve(MAX_BYTES - 100, 1).expect("room");
        assert!(queue.reserve(101, 3).is_none());
        assert_eq!(queue.dropped(), 3);
        assert!(queue.reserve(100, 1).is_some());
    }
}
