//! Several datagrams in one system call: `sendmmsg(2)` where the OS has it.

use std::io;
use std::net::SocketAddr;

use socket2::{SockAddr, SockRef};

/// Datagrams handed to `sendmmsg` at once (Linux caps a call at UIO_MAXIOV).
pub const SEND_BATCH: usize = 64;

/// One datagram of a batch: where to (`None` on a connected socket) and what.
pub type Message<'a> = (Option<SocketAddr>, &'a [u8]);

/// Segments one UDP GSO send may carry (the kernel's `UDP_MAX_SEGMENTS`).
pub const GSO_MAX_SEGMENTS: usize = 64;
/// Payload bytes one GSO send may carry: an IPv4 datagram's limit.
pub const GSO_MAX_BYTES: usize = 65507;
/// The largest GSO segment to an IPv4 destination: what fits a 1500-byte
/// Ethernet MTU (1500 - 20 - 8). The kernel refuses a GSO send whose segment
/// does not fit the route's MTU (it may not fragment the segments), while
/// `send()` of the same datagram goes out fragmented; the path MTU of an
/// unconnected socket is not known before sending, so runs are only formed
/// of datagrams that fit the usual one, and a run that a smaller MTU refuses
/// all the same is sent datagram by datagram (see [`send_many`]).
pub const GSO_MAX_SEGMENT_V4: usize = 1472;
/// The same for IPv6 destinations (1500 - 40 - 8), and for a connected
/// socket's peer (family unknown here).
pub const GSO_MAX_SEGMENT_V6: usize = 1452;

fn gso_max_segment(dest: Option<SocketAddr>) -> usize {
    match dest {
        Some(SocketAddr::V4(_)) => GSO_MAX_SEGMENT_V4,
        _ => GSO_MAX_SEGMENT_V6,
    }
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
/// [`GSO_MAX_SEGMENTS`] and [`GSO_MAX_BYTES`]; empty datagrams, and those
/// larger than a 1500-byte MTU takes whole, stand alone.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub(crate) fn plan_groups(messages: &[Message<'_>], gso: bool) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < messages.len() {
        let (dest, data) = messages[i];
        let segment = data.len();
        let mut j = i + 1;
        let mut total = segment;
        if gso && segment > 0 && segment <= gso_max_segment(dest) {
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
    groups
}

/// Sends `messages` in order until one would block or fails; returns how many
/// went out. An error is returned only when not even the first could be sent
/// (as `sendmmsg` does: a later failure shows up on the next call).
///
/// Runs of same-destination, same-size datagrams go as one UDP GSO send each
/// while `gso` is true. GSO never turns a datagram that `send` can send into
/// an error: a run the kernel refuses to segment (its segment exceeds the
/// path MTU: `EMSGSIZE`, or `EINVAL` on older kernels) is sent again
/// datagram by datagram, fragmented as `send` would; a kernel or device that
/// refuses `UDP_SEGMENT` altogether (`EIO`, `ENOPROTOOPT`) turns `gso` off
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
    gso: &mut bool,
) -> io::Result<usize> {
    let mut sent = 0;
    while sent < messages.len() {
        let rest = &messages[sent..];
        let groups = plan_groups(rest, *gso);
        let is_run = groups.first().is_some_and(|g| g.segment > 0);
        let n = match send_groups(sock, rest, &groups) {
            Ok(n) => n,
            Err(e) if is_run && gso_unsupported(&e) => {
                *gso = false;
                continue;
            }
            Err(e) if is_run && gso_segment_too_big(&e) => {
                let run = &rest[..groups[0].len];
                match send_groups(sock, run, &plan_groups(run, false)) {
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

/// One `sendmmsg` per [`SEND_BATCH`] groups; returns the messages sent.
#[cfg(target_os = "linux")]
fn send_groups(
    sock: &SockRef<'_>,
    messages: &[Message<'_>],
    groups: &[Group],
) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let mut sent = 0;
    for chunk in groups.chunks(SEND_BATCH) {
        let first = chunk[0].start;
        let last = chunk[chunk.len() - 1];
        let span = &messages[first..last.start + last.len];
        let mut iovs: Vec<libc::iovec> = span
            .iter()
            .map(|(_, data)| libc::iovec {
                iov_base: data.as_ptr().cast_mut().cast(),
                iov_len: data.len(),
            })
            .collect();
        let names: Vec<Option<SockAddr>> = chunk
            .iter()
            .map(|g| messages[g.start].0.map(SockAddr::from))
            .collect();
        // One UDP_SEGMENT message each: CMSG_SPACE(2) is 24 bytes on 64-bit Linux.
        let mut controls = vec![[0u64; 4]; chunk.len()];
        // SAFETY: all-zero is a valid mmsghdr.
        let mut hdrs: Vec<libc::mmsghdr> = (0..chunk.len())
            .map(|_| unsafe { std::mem::zeroed() })
            .collect();
        for (((hdr, group), name), control) in hdrs
            .iter_mut()
            .zip(chunk)
            .zip(&names)
            .zip(controls.iter_mut())
        {
            if let Some(name) = name {
                hdr.msg_hdr.msg_name = name.as_ptr().cast_mut().cast();
                hdr.msg_hdr.msg_namelen = name.len();
            }
            hdr.msg_hdr.msg_iov = iovs[group.start - first..].as_mut_ptr();
            hdr.msg_hdr.msg_iovlen = group.len as _;
            if group.segment > 0 {
                // SAFETY: `control` is 32 zeroed, 8-aligned bytes, room for
                // CMSG_SPACE(sizeof u16); the CMSG_* macros stay inside it.
                unsafe { set_segment(&mut hdr.msg_hdr, control, group.segment as u16) };
            }
        }
        // SAFETY: every header points at live iovecs over caller-owned bytes
        // (sendmmsg only reads them), at a live address and control buffer;
        // all outlive the call.
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
    _gso: &mut bool,
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
        send_many(sock, messages, &mut true)
    }

    fn without_gso(sock: &SockRef<'_>, messages: &[Message<'_>]) -> io::Result<usize> {
        send_many(sock, messages, &mut false)
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
        let mut gso = true;
        assert_eq!(
            send_many(&SockRef::from(&sender), &messages, &mut gso).expect("send"),
            151
        );
        let mut buf = [0u8; 256];
        for payload in &payloads {
            let n = receiver.recv(&mut buf).expect("recv");
            assert_eq!(&buf[..n], &payload[..]);
        }
        assert!(gso, "loopback takes UDP_SEGMENT");
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
        let groups = plan_groups(&messages, true);
        let shape: Vec<(usize, usize, usize)> =
            groups.iter().map(|g| (g.start, g.len, g.segment)).collect();
        assert_eq!(
            shape,
            vec![(0, 3, 100), (3, 1, 0), (4, 1, 0), (5, 1, 0), (6, 1, 0)]
        );
        assert!(plan_groups(&messages, false).iter().all(|g| g.len == 1));
        let many: Vec<Message<'_>> = (0..100).map(|_| m(a, 1200)).collect();
        let groups = plan_groups(&many, true);
        assert_eq!(groups[0].len, 54, "54 * 1200 bytes fit in 65,507");
        assert!(groups.iter().all(|g| g.len <= GSO_MAX_SEGMENTS));
    }

    #[test]
    fn plan_groups_forms_no_run_whose_segment_a_1500_byte_mtu_would_refuse() {
        let a4: SocketAddr = "127.0.0.1:1".parse().expect("addr");
        let a6: SocketAddr = "[::1]:1".parse().expect("addr");
        let big = [0u8; 9000];
        for (dest, fits) in [(a4, 1472), (a6, 1452)] {
            for (len, runs) in [
                (fits, true),
                (fits + 1, false),
                (3000, false),
                (9000, false),
            ] {
                let messages: Vec<Message<'_>> =
                    (0..4).map(|_| (Some(dest), &big[..len])).collect();
                let groups = plan_groups(&messages, true);
                assert_eq!(
                    groups.len() == 1,
                    runs,
                    "{len}-byte datagrams to {dest}: {groups:?}"
                );
            }
        }
        let connected: Vec<Message<'_>> = (0..4).map(|_| (None, &big[..1453])).collect();
        assert_eq!(
            plan_groups(&connected, true).len(),
            4,
            "a connected peer: the IPv6 bound"
        );
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
