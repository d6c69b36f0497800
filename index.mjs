// ES module entry: the CommonJS build re-exported under the same names.
import uvUdp from './index.js'

export const {
  Loop,
  UDP,
  backend,
  UVError,
  HandleError,
  UDPError,
  HandleClosedError,
  errno,
  AF_UNSPEC,
  AF_INET,
  AF_INET6,
  UV_UDP_IPV6ONLY,
  UV_UDP_PARTIAL,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
} = uvUdp
export default uvUdp
