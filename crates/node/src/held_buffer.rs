//! A JS ArrayBuffer that the binding keeps (one strong reference) and
//! writes through a raw pointer between calls into JS: the `'uv'` driver's
//! receive pool (`recv_pool`) and its header area (`recv_headers`). JS may
//! detach any ArrayBuffer it can reach (`ArrayBuffer.prototype.transfer`, a
//! transfer list), which frees or moves its memory: the buffer is checked
//! before every write ([`HeldBuffer::attached`]) and replaced when detached.

use std::ffi::c_void;
use std::ptr;

use napi::sys;

/// The kept ArrayBuffer: its reference, memory and length.
#[derive(Clone, Copy)]
pub(crate) struct HeldBuffer {
    reference: sys::napi_ref,
    data: *mut u8,
    len: usize,
}

impl HeldBuffer {
    /// A new ArrayBuffer of `len` (> 0) bytes, strongly referenced, and its
    /// value; `None` when napi fails. On the env's thread inside a handle scope.
    pub(crate) fn create(env: sys::napi_env, len: usize) -> Option<(sys::napi_value, HeldBuffer)> {
        let mut data: *mut c_void = ptr::null_mut();
        let mut buffer = ptr::null_mut();
        // SAFETY: on the env's thread inside a handle scope; napi allocates
        // `len` bytes owned by the new ArrayBuffer.
        let status = unsafe { sys::napi_create_arraybuffer(env, len, &mut data, &mut buffer) };
        if status != sys::Status::napi_ok || data.is_null() {
            return None;
        }
        let mut reference = ptr::null_mut();
        // SAFETY: `buffer` is a live value of this scope.
        let status = unsafe { sys::napi_create_reference(env, buffer, 1, &mut reference) };
        if status != sys::Status::napi_ok {
            return None;
        }
        Some((
            buffer,
            HeldBuffer {
                reference,
                data: data.cast(),
                len,
            },
        ))
    }

    /// Its length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Its value, if JS has not detached it. On the env's thread inside a
    /// handle scope, before the reference is deleted.
    pub(crate) fn attached(&self, env: sys::napi_env) -> Option<sys::napi_value> {
        let mut buffer = ptr::null_mut();
        // SAFETY: a live strong reference of this env, on its thread.
        let status = unsafe { sys::napi_get_reference_value(env, self.reference, &mut buffer) };
        if status != sys::Status::napi_ok || buffer.is_null() {
            return None;
        }
        let mut detached = true;
        // SAFETY: `buffer` is a live ArrayBuffer value of this scope.
        let status = unsafe { sys::napi_is_detached_arraybuffer(env, buffer, &mut detached) };
        (status == sys::Status::napi_ok && !detached).then_some(buffer)
    }

    /// `len` bytes at `offset` of its memory.
    ///
    /// # Safety
    ///
    /// [`HeldBuffer::attached`] returned `Some` in the current handle scope
    /// with no call into JS since; `offset + len <= self.len()`; and no JS
    /// has seen those bytes or may read them while the slice lives, unless
    /// the caller knows that JS does not read them until the next call into JS.
    pub(crate) unsafe fn bytes<'a>(&self, offset: usize, len: usize) -> &'a mut [u8] {
        // SAFETY: the caller's contract: the memory is alive (strongly
        // referenced) and attached, the range inside it, and unaliased.
        unsafe { std::slice::from_raw_parts_mut(self.data.add(offset), len) }
    }

    /// Deletes the reference (JS views keep the memory alive). Once per buffer.
    pub(crate) fn delete(self, env: sys::napi_env) {
        // SAFETY: a reference created by `create` on `env`; callers take the
        // buffer out of where they kept it first, so it is deleted once.
        unsafe { sys::napi_delete_reference(env, self.reference) };
    }
}
