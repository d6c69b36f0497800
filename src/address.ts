/**
 * Address tuples: their types, the checks on what callers pass, and the
 * conversion from and to the binding's address object (`SocketAddress`,
 * taken and given by its cold calls: bind, connect, getsockname,
 * getpeername).
 */
import type { SocketAddress } from '../binding'

import { type Label, labelText } from './label'

/** An IPv4 address: `[host, port]`. */
export type Address4 = [host: string, port: number]
/** An IPv6 address: `[host, port, flowinfo, scope_id]`. */
export type Address6 = [host: string, port: number, flowinfo: number, scope_id: number]
/** Any address a method takes. */
export type Address = Address4 | [host: string, port: number, flowinfo: number] | Address6

/** An address taken apart: host, port, flowinfo, scope_id (undefined when not given). */
export type AddressParts = [host: string, port: number, flowinfo: number, scopeId: number | undefined]

/** Checks an integer argument: `TypeError` when not a number, `RangeError` out of `[min, max]`. */
export function checkInteger(value: unknown, what: string, min: number, max: number): number {
  return checkPart(value, what, undefined, min, max)
}

// checkInteger for `what`'s `part`: the name's text is made only for an error.
function checkPart(value: unknown, what: Label, part: string | undefined, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${labelText(what, part)} must be a number, got ${describe(value)}`)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${labelText(what, part)} must be an integer from ${min} to ${max}, got ${String(value)}`)
  }
  return value
}

/** Checks an address tuple; the host's IP syntax is checked by the core. */
export function addressParts(value: unknown, what: Label = 'address'): AddressParts {
  if (!Array.isArray(value)) {
    throw new TypeError(`${labelText(what)} must be an array [host, port, flowinfo?, scope_id?], got ${describe(value)}`)
  }
  if (value.length < 2 || value.length > 4) {
    throw new TypeError(`${labelText(what)} must have 2 to 4 elements, got ${value.length}`)
  }
  const host: unknown = value[0]
  if (typeof host !== 'string') throw new TypeError(`${labelText(what, 'host')} must be a string, got ${describe(host)}`)
  const port = checkPart(value[1], what, 'port', 0, 65535)
  const flowinfo = value.length > 2 ? checkPart(value[2], what, 'flowinfo', 0, 0xfffff) : 0
  const scopeId = value.length > 3 ? checkPart(value[3], what, 'scope_id', 0, 0xffffffff) : undefined
  return [host, port, flowinfo, scopeId]
}

/** The binding's address object for checked parts (`scopeId` undefined: none given). */
export function socketAddress(parts: AddressParts): SocketAddress {
  return { host: parts[0], port: parts[1], flowinfo: parts[2], scopeId: parts[3] }
}

/**
 * pyuv's tuple for an address object of the binding: `[ip, port]` for IPv4,
 * `[ip, port, flowinfo, scope_id]` for IPv6 (the one that has a scope id),
 * frozen as a Python tuple is (and as the receive callbacks' tuples are).
 */
export function addressTuple(address: SocketAddress): Address4 | Address6 {
  const { host, port, flowinfo, scopeId } = address
  const tuple: Address4 | Address6 = scopeId === undefined ? [host, port] : [host, port, flowinfo ?? 0, scopeId]
  Object.freeze(tuple)
  return tuple
}

/**
 * A short description of a value for error messages. It reads no property
 * of the value: a getter that throws, or a Proxy, cannot run from here.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'bigint') return `bigint ${value}n`
  return `${typeof value} ${String(value)}`
}
