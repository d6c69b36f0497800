//! The send exports as plain napi callbacks. Each does the same argument
//! conversions, call, error and panic handling as the callback that
//! `#[napi(catch_unwind)]` generates for its function, without napi-rs's
//! per-call native-borrow bookkeeping (a scope with a mutex, an `Arc` and a
//! `Vec`, allocated and freed per call: about 550 instructions under
//! callgrind, on the path of every datagram sent: a third of a `try_send`). Nothing is borrowed past a call: the bytes are read
//! by the send before it returns.
//!
//! The `#[napi]` functions stay, for their typings in binding.d.ts (which
//! describe these too); [`install_raw_exports`] replaces their exports once
//! napi-rs has registered them.

use napi::bindgen_prelude::{
    panic_to_error, BufferSlice, CallbackInfo, FromNapiValue, JsError, JsValue, Object,
    ToNapiValue, Uint32ArraySlice,
};
use napi::{sys, Env, Result};
use napi_derive::napi;

use crate::send_fns::{handle_send, handle_send_again, handle_try_send, handle_try_send_again};
use crate::send_many_fn::{handle_try_send_many, Destination, SharedBytes};

/// Runs `call`, turning an error or a panic into a pending JS exception as
/// the generated callbacks do.
fn run(env: sys::napi_env, call: impl FnOnce() -> Result<sys::napi_value>) -> sys::napi_value {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .map_err(panic_to_error)
        .and_then(|r| r)
    {
        Ok(value) => value,
        Err(error) => {
            // SAFETY: a live env on its thread, as the generated callback throws.
            unsafe { JsError::from(error).throw_into(env) };
            std::ptr::null_mut()
        }
    }
}

/// The arguments `handleSend` and `handleTrySend` share: the handle's
/// number, a destination in full, the data.
struct FullSend<'a> {
    id: u32,
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
    data: BufferSlice<'a>,
}

impl FullSend<'_> {
    /// Converts arguments 0 to 5 of `cb` as the generated callbacks do.
    ///
    /// # Safety
    /// `env` and `cb` must be the current call's, on the env's thread.
    unsafe fn read<const N: usize>(env: sys::napi_env, cb: &CallbackInfo<N>) -> Result<Self> {
        // SAFETY: the caller's guarantee; each value is an argument of this call.
        unsafe {
            Ok(FullSend {
                id: u32::from_napi_value(env, cb.get_arg(0))?,
                host: Option::<String>::from_napi_value(env, cb.get_arg(1))?,
                port: u32::from_napi_value(env, cb.get_arg(2))?,
                flowinfo: u32::from_napi_value(env, cb.get_arg(3))?,
                scope_id: Option::<u32>::from_napi_value(env, cb.get_arg(4))?,
                data: BufferSlice::from_napi_value(env, cb.get_arg(5))?,
            })
        }
    }
}

/// `handleSend(id, host, port, flowinfo, scopeId, data, hasCallback)`: [`handle_send`].
extern "C" fn raw_handle_send(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: called by napi on the env's thread with this call's info;
    // each argument is converted as the generated callback converts it.
    run(env, || unsafe {
        let cb = CallbackInfo::<7>::new(env, info, None, false)?;
        let s = FullSend::read(env, &cb)?;
        let has_callback = bool::from_napi_value(env, cb.get_arg(6))?;
        let env = Env::from_raw(env);
        let sent = handle_send(
            &env,
            s.id,
            s.host,
            s.port,
            s.flowinfo,
            s.scope_id,
            s.data,
            has_callback,
        )?;
        i32::to_napi_value(env.raw(), sent)
    })
}

/// `handleTrySend(id, host, port, flowinfo, scopeId, data)`: [`handle_try_send`].
extern "C" fn raw_handle_try_send(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as for raw_handle_send.
    run(env, || unsafe {
        let cb = CallbackInfo::<6>::new(env, info, None, false)?;
        let s = FullSend::read(env, &cb)?;
        let env = Env::from_raw(env);
        let sent = handle_try_send(&env, s.id, s.host, s.port, s.flowinfo, s.scope_id, s.data)?;
        u32::to_napi_value(env.raw(), sent)
    })
}

/// `handleTrySendAgain(id, data)`: [`handle_try_send_again`].
extern "C" fn raw_handle_try_send_again(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as for raw_handle_send.
    run(env, || unsafe {
        let cb = CallbackInfo::<2>::new(env, info, None, false)?;
        let id = u32::from_napi_value(env, cb.get_arg(0))?;
        let data = BufferSlice::from_napi_value(env, cb.get_arg(1))?;
        let sent = handle_try_send_again(&Env::from_raw(env), id, data)?;
        u32::to_napi_value(env, sent)
    })
}

/// `handleSendAgain(id, data, hasCallback)`: [`handle_send_again`].
extern "C" fn raw_handle_send_again(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as for raw_handle_send.
    run(env, || unsafe {
        let cb = CallbackInfo::<3>::new(env, info, None, false)?;
        let id = u32::from_napi_value(env, cb.get_arg(0))?;
        let data = BufferSlice::from_napi_value(env, cb.get_arg(1))?;
        let has_callback = bool::from_napi_value(env, cb.get_arg(2))?;
        let sent = handle_send_again(&Env::from_raw(env), id, data, has_callback)?;
        i32::to_napi_value(env, sent)
    })
}

/// `handleTrySendMany(id, dests, layout, count, packed, large)`:
/// [`handle_try_send_many`].
extern "C" fn raw_handle_try_send_many(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    // SAFETY: as for raw_handle_send.
    run(env, || unsafe {
        let cb = CallbackInfo::<6>::new(env, info, None, false)?;
        let id = u32::from_napi_value(env, cb.get_arg(0))?;
        let dests = Option::<Vec<Destination>>::from_napi_value(env, cb.get_arg(1))?;
        let layout = Uint32ArraySlice::from_napi_value(env, cb.get_arg(2))?;
        let count = u32::from_napi_value(env, cb.get_arg(3))?;
        let packed = BufferSlice::from_napi_value(env, cb.get_arg(4))?;
        let large = Vec::<SharedBytes<'_>>::from_napi_value(env, cb.get_arg(5))?;
        let sent =
            handle_try_send_many(&Env::from_raw(env), id, dests, layout, count, packed, large)?;
        u32::to_napi_value(env, sent)
    })
}

/// Replaces the binding's five send exports with the plain callbacks above.
#[napi(module_exports)]
pub fn install_raw_exports(exports: Object) -> Result<()> {
    let exported = exports.value();
    let (env, value) = (exported.env, exported.value);
    let raw: [(&std::ffi::CStr, sys::napi_callback); 5] = [
        (c"handleSend", Some(raw_handle_send)),
        (c"handleTrySend", Some(raw_handle_try_send)),
        (c"handleTrySendAgain", Some(raw_handle_try_send_again)),
        (c"handleSendAgain", Some(raw_handle_send_again)),
        (c"handleTrySendMany", Some(raw_handle_try_send_many)),
    ];
    for (name, callback) in raw {
        let mut function = std::ptr::null_mut();
        // SAFETY: the module's env and exports object, during its
        // registration; `name` is a NUL-terminated string.
        unsafe {
            napi::check_status!(sys::napi_create_function(
                env,
                name.as_ptr(),
                name.count_bytes() as isize,
                callback,
                std::ptr::null_mut(),
                &mut function,
            ))?;
            napi::check_status!(sys::napi_set_named_property(
                env,
                value,
                name.as_ptr(),
                function,
            ))?;
        }
    }
    Ok(())
}
