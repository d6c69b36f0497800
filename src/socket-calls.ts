/**
 * The handle's calls on its socket other than sending and receiving: its
 * addresses, options, multicast memberships and buffer sizes. Each checks
 * its arguments (JS types here, values by the core), then makes the
 * binding's call, its errors as this library's.
 */
import type { NativeUdp } from '../binding'

import { type Address4, type Address6, addressParts, addressTuple, checkInteger, describe, socketAddress } from './address'
import { checkBoolean, checkInterface, checkNumber, checkString, checkTtl } from './checks'
import { UV_JOIN_GROUP, UV_LEAVE_GROUP } from './constants'
import { errno } from './errno'
import { UDPError, fromNative } from './errors'

/** Options of `start_recv`. */
export interface RecvOptions {
  /** Report each datagram's destination address and interface (IP_PKTINFO / IPV6_RECVPKTINFO). */
  pktinfo?: boolean
}

/** `ref`'s setter: a boolean. */
export function setRef(native: NativeUdp, value: unknown): void {
  try {
    native.setRef(checkBoolean(value, 'ref'))
  } catch (error) {
    throw fromNative(error)
  }
}

/** `bind`: to `address`, with `flags` (`UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT`). */
export function bind(native: NativeUdp, address: unknown, flags: unknown): void {
  const parts = addressParts(address)
  const checked = checkInteger(flags, 'flags', 0, 0xffffffff)
  try {
    native.bind(socketAddress(parts), checked)
  } catch (error) {
    throw fromNative(error, 'address')
  }
}

/** `open`: adopts the datagram socket `fd`. */
export function open(native: NativeUdp, fd: unknown, ipOnly = false): void {
  const checked = checkInteger(fd, 'fd', -0x80000000, 0x7fffffff)
  try {
    native.open(checked, ipOnly)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `connect`: to `address`; `null` disconnects. */
export function connect(native: NativeUdp, address: unknown): void {
  const parts = address === null ? null : addressParts(address)
  try {
    native.connect(parts === null ? null : socketAddress(parts))
  } catch (error) {
    throw fromNative(error, 'address')
  }
}

/**
 * `start_recv`'s socket side: its options checked, then the binding starts
 * reading (`UV_EALREADY` when it already is); whether pktinfo was asked for.
 */
export function startRecv(native: NativeUdp, options: unknown): boolean {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError(`options must be an object, got ${describe(options)}`)
  }
  const recv = options as RecvOptions | undefined
  const pktinfo = recv?.pktinfo === undefined ? false : checkBoolean(recv.pktinfo, 'options.pktinfo')
  try {
    native.startRecv(pktinfo)
  } catch (error) {
    throw fromNative(error)
  }
  return pktinfo
}

/** `stop_recv`'s socket side: the binding stops reading (it never throws on an open handle). */
export function stopRecv(native: NativeUdp): void {
  native.stopRecv()
}

/** `getsockname`: the bound address. */
export function getsockname(native: NativeUdp): Address4 | Address6 {
  try {
    return addressTuple(native.getsockname())
  } catch (error) {
    throw fromNative(error)
  }
}

/** `getpeername`: the connected peer. */
export function getpeername(native: NativeUdp): Address4 | Address6 {
  try {
    return addressTuple(native.getpeername())
  } catch (error) {
    throw fromNative(error)
  }
}

/** `fileno`: the socket's descriptor. */
export function fileno(native: NativeUdp): number {
  try {
    return native.fileno()
  } catch (error) {
    throw fromNative(error)
  }
}

/** `family`: `AF_INET` or `AF_INET6`. */
export function family(native: NativeUdp): number {
  try {
    return native.family()
  } catch (error) {
    throw fromNative(error)
  }
}

function checkMembership(value: unknown): number {
  const membership = checkNumber(value, 'membership')
  if (membership !== UV_JOIN_GROUP && membership !== UV_LEAVE_GROUP) throw new UDPError(errno.UV_EINVAL)
  return membership
}

/** `set_membership`: joins or leaves a multicast group. */
export function setMembership(native: NativeUdp, multicast_address: unknown, membership: unknown, interface_address: unknown): void {
  const group = checkString(multicast_address, 'multicast_address')
  const join = checkNumber(membership, 'membership')
  const iface = checkInterface(interface_address, 'interface_address')
  checkMembership(join)
  try {
    native.setMembership(group, join, iface)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_source_membership`: joins or leaves a source-specific group, in libuv's argument order. */
export function setSourceMembership(
  native: NativeUdp,
  multicast_address: unknown,
  interface_address: unknown,
  source_address: unknown,
  membership: unknown,
): void {
  const group = checkString(multicast_address, 'multicast_address')
  const iface = checkInterface(interface_address, 'interface_address')
  const source = checkString(source_address, 'source_address')
  const join = checkMembership(membership)
  try {
    native.setSourceMembership(group, iface, source, join)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_multicast_interface`: omitted, the OS default. */
export function setMulticastInterface(native: NativeUdp, interface_address: unknown): void {
  const iface = checkInterface(interface_address, 'interface_address')
  try {
    native.setMulticastInterface(iface)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_multicast_ttl`: an integer; its range is libuv's to check. */
export function setMulticastTtl(native: NativeUdp, ttl: unknown): void {
  const value = checkTtl(ttl, 'ttl')
  try {
    native.setMulticastTtl(value)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_ttl`: an integer; its range is libuv's to check. */
export function setTtl(native: NativeUdp, ttl: unknown): void {
  const value = checkTtl(ttl, 'ttl')
  try {
    native.setTtl(value)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_multicast_loop`: a boolean. */
export function setMulticastLoop(native: NativeUdp, enable: unknown): void {
  const value = checkBoolean(enable, 'enable')
  try {
    native.setMulticastLoop(value)
  } catch (error) {
    throw fromNative(error)
  }
}

/** `set_broadcast`: a boolean. */
export function setBroadcast(native: NativeUdp, enable: unknown): void {
  const value = checkBoolean(enable, 'enable')
  try {
    native.setBroadcast(value)
  } catch (error) {
    throw fromNative(error)
  }
}

/** SO_SNDBUF as the OS reports it. */
export function sendBufferSize(native: NativeUdp): number {
  try {
    return native.getSendBufferSize()
  } catch (error) {
    throw fromNative(error)
  }
}

/** SO_RCVBUF as the OS reports it. */
export function receiveBufferSize(native: NativeUdp): number {
  try {
    return native.getReceiveBufferSize()
  } catch (error) {
    throw fromNative(error)
  }
}

/** SO_SNDBUF; 0 sets nothing: libuv's uv_send_buffer_size reads when given 0. */
export function setSendBufferSize(native: NativeUdp, value: unknown): void {
  const size = checkInteger(value, 'send_buffer_size', 0, 0x7fffffff)
  if (size === 0) return
  try {
    native.setSendBufferSize(size)
  } catch (error) {
    throw fromNative(error)
  }
}

/** SO_RCVBUF; 0 sets nothing: libuv's uv_recv_buffer_size reads when given 0. */
export function setReceiveBufferSize(native: NativeUdp, value: unknown): void {
  const size = checkInteger(value, 'receive_buffer_size', 0, 0x7fffffff)
  if (size === 0) return
  try {
    native.setReceiveBufferSize(size)
  } catch (error) {
    throw fromNative(error)
  }
}
