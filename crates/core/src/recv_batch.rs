//! Datagrams read in one go, laid out for one hand-over to JavaScript.
//!
//! Layout: [`RecvBatch::headers`] holds `count` headers of five
//! native-endian `u32` (`length`, `flags`, `peer index`, `local index`,
//! `interface index`); [`RecvBatch::bytes`] the payloads back to back in the
//! same order. The two are kept apart so that JS can hand out views of the
//! payloads without the memory they view holding any header: a receive
//! callback that writes through `data.buffer` reaches payloads only, never
//! the lengths and senders of the other datagrams. `peer index` points into
//! [`RecvBatch::peers`], which holds each distinct sender of the batch once,
//! so that a burst from one peer makes one address object on the JS side,
//! not one per datagram; `local index` likewise into [`RecvBatch::locals`]
//! (the destination address, with `pktinfo` only).
//!
//! With UDP GRO on (Linux, [`set_gro`]), the kernel may hand one message
//! holding several datagrams of one flow back to back, with their segment
//! size in a `UDP_GRO` control message. The reader splits every such message
//! into its datagrams whenever that control message is present, whether or
//! not this process asked for GRO, so a message is never delivered merged.
//! GRO is never turned off again on a socket this crate reads: a message
//! coalesced before the switch would then arrive without its segment size.

use std::io;
use std::net::{IpAddr, SocketAddr};

use crate::flags::UV_UDP_PARTIAL;
use crate::recv_queue::QueueSlot;

/// `u32` words in each datagram's header.
pub const HEADER_WORDS: usize = 5;
/// Bytes in each datagram's header.
pub const HEADER_BYTES: usize = HEADER_WORDS * 4;
/// Peer (or local) index of a datagram whose sender (or destination) the
/// kernel did not report.
pub const NO_PEER: u32 = u32::MAX;
/// Datagrams read per system call.
pub const BATCH: usize = 32;
/// Room for each datagram: the largest UDP payload over IPv6 without jumbograms
/// (65,527 bytes) fits, so only a jumbogram can come back `UV_UDP_PARTIAL`.
pub const SLOT: usize = 65536;

/// One datagram as the kernel reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecvMeta {
    /// Where its bytes start in the reader's slots.
    pub offset: usize,
    /// Bytes received (at most [`SLOT`]).
    pub len: usize,
    /// `UV_UDP_PARTIAL` when the datagram was truncated.
    pub flags: u32,
    /// The sender.
    pub peer: Option<SocketAddr>,
    /// The address the datagram was sent to (`IP_PKTINFO` / `IPV6_PKTINFO`).
    pub local: Option<IpAddr>,
    /// The interface it came in on, with `local`; 0 otherwise.
    pub ifindex: u32,
}

/// One datagram's header in a [`RecvBatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Payload bytes.
    pub len: u32,
    /// `UV_UDP_PARTIAL` or 0.
    pub flags: u32,
    /// Index into [`RecvBatch::peers`], or [`NO_PEER`].
    pub peer: u32,
    /// Index into [`RecvBatch::locals`], or [`NO_PEER`].
    pub local: u32,
    /// The receiving interface's index, or 0.
    pub ifindex: u32,
}

/// Datagrams read in one go; see the module docs for the layout.
#[derive(Debug)]
pub struct RecvBatch {
    /// The headers, [`HEADER_BYTES`] each.
    pub headers: Vec<u8>,
    /// The payloads.
    pub bytes: Vec<u8>,
    /// How many datagrams.
    pub count: usize,
    /// Each distinct sender once.
    pub peers: Vec<SocketAddr>,
    /// Each distinct destination address once (with `pktinfo` only).
    pub locals: Vec<IpAddr>,
    // Keeps the batch's place in the bounded queue until the owner drops it.
    _slot: Option<QueueSlot>,
}

impl RecvBatch {
    /// Payload bytes of these datagrams.
    pub fn size_of(metas: &[RecvMeta]) -> usize {
        metas.iter().map(|m| m.len).sum()
    }

    /// Packs `metas`, each found at `slots[meta.offset..]`.
    pub(crate) fn pack(slots: &[u8], metas: &[RecvMeta], slot: Option<QueueSlot>) -> RecvBatch {
        let mut headers = vec![0u8; metas.len() * HEADER_BYTES];
        let mut bytes = vec![0u8; Self::size_of(metas)];
        let (mut peers, mut locals) = (Vec::new(), Vec::new());
        write_layout(
            slots,
            metas,
            &mut headers,
            &mut bytes,
            &mut peers,
            &mut locals,
        );
        RecvBatch {
            headers,
            bytes,
            count: metas.len(),
            peers,
            locals,
            _slot: slot,
        }
    }

    /// Takes the batch's place in the bounded queue out of it (see
    /// [`QueueSlot::into_counts`]); dropping the batch then frees nothing.
    pub fn take_slot(&mut self) -> Option<QueueSlot> {
        self._slot.take()
    }

    /// The header of datagram `i`.
    pub fn header(&self, i: usize) -> Header {
        let word = |w: usize| {
            let at = (i * HEADER_WORDS + w) * 4;
            let mut b = [0u8; 4];
            b.copy_from_slice(&self.headers[at..at + 4]);
            u32::from_ne_bytes(b)
        };
        Header {
            len: word(0),
            flags: word(1),
            peer: word(2),
            local: word(3),
            ifindex: word(4),
        }
    }
}

/// Writes `metas` (each found at `slots[meta.offset..]`) in the batch
/// layout (see the module docs): their headers into `headers` (exactly
/// `metas.len() * HEADER_BYTES` bytes), their payloads into `payloads`
/// (exactly [`RecvBatch::size_of`] bytes). Fills `peers` and `locals`
/// (cleared first) with the distinct peers and local addresses the headers
/// index. The one writer of the layout: the reactor's batches and the
/// `'uv'` driver's JS buffers both come from here.
fn write_layout(
    slots: &[u8],
    metas: &[RecvMeta],
    headers: &mut [u8],
    payloads: &mut [u8],
    peers: &mut Vec<SocketAddr>,
    locals: &mut Vec<IpAddr>,
) {
    peers.clear();
    locals.clear();
    let mut at = 0;
    for meta in metas {
        let peer = intern(peers, meta.peer);
        let local = intern(locals, meta.local);
        for word in [meta.len as u32, meta.flags, peer, local, meta.ifindex] {
            headers[at..at + 4].copy_from_slice(&word.to_ne_bytes());
            at += 4;
        }
    }
    let mut at = 0;
    for meta in metas {
        payloads[at..at + meta.len].copy_from_slice(&slots[meta.offset..meta.offset + meta.len]);
        at += meta.len;
    }
}

/// The index of `value` in `table`, adding it first if new; [`NO_PEER`] for none.
/// Linear: a batch has at most [`BATCH`] distinct entries (a GRO message's
/// datagrams share theirs) and usually one or two.
fn intern<T: PartialEq + Copy>(table: &mut Vec<T>, value: Option<T>) -> u32 {
    let Some(value) = value else { return NO_PEER };
    match table.iter().position(|v| *v == value) {
        Some(i) => i as u32,
        None => {
            table.push(value);
            (table.len() - 1) as u32
        }
    }
}

/// The message headers [`recv_many`] hands the kernel, kept for the life of
/// a receive task: zeroing them per read (about 9 KiB: names, iovecs,
/// headers, control buffers) cost more than the read itself when datagrams
/// come one at a time, as in a ping-pong (where each arrival then took two
/// reads, the datagram and `EAGAIN`; the `'uv'` driver now stops after one).
#[cfg(target_os = "linux")]
pub(crate) struct RecvHeaders {
    names: [libc::sockaddr_storage; BATCH],
    iovs: [libc::iovec; BATCH],
    hdrs: [libc::mmsghdr; BATCH],
    // Room for one IPV6_PKTINFO (or IP_PKTINFO) message, u64-aligned as
    // cmsghdr requires.
    controls: [[u64; CONTROL_WORDS]; BATCH],
}

// SAFETY: the raw pointers inside (msg_name, msg_iov, msg_control, iov_base)
// are rewritten by every recv_many before the kernel reads them and are never
// dereferenced otherwise; between calls they are inert values, so the headers
// may move to (and be used on) another thread.
#[cfg(target_os = "linux")]
unsafe impl Send for RecvHeaders {}

#[cfg(target_os = "linux")]
impl RecvHeaders {
    /// Zeroed headers, on the heap (they are about 9 KiB).
    pub(crate) fn new() -> Box<RecvHeaders> {
        // SAFETY: all-zero is a valid value for these plain C structs.
        Box::new(unsafe { std::mem::zeroed() })
    }
}

/// A reader with its memory: [`BATCH`] slots of [`SLOT`] bytes, their
/// metadata, and (on Linux) the `recvmmsg` headers, kept across reads.
///
/// One per thread ([`with_thread_reader`]), shared by every socket read on
/// that thread: a read is copied out before the next one starts, so the
/// 2 MiB of slots are paid once per thread, not once per receiving socket
/// (issue E: 200 receivers used to keep 200 x 2 MiB resident after a burst).
pub struct Reader {
    slots: Vec<u8>,
    // One per datagram of the last read (more than BATCH with GRO).
    metas: Vec<RecvMeta>,
    // Messages the last read took from the kernel.
    messages: usize,
    // The distinct peers and local addresses of the last `write`, kept
    // (cleared, not freed) across reads: a fresh table per read cost an
    // allocation and a free per read.
    peers: Vec<SocketAddr>,
    locals: Vec<IpAddr>,
    #[cfg(target_os = "linux")]
    headers: Box<RecvHeaders>,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader {
            // Zeroed pages are not touched until written: the slots cost what
            // the datagrams read into them use.
            slots: vec![0u8; BATCH * SLOT],
            metas: Vec::with_capacity(BATCH),
            messages: 0,
            peers: Vec::new(),
            locals: Vec::new(),
            #[cfg(target_os = "linux")]
            headers: RecvHeaders::new(),
        }
    }
}

impl Reader {
    /// Reads up to `max` messages (1 to [`BATCH`]) without blocking and
    /// returns how many datagrams they held (more than `max` when GRO
    /// coalesced some; [`Reader::messages`] tells how many messages);
    /// `WouldBlock` when there is none. `recvmmsg` on Linux (`recvmsg` when
    /// `max` is 1), one `recv_from` elsewhere.
    pub fn read(&mut self, socket: &socket2::Socket, max: usize) -> io::Result<usize> {
        let max = max.clamp(1, BATCH);
        self.messages = 0;
        #[cfg(target_os = "linux")]
        let messages = recv_many(
            socket,
            &mut self.slots,
            &mut self.metas,
            &mut self.headers,
            max,
        )?;
        #[cfg(not(target_os = "linux"))]
        let messages = {
            let _ = max;
            recv_one(socket, &mut self.slots, &mut self.metas)?
        };
        self.messages = messages;
        Ok(self.metas.len())
    }

    /// Messages the last read took from the kernel (its datagrams, unless
    /// GRO coalesced some).
    pub fn messages(&self) -> usize {
        self.messages
    }

    /// What the last read returned, `n` datagrams.
    pub fn metas(&self, n: usize) -> &[RecvMeta] {
        &self.metas[..n.min(self.metas.len())]
    }

    /// Payload bytes of the last read's `n` datagrams.
    pub fn size(&self, n: usize) -> usize {
        RecvBatch::size_of(self.metas(n))
    }

    /// Writes the last read's `n` datagrams in the batch layout: their
    /// headers into `headers` (`n * HEADER_BYTES` bytes), their payloads
    /// into `payloads` (of [`Reader::size`] bytes); returns the distinct
    /// peers and local addresses the headers index. The `'uv'` driver
    /// writes straight into JS-owned memory with it: one copy per read.
    pub fn write(
        &mut self,
        n: usize,
        headers: &mut [u8],
        payloads: &mut [u8],
    ) -> (&[SocketAddr], &[IpAddr]) {
        let metas = &self.metas[..n.min(self.metas.len())];
        write_layout(
            &self.slots,
            metas,
            headers,
            payloads,
            &mut self.peers,
            &mut self.locals,
        );
        (&self.peers, &self.locals)
    }

    /// The last read's `n` datagrams packed as one [`RecvBatch`].
    pub fn pack(&self, n: usize, slot: Option<QueueSlot>) -> RecvBatch {
        RecvBatch::pack(&self.slots, self.metas(n), slot)
    }
}

thread_local! {
    static THREAD_READER: std::cell::RefCell<Option<Reader>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's [`Reader`], made on first use. Not reentrant:
/// `f` must not call it again (it would get a fresh reader, not a panic).
pub fn with_thread_reader<R>(f: impl FnOnce(&mut Reader) -> R) -> R {
    THREAD_READER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut reader) => f(reader.get_or_insert_with(Reader::default)),
        Err(_) => f(&mut Reader::default()),
    })
}

/// Reads up to `max` (at most [`BATCH`]) messages into `slots` (one
/// [`SLOT`] each) without blocking (`recvmsg` for one, `recvmmsg` for
/// more), and replaces `metas` with their datagrams (a GRO message split
/// into its segments); returns the number of messages. `WouldBlock` when there is none. `headers` may hold anything a
/// previous call left: every field the kernel reads is set here first.
#[cfg(target_os = "linux")]
pub(crate) fn recv_many(
    socket: &socket2::Socket,
    slots: &mut [u8],
    metas: &mut Vec<RecvMeta>,
    headers: &mut RecvHeaders,
    max: usize,
) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let max = max.clamp(1, BATCH);
    assert!(
        slots.len() >= BATCH * SLOT,
        "recv_many needs BATCH * SLOT bytes"
    );
    // Only the `max` headers this call passes are set up: a ping-pong's
    // reads ask for 1 or 2 (the `'uv'` driver's read-size rule), not BATCH.
    let RecvHeaders {
        names,
        iovs,
        hdrs,
        controls,
    } = headers;
    for (i, (((iov, hdr), name), control)) in iovs
        .iter_mut()
        .zip(hdrs.iter_mut())
        .zip(names.iter_mut())
        .zip(controls.iter_mut())
        .enumerate()
        .take(max)
    {
        // A family the kernel did not overwrite reads as "no address".
        name.ss_family = 0;
        hdr.msg_hdr.msg_control = control.as_mut_ptr().cast();
        hdr.msg_hdr.msg_controllen = std::mem::size_of_val(control) as _;
        hdr.msg_hdr.msg_flags = 0;
        hdr.msg_len = 0;
        iov.iov_base = slots[i * SLOT..].as_mut_ptr().cast();
        iov.iov_len = SLOT;
        hdr.msg_hdr.msg_name = (name as *mut libc::sockaddr_storage).cast();
        hdr.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        hdr.msg_hdr.msg_iov = iov;
        hdr.msg_hdr.msg_iovlen = 1;
    }
    let n = if max == 1 {
        // One message: `recvmsg`, which costs the kernel less than a
        // `recvmmsg` of one (about 0.1 us here) or of two (0.2-0.5 us: after
        // the first datagram it tries the socket again). See the design
        // notes' "Lone reads" and bench/recv-calls.c.
        // SAFETY: the first header points at a live iovec over the first
        // SLOT bytes of `slots` and at its own sockaddr_storage and control
        // buffer; all outlive the call.
        let len = unsafe {
            libc::recvmsg(
                socket.as_raw_fd(),
                &mut hdrs[0].msg_hdr,
                libc::MSG_DONTWAIT as _,
            )
        };
        if len < 0 {
            return Err(io::Error::last_os_error());
        }
        // recvmsg returns the length that recvmmsg writes into msg_len.
        hdrs[0].msg_len = len as _;
        1
    } else {
        // SAFETY: headers [0, max) point at a live iovec over their own SLOT
        // bytes of `slots`, at their own sockaddr_storage and control
        // buffer; all outlive the call.
        let n = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                hdrs.as_mut_ptr(),
                max as libc::c_uint,
                // The flags are a c_int in glibc's prototype, a c_uint in musl's.
                libc::MSG_DONTWAIT as _,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        n as usize
    };
    metas.clear();
    for i in 0..n {
        let msg = &hdrs[i].msg_hdr;
        // SAFETY: the kernel filled this header's control buffer, which
        // msg_control/msg_controllen still describe, and it outlives the call.
        let control = unsafe { control_messages(msg) };
        let mut meta = RecvMeta {
            offset: i * SLOT,
            len: (hdrs[i].msg_len as usize).min(SLOT),
            // MSG_CTRUNC: control messages did not fit (the room above makes
            // that unlikely): the packet info or a GRO segment size may be
            // missing, so the message, which may hold several datagrams
            // merged, is reported as partial.
            flags: if msg.msg_flags & (libc::MSG_TRUNC | libc::MSG_CTRUNC) != 0 {
                UV_UDP_PARTIAL
            } else {
                0
            },
            peer: sockaddr_to_std(&names[i]),
            local: None,
            ifindex: 0,
        };
        if let Some((local, ifindex)) = control.packet_info {
            meta.local = Some(local);
            meta.ifindex = ifindex;
        }
        let first = metas.len();
        push_segments(metas, meta, control.segment);
        if msg.msg_flags & libc::MSG_CTRUNC != 0 {
            // Whatever was cut may concern any of its datagrams.
            for piece in &mut metas[first..] {
                piece.flags |= UV_UDP_PARTIAL;
            }
        }
    }
    Ok(n)
}

/// Messages coalesced by GRO that any reader of this process split so far.
static COALESCED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// The datagrams those messages held.
static COALESCED_DATAGRAMS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many GRO-coalesced messages (several datagrams in one) this process
/// has read and split into their datagrams so far. Tests use it to prove
/// that coalescing happened.
pub fn coalesced_messages() -> u64 {
    COALESCED.load(std::sync::atomic::Ordering::Relaxed)
}

/// How many datagrams the messages of [`coalesced_messages`] held. The
/// kernel's UDP counters count a coalesced message once (`InDatagrams`, and
/// `RcvbufErrors` and a socket's drops when it is dropped whole): a test
/// that checks them against datagrams needs this difference.
pub fn coalesced_datagrams() -> u64 {
    COALESCED_DATAGRAMS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Appends the datagrams of one message: `message` itself, or, when the
/// kernel gave a GRO segment size smaller than it, one datagram per
/// `segment` bytes (the last one may be shorter), each with the message's
/// sender, packet info and flags (a truncation can only be the last one's).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn push_segments(metas: &mut Vec<RecvMeta>, message: RecvMeta, segment: Option<usize>) {
    let segment = match segment {
        Some(size) if size > 0 && size < message.len => size,
        _ => {
            metas.push(message);
            return;
        }
    };
    COALESCED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let first = metas.len();
    let end = message.offset + message.len;
    let mut at = message.offset;
    while at < end {
        let len = segment.min(end - at);
        let last = at + len == end;
        metas.push(RecvMeta {
            offset: at,
            len,
            flags: if last { message.flags } else { 0 },
            ..message
        });
        at += len;
    }
    let datagrams = (metas.len() - first) as u64;
    COALESCED_DATAGRAMS.fetch_add(datagrams, std::sync::atomic::Ordering::Relaxed);
}

/// u64 words of control buffer per datagram (512 bytes): an in6_pktinfo
/// message needs CMSG_SPACE(20) = 40 bytes, a UDP_GRO one CMSG_SPACE(4) =
/// 24. The rest is for what an adopted socket (`open(fd)`) may have been
/// asked for: Linux puts timestamps (up to 64 bytes), marks, TTL, TOS and
/// the like before UDP_GRO, and a UDP_GRO message that does not fit is
/// lost, leaving a coalesced message unsplittable.
#[cfg(target_os = "linux")]
const CONTROL_WORDS: usize = 64;

/// What a datagram's control messages said.
#[cfg(target_os = "linux")]
#[derive(Default)]
struct Control {
    // The destination address and interface (IP_PKTINFO / IPV6_PKTINFO).
    packet_info: Option<(IpAddr, u32)>,
    // The GRO segment size: the message holds datagrams of this size.
    segment: Option<usize>,
}

/// The packet info and the GRO segment size from a header's control
/// messages, where it carries them.
///
/// # Safety
/// `msg` must describe a control buffer filled by `recvmsg`/`recvmmsg`.
#[cfg(target_os = "linux")]
unsafe fn control_messages(msg: &libc::msghdr) -> Control {
    use std::net::{Ipv4Addr, Ipv6Addr};
    let mut control = Control::default();
    // SAFETY: per this function's contract the CMSG_* walk stays inside the buffer.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(msg) };
    while !cmsg.is_null() {
        // SAFETY: CMSG_FIRSTHDR/CMSG_NXTHDR return valid headers or null.
        let header = unsafe { &*cmsg };
        // A message the kernel cut short (no room left) has a header but
        // not its whole data: read only one that holds a whole `T`.
        let holds = |size: usize| {
            // SAFETY: CMSG_LEN only computes a length.
            header.cmsg_len as usize >= unsafe { libc::CMSG_LEN(size as u32) } as usize
        };
        // SAFETY: the data of a message of this level and type is the
        // struct read here, whole (checked with `holds`); read_unaligned
        // because cmsg data has no alignment promise.
        unsafe {
            let data = libc::CMSG_DATA(cmsg);
            if header.cmsg_level == libc::IPPROTO_IP
                && header.cmsg_type == libc::IP_PKTINFO
                && holds(std::mem::size_of::<libc::in_pktinfo>())
            {
                let info = std::ptr::read_unaligned(data.cast::<libc::in_pktinfo>());
                let ip = Ipv4Addr::from(u32::from_be(info.ipi_addr.s_addr));
                control.packet_info = Some((IpAddr::V4(ip), info.ipi_ifindex as u32));
            } else if header.cmsg_level == libc::IPPROTO_IPV6
                && header.cmsg_type == libc::IPV6_PKTINFO
                && holds(std::mem::size_of::<libc::in6_pktinfo>())
            {
                let info = std::ptr::read_unaligned(data.cast::<libc::in6_pktinfo>());
                let ip = Ipv6Addr::from(info.ipi6_addr.s6_addr);
                control.packet_info = Some((IpAddr::V6(ip), info.ipi6_ifindex));
            } else if header.cmsg_level == libc::SOL_UDP
                && header.cmsg_type == libc::UDP_GRO
                && holds(std::mem::size_of::<libc::c_int>())
            {
                // The kernel writes the segment size as an int.
                let size = std::ptr::read_unaligned(data.cast::<libc::c_int>());
                control.segment = usize::try_from(size).ok();
            }
        }
        // SAFETY: as for CMSG_FIRSTHDR.
        cmsg = unsafe { libc::CMSG_NXTHDR(msg, cmsg) };
    }
    control
}

/// Asks the kernel to coalesce datagrams of one flow into one message
/// (`UDP_GRO`); see the module docs. Never turned off again: the readers
/// split what it coalesces.
#[cfg(target_os = "linux")]
pub(crate) fn set_gro(socket: &socket2::Socket) -> io::Result<()> {
    set_int_option(socket, libc::SOL_UDP, libc::UDP_GRO, 1)
}

/// `setsockopt` of an `int` option.
#[cfg(target_os = "linux")]
fn set_int_option(
    socket: &socket2::Socket,
    level: libc::c_int,
    option: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the pointer and length describe `value`, alive for the call.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            option,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Where there is no UDP GRO: refused.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(crate) fn set_gro_unsupported(_socket: &socket2::Socket) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(not(target_os = "linux"))]
pub(crate) use set_gro_unsupported as set_gro;

/// Asks the kernel for each datagram's destination address and interface
/// (`IP_PKTINFO`, or `IPV6_RECVPKTINFO`, which also covers IPv4 peers of a
/// dual-stack socket), or stops asking.
#[cfg(target_os = "linux")]
pub(crate) fn set_packet_info(socket: &socket2::Socket, ipv6: bool, on: bool) -> io::Result<()> {
    let (level, option) = if ipv6 {
        (libc::IPPROTO_IPV6, libc::IPV6_RECVPKTINFO)
    } else {
        (libc::IPPROTO_IP, libc::IP_PKTINFO)
    };
    set_int_option(socket, level, option, on.into())
}

/// Where the receive path cannot parse control messages (or the socket is
/// not IP: an adopted AF_UNIX one): refused when asked for, a no-op
/// otherwise.
pub(crate) fn set_packet_info_unsupported(
    _socket: &socket2::Socket,
    _ipv6: bool,
    on: bool,
) -> io::Result<()> {
    if on {
        return Err(io::Error::from(io::ErrorKind::Unsupported));
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub(crate) use set_packet_info_unsupported as set_packet_info;

/// One datagram at a time, for systems without `recvmmsg`. Compiled (and
/// tested) everywhere so that it cannot rot on Linux.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(crate) fn recv_one(
    socket: &socket2::Socket,
    slots: &mut [u8],
    metas: &mut Vec<RecvMeta>,
) -> io::Result<usize> {
    // SAFETY: u8 and MaybeUninit<u8> have the same layout, and recv only
    // writes initialised bytes into the slice it is given.
    let buf = unsafe {
        std::slice::from_raw_parts_mut(slots.as_mut_ptr().cast::<std::mem::MaybeUninit<u8>>(), SLOT)
    };
    let mut bufs = [socket2::MaybeUninitSlice::new(buf)];
    let (len, flags, addr) = socket.recv_from_vectored(&mut bufs)?;
    metas.clear();
    metas.push(RecvMeta {
        offset: 0,
        len: len.min(SLOT),
        flags: if flags.is_truncated() {
            UV_UDP_PARTIAL
        } else {
            0
        },
        peer: addr.as_socket(),
        local: None,
        ifindex: 0,
    });
    Ok(1)
}

#[cfg(target_os = "linux")]
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
                // Kept in network order, as crate::address expects of every
                // SocketAddrV6 (see parse_address).
                sin6.sin6_flowinfo,
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
        let here: IpAddr = "127.0.0.1".parse().expect("ip");
        let metas = [
            RecvMeta {
                len: 3,
                peer: Some(a),
                local: Some(here),
                ifindex: 1,
                ..RecvMeta::default()
            },
            RecvMeta {
                offset: SLOT,
                len: 2,
                flags: UV_UDP_PARTIAL,
                peer: Some(b),
                ..RecvMeta::default()
            },
            RecvMeta {
                offset: 2 * SLOT,
                len: 0,
                peer: Some(a),
                local: Some(here),
                ifindex: 1,
                ..RecvMeta::default()
            },
        ];
        let batch = RecvBatch::pack(&slots, &metas, None);
        assert_eq!(batch.count, 3);
        assert_eq!(batch.peers, vec![a, b]);
        assert_eq!(batch.locals, vec![here]);
        let header = |len, flags, peer, local, ifindex| Header {
            len,
            flags,
            peer,
            local,
            ifindex,
        };
        assert_eq!(batch.header(0), header(3, 0, 0, 0, 1));
        assert_eq!(batch.header(1), header(2, UV_UDP_PARTIAL, 1, NO_PEER, 0));
        assert_eq!(batch.header(2), header(0, 0, 0, 0, 1));
        assert_eq!(batch.headers.len(), 3 * HEADER_BYTES);
        assert_eq!(&batch.bytes[..], b"onetw");
        assert_eq!(batch.bytes.len(), RecvBatch::size_of(&metas));
    }

    #[test]
    fn a_gro_message_splits_into_its_segments_and_only_the_last_keeps_the_flags() {
        let peer: SocketAddr = "127.0.0.1:9".parse().expect("addr");
        let message = RecvMeta {
            offset: SLOT,
            len: 250,
            flags: UV_UDP_PARTIAL,
            peer: Some(peer),
            ifindex: 3,
            ..RecvMeta::default()
        };
        let mut metas = vec![RecvMeta::default()];
        let before = (coalesced_messages(), coalesced_datagrams());
        push_segments(&mut metas, message, Some(100));
        assert_eq!(
            (coalesced_messages(), coalesced_datagrams()),
            (before.0 + 1, before.1 + 3)
        );
        let got: Vec<_> = metas[1..]
            .iter()
            .map(|m| (m.offset, m.len, m.flags, m.peer, m.ifindex))
            .collect();
        assert_eq!(
            got,
            vec![
                (SLOT, 100, 0, Some(peer), 3),
                (SLOT + 100, 100, 0, Some(peer), 3),
                (SLOT + 200, 50, UV_UDP_PARTIAL, Some(peer), 3),
            ]
        );
        // No segment size, one of 0, or one not smaller than the message:
        // the message is one datagram.
        for segment in [None, Some(0), Some(250), Some(4096)] {
            let mut one = Vec::new();
            push_segments(&mut one, message, segment);
            assert_eq!(one, vec![message]);
        }
    }

    /// A control message the kernel cut short (its header says less than
    /// the struct it names) is not read: no packet info, no segment size.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_control_message_cut_short_is_not_read() {
        // Two messages in one buffer: an IP_PKTINFO whose length holds no
        // data (as the kernel writes one it had no room for), then a whole
        // UDP_GRO one; and a buffer holding only a cut UDP_GRO one.
        let header = std::mem::size_of::<libc::cmsghdr>();
        // SAFETY: CMSG_SPACE and CMSG_LEN only compute lengths.
        let (space0, space4, len0, len4) = unsafe {
            (
                libc::CMSG_SPACE(0) as usize,
                libc::CMSG_SPACE(4) as usize,
                libc::CMSG_LEN(0) as usize,
                libc::CMSG_LEN(4) as usize,
            )
        };
        let mut buffer = [0u64; 16];
        let msg = |buffer: &mut [u64; 16], len: usize| {
            // SAFETY: all-zero is a valid msghdr.
            let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
            msg.msg_control = buffer.as_mut_ptr().cast();
            msg.msg_controllen = len as _;
            msg
        };
        let bytes = buffer.as_mut_ptr().cast::<u8>();
        // SAFETY: the writes stay inside `buffer` (128 bytes): two cmsghdrs
        // of 16 bytes, the second at CMSG_SPACE(0) = 16, and 4 data bytes.
        unsafe {
            let cut = bytes.cast::<libc::cmsghdr>();
            (*cut).cmsg_len = len0 as _;
            (*cut).cmsg_level = libc::IPPROTO_IP;
            (*cut).cmsg_type = libc::IP_PKTINFO;
            let gro = bytes
                .add(libc::CMSG_SPACE(0) as usize)
                .cast::<libc::cmsghdr>();
            (*gro).cmsg_len = len4 as _;
            (*gro).cmsg_level = libc::SOL_UDP;
            (*gro).cmsg_type = libc::UDP_GRO;
            std::ptr::write_unaligned(
                bytes
                    .add(libc::CMSG_SPACE(0) as usize + header)
                    .cast::<libc::c_int>(),
                100,
            );
        }
        let whole = msg(&mut buffer, space0 + space4);
        // SAFETY: `whole` describes `buffer`, filled above.
        let control = unsafe { control_messages(&whole) };
        assert_eq!(control.packet_info, None);
        assert_eq!(control.segment, Some(100));

        let mut cut_gro = [0u64; 16];
        let bytes = cut_gro.as_mut_ptr().cast::<u8>();
        // SAFETY: one cmsghdr at the start of the 128-byte buffer.
        unsafe {
            let gro = bytes.cast::<libc::cmsghdr>();
            (*gro).cmsg_len = (len0 + 2) as _;
            (*gro).cmsg_level = libc::SOL_UDP;
            (*gro).cmsg_type = libc::UDP_GRO;
        }
        let cut = msg(&mut cut_gro, space4);
        // SAFETY: `cut` describes `cut_gro`, filled above.
        let control = unsafe { control_messages(&cut) };
        assert_eq!(control.segment, None);
    }

    /// A UDP socket bound to an ephemeral loopback port, and that address.
    #[cfg(target_os = "linux")]
    fn bound(nonblocking: bool) -> (socket2::Socket, SocketAddr) {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::DGRAM, None).expect("socket");
        let any: SocketAddr = "127.0.0.1:0".parse().expect("addr");
        socket.bind(&any.into()).expect("bind");
        socket.set_nonblocking(nonblocking).expect("nonblocking");
        let at = socket
            .local_addr()
            .expect("name")
            .as_socket()
            .expect("inet");
        (socket, at)
    }

    /// A non-blocking receiver and two blocking senders, each with its address.
    #[cfg(target_os = "linux")]
    fn receiver_and_senders() -> [(socket2::Socket, SocketAddr); 3] {
        [bound(true), bound(false), bound(false)]
    }

    /// What one datagram read reports: length, sender, local address, payload.
    #[cfg(target_os = "linux")]
    type Seen = (usize, Option<SocketAddr>, Option<IpAddr>, Vec<u8>);

    /// Reads `rx` with at most `max` messages a call until `want` datagrams
    /// came (loopback delivers at once, but the softirq may take a moment:
    /// at most 1 s), each read asserted to bring at most `max`; `metas`
    /// keeps the last read's.
    #[cfg(target_os = "linux")]
    fn take(
        rx: &socket2::Socket,
        slots: &mut [u8],
        metas: &mut Vec<RecvMeta>,
        headers: &mut RecvHeaders,
        max: usize,
        want: usize,
    ) -> Vec<Seen> {
        let mut seen = Vec::new();
        for _ in 0..1000 {
            match recv_many(rx, slots, metas, headers, max) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(std::time::Duration::from_millis(1))
                }
                other => {
                    let n = other.expect("recvmmsg");
                    assert!(n <= max);
                    for meta in &metas[..n] {
                        let bytes = slots[meta.offset..meta.offset + meta.len].to_vec();
                        seen.push((meta.len, meta.peer, meta.local, bytes));
                    }
                    if seen.len() >= want {
                        return seen;
                    }
                }
            }
        }
        panic!("{want} datagrams did not arrive in 1 s");
    }

    /// Headers reused across reads carry nothing over: each read reports its
    /// own lengths, senders, truncation and packet info, and none after
    /// packet info is switched off.
    #[cfg(target_os = "linux")]
    #[test]
    fn recv_many_reuses_its_headers_without_carrying_anything_over() {
        let [(rx, rx_at), (a, a_at), (b, b_at)] = receiver_and_senders();
        let mut slots = vec![0u8; BATCH * SLOT];
        let mut metas = Vec::new();
        let mut headers = RecvHeaders::new();
        let mut read = |slots: &mut [u8], metas: &mut Vec<RecvMeta>| {
            // Loopback delivers at once, but allow the softirq a moment.
            for _ in 0..1000 {
                match recv_many(&rx, slots, metas, &mut headers, BATCH) {
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        std::thread::sleep(std::time::Duration::from_millis(1))
                    }
                    other => {
                        let messages = other.expect("recvmmsg");
                        assert_eq!(messages, metas.len(), "no GRO: one datagram per message");
                        return messages;
                    }
                }
            }
            panic!("nothing arrived in 1 s");
        };

        set_packet_info(&rx, false, true).expect("IP_PKTINFO on");
        a.send_to(b"one", &rx_at.into()).expect("send");
        assert_eq!(read(&mut slots, &mut metas), 1);
        assert_eq!((metas[0].len, metas[0].peer), (3, Some(a_at)));
        assert_eq!(metas[0].local, Some(rx_at.ip()));
        assert!(metas[0].ifindex > 0);
        assert_eq!(&slots[..3], b"one");

        set_packet_info(&rx, false, false).expect("IP_PKTINFO off");
        b.send_to(b"tw", &rx_at.into()).expect("send");
        a.send_to(b"", &rx_at.into()).expect("send");
        let mut got = 0;
        let mut seen = Vec::new();
        while got < 2 {
            let n = read(&mut slots, &mut metas);
            for meta in &metas[..n] {
                seen.push((meta.len, meta.flags, meta.peer, meta.local, meta.ifindex));
            }
            got += n;
        }
        assert_eq!(
            seen,
            vec![(2, 0, Some(b_at), None, 0), (0, 0, Some(a_at), None, 0)]
        );
        assert_eq!(
            recv_many(&rx, &mut slots, &mut metas, &mut headers, BATCH)
                .expect_err("empty")
                .kind(),
            io::ErrorKind::WouldBlock
        );
    }

    /// A read of one message (`recvmsg`, not `recvmmsg`) takes the first
    /// datagram only, with its sender and packet info, and leaves the next.
    #[cfg(target_os = "linux")]
    #[test]
    fn recv_many_of_one_takes_one_datagram_and_leaves_the_rest() {
        let [(rx, rx_at), (a, a_at), (b, b_at)] = receiver_and_senders();
        let mut slots = vec![0u8; BATCH * SLOT];
        let mut metas = Vec::new();
        let mut headers = RecvHeaders::new();
        set_packet_info(&rx, false, true).expect("IP_PKTINFO on");
        a.send_to(b"first", &rx_at.into()).expect("send");
        b.send_to(b"2nd", &rx_at.into()).expect("send");
        let here = Some(rx_at.ip());
        assert_eq!(
            take(&rx, &mut slots, &mut metas, &mut headers, 1, 1),
            vec![(5, Some(a_at), here, b"first".to_vec())]
        );
        assert_eq!((metas.len(), metas[0].flags), (1, 0));
        assert!(metas[0].ifindex > 0);
        assert_eq!(
            take(&rx, &mut slots, &mut metas, &mut headers, 1, 1),
            vec![(3, Some(b_at), here, b"2nd".to_vec())]
        );
        assert_eq!(
            recv_many(&rx, &mut slots, &mut metas, &mut headers, 1)
                .expect_err("empty")
                .kind(),
            io::ErrorKind::WouldBlock
        );
    }

    /// Reads of different sizes on one set of headers (a short read after a
    /// longer one, a longer one after it, packet info switched on between
    /// them: a header whose control length the kernel set to 0 must get
    /// its room back) and a read into other slots each report exactly their
    /// own datagrams.
    #[cfg(target_os = "linux")]
    #[test]
    fn recv_many_reads_of_any_size_report_only_their_own_datagrams() {
        let [(rx, rx_at), (a, a_at), (b, b_at)] = receiver_and_senders();
        let mut headers = RecvHeaders::new();
        let mut metas = Vec::new();
        // Reads at most `max` a call until `want` came (see `take`).
        let mut read = |slots: &mut [u8], max: usize, want: usize, headers: &mut RecvHeaders| {
            take(&rx, slots, &mut metas, headers, max, want)
        };
        let mut slots = vec![0u8; BATCH * SLOT];

        // Without packet info the kernel writes a control length of 0 into
        // each header it fills: a header not reset would then have no room
        // for the packet info asked for next (MSG_CTRUNC, none reported).
        for payload in [&b"aaa"[..], b"bb", b"c"] {
            a.send_to(payload, &rx_at.into()).expect("send");
        }
        assert_eq!(
            read(&mut slots, BATCH, 3, &mut headers),
            vec![
                (3, Some(a_at), None, b"aaa".to_vec()),
                (2, Some(a_at), None, b"bb".to_vec()),
                (1, Some(a_at), None, b"c".to_vec()),
            ]
        );

        set_packet_info(&rx, false, true).expect("IP_PKTINFO on");
        let here = Some(rx_at.ip());
        b.send_to(b"dddd", &rx_at.into()).expect("send");
        assert_eq!(
            read(&mut slots, 1, 1, &mut headers),
            vec![(4, Some(b_at), here, b"dddd".to_vec())]
        );
        a.send_to(b"e", &rx_at.into()).expect("send");
        b.send_to(b"", &rx_at.into()).expect("send");
        assert_eq!(
            read(&mut slots, BATCH, 2, &mut headers),
            vec![
                (1, Some(a_at), here, b"e".to_vec()),
                (0, Some(b_at), here, Vec::new()),
            ]
        );

        let mut other = vec![0u8; BATCH * SLOT];
        a.send_to(b"zz", &rx_at.into()).expect("send");
        assert_eq!(
            read(&mut other, BATCH, 1, &mut headers),
            vec![(2, Some(a_at), here, b"zz".to_vec())]
        );
        assert_eq!(&other[..2], b"zz");
        assert_eq!(
            recv_many(&rx, &mut other, &mut metas, &mut headers, BATCH)
                .expect_err("empty")
                .kind(),
            io::ErrorKind::WouldBlock
        );
    }
}
