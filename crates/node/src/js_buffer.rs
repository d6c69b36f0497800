//! A byte vector handed to JS as an `ArrayBuffer` that JS owns: the memory
//! of a `RECEIVED` event on the reactor driver.
//!
//! Electron's V8 memory cage refuses external buffers, and an external
//! buffer would keep Rust memory alive on GC's schedule; copying into memory
//! V8 allocates is one memcpy per batch, not per datagram.

use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys};

/// Bytes that become a JS-owned `ArrayBuffer` when passed to JS.
pub struct JsOwnedBytes(pub Vec<u8>);

impl ToNapiValue for JsOwnedBytes {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        let mut data = ptr::null_mut();
        let len = val.0.len();
        // SAFETY: `env` is the live env of this call; napi allocates `len`
        // bytes owned by the new ArrayBuffer.
        check_status!(
            unsafe { sys::napi_create_arraybuffer(env, len, &mut data, &mut out) },
            "allocating a receive buffer failed"
        )?;
        if len > 0 {
            // SAFETY: napi gave `len` writable bytes at `data` (non-null for
            // a non-empty buffer), which nothing else sees yet; the Vec holds
            // `len` readable bytes, and the two do not overlap.
            unsafe { ptr::copy_nonoverlapping(val.0.as_ptr(), data.cast::<u8>(), len) };
        }
        Ok(out)
    }
}
