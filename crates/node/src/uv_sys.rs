//! The few libuv functions the `'uv'` driver calls, resolved at run time
//! from the host process, never linked.
//!
//! A Rust cdylib binds its imports when it is loaded (BIND_NOW), so a linked
//! `uv_poll_start` would make hosts without libuv's symbols (Deno) refuse the
//! whole addon. Looked up once per process with `dlsym(RTLD_DEFAULT)`; any
//! missing symbol means no `'uv'` driver, and the reactor is used instead.

use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

/// libuv's `uv_poll_cb`.
pub(crate) type PollCb = unsafe extern "C" fn(handle: *mut c_void, status: c_int, events: c_int);
/// libuv's `uv_close_cb`.
pub(crate) type CloseCb = unsafe extern "C" fn(handle: *mut c_void);

/// `UV_READABLE` of `enum uv_poll_event`.
pub(crate) const UV_READABLE: c_int = 1;
/// `UV_WRITABLE` of `enum uv_poll_event`.
pub(crate) const UV_WRITABLE: c_int = 2;
/// `UV_IDLE` of `enum uv_handle_type` (stable since libuv 1.0).
#[cfg_attr(not(unix), allow(dead_code))]
const UV_IDLE: c_int = 6;
/// `UV_POLL` of `enum uv_handle_type` (stable since libuv 1.0).
#[cfg_attr(not(unix), allow(dead_code))]
const UV_POLL: c_int = 8;
/// libuv's `uv_idle_cb`.
pub(crate) type IdleCb = unsafe extern "C" fn(handle: *mut c_void);

/// `int uv_poll_init_socket(uv_loop_t*, uv_poll_t*, uv_os_sock_t)`.
type PollInitSocket = unsafe extern "C" fn(*mut c_void, *mut c_void, c_int) -> c_int;
/// `int uv_poll_start(uv_poll_t*, int events, uv_poll_cb)`.
type PollStart = unsafe extern "C" fn(*mut c_void, c_int, PollCb) -> c_int;
/// `int uv_poll_stop(uv_poll_t*)`.
type PollStop = unsafe extern "C" fn(*mut c_void) -> c_int;
/// `void uv_close(uv_handle_t*, uv_close_cb)`.
type Close = unsafe extern "C" fn(*mut c_void, Option<CloseCb>);
/// `void uv_ref(uv_handle_t*)` and `void uv_unref(uv_handle_t*)`.
type RefUnref = unsafe extern "C" fn(*mut c_void);
/// `int uv_idle_init(uv_loop_t*, uv_idle_t*)`.
type IdleInit = unsafe extern "C" fn(*mut c_void, *mut c_void) -> c_int;
/// `int uv_idle_start(uv_idle_t*, uv_idle_cb)`.
type IdleStart = unsafe extern "C" fn(*mut c_void, IdleCb) -> c_int;
/// `int uv_idle_stop(uv_idle_t*)`.
type IdleStop = unsafe extern "C" fn(*mut c_void) -> c_int;
/// `size_t uv_handle_size(uv_handle_type)`.
#[cfg_attr(not(unix), allow(dead_code))]
type HandleSize = unsafe extern "C" fn(c_int) -> usize;

/// The resolved functions.
pub(crate) struct UvApi {
    /// `uv_poll_init_socket`.
    pub poll_init_socket: PollInitSocket,
    /// `uv_poll_start`.
    pub poll_start: PollStart,
    /// `uv_poll_stop`.
    pub poll_stop: PollStop,
    /// `uv_close`.
    pub close: Close,
    /// `uv_ref`.
    pub r#ref: RefUnref,
    /// `uv_unref`.
    pub unref: RefUnref,
    /// `uv_handle_size(UV_POLL)`: bytes of a `uv_poll_t` in this libuv.
    pub poll_size: usize,
    /// `uv_idle_init`.
    pub idle_init: IdleInit,
    /// `uv_idle_start`.
    pub idle_start: IdleStart,
    /// `uv_idle_stop`.
    pub idle_stop: IdleStop,
    /// `uv_handle_size(UV_IDLE)`: bytes of a `uv_idle_t` in this libuv.
    pub idle_size: usize,
}

/// The functions, or `None` when the host lacks any of them.
pub(crate) fn api() -> Option<&'static UvApi> {
    static API: OnceLock<Option<UvApi>> = OnceLock::new();
    API.get_or_init(resolve).as_ref()
}

#[cfg(unix)]
fn resolve() -> Option<UvApi> {
    fn symbol(name: &std::ffi::CStr) -> Option<*mut c_void> {
        // SAFETY: dlsym with RTLD_DEFAULT and a NUL-terminated name only
        // looks the name up in the objects already loaded.
        let found = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
        (!found.is_null()).then_some(found)
    }
    // SAFETY (each transmute below): the symbol is libuv's function of that
    // name, whose C prototype is the function pointer type it is turned into
    // (uv.h, stable since libuv 1.0).
    unsafe {
        use std::mem::transmute;
        let handle_size = transmute::<*mut c_void, HandleSize>(symbol(c"uv_handle_size")?);
        Some(UvApi {
            poll_init_socket: transmute::<*mut c_void, PollInitSocket>(symbol(
                c"uv_poll_init_socket",
            )?),
            poll_start: transmute::<*mut c_void, PollStart>(symbol(c"uv_poll_start")?),
            poll_stop: transmute::<*mut c_void, PollStop>(symbol(c"uv_poll_stop")?),
            close: transmute::<*mut c_void, Close>(symbol(c"uv_close")?),
            r#ref: transmute::<*mut c_void, RefUnref>(symbol(c"uv_ref")?),
            unref: transmute::<*mut c_void, RefUnref>(symbol(c"uv_unref")?),
            poll_size: handle_size(UV_POLL),
            idle_init: transmute::<*mut c_void, IdleInit>(symbol(c"uv_idle_init")?),
            idle_start: transmute::<*mut c_void, IdleStart>(symbol(c"uv_idle_start")?),
            idle_stop: transmute::<*mut c_void, IdleStop>(symbol(c"uv_idle_stop")?),
            idle_size: handle_size(UV_IDLE),
        })
    }
}

/// Windows: libuv's poll handle needs AFD tricks Node does not promise to
/// export; the reactor drives sockets there.
#[cfg(not(unix))]
fn resolve() -> Option<UvApi> {
    None
}
