//! Multicast options and group membership, IPv4 and IPv6.
//!
//! Arguments arrive as the strings the API takes; an unparsable group or
//! interface is `UV_EINVAL` here (libuv's answer), not a type error.

use std::net::{IpAddr, Ipv4Addr};

use crate::address::{parse_ip, parse_ipv6_interface, AddressError};
use crate::error::{EINVAL, ENODEV};
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

impl Udp {
    /// Joins or leaves `group` (`IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP` and
    /// their drops). An unbound handle binds to the group family's wildcard
    /// with `UV_UDP_REUSEADDR`, as libuv does.
    pub fn set_membership(
        &mut self,
        group: &str,
        iface: Option<&str>,
        membership: u32,
    ) -> Result<(), UvError> {
        let join = match membership {
            UV_JOIN_GROUP => true,
            UV_LEAVE_GROUP => false,
            _ => return Err(EINVAL),
        };
        let (group, _) = parse_ip(group).map_err(uv_error)?;
        if !group.is_multicast() {
            return Err(EINVAL);
        }
        let family = if group.is_ipv4() { AF_INET } else { AF_INET6 };
        self.ensure_bound(family, UV_UDP_REUSEADDR)?;
        if self.family()? != family {
            return Err(EINVAL);
        }
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

    /// `IP_MULTICAST_IF` / `IPV6_MULTICAST_IF`; none means the OS default.
    /// An interface of the other family: `UV_EINVAL`.
    pub fn set_multicast_interface(&self, iface: Option<&str>) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        if self.family()? == AF_INET {
            Ok(sock.set_multicast_if_v4(&ipv4_interface(iface)?)?)
        } else {
            Ok(sock.set_multicast_if_v6(ipv6_interface(iface)?)?)
        }
    }

    /// `IP_MULTICAST_TTL` / `IPV6_MULTICAST_HOPS`.
    pub fn set_multicast_ttl(&self, ttl: u32) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
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
