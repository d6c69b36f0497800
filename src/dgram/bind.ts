/**
 * `bind` as `node:dgram` reads it: its overloads, the listening callback,
 * the flags of the socket's options, and the handle's bind and open with
 * Node's errors.
 */
import { isIP } from 'node:net'

import { UV_UDP_IPV6ONLY, UV_UDP_REUSEADDR, UV_UDP_REUSEPORT } from '../constants'
import { errno } from '../errno'
import type { UDP } from '../udp'

import { codeOf, errnoException, invalidFdType } from './errors'
import { descriptorKind } from './fd-type'
import type { SocketType } from './options'
import { isInt32 } from './validate'

/** `bind`'s options object. */
export interface BindOptions {
  port?: number | undefined
  address?: string | undefined
  exclusive?: boolean | undefined
  fd?: number | undefined
}

/** What `bind(...)` asks for: a descriptor to open, or a host (not yet resolved) and a port. */
export type BindTarget = { fd: number } | { fd: undefined; address: string; port: unknown }

/** The target of `bind(port?, address?, callback?)` or `bind(options, callback?)`, as Node reads them. */
export function bindTarget(port: unknown, address: unknown, type: SocketType): BindTarget {
  let host: unknown
  if (port !== null && typeof port === 'object') {
    const options = port as BindOptions
    if (isInt32(options.fd) && options.fd > 0) return { fd: options.fd }
    host = options.address || ''
    port = options.port
  } else {
    host = typeof address === 'function' ? '' : address
  }
  if (!host) host = type === 'udp4' ? '0.0.0.0' : '::'
  return { fd: undefined, address: host as string, port }
}

/** Calls `callback` (with the socket as `this`) on the next `'listening'`, forgets it on `'error'`. */
export function onceListening(socket: NodeJS.EventEmitter, callback: (this: NodeJS.EventEmitter) => void): void {
  const removeListeners = () => {
    socket.removeListener('error', removeListeners)
    socket.removeListener('listening', onListening)
  }
  const onListening = () => {
    removeListeners()
    callback.call(socket)
  }
  socket.on('error', removeListeners)
  socket.on('listening', onListening)
}

/** The family of an IP literal as dgram's socket types count it: 4, 6, or 0 for anything else. */
export function familyOf(ip: string): number {
  return isIP(ip)
}

/** The bind flags of the socket's options. */
export function bindFlags(reuseAddr: boolean, ipv6Only: boolean, reusePort: boolean): number {
  let flags = 0
  if (reuseAddr) flags |= UV_UDP_REUSEADDR
  if (ipv6Only) flags |= UV_UDP_IPV6ONLY
  if (reusePort) flags |= UV_UDP_REUSEPORT
  return flags
}

/**
 * Binds `udp` and returns 0 or the error's code. The address is an IP of
 * the socket's `family`, the port as Node's binding reads it (a uint32, of
 * which the socket gets the low 16 bits).
 */
export function bindHandle(udp: UDP, family: 4 | 6, ip: string, port: unknown, flags: number): number {
  if (familyOf(ip) !== family) return errno.UV_EINVAL
  // Node's binding reads `port || 0` as a uint32: ToNumber, which throws
  // (a BigInt, a Symbol) out of bind's lookup callback, as there.
  const number = (+((port as number) || 0) >>> 0) & 0xffff
  try {
    udp.bind([ip, number], flags)
    return 0
  } catch (error) {
    return codeOf(error)
  }
}

/** Opens `fd` on `udp` (`bind({ fd })`), with Node's errors. */
export function openHandle(udp: UDP, fd: number): void {
  const kind = descriptorKind(fd)
  if (kind !== 'SOCKET') throw invalidFdType(kind)
  try {
    udp._openIp(fd)
  } catch (error) {
    const code = codeOf(error)
    // Node refuses a socket that is not UDP before opening it: a stream
    // socket (README: always 'TCP' here), or a datagram socket that is not
    // IP (AF_UNIX), which libuv's uv_guess_handle calls UNKNOWN.
    if (code === errno.UV_EINVAL) throw invalidFdType('TCP')
    if (code === errno.UV_EAFNOSUPPORT) throw invalidFdType('UNKNOWN')
    throw errnoException(code, 'open')
  }
}
