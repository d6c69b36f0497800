//! The core's `Udp` over loopback, without JavaScript: events arrive through
//! a channel sink.

use std::net::SocketAddr;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(unix)]
use uv_udp_core::error::ENOTSOCK;
use uv_udp_core::error::{EALREADY, EBADF, EDESTADDRREQ, EINVAL, EISCONN, ENOTCONN};
use uv_udp_core::flags::{AF_INET, AF_INET6, AF_UNSPEC, UV_UDP_IPV6ONLY, UV_UDP_REUSEADDR};
use uv_udp_core::{Event, EventSink, SendOutcome, Udp};

struct ChannelSink(Mutex<Sender<Event>>);

impl EventSink for ChannelSink {
    fn emit(&self, event: Event) {
        let _ = self.0.lock().expect("sink lock").send(event);
    }
}

fn handle(family: i32) -> (Udp, Receiver<Event>) {
    let (tx, rx) = channel();
    let udp = Udp::new(family, Arc::new(ChannelSink(Mutex::new(tx)))).expect("new Udp");
    (udp, rx)
}

fn addr(text: &str) -> SocketAddr {
    text.parse().expect("address")
}

/// Receives events until `n` datagrams arrived; returns their payloads and senders.
fn datagrams(rx: &Receiver<Event>, n: usize) -> Vec<(Vec<u8>, SocketAddr)> {
    let mut out = Vec::new();
    while out.len() < n {
        match rx
            .recv_timeout(Duration::from_secs(5))
            .expect("an event within 5 s")
        {
            Event::Received(batch) => {
                let mut offset = 0;
                for i in 0..batch.count {
                    let header = batch.header(i);
                    let (len, peer) = (header.len as usize, header.peer);
                    out.push((
                        batch.bytes[offset..offset + len].to_vec(),
                        batch.peers[peer as usize],
                    ));
                    offset += len;
                }
            }
            other => panic!("unexpected event {other:?}"),
        }
    }
    out
}

#[test]
fn pingpong_over_ipv4_loopback_arrives_with_the_senders_address() {
    let (mut server, server_events) = handle(AF_UNSPEC);
    server.bind(addr("127.0.0.1:0"), 0).expect("bind");
    server.start_recv(false).expect("start_recv");
    let server_addr = server.local_addr().expect("local_addr");

    let (mut client, _client_events) = handle(AF_UNSPEC);
    assert_eq!(
        client
            .send(Some(server_addr), b"ping\0pong", true)
            .expect("send"),
        SendOutcome::Sent(9)
    );
    let client_addr = client.local_addr().expect("implicitly bound");
    assert_eq!(
        client_addr.ip().to_string(),
        "0.0.0.0",
        "implicit bind is to the wildcard"
    );
    let from = SocketAddr::from(([127, 0, 0, 1], client_addr.port()));
    assert_eq!(
        datagrams(&server_events, 1),
        vec![(b"ping\0pong".to_vec(), from)]
    );
}

#[test]
fn a_burst_arrives_in_order_and_empty_datagrams_survive() {
    let (mut server, events) = handle(AF_INET6);
    server.bind(addr("[::1]:0"), 0).expect("bind");
    server.start_recv(false).expect("start_recv");
    let to = server.local_addr().expect("local_addr");
    let (mut client, _) = handle(AF_INET6);
    for i in 0..100u32 {
        let payload = if i % 10 == 0 {
            Vec::new()
        } else {
            i.to_be_bytes().to_vec()
        };
        client.send(Some(to), &payload, true).expect("send");
    }
    let got = datagrams(&events, 100);
    for (i, (payload, _)) in got.iter().enumerate() {
        let expected = if i % 10 == 0 {
            Vec::new()
        } else {
            (i as u32).to_be_bytes().to_vec()
        };
        assert_eq!(payload, &expected, "datagram {i}");
    }
}

#[test]
fn dual_stack_socket_sees_ipv4_peers_as_v4_mapped() {
    let (mut server, events) = handle(AF_INET6);
    server.bind(addr("[::]:0"), 0).expect("bind");
    server.start_recv(false).expect("start_recv");
    let port = server.local_addr().expect("local_addr").port();
    let (mut client, _) = handle(AF_INET);
    client
        .send(Some(SocketAddr::from(([127, 0, 0, 1], port))), b"x", true)
        .expect("send");
    let (_, peer) = datagrams(&events, 1).remove(0);
    assert_eq!(peer.ip().to_string(), "::ffff:127.0.0.1");
}

#[test]
fn bind_refuses_unknown_flags_ipv6only_on_ipv4_and_the_other_family() {
    let (mut v4, _) = handle(AF_INET);
    assert_eq!(v4.bind(addr("127.0.0.1:0"), 8), Err(EINVAL));
    assert_eq!(v4.bind(addr("127.0.0.1:0"), UV_UDP_IPV6ONLY), Err(EINVAL));
    assert_eq!(v4.bind(addr("[::1]:0"), 0), Err(EINVAL));
    v4.bind(addr("127.0.0.1:0"), UV_UDP_REUSEADDR)
        .expect("bind");
}

#[test]
fn a_failed_bind_on_a_fresh_handle_leaves_it_without_a_socket() {
    let (mut first, _) = handle(AF_UNSPEC);
    first.bind(addr("127.0.0.1:0"), 0).expect("bind");
    let taken = first.local_addr().expect("local_addr");
    let (mut second, _) = handle(AF_UNSPEC);
    assert_eq!(second.bind(taken, 0).map_err(|e| e.name), Err("EADDRINUSE"));
    assert_eq!(
        second.family(),
        Err(EINVAL),
        "no socket kept after the failed bind"
    );
    second
        .bind(addr("[::1]:0"), 0)
        .expect("the other family still binds");
}

#[test]
fn options_need_a_socket_and_start_recv_refuses_to_run_twice() {
    let (mut udp, _) = handle(AF_UNSPEC);
    assert_eq!(udp.set_broadcast(true), Err(EBADF));
    assert_eq!(udp.fileno(), Err(EBADF));
    assert_eq!(udp.local_addr(), Err(EINVAL));
    udp.start_recv(false).expect("implicit bind");
    assert_eq!(udp.local_addr().expect("bound").ip().to_string(), "0.0.0.0");
    assert_eq!(udp.start_recv(false), Err(EALREADY));
    udp.set_ttl(7).expect("ttl");
    udp.set_multicast_ttl(3).expect("multicast ttl");
    udp.set_multicast_loop(false).expect("multicast loop");
}

#[test]
fn buffer_sizes_read_back_what_linux_reports() {
    let (udp, _) = handle(AF_INET);
    udp.set_receive_buffer_size(65536).expect("set");
    udp.set_send_buffer_size(65536).expect("set");
    if cfg!(target_os = "linux") {
        assert_eq!(udp.receive_buffer_size(), Ok(131072));
        assert_eq!(udp.send_buffer_size(), Ok(131072));
    }
}

#[test]
fn membership_checks_group_and_value() {
    let (mut udp, _) = handle(AF_UNSPEC);
    assert_eq!(udp.set_membership("127.0.0.1", None, 1), Err(EINVAL));
    assert_eq!(udp.set_membership("239.1.1.1", None, 2), Err(EINVAL));
    assert_eq!(udp.set_membership("not an ip", None, 1), Err(EINVAL));
}

#[test]
fn close_with_nothing_queued_cancels_nothing_and_closes_the_socket() {
    let (mut udp, _) = handle(AF_INET);
    udp.bind(addr("127.0.0.1:0"), 0).expect("bind");
    assert_eq!(udp.close(), 0);
    assert!(!udp.has_socket());
    assert_eq!(udp.fileno(), Err(EBADF));
}

#[test]
fn a_closed_handle_makes_no_socket_again() {
    // Unbound when closed, and bound when closed: neither a send (which
    // binds an unbound handle first) nor bind nor open makes a socket.
    for bind_first in [false, true] {
        let (mut udp, _) = handle(AF_UNSPEC);
        if bind_first {
            udp.bind(addr("127.0.0.1:0"), 0).expect("bind");
        }
        udp.close();
        let to = Some(addr("127.0.0.1:9"));
        assert_eq!(udp.try_send(to, b"x"), Err(EBADF));
        assert!(matches!(udp.send(to, b"x", true), Err(EBADF)));
        assert_eq!(udp.try_send_many(&mut [(to, &b"x"[..])]), Err(EBADF));
        assert_eq!(udp.ensure_bound(AF_INET, 0), Err(EBADF));
        assert_eq!(udp.bind(addr("127.0.0.1:0"), 0), Err(EBADF));
        #[cfg(unix)]
        assert_eq!(udp.open(0), Err(EBADF));
        assert!(!udp.has_socket(), "no socket after close");
    }
}

/// A UDP send over loopback never blocks on Linux (loopback_xmit orphans the
/// skb at once), but a datagram socket pair whose peer never reads does: once
/// the peer's queue is full, sends queue. `open()` adopts the pair's end (a
/// connected datagram socket, so sends take no address).
#[cfg(unix)]
#[test]
fn close_cancels_queued_sends_and_keeps_the_outcome_of_those_sent() {
    use std::os::fd::IntoRawFd;
    use std::os::unix::net::UnixDatagram;
    use uv_udp_core::error::{EAGAIN, ECANCELED};

    let (ours, _peer) = UnixDatagram::pair().expect("socketpair");
    let (mut udp, _events) = handle(AF_UNSPEC);
    udp.open(ours.into_raw_fd()).expect("open");
    let data = [7u8; 1024];
    let (mut sent, mut queued) = (0usize, 0usize);
    for _ in 0..100_000 {
        match udp.send(None, &data, true).expect("send") {
            SendOutcome::Sent(n) => {
                assert_eq!(queued, 0, "nothing is sent at once behind a queued send");
                assert_eq!(n, data.len());
                sent += 1;
            }
            SendOutcome::Queued { .. } => queued += 1,
            SendOutcome::Failed(error) => panic!("send failed: {error:?}"),
        }
        if queued == 3 {
            break;
        }
    }
    assert!(sent > 0, "the first sends went out at once");
    assert_eq!(queued, 3, "the peer's queue filled within 100,000 sends");
    assert_eq!(udp.send_queue_count(), sent + 3);
    assert_eq!(udp.send_queue_size(), (sent + 3) * data.len());
    assert!(udp.has_unsent());
    // libuv: try_send is refused while any send's outcome has not been taken.
    assert_eq!(udp.try_send(None, b"x"), Err(EAGAIN));

    assert_eq!(udp.close(), 3, "close() cancels exactly the queued sends");
    assert!(!udp.has_unsent());
    let mut out = vec![1; 2 * (sent + 4)];
    assert_eq!(udp.take_completed(&mut out), sent + 3);
    let statuses: Vec<i32> = out.iter().step_by(2).copied().collect();
    let sizes: Vec<i32> = out.iter().skip(1).step_by(2).copied().collect();
    assert!(
        statuses[..sent].iter().all(|&status| status == 0),
        "sent ones keep success"
    );
    assert_eq!(&statuses[sent..sent + 3], &[ECANCELED.code; 3]);
    assert!(sizes[..sent + 3]
        .iter()
        .all(|&size| size as usize == data.len()));
    assert_eq!(udp.send_queue_count(), 0);
    assert_eq!(udp.send_queue_size(), 0);
}

#[cfg(unix)]
#[test]
fn open_adopts_a_socket_and_refuses_other_descriptors() {
    use std::os::fd::IntoRawFd;
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("std bind");
    let local = std_socket.local_addr().expect("addr");
    let fd = std_socket.into_raw_fd();
    let (mut udp, _) = handle(AF_UNSPEC);
    udp.open(fd).expect("open");
    assert!(udp.is_bound());
    assert_eq!(udp.local_addr(), Ok(local));
    assert_eq!(udp.fileno(), Ok(i64::from(fd)));

    let file = std::fs::File::open("/dev/null").expect("/dev/null");
    let (mut other, _) = handle(AF_UNSPEC);
    use std::os::fd::AsRawFd;
    assert_eq!(other.open(file.as_raw_fd()), Err(ENOTSOCK));
    assert_eq!(other.open(-1), Err(EBADF));
    // The refused descriptor is still the caller's and still open.
    assert!(file.metadata().is_ok());
}

#[test]
fn connect_sends_without_an_address_and_refuses_one() {
    let (mut server, events) = handle(AF_INET);
    server.bind(addr("127.0.0.1:0"), 0).expect("bind");
    server.start_recv(false).expect("start_recv");
    let to = server.local_addr().expect("addr");
    let (mut client, _) = handle(AF_UNSPEC);
    assert_eq!(client.connect(None), Err(ENOTCONN));
    assert_eq!(client.peer_addr(), Err(ENOTCONN));
    assert_eq!(client.send(None, b"x", true), Err(EDESTADDRREQ));
    client.connect(Some(to)).expect("connect");
    assert_eq!(client.peer_addr(), Ok(to));
    assert_eq!(client.connect(Some(to)), Err(EISCONN));
    assert_eq!(client.send(Some(to), b"x", true), Err(EISCONN));
    assert_eq!(client.try_send(None, b"connected"), Ok(9));
    assert_eq!(datagrams(&events, 1)[0].0, b"connected".to_vec());
    client.connect(None).expect("disconnect");
    assert_eq!(client.peer_addr(), Err(ENOTCONN));
    assert_eq!(
        client.send(Some(to), b"again", true).expect("send"),
        SendOutcome::Sent(5)
    );
}

#[test]
fn pktinfo_reports_the_destination_address_and_interface() {
    let (mut server, events) = handle(AF_INET);
    server.bind(addr("0.0.0.0:0"), 0).expect("bind");
    server.start_recv(true).expect("start_recv with pktinfo");
    let port = server.local_addr().expect("addr").port();
    let (mut client, _) = handle(AF_INET);
    client
        .send(
            Some(SocketAddr::from(([127, 0, 0, 2], port))),
            b"to .2",
            true,
        )
        .expect("send");
    match events
        .recv_timeout(Duration::from_secs(5))
        .expect("a batch")
    {
        Event::Received(batch) => {
            let header = batch.header(0);
            assert_eq!(batch.locals[header.local as usize].to_string(), "127.0.0.2");
            assert_eq!(header.ifindex, 1, "loopback is interface 1 on Linux");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn open_refuses_a_descriptor_another_handle_owns_and_keeps_a_connected_socket_connected() {
    let (mut owner, _) = handle(AF_INET);
    owner.bind(addr("127.0.0.1:0"), 0).expect("bind");
    let fd = owner.fileno().expect("fileno") as i32;
    let (mut thief, _) = handle(AF_UNSPEC);
    assert_eq!(thief.open(fd).map_err(|e| e.name), Err("EEXIST"));
    drop(owner);

    use std::os::fd::IntoRawFd;
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").expect("peer");
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    std_socket
        .connect(peer.local_addr().expect("addr"))
        .expect("connect");
    let (mut adopted, _) = handle(AF_UNSPEC);
    adopted.open(std_socket.into_raw_fd()).expect("open");
    assert_eq!(adopted.peer_addr(), Ok(peer.local_addr().expect("addr")));
    assert_eq!(adopted.try_send(None, b"connected"), Ok(9));
}

#[cfg(unix)]
#[test]
fn open_checked_asks_its_claim_after_the_checks_and_a_refusal_leaves_the_descriptor_as_it_was() {
    use std::os::fd::AsRawFd;
    use uv_udp_core::error::EEXIST;
    let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let fd = std_socket.as_raw_fd();
    // SAFETY: F_GETFL only reads the open descriptor's flags.
    let flags = || unsafe { libc::fcntl(fd, libc::F_GETFL) };
    let before = flags();
    assert_eq!(before & libc::O_NONBLOCK, 0);

    let (mut refused, _) = handle(AF_UNSPEC);
    let mut asked = None;
    let outcome = refused.open_checked(fd, |claimed, family| {
        assert_eq!(family, AF_INET);
        asked = Some(claimed);
        Err(EEXIST)
    });
    assert_eq!(outcome.map_err(|e| e.name), Err("EEXIST"));
    assert_eq!(asked, Some(fd));
    assert_eq!(flags(), before, "not made non-blocking");
    assert_eq!(refused.fileno().map_err(|e| e.name), Err("EBADF"));
    drop(refused);
    assert!(
        std_socket.local_addr().is_ok(),
        "still open, still its owner's"
    );

    // A descriptor that fails a check never reaches the claim.
    let (mut other, _) = handle(AF_UNSPEC);
    let mut reached = false;
    let outcome = other.open_checked(-1, |_, _| {
        reached = true;
        Ok(())
    });
    assert_eq!(outcome.map_err(|e| e.name), Err("EBADF"));
    assert!(!reached);
}

#[cfg(unix)]
#[test]
fn an_adopted_unix_datagram_socket_reports_its_family_and_try_send_many_keeps_its_datagrams_apart()
{
    use std::os::fd::IntoRawFd;
    use std::os::unix::net::UnixDatagram;
    let (ours, peer) = UnixDatagram::pair().expect("socketpair");
    peer.set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let (mut udp, _) = handle(AF_UNSPEC);
    udp.open(ours.into_raw_fd()).expect("open");
    assert_eq!(udp.family(), Ok(libc::AF_UNIX));
    let mut messages = [(None, &b"a1"[..]), (None, &b"a2"[..]), (None, &b"a3"[..])];
    assert_eq!(udp.try_send_many(&mut messages), Ok(3));
    let mut buf = [0u8; 16];
    for expected in [&b"a1"[..], b"a2", b"a3"] {
        let n = peer.recv(&mut buf).expect("recv");
        assert_eq!(
            &buf[..n],
            expected,
            "one datagram each (no GSO on a unix socket)"
        );
    }
}

#[test]
fn try_send_many_sends_the_messages_before_one_it_cannot_address_and_throws_only_for_the_first() {
    use uv_udp_core::error::EAFNOSUPPORT;
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").expect("peer");
    peer.set_read_timeout(Some(Duration::from_secs(2)))
        .expect("timeout");
    let to = peer.local_addr().expect("addr");
    let (mut udp, _) = handle(AF_INET);
    udp.bind(addr("127.0.0.1:0"), 0).expect("bind");
    let v6 = addr("[::1]:9");
    let mut messages = [
        (Some(to), &b"first"[..]),
        (Some(v6), &b"v6"[..]),
        (Some(to), &b"after"[..]),
    ];
    assert_eq!(udp.try_send_many(&mut messages), Ok(1));
    let mut buf = [0u8; 16];
    let n = peer.recv(&mut buf).expect("recv");
    assert_eq!(&buf[..n], b"first");
    let mut first_bad = [(Some(v6), &b"v6"[..]), (Some(to), &b"x"[..])];
    assert_eq!(
        udp.try_send_many(&mut first_bad).map_err(|e| e.name),
        Err(EAFNOSUPPORT.name)
    );
    // Nothing else went out.
    peer.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    assert!(peer.recv(&mut buf).is_err());
}

#[test]
fn a_socket_made_but_not_bound_reports_the_wildcard_and_stays_unbound_as_libuv() {
    let (mut v4, _) = handle(AF_INET);
    assert_eq!(v4.local_addr(), Ok(addr("0.0.0.0:0")));
    v4.start_recv(false).expect("start_recv");
    assert_eq!(
        v4.local_addr(),
        Ok(addr("0.0.0.0:0")),
        "start_recv binds nothing"
    );
    let (mut v6, _) = handle(AF_INET6);
    assert_eq!(v6.local_addr(), Ok(addr("[::]:0")));
    v6.start_recv(false).expect("start_recv");
    assert_eq!(v6.local_addr(), Ok(addr("[::]:0")));
    // (A join binding nothing is shown by compat/pyuv's membership scenario,
    // inside a namespace: a join here would announce itself on the machine's
    // own network.)
}

#[test]
fn an_ipv6_destination_on_an_ipv4_socket_is_eafnosupport_in_the_send_outcome() {
    use uv_udp_core::error::EAFNOSUPPORT;
    let (mut v4, _) = handle(AF_INET);
    v4.bind(addr("127.0.0.1:0"), 0).expect("bind");
    assert_eq!(
        v4.send(Some(addr("[::1]:9")), b"x", true),
        Ok(SendOutcome::Failed(EAFNOSUPPORT))
    );
    assert_eq!(
        v4.send_queue_count(),
        1,
        "a request until its outcome is taken"
    );
    let mut out = [0i32; 4];
    assert_eq!(v4.take_completed(&mut out), 1);
    assert_eq!(out[..2], [EAFNOSUPPORT.code, 1]);
    assert_eq!(v4.try_send(Some(addr("[::1]:9")), b"x"), Err(EAFNOSUPPORT));
    assert_eq!(v4.connect(Some(addr("[::1]:9"))), Err(EAFNOSUPPORT));
}

#[test]
fn ttl_ranges_are_libuvs_own_check_with_einval() {
    for family in [AF_INET, AF_INET6] {
        let (udp, _) = handle(family);
        for ttl in [0, 256, -1, i64::from(u32::MAX) + 1] {
            assert_eq!(udp.set_ttl(ttl), Err(EINVAL), "set_ttl({ttl})");
        }
        for ttl in [256, -1, i64::MAX] {
            assert_eq!(
                udp.set_multicast_ttl(ttl),
                Err(EINVAL),
                "set_multicast_ttl({ttl})"
            );
        }
        udp.set_ttl(1).expect("1");
        udp.set_ttl(255).expect("255");
        udp.set_multicast_ttl(0).expect("0");
        udp.set_multicast_ttl(255).expect("255");
    }
}

#[test]
fn set_multicast_interface_takes_either_family_as_libuv_does() {
    use uv_udp_core::error::ENOPROTOOPT;
    let (v6, _) = handle(AF_INET6);
    v6.set_multicast_interface(Some("127.0.0.1"))
        .expect("IP_MULTICAST_IF on an IPv6 socket (dual stack)");
    v6.set_multicast_interface(Some("::%1"))
        .expect("an IPv6 literal");
    v6.set_multicast_interface(None).expect("the default");
    let (v4, _) = handle(AF_INET);
    assert_eq!(v4.set_multicast_interface(Some("::1")), Err(ENOPROTOOPT));
    // The family first, as libuv: its unknown zone is scope 0 there.
    assert_eq!(
        v4.set_multicast_interface(Some("::%nosuchif")),
        Err(ENOPROTOOPT)
    );
    for bad in ["", "%1", "not-an-ip", "<broadcast>"] {
        assert_eq!(
            v4.set_multicast_interface(Some(bad)),
            Err(EINVAL),
            "{bad:?}"
        );
        assert_eq!(
            v6.set_multicast_interface(Some(bad)),
            Err(EINVAL),
            "{bad:?}"
        );
    }
}
