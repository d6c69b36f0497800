//! The native class behind `src/udp.ts`'s `UDP`: thin on purpose. JS values
//! in, core calls, results out; the state lives in [`Handle`].

use std::rc::Rc;
use std::sync::Arc;

use napi::bindgen_prelude::{Function, Int32Array, Object};
use napi::{sys, Env, JsValue, Result};
use napi_derive::napi;
use uv_udp_core::address::parse_address;
use uv_udp_core::flags::{AF_INET, AF_INET6};
use uv_udp_core::Udp;

use crate::contract::SocketAddress;
use crate::driver::reactor::{event_fn, TsfnSink};
use crate::driver::select::{backend, Backend};
use crate::driver::{Driver, ReactorLink, UvPoll};
use crate::handle::Handle;
use crate::thrown::{self, OrThrow};
use crate::{env_cleanup, handle_ids, uv_sys};

/// One UDP socket; `src/udp.ts` wraps it in the pyuv-shaped `UDP`.
#[napi]
pub struct NativeUdp {
    handle: Rc<Handle>,
    id: u32,
}

impl Drop for NativeUdp {
    fn drop(&mut self) {
        self.handle.finalize();
        handle_ids::remove(self.id);
    }
}

fn address(
    env: &Env,
    host: &str,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<std::net::SocketAddr> {
    let port =
        u16::try_from(port).map_err(|_| thrown::invalid_argument(env, "port out of range"))?;
    parse_address(host, port, flowinfo, scope_id).or_throw(env)
}

/// A destination that may be absent (`null`, for a connected handle).
pub(crate) fn destination(
    env: &Env,
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<Option<std::net::SocketAddr>> {
    host.map(|host| address(env, &host, port, flowinfo, scope_id))
        .transpose()
}

/// An address object taken apart (`bind`, `connect`).
fn address_of(env: &Env, addr: &SocketAddress) -> Result<std::net::SocketAddr> {
    address(
        env,
        &addr.host,
        addr.port,
        addr.flowinfo.unwrap_or(0),
        addr.scope_id,
    )
}

fn reference(env: sys::napi_env, value: sys::napi_value, count: u32) -> Result<sys::napi_ref> {
    let mut out = std::ptr::null_mut();
    // SAFETY: a live value of the current call's env.
    let status = unsafe { sys::napi_create_reference(env, value, count, &mut out) };
    napi::check_status!(status, "creating a reference failed")?;
    Ok(out)
}

/// The `'uv'` driver for a new handle, if this thread's backend is `'uv'`.
fn uv_driver(env: &Env, on_event: &Function<'_, (), ()>) -> Result<Option<Driver>> {
    let Some(api) = uv_sys::api().filter(|_| backend() == Backend::Uv) else {
        return Ok(None);
    };
    let uv_loop = env.get_uv_event_loop()?.cast();
    let on_event = reference(env.raw(), on_event.raw(), 1)?;
    let mut context = std::ptr::null_mut();
    let mut name = std::ptr::null_mut();
    const NAME: &str = "uv-udp";
    // SAFETY: a live env; the pointer and length describe NAME, which napi copies.
    let status = unsafe {
        sys::napi_create_string_utf8(
            env.raw(),
            NAME.as_ptr().cast(),
            NAME.len() as isize,
            &mut name,
        )
    };
    napi::check_status!(status, "creating the async resource name failed")?;
    // SAFETY: a live env and name; a null resource makes napi create one.
    let status =
        unsafe { sys::napi_async_init(env.raw(), std::ptr::null_mut(), name, &mut context) };
    napi::check_status!(status, "napi_async_init failed")?;
    Ok(Some(Driver::Uv(UvPoll::new(
        api, uv_loop, on_event, context,
    ))))
}

#[napi]
impl NativeUdp {
    /// A handle of `family` (AF_UNSPEC, AF_INET, AF_INET6), owned by the JS
    /// object `owner`, whose events go to `on_event`.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        family: i32,
        owner: Object<'_>,
        #[napi(
            ts_arg_type = "(kind: number, data: ArrayBuffer | null, count: number, peers: Array<[string, number] | [string, number, number, number]> | null, locals: string[] | null, offset: number, size: number, headers?: ArrayBuffer | null) => void"
        )]
        on_event: Function<'_, (), ()>,
    ) -> Result<Self> {
        let (udp, driver) = match uv_driver(&env, &on_event)? {
            Some(driver) => (Udp::new_polled(family), driver),
            None => {
                let sink = Arc::new(TsfnSink(event_fn(&on_event)?));
                let core_sink: Arc<dyn uv_udp_core::EventSink> = sink.clone();
                (
                    Udp::new(family, core_sink),
                    Driver::Reactor(ReactorLink::new(sink)),
                )
            }
        };
        let udp = udp.or_throw(&env)?;
        let owner = reference(env.raw(), owner.raw(), 0)?;
        let handle = Rc::new(Handle::new(udp, env.raw(), owner, driver));
        env_cleanup::track(env.raw(), &handle)?;
        let id = handle_ids::insert(&handle);
        Ok(NativeUdp { handle, id })
    }

    /// The handle's number, for the functions of `send_fns`.
    #[napi(catch_unwind)]
    pub fn id(&self) -> u32 {
        self.id
    }

    fn udp(&self) -> std::cell::RefMut<'_, Udp> {
        self.handle.udp.borrow_mut()
    }

    /// The socket for a call whose arguments JS read first (an address's
    /// getters may have closed the handle meanwhile): closed, it is refused
    /// as every call after close() is (`HandleClosedError`), as the sends
    /// refuse it (`send_fns::open_handle`).
    fn open_udp(&self, env: &Env) -> Result<std::cell::RefMut<'_, Udp>> {
        let udp = self.udp();
        if udp.is_closed() {
            return Err(thrown::closed(env));
        }
        Ok(udp)
    }

    fn refresh(&self, env: &Env) -> Result<()> {
        self.handle.refresh().or_throw(env)
    }

    /// `bind(2)` with libuv's flags.
    #[napi(catch_unwind)]
    pub fn bind(&self, env: &Env, address: SocketAddress, flags: u32) -> Result<()> {
        let addr = address_of(env, &address)?;
        self.open_udp(env)?.bind(addr, flags).or_throw(env)
    }

    /// Adopts a datagram socket by descriptor; with `ip_only`, only an
    /// IPv4 or IPv6 one (another family, AF_UNIX, is `UV_EAFNOSUPPORT`,
    /// left as it was: uv-udp/dgram's `bind({ fd })`, as Node's handle
    /// types it). On the `'uv'` driver the poll handle is made first: a
    /// descriptor the loop already watches for another handle is
    /// `UV_EEXIST`, as in libuv.
    #[napi(catch_unwind)]
    pub fn open(&self, env: &Env, fd: i32, ip_only: Option<bool>) -> Result<()> {
        let handle = &self.handle;
        let ip_only = ip_only.unwrap_or(false);
        let family_allowed = |family: i32| {
            if ip_only && family != AF_INET && family != AF_INET6 {
                Err(uv_udp_core::error::EAFNOSUPPORT)
            } else {
                Ok(())
            }
        };
        let adopted = match &handle.driver {
            Driver::Uv(poll) => {
                // Only a poll handle this call made goes if the open fails
                // after it: a handle that already has a socket (EBUSY) keeps
                // its own.
                let mut claimed = false;
                let adopted = self.udp().open_checked(fd, |fd, family| {
                    family_allowed(family)?;
                    poll.claim(handle, fd)?;
                    claimed = true;
                    Ok(())
                });
                if claimed && adopted.is_err() {
                    poll.close();
                }
                adopted
            }
            Driver::Reactor(_) => self
                .udp()
                .open_checked(fd, |_, family| family_allowed(family)),
        };
        adopted.or_throw(env)
    }

    /// The bound address.
    #[napi(catch_unwind)]
    pub fn getsockname(&self, env: &Env) -> Result<SocketAddress> {
        let addr = self.udp().local_addr().or_throw(env)?;
        Ok(SocketAddress::from(&addr))
    }

    /// AF_INET or AF_INET6.
    #[napi(catch_unwind)]
    pub fn family(&self, env: &Env) -> Result<i32> {
        self.udp().family().or_throw(env)
    }

    /// The descriptor.
    #[napi(catch_unwind)]
    pub fn fileno(&self, env: &Env) -> Result<i64> {
        self.udp().fileno().or_throw(env)
    }

    /// Retires the known outcomes of sends, oldest first; those of sends with
    /// a callback go into `out`, `COMPLETED_WORDS` each (outcome, size);
    /// returns how many.
    #[napi(catch_unwind)]
    pub fn take_completed(&self, env: &Env, mut out: Int32Array) -> Result<u32> {
        // SAFETY: this runs on the JS thread, which is the only thread that
        // can touch the array's memory, and no JS runs until this returns.
        let out: &mut [i32] = unsafe { out.as_mut() };
        let n = self.handle.udp.borrow().take_completed(out);
        self.refresh(env)?;
        Ok(n as u32)
    }

    /// Sends whose outcome JS has not taken (libuv's `send_queue_count`).
    #[napi(catch_unwind)]
    pub fn send_queue_count(&self) -> u32 {
        u32::try_from(self.handle.udp.borrow().send_queue_count()).unwrap_or(u32::MAX)
    }

    /// Their bytes (libuv's `send_queue_size`).
    #[napi(catch_unwind)]
    pub fn send_queue_size(&self) -> f64 {
        self.handle.udp.borrow().send_queue_size() as f64
    }

    /// libuv's `uv_is_active`: receiving, or sends whose outcome JS has not taken.
    #[napi(catch_unwind)]
    pub fn active(&self) -> bool {
        self.handle.is_active()
    }

    /// Whether the handle keeps the event loop alive while active.
    #[napi(catch_unwind, js_name = "getRef")]
    pub fn get_ref(&self) -> bool {
        self.handle.keeps_alive()
    }

    /// Sets `ref`.
    #[napi(catch_unwind, js_name = "setRef")]
    pub fn set_ref(&self, env: &Env, on: bool) -> Result<()> {
        self.handle.set_keep_alive(on).or_throw(env)
    }

    /// Connects to a peer, or disconnects with `null`.
    #[napi(catch_unwind)]
    pub fn connect(&self, env: &Env, address: Option<SocketAddress>) -> Result<()> {
        let peer = address
            .map(|address| address_of(env, &address))
            .transpose()?;
        self.open_udp(env)?.connect(peer).or_throw(env)
    }

    /// The connected peer.
    #[napi(catch_unwind)]
    pub fn getpeername(&self, env: &Env) -> Result<SocketAddress> {
        let addr = self.udp().peer_addr().or_throw(env)?;
        Ok(SocketAddress::from(&addr))
    }

    /// Joins (1) or leaves (0) a source-specific multicast group.
    #[napi(catch_unwind)]
    pub fn set_source_membership(
        &self,
        env: &Env,
        group: String,
        iface: Option<String>,
        source: String,
        membership: u32,
    ) -> Result<()> {
        self.udp()
            .set_source_membership(&group, iface.as_deref(), &source, membership)
            .or_throw(env)
    }

    /// Starts receiving; with `pktinfo`, batches carry each datagram's
    /// destination address and interface.
    #[napi(catch_unwind)]
    pub fn start_recv(&self, env: &Env, pktinfo: bool) -> Result<()> {
        self.udp().start_recv(pktinfo).or_throw(env)?;
        if let Err(error) = self.handle.refresh() {
            self.udp().stop_recv();
            let _ = self.handle.refresh();
            return Err(thrown::uv(env, error));
        }
        Ok(())
    }

    /// JS holds part of a read for a later turn (`true`: read nothing more
    /// until it says `false`, having delivered it). Only the `'uv'` driver
    /// stops reading; the reactor's queue is bounded on its own.
    #[napi(catch_unwind)]
    pub fn hold_reads(&self, env: &Env, held: bool) -> Result<()> {
        self.handle.hold_reads(held).or_throw(env)
    }

    /// No UDP GSO for this handle's `try_send_many` (see
    /// `uv_udp_core::Udp::disable_gso`); uv-udp/dgram's sockets.
    #[napi(catch_unwind)]
    pub fn disable_gso(&self) {
        self.udp().disable_gso();
    }

    /// Stops receiving: no read is delivered after this returns.
    #[napi(catch_unwind)]
    pub fn stop_recv(&self, env: &Env) -> Result<()> {
        self.udp().stop_recv();
        self.refresh(env)
    }

    /// Joins (1) or leaves (0) a multicast group.
    #[napi(catch_unwind)]
    pub fn set_membership(
        &self,
        env: &Env,
        group: String,
        membership: u32,
        iface: Option<String>,
    ) -> Result<()> {
        self.udp()
            .set_membership(&group, iface.as_deref(), membership)
            .or_throw(env)
    }

    /// IP_MULTICAST_IF / IPV6_MULTICAST_IF.
    #[napi(catch_unwind)]
    pub fn set_multicast_interface(&self, env: &Env, iface: Option<String>) -> Result<()> {
        self.udp()
            .set_multicast_interface(iface.as_deref())
            .or_throw(env)
    }

    /// IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS.
    #[napi(catch_unwind)]
    pub fn set_multicast_ttl(&self, env: &Env, ttl: i32) -> Result<()> {
        self.udp().set_multicast_ttl(i64::from(ttl)).or_throw(env)
    }

    /// IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP.
    #[napi(catch_unwind)]
    pub fn set_multicast_loop(&self, env: &Env, on: bool) -> Result<()> {
        self.udp().set_multicast_loop(on).or_throw(env)
    }

    /// SO_BROADCAST.
    #[napi(catch_unwind)]
    pub fn set_broadcast(&self, env: &Env, on: bool) -> Result<()> {
        self.udp().set_broadcast(on).or_throw(env)
    }

    /// IP_TTL / IPV6_UNICAST_HOPS.
    #[napi(catch_unwind)]
    pub fn set_ttl(&self, env: &Env, ttl: i32) -> Result<()> {
        self.udp().set_ttl(i64::from(ttl)).or_throw(env)
    }

    /// SO_SNDBUF as reported.
    #[napi(catch_unwind)]
    pub fn get_send_buffer_size(&self, env: &Env) -> Result<u32> {
        let n = self.udp().send_buffer_size().or_throw(env)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Sets SO_SNDBUF.
    #[napi(catch_unwind)]
    pub fn set_send_buffer_size(&self, env: &Env, size: u32) -> Result<()> {
        self.udp().set_send_buffer_size(size as usize).or_throw(env)
    }

    /// SO_RCVBUF as reported.
    #[napi(catch_unwind)]
    pub fn get_receive_buffer_size(&self, env: &Env) -> Result<u32> {
        let n = self.udp().receive_buffer_size().or_throw(env)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Sets SO_RCVBUF.
    #[napi(catch_unwind)]
    pub fn set_receive_buffer_size(&self, env: &Env, size: u32) -> Result<()> {
        self.udp()
            .set_receive_buffer_size(size as usize)
            .or_throw(env)
    }

    /// Frees the place of a received batch JS is done with: its datagram
    /// count and its buffer's byte length.
    #[napi(catch_unwind)]
    pub fn recv_release(&self, datagrams: u32, bytes: u32) {
        self.udp()
            .release_received(datagrams as usize, bytes as usize);
    }

    /// Datagrams dropped because JS fell behind (the reactor's bounded
    /// queue), or read and lost because napi failed (the `'uv'` driver).
    #[napi(catch_unwind)]
    pub fn recv_dropped(&self) -> f64 {
        self.udp().recv_dropped().saturating_add(self.handle.lost()) as f64
    }

    /// Stops everything and closes the socket; returns how many waiting
    /// sends were cancelled (their outcome, `UV_ECANCELED`, is taken with
    /// `takeCompleted` like any other).
    #[napi(catch_unwind)]
    pub fn close(&self) -> u32 {
        u32::try_from(self.handle.close()).unwrap_or(u32::MAX)
    }
}
