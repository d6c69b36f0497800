//! libuv's flag values and the platform's address families, as the API exposes them.

/// `UV_UDP_IPV6ONLY`: bind an IPv6 socket without dual-stack.
pub const UV_UDP_IPV6ONLY: u32 = 1;
/// `UV_UDP_PARTIAL`: a received datagram was truncated.
pub const UV_UDP_PARTIAL: u32 = 2;
/// `UV_UDP_REUSEADDR`: SO_REUSEADDR before bind.
pub const UV_UDP_REUSEADDR: u32 = 4;
/// `UV_UDP_REUSEPORT`: SO_REUSEPORT before bind (load-balancing on Linux).
pub const UV_UDP_REUSEPORT: u32 = 64;
/// Every flag `bind` accepts.
pub const BIND_FLAGS: u32 = UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT;

/// `UV_JOIN_GROUP`.
pub const UV_JOIN_GROUP: u32 = 1;
/// `UV_LEAVE_GROUP`.
pub const UV_LEAVE_GROUP: u32 = 0;

/// The platform's `AF_UNSPEC`.
pub const AF_UNSPEC: i32 = 0;
/// The platform's `AF_INET`.
pub const AF_INET: i32 = 2;
/// The platform's `AF_INET6`: Linux 10, the BSDs and macOS 30, Windows 23
/// (the libc crate does not define these for Windows).
#[cfg(unix)]
pub const AF_INET6: i32 = libc::AF_INET6;
/// The platform's `AF_INET6` (Windows' ws2def.h).
#[cfg(windows)]
pub const AF_INET6: i32 = 23;

#[cfg(unix)]
const _: () = assert!(AF_UNSPEC == libc::AF_UNSPEC && AF_INET == libc::AF_INET);
