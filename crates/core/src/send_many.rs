//! Several datagrams in one system call: `sendmmsg(2)` where the OS has it.

use std::io;
use std::net::SocketAddr;

use socket2::{SockAddr, SockRef};

/// Datagrams handed to `sendmmsg` at once (Linux caps a call at UIO_MAXIOV).
pub const SEND_BATCH: usize = 64;

/// One datagram of a batch: where to (`None` on a connected socket) and what.
pub type Message<'a> = (Option<SocketAddr>, &'a [u8]);

/// The memory [`send_many`] reuses from one call to the next: a call made
/// six allocations and their frees before (about 1.5k instructions under
/// callgrind, more than eight small datagrams' own share). Each vector is
/// cleared and refilled before it is read, so nothing written by one call
/// is read by another.
#[derive(Default)]
pub(crate) struct SendScratch {
    #[cfg(target_os = "linux")]
    groups: Vec<Group>,
    #[cfg(target_os = "linux")]
    buffers: SendBuffers,
}

/// Groups kept from one call to the next: a call plans one per datagram at
/// worst, so one huge call would otherwise leave its plan's memory on the
/// handle (24 bytes a datagram) until it closes. The other vectors hold
/// one chunk ([`SEND_BATCH`] groups) at most.
#[cfg(target_os = "linux")]
const KEEP_GROUPS: usize = 4096;

#[cfg(target_os = "linux")]
impl SendScratch {
    /// Shrinks the plan's memory back to [`KEEP_GROUPS`] after a call that
    /// grew it past that.
    fn trim(&mut self) {
        if self.groups.capacity() > KEEP_GROUPS {
            self.groups.clear();
            self.groups.shrink_to(KEEP_GROUPS);
        }
    }
}

/// The `sendmmsg` arguments of one chunk, rebuilt for each.
#[cfg(target_os = "linux")]
#[derive(Default)]
struct SendBuffers {
    iovs: Vec<libc::iovec>,
    // Each group's iovecs in `iovs`: the first's index and how many.
    group_iovs: Vec<(usize, usize)>,
    names: Vec<Option<SockAddr>>,
    controls: Vec<[u64; 4]>,
    hdrs: Vec<libc::mmsghdr>,
}

/// Segments one UDP GSO send may carry (the kernel's `UDP_MAX_SEGMENTS`).
pub const GSO_MAX_SEGMENTS: usize = 64;
/// Payload bytes one GSO send may carry: an IPv4 datagram's limit.
pub const GSO_MAX_BYTES: usize = 65507;
/// The largest GSO segment to an IPv4 destination that needs no look-up:
/// what fits a 1500-byte Ethernet MTU (1500 - 20 - 8). The kernel refuses a
/// GSO send whose segment does not fit the route's MTU (it may not fragment
/// segments), while `send()` of the same datagram goes out fragmented, so a
/// larger segment is only used once the route's MTU is known to take it
/// (see [`Gso`]).
pub const GSO_SAFE_SEGMENT_V4: usize = 1472;
/// The same for IPv6 destinations (1500 - 40 - 8), and for a connected
/// socket's peer (family unknown here).
pub const GSO_SAFE_SEGMENT_V6: usize = 1452;
/// Destinations whose route MTU a socket remembers.
const GSO_ROUTES: usize = 32;

fn safe_segment(dest: Option<SocketAddr>) -> usize {
    match dest {
        Some(SocketAddr::V4(_)) => GSO_SAFE_SEGMENT_V4,
        _ => GSO_SAFE_SEGMENT_V6,
    }
}

/// The UDP GSO state of one socket: whether the kernel takes `UDP_SEGMENT`
/// at all, and the largest segment each destination's route takes whole.
///
/// A run is only formed of segments that fit the route: up to a 1500-byte
/// MTU without asking; beyond it, the route's MTU is asked once per
/// destination (a socket connected to it, `IP_MTU` / `IPV6_MTU`: no packet
/// is sent) and remembered. A run the kernel refuses all the same (a path
/// MTU below the route's) is sent datagram by datagram, and its segment size
/// is remembered as too large for that destination.
#[derive(Debug)]
pub struct Gso {
    enabled: bool,
    // (destination, or None for a connected socket's peer; the largest
    // segment it takes), oldest first.
    routes: Vec<(Option<std::net::IpAddr>, usize)>,
}

impl Default for Gso {
    fn default() -> Gso {
        Gso {
            enabled: true,
            routes: Vec::new(),
        }
    }
}

impl Gso {
    /// No GSO: every datagram is sent on its own.
    pub fn off() -> Gso {
        Gso {
            enabled: false,
            routes: Vec::new(),
        }
    }

    /// False once the kernel refused `UDP_SEGMENT` itself.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Whether a run of `segment`-byte datagrams to `dest` may go as one
    /// GSO send.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn allows(&mut self, sock: &SockRef<'_>, dest: Option<SocketAddr>, segment: usize) -> bool {
        if !self.enabled || segment == 0 {
            return false;
        }
        let key = dest.map(|d| d.ip());
        if let Some(&(_, max)) = self.routes.iter().find(|(k, _)| *k == key) {
            return segment <= max;
        }
        if segment <= safe_segment(dest) {
            return true;
        }
        let max = route_mtu(sock, dest).map_or(safe_segment(dest), |mtu| {
            let headers = match dest {
                Some(SocketAddr::V4(_)) => 28,
                Some(SocketAddr::V6(v6)) if v6.ip().to_ipv4_mapped().is_some() => 28,
                _ => 48,
            };
            mtu.saturating_sub(headers)
        });
        self.remember(key, max);
        segment <= max
    }

    /// A run of `segment`-byte datagrams to `dest` was refused: smaller
    /// segments only from now on.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    fn refused(&mut self, dest: Option<SocketAddr>, segment: usize) {
        self.remember(dest.map(|d| d.ip()), segment.saturating_sub(1));
    }

    fn remember(&mut self, key: Option<std::net::IpAddr>, max: usize) {
        self.routes.retain(|(k, _)| *k != key);
        if self.routes.len() >= GSO_ROUTES {
            self.routes.remove(0);
        }
        self.routes.push((key, max));
    }
}

/// The MTU of the route to `dest` (`None`: the connected socket's own), as
/// the kernel knows it: a socket connected there answers `IP_MTU` /
/// `IPV6_MTU`. Connecting a UDP socket sends nothing.
#[cfg(target_os = "linux")]
fn route_mtu(sock: &SockRef<'_>, dest: Option<SocketAddr>) -> Option<usize> {
    use socket2::{Domain, Socket, Type};
    use std::os::fd::AsRawFd;
    let probe;
    let fd = match dest {
        None => sock.as_raw_fd(),
        Some(dest) => {
            let domain = if dest.is_ipv4() {
                Domain::IPV4
            } else {
                Domain::IPV6
            };
            probe = Socket::new(domain, Type::DGRAM, None).ok()?;
            probe.connect(&SockAddr::from(dest)).ok()?;
            probe.as_raw_fd()
        }
    };
    [
        (libc::IPPROTO_IP, libc::IP_MTU),
        (libc::IPPROTO_IPV6, libc::IPV6_MTU),
    ]
    .into_iter()
    .find_map(|(level, name)| {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `value` and `len` describe a c_int that outlives the call.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                level,
                name,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        (rc == 0 && value > 0).then_some(value as usize)
    })
}

#[cfg(not(target_os = "linux"))]
fn route_mtu(_sock: &SockRef<'_>, _dest: Option<SocketAddr>) -> Option<usize> {
    None
}

/// A run of consecutive messages sent with one `msghdr`: several only when
/// they share a destination and a segment size (UDP GSO, `UDP_SEGMENT`).
/// Planned everywhere (and tested on Linux); sent with `sendmmsg` on Linux only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) struct Group {
    /// Index of the first message.
    pub start: usize,
    /// How many messages.
    pub len: usize,
    /// The GSO segment size; 0 for a single datagram.
    pub segment: usize,
}

/// Splits `messages` into runs the kernel can segment: same destination,
/// same size (the last of a run may be shorter), at most
/// [`GSO_MAX_SEGMENTS`] and [`GSO_MAX_BYTES`], and only where
/// `allows(destination, segment)`; empty datagrams stand alone.
/// The runs go to `groups`, which is cleared first.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn plan_groups(
    messages: &[Message<'_>],
    mut allows: impl FnMut(Option<SocketAddr>, usize) -> bool,
    groups: &mut Vec<Group>,
) {
    groups.clear();
    let mut i = 0;
    while i < messages.len() {
        let (dest, data) = messages[i];
        let segment = data.len();
        let mut j = i + 1;
        let mut total = segment;
        // Only a datagram that could start a run asks `allows` (which may
        // look the route's MTU up with syscalls).
        let can_run = segment > 0
            && messages
                .get(i + 1)
                .is_some_and(|&(d, m)| d == dest && !m.is_empty() && m.len() <= segment);
        if can_run && allows(dest, segment) {
            while j < messages.len() && j - i < GSO_MAX_SEGMENTS && messages[j].0 == dest {
                let len = messages[j].1.len();
                if len == 0 || len > segment || total + len > GSO_MAX_BYTES {
                    break;
                }
                total += len;
                j += 1;
                if len < segment {
                    break; // only the last segment may be short
                }
            }
        }
        let len = j - i;
        groups.push(Group {
            start: i,
            len,
            segment: if len > 1 { segment } else { 0 },
        });
        i = j;
    }
}

/// Sends `messages` in order until one would block or fails; returns how many
/// went out. An error is returned only when not even the first could be sent
/// (as `sendmmsg` does: a later failure shows up on the next call).
///
/// Runs of same-destination, same-size datagrams go as one UDP GSO send each
/// where `gso` allows (see [`Gso`]). GSO never turns a datagram that `send`
/// can send into an error: a run the kernel refuses to segment (its segment
/// exceeds the path MTU: `EMSGSIZE`, or `EINVAL` on older kernels) is sent
/// again datagram by datagram, fragmented as `send` would; a kernel or device
/// that refuses `UDP_SEGMENT` altogether (`EIO`, `ENOPROTOOPT`) turns GSO off
/// for good.
///
/// `sendmmsg` stops at the first message that fails and reports only those
/// before it, so after a short count the rest is tried again: a run that
/// fails then is split as above, a datagram that fails (or would block)
/// ends the call.
#[cfg(target_os = "linux")]
pub(crate) fn send_many(
    sock: &SockRef<'_>,
    messages: &[Message<'_>],
    gso: &mut Gso,
    scratch: &mut SendScratch,
) -> io::Result<usize> {
    let result = send_planned(sock, messages, gso, scratch);
    scratch.trim();
    result
}

#[cfg(target_os = "linux")]
fn send_planned(
    sock: &SockRef<'_>,
    messages: &[Message<'_>],
    gso: &mut Gso,
    scratch: &mut SendScratch,
) -> io::Result<usize> {
    let SendScratch { groups, buffers } = scratch;
    let mut sent = 0;
    while sent < messages.len() {
        let rest = &messages[sent..];
        plan_groups(
            rest,
            |dest, segment| gso.allows(sock, dest, segment),
            groups,
        );
        let is_run = groups.first().is_some_and(|g| g.segment > 0);
        let n = match send_groups(sock, rest, groups, buffers) {
            Ok(n) => n,
            Err(e) if is_run && gso_unsupported(&e) => {
                gso.enabled = false;
                continue;
            }
            Err(e) if is_run && gso_segment_too_big(&e) => {
                gso.refused(rest[0].0, groups[0].segment);
                let run = &rest[..groups[0].len];
                plan_groups(run, |_, _| false, groups);
                match send_groups(sock, run, groups, buffers) {
                    Ok(n) => n,
                    Err(e) if sent == 0 => return Err(e),
                    Err(_) => break,
                }
            }
            Err(e) if sent == 0 => return Err(e),
            Err(_) => break,
        };
        if n == 0 {
            break;
        }
        sent += n;
    }
    Ok(sent)
}

/// The errors with which Linux refuses `UDP_SEGMENT` itself (an old kernel,
/// a device without checksum offload): GSO is off for the socket from then on.
#[cfg(target_os = "linux")]
fn gso_unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EIO) | Some(libc::ENOPROTOOPT))
}

/// The errors with which Linux refuses one GSO send whose segment (plus
/// headers) exceeds the route's MTU: `EMSGSIZE` since 6.x, `EINVAL` before
/// (`udp_send_skb`). The same datagrams sent one by one are fragmented.
#[cfg(target_os = "linux")]
fn gso_segment_too_big(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EMSGSIZE) | Some(libc::EINVAL))
}

/// Appends the iovecs of one group's datagrams to `iovs`, one per run of
/// datagrams that lie back to back in memory (uv-udp's JS side packs a
/// call's small datagrams into one area): the kernel then copies a GSO
/// send's payload from one iovec instead of one per segment, as a sender
/// with the whole payload in one buffer does. A GSO send is segmented by
/// its segment size whatever its iovecs; a group without GSO is one
/// datagram. Returns how many iovecs it appended.
#[cfg(target_os = "linux")]
fn push_iovecs(iovs: &mut Vec<libc::iovec>, group: &[Message<'_>]) -> usize {
    let start = iovs.len();
    for (_, data) in group {
        let base = data.as_ptr();
        // Only this group's own last iovec is extended.
        if let Some(prev) = iovs[start..].last_mut() {
            let prev_end = (prev.iov_base as *const u8).wrapping_add(prev.iov_len);
            if prev.iov_len > 0 && !data.is_empty() && prev_end == base {
                prev.iov_len += data.len();
                continue;
            }
        }
        iovs.push(libc::iovec {
            iov_base: base.cast_mut().cast(),
            iov_len: data.len(),
        });
    }
    iovs.len() - start
}

/// One `sendmmsg` per [`SEND_BATCH`] groups; returns the messages sent.
#[cfg(target_os = "linux")]
fn send_groups(
    sock: &SockRef<'_>,
    messages: &[Message<'_>],
    groups: &[Group],
    buffers: &mut SendBuffers,
) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let SendBuffers {
        iovs,
        group_iovs,
        names,
        controls,
        hdrs,
    } = buffers;
    let mut sent = 0;
    for chunk in groups.chunks(SEND_BATCH) {
        iovs.clear();
        group_iovs.clear();
        for group in chunk {
            let at = iovs.len();
            let count = push_iovecs(iovs, &messages[group.start..group.start + group.len]);
            group_iovs.push((at, count));
        }
        names.clear();
        names.extend(
            chunk
                .iter()
                .map(|g| messages[g.start].0.map(SockAddr::from)),
        );
        // One UDP_SEGMENT message each: CMSG_SPACE(2) is 24 bytes on 64-bit Linux.
        controls.clear();
        controls.resize(chunk.len(), [0u64; 4]);
        hdrs.clear();
        // SAFETY: all-zero is a valid mmsghdr.
        hdrs.extend((0..chunk.len()).map(|_| unsafe { std::mem::zeroed::<libc::mmsghdr>() }));
        for ((((hdr, group), &(at, count)), name), control) in hdrs
            .iter_mut()
            .zip(chunk)
            .zip(group_iovs.iter())
            .zip(names.iter())
            .zip(controls.iter_mut())
        {
            if let Some(name) = name {
                hdr.msg_hdr.msg_name = name.as_ptr().cast_mut().cast();
                hdr.msg_hdr.msg_namelen = name.len();
            }
            hdr.msg_hdr.msg_iov = iovs[at..].as_mut_ptr();
            hdr.msg_hdr.msg_iovlen = count as _;
            if group.segment > 0 {
                // SAFETY: `control` is 32 zeroed, 8-aligned bytes, room for
                // CMSG_SPACE(sizeof u16); the CMSG_* macros stay inside it.
                unsafe { set_segment(&mut hdr.msg_hdr, control, group.segment as u16) };
            }
        }
        // SAFETY: every header points at live iovecs over caller-owned bytes
        // (sendmmsg only reads them), at a live address and control buffer;
        // none of the vectors is touched again before the call returns.
        let n = unsafe {
            libc::sendmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                hdrs.len() as libc::c_uint,
                // The flags are a c_int in glibc's prototype, a c_uint in musl's.
                libc::MSG_DONTWAIT as _,
            )
        };
        if n < 0 {
            let err = io::Error::last_os_error();
            return if sent == 0 { Err(err) } else { Ok(sent) };
        }
        let n = n as usize;
        sent += chunk[..n].iter().map(|g| g.len).sum::<usize>();
        if n < chunk.len() {
            break;
        }
    }
    Ok(sent)
}

/// Puts a `UDP_SEGMENT` control message with `segment` into `msg`.
///
/// # Safety
/// `control` must stay alive and unmoved while `msg` is used.
#[cfg(target_os = "linux")]
unsafe fn set_segment(msg: &mut libc::msghdr, control: &mut [u64; 4], segment: u16) {
    msg.msg_control = control.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE is a pure size computation.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(std::mem::size_of::<u16>() as u32) } as _;
    // SAFETY: msg_control/msg_controllen describe `control`, large enough
    // for one header and a u16, so the first header is inside it.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(msg);
        (*cmsg).cmsg_level = libc::SOL_UDP;
        (*cmsg).cmsg_type = libc::UDP_SEGMENT;
        (*cmsg).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<u16>() as u32) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<u16>(), segment);
    }
}

/// One `sendto` per datagram, for systems without `sendmmsg`. Compiled (and
/// tested) everywhere so that it cannot rot on Linux.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub(crate) fn send_each(sock: &SockRef<'_>, messages: &[Message<'_>]) -> io::Result<usize> {
    for (i, (dest, data)) in messages.iter().enumerate() {
        let result = match dest {
            Some(dest) => sock.send_to(data, &SockAddr::from(*dest)),
            None => sock.send(data),
        };
        if let Err(err) = result {
            return if i == 0 { Err(err) } else { Ok(i) };
        }
    }
    Ok(messages.len())
}

/// Without `sendmmsg` (and GSO): one `sendto` each.
#[cfg(not(target_os = "linux"))]
pub(crate) fn send_many(
    sock: &SockRef<'_>,
    messages: &[Message<'_>],
    _gso: &mut Gso,
    _scratch: &mut SendScratch,
) -> io::Result<usize> {
    send_each(sock, messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pair() -> (std::net::UdpSocket, std::net::UdpSocket, SocketAddr) {
        let receiver = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        receiver
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let to = receiver.local_addr().expect("addr");
        (receiver, sender, to)
    }

    fn with_gso(sock: &SockRef<'_>, messages: &[Message<'_>]) -> io::Result<usize> {
        send_many(
            sock,
            messages,
            &mut Gso::default(),
            &mut SendScratch::default(),
        )
    }

    fn without_gso(sock: &SockRef<'_>, messages: &[Message<'_>]) -> io::Result<usize> {
        send_many(sock, messages, &mut Gso::off(), &mut SendScratch::default())
    }

    fn check(send: fn(&SockRef<'_>, &[Message<'_>]) -> io::Result<usize>) {
        let (receiver, sender, to) = pair();
        let payloads: Vec<Vec<u8>> = (0..100u8).map(|i| vec![i; usize::from(i)]).collect();
        let messages: Vec<Message<'_>> =
            payloads.iter().map(|p| (Some(to), p.as_slice())).collect();
        assert_eq!(send(&SockRef::from(&sender), &messages).expect("send"), 100);
        let mut buf = [0u8; 256];
        for i in 0..100u8 {
            let n = receiver.recv(&mut buf).expect("recv");
            assert_eq!(
                &buf[..n],
                &vec![i; usize::from(i)][..],
                "datagram {i} in order"
            );
        }
    }

    #[test]
    fn send_many_sends_every_datagram_in_order_across_chunks() {
        check(without_gso);
    }

    #[test]
    fn gso_runs_arrive_as_the_same_datagrams_in_order() {
        check(with_gso);
        let (receiver, sender, to) = pair();
        // 150 same-size datagrams then a short one: three GSO runs of 64/64/23.
        let mut payloads: Vec<Vec<u8>> = (0..150u8).map(|i| vec![i; 100]).collect();
        payloads.push(vec![9; 10]);
        let messages: Vec<Message<'_>> =
            payloads.iter().map(|p| (Some(to), p.as_slice())).collect();
        let mut gso = Gso::default();
        assert_eq!(
            send_many(
                &SockRef::from(&sender),
                &messages,
                &mut gso,
                &mut SendScratch::default()
            )
            .expect("send"),
            151
        );
        let mut buf = [0u8; 256];
        for payload in &payloads {
            let n = receiver.recv(&mut buf).expect("recv");
            assert_eq!(&buf[..n], &payload[..]);
        }
        assert!(gso.is_enabled(), "loopback takes UDP_SEGMENT");
    }

    fn plan_groups(
        messages: &[Message<'_>],
        allows: impl FnMut(Option<SocketAddr>, usize) -> bool,
    ) -> Vec<Group> {
        let mut groups = vec![Group {
            start: 9,
            len: 9,
            segment: 9,
        }];
        super::plan_groups(messages, allows, &mut groups);
        groups
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_huge_call_leaves_no_plan_behind() {
        let (_receiver, sender, to) = pair();
        let data = [0u8; 1];
        // Alternating sizes: one group per datagram, more than KEEP_GROUPS.
        let messages: Vec<Message<'_>> = (0..2 * KEEP_GROUPS)
            .map(|i| (Some(to), &data[..i % 2]))
            .collect();
        let mut scratch = SendScratch::default();
        let sock = SockRef::from(&sender);
        send_many(&sock, &messages, &mut Gso::default(), &mut scratch).expect("send");
        assert!(scratch.groups.capacity() <= KEEP_GROUPS);
        send_many(&sock, &messages[..10], &mut Gso::default(), &mut scratch).expect("send");
        assert!(scratch.groups.capacity() > 0, "a small call's plan is kept");
    }

    #[test]
    fn plan_groups_runs_of_one_destination_and_size() {
        let a: SocketAddr = "127.0.0.1:1".parse().expect("addr");
        let b: SocketAddr = "127.0.0.1:2".parse().expect("addr");
        let big = [0u8; 1200];
        let m = |dest, len: usize| (Some(dest), &big[..len]);
        let messages = [
            m(a, 100),
            m(a, 100),
            m(a, 50),
            m(a, 100),
            m(b, 100),
            m(b, 0),
            m(b, 0),
        ];
        let groups = plan_groups(&messages, |_, _| true);
        let shape: Vec<(usize, usize, usize)> =
            groups.iter().map(|g| (g.start, g.len, g.segment)).collect();
        assert_eq!(
            shape,
            vec![(0, 3, 100), (3, 1, 0), (4, 1, 0), (5, 1, 0), (6, 1, 0)]
        );
        assert!(plan_groups(&messages, |_, _| false)
            .iter()
            .all(|g| g.len == 1));
        let many: Vec<Message<'_>> = (0..100).map(|_| m(a, 1200)).collect();
        let groups = plan_groups(&many, |_, _| true);
        assert_eq!(groups[0].len, 54, "54 * 1200 bytes fit in 65,507");
        assert!(groups.iter().all(|g| g.len <= GSO_MAX_SEGMENTS));
    }

    #[test]
    fn gso_asks_the_route_only_beyond_a_1500_byte_mtu_and_remembers_refusals() {
        let (_receiver, sender, to) = pair();
        let sock = SockRef::from(&sender);
        let mut gso = Gso::default();
        assert!(
            gso.allows(&sock, Some(to), 1472),
            "fits Ethernet: no look-up"
        );
        assert!(gso.routes.is_empty());
        // Loopback's MTU (65536) takes 9000-byte segments whole.
        assert!(gso.allows(&sock, Some(to), 9000));
        assert_eq!(gso.routes.len(), 1, "the route's MTU is remembered");
        gso.refused(Some(to), 9000);
        assert!(
            !gso.allows(&sock, Some(to), 9000),
            "a refused size is not tried again"
        );
        assert!(gso.allows(&sock, Some(to), 8999));
        assert!(
            !gso.allows(&sock, Some(to), 0),
            "empty datagrams stand alone"
        );
        assert!(!Gso::off().allows(&sock, Some(to), 100));
        for i in 0..2 * GSO_ROUTES {
            let other = SocketAddr::from(([127, 0, 0, 2 + i as u8], 9));
            gso.allows(&sock, Some(other), 3000);
        }
        assert_eq!(gso.routes.len(), GSO_ROUTES, "a bounded memory");
    }

    #[test]
    fn runs_larger_than_a_1500_byte_mtu_go_as_gso_over_loopback_and_arrive() {
        let (receiver, sender, to) = pair();
        let payloads: Vec<Vec<u8>> = (0..6u8).map(|i| vec![i; 9000]).collect();
        let messages: Vec<Message<'_>> =
            payloads.iter().map(|p| (Some(to), p.as_slice())).collect();
        let mut gso = Gso::default();
        let sock = SockRef::from(&sender);
        let groups = plan_groups(&messages, |dest, segment| gso.allows(&sock, dest, segment));
        assert_eq!(groups.len(), 1, "one run: {groups:?}");
        assert_eq!(
            send_many(&sock, &messages, &mut gso, &mut SendScratch::default()).expect("send"),
            6
        );
        let mut buf = vec![0u8; 10_000];
        for payload in &payloads {
            let n = receiver.recv(&mut buf).expect("recv");
            assert_eq!(&buf[..n], &payload[..]);
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_groups_back_to_back_datagrams_share_one_iovec_and_groups_never_share() {
        let packed = [7u8; 40];
        let apart = [9u8; 10];
        let to = None;
        let mut iovs = Vec::new();
        // Back to back, then one elsewhere, then two back to back again.
        let first: Vec<Message<'_>> = vec![
            (to, &packed[0..10]),
            (to, &apart[..]),
            (to, &packed[10..20]),
            (to, &packed[20..30]),
        ];
        assert_eq!(push_iovecs(&mut iovs, &first), 3);
        let spans: Vec<(usize, usize)> = iovs
            .iter()
            .map(|v| (v.iov_base as usize, v.iov_len))
            .collect();
        let address = |at: usize| packed[at..].as_ptr() as usize;
        assert_eq!(
            spans,
            vec![
                (address(0), 10),
                (apart.as_ptr() as usize, 10),
                (address(10), 20)
            ]
        );
        // The next group starts where the first group's last iovec ends: it
        // gets iovecs of its own, and the first group's are unchanged.
        let second: Vec<Message<'_>> = vec![(to, &packed[30..35]), (to, &packed[35..40])];
        assert_eq!(push_iovecs(&mut iovs, &second), 1);
        let spans: Vec<(usize, usize)> = iovs
            .iter()
            .map(|v| (v.iov_base as usize, v.iov_len))
            .collect();
        assert_eq!(
            spans,
            vec![
                (address(0), 10),
                (apart.as_ptr() as usize, 10),
                (address(10), 20),
                (address(30), 10)
            ]
        );
        // An empty datagram is never merged into, nor merged.
        let mut iovs = Vec::new();
        let with_empty: Vec<Message<'_>> = vec![
            (to, &packed[0..0]),
            (to, &packed[0..10]),
            (to, &packed[10..10]),
        ];
        assert_eq!(push_iovecs(&mut iovs, &with_empty), 3);
        let lengths: Vec<usize> = iovs.iter().map(|v| v.iov_len).collect();
        assert_eq!(lengths, vec![0, 10, 0]);
    }

    #[test]
    fn datagrams_packed_back_to_back_arrive_as_sent_with_and_without_gso() {
        // As uv-udp's JS side hands them over: slices of one packed area,
        // equal sizes (GSO runs) and then a shorter last one per run.
        for send in [with_gso, without_gso] {
            let (receiver, sender, to) = pair();
            let sizes: Vec<usize> = (0..150)
                .map(|i| if i % 50 == 49 { 17 } else { 300 })
                .collect();
            let mut packed = Vec::new();
            for (i, size) in sizes.iter().enumerate() {
                packed.extend((0..*size).map(|k| (i * 7 + k) as u8));
            }
            let mut messages: Vec<Message<'_>> = Vec::new();
            let mut at = 0;
            for size in &sizes {
                messages.push((Some(to), &packed[at..at + size]));
                at += size;
            }
            assert_eq!(send(&SockRef::from(&sender), &messages).expect("send"), 150);
            let mut buf = [0u8; 2048];
            for (i, (_, data)) in messages.iter().enumerate() {
                let n = receiver.recv(&mut buf).expect("recv");
                assert_eq!(&buf[..n], *data, "datagram {i}");
            }
        }
    }

    #[test]
    fn send_each_sends_every_datagram_in_order() {
        check(send_each);
    }

    #[test]
    fn an_error_on_the_first_datagram_is_returned_later_ones_cut_the_count() {
        let (_receiver, sender, to) = pair();
        let big = vec![0u8; 70_000];
        let sock = SockRef::from(&sender);
        let first_fails: Vec<Message<'_>> = vec![(Some(to), &big[..]), (Some(to), b"x")];
        assert_eq!(
            with_gso(&sock, &first_fails).map_err(|e| e.raw_os_error()),
            Err(Some(libc::EMSGSIZE))
        );
        let second_fails: Vec<Message<'_>> =
            vec![(Some(to), b"x"), (Some(to), &big[..]), (Some(to), b"y")];
        assert_eq!(with_gso(&sock, &second_fails).expect("first goes"), 1);
    }
}
