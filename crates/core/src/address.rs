//! Addresses: from the JS layer's tuples to `SocketAddr`, and back.
//!
//! The JS layer hands over `[host, port]`, `[host, port, flowinfo]` or
//! `[host, port, flowinfo, scope_id]` with the types and ranges already
//! checked; this module turns those parts into a [`SocketAddr`]
//! ([`parse_address`]) and a [`SocketAddr`] back into what JS shows
//! ([`format_address`]).
//!
//! A host is always an IP literal: there is no DNS here, ever. Two names are
//! understood, as in pyuv: `''` is `0.0.0.0` and `'<broadcast>'` is
//! `255.255.255.255`. An IPv6 literal may carry a zone (`'fe80::1%eth0'`,
//! `'fe80::1%3'`), which gives the scope id unless the tuple gives one.
//!
//! IPv6 multicast calls name an interface with a selector such as
//! `'::%eth0'`; [`parse_ipv6_interface`] turns it into an interface index.

use std::ffi::CString;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Why an address given by the caller is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    /// The text is not an IP literal (a hostname, a malformed address, a zone
    /// on an IPv4 address, an empty zone, ...). Carries the offending text.
    InvalidIp(String),
    /// The zone or interface selector names an interface that does not exist.
    /// Carries the interface name.
    UnknownInterface(String),
}

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddressError::InvalidIp(text) => write!(f, "invalid IP address: '{}'", Shortened(text)),
            AddressError::UnknownInterface(name) => {
                write!(f, "unknown network interface: '{}'", Shortened(name))
            }
        }
    }
}

/// The caller's text in a message, cut after 64 characters: a message must
/// not grow with whatever was passed (a 100,000-character "host").
struct Shortened<'a>(&'a str);

impl fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(64) {
            Some((cut, _)) => write!(f, "{}...", &self.0[..cut]),
            None => f.write_str(self.0),
        }
    }
}

impl std::error::Error for AddressError {}

/// Parses an IP literal with an optional zone: returns the address and the
/// zone's scope id (None without a zone). '' → 0.0.0.0, '<broadcast>' →
/// 255.255.255.255.
///
/// A zone is only allowed on an IPv6 literal and must not be empty; a decimal
/// zone is taken as the interface index as is, a name is looked up with
/// `if_nametoindex` (see [`interface_index`]). Hostnames are refused
/// ([`AddressError::InvalidIp`]); no name resolution is ever done.
pub fn parse_ip(host: &str) -> Result<(IpAddr, Option<u32>), AddressError> {
    match host {
        "" => return Ok((IpAddr::V4(Ipv4Addr::UNSPECIFIED), None)),
        "<broadcast>" => return Ok((IpAddr::V4(Ipv4Addr::BROADCAST), None)),
        _ => {}
    }
    let invalid = || AddressError::InvalidIp(host.to_owned());
    match host.split_once('%') {
        None => host
            .parse::<IpAddr>()
            .map(|ip| (ip, None))
            .map_err(|_| invalid()),
        Some((literal, zone)) => {
            // Only IPv6 has zones; `Ipv6Addr` refuses IPv4 dotted quads.
            let ip = literal.parse::<Ipv6Addr>().map_err(|_| invalid())?;
            if zone.is_empty() || zone.contains('\0') {
                return Err(invalid());
            }
            let scope_id = interface_index(zone)?;
            Ok((IpAddr::V6(ip), Some(scope_id)))
        }
    }
}

/// Builds the socket address from the parts of an address tuple.
///
/// For IPv6, the scope id is `scope_id` when the tuple gave one (even 0),
/// otherwise the host's zone, otherwise 0; `flowinfo` and the scope id are
/// stored as given, whatever the kind of address (the kernel decides what
/// they mean, as with libuv). For IPv4, `flowinfo` and `scope_id` are ignored.
///
/// The returned address holds `flowinfo` as the kernel's `sin6_flowinfo`
/// does, in network byte order: Rust's `SocketAddrV6` copies the field to and
/// from `sockaddr_in6` unconverted (rust-lang/rust#101605), and Linux reads it
/// as `__be32`. [`format_address`] converts back.
pub fn parse_address(
    host: &str,
    port: u16,
    flowinfo: u32,
    scope_id: Option<u32>,
) -> Result<SocketAddr, AddressError> {
    let (ip, zone) = parse_ip(host)?;
    Ok(match ip {
        IpAddr::V4(ip) => SocketAddr::V4(SocketAddrV4::new(ip, port)),
        IpAddr::V6(ip) => {
            let scope_id = scope_id.or(zone).unwrap_or(0);
            SocketAddr::V6(SocketAddrV6::new(ip, port, flowinfo.to_be(), scope_id))
        }
    })
}

/// An address as the JS layer shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressTuple {
    /// `[ip, port]`.
    V4 {
        /// The dotted-quad address.
        ip: String,
        /// The port.
        port: u16,
    },
    /// `[ip, port, flowinfo, scope_id]`.
    V6 {
        /// The canonical textual address, without a `%zone`.
        ip: String,
        /// The port.
        port: u16,
        /// The flow information.
        flowinfo: u32,
        /// The scope id (interface index), 0 if none.
        scope_id: u32,
    },
}

/// Turns a socket address into the tuple JS shows: IPv4 as `(ip, port)`,
/// IPv6 as `(ip, port, flowinfo, scope_id)`, with `ip` in canonical form and
/// never a `%zone` (an IPv4-mapped address shows as `::ffff:a.b.c.d`).
pub fn format_address(addr: &SocketAddr) -> AddressTuple {
    match addr {
        SocketAddr::V4(a) => AddressTuple::V4 {
            ip: a.ip().to_string(),
            port: a.port(),
        },
        SocketAddr::V6(a) => AddressTuple::V6 {
            ip: a.ip().to_string(),
            port: a.port(),
            flowinfo: u32::from_be(a.flowinfo()),
            scope_id: a.scope_id(),
        },
    }
}

/// The interface index an IPv6 multicast selector names ('' / '::' → 0,
/// '%eth0' / '::%eth0' / '::%3' → index). Anything else before the '%' than
/// '' or '::' is InvalidIp.
///
/// An empty zone (`'::%'`, `'%'`) is [`AddressError::InvalidIp`]; an unknown
/// interface name is [`AddressError::UnknownInterface`].
pub fn parse_ipv6_interface(selector: &str) -> Result<u32, AddressError> {
    let invalid = || AddressError::InvalidIp(selector.to_owned());
    let (literal, zone) = match selector.split_once('%') {
        Some((literal, zone)) => (literal, Some(zone)),
        None => (selector, None),
    };
    // libuv parses any IPv6 literal here and uses only its scope: a zone-less
    // literal (`'::1'`, `'fe80::1'`) is interface 0, the OS's choice.
    if !literal.is_empty() && literal.parse::<std::net::Ipv6Addr>().is_err() {
        return Err(invalid());
    }
    match zone {
        None => Ok(0),
        Some(zone) if zone.is_empty() || zone.contains('\0') => Err(invalid()),
        Some(zone) => interface_index(zone),
    }
}

/// The interface index of a name or a decimal number ("lo" → 1, "3" → 3);
/// UnknownInterface if none.
///
/// A decimal number is taken as the index without checking that such an
/// interface exists (the kernel refuses it when it is used); a name is
/// looked up with `if_nametoindex`. An empty name, a name with a NUL byte, or
/// a number too large for `u32` is [`AddressError::UnknownInterface`].
pub fn interface_index(name: &str) -> Result<u32, AddressError> {
    let unknown = || AddressError::UnknownInterface(name.to_owned());
    if name.is_empty() {
        return Err(unknown());
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return name.parse::<u32>().map_err(|_| unknown());
    }
    let c_name = CString::new(name).map_err(|_| unknown())?;
    match index_of_name(&c_name) {
        0 => Err(unknown()),
        index => Ok(index),
    }
}

/// `if_nametoindex(3)`: 0 when there is no such interface.
#[cfg(unix)]
fn index_of_name(name: &CString) -> u32 {
    // SAFETY: `name` is a valid NUL-terminated string that outlives the
    // call; `if_nametoindex` only reads it and keeps no pointer to it.
    unsafe { libc::if_nametoindex(name.as_ptr()) }
}

/// The libc crate has no `if_nametoindex` for Windows: there, zones are
/// interface numbers (`fe80::1%12`), as `ipconfig` shows them.
#[cfg(not(unix))]
fn index_of_name(_name: &CString) -> u32 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loopback interface's name and index, from libc directly. Unix
    /// only, as are the tests that use it: elsewhere interface names are not
    /// resolved (see `index_of_name`).
    #[cfg(unix)]
    fn loopback() -> (&'static str, u32) {
        for name in ["lo", "lo0"] {
            let c_name = CString::new(name).unwrap();
            // SAFETY: `c_name` is NUL-terminated and outlives the call.
            let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
            if index != 0 {
                return (name, index);
            }
        }
        panic!("no loopback interface found");
    }

    fn v6(s: &str) -> IpAddr {
        IpAddr::V6(s.parse().unwrap())
    }

    #[test]
    fn empty_host_is_ipv4_wildcard() {
        assert_eq!(
            parse_ip("").unwrap(),
            (IpAddr::V4(Ipv4Addr::UNSPECIFIED), None)
        );
        assert_eq!(
            parse_address("", 1234, 0, None).unwrap(),
            "0.0.0.0:1234".parse::<SocketAddr>().unwrap()
        );
    }

    #[test]
    fn broadcast_name_is_255_255_255_255() {
        assert_eq!(
            parse_ip("<broadcast>").unwrap(),
            (IpAddr::V4(Ipv4Addr::new(255, 255, 255, 255)), None)
        );
    }

    #[test]
    fn plain_literals_have_no_zone() {
        assert_eq!(
            parse_ip("127.0.0.1").unwrap(),
            (IpAddr::V4(Ipv4Addr::LOCALHOST), None)
        );
        assert_eq!(parse_ip("::1").unwrap(), (v6("::1"), None));
        assert_eq!(
            parse_ip("::ffff:1.2.3.4").unwrap(),
            (v6("::ffff:1.2.3.4"), None)
        );
    }

    #[cfg(unix)]
    #[test]
    fn ipv6_zone_by_name_sets_scope_id() {
        let (lo, index) = loopback();
        let host = format!("fe80::1%{lo}");
        assert_eq!(parse_ip(&host).unwrap(), (v6("fe80::1"), Some(index)));
        let addr = parse_address(&host, 5000, 0, None).unwrap();
        assert_eq!(
            addr,
            SocketAddr::V6(SocketAddrV6::new(
                "fe80::1".parse().unwrap(),
                5000,
                0,
                index
            ))
        );
    }

    #[test]
    fn numeric_zone_sets_scope_id() {
        assert_eq!(parse_ip("fe80::1%3").unwrap(), (v6("fe80::1"), Some(3)));
        match parse_address("fe80::1%42", 1, 0, None).unwrap() {
            SocketAddr::V6(a) => assert_eq!(a.scope_id(), 42),
            other => panic!("expected IPv6, got {other}"),
        }
    }

    #[test]
    fn explicit_scope_id_wins_over_zone() {
        match parse_address("fe80::1%3", 1, 0, Some(7)).unwrap() {
            SocketAddr::V6(a) => assert_eq!(a.scope_id(), 7),
            other => panic!("expected IPv6, got {other}"),
        }
        // Even an explicit 0 wins.
        match parse_address("fe80::1%3", 1, 0, Some(0)).unwrap() {
            SocketAddr::V6(a) => assert_eq!(a.scope_id(), 0),
            other => panic!("expected IPv6, got {other}"),
        }
        // Without zone nor explicit scope id, it is 0.
        match parse_address("fe80::1", 1, 0, None).unwrap() {
            SocketAddr::V6(a) => assert_eq!(a.scope_id(), 0),
            other => panic!("expected IPv6, got {other}"),
        }
    }

    #[test]
    fn explicit_scope_id_is_kept_on_global_addresses() {
        match parse_address("2001:db8::1", 1, 0, Some(5)).unwrap() {
            SocketAddr::V6(a) => assert_eq!(a.scope_id(), 5),
            other => panic!("expected IPv6, got {other}"),
        }
    }

    #[test]
    fn hostname_is_invalid_ip() {
        for host in [
            "localhost",
            "example.com",
            "[::1]",
            " 1.2.3.4",
            "1.2.3",
            "::g",
        ] {
            assert_eq!(
                parse_ip(host),
                Err(AddressError::InvalidIp(host.to_owned())),
                "{host:?}"
            );
            assert_eq!(
                parse_address(host, 80, 0, None),
                Err(AddressError::InvalidIp(host.to_owned()))
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn zone_on_ipv4_is_invalid() {
        let (lo, _) = loopback();
        for host in [format!("127.0.0.1%{lo}"), "1.2.3.4%3".to_owned()] {
            assert_eq!(parse_ip(&host), Err(AddressError::InvalidIp(host.clone())));
        }
        // Neither shorthand takes a zone.
        for host in ["%3", "<broadcast>%3"] {
            assert_eq!(
                parse_ip(host),
                Err(AddressError::InvalidIp(host.to_owned()))
            );
        }
    }

    #[test]
    fn empty_zone_is_invalid() {
        assert_eq!(
            parse_ip("fe80::1%"),
            Err(AddressError::InvalidIp("fe80::1%".to_owned()))
        );
    }

    #[test]
    fn nul_in_zone_is_invalid() {
        assert_eq!(
            parse_ip("fe80::1%lo\0x"),
            Err(AddressError::InvalidIp("fe80::1%lo\0x".to_owned()))
        );
    }

    #[test]
    fn unknown_interface_is_its_own_error() {
        let err = parse_ip("fe80::1%nosuchif0").unwrap_err();
        assert_eq!(err, AddressError::UnknownInterface("nosuchif0".to_owned()));
        assert_eq!(
            parse_address("fe80::1%nosuchif0", 1, 0, Some(3)),
            Err(AddressError::UnknownInterface("nosuchif0".to_owned()))
        );
        assert_eq!(
            interface_index("nosuchif0"),
            Err(AddressError::UnknownInterface("nosuchif0".to_owned()))
        );
        assert_eq!(
            interface_index(""),
            Err(AddressError::UnknownInterface(String::new()))
        );
        assert_eq!(
            interface_index("99999999999"),
            Err(AddressError::UnknownInterface("99999999999".to_owned()))
        );
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            AddressError::InvalidIp("localhost".to_owned()).to_string(),
            "invalid IP address: 'localhost'"
        );
        assert_eq!(
            AddressError::UnknownInterface("eth9".to_owned()).to_string(),
            "unknown network interface: 'eth9'"
        );
    }

    #[test]
    fn flowinfo_round_trips() {
        let addr = parse_address("2001:db8::1", 9, 0xFFFFF, None).unwrap();
        match addr {
            // Held as the kernel holds it: network byte order.
            SocketAddr::V6(a) => assert_eq!(a.flowinfo(), 0xFFFFF_u32.to_be()),
            other => panic!("expected IPv6, got {other}"),
        }
        assert_eq!(
            format_address(&addr),
            AddressTuple::V6 {
                ip: "2001:db8::1".to_owned(),
                port: 9,
                flowinfo: 0xFFFFF,
                scope_id: 0,
            }
        );
    }

    #[test]
    fn ipv4_ignores_flowinfo_and_scope_id() {
        let addr = parse_address("10.0.0.1", 53, 12345, Some(9)).unwrap();
        assert_eq!(addr, "10.0.0.1:53".parse::<SocketAddr>().unwrap());
        assert_eq!(
            format_address(&addr),
            AddressTuple::V4 {
                ip: "10.0.0.1".to_owned(),
                port: 53
            }
        );
    }

    #[test]
    fn v4_mapped_formats_as_ffff_dotted() {
        let addr = SocketAddr::V6(SocketAddrV6::new(
            Ipv4Addr::new(192, 168, 1, 20).to_ipv6_mapped(),
            4000,
            0,
            0,
        ));
        assert_eq!(
            format_address(&addr),
            AddressTuple::V6 {
                ip: "::ffff:192.168.1.20".to_owned(),
                port: 4000,
                flowinfo: 0,
                scope_id: 0,
            }
        );
    }

    #[test]
    fn ipv6_is_canonicalised() {
        let addr = parse_address("2001:0DB8:0000:0000:0000:0000:0000:0001", 1, 0, None).unwrap();
        match format_address(&addr) {
            AddressTuple::V6 { ip, .. } => assert_eq!(ip, "2001:db8::1"),
            other => panic!("expected IPv6, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn format_drops_zone_and_keeps_scope_as_fourth() {
        let (lo, index) = loopback();
        let addr = parse_address(&format!("fe80::1%{lo}"), 7000, 3, None).unwrap();
        assert_eq!(
            format_address(&addr),
            AddressTuple::V6 {
                ip: "fe80::1".to_owned(),
                port: 7000,
                flowinfo: 3,
                scope_id: index,
            }
        );
    }

    #[test]
    fn a_long_host_is_cut_in_the_message() {
        let long = "x".repeat(100_000);
        let message = parse_ip(&long).unwrap_err().to_string();
        assert!(message.len() < 100, "{} characters", message.len());
        assert!(message.ends_with("...'"));
    }

    #[cfg(unix)]
    #[test]
    fn ipv6_interface_selectors() {
        let (lo, index) = loopback();
        assert_eq!(parse_ipv6_interface(""), Ok(0));
        assert_eq!(parse_ipv6_interface("::"), Ok(0));
        assert_eq!(parse_ipv6_interface(&format!("%{lo}")), Ok(index));
        assert_eq!(parse_ipv6_interface(&format!("::%{lo}")), Ok(index));
        assert_eq!(parse_ipv6_interface("::%3"), Ok(3));
        assert_eq!(parse_ipv6_interface("%3"), Ok(3));
        // As libuv: any IPv6 literal, its zone (or none: 0) naming the interface.
        assert_eq!(parse_ipv6_interface("fe80::1%3"), Ok(3));
        assert_eq!(parse_ipv6_interface(&format!("fe80::1%{lo}")), Ok(index));
        assert_eq!(parse_ipv6_interface("::1"), Ok(0));
        for bad in ["127.0.0.1", "::%", "%", "eth0", "lo", "fe80::g%3"] {
            assert_eq!(
                parse_ipv6_interface(bad),
                Err(AddressError::InvalidIp(bad.to_owned())),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_ipv6_interface("::%nosuchif0"),
            Err(AddressError::UnknownInterface("nosuchif0".to_owned()))
        );
    }

    #[cfg(unix)]
    #[test]
    fn interface_index_of_name_and_number() {
        let (lo, index) = loopback();
        assert_eq!(interface_index(lo), Ok(index));
        assert_eq!(interface_index("3"), Ok(3));
        assert_eq!(interface_index("0"), Ok(0));
    }

    #[cfg(unix)]
    #[test]
    fn addresses_round_trip() {
        let (lo, index) = loopback();
        let zoned = format!("fe80::abcd%{lo}");
        let cases: Vec<(&str, u16, u32, Option<u32>)> = vec![
            ("127.0.0.1", 0, 0, None),
            ("0.0.0.0", 65535, 0, None),
            ("255.255.255.255", 9, 0, None),
            ("224.0.0.251", 5353, 0, None),
            ("::", 1, 0, None),
            ("::1", 8080, 1, Some(0)),
            ("2001:db8::1", 443, 0xFFFFF, Some(0)),
            ("fe80::1", 546, 0xABCDE, Some(2)),
            ("ff02::1", 9999, 0, Some(index)),
            ("::ffff:10.1.2.3", 12345, 0, None),
            (zoned.as_str(), 4242, 17, None),
        ];
        for (host, port, flowinfo, scope_id) in cases {
            let addr = parse_address(host, port, flowinfo, scope_id).unwrap();
            let back = match format_address(&addr) {
                AddressTuple::V4 { ip, port } => parse_address(&ip, port, 0, None).unwrap(),
                AddressTuple::V6 {
                    ip,
                    port,
                    flowinfo,
                    scope_id,
                } => {
                    assert!(!ip.contains('%'), "{ip}");
                    parse_address(&ip, port, flowinfo, Some(scope_id)).unwrap()
                }
            };
            assert_eq!(back, addr, "{host}");
        }
    }
}
