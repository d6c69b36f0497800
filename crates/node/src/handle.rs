//! One handle's native state: the core socket and its requests, the driver,
//! and the JS references that keep the handle alive while it is active.
//!
//! An active handle (receiving, or sends whose outcome JS has not taken) is
//! held by a strong reference to its JS object, whatever loop it belongs to,
//! as libuv's loop holds active handles; idle, the reference is weak, and an
//! unreachable handle is collected and its socket closed (issue A).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use napi::sys;
use uv_udp_core::{Activity, Udp, UvError};

use crate::driver::Driver;
use crate::env_cleanup;
use crate::uv_sys::{UV_READABLE, UV_WRITABLE};

/// A handle's native state, shared by the JS object and its poll handle.
pub(crate) struct Handle {
    pub(crate) udp: RefCell<Udp>,
    pub(crate) env: sys::napi_env,
    // The JS `UDP` object: count 1 while active, 0 (weak) otherwise.
    owner: sys::napi_ref,
    strong: Cell<bool>,
    keep_alive: Cell<bool>,
    closed: Cell<bool>,
    // JS holds part of a read for a later turn (its time budget ran out):
    // the 'uv' driver reads nothing until JS has delivered it.
    reads_held: Cell<bool>,
    // Datagrams the 'uv' driver read but could not hand to JS (making the
    // read's event failed): part of `recv_dropped`.
    lost: Cell<u64>,
    pub(crate) driver: Driver,
    // The destination the last send or try_send given one in full parsed
    // (send_fns' `…Again` calls send there).
    pub(crate) last_to: Cell<Option<std::net::SocketAddr>>,
}

impl Handle {
    pub(crate) fn new(
        udp: Udp,
        env: sys::napi_env,
        owner: sys::napi_ref,
        driver: Driver,
    ) -> Handle {
        Handle {
            udp: RefCell::new(udp),
            env,
            owner,
            strong: Cell::new(false),
            keep_alive: Cell::new(true),
            closed: Cell::new(false),
            reads_held: Cell::new(false),
            lost: Cell::new(0),
            driver,
            last_to: Cell::new(None),
        }
    }

    /// The reference to the JS `UDP` object (`this` of the event calls).
    pub(crate) fn owner(&self) -> sys::napi_ref {
        self.owner
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// True while JS holds part of a read (see [`Handle::hold_reads`]).
    pub(crate) fn reads_held(&self) -> bool {
        self.reads_held.get()
    }

    /// Counts `datagrams` read from the socket that never reached JS.
    pub(crate) fn lose(&self, datagrams: usize) {
        self.lost
            .set(self.lost.get().saturating_add(datagrams as u64));
    }

    /// Datagrams counted by [`Handle::lose`].
    pub(crate) fn lost(&self) -> u64 {
        self.lost.get()
    }

    /// JS holds part of a read for a later turn (`true`), or has delivered
    /// it (`false`): the `'uv'` driver stops and resumes watching for
    /// readability. The reactor has a bounded queue of its own instead.
    pub(crate) fn hold_reads(self: &Rc<Self>, held: bool) -> Result<(), UvError> {
        if self.reads_held.replace(held) == held {
            return Ok(());
        }
        self.refresh()
    }

    /// libuv's `uv_is_active`.
    pub(crate) fn is_active(&self) -> bool {
        !self.closed.get() && self.udp.borrow().is_active()
    }

    /// The `ref` flag.
    pub(crate) fn keeps_alive(&self) -> bool {
        self.keep_alive.get()
    }

    /// Sets the `ref` flag (readable and settable after close, to no effect).
    pub(crate) fn set_keep_alive(self: &Rc<Self>, on: bool) -> Result<(), UvError> {
        self.keep_alive.set(on);
        self.refresh()
    }

    /// Brings the strong reference, the keep-alive and what the driver
    /// watches in line with the handle's state. Called after every change.
    pub(crate) fn refresh(self: &Rc<Self>) -> Result<(), UvError> {
        if self.closed.get() {
            self.hold(false);
            return Ok(());
        }
        let Activity {
            active,
            receiving,
            sending,
            unsent,
        } = self.udp.borrow().activity();
        self.hold(active);
        // As libuv's send requests keep its loop alive whatever the
        // handle's ref: sends whose callbacks have not run keep the process
        // alive, and `ref = false` lets it go once they have.
        let keep_alive = self.keep_alive.get() || sending;
        match &self.driver {
            Driver::Uv(poll) => {
                let reading = receiving && !self.reads_held.get();
                let want =
                    if reading { UV_READABLE } else { 0 } | if unsent { UV_WRITABLE } else { 0 };
                poll.update(self, want, keep_alive)
            }
            Driver::Reactor(link) => {
                link.keep_alive(self.env, active && keep_alive);
                Ok(())
            }
        }
    }

    fn hold(&self, strong: bool) {
        if self.strong.replace(strong) == strong || env_cleanup::tearing_down() {
            return;
        }
        let mut count = 0;
        // SAFETY: on the env's thread; `owner` is a live reference of it.
        unsafe {
            if strong {
                sys::napi_reference_ref(self.env, self.owner, &mut count);
            } else {
                sys::napi_reference_unref(self.env, self.owner, &mut count);
            }
        }
    }

    /// Closes the handle: the poll handle first, then the socket. Waiting
    /// sends get `UV_ECANCELED`; returns how many.
    pub(crate) fn close(self: &Rc<Self>) -> usize {
        if self.closed.replace(true) {
            return 0;
        }
        match &self.driver {
            Driver::Uv(poll) => poll.close(),
            Driver::Reactor(link) => link.keep_alive(self.env, false),
        }
        let cancelled = self.udp.borrow_mut().close();
        self.hold(false);
        cancelled
    }

    /// The JS object was collected (or the env is going): closes what is
    /// still open and releases the references.
    pub(crate) fn finalize(self: &Rc<Self>) {
        self.close();
        if env_cleanup::tearing_down() {
            return;
        }
        // SAFETY: on the env's thread, each reference deleted once (the JS
        // object that owned this state is gone, so nothing uses them again).
        unsafe {
            sys::napi_delete_reference(self.env, self.owner);
            if let Driver::Uv(poll) = &self.driver {
                let (on_event, context) = poll.js_parts();
                sys::napi_delete_reference(self.env, on_event);
                sys::napi_async_destroy(self.env, context);
                poll.peers.release(self.env);
                poll.pool.release(self.env);
                poll.headers.release(self.env);
            }
        }
    }
}
