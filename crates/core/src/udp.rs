//! The UDP handle: one socket, its send requests, and who drives it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};
use std::sync::Arc;

use socket2::{Domain, Protocol, SockAddr, SockAddrStorage, SockRef, Socket, Type};

use crate::error::{
    EAFNOSUPPORT, EALREADY, EBADF, EBUSY, EDESTADDRREQ, EEXIST, EINVAL, EISCONN, ENOTCONN,
};
use crate::event::EventSink;
use crate::flags::{
    AF_INET, AF_INET6, AF_UNSPEC, BIND_FLAGS, UV_UDP_IPV6ONLY, UV_UDP_REUSEADDR, UV_UDP_REUSEPORT,
};
use crate::reactor_tasks::ReactorTasks;
use crate::recv_batch::{set_gro, set_packet_info, Reader};
use crate::send_many::{send_many, Gso, Message, SendScratch};
use crate::send_requests::{send_now, Datagram, Drained, SendRequests};
use crate::UvError;

/// False when the environment says `UV_UDP_GRO=0`: no socket gets UDP GRO
/// ([`Udp::enable_gro`]). Read once per process.
pub fn gro_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| std::env::var_os("UV_UDP_GRO").is_none_or(|v| v != "0"))
}

/// A handle's state as its driver needs it ([`Udp::activity`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    /// libuv's `uv_is_active`: receiving, or sends whose outcome has not been taken.
    pub active: bool,
    /// Receiving.
    pub receiving: bool,
    /// Sends whose outcome has not been taken: libuv's active send
    /// requests, which keep the loop alive whatever the handle's ref.
    pub sending: bool,
    /// A send waits for the socket to become writable.
    pub unsent: bool,
}

/// What became of a [`Udp::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome {
    /// Sent at once: this many bytes.
    Sent(usize),
    /// The send itself failed (`UV_EMSGSIZE`, `UV_EACCES`, ...).
    Failed(UvError),
    /// The socket would block (or earlier sends wait): the datagram was
    /// copied into the send queue. `start_drain` is true for the first
    /// datagram of a queue: an owner that drives the socket itself must now
    /// watch it for writability and call [`Udp::drain`].
    Queued {
        /// The queue was empty before this datagram.
        start_drain: bool,
    },
}

/// A UDP socket as libuv's `uv_udp_t` sees it.
///
/// Owned by one thread (the JS thread in the binding). Either the owner
/// drives it ([`Udp::new_polled`]: it watches the descriptor on its own event
/// loop and calls [`Udp::read`] and [`Udp::drain`]), or tasks on the
/// [reactor](crate::reactor) do ([`Udp::new`]) and report through an
/// [`EventSink`]. Both share everything else, send requests included.
pub struct Udp {
    io: Option<Arc<Socket>>,
    // The socket's family, kept so that the send path makes no getsockname.
    family: i32,
    bound: bool,
    connected: bool,
    // `close` ran: no socket is made or adopted again (a getter run by a
    // send's argument checks can close the handle before the send).
    closed: bool,
    // UDP GSO for try_send_many: on, and the segment each route takes.
    gso: Gso,
    // try_send_many's buffers, kept from one call to the next.
    send_scratch: SendScratch,
    receiving: bool,
    // Whether to try turning it on: once per socket, never for an adopted
    // one, whose descriptor other code may also read.
    gro_wanted: bool,
    requests: Arc<SendRequests>,
    // `None`: the owner drives the socket.
    reactor: Option<ReactorTasks>,
}

impl std::fmt::Debug for Udp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Udp")
            .field("io", &self.io)
            .field("bound", &self.bound)
            .field("receiving", &self.receiving)
            .finish()
    }
}

/// The family of a socket's address: `AF_INET`, `AF_INET6`, or another's
/// own (`AF_UNIX`).
fn family_of_sockaddr(addr: &SockAddr) -> i32 {
    match addr.as_socket() {
        Some(SocketAddr::V6(_)) => AF_INET6,
        Some(SocketAddr::V4(_)) => AF_INET,
        None => i32::from(addr.family()),
    }
}

fn domain_of(family: i32) -> Result<Domain, UvError> {
    match family {
        AF_INET => Ok(Domain::IPV4),
        AF_INET6 => Ok(Domain::IPV6),
        _ => Err(EINVAL),
    }
}

fn family_of(addr: &SocketAddr) -> i32 {
    if addr.is_ipv4() {
        AF_INET
    } else {
        AF_INET6
    }
}

fn wildcard(family: i32) -> SocketAddr {
    if family == AF_INET6 {
        SocketAddr::new(IpAddr::V6(Ipv6Addr::UNSPECIFIED), 0)
    } else {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0)
    }
}

/// Readies a socket for the handle: non-blocking, shared with the tasks.
/// It is registered with the reactor only while a task needs it (see
/// [`crate::registration`]).
fn register(socket: Socket) -> Result<Arc<Socket>, UvError> {
    socket.set_nonblocking(true)?;
    owned_fds::insert(raw_fd(&socket));
    Ok(Arc::new(socket))
}

/// The descriptor as a number (a `SOCKET` on Windows).
fn raw_fd(socket: &Socket) -> i64 {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        i64::from(socket.as_raw_fd())
    }
    #[cfg(windows)]
    {
        use std::os::windows::io::AsRawSocket;
        socket.as_raw_socket() as i64
    }
}

/// Descriptors owned by live handles, process-wide, so that `open()` can
/// refuse one that a handle already owns.
mod owned_fds {
    use std::collections::HashSet;
    use std::sync::{Mutex, MutexGuard};

    static OWNED: Mutex<Option<HashSet<i64>>> = Mutex::new(None);

    fn set() -> MutexGuard<'static, Option<HashSet<i64>>> {
        OWNED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(super) fn insert(fd: i64) {
        set().get_or_insert_with(HashSet::new).insert(fd);
    }

    pub(super) fn remove(fd: i64) {
        if let Some(owned) = set().as_mut() {
            owned.remove(&fd);
        }
    }

    pub(super) fn contains(fd: i64) -> bool {
        set().as_ref().is_some_and(|owned| owned.contains(&fd))
    }
}

fn new_socket(family: i32) -> Result<Arc<Socket>, UvError> {
    let socket = Socket::new(domain_of(family)?, Type::DGRAM, Some(Protocol::UDP))?;
    // Linux delivers a group's datagrams to every socket bound to the port
    // unless this is off; a socket should only see the groups it joined.
    // Best effort: where the kernel (or an emulator: qemu-user, WSL 1) does
    // not know the option, the socket behaves as libuv's, which never sets it.
    #[cfg(target_os = "linux")]
    if family == AF_INET {
        match socket.set_multicast_all_v4(false) {
            Err(e) if e.raw_os_error() == Some(libc::ENOPROTOOPT) => {}
            other => other?,
        }
    }
    register(socket)
}

impl Udp {
    /// A handle driven by tasks on the reactor, reporting to `sink`, with a
    /// socket of `family` (`AF_INET`, `AF_INET6`), or with none yet for
    /// `AF_UNSPEC`. Any other family: `UV_EINVAL`.
    pub fn new(family: i32, sink: Arc<dyn EventSink>) -> Result<Udp, UvError> {
        Udp::with_driver(family, Some(ReactorTasks::new(sink)))
    }

    /// A handle its owner drives: nothing runs in the background; the owner
    /// watches [`Udp::fileno`] and calls [`Udp::read`] and [`Udp::drain`].
    pub fn new_polled(family: i32) -> Result<Udp, UvError> {
        Udp::with_driver(family, None)
    }

    fn with_driver(family: i32, reactor: Option<ReactorTasks>) -> Result<Udp, UvError> {
        let io = match family {
            AF_UNSPEC => None,
            _ => Some(new_socket(family)?),
        };
        Ok(Udp {
            io,
            family,
            bound: false,
            connected: false,
            closed: false,
            gso: Gso::default(),
            send_scratch: SendScratch::default(),
            receiving: false,
            gro_wanted: true,
            requests: Arc::default(),
            reactor,
        })
    }

    pub(crate) fn io(&self) -> Result<&Arc<Socket>, UvError> {
        self.io.as_ref().ok_or(EBADF)
    }

    pub(crate) fn sock_ref(&self) -> Result<SockRef<'_>, UvError> {
        Ok(SockRef::from(self.io()?.as_ref()))
    }

    /// The socket's family; `UV_EINVAL` before there is a socket.
    pub fn family(&self) -> Result<i32, UvError> {
        match self.io {
            Some(_) => Ok(self.family),
            None => Err(EINVAL),
        }
    }

    /// Takes an adopted socket, learning its family from its local address.
    fn adopt(&mut self, io: Arc<Socket>, bound: bool) {
        // An unbound socket still reports its family (address all zero). A
        // datagram socket of another family (AF_UNIX, which libuv adopts
        // too) reports its own, and sends without UDP GSO: the kernel would
        // ignore the segment size there and join a run into one datagram.
        self.family = io
            .local_addr()
            .ok()
            .as_ref()
            .map_or(AF_INET, family_of_sockaddr);
        if self.family != AF_INET && self.family != AF_INET6 {
            self.gso = Gso::off();
        }
        // A connected socket stays connected (libuv: UV_HANDLE_UDP_CONNECTED).
        self.connected = io.peer_addr().is_ok();
        self.io = Some(io);
        self.bound = bound;
        // Its options are its owner's to choose: GRO changes what every
        // reader of the descriptor gets (messages it must split).
        self.gro_wanted = false;
    }

    /// True once the socket has a local address (explicit or implicit bind, or
    /// an adopted bound socket).
    pub fn is_bound(&self) -> bool {
        self.bound
    }

    /// `bind(2)` with libuv's flags. On a handle without a socket, the socket
    /// is made for the address's family (and discarded again if bind fails).
    pub fn bind(&mut self, addr: SocketAddr, flags: u32) -> Result<(), UvError> {
        if flags & !BIND_FLAGS != 0 || (flags & UV_UDP_IPV6ONLY != 0 && addr.is_ipv4()) {
            return Err(EINVAL);
        }
        if self.closed {
            return Err(EBADF);
        }
        let family = family_of(&addr);
        let created = match &self.io {
            Some(_) if self.family()? != family => return Err(EINVAL),
            Some(_) => false,
            None => {
                self.io = Some(new_socket(family)?);
                self.family = family;
                true
            }
        };
        let result = self.bind_existing(addr, flags);
        if result.is_err() && created {
            if let Some(io) = self.io.take() {
                owned_fds::remove(raw_fd(&io));
            }
        }
        result
    }

    fn bind_existing(&mut self, addr: SocketAddr, flags: u32) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        if flags & UV_UDP_REUSEADDR != 0 {
            sock.set_reuse_address(true)?;
        }
        if flags & UV_UDP_REUSEPORT != 0 {
            set_reuse_port(&sock)?;
        }
        if flags & UV_UDP_IPV6ONLY != 0 {
            sock.set_only_v6(true)?;
        }
        sock.bind(&addr.into())?;
        self.bound = true;
        Ok(())
    }

    /// Adopts an open datagram socket; the handle owns it from then on.
    /// Not a socket: `UV_ENOTSOCK`; not open: `UV_EBADF`; not a datagram
    /// socket: `UV_EINVAL`; the handle already has a socket: `UV_EBUSY`;
    /// another handle owns the descriptor: `UV_EEXIST`.
    pub fn open(&mut self, fd: i32) -> Result<(), UvError> {
        self.open_checked(fd, |_, _| Ok(()))
    }

    /// [`Udp::open`], with `claim(fd, family)` asked after every check of
    /// the descriptor and before this handle changes it (`family` is the
    /// socket's: `AF_INET`, `AF_INET6`, or another, such as `AF_UNIX`): an
    /// error from it (a driver's "another watcher has this descriptor",
    /// `UV_EEXIST`; a caller's "IP sockets only") fails the open and leaves
    /// the descriptor to its owner as it was, if the claim changed nothing
    /// before refusing. A claim that succeeded may have changed it (the
    /// `'uv'` driver's `uv_poll_init` makes it non-blocking, as the open
    /// would), and must be undone by its caller if the open then fails.
    #[cfg(unix)]
    pub fn open_checked(
        &mut self,
        fd: i32,
        claim: impl FnOnce(i32, i32) -> Result<(), UvError>,
    ) -> Result<(), UvError> {
        use std::os::fd::{BorrowedFd, FromRawFd};
        if self.closed {
            return Err(EBADF);
        }
        if self.io.is_some() {
            return Err(EBUSY);
        }
        if fd < 0 {
            return Err(EBADF);
        }
        // SAFETY: fcntl(F_GETFD) only asks whether `fd` is open; it changes nothing.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: `fd` is open (checked above) and stays open for this
        // borrow, which ends before anything else can close it.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let probe = SockRef::from(&borrowed);
        let kind = probe.r#type()?;
        if kind != Type::DGRAM {
            return Err(EINVAL);
        }
        let local = probe.local_addr()?;
        let bound = local.as_socket().is_some_and(|a| a.port() != 0);
        // Another live handle owns this descriptor: adopting it too would let
        // one handle close the other's socket (libuv: UV_EEXIST).
        if owned_fds::contains(i64::from(fd)) {
            return Err(EEXIST);
        }
        claim(fd, family_of_sockaddr(&local))?;
        // Everything that can fail is done before ownership is taken, so a
        // failed open() leaves the caller's descriptor open and theirs.
        probe.set_nonblocking(true)?;
        // As uv_udp_open: "keep backward compatibility, always set REUSEADDR".
        probe.set_reuse_address(true)?;
        // SAFETY: `fd` is an open datagram socket (checked above) and the API
        // contract hands its ownership to this handle, which closes it once.
        let socket = unsafe { Socket::from_raw_fd(fd) };
        self.adopt(register(socket)?, bound);
        Ok(())
    }

    /// Windows: `fd` is a `SOCKET` (a handle value; the API passes it as a
    /// number, as `fileno()` returns it). As in libuv's `uv_udp_open` there,
    /// a value that is not an open socket is `UV_ENOTSOCK` (WSAENOTSOCK: Winsock
    /// cannot tell a closed handle from a non-socket one); negative is
    /// `UV_EBADF`; an unbound socket is fine (`getsockname` fails on it,
    /// which only means "not bound").
    #[cfg(windows)]
    pub fn open_checked(
        &mut self,
        fd: i32,
        claim: impl FnOnce(i32, i32) -> Result<(), UvError>,
    ) -> Result<(), UvError> {
        use std::os::windows::io::{BorrowedSocket, FromRawSocket, RawSocket};
        if self.closed {
            return Err(EBADF);
        }
        if self.io.is_some() {
            return Err(EBUSY);
        }
        let raw = RawSocket::try_from(fd).map_err(|_| EBADF)?;
        // SAFETY: a non-negative i32 is never INVALID_SOCKET, and the borrow
        // ends before anything else can close the socket. A value that is no
        // socket only makes the getsockopt below fail with WSAENOTSOCK.
        let borrowed = unsafe { BorrowedSocket::borrow_raw(raw) };
        let probe = SockRef::from(&borrowed);
        let kind = probe.r#type()?;
        if kind != Type::DGRAM {
            return Err(EINVAL);
        }
        let local = probe.local_addr().ok();
        let bound = local
            .as_ref()
            .and_then(|local| local.as_socket())
            .is_some_and(|a| a.port() != 0);
        if owned_fds::contains(raw as i64) {
            return Err(EEXIST);
        }
        // Unbound, Winsock reports no address: IP datagram sockets are the
        // only ones there, the family read once bound.
        claim(fd, local.as_ref().map_or(AF_INET, family_of_sockaddr))?;
        // As on Unix: everything that can fail comes before ownership is taken.
        probe.set_nonblocking(true)?;
        probe.set_reuse_address(true)?;
        // SAFETY: `raw` is an open datagram socket (checked above) and the API
        // contract hands its ownership to this handle, which closes it once.
        let socket = unsafe { Socket::from_raw_socket(raw) };
        self.adopt(register(socket)?, bound);
        Ok(())
    }

    /// The socket's address as the kernel reports it: for a socket made
    /// (or adopted) but not bound, the wildcard with port 0, as libuv and
    /// pyuv report it. `UV_EINVAL` before there is a socket.
    pub fn local_addr(&self) -> Result<SocketAddr, UvError> {
        let io = self.io.as_ref().ok_or(EINVAL)?;
        io.local_addr()?.as_socket().ok_or(EINVAL)
    }

    /// The socket's descriptor; `UV_EBADF` before there is a socket.
    #[cfg(unix)]
    pub fn fileno(&self) -> Result<i64, UvError> {
        use std::os::fd::AsRawFd;
        Ok(i64::from(self.io()?.as_raw_fd()))
    }

    /// Windows: the `SOCKET` handle value, as libuv's `uv_fileno` gives it
    /// (what `open()` takes back). Handle values are small multiples of 4,
    /// far below 2^53, so the number the API returns is exact.
    #[cfg(windows)]
    pub fn fileno(&self) -> Result<i64, UvError> {
        use std::os::windows::io::AsRawSocket;
        Ok(self.io()?.as_raw_socket() as i64)
    }

    /// Makes sure there is a socket before a send, a receive or a join, the
    /// way libuv's `uv__udp_maybe_deferred_bind` does: a handle without one
    /// gets a socket bound to the wildcard of `family`, port 0. A socket that
    /// exists is left as it is, bound or not (the kernel binds it on the
    /// first send; a receive or a join on it binds nothing).
    pub fn ensure_bound(&mut self, family: i32, flags: u32) -> Result<(), UvError> {
        if self.bound || self.io.is_some() {
            return Ok(());
        }
        if self.closed {
            return Err(EBADF);
        }
        self.bind(wildcard(family), flags)
    }

    /// Where a send goes: `None` on a connected socket (which refuses an
    /// explicit address with `UV_EISCONN`); an unconnected one needs an
    /// address (`UV_EDESTADDRREQ`), bound first if need be.
    fn destination(&mut self, dest: Option<SocketAddr>) -> Result<Option<SocketAddr>, UvError> {
        match (self.connected, dest) {
            (true, Some(_)) => Err(EISCONN),
            (true, None) => Ok(None),
            (false, None) => Err(EDESTADDRREQ),
            (false, Some(dest)) => self.peer_for_socket(dest).map(Some),
        }
    }

    /// The address as this socket must see it: an IPv4 address becomes
    /// v4-mapped on an IPv6 socket; an IPv6 address on an IPv4 socket is
    /// `UV_EAFNOSUPPORT`, what the kernel answers libuv's sendmsg with.
    fn peer_for_socket(&mut self, dest: SocketAddr) -> Result<SocketAddr, UvError> {
        self.ensure_bound(family_of(&dest), 0)?;
        match (self.family()?, dest) {
            (AF_INET6, SocketAddr::V4(v4)) => Ok(SocketAddr::V6(SocketAddrV6::new(
                v4.ip().to_ipv6_mapped(),
                v4.port(),
                0,
                0,
            ))),
            (AF_INET, SocketAddr::V6(_)) => Err(EAFNOSUPPORT),
            _ => Ok(dest),
        }
    }

    /// Sends now or not at all: the bytes sent, or `UV_EAGAIN`, which is
    /// also the answer while any send's outcome has not been taken (libuv:
    /// `send_queue_count > 0`). `dest` is `None` on a connected socket.
    pub fn try_send(&mut self, dest: Option<SocketAddr>, data: &[u8]) -> Result<usize, UvError> {
        let dest = self.destination(dest)?;
        if self.requests.count() > 0 {
            return Err(crate::error::EAGAIN);
        }
        Ok(send_now(self.io()?, dest, data)?)
    }

    /// Sends `messages` in order until one would block (sendmmsg where the OS
    /// has it); returns how many were sent. When not even the first could be
    /// sent, its error (`UV_EAGAIN` when it would block, or while sends are
    /// queued). Each address is checked (and the handle bound) first; a
    /// message whose address cannot be sent to (`UV_EAFNOSUPPORT`,
    /// `UV_EISCONN`, `UV_EDESTADDRREQ`) ends the run before it, as a
    /// message the kernel refuses does: the ones before it are sent, and
    /// its error is thrown only when it is the first.
    pub fn try_send_many(&mut self, messages: &mut [Message<'_>]) -> Result<usize, UvError> {
        // A run of messages to one destination (the usual burst) checks it
        // once: after the first check binds the handle, the answer for an
        // address does not change within the call.
        let mut last: Option<(Option<SocketAddr>, Option<SocketAddr>)> = None;
        let mut usable = messages.len();
        for (i, (dest, _)) in messages.iter_mut().enumerate() {
            let checked = match last {
                Some((given, checked)) if given == *dest => checked,
                _ => match self.destination(*dest) {
                    Ok(checked) => checked,
                    Err(error) if i == 0 => return Err(error),
                    Err(_) => {
                        usable = i;
                        break;
                    }
                },
            };
            last = Some((*dest, checked));
            *dest = checked;
        }
        if self.requests.count() > 0 {
            return Err(crate::error::EAGAIN);
        }
        if usable == 0 {
            return Ok(0);
        }
        let io = Arc::clone(self.io()?);
        Ok(send_many(
            &SockRef::from(io.as_ref()),
            &messages[..usable],
            &mut self.gso,
            &mut self.send_scratch,
        )?)
    }

    /// Turns UDP GSO off for [`Udp::try_send_many`]: every datagram is then
    /// its own buffer, checked against the send buffer on its own as
    /// one-by-one sends are, so the kernel refuses (`EAGAIN`) where they
    /// would queue. A GSO buffer is checked once for all its datagrams, which
    /// lets a burst past the send buffer into a byte-limited queue (a tbf
    /// qdisc) that drops the excess; uv-udp/dgram, whose sends keep
    /// node:dgram's back-pressure, sends without it.
    pub fn disable_gso(&mut self) {
        self.gso = Gso::off();
    }

    /// libuv's send: tried at once unless sends are queued; queued (copied)
    /// when the socket would block. Errors about the destination are returned;
    /// errors of the send itself come back as [`SendOutcome::Failed`]. Either
    /// way the send is a request until its outcome is taken
    /// ([`Udp::take_completed`]), or, without a callback, until the driver
    /// retires it ([`Udp::retire_silent`]). `dest` is `None` on a connected socket.
    pub fn send(
        &mut self,
        dest: Option<SocketAddr>,
        data: &[u8],
        has_callback: bool,
    ) -> Result<SendOutcome, UvError> {
        let dest = match self.destination(dest) {
            Err(error) if error == EAFNOSUPPORT => {
                return Ok(self.failed_send(data.len(), error, has_callback))
            }
            other => other?,
        };
        if !self.requests.has_unsent() {
            match send_now(self.io()?, dest, data) {
                Ok(n) => {
                    self.requests.push_done(data.len(), 0, has_callback);
                    return Ok(SendOutcome::Sent(n));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    let error = UvError::from_io(&e);
                    self.requests
                        .push_done(data.len(), error.code, has_callback);
                    return Ok(SendOutcome::Failed(error));
                }
            }
        }
        let io = Arc::clone(self.io()?);
        let start_drain = self.requests.push_queued(
            Datagram {
                dest,
                data: data.to_vec(),
            },
            has_callback,
        );
        if start_drain {
            if let Some(reactor) = &mut self.reactor {
                if let Err(error) = reactor.start_drain(&io, &self.requests) {
                    // Nothing would ever drain the queue: its requests (this
                    // one alone, as it was empty) fail now, and the next send
                    // tries again.
                    self.requests.fail_unsent(error.code);
                    return Ok(SendOutcome::Failed(error));
                }
            }
        }
        Ok(SendOutcome::Queued { start_drain })
    }

    /// A send that failed before reaching the socket, as libuv reports a
    /// failed sendmsg: a request whose outcome is `error` (its callback gets
    /// it, in order with the others).
    fn failed_send(&self, size: usize, error: UvError, has_callback: bool) -> SendOutcome {
        self.requests.push_done(size, error.code, has_callback);
        SendOutcome::Failed(error)
    }

    /// For an owner that drives the socket: sends waiting requests until the
    /// socket would block. The owner stops watching for writability once
    /// [`Drained::unsent`] is 0.
    pub fn drain(&self) -> Drained {
        match &self.io {
            Some(io) => self.requests.drain(|d| send_now(io, d.dest, &d.data)),
            None => Drained {
                completed: 0,
                unsent: 0,
            },
        }
    }

    /// Gives every send still waiting for the socket the outcome `code`, for
    /// an owner that cannot watch the socket; returns how many.
    pub fn fail_unsent(&self, code: i32) -> usize {
        self.requests.fail_unsent(code)
    }

    /// True while a send waits for the socket to become writable.
    pub fn has_unsent(&self) -> bool {
        self.requests.has_unsent()
    }

    /// Retires the known outcomes of sends, oldest first; those of sends
    /// with a callback go into `out` as (outcome, size) pairs
    /// ([`SendRequests::take_completed`]); returns how many.
    pub fn take_completed(&self, out: &mut [i32]) -> usize {
        self.requests.take_completed(out)
    }

    /// Retires known outcomes of sends without a callback; true when a send
    /// with a callback has a known outcome for [`Udp::take_completed`].
    pub fn retire_silent(&self) -> bool {
        self.requests.retire_silent()
    }

    /// Sends whose outcome has not been taken (libuv's `send_queue_count`).
    pub fn send_queue_count(&self) -> usize {
        self.requests.count()
    }

    /// Their bytes (libuv's `send_queue_size`).
    pub fn send_queue_size(&self) -> usize {
        self.requests.bytes()
    }

    /// libuv's `uv_is_active`: receiving, or sends whose outcome has not been taken.
    pub fn is_active(&self) -> bool {
        self.activity().active
    }

    /// What a driver watches for and keeps alive, read at once.
    pub fn activity(&self) -> Activity {
        let (count, unsent) = self.requests.pending();
        Activity {
            active: self.io.is_some() && (self.receiving || count > 0),
            receiving: self.receiving,
            sending: self.io.is_some() && count > 0,
            unsent,
        }
    }

    /// libuv's `uv_udp_connect`: `Some` connects (`UV_EISCONN` when already
    /// connected), `None` disconnects (`UV_ENOTCONN` when not connected).
    pub fn connect(&mut self, peer: Option<SocketAddr>) -> Result<(), UvError> {
        match (self.connected, peer) {
            (true, Some(_)) => Err(EISCONN),
            (false, None) => Err(ENOTCONN),
            (false, Some(peer)) => {
                let peer = self.peer_for_socket(peer)?;
                self.sock_ref()?.connect(&peer.into())?;
                self.connected = true;
                Ok(())
            }
            (true, None) => {
                disconnect(&self.sock_ref()?)?;
                self.connected = false;
                Ok(())
            }
        }
    }

    /// The connected peer; `UV_ENOTCONN` when not connected.
    pub fn peer_addr(&self) -> Result<SocketAddr, UvError> {
        if !self.connected {
            return Err(ENOTCONN);
        }
        self.io()?.peer_addr()?.as_socket().ok_or(ENOTCONN)
    }

    /// Starts receiving; `UV_EALREADY` when receiving. An unbound handle
    /// binds to `0.0.0.0:0` (or the socket's own wildcard) first. With
    /// `pktinfo`, each datagram also reports its destination address and
    /// interface ([`crate::recv_batch::RecvMeta::local`]). A reactor-driven
    /// handle starts its receive task; an owner-driven one now watches for
    /// readability and calls [`Udp::read`].
    pub fn start_recv(&mut self, pktinfo: bool) -> Result<(), UvError> {
        if self.receiving {
            return Err(EALREADY);
        }
        self.ensure_bound(AF_INET, 0)?;
        let family = self.family()?;
        let sock = self.sock_ref()?;
        if family == AF_INET || family == AF_INET6 {
            set_packet_info(&sock, family == AF_INET6, pktinfo)
        } else {
            // An adopted AF_UNIX socket: no IP options; pktinfo refused.
            crate::recv_batch::set_packet_info_unsupported(&sock, false, pktinfo)
        }
        .map_err(|e| UvError::from_io(&e))?;
        let io = Arc::clone(self.io()?);
        if self.reactor.is_some() {
            // The reactor's reads are delivered to JS within a time budget
            // per turn whatever their size, so it can always take GRO.
            self.enable_gro();
        }
        if let Some(reactor) = &mut self.reactor {
            reactor.start_recv(&io)?;
        }
        self.receiving = true;
        Ok(())
    }

    /// Turns UDP GRO on for the socket, where the kernel has it (Linux 5.0
    /// and later) and [`gro_allowed`]. Tried
    /// once per socket (a kernel without it is not asked again), never for
    /// an adopted socket (`open`). Never turned off again: a message
    /// coalesced before the switch would arrive after it without its segment
    /// size and be read as one datagram. Every read of this crate splits
    /// coalesced messages, whoever turned GRO on.
    pub fn enable_gro(&mut self) {
        if !self.gro_wanted() {
            return;
        }
        if let Some(io) = &self.io {
            self.gro_wanted = false;
            // Refused (an old kernel, not Linux): the socket reads as before.
            let _ = set_gro(io);
        }
    }

    /// False once GRO was tried (on or refused), for an adopted socket, or
    /// with `UV_UDP_GRO=0`.
    pub fn gro_wanted(&self) -> bool {
        self.gro_wanted && gro_allowed()
    }

    /// Stops receiving. Datagrams already read stay with the owner; the rest
    /// stay in the kernel.
    pub fn stop_recv(&mut self) {
        if let Some(reactor) = &mut self.reactor {
            reactor.stop_recv();
        }
        self.receiving = false;
    }

    /// True between `start_recv` and `stop_recv` (or `close`).
    pub fn is_receiving(&self) -> bool {
        self.receiving
    }

    /// For an owner that drives the socket: reads up to `max` datagrams into
    /// `reader` without blocking (`WouldBlock` when there is none).
    pub fn read(&self, reader: &mut Reader, max: usize) -> std::io::Result<usize> {
        match &self.io {
            Some(io) => reader.read(io, max),
            None => Err(std::io::Error::from_raw_os_error(libc::EBADF)),
        }
    }

    /// Takes the socket's pending error (`SO_ERROR`), as libuv does when
    /// poll reports POLLERR.
    pub fn take_error(&self) -> Option<UvError> {
        let io = self.io.as_ref()?;
        match io.take_error() {
            Ok(Some(error)) => Some(UvError::from_io(&error)),
            Ok(None) => None,
            Err(error) => Some(UvError::from_io(&error)),
        }
    }

    /// Datagrams dropped because the owner fell behind the bounded receive
    /// queue (reactor driver only; an owner-driven socket leaves what it
    /// cannot take in the kernel).
    pub fn recv_dropped(&self) -> u64 {
        self.reactor
            .as_ref()
            .map_or(0, |reactor| reactor.receive_queue.dropped())
    }

    /// Gives back the place of a received batch the owner is done with
    /// (see [`crate::recv_queue::QueueSlot::into_counts`]).
    pub fn release_received(&self, datagrams: usize, bytes: usize) {
        if let Some(reactor) = &self.reactor {
            reactor.receive_queue.release(datagrams, bytes);
        }
    }

    /// Stops everything and closes the socket; returns how many waiting sends
    /// were cancelled (their outcome is `UV_ECANCELED`; sends the kernel took
    /// keep theirs). As with libuv, the descriptor is closed when this
    /// returns: aborted reactor tasks are waited for, since they hold the socket.
    pub fn close(&mut self) -> usize {
        self.receiving = false;
        let cancelled = self.requests.cancel_unsent();
        let io = self.io.take();
        // Forgotten before the descriptor is closed, so a new socket that
        // gets the number again can be adopted.
        if let Some(io) = &io {
            owned_fds::remove(raw_fd(io));
        }
        if let Some(reactor) = &mut self.reactor {
            reactor.close();
        }
        drop(io);
        self.bound = false;
        self.connected = false;
        self.closed = true;
        cancelled
    }

    /// True once [`Udp::close`] ran.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// False once [`Udp::close`] ran, or before a socket exists.
    pub fn has_socket(&self) -> bool {
        self.io.is_some()
    }
}

impl Drop for Udp {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(unix)]
fn set_reuse_port(sock: &SockRef<'_>) -> Result<(), UvError> {
    Ok(sock.set_reuse_port(true)?)
}

#[cfg(not(unix))]
fn set_reuse_port(_sock: &SockRef<'_>) -> Result<(), UvError> {
    Err(crate::error::ENOTSUP)
}

/// Dissolves a UDP association: `connect` to an all-zero address, whose
/// family is `AF_UNSPEC` (0) everywhere, as libuv's `uv__udp_disconnect`
/// does. Some BSDs answer `EAFNOSUPPORT` while doing it, which is success.
fn disconnect(sock: &SockRef<'_>) -> Result<(), UvError> {
    // The size of a plain `struct sockaddr` (16 on every platform).
    const SOCKADDR_LEN: u32 = 16;
    // SAFETY: a zeroed storage is a valid address of family 0 (AF_UNSPEC);
    // the length stays within the storage.
    let unspec = unsafe { SockAddr::new(SockAddrStorage::zeroed(), SOCKADDR_LEN as _) };
    match sock.connect(&unspec) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::Unsupported => Ok(()),
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
