//! Calling JS from a libuv callback, outside any napi call: a handle scope,
//! values built with raw napi, and `napi_make_callback`, as Node's own I/O
//! callbacks do (so `process.nextTick` and promises run after each call).

use std::ffi::c_void;
use std::net::SocketAddr;
use std::ptr;

use napi::sys;
use uv_udp_core::address::{format_address, AddressTuple};
use uv_udp_core::recv_batch::{Reader, HEADER_BYTES};

use crate::contract::{payload_buffer_len, RECEIVED};
use crate::peer_cache::PeerCache;
use crate::recv_headers::HeaderArea;
use crate::recv_pool::{RecvPool, Slice};

/// A handle scope, closed on drop.
pub(crate) struct Scope {
    env: sys::napi_env,
    scope: sys::napi_handle_scope,
}

impl Scope {
    /// Opens a handle scope on `env`'s thread.
    pub(crate) fn open(env: sys::napi_env) -> Option<Scope> {
        let mut scope = ptr::null_mut();
        // SAFETY: called on the env's own JS thread, from a libuv callback.
        let status = unsafe { sys::napi_open_handle_scope(env, &mut scope) };
        (status == sys::Status::napi_ok).then_some(Scope { env, scope })
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        // SAFETY: the scope was opened on this env and is closed once, innermost first.
        unsafe { sys::napi_close_handle_scope(self.env, self.scope) };
    }
}

/// A value from a napi call that fills an out-pointer, or `None` if it failed.
fn out(call: impl FnOnce(*mut sys::napi_value) -> sys::napi_status) -> Option<sys::napi_value> {
    let mut value = ptr::null_mut();
    (call(&mut value) == sys::Status::napi_ok).then_some(value)
}

/// A JS number.
pub(crate) fn number(env: sys::napi_env, n: f64) -> Option<sys::napi_value> {
    // SAFETY: a live env inside a handle scope.
    out(|v| unsafe { sys::napi_create_double(env, n, v) })
}

/// `null`.
pub(crate) fn null(env: sys::napi_env) -> Option<sys::napi_value> {
    // SAFETY: a live env inside a handle scope.
    out(|v| unsafe { sys::napi_get_null(env, v) })
}

fn string(env: sys::napi_env, text: &str) -> Option<sys::napi_value> {
    // SAFETY: the pointer and length describe `text`, which napi copies.
    out(|v| unsafe {
        sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, v)
    })
}

fn array(env: sys::napi_env, items: &[sys::napi_value]) -> Option<sys::napi_value> {
    // SAFETY: a live env inside a handle scope.
    let array = out(|v| unsafe { sys::napi_create_array_with_length(env, items.len(), v) })?;
    for (i, item) in items.iter().enumerate() {
        // SAFETY: `array` and `item` are live values of this scope.
        if unsafe { sys::napi_set_element(env, array, i as u32, *item) } != sys::Status::napi_ok {
            return None;
        }
    }
    Some(array)
}

/// An address tuple: `[ip, port]` or `[ip, port, flowinfo, scope_id]`.
pub(crate) fn address(env: sys::napi_env, addr: &SocketAddr) -> Option<sys::napi_value> {
    match format_address(addr) {
        AddressTuple::V4 { ip, port } => {
            array(env, &[string(env, &ip)?, number(env, port.into())?])
        }
        AddressTuple::V6 {
            ip,
            port,
            flowinfo,
            scope_id,
        } => array(
            env,
            &[
                string(env, &ip)?,
                number(env, port.into())?,
                number(env, flowinfo.into())?,
                number(env, scope_id.into())?,
            ],
        ),
    }
}

/// An ArrayBuffer for one read's `size` bytes of payloads (a read over
/// POOLED_MAX, or any read when the pool cannot be had), as a slice of it
/// all, of [`payload_buffer_len`] bytes (never empty).
fn own_buffer<'a>(env: sys::napi_env, size: usize) -> Option<Slice<'a>> {
    let mut data: *mut c_void = ptr::null_mut();
    let len = payload_buffer_len(size);
    // SAFETY: a live env inside a handle scope; napi allocates `len` bytes
    // owned by the new ArrayBuffer and returns their address in `data`.
    let buffer = out(|v| unsafe { sys::napi_create_arraybuffer(env, len, &mut data, v) })?;
    if data.is_null() {
        // `len` > 0: null means no memory.
        return None;
    }
    // SAFETY: napi gave `len` >= `size` writable bytes at `data`, owned by
    // the ArrayBuffer, which the caller's scope keeps alive; nothing else
    // sees them yet.
    let bytes = unsafe { std::slice::from_raw_parts_mut(data.cast::<u8>(), size) };
    Some(Slice {
        buffer,
        offset: 0,
        bytes,
    })
}

/// The last read of `reader` (`n` datagrams) as a `RECEIVED` event (kind
/// and arguments), in the layout of `uv_udp_core::recv_batch` (written by
/// the core, copied once, straight from the reader's memory): the payloads
/// of a small read in a slice of `pool`'s current ArrayBuffer, of a larger
/// one in an ArrayBuffer of their own; the header words in the handle's
/// header area (`headers`), the event's last argument. A read from the one
/// peer of the previous read reuses that read's peers array (`cache`).
/// `None` when napi fails: the read's datagrams are lost (the caller counts
/// them in `recv_dropped`) and a slice of the pool is given back.
pub(crate) fn received(
    env: sys::napi_env,
    reader: &mut Reader,
    n: usize,
    cache: &PeerCache,
    pool: &RecvPool,
    headers: &HeaderArea,
) -> Option<[sys::napi_value; 8]> {
    let total = reader.size(n);
    let Slice {
        buffer: area,
        bytes: words,
        ..
    } = headers.take(env, n * HEADER_BYTES)?;
    let carved = pool.carve(env, total);
    let pooled = carved.is_some();
    let Slice {
        buffer,
        offset,
        bytes,
    } = carved.or_else(|| own_buffer(env, total))?;
    let (peers, locals) = reader.write(n, words, bytes);
    let event = (|| {
        // A failure made by the test suite (`__testFailReads`), as napi
        // would fail past this point.
        if crate::test_hooks::read_fails() {
            return None;
        }
        let peers = match cache.get(env, peers) {
            Some(cached) => cached,
            None => {
                let values = peers
                    .iter()
                    .map(|peer| address(env, peer))
                    .collect::<Option<Vec<_>>>()?;
                let built = array(env, &values)?;
                cache.keep(env, peers, built);
                built
            }
        };
        let locals = if locals.is_empty() {
            null(env)?
        } else {
            let texts = locals
                .iter()
                .map(|ip| string(env, &ip.to_string()))
                .collect::<Option<Vec<_>>>()?;
            array(env, &texts)?
        };
        Some([
            number(env, RECEIVED.into())?,
            buffer,
            number(env, n as f64)?,
            peers,
            locals,
            number(env, offset as f64)?,
            number(env, total as f64)?,
            area,
        ])
    })();
    if event.is_none() && pooled {
        // JS never sees this slice: the pool takes it back.
        pool.unwind(offset);
    }
    event
}

/// Calls `func` with `args` as Node calls an I/O callback
/// (`napi_make_callback` in `context`), with the object `recv` refers to as
/// `this` (nothing is called once it was collected). A JS exception left
/// pending is cleared and raised as uncaught (`uncaughtException`, else
/// exit), as a throw from a dgram callback would be.
pub(crate) fn make_callback(
    env: sys::napi_env,
    context: sys::napi_async_context,
    recv: sys::napi_ref,
    func: sys::napi_ref,
    args: &[sys::napi_value],
) {
    // SAFETY: a live env inside a handle scope; `recv` and `func` are live
    // references of this env, `context` a live async context of it.
    unsafe {
        let Some(func) = out(|v| sys::napi_get_reference_value(env, func, v)) else {
            return;
        };
        let Some(recv) = out(|v| sys::napi_get_reference_value(env, recv, v)) else {
            return;
        };
        if recv.is_null() {
            return;
        }
        let mut result = ptr::null_mut();
        let status = sys::napi_make_callback(
            env,
            context,
            recv,
            func,
            args.len(),
            args.as_ptr(),
            &mut result,
        );
        if status != sys::Status::napi_ok {
            let mut pending = false;
            sys::napi_is_exception_pending(env, &mut pending);
            if pending {
                if let Some(error) = out(|v| sys::napi_get_and_clear_last_exception(env, v)) {
                    sys::napi_fatal_exception(env, error);
                }
            }
        }
    }
}
