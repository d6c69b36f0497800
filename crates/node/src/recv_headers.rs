//! Where the `'uv'` driver writes each read's header words (five `u32` per
//! datagram, `uv_udp_core::recv_batch`): one ArrayBuffer per handle, reused
//! by every read and handed to JS with it, apart from the payloads.
//!
//! Apart, because a receive callback can reach all of its payload's
//! memory (`data.buffer`): with the words next to the payloads, a callback
//! writing there changed the lengths and senders of the read's other
//! datagrams. JS reads the area only through the handle's own code, which
//! hands no callback a view of it, and copies a read's words out before it
//! keeps the read past the call (the next read writes over them). The area
//! grows to the largest read seen (at most `BATCH` x 128 GRO segments x 20
//! bytes, 80 KiB) and is replaced if JS detached it.

use std::cell::Cell;

use napi::sys;

use crate::held_buffer::HeldBuffer;
use crate::recv_pool::Slice;

/// The first area's size: 64 datagrams' headers.
const FIRST_BYTES: usize = 64 * uv_udp_core::recv_batch::HEADER_BYTES;

/// One handle's header area.
pub(crate) struct HeaderArea {
    current: Cell<Option<HeldBuffer>>,
}

impl HeaderArea {
    pub(crate) fn new() -> HeaderArea {
        HeaderArea {
            current: Cell::new(None),
        }
    }

    /// The area's ArrayBuffer and its first `size` bytes (a slice at 0), to be written and
    /// then handed to JS; a larger area when this one is too small, a fresh
    /// one when it was detached; `None` when napi fails. On the env's
    /// thread inside a handle scope. JS reads the bytes only inside the
    /// call that follows (see the module docs).
    pub(crate) fn take(&self, env: sys::napi_env, size: usize) -> Option<Slice<'_>> {
        let held = self.current.get();
        let found = held
            .filter(|area| area.len() >= size)
            .and_then(|area| Some((area.attached(env)?, area)));
        let (buffer, area) = match found {
            Some(found) => found,
            None => {
                // Doubled when too small; the same size again when only detached.
                let grown = held.map_or(0, |a| if a.len() < size { a.len() * 2 } else { a.len() });
                let len = size.max(FIRST_BYTES).max(grown);
                let made = HeldBuffer::create(env, len)?;
                self.release(env);
                self.current.set(Some(made.1));
                made
            }
        };
        // SAFETY: attached in this scope (checked, or made just now);
        // size <= its length; JS reads these bytes only during the call
        // into JS that follows this write, never concurrently with it.
        let bytes = unsafe { area.bytes(0, size) };
        Some(Slice {
            buffer,
            offset: 0,
            bytes,
        })
    }

    /// Drops the area (the handle is going); JS views keep its memory.
    pub(crate) fn release(&self, env: sys::napi_env) {
        if let Some(area) = self.current.take() {
            area.delete(env);
        }
    }
}
