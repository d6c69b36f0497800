//! libuv's error codes.
//!
//! libuv reports a failure as a negative integer and names it with
//! `uv_err_name`/`uv_strerror`. pyuv hands those numbers, names and messages
//! straight to its users, so this module reproduces libuv's table exactly:
//! the same names, the same messages, in the same order as `UV_ERRNO_MAP` in
//! libuv's `include/uv.h`, with the values libuv's `include/uv/errno.h` gives
//! them on the platform being compiled for.
//!
//! Where the values come from:
//! - On Unix a code is the negated `errno` (from the `libc` crate, so Linux,
//!   macOS and the BSDs each get their own numbering). An errno that a libc
//!   lacks gets libuv's private fallback, e.g. `ENONET` on macOS is -4056.
//! - On Windows every code is one of libuv's own numbers (-4095 ... -4022),
//!   because libuv deliberately ignores the C runtime's errno values there.
//! - The `EAI_*` codes (-3000 ... -3014), `UNKNOWN` (-4094) and `EOF` (-4095)
//!   are the same everywhere.

use std::fmt;
use std::io;

/// A libuv error: the negative code and the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UvError {
    /// The negative libuv code, e.g. `-98` for `EADDRINUSE` on Linux.
    pub code: i32,
    /// libuv's name without the `UV_` prefix, e.g. `"EADDRINUSE"`.
    pub name: &'static str,
}

/// What `message` says for a code libuv has no entry for. libuv itself would
/// format "Unknown system error <n>", which needs an allocation; a fixed text
/// keeps `message` returning `&'static str`.
const UNKNOWN_MESSAGE: &str = "unknown error";

impl UvError {
    /// Makes an error from a code and a name without checking them against
    /// the table; use [`UvError::from_code`] to look a code up instead.
    pub const fn new(code: i32, name: &'static str) -> Self {
        Self { code, name }
    }

    /// libuv's `uv_strerror` text, e.g. `"address already in use"`.
    ///
    /// The text is looked up by `code`. A code that is not in [`all`] (only
    /// possible for an error built by hand with [`UvError::new`]) reads
    /// `"unknown error"`.
    pub fn message(&self) -> &'static str {
        entry(self.code).map_or(UNKNOWN_MESSAGE, |&(_, _, message)| message)
    }

    /// Looks an error up by its code; `None` if the code is not a libuv code
    /// on this platform.
    pub fn from_code(code: i32) -> Option<Self> {
        entry(code).map(|&(name, code, _)| Self::new(code, name))
    }

    /// Maps an `io::Error` to libuv's code the way libuv does.
    ///
    /// In order:
    /// 1. An `io::Error` that wraps a `UvError` (e.g. made with
    ///    `io::Error::other(uv_error)`) gives that error back unchanged.
    /// 2. An error that carries an OS error number is translated like libuv
    ///    translates it. On Unix that is `-errno`; an errno libuv has no name
    ///    for (e.g. `ECHILD`, or `EOPNOTSUPP` where it differs from
    ///    `ENOTSUP`) becomes [`UNKNOWN`], because a `UvError` needs a name.
    ///    On Windows it goes through libuv's `uv_translate_sys_error` table,
    ///    which sends anything it does not list to [`UNKNOWN`] as well.
    /// 3. An error that only has an `io::ErrorKind` (as tokio makes for
    ///    `WouldBlock`, or std for `InvalidInput`) maps to the libuv code with
    ///    the same meaning: `WouldBlock` is [`EAGAIN`], `InvalidInput` is
    ///    [`EINVAL`], `UnexpectedEof` is [`EOF`], `TimedOut` is
    ///    [`ETIMEDOUT`], and so on. A kind without a one-to-one libuv
    ///    counterpart (`Other`, `InvalidData`, `WriteZero`, ...) is
    ///    [`UNKNOWN`].
    ///
    /// It never allocates.
    pub fn from_io(err: &io::Error) -> Self {
        if let Some(wrapped) = err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<UvError>())
        {
            return *wrapped;
        }
        match err.raw_os_error() {
            Some(raw) => from_raw_os_error(raw),
            None => from_kind(err.kind()),
        }
    }
}

impl fmt::Display for UvError {
    /// Name and message, e.g. `EADDRINUSE: address already in use`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message())
    }
}

impl std::error::Error for UvError {}

impl From<io::Error> for UvError {
    fn from(err: io::Error) -> Self {
        Self::from_io(&err)
    }
}

/// Every libuv error code with this platform's value, libuv's name (without
/// `UV_`) and libuv's message, in libuv's order (the `UV_ERRNO_MAP` order of
/// `uv.h`).
pub fn all() -> &'static [(&'static str, i32, &'static str)] {
    TABLE
}

fn entry(code: i32) -> Option<&'static (&'static str, i32, &'static str)> {
    TABLE.iter().find(|&&(_, value, _)| value == code)
}

#[cfg(unix)]
fn from_raw_os_error(errno: i32) -> UvError {
    // checked_neg: a hand-made io::Error can carry i32::MIN.
    errno
        .checked_neg()
        .filter(|&code| code < 0)
        .and_then(UvError::from_code)
        .unwrap_or(UNKNOWN)
}

#[cfg(windows)]
fn from_raw_os_error(raw: i32) -> UvError {
    UvError::from_code(win::translate_sys_error(raw)).unwrap_or(UNKNOWN)
}

fn from_kind(kind: io::ErrorKind) -> UvError {
    use io::ErrorKind as K;
    match kind {
        K::WouldBlock => EAGAIN,
        K::InvalidInput => EINVAL,
        K::Interrupted => EINTR,
        K::TimedOut => ETIMEDOUT,
        K::UnexpectedEof => EOF,
        K::NotFound => ENOENT,
        K::PermissionDenied => EACCES,
        K::AlreadyExists => EEXIST,
        K::AddrInUse => EADDRINUSE,
        K::AddrNotAvailable => EADDRNOTAVAIL,
        K::ConnectionRefused => ECONNREFUSED,
        K::ConnectionReset => ECONNRESET,
        K::ConnectionAborted => ECONNABORTED,
        K::NotConnected => ENOTCONN,
        K::BrokenPipe => EPIPE,
        K::HostUnreachable => EHOSTUNREACH,
        K::NetworkUnreachable => ENETUNREACH,
        K::NetworkDown => ENETDOWN,
        K::OutOfMemory => ENOMEM,
        K::Unsupported => ENOTSUP,
        K::NotADirectory => ENOTDIR,
        K::IsADirectory => EISDIR,
        K::DirectoryNotEmpty => ENOTEMPTY,
        K::ReadOnlyFilesystem => EROFS,
        K::StorageFull => ENOSPC,
        K::NotSeekable => ESPIPE,
        K::FileTooLarge => EFBIG,
        K::ResourceBusy => EBUSY,
        K::ExecutableFileBusy => ETXTBSY,
        K::CrossesDevices => EXDEV,
        K::TooManyLinks => EMLINK,
        K::ArgumentListTooLong => E2BIG,
        _ => UNKNOWN,
    }
}

/// One line per `UV_ERRNO_MAP` entry makes the constants and the table, so
/// the two cannot drift apart.
macro_rules! uv_errno_map {
    ($(($name:ident, $message:literal)),* $(,)?) => {
        $(
            #[doc = concat!("`UV_", stringify!($name), "`: ", $message, ".")]
            pub const $name: UvError = UvError::new(sys::$name, stringify!($name));
        )*

        static TABLE: &[(&str, i32, &str)] = &[$((stringify!($name), sys::$name, $message)),*];

        /// libuv's Windows values for every entry, so that Linux tests can
        /// check the Windows numbering too.
        #[cfg(test)]
        static WINDOWS_TABLE: &[(&str, i32)] = &[$((stringify!($name), win::$name)),*];
    };
}

// libuv 1.5x, include/uv.h. The order is libuv's, not alphabetical.
uv_errno_map! {
    (E2BIG, "argument list too long"),
    (EACCES, "permission denied"),
    (EADDRINUSE, "address already in use"),
    (EADDRNOTAVAIL, "address not available"),
    (EAFNOSUPPORT, "address family not supported"),
    (EAGAIN, "resource temporarily unavailable"),
    (EAI_ADDRFAMILY, "address family not supported"),
    (EAI_AGAIN, "temporary failure"),
    (EAI_BADFLAGS, "bad ai_flags value"),
    (EAI_BADHINTS, "invalid value for hints"),
    (EAI_CANCELED, "request canceled"),
    (EAI_FAIL, "permanent failure"),
    (EAI_FAMILY, "ai_family not supported"),
    (EAI_MEMORY, "out of memory"),
    (EAI_NODATA, "no address"),
    (EAI_NONAME, "unknown node or service"),
    (EAI_OVERFLOW, "argument buffer overflow"),
    (EAI_PROTOCOL, "resolved protocol is unknown"),
    (EAI_SERVICE, "service not available for socket type"),
    (EAI_SOCKTYPE, "socket type not supported"),
    (EALREADY, "connection already in progress"),
    (EBADF, "bad file descriptor"),
    (EBUSY, "resource busy or locked"),
    (ECANCELED, "operation canceled"),
    (ECHARSET, "invalid Unicode character"),
    (ECONNABORTED, "software caused connection abort"),
    (ECONNREFUSED, "connection refused"),
    (ECONNRESET, "connection reset by peer"),
    (EDESTADDRREQ, "destination address required"),
    (EEXIST, "file already exists"),
    (EFAULT, "bad address in system call argument"),
    (EFBIG, "file too large"),
    (EHOSTUNREACH, "host is unreachable"),
    (EINTR, "interrupted system call"),
    (EINVAL, "invalid argument"),
    (EIO, "i/o error"),
    (EISCONN, "socket is already connected"),
    (EISDIR, "illegal operation on a directory"),
    (ELOOP, "too many symbolic links encountered"),
    (EMFILE, "too many open files"),
    (EMSGSIZE, "message too long"),
    (ENAMETOOLONG, "name too long"),
    (ENETDOWN, "network is down"),
    (ENETUNREACH, "network is unreachable"),
    (ENFILE, "file table overflow"),
    (ENOBUFS, "no buffer space available"),
    (ENODEV, "no such device"),
    (ENOENT, "no such file or directory"),
    (ENOMEM, "not enough memory"),
    (ENONET, "machine is not on the network"),
    (ENOPROTOOPT, "protocol not available"),
    (ENOSPC, "no space left on device"),
    (ENOSYS, "function not implemented"),
    (ENOTCONN, "socket is not connected"),
    (ENOTDIR, "not a directory"),
    (ENOTEMPTY, "directory not empty"),
    (ENOTSOCK, "socket operation on non-socket"),
    (ENOTSUP, "operation not supported on socket"),
    (EOVERFLOW, "value too large for defined data type"),
    (EPERM, "operation not permitted"),
    (EPIPE, "broken pipe"),
    (EPROTO, "protocol error"),
    (EPROTONOSUPPORT, "protocol not supported"),
    (EPROTOTYPE, "protocol wrong type for socket"),
    (ERANGE, "result too large"),
    (EROFS, "read-only file system"),
    (ESHUTDOWN, "cannot send after transport endpoint shutdown"),
    (ESPIPE, "invalid seek"),
    (ESRCH, "no such process"),
    (ETIMEDOUT, "connection timed out"),
    (ETXTBSY, "text file is busy"),
    (EXDEV, "cross-device link not permitted"),
    (UNKNOWN, "unknown error"),
    (EOF, "end of file"),
    (ENXIO, "no such device or address"),
    (EMLINK, "too many links"),
    (EHOSTDOWN, "host is down"),
    (EREMOTEIO, "remote I/O error"),
    (ENOTTY, "inappropriate ioctl for device"),
    (EFTYPE, "inappropriate file type or format"),
    (EILSEQ, "illegal byte sequence"),
    (ESOCKTNOSUPPORT, "socket type not supported"),
    (ENODATA, "no data available"),
    (EUNATCH, "protocol driver not attached"),
    (ENOEXEC, "exec format error"),
}

#[cfg(unix)]
use self::unix as sys;
#[cfg(windows)]
use self::win as sys;

/// Codes that are libuv's own numbers on every platform.
mod common {
    pub const EAI_ADDRFAMILY: i32 = -3000;
    pub const EAI_AGAIN: i32 = -3001;
    pub const EAI_BADFLAGS: i32 = -3002;
    pub const EAI_CANCELED: i32 = -3003;
    pub const EAI_FAIL: i32 = -3004;
    pub const EAI_FAMILY: i32 = -3005;
    pub const EAI_MEMORY: i32 = -3006;
    pub const EAI_NODATA: i32 = -3007;
    pub const EAI_NONAME: i32 = -3008;
    pub const EAI_OVERFLOW: i32 = -3009;
    pub const EAI_SERVICE: i32 = -3010;
    pub const EAI_SOCKTYPE: i32 = -3011;
    // -3012 was never assigned.
    pub const EAI_BADHINTS: i32 = -3013;
    pub const EAI_PROTOCOL: i32 = -3014;

    pub const UNKNOWN: i32 = -4094;
    pub const EOF: i32 = -4095;
    // No libc defines ECHARSET, so libuv's fallback is what every platform uses.
    pub const ECHARSET: i32 = -4080;
}

/// libuv's Unix values: `UV__ERR(errno)`, or libuv's fallback where the libc
/// has no such errno.
#[cfg(unix)]
mod unix {
    pub use super::common::*;
    pub use platform::*;

    pub const E2BIG: i32 = -libc::E2BIG;
    pub const EACCES: i32 = -libc::EACCES;
    pub const EADDRINUSE: i32 = -libc::EADDRINUSE;
    pub const EADDRNOTAVAIL: i32 = -libc::EADDRNOTAVAIL;
    pub const EAFNOSUPPORT: i32 = -libc::EAFNOSUPPORT;
    pub const EAGAIN: i32 = -libc::EAGAIN;
    pub const EALREADY: i32 = -libc::EALREADY;
    pub const EBADF: i32 = -libc::EBADF;
    pub const EBUSY: i32 = -libc::EBUSY;
    pub const ECANCELED: i32 = -libc::ECANCELED;
    pub const ECONNABORTED: i32 = -libc::ECONNABORTED;
    pub const ECONNREFUSED: i32 = -libc::ECONNREFUSED;
    pub const ECONNRESET: i32 = -libc::ECONNRESET;
    pub const EDESTADDRREQ: i32 = -libc::EDESTADDRREQ;
    pub const EEXIST: i32 = -libc::EEXIST;
    pub const EFAULT: i32 = -libc::EFAULT;
    pub const EFBIG: i32 = -libc::EFBIG;
    pub const EHOSTUNREACH: i32 = -libc::EHOSTUNREACH;
    pub const EINTR: i32 = -libc::EINTR;
    pub const EINVAL: i32 = -libc::EINVAL;
    pub const EIO: i32 = -libc::EIO;
    pub const EISCONN: i32 = -libc::EISCONN;
    pub const EISDIR: i32 = -libc::EISDIR;
    pub const ELOOP: i32 = -libc::ELOOP;
    pub const EMFILE: i32 = -libc::EMFILE;
    pub const EMSGSIZE: i32 = -libc::EMSGSIZE;
    pub const ENAMETOOLONG: i32 = -libc::ENAMETOOLONG;
    pub const ENETDOWN: i32 = -libc::ENETDOWN;
    pub const ENETUNREACH: i32 = -libc::ENETUNREACH;
    pub const ENFILE: i32 = -libc::ENFILE;
    pub const ENOBUFS: i32 = -libc::ENOBUFS;
    pub const ENODEV: i32 = -libc::ENODEV;
    pub const ENOENT: i32 = -libc::ENOENT;
    pub const ENOMEM: i32 = -libc::ENOMEM;
    pub const ENOPROTOOPT: i32 = -libc::ENOPROTOOPT;
    pub const ENOSPC: i32 = -libc::ENOSPC;
    pub const ENOSYS: i32 = -libc::ENOSYS;
    pub const ENOTCONN: i32 = -libc::ENOTCONN;
    pub const ENOTDIR: i32 = -libc::ENOTDIR;
    pub const ENOTEMPTY: i32 = -libc::ENOTEMPTY;
    pub const ENOTSOCK: i32 = -libc::ENOTSOCK;
    // On Linux ENOTSUP and EOPNOTSUPP are both 95; elsewhere libuv names only
    // ENOTSUP, and EOPNOTSUPP stays nameless.
    pub const ENOTSUP: i32 = -libc::ENOTSUP;
    pub const EOVERFLOW: i32 = -libc::EOVERFLOW;
    pub const EPERM: i32 = -libc::EPERM;
    pub const EPIPE: i32 = -libc::EPIPE;
    pub const EPROTO: i32 = -libc::EPROTO;
    pub const EPROTONOSUPPORT: i32 = -libc::EPROTONOSUPPORT;
    pub const EPROTOTYPE: i32 = -libc::EPROTOTYPE;
    pub const ERANGE: i32 = -libc::ERANGE;
    pub const EROFS: i32 = -libc::EROFS;
    pub const ESHUTDOWN: i32 = -libc::ESHUTDOWN;
    pub const ESPIPE: i32 = -libc::ESPIPE;
    pub const ESRCH: i32 = -libc::ESRCH;
    pub const ETIMEDOUT: i32 = -libc::ETIMEDOUT;
    pub const ETXTBSY: i32 = -libc::ETXTBSY;
    pub const EXDEV: i32 = -libc::EXDEV;
    pub const ENXIO: i32 = -libc::ENXIO;
    pub const EMLINK: i32 = -libc::EMLINK;
    pub const EHOSTDOWN: i32 = -libc::EHOSTDOWN;
    pub const ENOTTY: i32 = -libc::ENOTTY;
    pub const EILSEQ: i32 = -libc::EILSEQ;
    pub const ESOCKTNOSUPPORT: i32 = -libc::ESOCKTNOSUPPORT;
    pub const ENOEXEC: i32 = -libc::ENOEXEC;

    // The errnos below exist on some Unixes only; each group mirrors which
    // `#if defined(E...)` branch libuv's errno.h takes there.

    #[cfg(any(target_os = "linux", target_os = "android"))]
    mod platform {
        pub const ENONET: i32 = -libc::ENONET;
        pub const EREMOTEIO: i32 = -libc::EREMOTEIO;
        pub const ENODATA: i32 = -libc::ENODATA;
        pub const EUNATCH: i32 = -libc::EUNATCH;
        // glibc and musl have no EFTYPE, so released libuv (up to 1.51) uses
        // its fallback. libuv's development tree has switched Linux to the
        // kernel's new EFTYPE (134 on most architectures); follow it once a
        // release ships with it.
        pub const EFTYPE: i32 = -4028;
    }

    #[cfg(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd",
    ))]
    mod platform {
        pub const ENONET: i32 = -4056;
        pub const EREMOTEIO: i32 = -4030;
        pub const EUNATCH: i32 = -4023;
        pub const EFTYPE: i32 = -libc::EFTYPE;
        #[cfg(any(target_vendor = "apple", target_os = "netbsd"))]
        pub const ENODATA: i32 = -libc::ENODATA;
        // FreeBSD's ENODATA is only visible to C++, so libuv hard-codes it.
        #[cfg(target_os = "freebsd")]
        pub const ENODATA: i32 = -9919;
        #[cfg(any(target_os = "dragonfly", target_os = "openbsd"))]
        pub const ENODATA: i32 = -4024;
    }

    // Unixes this crate is not tested on: libuv's fallbacks keep the build
    // going, at the cost of naming these few errnos UNKNOWN where they exist.
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd",
    )))]
    mod platform {
        pub const ENONET: i32 = -4056;
        pub const EREMOTEIO: i32 = -4030;
        pub const ENODATA: i32 = -4024;
        pub const EUNATCH: i32 = -4023;
        pub const EFTYPE: i32 = -4028;
    }
}

/// libuv's Windows values and its `uv_translate_sys_error` table.
///
/// Compiled on every platform, not only on Windows, so that the Linux build
/// type-checks it and the Linux tests exercise it.
#[cfg_attr(not(windows), allow(dead_code))]
mod win {
    pub use super::common::*;

    pub const E2BIG: i32 = -4093;
    pub const EACCES: i32 = -4092;
    pub const EADDRINUSE: i32 = -4091;
    pub const EADDRNOTAVAIL: i32 = -4090;
    pub const EAFNOSUPPORT: i32 = -4089;
    pub const EAGAIN: i32 = -4088;
    pub const EALREADY: i32 = -4084;
    pub const EBADF: i32 = -4083;
    pub const EBUSY: i32 = -4082;
    pub const ECANCELED: i32 = -4081;
    pub const ECONNABORTED: i32 = -4079;
    pub const ECONNREFUSED: i32 = -4078;
    pub const ECONNRESET: i32 = -4077;
    pub const EDESTADDRREQ: i32 = -4076;
    pub const EEXIST: i32 = -4075;
    pub const EFAULT: i32 = -4074;
    pub const EHOSTUNREACH: i32 = -4073;
    pub const EINTR: i32 = -4072;
    pub const EINVAL: i32 = -4071;
    pub const EIO: i32 = -4070;
    pub const EISCONN: i32 = -4069;
    pub const EISDIR: i32 = -4068;
    pub const ELOOP: i32 = -4067;
    pub const EMFILE: i32 = -4066;
    pub const EMSGSIZE: i32 = -4065;
    pub const ENAMETOOLONG: i32 = -4064;
    pub const ENETDOWN: i32 = -4063;
    pub const ENETUNREACH: i32 = -4062;
    pub const ENFILE: i32 = -4061;
    pub const ENOBUFS: i32 = -4060;
    pub const ENODEV: i32 = -4059;
    pub const ENOENT: i32 = -4058;
    pub const ENOMEM: i32 = -4057;
    pub const ENONET: i32 = -4056;
    pub const ENOSPC: i32 = -4055;
    pub const ENOSYS: i32 = -4054;
    pub const ENOTCONN: i32 = -4053;
    pub const ENOTDIR: i32 = -4052;
    pub const ENOTEMPTY: i32 = -4051;
    pub const ENOTSOCK: i32 = -4050;
    pub const ENOTSUP: i32 = -4049;
    pub const EPERM: i32 = -4048;
    pub const EPIPE: i32 = -4047;
    pub const EPROTO: i32 = -4046;
    pub const EPROTONOSUPPORT: i32 = -4045;
    pub const EPROTOTYPE: i32 = -4044;
    pub const EROFS: i32 = -4043;
    pub const ESHUTDOWN: i32 = -4042;
    pub const ESPIPE: i32 = -4041;
    pub const ESRCH: i32 = -4040;
    pub const ETIMEDOUT: i32 = -4039;
    pub const ETXTBSY: i32 = -4038;
    pub const EXDEV: i32 = -4037;
    pub const EFBIG: i32 = -4036;
    pub const ENOPROTOOPT: i32 = -4035;
    pub const ERANGE: i32 = -4034;
    pub const ENXIO: i32 = -4033;
    pub const EMLINK: i32 = -4032;
    pub const EHOSTDOWN: i32 = -4031;
    pub const EREMOTEIO: i32 = -4030;
    pub const ENOTTY: i32 = -4029;
    pub const EFTYPE: i32 = -4028;
    pub const EILSEQ: i32 = -4027;
    pub const EOVERFLOW: i32 = -4026;
    pub const ESOCKTNOSUPPORT: i32 = -4025;
    pub const ENODATA: i32 = -4024;
    pub const EUNATCH: i32 = -4023;
    pub const ENOEXEC: i32 = -4022;

    /// libuv's `uv_translate_sys_error` (src/win/error.c): a Win32 or
    /// Winsock error number to a libuv code. Numbers are written out because
    /// the crate has no Windows bindings to take them from.
    pub fn translate_sys_error(sys_errno: i32) -> i32 {
        if sys_errno <= 0 {
            // libuv treats these as already being libuv codes.
            return sys_errno;
        }
        match sys_errno {
            998 => EACCES,            // ERROR_NOACCESS
            10013 => EACCES,          // WSAEACCES
            740 => EACCES,            // ERROR_ELEVATION_REQUIRED
            1920 => EACCES,           // ERROR_CANT_ACCESS_FILE
            5 => EACCES,              // ERROR_ACCESS_DENIED
            1227 => EADDRINUSE,       // ERROR_ADDRESS_ALREADY_ASSOCIATED
            10048 => EADDRINUSE,      // WSAEADDRINUSE
            10049 => EADDRNOTAVAIL,   // WSAEADDRNOTAVAIL
            10047 => EAFNOSUPPORT,    // WSAEAFNOSUPPORT
            10035 => EAGAIN,          // WSAEWOULDBLOCK
            10037 => EALREADY,        // WSAEALREADY
            1004 => EBADF,            // ERROR_INVALID_FLAGS
            6 => EBADF,               // ERROR_INVALID_HANDLE
            33 => EBUSY,              // ERROR_LOCK_VIOLATION
            231 => EBUSY,             // ERROR_PIPE_BUSY
            32 => EBUSY,              // ERROR_SHARING_VIOLATION
            995 => ECANCELED,         // ERROR_OPERATION_ABORTED
            10004 => ECANCELED,       // WSAEINTR
            1113 => ECHARSET,         // ERROR_NO_UNICODE_TRANSLATION
            1236 => ECONNABORTED,     // ERROR_CONNECTION_ABORTED
            10053 => ECONNABORTED,    // WSAECONNABORTED
            1225 => ECONNREFUSED,     // ERROR_CONNECTION_REFUSED
            10061 => ECONNREFUSED,    // WSAECONNREFUSED
            64 => ECONNRESET,         // ERROR_NETNAME_DELETED
            10054 => ECONNRESET,      // WSAECONNRESET
            183 => EEXIST,            // ERROR_ALREADY_EXISTS
            80 => EEXIST,             // ERROR_FILE_EXISTS
            111 => EFAULT,            // ERROR_BUFFER_OVERFLOW
            10014 => EFAULT,          // WSAEFAULT
            1232 => EHOSTUNREACH,     // ERROR_HOST_UNREACHABLE
            10065 => EHOSTUNREACH,    // WSAEHOSTUNREACH
            122 => EINVAL,            // ERROR_INSUFFICIENT_BUFFER
            13 => EINVAL,             // ERROR_INVALID_DATA
            87 => EINVAL,             // ERROR_INVALID_PARAMETER
            1464 => EINVAL,           // ERROR_SYMLINK_NOT_SUPPORTED
            10022 => EINVAL,          // WSAEINVAL
            10046 => EINVAL,          // WSAEPFNOSUPPORT
            1102 => EIO,              // ERROR_BEGINNING_OF_MEDIA
            1111 => EIO,              // ERROR_BUS_RESET
            23 => EIO,                // ERROR_CRC
            1166 => EIO,              // ERROR_DEVICE_DOOR_OPEN
            1165 => EIO,              // ERROR_DEVICE_REQUIRES_CLEANING
            1393 => EIO,              // ERROR_DISK_CORRUPT
            1129 => EIO,              // ERROR_EOM_OVERFLOW
            1101 => EIO,              // ERROR_FILEMARK_DETECTED
            31 => EIO,                // ERROR_GEN_FAILURE
            1106 => EIO,              // ERROR_INVALID_BLOCK_LENGTH
            1117 => EIO,              // ERROR_IO_DEVICE
            1104 => EIO,              // ERROR_NO_DATA_DETECTED
            205 => EIO,               // ERROR_NO_SIGNAL_SENT
            110 => EIO,               // ERROR_OPEN_FAILED
            1103 => EIO,              // ERROR_SETMARK_DETECTED
            156 => EIO,               // ERROR_SIGNAL_REFUSED
            10056 => EISCONN,         // WSAEISCONN
            1921 => ELOOP,            // ERROR_CANT_RESOLVE_FILENAME
            4 => EMFILE,              // ERROR_TOO_MANY_OPEN_FILES
            10024 => EMFILE,          // WSAEMFILE
            10040 => EMSGSIZE,        // WSAEMSGSIZE
            206 => ENAMETOOLONG,      // ERROR_FILENAME_EXCED_RANGE
            1231 => ENETUNREACH,      // ERROR_NETWORK_UNREACHABLE
            10051 => ENETUNREACH,     // WSAENETUNREACH
            10055 => ENOBUFS,         // WSAENOBUFS
            161 => ENOENT,            // ERROR_BAD_PATHNAME
            267 => ENOENT,            // ERROR_DIRECTORY
            203 => ENOENT,            // ERROR_ENVVAR_NOT_FOUND
            2 => ENOENT,              // ERROR_FILE_NOT_FOUND
            123 => ENOENT,            // ERROR_INVALID_NAME
            15 => ENOENT,             // ERROR_INVALID_DRIVE
            4392 => ENOENT,           // ERROR_INVALID_REPARSE_DATA
            126 => ENOENT,            // ERROR_MOD_NOT_FOUND
            3 => ENOENT,              // ERROR_PATH_NOT_FOUND
            11001 => ENOENT,          // WSAHOST_NOT_FOUND
            11004 => ENOENT,          // WSANO_DATA
            8 => ENOMEM,              // ERROR_NOT_ENOUGH_MEMORY
            14 => ENOMEM,             // ERROR_OUTOFMEMORY
            82 => ENOSPC,             // ERROR_CANNOT_MAKE
            112 => ENOSPC,            // ERROR_DISK_FULL
            277 => ENOSPC,            // ERROR_EA_TABLE_FULL
            1100 => ENOSPC,           // ERROR_END_OF_MEDIA
            39 => ENOSPC,             // ERROR_HANDLE_DISK_FULL
            2250 => ENOTCONN,         // ERROR_NOT_CONNECTED
            10057 => ENOTCONN,        // WSAENOTCONN
            145 => ENOTEMPTY,         // ERROR_DIR_NOT_EMPTY
            10038 => ENOTSOCK,        // WSAENOTSOCK
            50 => ENOTSUP,            // ERROR_NOT_SUPPORTED
            109 => EOF,               // ERROR_BROKEN_PIPE
            1314 => EPERM,            // ERROR_PRIVILEGE_NOT_HELD
            230 => EPIPE,             // ERROR_BAD_PIPE
            232 => EPIPE,             // ERROR_NO_DATA
            233 => EPIPE,             // ERROR_PIPE_NOT_CONNECTED
            10058 => EPIPE,           // WSAESHUTDOWN
            10043 => EPROTONOSUPPORT, // WSAEPROTONOSUPPORT
            19 => EROFS,              // ERROR_WRITE_PROTECT
            121 => ETIMEDOUT,         // ERROR_SEM_TIMEOUT
            10060 => ETIMEDOUT,       // WSAETIMEDOUT
            17 => EXDEV,              // ERROR_NOT_SAME_DEVICE
            1 => EISDIR,              // ERROR_INVALID_FUNCTION
            208 => E2BIG,             // ERROR_META_EXPANSION_TOO_LONG
            10044 => ESOCKTNOSUPPORT, // WSAESOCKTNOSUPPORT
            _ => UNKNOWN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// `UV_ERRNO_MAP` of libuv 1.5x's uv.h, names only, in its order.
    const UV_ERRNO_MAP_NAMES: [&str; 85] = [
        "E2BIG",
        "EACCES",
        "EADDRINUSE",
        "EADDRNOTAVAIL",
        "EAFNOSUPPORT",
        "EAGAIN",
        "EAI_ADDRFAMILY",
        "EAI_AGAIN",
        "EAI_BADFLAGS",
        "EAI_BADHINTS",
        "EAI_CANCELED",
        "EAI_FAIL",
        "EAI_FAMILY",
        "EAI_MEMORY",
        "EAI_NODATA",
        "EAI_NONAME",
        "EAI_OVERFLOW",
        "EAI_PROTOCOL",
        "EAI_SERVICE",
        "EAI_SOCKTYPE",
        "EALREADY",
        "EBADF",
        "EBUSY",
        "ECANCELED",
        "ECHARSET",
        "ECONNABORTED",
        "ECONNREFUSED",
        "ECONNRESET",
        "EDESTADDRREQ",
        "EEXIST",
        "EFAULT",
        "EFBIG",
        "EHOSTUNREACH",
        "EINTR",
        "EINVAL",
        "EIO",
        "EISCONN",
        "EISDIR",
        "ELOOP",
        "EMFILE",
        "EMSGSIZE",
        "ENAMETOOLONG",
        "ENETDOWN",
        "ENETUNREACH",
        "ENFILE",
        "ENOBUFS",
        "ENODEV",
        "ENOENT",
        "ENOMEM",
        "ENONET",
        "ENOPROTOOPT",
        "ENOSPC",
        "ENOSYS",
        "ENOTCONN",
        "ENOTDIR",
        "ENOTEMPTY",
        "ENOTSOCK",
        "ENOTSUP",
        "EOVERFLOW",
        "EPERM",
        "EPIPE",
        "EPROTO",
        "EPROTONOSUPPORT",
        "EPROTOTYPE",
        "ERANGE",
        "EROFS",
        "ESHUTDOWN",
        "ESPIPE",
        "ESRCH",
        "ETIMEDOUT",
        "ETXTBSY",
        "EXDEV",
        "UNKNOWN",
        "EOF",
        "ENXIO",
        "EMLINK",
        "EHOSTDOWN",
        "EREMOTEIO",
        "ENOTTY",
        "EFTYPE",
        "EILSEQ",
        "ESOCKTNOSUPPORT",
        "ENODATA",
        "EUNATCH",
        "ENOEXEC",
    ];

    #[test]
    fn table_has_every_uv_errno_map_entry() {
        assert_eq!(all().len(), 85);
        let names: Vec<&str> = all().iter().map(|&(name, _, _)| name).collect();
        assert_eq!(names, UV_ERRNO_MAP_NAMES);
    }

    #[test]
    fn every_code_is_unique_and_negative() {
        let mut seen = HashSet::new();
        for &(name, code, _) in all() {
            assert!(code < 0, "{name} = {code}");
            assert!(seen.insert(code), "{name} = {code} appears twice");
        }
    }

    #[test]
    fn every_name_is_unique_and_has_a_message() {
        let mut seen = HashSet::new();
        for &(name, _, message) in all() {
            assert!(seen.insert(name), "{name} appears twice");
            assert!(!message.is_empty(), "{name} has no message");
        }
    }

    #[test]
    fn constants_agree_with_the_table() {
        for &(name, code, message) in all() {
            let err = UvError::from_code(code).expect("every table code is found");
            assert_eq!((err.name, err.code, err.message()), (name, code, message));
        }
        assert_eq!(UvError::from_code(EADDRINUSE.code), Some(EADDRINUSE));
        assert_eq!(EOF.name, "EOF");
        assert_eq!(UNKNOWN.name, "UNKNOWN");
    }

    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[test]
    fn eaddrinuse_is_minus_98_on_linux_with_libuv_message() {
        assert_eq!(EADDRINUSE, UvError::new(-98, "EADDRINUSE"));
        assert_eq!(EADDRINUSE.message(), "address already in use");
    }

    #[cfg(all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    ))]
    #[test]
    fn linux_values_follow_errno_and_libuv_fallbacks() {
        assert_eq!(EAGAIN.code, -11);
        assert_eq!(EINVAL.code, -22);
        assert_eq!(ENOTSUP.code, -95);
        assert_eq!(ENONET.code, -64);
        assert_eq!(EREMOTEIO.code, -121);
        assert_eq!(ENODATA.code, -61);
        assert_eq!(EUNATCH.code, -49);
        assert_eq!(EHOSTDOWN.code, -112);
        assert_eq!(EFTYPE.code, -4028);
    }

    #[cfg(unix)]
    #[test]
    fn unix_values_are_negated_libc_errno() {
        assert_eq!(EADDRINUSE.code, -libc::EADDRINUSE);
        assert_eq!(EAGAIN.code, -libc::EAGAIN);
        assert_eq!(ECANCELED.code, -libc::ECANCELED);
        assert_eq!(ENOTSUP.code, -libc::ENOTSUP);
    }

    #[test]
    fn libuv_private_codes_have_fixed_values() {
        assert_eq!(UNKNOWN.code, -4094);
        assert_eq!(EOF.code, -4095);
        assert_eq!(ECHARSET.code, -4080);
        assert_eq!(EAI_ADDRFAMILY.code, -3000);
        assert_eq!(EAI_SOCKTYPE.code, -3011);
        assert_eq!(EAI_BADHINTS.code, -3013);
        assert_eq!(EAI_PROTOCOL.code, -3014);
        assert_eq!(UvError::from_code(-3012), None);
    }

    #[test]
    fn messages_are_libuv_texts() {
        assert_eq!(EAGAIN.message(), "resource temporarily unavailable");
        assert_eq!(ECANCELED.message(), "operation canceled");
        assert_eq!(EOF.message(), "end of file");
        assert_eq!(UNKNOWN.message(), "unknown error");
        assert_eq!(EMSGSIZE.message(), "message too long");
        assert_eq!(EREMOTEIO.message(), "remote I/O error");
        assert_eq!(EIO.message(), "i/o error");
    }

    #[test]
    fn display_shows_name_and_message() {
        assert_eq!(EADDRINUSE.to_string(), "EADDRINUSE: address already in use");
        assert_eq!(EOF.to_string(), "EOF: end of file");
    }

    #[test]
    fn hand_made_code_outside_the_table_reads_unknown_error() {
        let odd = UvError::new(-1_000_000, "EPERHAPS");
        assert_eq!(odd.message(), "unknown error");
        assert_eq!(odd.to_string(), "EPERHAPS: unknown error");
    }

    #[test]
    fn from_code_rejects_non_libuv_codes() {
        assert_eq!(UvError::from_code(0), None);
        assert_eq!(UvError::from_code(98), None);
        assert_eq!(UvError::from_code(-1_000_000), None);
        assert_eq!(UvError::from_code(i32::MIN), None);
    }

    #[cfg(unix)]
    #[test]
    fn from_io_maps_raw_errno() {
        let err = io::Error::from_raw_os_error(libc::EADDRINUSE);
        assert_eq!(UvError::from_io(&err), EADDRINUSE);
        let err = io::Error::from_raw_os_error(libc::EMSGSIZE);
        assert_eq!(UvError::from_io(&err), EMSGSIZE);
        // The raw errno wins over the kind std derives from it.
        let err = io::Error::from_raw_os_error(libc::EWOULDBLOCK);
        assert_eq!(UvError::from_io(&err), EAGAIN);
    }

    #[cfg(unix)]
    #[test]
    fn from_io_maps_unnamed_errno_to_unknown() {
        let err = io::Error::from_raw_os_error(libc::ECHILD);
        assert_eq!(UvError::from_io(&err), UNKNOWN);
        for raw in [0, -98, i32::MIN, i32::MAX] {
            let err = io::Error::from_raw_os_error(raw);
            assert_eq!(UvError::from_io(&err), UNKNOWN, "raw {raw}");
        }
    }

    #[test]
    fn would_block_kind_maps_to_eagain() {
        let err = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(err.raw_os_error(), None);
        assert_eq!(UvError::from_io(&err), EAGAIN);
    }

    #[test]
    fn kinds_without_errno_map_to_their_libuv_counterpart() {
        let cases = [
            (io::ErrorKind::InvalidInput, EINVAL),
            (io::ErrorKind::UnexpectedEof, EOF),
            (io::ErrorKind::TimedOut, ETIMEDOUT),
            (io::ErrorKind::AddrInUse, EADDRINUSE),
            (io::ErrorKind::ConnectionRefused, ECONNREFUSED),
            (io::ErrorKind::NotConnected, ENOTCONN),
            (io::ErrorKind::Unsupported, ENOTSUP),
            (io::ErrorKind::NetworkUnreachable, ENETUNREACH),
        ];
        for (kind, expected) in cases {
            assert_eq!(
                UvError::from_io(&io::Error::from(kind)),
                expected,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn kinds_without_counterpart_map_to_unknown() {
        for kind in [
            io::ErrorKind::Other,
            io::ErrorKind::InvalidData,
            io::ErrorKind::WriteZero,
        ] {
            assert_eq!(
                UvError::from_io(&io::Error::from(kind)),
                UNKNOWN,
                "{kind:?}"
            );
        }
        let err = io::Error::other("boom");
        assert_eq!(UvError::from_io(&err), UNKNOWN);
    }

    #[test]
    fn from_io_unwraps_a_wrapped_uv_error() {
        let err = io::Error::new(io::ErrorKind::InvalidInput, EBADF);
        assert_eq!(UvError::from_io(&err), EBADF);
        assert_eq!(UvError::from(io::Error::other(EMSGSIZE)), EMSGSIZE);
    }

    #[test]
    fn from_impl_matches_from_io() {
        let err = io::Error::from(io::ErrorKind::WouldBlock);
        assert_eq!(UvError::from(err), EAGAIN);
    }

    #[test]
    fn real_bind_conflict_maps_to_eaddrinuse() {
        let first = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
        let addr = first.local_addr().expect("local addr");
        let err = std::net::UdpSocket::bind(addr).expect_err("second bind must fail");
        assert_eq!(UvError::from_io(&err), EADDRINUSE);
    }

    #[test]
    fn real_nonblocking_recv_maps_to_eagain() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind loopback");
        socket.set_nonblocking(true).expect("nonblocking");
        let mut buf = [0u8; 16];
        let err = socket.recv_from(&mut buf).expect_err("nothing was sent");
        assert_eq!(UvError::from_io(&err), EAGAIN);
    }

    #[test]
    fn uv_error_is_a_std_error() {
        let boxed: Box<dyn std::error::Error> = Box::new(ENOBUFS);
        assert_eq!(boxed.to_string(), "ENOBUFS: no buffer space available");
        assert!(boxed.source().is_none());
    }

    #[test]
    fn windows_values_are_libuvs_own_numbers() {
        assert_eq!(WINDOWS_TABLE.len(), all().len());
        let mut seen = HashSet::new();
        for &(name, code) in WINDOWS_TABLE {
            assert!((-4095..=-3000).contains(&code), "{name} = {code}");
            assert!(seen.insert(code), "{name} = {code} appears twice");
        }
        assert_eq!(win::EADDRINUSE, -4091);
        assert_eq!(win::EAGAIN, -4088);
        assert_eq!(win::ENOEXEC, -4022);
    }

    #[test]
    fn windows_translation_lands_on_table_entries() {
        let name_of = |code: i32| {
            WINDOWS_TABLE
                .iter()
                .find(|&&(_, value)| value == code)
                .map(|&(name, _)| name)
        };
        assert_eq!(name_of(win::translate_sys_error(10048)), Some("EADDRINUSE"));
        assert_eq!(name_of(win::translate_sys_error(10035)), Some("EAGAIN"));
        assert_eq!(name_of(win::translate_sys_error(10040)), Some("EMSGSIZE"));
        assert_eq!(name_of(win::translate_sys_error(995)), Some("ECANCELED"));
        assert_eq!(name_of(win::translate_sys_error(109)), Some("EOF"));
        assert_eq!(
            name_of(win::translate_sys_error(10044)),
            Some("ESOCKTNOSUPPORT")
        );
        assert_eq!(name_of(win::translate_sys_error(999_999)), Some("UNKNOWN"));
        assert_eq!(win::translate_sys_error(-4091), -4091);
    }
}
