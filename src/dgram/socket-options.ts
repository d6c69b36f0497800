/**
 * The socket options of `node:dgram`'s `Socket` on the handle, with Node's
 * checks and errors: TTLs, multicast memberships (source-specific too),
 * buffer sizes, and the addresses it reports.
 */
import { isIP } from 'node:net'

import { UV_JOIN_GROUP, UV_LEAVE_GROUP } from '../constants'
import { errno } from '../errno'
import type { UDP } from '../udp'

import { type AddressInfo, addressInfo } from './address-info'
import { codeOf, errnoException, missingArgs, socketBadBufferSize, socketBufferSize, socketNotConnected } from './errors'
import { handles } from './socket-handles'
import { validateNumber, validateString } from './validate'

/** Runs `set`, throwing the handle's error as Node's `'<syscall> <CODE>'`. */
export function setOption(syscall: string, set: () => void): void {
  try {
    set()
  } catch (error) {
    throw errnoException(codeOf(error), syscall)
  }
}

/**
 * `setTTL` / `setMulticastTTL`: `ttl` a number, `handle()` the running
 * handle; as Node's binding, the value is an int32 (1.5 is 1) that libuv
 * checks against `min`..255 before the socket.
 */
export function setHops(ttl: unknown, handle: () => UDP, min: number, syscall: string, set: (udp: UDP, value: number) => void): void {
  validateNumber(ttl, 'ttl')
  const udp = handle()
  const value = ttl | 0
  if (value < min || value > 255) throw errnoException(errno.UV_EINVAL, syscall)
  setOption(syscall, () => set(udp, value))
}

/**
 * An address of a membership as libuv reads it (inet_pton): the handle reads
 * `''` and `'<broadcast>'` in pyuv's way (the wildcard, 255.255.255.255),
 * libuv refuses them, so node:dgram throws EINVAL.
 */
function ipLiteral(address: string, syscall: string): string {
  if (address === '' || address === '<broadcast>') throw errnoException(errno.UV_EINVAL, syscall)
  return address
}

/** `addMembership` / `dropMembership` (`membership` is UV_JOIN_GROUP or UV_LEAVE_GROUP). */
export function setMembership(udp: UDP, syscall: string, group: unknown, iface: unknown, membership: number): void {
  if (!group) throw missingArgs('multicastAddress')
  const local = iface === undefined || iface === null ? undefined : ipLiteral(String(iface), syscall)
  const address = String(group)
  try {
    udp.set_membership(address, membership, local)
  } catch (error) {
    let code = codeOf(error)
    // uv-udp refuses a unicast group with EINVAL before asking the kernel;
    // libuv asks, and leaving a group never joined is EADDRNOTAVAIL.
    if (code === errno.UV_EINVAL && membership === UV_LEAVE_GROUP && isIP(address) !== 0) code = errno.UV_EADDRNOTAVAIL
    throw errnoException(code, syscall)
  }
}

/** `addSourceSpecificMembership` / `dropSourceSpecificMembership`. */
export function setSourceMembership(udp: UDP, syscall: string, source: unknown, group: unknown, iface: unknown, membership: number): void {
  validateString(source, 'sourceAddress')
  validateString(group, 'groupAddress')
  const local = iface === undefined || iface === null ? undefined : ipLiteral(String(iface), syscall)
  const from = ipLiteral(source, syscall)
  setOption(syscall, () => udp.set_source_membership(group, local, from, membership))
}

/** SO_RCVBUF (`receive`) or SO_SNDBUF: sets `size`, or reads it when 0; `handle()` is the running handle. */
export function bufferSize(size: unknown, receive: boolean, handle: () => UDP): number {
  // Node's test, as written: a BigInt throws V8's TypeError, an object's valueOf runs.
  if ((size as number) >>> 0 !== size) throw socketBadBufferSize()
  const udp = handle()
  try {
    if (receive) {
      if (size !== 0) udp.receive_buffer_size = size
      return size === 0 ? udp.receive_buffer_size : size
    }
    if (size !== 0) udp.send_buffer_size = size
    return size === 0 ? udp.send_buffer_size : size
  } catch (error) {
    throw socketBufferSize(codeOf(error), receive ? 'uv_recv_buffer_size' : 'uv_send_buffer_size')
  }
}

/** `address()`: the bound address. */
export function localAddress(udp: UDP): AddressInfo {
  try {
    return addressInfo(udp.getsockname())
  } catch (error) {
    const code = codeOf(error)
    // libuv answers EBADF for a handle without a socket (uv_fileno).
    throw errnoException(code === errno.UV_EINVAL ? errno.UV_EBADF : code, 'getsockname')
  }
}

/** `remoteAddress()`'s peer, once connected. */
export function peerAddress(udp: UDP): AddressInfo {
  try {
    return addressInfo(udp.getpeername())
  } catch (error) {
    throw errnoException(codeOf(error), 'getpeername')
  }
}

/**
 * `Socket`'s methods for its options and addresses, copied onto
 * `Socket.prototype` by socket.ts (the class has them as its own; see
 * socket-handles.ts).
 */
export class SocketOptionMethods {
  /** The bound address `{ address, family, port }`. */
  address(): AddressInfo {
    return localAddress(handles.running(this))
  }

  /** The connected peer; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
  remoteAddress(): AddressInfo {
    const udp = handles.running(this)
    if (!handles.connected(this)) throw socketNotConnected()
    return peerAddress(udp)
  }

  /** SO_BROADCAST. */
  setBroadcast(flag: boolean): void {
    const udp = handles.running(this)
    setOption('setBroadcast', () => udp.set_broadcast(Boolean(flag)))
  }

  /** IP_TTL / IPV6_UNICAST_HOPS, 1..255. */
  setTTL(ttl: number): number {
    setHops(ttl, () => handles.running(this), 1, 'setTTL', (udp, value) => udp.set_ttl(value))
    return ttl
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255. */
  setMulticastTTL(ttl: number): number {
    setHops(ttl, () => handles.running(this), 0, 'setMulticastTTL', (udp, value) => udp.set_multicast_ttl(value))
    return ttl
  }

  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP; returns `flag`. */
  setMulticastLoopback(flag: boolean): boolean {
    const udp = handles.running(this)
    setOption('setMulticastLoopback', () => udp.set_multicast_loop(Boolean(flag)))
    return flag
  }

  /** The interface multicast leaves by: a local IPv4 address, or `'::%ifname'` / `'%ifname'` for IPv6. */
  setMulticastInterface(multicastInterface: string): void {
    const udp = handles.running(this)
    validateString(multicastInterface, 'interfaceAddress')
    setOption('setMulticastInterface', () => udp.set_multicast_interface(multicastInterface))
  }

  /** Joins a multicast group (IP_ADD_MEMBERSHIP); an unbound socket binds to the wildcard first. */
  addMembership(multicastAddress: string, multicastInterface?: string): void {
    setMembership(handles.running(this), 'addMembership', multicastAddress, multicastInterface, UV_JOIN_GROUP)
  }

  /** Leaves a multicast group (IP_DROP_MEMBERSHIP). */
  dropMembership(multicastAddress: string, multicastInterface?: string): void {
    setMembership(handles.running(this), 'dropMembership', multicastAddress, multicastInterface, UV_LEAVE_GROUP)
  }

  /** Joins a source-specific group (IGMPv3 / MLDv2). */
  addSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    const udp = handles.running(this)
    setSourceMembership(udp, 'addSourceSpecificMembership', sourceAddress, groupAddress, multicastInterface, UV_JOIN_GROUP)
  }

  /** Leaves a source-specific group. */
  dropSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    const udp = handles.running(this)
    setSourceMembership(udp, 'dropSourceSpecificMembership', sourceAddress, groupAddress, multicastInterface, UV_LEAVE_GROUP)
  }

  /** SO_RCVBUF. */
  setRecvBufferSize(size: number): void {
    bufferSize(size, true, () => handles.running(this))
  }

  /** SO_SNDBUF. */
  setSendBufferSize(size: number): void {
    bufferSize(size, false, () => handles.running(this))
  }

  /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
  getRecvBufferSize(): number {
    return bufferSize(0, true, () => handles.running(this))
  }

  /** SO_SNDBUF as the OS reports it. */
  getSendBufferSize(): number {
    return bufferSize(0, false, () => handles.running(this))
  }

  /** Bytes waiting in the send queue. */
  getSendQueueSize(): number {
    return handles.handle(this).send_queue_size
  }

  /** Sends waiting in the send queue. */
  getSendQueueCount(): number {
    return handles.handle(this).send_queue_count
  }

  /** The socket keeps the process alive while bound (the default). */
  ref(): this {
    handles.setReferenced(this, true)
    return this
  }

  /** The socket no longer keeps the process alive. */
  unref(): this {
    handles.setReferenced(this, false)
    return this
  }
}
