//! The native class behind `index.ts`'s `UDP`.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;
use std::sync::Arc;

use napi::bindgen_prelude::{BufferSlice, Function, Uint32ArraySlice};
use napi::{Env, Result};
use napi_derive::napi;
use uv_udp_core::address::parse_address;
use uv_udp_core::{SendOutcome, Udp};

use crate::events::{event_fn, js_address, set_keep_alive, JsAddress, TsfnSink};
use crate::{env_cleanup, thrown};

/// What `send` returns when the datagram went to the send queue; its outcome
/// then arrives as a `SENDS_DONE` event. Other results: bytes sent (>= 0) or
/// a negative libuv code for the callback.
#[napi]
pub const SEND_QUEUED: i32 = i32::MIN;

/// One UDP socket; `index.ts` wraps it in the pyuv-shaped `UDP`.
#[napi]
pub struct NativeUdp {
    udp: Rc<RefCell<Udp>>,
    events: Arc<TsfnSink>,
}

fn port(port: u32) -> Result<u16> {
    u16::try_from(port)
        .map_err(|_| napi::Error::new(napi::Status::InvalidArg, "type:port out of range"))
}

fn address(
    host: &str,
    port_number: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<std::net::SocketAddr> {
    parse_address(host, port(port_number)?, flowinfo, scope_id).map_err(thrown::address)
}

/// A destination that may be absent (`null`, for a connected handle).
fn destination(
    host: Option<String>,
    port: u32,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<Option<std::net::SocketAddr>> {
    host.map(|host| address(&host, port, flowinfo, scope_id))
        .transpose()
}

#[napi]
impl NativeUdp {
    /// A handle of `family` (AF_UNSPEC, AF_INET, AF_INET6) whose events go to `on_event`.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: Env,
        family: i32,
        #[napi(
            ts_arg_type = "(kind: number, data: Buffer | null, count: number, extra: Array<[string, number] | [string, number, number, number]> | number[] | null, locals: string[] | null) => void"
        )]
        on_event: Function<'_, (), ()>,
    ) -> Result<Self> {
        let events = Arc::new(TsfnSink(event_fn(&on_event)?));
        let sink: Arc<dyn uv_udp_core::EventSink> = events.clone();
        let udp = Rc::new(RefCell::new(Udp::new(family, sink).map_err(thrown::uv)?));
        env_cleanup::track(&env, &udp)?;
        Ok(NativeUdp { udp, events })
    }

    fn udp(&self) -> RefMut<'_, Udp> {
        self.udp.borrow_mut()
    }

    /// `bind(2)` with libuv's flags.
    #[napi(catch_unwind)]
    pub fn bind(
        &self,
        host: String,
        port: u32,
        flowinfo: u32,
        scope_id: Option<u32>,
        flags: u32,
    ) -> Result<()> {
        let addr = address(&host, port, flowinfo, scope_id)?;
        self.udp().bind(addr, flags).map_err(thrown::uv)
    }

    /// Adopts a datagram socket by descriptor.
    #[napi(catch_unwind)]
    pub fn open(&self, fd: i32) -> Result<()> {
        self.udp().open(fd).map_err(thrown::uv)
    }

    /// The bound address.
    #[napi(
        catch_unwind,
        ts_return_type = "[string, number] | [string, number, number, number]"
    )]
    pub fn getsockname(&self) -> Result<JsAddress> {
        Ok(js_address(&self.udp().local_addr().map_err(thrown::uv)?))
    }

    /// AF_INET or AF_INET6.
    #[napi(catch_unwind)]
    pub fn family(&self) -> Result<i32> {
        self.udp().family().map_err(thrown::uv)
    }

    /// The descriptor.
    #[napi(catch_unwind)]
    pub fn fileno(&self) -> Result<i64> {
        self.udp().fileno().map_err(thrown::uv)
    }

    /// libuv's send: bytes sent, a negative code, or `SEND_QUEUED`.
    #[napi(catch_unwind)]
    pub fn send(
        &self,
        host: Option<String>,
        port: u32,
        flowinfo: u32,
        scope_id: Option<u32>,
        #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
    ) -> Result<i32> {
        let addr = destination(host, port, flowinfo, scope_id)?;
        Ok(match self.udp().send(addr, &data).map_err(thrown::uv)? {
            SendOutcome::Sent(n) => i32::try_from(n).unwrap_or(i32::MAX),
            SendOutcome::Failed(err) => err.code,
            SendOutcome::Queued => SEND_QUEUED,
        })
    }

    /// Sends now or throws (`UV_EAGAIN` when it would block).
    #[napi(catch_unwind)]
    pub fn try_send(
        &self,
        host: Option<String>,
        port: u32,
        flowinfo: u32,
        scope_id: Option<u32>,
        #[napi(ts_arg_type = "Uint8Array")] data: BufferSlice<'_>,
    ) -> Result<u32> {
        let addr = destination(host, port, flowinfo, scope_id)?;
        let n = self.udp().try_send(addr, &data).map_err(thrown::uv)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Sends datagrams in order until one would block; returns how many went.
    /// `dests` holds each distinct destination once (`null`: the connected
    /// peer; a scope id of -1: none given), `which[i]` is datagram i's.
    #[napi(catch_unwind)]
    pub fn try_send_many(
        &self,
        #[napi(ts_arg_type = "Array<[string, number, number, number] | null>")] dests: Vec<
            Option<(String, u32, u32, i64)>,
        >,
        which: Uint32ArraySlice<'_>,
        #[napi(ts_arg_type = "Uint8Array[]")] datas: Vec<BufferSlice<'_>>,
    ) -> Result<u32> {
        let dests = dests
            .into_iter()
            .map(|dest| match dest {
                None => Ok(None),
                Some((host, port, flowinfo, scope)) => {
                    address(&host, port, flowinfo, u32::try_from(scope).ok()).map(Some)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let mut messages = Vec::with_capacity(datas.len());
        for (data, &i) in datas.iter().zip(which.iter()) {
            let dest = dests.get(i as usize).ok_or_else(|| {
                napi::Error::new(
                    napi::Status::InvalidArg,
                    "type:destination index out of range",
                )
            })?;
            messages.push((*dest, &data[..]));
        }
        let n = self
            .udp()
            .try_send_many(&mut messages)
            .map_err(thrown::uv)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Connects to a peer, or disconnects with a `null` host.
    #[napi(catch_unwind)]
    pub fn connect(
        &self,
        host: Option<String>,
        port: u32,
        flowinfo: u32,
        scope_id: Option<u32>,
    ) -> Result<()> {
        let peer = destination(host, port, flowinfo, scope_id)?;
        self.udp().connect(peer).map_err(thrown::uv)
    }

    /// The connected peer.
    #[napi(
        catch_unwind,
        ts_return_type = "[string, number] | [string, number, number, number]"
    )]
    pub fn getpeername(&self) -> Result<JsAddress> {
        Ok(js_address(&self.udp().peer_addr().map_err(thrown::uv)?))
    }

    /// Joins (1) or leaves (0) a source-specific multicast group.
    #[napi(catch_unwind)]
    pub fn set_source_membership(
        &self,
        group: String,
        iface: Option<String>,
        source: String,
        membership: u32,
    ) -> Result<()> {
        self.udp()
            .set_source_membership(&group, iface.as_deref(), &source, membership)
            .map_err(thrown::uv)
    }

    /// Starts the receive task; with `pktinfo`, batches carry each
    /// datagram's destination address and interface.
    #[napi(catch_unwind)]
    pub fn start_recv(&self, pktinfo: bool) -> Result<()> {
        self.udp().start_recv(pktinfo).map_err(thrown::uv)
    }

    /// Stops the receive task.
    #[napi(catch_unwind)]
    pub fn stop_recv(&self) {
        self.udp().stop_recv();
    }

    /// Joins (1) or leaves (0) a multicast group.
    #[napi(catch_unwind)]
    pub fn set_membership(
        &self,
        group: String,
        membership: u32,
        iface: Option<String>,
    ) -> Result<()> {
        self.udp()
            .set_membership(&group, iface.as_deref(), membership)
            .map_err(thrown::uv)
    }

    /// IP_MULTICAST_IF / IPV6_MULTICAST_IF.
    #[napi(catch_unwind)]
    pub fn set_multicast_interface(&self, iface: Option<String>) -> Result<()> {
        self.udp()
            .set_multicast_interface(iface.as_deref())
            .map_err(thrown::uv)
    }

    /// IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS.
    #[napi(catch_unwind)]
    pub fn set_multicast_ttl(&self, ttl: u32) -> Result<()> {
        self.udp().set_multicast_ttl(ttl).map_err(thrown::uv)
    }

    /// IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP.
    #[napi(catch_unwind)]
    pub fn set_multicast_loop(&self, on: bool) -> Result<()> {
        self.udp().set_multicast_loop(on).map_err(thrown::uv)
    }

    /// SO_BROADCAST.
    #[napi(catch_unwind)]
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        self.udp().set_broadcast(on).map_err(thrown::uv)
    }

    /// IP_TTL / IPV6_UNICAST_HOPS.
    #[napi(catch_unwind)]
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.udp().set_ttl(ttl).map_err(thrown::uv)
    }

    /// SO_SNDBUF as reported.
    #[napi(catch_unwind)]
    pub fn get_send_buffer_size(&self) -> Result<u32> {
        let n = self.udp().send_buffer_size().map_err(thrown::uv)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Sets SO_SNDBUF.
    #[napi(catch_unwind)]
    pub fn set_send_buffer_size(&self, size: u32) -> Result<()> {
        self.udp()
            .set_send_buffer_size(size as usize)
            .map_err(thrown::uv)
    }

    /// SO_RCVBUF as reported.
    #[napi(catch_unwind)]
    pub fn get_receive_buffer_size(&self) -> Result<u32> {
        let n = self.udp().receive_buffer_size().map_err(thrown::uv)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Sets SO_RCVBUF.
    #[napi(catch_unwind)]
    pub fn set_receive_buffer_size(&self, size: u32) -> Result<()> {
        self.udp()
            .set_receive_buffer_size(size as usize)
            .map_err(thrown::uv)
    }

    /// Frees the place of a received batch JS is done with: its datagram
    /// count and its buffer's byte length.
    #[napi(catch_unwind)]
    pub fn recv_release(&self, datagrams: u32, bytes: u32) {
        self.udp()
            .release_received(datagrams as usize, bytes as usize);
    }

    /// Datagrams dropped because JS fell behind.
    #[napi(catch_unwind)]
    pub fn recv_dropped(&self) -> f64 {
        self.udp().recv_dropped() as f64
    }

    /// Whether the handle keeps Node's event loop alive.
    #[napi(catch_unwind)]
    pub fn set_keep_alive(&self, env: Env, on: bool) -> Result<()> {
        set_keep_alive(&self.events.0, &env, on)
    }

    /// Stops everything and closes the socket; returns how many queued sends
    /// were cancelled.
    #[napi(catch_unwind)]
    pub fn close(&self, env: Env) -> Result<u32> {
        set_keep_alive(&self.events.0, &env, false)?;
        Ok(u32::try_from(self.udp().close()).unwrap_or(u32::MAX))
    }
}
