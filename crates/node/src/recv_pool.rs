//! Where the `'uv'` driver copies a small read: a slice of an ArrayBuffer
//! shared by a handle's consecutive reads, as Node's `Buffer.allocUnsafe`
//! carves small Buffers from a pool. A Buffer of its own per read
//! (`napi_create_buffer`, as before the pool) cost about 3.5k instructions
//! (a backing store, an ArrayBuffer, a Uint8Array, a prototype change, and
//! the sweep when it dies): under callgrind, 7k of a 44k-instruction
//! ping-pong round trip.
//!
//! A slice, once handed to JS, is never written again: each read takes the
//! bytes after the previous one, and a full pool is replaced (the old one
//! lives as long as JS holds a view of it). The pool holds payloads only:
//! the reads' header words go to the handle's header area (`recv_headers`),
//! which no receive callback can reach. A pool that JS detached is never
//! written (`held_buffer`).

use std::cell::Cell;

use napi::sys;

use crate::held_buffer::HeldBuffer;

/// Bytes in one pool.
const POOL_BYTES: usize = 64 << 10;
/// The largest read carved from a pool; a larger one gets an ArrayBuffer of its own.
pub(crate) const POOLED_MAX: usize = 8 << 10;
/// Reads start on this boundary, as Node's `Buffer.allocUnsafe` pool aligns
/// its slices (a payload then viewed as 8-byte typed arrays need not move).
const ALIGN: usize = 8;

#[derive(Clone, Copy)]
struct Pool {
    buffer: HeldBuffer,
    used: usize,
}

/// One handle's current pool.
pub(crate) struct RecvPool {
    current: Cell<Option<Pool>>,
}

/// A slice carved for one read.
pub(crate) struct Slice<'a> {
    /// The pool's ArrayBuffer.
    pub(crate) buffer: sys::napi_value,
    /// Where the slice starts in it.
    pub(crate) offset: usize,
    /// The slice's bytes, not yet seen by JS.
    pub(crate) bytes: &'a mut [u8],
}

impl RecvPool {
    pub(crate) fn new() -> RecvPool {
        RecvPool {
            current: Cell::new(None),
        }
    }

    /// `size` bytes (`size <= POOLED_MAX`; an empty slice for 0) from the
    /// current pool, or a new one when it is full or was detached; `None`
    /// when napi fails. Called on the env's thread inside a handle scope.
    pub(crate) fn carve(&self, env: sys::napi_env, size: usize) -> Option<Slice<'_>> {
        if size > POOLED_MAX {
            return None;
        }
        let (buffer, mut pool) = match self.current.get().and_then(|pool| usable(env, pool, size)) {
            Some(found) => found,
            None => self.replace(env)?,
        };
        let offset = pool.used;
        pool.used = (offset + size).next_multiple_of(ALIGN);
        self.current.set(Some(pool));
        // SAFETY: the pool was found attached just now in this scope;
        // offset + size <= POOL_BYTES, and no JS has seen these bytes:
        // every earlier slice ends at or before `offset`.
        let bytes = unsafe { pool.buffer.bytes(offset, size) };
        Some(Slice {
            buffer,
            offset,
            bytes,
        })
    }

    /// Gives back the slice that the last [`RecvPool::carve`] made at
    /// `offset`, when JS never saw it (making the read's event failed): the
    /// next read starts there again, so that the first read JS sees of a
    /// fresh pool is still at offset 0, where JS marks the pool's memory
    /// untransferable (src/untransferable.ts).
    pub(crate) fn unwind(&self, offset: usize) {
        if let Some(mut pool) = self.current.get() {
            if offset < pool.used {
                pool.used = offset;
                self.current.set(Some(pool));
            }
        }
    }

    /// Makes a fresh pool the current one, releasing the previous.
    fn replace(&self, env: sys::napi_env) -> Option<(sys::napi_value, Pool)> {
        let (value, buffer) = HeldBuffer::create(env, POOL_BYTES)?;
        self.release(env);
        Some((value, Pool { buffer, used: 0 }))
    }

    /// Drops the current pool (the handle is going); JS views keep its memory.
    pub(crate) fn release(&self, env: sys::napi_env) {
        if let Some(pool) = self.current.take() {
            pool.buffer.delete(env);
        }
    }
}

/// The pool's ArrayBuffer, if it has `size` bytes left and is still attached.
fn usable(env: sys::napi_env, pool: Pool, size: usize) -> Option<(sys::napi_value, Pool)> {
    if pool.used + size > pool.buffer.len() {
        return None;
    }
    Some((pool.buffer.attached(env)?, pool))
}
