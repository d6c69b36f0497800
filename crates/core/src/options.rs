//! Socket options that are not about multicast: broadcast, TTL, buffer sizes.
//! Each method names the option it sets; all need a socket (`UV_EBADF` before).

use crate::flags::AF_INET;
use crate::udp::Udp;
use crate::UvError;

impl Udp {
    /// `SO_BROADCAST`.
    pub fn set_broadcast(&self, on: bool) -> Result<(), UvError> {
        Ok(self.sock_ref()?.set_broadcast(on)?)
    }

    /// `IP_TTL` on IPv4, `IPV6_UNICAST_HOPS` on IPv6; outside 1..=255
    /// `UV_EINVAL`, libuv's own check (Linux would take 0 for IPv6).
    pub fn set_ttl(&self, ttl: i64) -> Result<(), UvError> {
        let sock = self.sock_ref()?;
        let ttl = u32::try_from(ttl)
            .ok()
            .filter(|ttl| (1..=255).contains(ttl))
            .ok_or(crate::error::EINVAL)?;
        if self.family()? == AF_INET {
            Ok(sock.set_ttl_v4(ttl)?)
        } else {
            Ok(sock.set_unicast_hops_v6(ttl)?)
        }
    }

    /// `SO_SNDBUF` as the OS reports it (Linux reports twice what was set).
    pub fn send_buffer_size(&self) -> Result<usize, UvError> {
        Ok(self.sock_ref()?.send_buffer_size()?)
    }

    /// Sets `SO_SNDBUF`.
    pub fn set_send_buffer_size(&self, size: usize) -> Result<(), UvError> {
        Ok(self.sock_ref()?.set_send_buffer_size(size)?)
    }

    /// `SO_RCVBUF` as the OS reports it (Linux reports twice what was set).
    pub fn receive_buffer_size(&self) -> Result<usize, UvError> {
        Ok(self.sock_ref()?.recv_buffer_size()?)
    }

    /// Sets `SO_RCVBUF`.
    pub fn set_receive_buffer_size(&self, size: usize) -> Result<(), UvError> {
        Ok(self.sock_ref()?.set_recv_buffer_size(size)?)
    }
}
