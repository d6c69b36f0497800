//! A socket's one registration with the reactor, shared by its receive task
//! and its send-queue drain.
//!
//! One descriptor can be in one epoll set once, so both tasks share one
//! registration for reading *and* writing; it lives only while a task runs
//! (tasks hold it, the handle keeps a weak reference to find it again), so an
//! idle socket costs the reactor nothing. While registered for writing,
//! every datagram the socket sends fires EPOLLOUT (edge-triggered) and wakes
//! the reactor thread; that cost is paid only by a socket that receives and
//! sends at once, and it needs no duplicate descriptor (issue J: a queued send
//! must work at the descriptor limit).

use std::io;
use std::sync::{Arc, Weak};

use socket2::Socket;
use tokio::io::Interest;

/// Readiness of one socket, for reading and writing; deregistered on drop.
#[cfg(unix)]
pub(crate) struct Registration {
    fd: tokio::io::unix::AsyncFd<Shared>,
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
    fn new(socket: &Arc<Socket>) -> io::Result<Registration> {
        let shared = Shared(Arc::clone(socket));
        // SAFETY: `Shared` owns an `Arc` of the socket, so the descriptor it
        // reports stays open, unchanged, for as long as the AsyncFd lives.
        let fd = unsafe {
            tokio::io::unix::AsyncFd::register_with_interest(
                shared,
                Interest::READABLE | Interest::WRITABLE,
            )
        }
        .map_err(io::Error::from)?;
        Ok(Registration { fd })
    }

    /// Waits until the socket may be readable. Also woken by a pending
    /// socket error (EPOLLERR: an ICMP error on a connected socket), which it
    /// takes (SO_ERROR) and returns, as libuv's read path reports it; left
    /// pending, it would fail the next unrelated send instead.
    pub(crate) async fn readable(&self) -> io::Result<Option<io::Error>> {
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

    /// Waits until the socket may be writable.
    pub(crate) async fn writable(&self) -> io::Result<()> {
        let mut guard = self.fd.ready(Interest::WRITABLE).await?;
        guard.retain_ready();
        Ok(())
    }

    /// Runs a non-blocking operation of one direction; a `WouldBlock` clears
    /// that readiness so that the next wait really waits.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&Socket) -> io::Result<R>,
    ) -> io::Result<R> {
        self.fd.try_io(interest, |shared| f(&shared.0))
    }
}

/// Where there is no `AsyncFd` (Windows): a tokio `UdpSocket` over a
/// duplicate of the socket (Winsock handles have no epoll-set limitation,
/// and tokio needs to own what it registers there). Compiled everywhere, so
/// that it cannot rot on Linux.
#[cfg_attr(unix, allow(dead_code))]
pub(crate) struct PortableRegistration {
    io: tokio::net::UdpSocket,
}

#[cfg_attr(unix, allow(dead_code))]
impl PortableRegistration {
    fn new(socket: &Arc<Socket>) -> io::Result<PortableRegistration> {
        let io = tokio::net::UdpSocket::from_std(socket.try_clone()?.into())?;
        Ok(PortableRegistration { io })
    }

    pub(crate) async fn readable(&self) -> io::Result<Option<io::Error>> {
        self.io.ready(Interest::READABLE).await.map(|_| None)
    }

    pub(crate) async fn writable(&self) -> io::Result<()> {
        self.io.ready(Interest::WRITABLE).await.map(|_| ())
    }

    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&Socket) -> io::Result<R>,
    ) -> io::Result<R> {
        self.io
            .try_io(interest, || f(&socket2::SockRef::from(&self.io)))
    }
}

#[cfg(not(unix))]
pub(crate) use PortableRegistration as Registration;

/// The registration the tasks of one socket share: found again while any
/// task holds it, made anew (inside the reactor's context) otherwise.
pub(crate) fn shared(
    slot: &mut Weak<Registration>,
    socket: &Arc<Socket>,
) -> io::Result<Arc<Registration>> {
    if let Some(registration) = slot.upgrade() {
        return Ok(registration);
    }
    let reactor = crate::reactor::handle()?;
    let _entered = reactor.enter();
    // The last holder of an old registration may be dropping it on the
    // reactor thread right now (strong count 0, epoll entry not yet
    // removed): EEXIST for a moment, then the descriptor is free again.
    let mut attempts = 0;
    let registration = loop {
        match Registration::new(socket) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 1000 => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            other => break other?,
        }
    };
    let registration = Arc::new(registration);
    *slot = Arc::downgrade(&registration);
    Ok(registration)
}

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
                $registration.readable().await.expect("ready");
                let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 16];
                match $registration.try_io(Interest::READABLE, |s| s.recv(&mut buf)) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                    Err(e) => panic!("recv: {e}"),
                }
            }
        };
    }

    #[test]
    fn one_registration_is_shared_while_held_and_reads() {
        let reactor = crate::reactor::handle().expect("reactor");
        let (socket, peer) = bound();
        let mut slot = Weak::new();
        let first = shared(&mut slot, &socket).expect("register");
        let again = shared(&mut slot, &socket).expect("found again");
        assert!(Arc::ptr_eq(&first, &again));
        drop((first, again));
        let registration =
            shared(&mut slot, &socket).expect("registered anew after the last holder let go");
        let (tx, rx) = std::sync::mpsc::channel();
        let portable_socket = Arc::clone(&socket);
        reactor.spawn(async move {
            let _ = tx.send(read_one!(registration));
            // The portable flavour (Windows') sees the same socket through its duplicate.
            let portable = PortableRegistration::new(&portable_socket).expect("register portable");
            let _ = tx.send(read_one!(portable));
        });
        peer.send(b"hello").expect("send");
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(5));
        peer.send(b"again!").expect("send");
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(6));
    }
}
