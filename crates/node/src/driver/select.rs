//! The backend of this JS thread (its env), chosen once at load.
//!
//! `index.ts` decides what only JS can see (Bun and Deno answer
//! `napi_get_uv_event_loop` but their `uv_poll_*` are stubs that abort or
//! stop after one callback; `UV_UDP_BACKEND=reactor` forces the reactor);
//! this module checks that the host really exports libuv's poll functions
//! and that the env has a loop.

use std::cell::Cell;

use napi::Env;
use napi_derive::napi;

use crate::uv_sys;

/// A JS thread's backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    /// Poll on the thread's own libuv loop.
    Uv,
    /// Tasks on the reactor thread.
    Reactor,
}

thread_local! {
    static BACKEND: Cell<Option<Backend>> = const { Cell::new(None) };
}

/// This thread's backend; the reactor until [`select_backend`] chose.
pub(crate) fn backend() -> Backend {
    BACKEND.with(|b| b.get()).unwrap_or(Backend::Reactor)
}

/// Chooses this JS thread's backend once and returns its name, `'uv'` or
/// `'reactor'`. `prefer_uv` is the runtime's verdict (false on Bun, Deno,
/// or with `UV_UDP_BACKEND=reactor`); `'uv'` also needs libuv's symbols and
/// the env's loop. Later calls return the first choice.
#[napi(ts_return_type = "'uv' | 'reactor'")]
pub fn select_backend(env: Env, prefer_uv: bool) -> &'static str {
    let chosen = BACKEND.with(|cell| {
        cell.get_or_insert_with(|| {
            let has_loop = env
                .get_uv_event_loop()
                .is_ok_and(|uv_loop| !uv_loop.is_null());
            if prefer_uv && has_loop && uv_sys::api().is_some() {
                Backend::Uv
            } else {
                Backend::Reactor
            }
        })
    });
    match chosen {
        Backend::Uv => "uv",
        Backend::Reactor => "reactor",
    }
}

trait GetOrInsert<T> {
    fn get_or_insert_with(&self, f: impl FnOnce() -> T) -> T;
}

impl<T: Copy> GetOrInsert<T> for Cell<Option<T>> {
    fn get_or_insert_with(&self, f: impl FnOnce() -> T) -> T {
        match self.get() {
            Some(value) => value,
            None => {
                let value = f();
                self.set(Some(value));
                value
            }
        }
    }
}
