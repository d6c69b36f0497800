//! Datagrams read in one go, laid out for one hand-over to JavaScript.
//!
//! Layout of [`RecvBatch::bytes`]: `count` headers of three native-endian
//! `u32` (`length`, `flags`, `peer index`), then the payloads back to back in
//! the same order. `peer index` points into [`RecvBatch::peers`], which holds
//! each distinct sender of the batch once, so that a burst from one peer makes
//! one address object on the JS side, not one per datagram.

use std::io;
use std::net::SocketAddr;

use crate::flags::UV_UDP_PARTIAL;
use crate::recv_queue::QueueSlot;

/// `u32` words in each datagram's header.
pub const HEADER_WORDS: usize = 3;
/// Bytes in each datagram's header.
pub const HEADER_BYTES: usize = HEADER_WORDS * 4;
/// Peer index of a datagram whose sender the kernel did not report.
pub const NO_PEER: u32 = u32::MAX;
/// Datagrams read per system call.
pub const BATCH: usize = 32;
/// Room for each datagram: the largest UDP payload over IPv6 without jumbograms
/// (65,527 bytes) fits, so only a jumbogram can come back `UV_UDP_PARTIAL`.
pub const SLOT: usize = 65536;

/// One datagram as the kernel reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecvMeta {
    /// Bytes received (at most [`SLOT`]).
    pub len: usize,
    /// `UV_UDP_PARTIAL` when the datagram was truncated.
    pub flags: u32,
    /// The sender.
    pub peer: Option<SocketAddr>,
}

/// Datagrams read in one go; see the module docs for the layout.
#[derive(Debug)]
pub struct RecvBatch {
    /// Headers, then payloads.
    pub bytes: Vec<u8>,
    /// How many datagrams.
    pub count: usize,
    /// Each distinct sender once.
    pub peers: Vec<SocketAddr>,
    // Keeps the batch's place in the bounded queue until the owner drops it.
    _slot: Option<QueueSlot>,
}

impl RecvBatch {
    /// Bytes a batch of these datagrams takes.
    pub fn size_of(metas: &[RecvMeta]) -> usize {
        metas.iter().map(|m| HEADER_BYTES + m.len).sum()
    }

    /// Packs datagram `i` of `metas`, found at `slots[i * SLOT..]`.
    pub(crate) fn pack(slots: &[u8], metas: &[RecvMeta], slot: Option<QueueSlot>) -> RecvBatch {
        let mut bytes = Vec::with_capacity(Self::size_of(metas));
        let mut peers: Vec<SocketAddr> = Vec::new();
        for meta in metas {
            let peer = match meta.peer {
                None => NO_PEER,
                Some(addr) => match peers.iter().position(|p| *p == addr) {
                    Some(i) => i as u32,
                    None => {
                        peers.push(addr);
                        (peers.len() - 1) as u32
                    }
                },
            };
            for word in [meta.len as u32, meta.flags, peer] {
                bytes.extend_from_slice(&word.to_ne_bytes());
            }
        }
        for (i, meta) in metas.iter().enumerate() {
            bytes.extend_from_slice(&slots[i * SLOT..i * SLOT + meta.len]);
        }
        RecvBatch {
            bytes,
            count: metas.len(),
            peers,
            _slot: slot,
        }
    }

    /// The header of datagram `i`: length, flags, peer index.
    pub fn header(&self, i: usize) -> (u32, u32, u32) {
        let word = |w: usize| {
            let at = (i * HEADER_WORDS + w) * 4;
            let mut b = [0u8; 4];
            b.copy_from_slice(&self.bytes[at..at + 4]);
            u32::from_ne_bytes(b)
        };
        (word(0), word(1), word(2))
    }
}

/// Reads up to [`BATCH`] datagrams into `slots` (one [`SLOT`] each) without
/// blocking; `WouldBlock` when there is none.
#[cfg(target_os = "linux")]
pub(crate) fn recv_many(
    socket: &socket2::Socket,
    slots: &mut [u8],
    metas: &mut [RecvMeta; BATCH],
) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    debug_assert!(slots.len() >= BATCH * SLOT);
    // SAFETY: all-zero is a valid value for these plain C structs.
    let mut names: [libc::sockaddr_storage; BATCH] = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut iovs: [libc::iovec; BATCH] = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let mut hdrs: [libc::mmsghdr; BATCH] = unsafe { std::mem::zeroed() };
    for (i, ((iov, hdr), name)) in iovs
        .iter_mut()
        .zip(hdrs.iter_mut())
        .zip(names.iter_mut())
        .enumerate()
    {
        iov.iov_base = slots[i * SLOT..].as_mut_ptr().cast();
        iov.iov_len = SLOT;
        hdr.msg_hdr.msg_name = (name as *mut libc::sockaddr_storage).cast();
        hdr.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        hdr.msg_hdr.msg_iov = iov;
        hdr.msg_hdr.msg_iovlen = 1;
    }
    // SAFETY: every header points at a live iovec over its own SLOT bytes of
    // `slots` and at its own sockaddr_storage; all outlive the call.
    let n = unsafe {
        libc::recvmmsg(
            socket.as_raw_fd(),
            hdrs.as_mut_ptr(),
            BATCH as libc::c_uint,
            libc::MSG_DONTWAIT,
            std::ptr::null_mut(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let n = n as usize;
    for i in 0..n {
        metas[i] = RecvMeta {
            len: (hdrs[i].msg_len as usize).min(SLOT),
            flags: if hdrs[i].msg_hdr.msg_flags & libc::MSG_TRUNC != 0 {
                UV_UDP_PARTIAL
            } else {
                0
            },
            peer: sockaddr_to_std(&names[i]),
        };
    }
    Ok(n)
}

/// One datagram at a time, for systems without `recvmmsg`. Compiled (and
/// tested) everywhere so that it cannot rot on Linux.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(crate) fn recv_one(
    socket: &socket2::Socket,
    slots: &mut [u8],
    metas: &mut [RecvMeta; BATCH],
) -> io::Result<usize> {
    // SAFETY: u8 and MaybeUninit<u8> have the same layout, and recv only
    // writes initialised bytes into the slice it is given.
    let buf = unsafe {
        std::slice::from_raw_parts_mut(slots.as_mut_ptr().cast::<std::mem::MaybeUninit<u8>>(), SLOT)
    };
    let mut bufs = [socket2::MaybeUninitSlice::new(buf)];
    let (len, flags, addr) = socket.recv_from_vectored(&mut bufs)?;
    metas[0] = RecvMeta {
        len: len.min(SLOT),
        flags: if flags.is_truncated() {
            UV_UDP_PARTIAL
        } else {
            0
        },
        peer: addr.as_socket(),
    };
    Ok(1)
}

#[cfg(unix)]
fn sockaddr_to_std(storage: &libc::sockaddr_storage) -> Option<SocketAddr> {
    use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
    match storage.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: ss_family says the storage holds a sockaddr_in, and
            // sockaddr_storage is large and aligned enough for it.
            let sin =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Some(SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 => {
            // SAFETY: ss_family says the storage holds a sockaddr_in6.
            let sin6 = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Some(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                u32::from_be(sin6.sin6_flowinfo),
                sin6.sin6_scope_id,
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_puts_headers_first_and_shares_repeated_peers() {
        let a: SocketAddr = "127.0.0.1:1000".parse().expect("addr");
        let b: SocketAddr = "[::1]:2000".parse().expect("addr");
        let mut slots = vec![0u8; 3 * SLOT];
        slots[..3].copy_from_slice(b"one");
        slots[SLOT..SLOT + 2].copy_from_slice(b"tw");
        let metas = [
            RecvMeta {
                len: 3,
                flags: 0,
                peer: Some(a),
            },
            RecvMeta {
                len: 2,
                flags: UV_UDP_PARTIAL,
                peer: Some(b),
            },
            RecvMeta {
                len: 0,
                flags: 0,
                peer: Some(a),
            },
        ];
        let batch = RecvBatch::pack(&slots, &metas, None);
        assert_eq!(batch.count, 3);
        assert_eq!(batch.peers, vec![a, b]);
        assert_eq!(batch.header(0), (3, 0, 0));
        assert_eq!(batch.header(1), (2, UV_UDP_PARTIAL, 1));
        assert_eq!(batch.header(2), (0, 0, 0));
        assert_eq!(&batch.bytes[3 * HEADER_BYTES..], b"onetw");
        assert_eq!(batch.bytes.len(), RecvBatch::size_of(&metas));
    }
}
