//! The contract between the binding and `src/*.ts`, written once, here, and
//! exported with `#[napi]` so that the generated `binding.d.ts` carries it:
//! event kinds, the received batch's layout, the send result's meaning and
//! libuv's flag values.

use napi_derive::napi;
use uv_udp_core::{flags, recv_batch, send_requests};

/// Event kind: datagrams read in one go. Arguments after the kind: an
/// ArrayBuffer holding the batch (`HEADER_WORDS` u32 per datagram, then the
/// payloads) at a byte offset, the count, the distinct peers as address
/// tuples, the distinct local addresses (with pktinfo) or null, then the
/// batch's offset (a multiple of 4) and size in the ArrayBuffer. On the
/// `'uv'` driver a small read is a slice of a pool shared by the handle's
/// reads: JS never writes there, and the binding never writes a slice again
/// once JS has it.
#[napi]
pub const RECEIVED: u32 = 0;
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
