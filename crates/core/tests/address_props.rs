//! Property tests of address parsing and formatting (GitHub issue 6): every
//! IPv4 and IPv6 address, every spelling of it, zones, flowinfo and scope ids
//! go through `parse_address` and come back out of `format_address` as the
//! caller gave them; and no string, however malformed, makes the parser panic.
//!
//! Only the public functions are used, so the byte order in which the core
//! keeps `flowinfo` inside `SocketAddrV6` (network order, see
//! `parse_address`) is checked by what goes in and what comes out.

#[cfg(unix)]
use std::ffi::CString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use proptest::prelude::*;
use uv_udp_core::address::{
    format_address, interface_index, parse_address, parse_ip, parse_ipv6_interface, AddressError,
    AddressTuple,
};

/// The loopback interface's name and index, from libc directly. Unix only,
/// as is the property that uses it: elsewhere interface names are not resolved.
#[cfg(unix)]
fn loopback() -> (&'static str, u32) {
    for name in ["lo", "lo0"] {
        let c_name = CString::new(name).expect("no NUL");
        // SAFETY: `c_name` is NUL-terminated and outlives the call.
        let index = unsafe { libc::if_nametoindex(c_name.as_ptr()) };
        if index != 0 {
            return (name, index);
        }
    }
    panic!("no loopback interface found");
}

// ---------------------------------------------------------------- strategies

fn any_ipv4() -> impl Strategy<Value = Ipv4Addr> {
    any::<u32>().prop_map(Ipv4Addr::from)
}

/// IPv6 addresses with the shapes that matter to text: runs of zero groups
/// (where `::` goes), v4-mapped and v4-compatible ones, and random ones.
fn any_ipv6() -> impl Strategy<Value = Ipv6Addr> {
    let group = prop_oneof![3 => Just(0u16), 1 => Just(0xffff), 4 => any::<u16>()];
    prop_oneof![
        4 => proptest::array::uniform8(group).prop_map(Ipv6Addr::from),
        2 => any::<u128>().prop_map(Ipv6Addr::from),
        1 => any_ipv4().prop_map(|v4| v4.to_ipv6_mapped()),
        1 => any::<u32>().prop_map(|low| Ipv6Addr::from(u128::from(low))),
        1 => any::<u16>().prop_map(|low| Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, low)),
    ]
}

/// How to spell an IPv6 address: digits per group (leading zeros), the
/// letter case of each hex digit, which zero run (if any) becomes `::`, and
/// whether the low 32 bits are written as a dotted quad.
#[derive(Debug, Clone)]
struct Spelling {
    pad: [usize; 8],
    upper: [bool; 8],
    compress: usize,
    use_compress: bool,
    dotted_tail: bool,
}

fn any_spelling() -> impl Strategy<Value = Spelling> {
    (
        proptest::array::uniform8(0usize..=4),
        proptest::array::uniform8(any::<bool>()),
        any::<usize>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(pad, upper, compress, use_compress, dotted_tail)| Spelling {
                pad,
                upper,
                compress,
                use_compress,
                dotted_tail,
            },
        )
}

/// `ip` written as `spelling` says: a valid, usually non-canonical, literal.
fn spell(ip: Ipv6Addr, spelling: &Spelling) -> String {
    let segments = ip.segments();
    // With a dotted tail, the last two groups are written as a.b.c.d.
    let hex_groups = if spelling.dotted_tail { 6 } else { 8 };
    let hex = |i: usize| {
        let digits = format!("{:0width$x}", segments[i], width = spelling.pad[i].max(1));
        if spelling.upper[i] {
            digits.to_uppercase()
        } else {
            digits
        }
    };
    // Every run of zero groups among the hex groups, as (start, length).
    let mut runs = Vec::new();
    let mut i = 0;
    while i < hex_groups {
        if segments[i] == 0 {
            let start = i;
            while i < hex_groups && segments[i] == 0 {
                i += 1;
            }
            // Any non-empty sub-run may be compressed; take the whole run or
            // its first group, the two shapes parsers trip on.
            runs.push((start, i - start));
            runs.push((start, 1));
        } else {
            i += 1;
        }
    }
    let compressed =
        (spelling.use_compress && !runs.is_empty()).then(|| runs[spelling.compress % runs.len()]);
    let tail = spelling.dotted_tail.then(|| {
        let [a, b] = segments[6].to_be_bytes();
        let [c, d] = segments[7].to_be_bytes();
        format!("{a}.{b}.{c}.{d}")
    });
    let mut parts: Vec<String> = Vec::new();
    match compressed {
        None => {
            parts.extend((0..hex_groups).map(hex));
            parts.extend(tail);
            parts.join(":")
        }
        Some((start, len)) => {
            let head: Vec<String> = (0..start).map(hex).collect();
            let mut rest: Vec<String> = (start + len..hex_groups).map(hex).collect();
            rest.extend(tail);
            format!("{}::{}", head.join(":"), rest.join(":"))
        }
    }
}

fn v6_of(addr: SocketAddr) -> SocketAddrV6 {
    match addr {
        SocketAddr::V6(a) => a,
        SocketAddr::V4(a) => panic!("expected IPv6, got {a}"),
    }
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// IPv4: parsed as given (flowinfo and scope id ignored), formatted back
    /// as the dotted quad, which parses to the same address.
    #[test]
    fn ipv4_round_trips(ip in any_ipv4(), port in any::<u16>(), flowinfo in any::<u32>(), scope_id in any::<Option<u32>>()) {
        let addr = parse_address(&ip.to_string(), port, flowinfo, scope_id).expect("a dotted quad parses");
        prop_assert_eq!(addr, SocketAddr::V4(SocketAddrV4::new(ip, port)));
        let tuple = format_address(&addr);
        prop_assert_eq!(&tuple, &AddressTuple::V4 { ip: ip.to_string(), port });
        let AddressTuple::V4 { ip: text, port: back } = tuple else { unreachable!() };
        prop_assert_eq!(parse_address(&text, back, 0, None), Ok(addr));
    }

    /// IPv6: ip, port, flowinfo (20 bits, as the API takes it) and scope id
    /// come back out of format_address as given, the ip canonical.
    #[test]
    fn ipv6_round_trips(ip in any_ipv6(), port in any::<u16>(), flowinfo in 0u32..=0xFFFFF, scope_id in any::<u32>()) {
        let addr = parse_address(&ip.to_string(), port, flowinfo, Some(scope_id)).expect("a canonical literal parses");
        let v6 = v6_of(addr);
        prop_assert_eq!(*v6.ip(), ip);
        prop_assert_eq!(v6.port(), port);
        prop_assert_eq!(v6.scope_id(), scope_id);
        // Kept as the kernel keeps sin6_flowinfo: network byte order.
        prop_assert_eq!(v6.flowinfo(), flowinfo.to_be());
        let tuple = format_address(&addr);
        prop_assert_eq!(&tuple, &AddressTuple::V6 { ip: ip.to_string(), port, flowinfo, scope_id });
        let AddressTuple::V6 { ip: text, port, flowinfo, scope_id } = tuple else { unreachable!() };
        prop_assert!(!text.contains('%'));
        prop_assert_eq!(parse_address(&text, port, flowinfo, Some(scope_id)), Ok(addr));
    }

    /// Any 32-bit flowinfo survives parse and format, whatever its bits: the
    /// core converts the byte order and masks nothing (the JS layer checks
    /// the 20-bit range before).
    #[test]
    fn every_flowinfo_bit_survives(ip in any_ipv6(), flowinfo in any::<u32>()) {
        let addr = parse_address(&ip.to_string(), 1, flowinfo, None).expect("parses");
        match format_address(&addr) {
            AddressTuple::V6 { flowinfo: back, .. } => prop_assert_eq!(back, flowinfo),
            other => prop_assert!(false, "expected IPv6, got {:?}", other),
        }
    }

    /// An address as the kernel hands it over (flowinfo in network order)
    /// formats with flowinfo in host order.
    #[test]
    fn kernel_flowinfo_is_formatted_in_host_order(ip in any_ipv6(), port in any::<u16>(), flowinfo in any::<u32>(), scope_id in any::<u32>()) {
        let from_kernel = SocketAddr::V6(SocketAddrV6::new(ip, port, flowinfo.to_be(), scope_id));
        prop_assert_eq!(
            format_address(&from_kernel),
            AddressTuple::V6 { ip: ip.to_string(), port, flowinfo, scope_id }
        );
    }

    /// Every valid spelling of an IPv6 address (leading zeros, either case,
    /// `::` anywhere a zero run is, a dotted tail) parses to that address and
    /// formats canonically.
    #[test]
    fn every_ipv6_spelling_parses_to_the_same_address(ip in any_ipv6(), spelling in any_spelling()) {
        let text = spell(ip, &spelling);
        prop_assert_eq!(parse_ip(&text), Ok((IpAddr::V6(ip), None)), "{}", text);
        let addr = parse_address(&text, 7, 0, None).expect("parses");
        match format_address(&addr) {
            AddressTuple::V6 { ip: canonical, .. } => prop_assert_eq!(canonical, ip.to_string()),
            other => prop_assert!(false, "expected IPv6, got {:?}", other),
        }
    }

    /// A v4-mapped address formats as ::ffff:a.b.c.d and parses back.
    #[test]
    fn v4_mapped_formats_dotted_and_round_trips(v4 in any_ipv4(), port in any::<u16>()) {
        let addr = SocketAddr::V6(SocketAddrV6::new(v4.to_ipv6_mapped(), port, 0, 0));
        let tuple = format_address(&addr);
        prop_assert_eq!(&tuple, &AddressTuple::V6 { ip: format!("::ffff:{v4}"), port, flowinfo: 0, scope_id: 0 });
        prop_assert_eq!(parse_address(&format!("::ffff:{v4}"), port, 0, Some(0)), Ok(addr));
    }

    /// A numeric zone is the scope id (leading zeros allowed) unless the tuple
    /// gives one; formatting drops the zone and reports the scope id.
    #[test]
    fn numeric_zone_sets_scope_id_unless_given(ip in any_ipv6(), zone in any::<u32>(), zeros in 0usize..3, given in any::<Option<u32>>(), port in any::<u16>()) {
        let text = format!("{ip}%{}{zone}", "0".repeat(zeros));
        prop_assert_eq!(parse_ip(&text), Ok((IpAddr::V6(ip), Some(zone))));
        let addr = parse_address(&text, port, 0, given).expect("parses");
        let scope_id = given.unwrap_or(zone);
        prop_assert_eq!(v6_of(addr).scope_id(), scope_id);
        prop_assert_eq!(format_address(&addr), AddressTuple::V6 { ip: ip.to_string(), port, flowinfo: 0, scope_id });
    }

    /// A zone too large for a u32 names no interface.
    #[test]
    fn numeric_zone_beyond_u32_is_an_unknown_interface(ip in any_ipv6(), zone in (u64::from(u32::MAX) + 1)..=u64::MAX) {
        prop_assert_eq!(
            parse_ip(&format!("{ip}%{zone}")),
            Err(AddressError::UnknownInterface(zone.to_string()))
        );
    }

    /// A zone by name is the interface's index; formatting drops it.
    #[cfg(unix)]
    #[test]
    fn named_zone_is_the_interface_index(ip in any_ipv6(), port in any::<u16>()) {
        let (lo, index) = loopback();
        let addr = parse_address(&format!("{ip}%{lo}"), port, 0, None).expect("parses");
        prop_assert_eq!(format_address(&addr), AddressTuple::V6 { ip: ip.to_string(), port, flowinfo: 0, scope_id: index });
    }

    /// A name no interface has is UnknownInterface, never a panic or a guess.
    #[test]
    fn unknown_zone_name_is_an_unknown_interface(ip in any_ipv6(), name in "nosuchif[a-z0-9]{1,6}") {
        prop_assert_eq!(
            parse_ip(&format!("{ip}%{name}")),
            Err(AddressError::UnknownInterface(name.clone()))
        );
        prop_assert_eq!(interface_index(&name), Err(AddressError::UnknownInterface(name)));
    }

    /// IPv4 takes no zone, whatever the zone.
    #[test]
    fn ipv4_with_a_zone_is_invalid(ip in any_ipv4(), zone in "[a-z0-9]{0,8}") {
        let text = format!("{ip}%{zone}");
        prop_assert_eq!(parse_ip(&text), Err(AddressError::InvalidIp(text.clone())));
    }

    /// No string makes the parsers panic; what they accept is an IP literal
    /// (or one of the two names), and anything else is an error naming it.
    #[test]
    fn no_string_panics_the_parsers(text in any::<String>(), port in any::<u16>(), flowinfo in any::<u32>(), scope_id in any::<Option<u32>>()) {
        match parse_ip(&text) {
            Ok((ip, zone)) => {
                let literal = text.split_once('%').map_or(text.as_str(), |(literal, _)| literal);
                let plain = match literal {
                    "" => Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
                    "<broadcast>" => Some(IpAddr::V4(Ipv4Addr::BROADCAST)),
                    other => other.parse::<IpAddr>().ok(),
                };
                prop_assert_eq!(plain, Some(ip), "{:?}", text);
                prop_assert_eq!(zone.is_some(), text.contains('%'));
            }
            Err(AddressError::InvalidIp(echo)) => prop_assert_eq!(echo, text.clone()),
            Err(AddressError::UnknownInterface(name)) => prop_assert!(text.ends_with(&name)),
        }
        let _ = parse_address(&text, port, flowinfo, scope_id);
        let _ = parse_ipv6_interface(&text);
        let _ = interface_index(&text);
    }

    /// Near-misses of IP literals (truncated, extended, with junk spliced in)
    /// are errors, never panics, and never silently another address.
    #[test]
    fn mangled_literals_never_panic(ip in any_ipv6(), spelling in any_spelling(), cut in any::<prop::sample::Index>(), junk in "[:.%0-9a-fA-FgG\\[\\] ]{0,4}") {
        let text = spell(ip, &spelling);
        let at = cut.index(text.len() + 1);
        let mangled = format!("{}{junk}{}", &text[..at], &text[at..]);
        if let Ok((IpAddr::V6(parsed), None)) = parse_ip(&mangled) {
            // Still a valid literal: then exactly what std makes of it.
            prop_assert_eq!(Some(parsed), mangled.parse::<Ipv6Addr>().ok());
        }
        let _ = parse_address(&mangled, 1, 0, None);
        let _ = parse_ipv6_interface(&mangled);
    }
}

// ---------------------------------------------------------------- fixed points the properties lean on

#[test]
fn the_two_names_and_their_zones() {
    assert_eq!(
        parse_address("", 5, 9, Some(9)),
        Ok(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 5)))
    );
    assert_eq!(
        parse_address("<broadcast>", 5, 0, None),
        Ok(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::BROADCAST, 5)))
    );
    for text in ["%1", "<broadcast>%1"] {
        assert_eq!(
            parse_ip(text),
            Err(AddressError::InvalidIp(text.to_owned()))
        );
    }
}

#[test]
fn spell_makes_valid_non_canonical_literals() {
    let ip: Ipv6Addr = "2001:db8::1".parse().expect("literal");
    let spelling = Spelling {
        pad: [4; 8],
        upper: [true; 8],
        compress: 0,
        use_compress: false,
        dotted_tail: false,
    };
    assert_eq!(
        spell(ip, &spelling),
        "2001:0DB8:0000:0000:0000:0000:0000:0001"
    );
    let dotted = Spelling {
        dotted_tail: true,
        use_compress: true,
        ..spelling
    };
    let text = spell(ip, &dotted);
    assert_eq!(text.parse::<Ipv6Addr>(), Ok(ip), "{text}");
}
