//! A socket's registration with the reactor, for one kind of readiness.
//!
//! tokio's `UdpSocket` registers for reading *and* writing, edge-triggered:
//! then every datagram sent frees send-buffer space, fires EPOLLOUT and wakes
//! the reactor thread (measured: 326k wake-ups for 400k sends). libuv asks for
//! POLLOUT only while sends are queued; so do we. The receive task registers
//! the socket for READABLE; the send-queue drain, which runs only while
//! something is queued, registers a duplicate descriptor for WRITABLE (one
//! descriptor cannot be in one epoll set twice).

use std::io;
use std::sync::Arc;

use socket2::Socket;
use tokio::io::Interest;

/// Readiness of one kind for one socket; deregistered on drop.
#[cfg(unix)]
pub(crate) struct Registration {
    fd: tokio::io::unix::AsyncFd<Shared>,
    interest: Interest,
}

/// An `Arc<Socket>` that epoll can watch: the registration keeps the socket
/// (and so its descriptor) alive.
#[cfg(unix)]
struct Shared(Arc<Socket>);

#[cfg(unix)]
impl std::os::fd::AsRawFd for Shared {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.0.as_raw_fd()
    }
}

#[cfg(unix)]
impl Registration {
    fn new(socket: Arc<Socket>, interest: Interest) -> io::Result<Registration> {
        // SAFETY: `Shared` owns an `Arc` of the socket, so the descriptor it
        // reports stays open, unchanged, for as long as the AsyncFd lives.
        let fd =
            unsafe { tokio::io::unix::AsyncFd::register_with_interest(Shared(socket), interest) }
                .map_err(io::Error::from)?;
        Ok(Registration { fd, interest })
    }

    /// Watches `socket` itself for readability. Call inside the reactor's context.
    pub(crate) fn readable(socket: &Arc<Socket>) -> io::Result<Registration> {
        Registration::new(Arc::clone(socket), Interest::READABLE)
    }

    /// Watches a duplicate of `socket` for writability. Call inside the reactor's context.
    pub(crate) fn writable(socket: &Socket) -> io::Result<Registration> {
        Registration::new(Arc::new(socket.try_clone()?), Interest::WRITABLE)
    }

    /// Waits until the socket may be ready. A reader is also woken by a
    /// pending socket error (EPOLLERR: an ICMP error on a connected socket),
    /// which it takes (SO_ERROR) and returns, as libuv's read path reports it;
    /// left pending, it would fail the next unrelated send instead.
    pub(crate) async fn ready(&self) -> io::Result<Option<io::Error>> {
        if self.interest != Interest::READABLE {
            let mut guard = self.fd.ready(self.interest).await?;
            guard.retain_ready();
            return Ok(None);
        }
        let mut guard = self.fd.ready(Interest::READABLE | Interest::ERROR).await?;
        if guard.ready().is_error() {
            guard.clear_ready_matching(tokio::io::Ready::ERROR);
            if let Ok(Some(error)) = self.fd.get_ref().0.take_error() {
                return Ok(Some(error));
            }
        }
        guard.retain_ready();
        Ok(None)
    }

    /// Runs a non-blocking operation; a `WouldBlock` clears the readiness so
    /// that the next [`Registration::ready`] really waits.
    pub(crate) fn try_io<R>(&self, f: impl FnOnce(&Socket) -> io::Result<R>) -> io::Result<R> {
        self.fd.try_io(self.interest, |shared| f(&shared.0))
    }
}

/// Where there is no `AsyncFd` (Windows): a tokio `UdpSocket` over a
/// duplicate of the socket. It watches both directions, which costs wake-ups
/// but is correct. Compiled everywhere, so that it cannot rot on Linux.
#[cfg_attr(unix, allow(dead_code))]
pub(crate) struct PortableRegistration {
    io: tokio::net::UdpSocket,
    interest: Interest,
}

#[cfg_attr(unix, allow(dead_code))]
impl PortableRegistration {
    fn new(socket: &Socket, interest: Interest) -> io::Result<PortableRegistration> {
        let io = tokio::net::UdpSocket::from_std(socket.try_clone()?.into())?;
        Ok(PortableRegistration { io, interest })
    }

    pub(crate) fn readable(socket: &Arc<Socket>) -> io::Result<PortableRegistration> {
        PortableRegistration::new(socket, Interest::READABLE)
    }

    pub(crate) fn writable(socket: &Socket) -> io::Result<PortableRegistration> {
        PortableRegistration::new(socket, Interest::WRITABLE)
    }

    pub(crate) async fn ready(&self) -> io::Result<Option<io::Error>> {
        self.io.ready(self.interest).await.map(|_| None)
    }

    pub(crate) fn try_io<R>(&self, f: impl FnOnce(&Socket) -> io::Result<R>) -> io::Result<R> {
        self.io
            .try_io(self.interest, || f(&socket2::SockRef::from(&self.io)))
    }
}

#[cfg(not(unix))]
pub(crate) use PortableRegistration as Registration;

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;
    use std::time::Duration;

    fn bound() -> (Arc<Socket>, UdpSocket) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
        socket.set_nonblocking(true).expect("nonblocking");
        let peer = UdpSocket::bind("127.0.0.1:0").expect("bind");
        peer.connect(socket.local_addr().expect("addr"))
            .expect("connect");
        (Arc::new(Socket::from(socket)), peer)
    }

    /// Reads one datagram through a registration, waiting as the receive loop does.
    macro_rules! read_one {
        ($registration:expr) => {
            loop {
                $registration.ready().await.expect("ready");
                let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 16];
                match $registration.try_io(|s| s.recv(&mut buf)) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("recv: {e}"),
                }
            }
        };
    }

    #[test]
    fn readable_registrations_wake_on_a_datagram_and_read_it() {
        let reactor = crate::reactor::handle().expect("reactor");
        let (socket, peer) = bound();
        let (tx, rx) = std::sync::mpsc::channel();
        reactor.spawn(async move {
            let registration = Registration::readable(&socket).expect("register");
            let _ = tx.send(read_one!(registration));
            // The portable flavour (Windows') sees the same socket through its duplicate.
            let portable = PortableRegistration::readable(&socket).expect("register portable");
            let _ = tx.send(read_one!(portable));
        });
        peer.send(b"hello").expect("send");
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(5));
        peer.send(b"again!").expect("send");
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(6));
    }
}
