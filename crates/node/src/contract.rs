//! The contract between the binding and `src/*.ts`, written once, here, and
//! exported with `#[napi]` so that the generated `binding.d.ts` carries it:
//! event kinds, the received batch's layout, the send result's meaning,
//! libuv's flag values, the address object and the kinds of thrown errors.

use std::net::SocketAddr;

use napi_derive::napi;
use uv_udp_core::address::{format_address, AddressTuple};
use uv_udp_core::{flags, recv_batch, send_requests};

/// What a thrown error of the binding is about: the number in its own
/// `kind` property (see `thrown.rs`). `src/errors.ts` rethrows by kind, never
/// by reading the message.
#[napi]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A libuv error: the error's own `errno` property is the negative
    /// libuv code (`UDPError` in JS).
    Uv = 1,
    /// An argument the binding refused as malformed (an IP literal that is
    /// none, a port out of range): a `TypeError` in JS, whose message is the
    /// error's, after the name of the argument.
    InvalidArgument = 2,
    /// The handle was closed before the call reached the binding (a getter
    /// of the call's own arguments closed it): `HandleClosedError` in JS, as
    /// for any call after `close()`.
    Closed = 3,
}

/// An address as an object, for the calls where its cost does not count:
/// `getsockname` and `getpeername` return one, `bind` and `connect` take one
/// (`src/address.ts` turns it into pyuv's tuples and back).
///
/// The hot paths keep addresses positional: `handleSend`/`handleTrySend`
/// take host, port, flowinfo and scope id as arguments, and a received batch
/// carries its peers as `[ip, port]` / `[ip, port, flowinfo, scope_id]`
/// tuples that the receive callback gets as they are. An object there would
/// cost a property lookup per field on the way in (napi reads each by name)
/// and an object per peer plus a tuple made from it in JS on the way out, on
/// every datagram (a send is about 2k instructions in all, see `send_fns`).
#[napi(object)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketAddress {
    /// An IP literal. Taken: `''` is 0.0.0.0, `'<broadcast>'`
    /// 255.255.255.255, and an IPv6 literal may carry a zone (`%eth0`,
    /// `%3`). Given: the literal without a zone.
    pub host: String,
    /// The port, 0 to 65535.
    pub port: u32,
    /// IPv6 flow info; given for (and only for) an IPv6 address; taken as 0
    /// when absent.
    pub flowinfo: Option<u32>,
    /// IPv6 scope id; given for (and only for) an IPv6 address. Taken: absent
    /// means none was given (a zone in `host` then sets it).
    pub scope_id: Option<u32>,
}

impl From<&SocketAddr> for SocketAddress {
    fn from(addr: &SocketAddr) -> Self {
        match format_address(addr) {
            AddressTuple::V4 { ip, port } => SocketAddress {
                host: ip,
                port: u32::from(port),
                flowinfo: None,
                scope_id: None,
            },
            AddressTuple::V6 {
                ip,
                port,
                flowinfo,
                scope_id,
            } => SocketAddress {
                host: ip,
                port: u32::from(port),
                flowinfo: Some(flowinfo),
                scope_id: Some(scope_id),
            },
        }
    }
}

/// Event kind: datagrams read in one go. Arguments after the kind: an
/// ArrayBuffer holding the payloads back to back, the count, the distinct
/// peers as address tuples, the distinct local addresses (with pktinfo) or
/// null, the payloads' offset and size in the ArrayBuffer, then an
/// ArrayBuffer whose first `count * HEADER_WORDS` u32 are the datagrams'
/// headers. The headers are never in the payloads' ArrayBuffer, which a
/// receive callback reaches (`data.buffer`); that ArrayBuffer is never
/// empty (JS takes length 0 for detached by a callback). On the `'uv'` driver a small
/// read's payloads are a slice of a pool shared by the handle's reads (JS
/// never writes there, and the binding never writes a slice again once JS
/// has it), and the headers are in one area per handle that the next read
/// writes over: JS copies them out to keep a read past the call.
#[napi]
pub const RECEIVED: u32 = 0;
/// Bytes of the ArrayBuffer that carries `size` bytes of a `RECEIVED`
/// event's payloads: never 0, so that JS can take length 0 for an
/// ArrayBuffer a callback detached (a read of empty datagrams only gets
/// one byte it does not use). Both drivers size the buffer with it.
pub(crate) const fn payload_buffer_len(size: usize) -> usize {
    if size == 0 {
        1
    } else {
        size
    }
}

/// Event kind: a read failed; the third argument is the negative libuv code.
#[napi]
pub const RECV_ERROR: u32 = 1;
/// Event kind: sends with a callback completed, or the handle stopped being
/// active; the outcomes are taken with `takeCompleted`.
#[napi]
pub const SENDS_DONE: u32 = 2;

/// Int32 words per outcome that `takeCompleted` writes: the outcome (0 or a
/// negative libuv code), then the send's size in bytes.
#[napi]
pub const COMPLETED_WORDS: u32 = send_requests::COMPLETED_WORDS as u32;

/// u32 words in each datagram's header: length, flags, peer index, local
/// index, interface index.
#[napi]
pub const HEADER_WORDS: u32 = recv_batch::HEADER_WORDS as u32;
/// The peer (or local) index of a datagram whose address the kernel did not report.
#[napi]
pub const NO_PEER: u32 = recv_batch::NO_PEER;

/// What `send` returns when the datagram was queued; its outcome comes with
/// a `SENDS_DONE` event. Other results: bytes sent (>= 0) or a negative libuv
/// code; a send with a callback has its outcome taken with `takeCompleted`.
#[napi]
pub const SEND_QUEUED: i32 = i32::MIN;

/// `handleTrySendMany`: the longest datagram JS copies into the packed
/// area. No UDP datagram carries more (IPv4's limit is 65,507 bytes,
/// IPv6's 65,527 without jumbograms); a longer one goes as its own view,
/// for the kernel to refuse with its own error.
#[napi]
pub const SEND_MANY_PACKED_MAX: u32 = 65_535;
/// `handleTrySendMany`: the length word of a datagram passed as its own view.
#[napi]
pub const SEND_MANY_LARGE: u32 = u32::MAX;

/// bind flag: IPv6 only, no dual-stack.
#[napi]
pub const UV_UDP_IPV6ONLY: u32 = flags::UV_UDP_IPV6ONLY;
/// receive flag: the datagram was truncated.
#[napi]
pub const UV_UDP_PARTIAL: u32 = flags::UV_UDP_PARTIAL;
/// bind flag: SO_REUSEADDR.
#[napi]
pub const UV_UDP_REUSEADDR: u32 = flags::UV_UDP_REUSEADDR;
/// bind flag: SO_REUSEPORT.
#[napi]
pub const UV_UDP_REUSEPORT: u32 = flags::UV_UDP_REUSEPORT;
/// `set_membership`: join.
#[napi]
pub const UV_JOIN_GROUP: u32 = flags::UV_JOIN_GROUP;
/// `set_membership`: leave.
#[napi]
pub const UV_LEAVE_GROUP: u32 = flags::UV_LEAVE_GROUP;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv4_address_object_has_no_ipv6_fields() {
        let addr: SocketAddr = "127.0.0.1:4000".parse().expect("a literal");
        assert_eq!(
            SocketAddress::from(&addr),
            SocketAddress {
                host: "127.0.0.1".into(),
                port: 4000,
                flowinfo: None,
                scope_id: None
            }
        );
    }

    #[test]
    fn an_ipv6_address_object_has_flowinfo_and_scope_id_even_when_zero() {
        let addr = uv_udp_core::address::parse_address("fe80::1", 53, 0xabcde, Some(3))
            .expect("a literal");
        assert_eq!(
            SocketAddress::from(&addr),
            SocketAddress {
                host: "fe80::1".into(),
                port: 53,
                flowinfo: Some(0xabcde),
                scope_id: Some(3)
            }
        );
        let plain: SocketAddr = "[::1]:9".parse().expect("a literal");
        let object = SocketAddress::from(&plain);
        assert_eq!((object.flowinfo, object.scope_id), (Some(0), Some(0)));
    }

    #[test]
    fn error_kinds_are_distinct_non_zero_numbers() {
        // 0 is what a missing property coerces to in careless JS: no kind has it.
        assert_eq!(ErrorKind::Uv as i32, 1);
        assert_eq!(ErrorKind::InvalidArgument as i32, 2);
    }
}
