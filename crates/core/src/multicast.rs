//! Multicast options and group membership, IPv4 and IPv6.
//!
//! Arguments arrive as the strings the API takes; an unparsable group or
//! interface is `UV_EINVAL` here (libuv's answer), not a type error.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use socket2::SockRef;

use crate::address::{parse_ip, parse_ipv6_interface, AddressError};
use crate::error::{EINVAL, ENODEV, ENOPROTOOPT};
use crate::flags::{AF_INET, AF_INET6, UV_JOIN_GROUP, UV_LEAVE_GROUP, UV_UDP_REUSEADDR};
use crate::udp::Udp;
use crate::UvError;

fn uv_error(e: AddressError) -> UvError {
    match e {
        AddressError::InvalidIp(_) => EINVAL,
        AddressError::UnknownInterface(_) => ENODEV,
    }
}

/// The local IPv4 address naming an interface; none or `''` is the OS's choice.
fn ipv4_interface(iface: Option<&str>) -> Result<Ipv4Addr, UvError> {
    match iface {
        None | Some("") => Ok(Ipv4Addr::UNSPECIFIED),
        Some(text) => match parse_ip(text).map_err(uv_error)? {
            (IpAddr::V4(ip), None) => Ok(ip),
            _ => Err(EINVAL),
        },
    }
}

fn ipv6_interface(iface: Option<&str>) -> Result<u32, UvError> {
    parse_ipv6_interface(iface.unwrap_or("")).map_err(uv_error)
}

/// `UV_JOIN_GROUP` is a join, `UV_LEAVE_GROUP` a leave; anything else `UV_EINVAL`.
fn is_join(membership: u32) -> Result<bool, UvError> {
    match membership {
        UV_JOIN_GROUP => Ok(true),
        UV_LEAVE_GROUP => Ok(false),
        _ => Err(EINVAL),
    }
}

impl Udp {
    /// A multicast group; a handle without a socket gets one bound to the
    /// group family's wildcard with `UV_UDP_REUSEADDR`, as libuv does. As in
    /// libuv, a group of the other family than the socket's is the kernel's
    /// to judge: an IPv4 group on an IPv6 socket is joined (dual stack), an
    /// IPv6 group on an IPv4 socket is `UV_ENOPROTOOPT`.
    fn group(&mut self, group: &str) -> Result<IpAddr, UvError> {
        let (group, _) = parse_ip(group).map_err(uv_error)?;
        if !group.is_multicast() {
            return Err(EINVAL);
        }
        let family = if group.is_ipv4() { AF_INET } else { AF_INET6 };
        self.ensure_bound(family, UV_UDP_REUSEADDR)?;
        Ok(group)
    }

    /// Joins or leaves `group` (`IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP` and
    /// their drops). An unbound handle binds to the group family's wildcard
    /// with `UV_UDP_REUSEADDR`, as libuv does.
    pub fn set_membership(
        &mut self,
        group: &str,
        iface: Option<&str>,
        membership: u32,
    ) -> Result<(), UvError> {
        let join = is_join(membership)?;
        let group = self.group(group)?;
        let sock = self.sock_ref()?;
        match group {
            IpAddr::V4(group) => {
                let iface = ipv4_interface(iface)?;
                if join {
                    Ok(sock.join_multicast_v4(&group, &iface)?)
                } else {
                    Ok(sock.leave_multicast_v4(&group, &iface)?)
                }
            }
            IpAddr::V6(group) => {
                let index = ipv6_interface(iface)?;
                if join {
                    Ok(sock.join_multicast_v6(&group, index)?)
                } else {
                    Ok(sock.leave_multicast_v6(&group, index)?)
                }
            }
        }
    }

    /// Source-specific membership (IGMPv3 / MLDv2): `IP_ADD_SOURCE_MEMBERSHIP`
    /// and `MCAST_JOIN_SOURCE_GROUP`, and their drops. Arguments in libuv's
    /// order. Group and source must be of one family, the group multicast.
    pub fn set_source_membership(
        &mut self,
        group: &str,
        iface: Option<&str>,
        source: &str,
        membership: u32,
    ) -> Result<(), UvError> {
        let join = is_join(membership)?;
        let (source, _) = parse_ip(source).map_err(uv_error)?;
        let group = self.group(group)?;
        if group.is_ipv4() != source.is_ipv4() {
            return Err(EINVAL);
        }
        let sock = self.sock_ref()?;
        match (group, source) {
            (IpAddr::V4(group), IpAddr::V4(source)) => {
                let iface = ipv4_interface(iface)?;
                if join {
                    Ok(sock.join_ssm_v4(&source, &group, &iface)?)
                } else {
                    Ok(sock.leave_ssm_v4(&source, &group, &iface)?)
                }
            }
            (IpAddr::V6(group), IpAddr::V6(source)) => {
                source_membership_v6(&sock, group, source, ipv6_interface(iface)?, join)
            }
            _ => Err(EINVAL),
        }
    }

    /// `IP_MULTICAST_IF` / `IPV6_MULTICAST_IF`; none means the OS default of
    /// the socket's family. As libuv's `uv_udp_set_multicast_interface`: an
    /// IPv4 literal sets `IP_MULTICAST_IF` (on an IPv6 socket too: dual
    /// stack), an IPv6 literal `IPV6_MULTICAST_IF` to its zone's interface
    /// (on an IPv4 socket the kernel's `UV_ENOPROTOOPT`); anything else,
    /// `''` included, is `UV_EINVAL`.
    pub fn set_multicast_interface(&self, iface: Option<&str>) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        let Some(text) = iface else {
            return if self.family()? == AF_INET {
                Ok(sock.set_multicast_if_v4(&Ipv4Addr::UNSPECIFIED)?)
            } else {
                Ok(sock.set_multicast_if_v6(0)?)
            };
        };
        if let Ok(v4) = text.parse::<Ipv4Addr>() {
            return Ok(sock.set_multicast_if_v4(&v4)?);
        }
        let literal = text.split_once('%').map_or(text, |(literal, _)| literal);
        if literal.parse::<Ipv6Addr>().is_err() {
            return Err(EINVAL);
        }
        // An IPv6 interface on an IPv4 socket: the kernel's answer to
        // libuv's IPV6_MULTICAST_IF, whatever the zone names (libuv reads
        // an unknown zone as scope 0 before asking).
        if self.family()? == AF_INET {
            return Err(ENOPROTOOPT);
        }
        let (_, zone) = parse_ip(text).map_err(uv_error)?;
        Ok(sock.set_multicast_if_v6(zone.unwrap_or(0))?)
    }

    /// `IP_MULTICAST_TTL` / `IPV6_MULTICAST_HOPS`; outside 0..=255
    /// `UV_EINVAL`, libuv's own check.
    pub fn set_multicast_ttl(&self, ttl: i64) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        let ttl = u32::try_from(ttl)
            .ok()
            .filter(|ttl| *ttl <= 255)
            .ok_or(EINVAL)?;
        if self.family()? == AF_INET {
            Ok(sock.set_multicast_ttl_v4(ttl)?)
        } else {
            Ok(sock.set_multicast_hops_v6(ttl)?)
        }
    }

    /// `IP_MULTICAST_LOOP` / `IPV6_MULTICAST_LOOP`.
    pub fn set_multicast_loop(&self, on: bool) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        if self.family()? == AF_INET {
            Ok(sock.set_multicast_loop_v4(on)?)
        } else {
            Ok(sock.set_multicast_loop_v6(on)?)
        }
    }
}

/// `MCAST_JOIN_SOURCE_GROUP` / `MCAST_LEAVE_SOURCE_GROUP` for IPv6, which
/// socket2 does not wrap.
#[cfg(target_os = "linux")]
fn source_membership_v6(
    sock: &SockRef<'_>,
    group: Ipv6Addr,
    source: Ipv6Addr,
    index: u32,
    join: bool,
) -> Result<(), UvError> {
    use std::os::fd::AsRawFd;
    fn storage(ip: Ipv6Addr) -> libc::sockaddr_storage {
        // SAFETY: all-zero is a valid sockaddr_storage.
        let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        // SAFETY: sockaddr_storage is large and aligned enough for a
        // sockaddr_in6, which is plain data.
        let sin6 = unsafe {
            &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
        };
        sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
        sin6.sin6_addr.s6_addr = ip.octets();
        storage
    }
    let request = libc::group_source_req {
        gsr_interface: index,
        gsr_group: storage(group),
        gsr_source: storage(source),
    };
    let option = if join {
        libc::MCAST_JOIN_SOURCE_GROUP
    } else {
        libc::MCAST_LEAVE_SOURCE_GROUP
    };
    // SAFETY: the pointer and length describe `request`, alive for the call.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            libc::IPPROTO_IPV6,
            option,
            (&request as *const libc::group_source_req).cast(),
            std::mem::size_of::<libc::group_source_req>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
use source_membership_v6_unsupported as source_membership_v6;

/// Systems without `MCAST_JOIN_SOURCE_GROUP` in libc: not supported.
/// Compiled everywhere so that the branch cannot rot on Linux.
#[cfg_attr(target_os = "linux", allow(dead_code))]
fn source_membership_v6_unsupported(
    _sock: &SockRef<'_>,
    _group: Ipv6Addr,
    _source: Ipv6Addr,
    _index: u32,
    _join: bool,
) -> Result<(), UvError> {
    Err(crate::error::ENOTSUP)
}
