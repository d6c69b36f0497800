/** Addresses in `node:dgram`'s shapes: `{ address, family, port }` and a message's `rinfo`. */
import { networkInterfaces } from 'node:os'

import type { Address4, Address6 } from '../address'

/** What `address()` and `remoteAddress()` return, as `net.AddressInfo`. */
export interface AddressInfo {
  address: string
  family: 'IPv4' | 'IPv6'
  port: number
}

/** Where a message came from, as dgram's `rinfo`; `local` and `interface` only with `{ pktinfo: true }`. */
export interface RemoteInfo extends AddressInfo {
  /** The datagram's size in bytes. */
  size: number
  /** uv-udp extra, with `{ pktinfo: true }`: the local address the datagram was sent to. */
  local?: string
  /** uv-udp extra, with `{ pktinfo: true }`: the index of the interface it came in on. */
  interface?: number
}

/** A tuple from the pyuv API as Node's address object. */
export function addressInfo(tuple: Address4 | Address6): AddressInfo {
  if (tuple.length === 2) return { address: tuple[0], family: 'IPv4', port: tuple[1] }
  return { address: scoped(tuple[0], tuple[3]), family: 'IPv6', port: tuple[1] }
}

/**
 * An IPv6 host with its zone, as Node writes a scoped address: `fe80::1%eth0`
 * (the interface's name; its index when no interface of that index has an
 * IPv6 address to name it by).
 */
export function scoped(host: string, scopeId: number): string {
  if (scopeId === 0) return host
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    if (addresses?.some((address) => address.family === 'IPv6' && address.scopeid === scopeId)) return `${host}%${name}`
  }
  return `${host}%${scopeId}`
}
