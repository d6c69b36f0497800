//! Closes a JS thread's handles when its Node environment goes away.
//!
//! A worker that is terminated, or an Electron renderer reload, tears its env
//! down; GC finalizers are not guaranteed to run first, and a socket left
//! registered with the reactor would keep reading for nobody. Each env runs
//! on its own thread, so a thread-local list is a per-env list.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use napi::Env;
use uv_udp_core::Udp;

thread_local! {
    static LIVE: RefCell<Option<Vec<Weak<RefCell<Udp>>>>> = const { RefCell::new(None) };
}

/// Tracks `udp` so that the env's cleanup closes it; installs the env's
/// cleanup hook with the first handle of the thread.
pub fn track(env: &Env, udp: &Rc<RefCell<Udp>>) -> napi::Result<()> {
    let first = LIVE.with(|live| live.borrow().is_none());
    if first {
        env.add_env_cleanup_hook((), |()| close_all())?;
    }
    LIVE.with(|live| {
        let mut live = live.borrow_mut();
        let list = live.get_or_insert_with(Vec::new);
        // Forget closed-and-collected handles now and then, so a program that
        // makes many short-lived handles keeps this list short.
        if list.len() >= 64 && list.len().is_power_of_two() {
            list.retain(|w| w.strong_count() > 0);
        }
        list.push(Rc::downgrade(udp));
    });
    Ok(())
}

fn close_all() {
    let list = LIVE
        .with(|live| live.borrow_mut().take())
        .unwrap_or_default();
    for udp in list.iter().filter_map(Weak::upgrade) {
        if let Ok(mut udp) = udp.try_borrow_mut() {
            udp.close();
        }
    }
}
