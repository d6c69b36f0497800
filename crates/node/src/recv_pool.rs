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
//! lives as long as JS holds a view of it). The pool's memory is reached by
//! a raw pointer, so a pool that JS detached (`ArrayBuffer.prototype.transfer`,
//! a transfer list) is never written: it is checked before every use and
//! replaced.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr;

use napi::sys;

/// Bytes in one pool.
const POOL_BYTES: usize = 64 << 10;
/// The largest read carved from a pool; a larger one gets an ArrayBuffer of its own.
pub(crate) const POOLED_MAX: usize = 8 << 10;
/// Reads start on this boundary (the batch's header words are u32).
const ALIGN: usize = 8;

#[derive(Clone, Copy)]
struct Pool {
    reference: sys::napi_ref,
    data: *mut u8,
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

    /// `size` bytes (`0 < size <= POOLED_MAX`) from the current pool, or a
    /// new one when it is full or was detached; `None` when napi fails.
    /// Called on the env's thread inside a handle scope.
    pub(crate) fn carve(&self, env: sys::napi_env, size: usize) -> Option<Slice<'_>> {
        if size == 0 || size > POOLED_MAX {
            return None;
        }
        let (buffer, mut pool) = match self.current.get().and_then(|pool| usable(env, pool, size)) {
            Some(found) => found,
            None => self.replace(env)?,
        };
        let offset = pool.used;
        pool.used = (offset + size).next_multiple_of(ALIGN);
        self.current.set(Some(pool));
        // SAFETY: `data` is the start of the pool's POOL_BYTES-byte backing
        // store, alive (the pool is strongly referenced) and attached
        // (checked just now); offset + size <= POOL_BYTES, and no JS has
        // seen these bytes: every earlier slice ends at or before `offset`.
        let bytes = unsafe { std::slice::from_raw_parts_mut(pool.data.add(offset), size) };
        Some(Slice {
            buffer,
            offset,
            bytes,
        })
    }

    /// Makes a fresh pool the current one, releasing the previous.
    fn replace(&self, env: sys::napi_env) -> Option<(sys::napi_value, Pool)> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        // SAFETY: on the env's thread inside a handle scope; napi allocates
        // POOL_BYTES bytes owned by the new ArrayBuffer.
        let status =
            unsafe { sys::napi_create_arraybuffer(env, POOL_BYTES, &mut data, &mut buffer) };
        if status != sys::Status::napi_ok || data.is_null() {
            return None;
        }
        let mut reference = ptr::null_mut();
        // SAFETY: `buffer` is a live value of this scope.
        let status = unsafe { sys::napi_create_reference(env, buffer, 1, &mut reference) };
        if status != sys::Status::napi_ok {
            return None;
        }
        self.release(env);
        Some((
            buffer,
            Pool {
                reference,
                data: data.cast(),
                used: 0,
            },
        ))
    }

    /// Drops the current pool (the handle is going); JS views keep its memory.
    pub(crate) fn release(&self, env: sys::napi_env) {
        if let Some(pool) = self.current.take() {
            // SAFETY: a reference this pool created on `env`, deleted once
            // (taken out of the cell first).
            unsafe { sys::napi_delete_reference(env, pool.reference) };
        }
    }
}

/// The pool's ArrayBuffer, if it has `size` bytes left and is still attached.
fn usable(env: sys::napi_env, pool: Pool, size: usize) -> Option<(sys::napi_value, Pool)> {
    if pool.used + size > POOL_BYTES {
        return None;
    }
    let mut buffer = ptr::null_mut();
    // SAFETY: a live strong reference of this env, on its thread.
    let status = unsafe { sys::napi_get_reference_value(env, pool.reference, &mut buffer) };
    if status != sys::Status::napi_ok || buffer.is_null() {
        return None;
    }
    let mut detached = true;
    // SAFETY: `buffer` is a live ArrayBuffer value of this scope.
    let status = unsafe { sys::napi_is_detached_arraybuffer(env, buffer, &mut detached) };
    (status == sys::Status::napi_ok && !detached).then_some((buffer, pool))
}
