/** libuv's flag values and the platform's address families, as the binding defines them. */
import * as binding from '../binding'

/** The platform's `AF_UNSPEC`. */
export const AF_UNSPEC: number = binding.AF_UNSPEC
/** The platform's `AF_INET`. */
export const AF_INET: number = binding.AF_INET
/** The platform's `AF_INET6`. */
export const AF_INET6: number = binding.AF_INET6

/** bind flag: IPv6 only, no dual-stack. */
export const UV_UDP_IPV6ONLY: number = binding.UV_UDP_IPV6ONLY
/** receive flag: the datagram was truncated. */
export const UV_UDP_PARTIAL: number = binding.UV_UDP_PARTIAL
/** bind flag: SO_REUSEADDR. */
export const UV_UDP_REUSEADDR: number = binding.UV_UDP_REUSEADDR
/** bind flag: SO_REUSEPORT. */
export const UV_UDP_REUSEPORT: number = binding.UV_UDP_REUSEPORT
/** `set_membership`: join. */
export const UV_JOIN_GROUP: number = binding.UV_JOIN_GROUP
/** `set_membership`: leave. */
export const UV_LEAVE_GROUP: number = binding.UV_LEAVE_GROUP
