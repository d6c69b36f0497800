//! Completed sends on the `'uv'` driver: retired on the loop turn after they
//! completed, before the loop polls for input, as libuv runs a completed
//! `uv_udp_send_t` from its pending queue.
//!
//! One `uv_idle_t` per JS thread, started only while some handle has a send
//! whose outcome is known and not yet retired (an idle handle also makes the
//! loop poll without blocking, so the turn comes at once). Sends without a
//! callback are retired here with no call into JS; JS is called only for
//! sends with a callback, or when a handle stops being active (its loop may
//! be waiting for that).

use std::cell::RefCell;
use std::ffi::c_void;
use std::rc::Rc;

use crate::driver::idle;
use crate::driver::uv_poll::{self, UvPoll};
use crate::handle::Handle;
use crate::uv_sys::{self, UvApi};

#[derive(Default)]
struct State {
    // The idle handle: null until first needed, and again once closed.
    idle: Option<*mut c_void>,
    started: bool,
    pending: Vec<Rc<Handle>>,
    // The list `run_pending` works through, swapped with `pending` and
    // emptied after (its capacity kept): a fresh list per loop turn cost an
    // allocation and a free per send.
    running: Vec<Rc<Handle>>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Settles `handle`'s completed sends on the next loop turn.
pub(crate) fn schedule(handle: &Rc<Handle>, driver: &UvPoll) {
    if driver.scheduled.replace(true) {
        return;
    }
    let Some(api) = uv_sys::api() else {
        return;
    };
    let idle = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.pending.push(Rc::clone(handle));
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
        None => match open(api, driver.uv_loop()) {
            Some(idle) => idle,
            None => {
                // No idle handle (out of memory): settle now rather than never.
                STATE.with(|s| s.borrow_mut().started = false);
                run_pending();
                return;
            }
        },
    };
    // SAFETY: an initialised, open uv_idle_t of this thread's loop.
    unsafe { (api.idle_start)(idle, on_idle) };
}

fn open(api: &UvApi, uv_loop: *mut c_void) -> Option<*mut c_void> {
    let idle = idle::open(api, uv_loop)?;
    STATE.with(|s| s.borrow_mut().idle = Some(idle));
    Some(idle)
}

unsafe extern "C" fn on_idle(idle: *mut c_void) {
    let still_pending = run_pending();
    if !still_pending {
        STATE.with(|s| s.borrow_mut().started = false);
        if let Some(api) = uv_sys::api() {
            // SAFETY: the idle handle this callback runs for, open.
            unsafe { (api.idle_stop)(idle) };
        }
    }
}

/// Settles every pending handle; true when more were scheduled meanwhile.
fn run_pending() -> bool {
    let mut running = STATE.with(|s| {
        let mut state = s.borrow_mut();
        let spare = std::mem::take(&mut state.running);
        std::mem::replace(&mut state.pending, spare)
    });
    for handle in &running {
        if let crate::driver::Driver::Uv(driver) = &handle.driver {
            driver.scheduled.set(false);
            uv_poll::settle(handle, driver);
        }
    }
    running.clear();
    STATE.with(|s| {
        let mut state = s.borrow_mut();
        // Unless a nested run took it meanwhile, the emptied list is the spare again.
        if state.running.capacity() == 0 {
            state.running = running;
        }
        !state.pending.is_empty()
    })
}

/// Closes the idle handle at env teardown; its memory is freed in the close callback.
pub(crate) fn close() {
    let idle = STATE.with(|s| {
        let mut state = s.borrow_mut();
        state.pending.clear();
        state.started = false;
        state.idle.take()
    });
    if let Some(idle) = idle {
        idle::close(idle);
    }
}
