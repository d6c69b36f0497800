//! How errors cross to JS: typed, never as text to decode.
//!
//! A failure of the binding is thrown as a JS `Error` built here with two own
//! properties: `kind`, an [`ErrorKind`] (exported, so `binding.d.ts` carries
//! it), and for [`ErrorKind::Uv`] `errno`, the negative libuv code.
//! `src/errors.ts` rethrows it as the API's class by those two values alone:
//! `UDPError(errno)`, or a `TypeError` with the message. Anything else (a
//! panic caught by `catch_unwind`) stays a plain `Error`.
//!
//! Why it is thrown here rather than returned: napi-rs v3 turns the error of
//! a `#[napi]` result into a JS error itself, from a status string (its
//! `code`) and a message, and has no way to add a property (napi-rs#1205,
//! #1981, still open). So the error object is made and thrown with the
//! call's env, and the function returns [`Status::PendingException`], which
//! napi-rs's generated wrapper leaves pending as it is (`JsError::throw_into`
//! rethrows nothing while that exception is pending). Return the error at
//! once: JS code run in between would see the exception.

use std::ffi::CStr;

use napi::{sys, Env, Error, Status};
use uv_udp_core::address::AddressError;
use uv_udp_core::UvError;

use crate::contract::ErrorKind;

/// A result whose error is thrown into JS at once, with its kind (see the
/// module's documentation): `.or_throw(env)?`.
pub(crate) trait OrThrow<T> {
    /// Throws the error into `env`'s JS, typed, and returns the error that
    /// tells napi-rs an exception is pending.
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for Result<T, UvError> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|err| uv(env, err))
    }
}

impl<T> OrThrow<T> for Result<T, AddressError> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|err| address(env, err))
    }
}

/// A libuv error, for `src/errors.ts` to rethrow as `UDPError`.
pub(crate) fn uv(env: &Env, err: UvError) -> Error {
    throw(env, ErrorKind::Uv, Some(err.code), err.message())
}

/// A call on a closed handle, for `src/errors.ts` to rethrow as `HandleClosedError`.
pub(crate) fn closed(env: &Env) -> Error {
    throw(env, ErrorKind::Closed, None, "handle is closed")
}

/// A malformed argument, for `src/errors.ts` to rethrow as `TypeError`
/// (after the name of the argument it is about).
pub(crate) fn invalid_argument(env: &Env, message: &str) -> Error {
    throw(env, ErrorKind::InvalidArgument, None, message)
}

/// An unusable address: a bad literal is a `TypeError` (the API contract), an
/// unknown interface in a zone is `UV_ENODEV`.
pub(crate) fn address(env: &Env, err: AddressError) -> Error {
    match err {
        AddressError::InvalidIp(_) => invalid_argument(env, &err.to_string()),
        AddressError::UnknownInterface(_) => uv(env, uv_udp_core::error::ENODEV),
    }
}

/// Makes the JS error (`message`, `kind`, `errno` when given) and throws it.
fn throw(env: &Env, kind: ErrorKind, errno: Option<i32>, message: &str) -> Error {
    let raw = env.raw();
    match make(raw, kind, errno, message) {
        // SAFETY: a live env of the current call and an error object of it.
        Ok(error) => match unsafe { sys::napi_throw(raw, error) } {
            sys::Status::napi_ok => Error::new(Status::PendingException, message),
            status => failed(status),
        },
        Err(status) => failed(status),
    }
}

/// Making or throwing the error failed (the env is going away, or an
/// exception is already pending): napi-rs throws what it can.
fn failed(status: sys::napi_status) -> Error {
    Error::new(Status::from(status), "uv-udp: could not throw the error")
}

fn make(
    env: sys::napi_env,
    kind: ErrorKind,
    errno: Option<i32>,
    message: &str,
) -> Result<sys::napi_value, sys::napi_status> {
    let check = |status| match status {
        sys::Status::napi_ok => Ok(()),
        status => Err(status),
    };
    let mut text = std::ptr::null_mut();
    let mut error = std::ptr::null_mut();
    let mut value = std::ptr::null_mut();
    // SAFETY: a live env of the current call; the pointer and length
    // describe `message`, which napi copies; every out pointer is a local.
    unsafe {
        check(sys::napi_create_string_utf8(
            env,
            message.as_ptr().cast(),
            message.len() as isize,
            &mut text,
        ))?;
        check(sys::napi_create_error(
            env,
            std::ptr::null_mut(),
            text,
            &mut error,
        ))?;
        check(sys::napi_create_int32(env, kind as i32, &mut value))?;
        check(sys::napi_set_named_property(
            env,
            error,
            KIND.as_ptr(),
            value,
        ))?;
        if let Some(code) = errno {
            check(sys::napi_create_int32(env, code, &mut value))?;
            check(sys::napi_set_named_property(
                env,
                error,
                ERRNO.as_ptr(),
                value,
            ))?;
        }
    }
    Ok(error)
}

/// The property that holds the [`ErrorKind`].
const KIND: &CStr = c"kind";
/// The property that holds the negative libuv code of an [`ErrorKind::Uv`].
const ERRNO: &CStr = c"errno";
