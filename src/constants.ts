/** libuv's flag values and the platform's address families. */
import * as binding from '../binding'

/** The platform's `AF_UNSPEC`. */
export const AF_UNSPEC: number = binding.AF_UNSPEC
/** The platform's `AF_INET`. */
export const AF_INET: number = binding.AF_INET
/** The platform's `AF_INET6`. */
export const AF_INET6: number = binding.AF_INET6

/** bind flag: IPv6 only, no dual-stack. */
export const UV_UDP_IPV6ONLY = 1
/** receive flag: the datagram was truncated. */
export const UV_UDP_PARTIAL = 2
/** bind flag: SO_REUSEADDR. */
export const UV_UDP_REUSEADDR = 4
/** bind flag: SO_REUSEPORT. */
export const UV_UDP_REUSEPORT = 64
/** `set_membership`: join. */
export const UV_JOIN_GROUP = 1
/** `set_membership`: leave. */
export const UV_LEAVE_GROUP = 0
