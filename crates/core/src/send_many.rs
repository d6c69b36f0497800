//! Several datagrams in one system call: `sendmmsg(2)` where the OS has it.

use std::io;
use std::net::SocketAddr;

use socket2::{SockAddr, SockRef};

/// Datagrams handed to `sendmmsg` at once (Linux caps a call at UIO_MAXIOV).
pub const SEND_BATCH: usize = 64;

/// One datagram of a batch: where to (`None` on a connected socket) and what.
pub type Message<'a> = (Option<SocketAddr>, &'a [u8]);

/// Sends `messages` in order until one would block or fails; returns how many
/// went out. An error is returned only when not even the first could be sent
/// (as `sendmmsg` does: a later failure shows up on the next call).
#[cfg(target_os = "linux")]
pub(crate) fn send_many(sock: &SockRef<'_>, messages: &[Message<'_>]) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let mut sent = 0;
    while sent < messages.len() {
        let chunk = &messages[sent..messages.len().min(sent + SEND_BATCH)];
        let names: Vec<Option<SockAddr>> = chunk
            .iter()
            .map(|(dest, _)| dest.map(SockAddr::from))
            .collect();
        let mut iovs: Vec<libc::iovec> = chunk
            .iter()
            .map(|(_, data)| libc::iovec {
                iov_base: data.as_ptr().cast_mut().cast(),
                iov_len: data.len(),
            })
            .collect();
        // SAFETY: all-zero is a valid mmsghdr.
        let mut hdrs: Vec<libc::mmsghdr> = (0..chunk.len())
            .map(|_| unsafe { std::mem::zeroed() })
            .collect();
        for ((hdr, iov), name) in hdrs.iter_mut().zip(iovs.iter_mut()).zip(names.iter()) {
            if let Some(name) = name {
                hdr.msg_hdr.msg_name = name.as_ptr().cast_mut().cast();
                hdr.msg_hdr.msg_namelen = name.len();
            }
            hdr.msg_hdr.msg_iov = iov;
            hdr.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: every header points at a live iovec over caller-owned bytes
        // (sendmmsg only reads them) and at a live address; all outlive the call.
        let n = unsafe {
            libc::sendmmsg(
                sock.as_raw_fd(),
                hdrs.as_mut_ptr(),
                hdrs.len() as libc::c_uint,
                libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            let err = io::Error::last_os_error();
            return if sent == 0 { Err(err) } else { Ok(sent) };
        }
        sent += n as usize;
        if (n as usize) < chunk.len() {
            break;
        }
    }
    Ok(sent)
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

#[cfg(not(target_os = "linux"))]
pub(crate) use send_each as send_many;

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
        check(send_many);
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
            send_many(&sock, &first_fails).map_err(|e| e.raw_os_error()),
            Err(Some(libc::EMSGSIZE))
        );
        let second_fails: Vec<Message<'_>> =
            vec![(Some(to), b"x"), (Some(to), &big[..]), (Some(to), b"y")];
        assert_eq!(send_many(&sock, &second_fails).expect("first goes"), 1);
    }
}
