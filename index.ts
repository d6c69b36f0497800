/**
 * uv-udp: pyuv's `UDP` handle for Node.js and TypeScript, on a Rust core.
 *
 * The contract is the README's API reference (README.md, "API reference"):
 * the same class, method names,
 * address tuples, callbacks and error codes as pyuv, so a pyuv program ports
 * line by line.
 */
export { Loop } from './src/loop'
export { backend } from './src/backend'
export { UDP, type RecvCallback, type RecvOptions, type PacketInfo, type SendCallback, type CloseCallback } from './src/udp'
export { UVError, HandleError, UDPError, HandleClosedError } from './src/errors'
export { errno, type Errno } from './src/errno'
export {
  AF_UNSPEC,
  AF_INET,
  AF_INET6,
  UV_UDP_IPV6ONLY,
  UV_UDP_PARTIAL,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
} from './src/constants'
export type { Address, Address4, Address6 } from './src/address'
export type { Data } from './src/data'
