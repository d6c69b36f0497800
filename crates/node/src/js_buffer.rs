//! A byte vector handed to JS as a `Buffer` that JS owns.
//!
//! Electron's V8 memory cage refuses external buffers, and an external
//! buffer would keep Rust memory alive on GC's schedule; copying into memory
//! V8 allocates is one memcpy per batch, not per datagram.

use std::ptr;

use napi::bindgen_prelude::ToNapiValue;
use napi::{check_status, sys};

/// Bytes that become a JS-owned `Buffer` when passed to JS.
pub struct JsOwnedBuffer(pub Vec<u8>);

impl ToNapiValue for JsOwnedBuffer {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = ptr::null_mut();
        let mut data = ptr::null_mut();
        // SAFETY: `env` is the live env of this call; napi_create_buffer_copy
        // copies `len` bytes from a pointer valid for that length (a Vec's
        // pointer is non-null and dangling-but-valid for length 0).
        check_status!(
            unsafe {
                sys::napi_create_buffer_copy(
                    env,
                    val.0.len(),
                    val.0.as_ptr().cast(),
                    &mut data,
                    &mut out,
                )
            },
            "allocating a receive buffer failed"
        )?;
        Ok(out)
    }
}
