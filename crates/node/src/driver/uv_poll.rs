//! The `'uv'` driver: one `uv_poll_t` per socket on the JS thread's own
//! libuv loop. Readable: `recvmmsg` into the thread's reader (`recvmsg` for
//! a lone read: see `read_rule`), each read
//! copied once into a JS-owned Buffer and handed to JS with one
//! `napi_make_callback`. Writable (watched only while sends wait): the send
//! queue is drained on the JS thread. No thread hop anywhere.
//!
//! Reads are sized from the measured JS cost per datagram so that one poll
//! callback stays within [`POLL_BUDGET`]: a slow receive callback under a
//! flood leaves the rest in the kernel (level-triggered: the next loop turn
//! continues), so timers and other I/O run in between (issue D).
//!
//! UDP GRO (Linux) is turned on for a handle once its callbacks are cheap
//! enough that a whole coalesced message ([`GRO_SEGMENTS`] datagrams) fits
//! in one read's budget, and never turned off (see `uv_udp_core::recv_batch`).
//! A read may then bring more datagrams than it was sized for; JS bounds
//! what it delivers per turn by time and holds the rest, and the handle
//! reads nothing meanwhile ([`Handle::hold_reads`]).

use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::rc::Rc;
use std::time::{Duration, Instant};

use napi::sys;
use uv_udp_core::recv_batch::{with_thread_reader, BATCH};
use uv_udp_core::UvError;

use crate::contract::{RECV_ERROR, SENDS_DONE};
use crate::env_cleanup;
use crate::handle::Handle;
use crate::js_call::{self, Scope};
use crate::peer_cache::PeerCache;
use crate::recv_headers::HeaderArea;
use crate::recv_pool::RecvPool;
use crate::uv_sys::{UvApi, UV_READABLE, UV_WRITABLE};

use super::read_rule::{Read, ReadRule};

/// The longest one poll callback keeps reading (checked between reads).
const POLL_BUDGET: Duration = Duration::from_millis(1);
/// What one read's callbacks should cost at most, to size the next read.
const READ_BUDGET_NS: f64 = 500_000.0;
/// The most datagrams Linux coalesces into one GRO message
/// (`UDP_MAX_SEGMENTS`, 128 since Linux 6.x; 64 before).
const GRO_SEGMENTS: usize = 128;

/// A handle's poll handle and what it watches.
pub(crate) struct UvPoll {
    api: &'static UvApi,
    uv_loop: *mut c_void,
    // The uv_poll_t: null until first needed, and again once closing.
    poll: Cell<*mut c_void>,
    interest: Cell<c_int>,
    referenced: Cell<bool>,
    on_event: sys::napi_ref,
    context: sys::napi_async_context,
    // Datagrams the next read should bring, at most.
    read_size: Cell<usize>,
    // Smoothed JS cost of one datagram's delivery, in nanoseconds.
    cost_ns: Cell<f64>,
    // Smoothed datagrams per message read (above 1 only with GRO).
    per_message: Cell<f64>,
    // How many messages the next read asks for (lone reads).
    rule: ReadRule,
    // In the thread's list of handles with completed sends to settle.
    pub(crate) scheduled: Cell<bool>,
    pub(crate) peers: PeerCache,
    pub(crate) pool: RecvPool,
    pub(crate) headers: HeaderArea,
}

impl UvPoll {
    pub(crate) fn new(
        api: &'static UvApi,
        uv_loop: *mut c_void,
        on_event: sys::napi_ref,
        context: sys::napi_async_context,
    ) -> UvPoll {
        UvPoll {
            api,
            uv_loop,
            poll: Cell::new(std::ptr::null_mut()),
            interest: Cell::new(0),
            referenced: Cell::new(true),
            on_event,
            context,
            read_size: Cell::new(BATCH),
            cost_ns: Cell::new(0.0),
            per_message: Cell::new(1.0),
            rule: ReadRule::new(),
            scheduled: Cell::new(false),
            peers: PeerCache::new(),
            pool: RecvPool::new(),
            headers: HeaderArea::new(),
        }
    }

    /// The loop this handle polls on.
    pub(crate) fn uv_loop(&self) -> *mut c_void {
        self.uv_loop
    }

    /// The JS function and async context, for [`Handle::finalize`] to release.
    pub(crate) fn js_parts(&self) -> (sys::napi_ref, sys::napi_async_context) {
        (self.on_event, self.context)
    }

    /// Watches for `want` (`UV_READABLE | UV_WRITABLE`, or 0 to stop), keeping
    /// the loop alive while watching only if `keep_alive`. Makes the poll
    /// handle on first need.
    pub(crate) fn update(
        &self,
        handle: &Rc<Handle>,
        want: c_int,
        keep_alive: bool,
    ) -> Result<(), UvError> {
        if want != 0 && self.poll.get().is_null() {
            self.open(handle)?;
        }
        let poll = self.poll.get();
        if poll.is_null() {
            return Ok(());
        }
        if want & UV_READABLE != 0 && self.interest.get() & UV_READABLE == 0 {
            self.rule.restart();
        }
        if want != self.interest.get() {
            // SAFETY: `poll` is an initialised, not closing uv_poll_t of this thread's loop.
            let rc = unsafe {
                if want == 0 {
                    (self.api.poll_stop)(poll)
                } else {
                    (self.api.poll_start)(poll, want, on_poll)
                }
            };
            if rc < 0 {
                return Err(UvError::from_code(rc).unwrap_or(uv_udp_core::error::EINVAL));
            }
            self.interest.set(want);
        }
        if keep_alive != self.referenced.replace(keep_alive) {
            // SAFETY: as above.
            unsafe {
                if keep_alive {
                    (self.api.r#ref)(poll)
                } else {
                    (self.api.unref)(poll)
                }
            }
        }
        Ok(())
    }

    fn open(&self, handle: &Rc<Handle>) -> Result<(), UvError> {
        let fd = handle.udp.borrow().fileno()?;
        let fd = c_int::try_from(fd).map_err(|_| uv_udp_core::error::EBADF)?;
        self.claim(handle, fd)
    }

    /// Makes the poll handle for `fd` now, as the handle is about to adopt
    /// it (`open(fd)`): `UV_EEXIST` when the loop already watches `fd` for
    /// another handle (a node:dgram socket's, say), as libuv's
    /// `uv_udp_open` refuses it. Until the handle owns `fd`, a failed adopt
    /// must [`UvPoll::close`] it.
    pub(crate) fn claim(&self, handle: &Rc<Handle>, fd: c_int) -> Result<(), UvError> {
        if !self.poll.get().is_null() {
            return Err(uv_udp_core::error::EBUSY);
        }
        // SAFETY: malloc of the size libuv reports for a uv_poll_t; checked for null.
        let poll = unsafe { libc::malloc(self.api.poll_size) };
        if poll.is_null() {
            return Err(uv_udp_core::error::ENOMEM);
        }
        // SAFETY: `poll` is `poll_size` writable bytes; `uv_loop` is this
        // env's loop (napi_get_uv_event_loop) and `fd` an open socket.
        let rc = unsafe { (self.api.poll_init_socket)(self.uv_loop, poll, fd) };
        if rc < 0 {
            // SAFETY: never initialised, so libuv does not know it.
            unsafe { libc::free(poll) };
            return Err(UvError::from_code(rc).unwrap_or(uv_udp_core::error::EINVAL));
        }
        // The poll handle owns one strong count of the handle, given back in
        // its close callback: the handle outlives every callback, even a
        // close() from inside one.
        let data = Rc::into_raw(Rc::clone(handle));
        // SAFETY: `data` is the first field of every uv handle (uv.h
        // UV_HANDLE_FIELDS), a `void*` libuv never touches.
        unsafe { *(poll as *mut *const Handle) = data };
        self.poll.set(poll);
        self.interest.set(0);
        self.referenced.set(true);
        env_cleanup::uv_handle_opened();
        Ok(())
    }

    /// Closes the poll handle (before the socket is closed); its memory is
    /// freed in the close callback.
    pub(crate) fn close(&self) {
        let poll = self.poll.replace(std::ptr::null_mut());
        if poll.is_null() {
            return;
        }
        self.interest.set(0);
        // SAFETY: an initialised uv_poll_t, closed once (the pointer is cleared above).
        unsafe { (self.api.close)(poll, Some(on_close)) };
    }

    fn now_watching(&self, interest: c_int) {
        self.interest.set(interest);
    }
}

unsafe extern "C" fn on_close(poll: *mut c_void) {
    // SAFETY: `data` was set by `open` from Rc::into_raw and is taken back once, here.
    unsafe {
        let data = *(poll as *const *const Handle);
        drop(Rc::from_raw(data));
        libc::free(poll);
    }
    env_cleanup::uv_handle_closed();
}

unsafe extern "C" fn on_poll(poll: *mut c_void, status: c_int, events: c_int) {
    // SAFETY: `data` holds a strong count until the close callback, which
    // cannot have run while this poll callback runs.
    let handle = unsafe {
        let data = *(poll as *const *const Handle);
        Rc::increment_strong_count(data);
        Rc::from_raw(data)
    };
    let crate::driver::Driver::Uv(driver) = &handle.driver else {
        return;
    };
    if status < 0 {
        // POLLERR (an ICMP error on a connected socket): libuv stopped the
        // handle. Take SO_ERROR, report it as a receive error, watch again.
        driver.now_watching(0);
        let code = handle.udp.borrow().take_error().map_or(status, |e| e.code);
        if handle.udp.borrow().is_receiving() {
            call(&handle, driver, |env| {
                Some([
                    js_call::number(env, RECV_ERROR.into())?,
                    js_call::null(env)?,
                    js_call::number(env, code.into())?,
                ])
            });
        }
        // A failure to watch again leaves the handle as libuv would: stopped.
        let _ = handle.refresh();
        return;
    }
    if events & UV_WRITABLE != 0 && !handle.is_closed() {
        // As libuv's uv__udp_io: what the drain completed is settled at once.
        let drained = handle.udp.borrow().drain();
        if drained.completed > 0 {
            settle(&handle, driver);
        } else if drained.unsent == 0 {
            // Stops watching for writability; it cannot fail when only
            // narrowing what an open poll handle watches.
            let _ = handle.refresh();
        }
    }
    if events & UV_READABLE != 0 {
        read(&handle, driver);
    }
}

/// Retires the handle's completed sends: those without a callback here,
/// those with one by calling JS (`SENDS_DONE`), which takes their outcomes.
/// JS is also called when the handle stops being active, or stops counting
/// as referenced (`ref = false`, its last send done), for its loop.
pub(crate) fn settle(handle: &Rc<Handle>, driver: &UvPoll) {
    if handle.is_closed() {
        // close() hands every outcome to JS itself.
        return;
    }
    let was_active = handle.is_active();
    // An unreferenced handle that stays active (it receives) stops counting
    // as referenced once its sends are done: JS's `Loop.run()` must hear of
    // it too. A referenced one counts as such either way, so the common
    // case, an echo server's replies, neither asks nor calls.
    let unreferenced = !handle.keeps_alive();
    let was_sending = unreferenced && handle.udp.borrow().activity().sending;
    let needs_js = handle.udp.borrow().retire_silent();
    // Narrowing what is watched (or unreferencing) cannot fail.
    let _ = handle.refresh();
    let sends_ended = was_sending && !handle.udp.borrow().activity().sending;
    if needs_js || sends_ended || (was_active && !handle.is_active()) {
        call(handle, driver, |env| {
            Some([
                js_call::number(env, SENDS_DONE.into())?,
                js_call::null(env)?,
                js_call::number(env, 0.0)?,
            ])
        });
    }
}

/// Reads and delivers until the socket is empty, the handle stops
/// receiving, or the poll callback's time is up; after a lone read (see
/// `read_rule`), only that one.
fn read(handle: &Rc<Handle>, driver: &UvPoll) {
    let started = Instant::now();
    let soon = driver.rule.soon(started);
    loop {
        if handle.is_closed() || handle.reads_held() || !handle.udp.borrow().is_receiving() {
            return;
        }
        let Some(_scope) = Scope::open(handle.env) else {
            return;
        };
        let asked = driver.next_read(soon);
        let (want, lone) = (asked.messages, asked.lone);
        let env = handle.env;
        let read = with_thread_reader(|reader| {
            let n = handle.udp.borrow().read(reader, want)?;
            Ok::<_, std::io::Error>((
                n,
                reader.messages(),
                js_call::received(env, reader, n, &driver.peers, &driver.pool, &driver.headers),
            ))
        });
        let (n, messages, args) = match read {
            Ok(read) => {
                driver.rule.brought(&asked, read.1);
                read
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let code = UvError::from_io(&e).code;
                call(handle, driver, |env| {
                    Some([
                        js_call::number(env, RECV_ERROR.into())?,
                        js_call::null(env)?,
                        js_call::number(env, code.into())?,
                    ])
                });
                return;
            }
        };
        let Some(args) = args else {
            // napi failed: the read is lost, counted as dropped (the rest
            // stays in the kernel; the poll comes back for it).
            handle.lose(n);
            return;
        };
        let before = Instant::now();
        js_call::make_callback(env, driver.context, handle.owner(), driver.on_event, &args);
        let took = before.elapsed();
        driver.learn(n, messages, took);
        driver.rule.delivered(&asked, before + took);
        driver.consider_gro(handle);
        if lone || messages < want || started.elapsed() >= POLL_BUDGET {
            // Fewer than asked: the next read would only say EAGAIN. After a
            // lone read, whether more waits is not known: the poll comes
            // back for it (level-triggered readiness), as for anything that
            // arrives later.
            return;
        }
    }
}

impl UvPoll {
    // What the next read asks for (see `read_rule`).
    fn next_read(&self, soon: bool) -> Read {
        self.rule
            .next(self.read_size.get(), self.per_message.get(), soon)
    }

    // Turns GRO on once a whole coalesced message fits in one read's budget
    // (never off: see the module docs), if the handle still receives.
    fn consider_gro(&self, handle: &Handle) {
        if handle.is_closed() || self.cost_ns.get() * GRO_SEGMENTS as f64 > READ_BUDGET_NS {
            return;
        }
        let Ok(mut udp) = handle.udp.try_borrow_mut() else {
            return;
        };
        if udp.is_receiving() {
            udp.enable_gro();
        }
    }

    // Sizes the next read so its callbacks take about READ_BUDGET_NS.
    fn learn(&self, n: usize, messages: usize, took: Duration) {
        let ratio = n as f64 / messages.max(1) as f64;
        self.per_message
            .set(self.per_message.get() * 0.75 + ratio * 0.25);
        let sample = took.as_nanos() as f64 / n.max(1) as f64;
        let previous = self.cost_ns.get();
        let cost = if previous == 0.0 {
            sample
        } else {
            previous * 0.75 + sample * 0.25
        };
        self.cost_ns.set(cost);
        let most = BATCH * GRO_SEGMENTS;
        let size = if cost <= 0.0 {
            most
        } else {
            (READ_BUDGET_NS / cost) as usize
        };
        self.read_size.set(size.clamp(1, most));
    }
}

/// One event call to JS in its own handle scope.
fn call<const N: usize>(
    handle: &Handle,
    driver: &UvPoll,
    args: impl FnOnce(sys::napi_env) -> Option<[sys::napi_value; N]>,
) {
    let Some(_scope) = Scope::open(handle.env) else {
        return;
    };
    if let Some(args) = args(handle.env) {
        js_call::make_callback(
            handle.env,
            driver.context,
            handle.owner(),
            driver.on_event,
            &args,
        );
    }
}
