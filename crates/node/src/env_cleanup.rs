//! Closes a JS thread's handles when its Node environment goes away.
//!
//! A worker that is terminated, or an Electron renderer reload, tears its env
//! down; GC finalizers are not guaranteed to run first, a socket left with
//! the reactor would keep reading for nobody, and a poll handle left open on
//! a worker's loop aborts the process ("uv_loop_close() while having open
//! handles"). One async cleanup hook per env closes every handle and is
//! removed only once the last poll handle's close callback has run. Each env
//! runs on its own thread, so thread-local state is per-env state.

use std::cell::RefCell;
use std::ffi::c_void;
use std::rc::{Rc, Weak};

use napi::sys;

use crate::driver::select::{backend, Backend};
use crate::handle::Handle;

#[derive(Default)]
struct State {
    handles: Vec<Weak<Handle>>,
    hook: Option<sys::napi_async_cleanup_hook_handle>,
    sync_hook: bool,
    open_polls: usize,
    tearing_down: bool,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Tracks `handle` so that the env's teardown closes it; installs the env's
/// cleanup hook with the first handle of the thread.
pub(crate) fn track(env: sys::napi_env, handle: &Rc<Handle>) -> napi::Result<()> {
    let needs_hook = STATE.with(|s| s.borrow().hook.is_none() && !s.borrow().sync_hook);
    if needs_hook && backend() == Backend::Reactor {
        // No poll handle will ever need a close callback on this thread, so
        // the plain (synchronous) hook is enough. It is also the one Deno
        // survives: with the async hook, Deno 2.9.6 aborts at exit with
        // "double free or corruption" (runtimes.spec).
        // SAFETY: called on the env's thread during a napi call; the hook
        // takes no argument and lives as long as the addon (never unloaded).
        let status = unsafe {
            sys::napi_add_env_cleanup_hook(env, Some(on_env_cleanup), std::ptr::null_mut())
        };
        napi::check_status!(status, "registering the env cleanup hook failed")?;
        STATE.with(|s| s.borrow_mut().sync_hook = true);
    } else if needs_hook {
        let mut hook = std::ptr::null_mut();
        // SAFETY: called on the env's thread during a napi call; the hook
        // takes no argument and lives as long as the addon (never unloaded).
        let status = unsafe {
            sys::napi_add_async_cleanup_hook(
                env,
                Some(on_teardown),
                std::ptr::null_mut(),
                &mut hook,
            )
        };
        napi::check_status!(status, "registering the env cleanup hook failed")?;
        STATE.with(|s| s.borrow_mut().hook = Some(hook));
    }
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        // Forget closed-and-collected handles now and then, so a program that
        // makes many short-lived handles keeps this list short.
        if state.handles.len() >= 64 && state.handles.len().is_power_of_two() {
            state.handles.retain(|w| w.strong_count() > 0);
        }
        state.handles.push(Rc::downgrade(handle));
    });
    Ok(())
}

/// A libuv handle (poll or idle) was opened on this thread's loop.
pub(crate) fn uv_handle_opened() {
    STATE.with(|s| s.borrow_mut().open_polls += 1);
}

/// A libuv handle's close callback ran.
pub(crate) fn uv_handle_closed() {
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.open_polls = state.open_polls.saturating_sub(1);
    });
    finish_if_done();
}

unsafe extern "C" fn on_env_cleanup(_arg: *mut c_void) {
    close_all();
}

unsafe extern "C" fn on_teardown(_hook: sys::napi_async_cleanup_hook_handle, _arg: *mut c_void) {
    close_all();
    crate::driver::completions::close();
    crate::driver::spin::close();
    finish_if_done();
}

fn close_all() {
    let handles = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.tearing_down = true;
        std::mem::take(&mut state.handles)
    });
    for handle in handles.iter().filter_map(Weak::upgrade) {
        handle.close();
    }
}

fn finish_if_done() {
    let hook = STATE.with(|s| {
        let mut state = s.borrow_mut();
        if state.tearing_down && state.open_polls == 0 {
            state.hook.take()
        } else {
            None
        }
    });
    if let Some(hook) = hook {
        // SAFETY: the hook handle came from napi_add_async_cleanup_hook and is removed once.
        unsafe { sys::napi_remove_async_cleanup_hook(hook) };
    }
}

/// True once this env is being torn down: references must not be touched.
pub(crate) fn tearing_down() -> bool {
    STATE.with(|s| s.borrow().tearing_down)
}
