//! The `uv_idle_t` handles the `'uv'` driver keeps, one per JS thread each
//! (completed sends, busy polling): allocated, initialised, closed and freed
//! here, and counted for env teardown.

use std::ffi::c_void;

use crate::env_cleanup;
use crate::uv_sys::{self, UvApi};

/// A new idle handle on `uv_loop`, counted as open; `None` when out of
/// memory or libuv refuses it.
pub(crate) fn open(api: &UvApi, uv_loop: *mut c_void) -> Option<*mut c_void> {
    // SAFETY: malloc of the size libuv reports for a uv_idle_t; checked for null.
    let idle = unsafe { libc::malloc(api.idle_size) };
    if idle.is_null() {
        return None;
    }
    // SAFETY: `idle` is `idle_size` writable bytes; `uv_loop` is this env's loop.
    if unsafe { (api.idle_init)(uv_loop, idle) } < 0 {
        // SAFETY: never initialised, so libuv does not know it.
        unsafe { libc::free(idle) };
        return None;
    }
    env_cleanup::uv_handle_opened();
    Some(idle)
}

/// Closes `idle`, a handle from [`open`] that nothing else closes; its
/// memory is freed in the close callback.
pub(crate) fn close(idle: *mut c_void) {
    if let Some(api) = uv_sys::api() {
        // SAFETY: an initialised uv_idle_t, closed once (the caller gave up its pointer).
        unsafe { (api.close)(idle, Some(on_close)) };
    }
}

unsafe extern "C" fn on_close(idle: *mut c_void) {
    // SAFETY: allocated by `open` with malloc; libuv is done with it.
    unsafe { libc::free(idle) };
    env_cleanup::uv_handle_closed();
}
