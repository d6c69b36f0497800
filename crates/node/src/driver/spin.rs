//! Opt-in busy polling on the `'uv'` driver: after a send, the JS thread's
//! loop polls without sleeping for a while (`UV_UDP_BUSY_POLL_US`
//! microseconds, read once per process; unset or 0: never), so that a reply
//! arriving meanwhile is read at once instead of after the CPU has gone idle
//! and been woken again.
//!
//! Why: across two processes a request/reply round trip is mostly the two
//! wake-ups of sleeping CPUs (on the 2-vCPU VM of `bench/RESULTS.md`, a C
//! epoll loop takes 50-54 µs a round trip, the same loop polling 50 µs
//! before it sleeps 6.7 µs). How: one `uv_idle_t` per JS thread, started by
//! a send and stopped by its own callback once the window has passed with no
//! send since. An active idle handle makes libuv poll with a zero timeout,
//! so the loop keeps turning (timers, immediates and I/O run as usual); it
//! is unreferenced, so it never keeps a process alive. The price is CPU:
//! up to the window's length of one core after each send that no reply
//! follows.

use std::cell::RefCell;
use std::ffi::c_void;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::driver::{idle, Driver};
use crate::env_cleanup;
use crate::handle::Handle;
use crate::uv_sys::{self, UvApi};

/// The variable that turns busy polling on: microseconds to poll after a send.
pub(crate) const BUSY_POLL_VARIABLE: &str = "UV_UDP_BUSY_POLL_US";
/// The longest window taken from the variable (a larger value is this).
const MOST_US: u64 = 10_000;

#[derive(Default)]
struct State {
    // The idle handle: null until first needed, and again once closed.
    idle: Option<*mut c_void>,
    started: bool,
    // Polling goes on until then.
    until: Option<Instant>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// The window, or `None` when busy polling is off (the default).
pub(crate) fn window() -> Option<Duration> {
    static WINDOW: OnceLock<Option<Duration>> = OnceLock::new();
    *WINDOW.get_or_init(|| parse(std::env::var(BUSY_POLL_VARIABLE).ok().as_deref()))
}

/// The window a value of the variable asks for: whole microseconds, at most
/// [`MOST_US`]; anything else (unset, empty, 0, not a number) is off.
fn parse(value: Option<&str>) -> Option<Duration> {
    let us = value?.trim().parse::<u64>().ok()?;
    (us > 0).then(|| Duration::from_micros(us.min(MOST_US)))
}

/// `handle` sent (or queued a send): on the `'uv'` driver, with busy
/// polling on, its loop polls without sleeping for the window from now.
pub(crate) fn after_send(handle: &Handle) {
    let Some(window) = window() else {
        return;
    };
    let Driver::Uv(driver) = &handle.driver else {
        return;
    };
    if env_cleanup::tearing_down() {
        // No new libuv handle once the env's handles are being closed.
        return;
    }
    let uv_loop = driver.uv_loop();
    let Some(api) = uv_sys::api() else {
        return;
    };
    let until = Instant::now() + window;
    let idle = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.until = Some(until);
        if state.started {
            return None;
        }
        state.started = true;
        Some(state.idle)
    });
    let Some(idle) = idle else {
        return;
    };
    let idle = match idle {
        Some(idle) => idle,
        None => match open(api, uv_loop) {
            Some(idle) => idle,
            None => {
                // No idle handle (out of memory): no busy polling.
                STATE.with(|s| s.borrow_mut().started = false);
                return;
            }
        },
    };
    // SAFETY: an initialised, open uv_idle_t of this thread's loop.
    unsafe { (api.idle_start)(idle, on_idle) };
}

fn open(api: &UvApi, uv_loop: *mut c_void) -> Option<*mut c_void> {
    let idle = idle::open(api, uv_loop)?;
    // SAFETY: an initialised idle handle: polling never keeps the loop alive.
    unsafe { (api.unref)(idle) };
    STATE.with(|s| s.borrow_mut().idle = Some(idle));
    Some(idle)
}

unsafe extern "C" fn on_idle(idle: *mut c_void) {
    let now = Instant::now();
    let over = STATE.with(|s| {
        let mut state = s.borrow_mut();
        let over = state.until.is_none_or(|until| now >= until);
        if over {
            state.started = false;
            state.until = None;
        }
        over
    });
    if over {
        if let Some(api) = uv_sys::api() {
            // SAFETY: the idle handle this callback runs for, open.
            unsafe { (api.idle_stop)(idle) };
        }
    }
}

/// True while the loop is kept polling (for tests).
pub(crate) fn polling() -> bool {
    STATE.with(|s| s.borrow().started)
}

/// Closes the idle handle at env teardown; its memory is freed in the close callback.
pub(crate) fn close() {
    let idle = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.started = false;
        state.until = None;
        state.idle.take()
    });
    if let Some(idle) = idle {
        idle::close(idle);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_is_whole_microseconds_capped_and_anything_else_is_off() {
        assert_eq!(parse(None), None);
        assert_eq!(parse(Some("")), None);
        assert_eq!(parse(Some("0")), None);
        assert_eq!(parse(Some("-5")), None);
        assert_eq!(parse(Some("fifty")), None);
        assert_eq!(parse(Some("2.5")), None);
        assert_eq!(parse(Some("50")), Some(Duration::from_micros(50)));
        assert_eq!(parse(Some(" 50\n")), Some(Duration::from_micros(50)));
        assert_eq!(
            parse(Some("99999999")),
            Some(Duration::from_micros(MOST_US))
        );
    }
}
