//! `send` and `try_send` as plain functions of a handle's number (see
//! [`crate::handle_ids`] for why not class methods), each in two forms: to a
//! destination given in full, and `…Again` to the destination the previous
//! full call of the handle parsed. `src/send_path.ts` calls the second only
//! when the caller passes the same address values again, so a reply loop
//! converts and parses its peer's address once, not once per datagram
//! (about 2k instructions per send: a JS string copied out, an IP parsed).
//! The binding exports each as a raw napi callback ([`crate::raw_exports`]).

use std::net::SocketAddr;
use std::rc::Rc;

use napi::bindgen_prelude::BufferSlice;
use napi::{Env, Result};
use napi_derive::napi;
use uv_udp_core::SendOutcome;

use crate::contract::SEND_QUEUED;
use crate::driver::{completions, spin, Driver};
use crate::handle::Handle;
use crate::handle_ids;
use crate::native_udp::destination;
use crate::thrown::{self, OrThrow};

/// Handle `id` for a send. JS checks that a handle is open before it reads
/// a send's arguments, but a getter among them can close it: then the call
/// is refused here, as closed (the core would also refuse to make a
/// socket for it, with UV_EBADF).
pub(crate) fn open_handle(env: &Env, id: u32) -> Result<Rc<Handle>> {
    let handle =
        handle_ids::get(id).ok_or_else(|| thrown::invalid_argument(env, "no such handle"))?;
    if handle.udp.borrow().is_closed() {
        return Err(thrown::closed(env));
    }
    Ok(handle)
}

/// The destination of the handle's last full call; an error if there is
/// none (JS never calls `…Again` then).
pub(crate) fn last_destination(env: &Env, handle: &Handle) -> Result<SocketAddr> {
    handle
        .last_to
        .get()
        .ok_or_else(|| thrown::invalid_argument(env, "no previous destination"))
}

/// Parses a destination given in full; a parsed address becomes the
/// handle's last destination (before anything else can fail, as JS
/// assumes: it remembers the address only when the call returns).
fn full_destination(
    env: &Env,
    handle: &Handle,
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<Option<SocketAddr>> {
    let dest = destination(env, host, port, flowinfo, scope_id)?;
    if dest.is_some() {
        handle.last_to.set(dest);
    }
    Ok(dest)
}

/// libuv's send: bytes sent, a negative code, or `SEND_QUEUED`. Every send
/// is a request until its outcome is taken with `takeCompleted`.
fn send(
    env: &Env,
    handle: &Rc<Handle>,
    dest: Option<SocketAddr>,
    data: &[u8],
    has_callback: bool,
) -> Result<i32> {
    let outcome = handle
        .udp
        .borrow_mut()
        .send(dest, data, has_callback)
        .or_throw(env)?;
    let mut failed = None;
    if let Err(error) = handle.refresh() {
        // Nothing can watch the socket: the waiting sends fail now rather
        // than never, and JS hears of it as of any known outcome.
        if handle.udp.borrow_mut().fail_unsent(error.code) > 0 {
            failed = Some(error.code);
        }
    }
    if let Driver::Uv(driver) = &handle.driver {
        if failed.is_some() || !matches!(outcome, SendOutcome::Queued { .. }) {
            completions::schedule(handle, driver);
        }
    }
    if let Some(code) = failed {
        return Ok(code);
    }
    spin::after_send(handle);
    Ok(match outcome {
        SendOutcome::Sent(n) => i32::try_from(n).unwrap_or(i32::MAX),
        SendOutcome::Failed(err) => err.code,
        SendOutcome::Queued { .. } => SEND_QUEUED,
    })
}

/// Sends now or throws (`UV_EAGAIN` when it would block, or while sends
/// wait); the bytes sent.
fn try_send(env: &Env, handle: &Handle, dest: Option<SocketAddr>, data: &[u8]) -> Result<u32> {
    let n = handle.udp.borrow_mut().try_send(dest, data).or_throw(env)?;
    spin::after_send(handle);
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// `send` on handle `id` to a destination in full (`null` host: the
/// connected peer).
#[napi(catch_unwind)]
#[allow(
    clippy::too_many_arguments,
    reason = "the hot path takes the address positionally (see contract::SocketAddress)"
)]
pub fn handle_send(
    env: &Env,
    id: u32,
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
    #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
    has_callback: bool,
) -> Result<i32> {
    let handle = open_handle(env, id)?;
    let dest = full_destination(env, &handle, host, port, flowinfo, scope_id)?;
    send(env, &handle, dest, &data, has_callback)
}

/// `send` on handle `id` to its last full call's destination.
#[napi(catch_unwind)]
pub fn handle_send_again(
    env: &Env,
    id: u32,
    #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
    has_callback: bool,
) -> Result<i32> {
    let handle = open_handle(env, id)?;
    let dest = last_destination(env, &handle)?;
    send(env, &handle, Some(dest), &data, has_callback)
}

/// `try_send` on handle `id` to a destination in full (`null` host: the
/// connected peer).
#[napi(catch_unwind)]
pub fn handle_try_send(
    env: &Env,
    id: u32,
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
    #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
) -> Result<u32> {
    let handle = open_handle(env, id)?;
    let dest = full_destination(env, &handle, host, port, flowinfo, scope_id)?;
    try_send(env, &handle, dest, &data)
}

/// `try_send` on handle `id` to its last full call's destination.
#[napi(catch_unwind)]
pub fn handle_try_send_again(
    env: &Env,
    id: u32,
    #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
) -> Result<u32> {
    let handle = open_handle(env, id)?;
    let dest = last_destination(env, &handle)?;
    try_send(env, &handle, Some(dest), &data)
}
