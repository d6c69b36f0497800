/** `createSocket`'s options, checked as `node:dgram` checks them. */
import type { LookupOneOptions } from 'node:dns'
import type { EventEmitter } from 'node:events'

import { socketBadType } from './errors'
import type { LookupFunction } from './lookup'
import { validateAbortSignal, validateFunction, validateUint32 } from './validate'

/** `'udp4'` or `'udp6'`. */
export type SocketType = 'udp4' | 'udp6'

/** The `lookup` option as `@types/node` declares it (Node passes the family, 4 or 6, as `options`). */
export type NodeLookupFunction = (
  hostname: string,
  options: LookupOneOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
) => void

/** Options of `createSocket`, those of `node:dgram` plus `pktinfo`. */
export interface SocketOptions {
  type: SocketType
  /** SO_REUSEADDR (UV_UDP_REUSEADDR) when binding. */
  reuseAddr?: boolean | undefined
  /** SO_REUSEPORT (UV_UDP_REUSEPORT) when binding, as Node 22.12+. */
  reusePort?: boolean | undefined
  /** IPV6_V6ONLY when binding a `udp6` socket. */
  ipv6Only?: boolean | undefined
  /** SO_RCVBUF, set once bound. */
  recvBufferSize?: number | undefined
  /** SO_SNDBUF, set once bound. */
  sendBufferSize?: number | undefined
  /** Resolves host names instead of `dns.lookup`. */
  lookup?: LookupFunction | NodeLookupFunction | undefined
  /** Closes the socket when aborted. */
  signal?: AbortSignal | undefined
  /** uv-udp extra: each message's `rinfo` gets `local` and `interface` (IP_PKTINFO / IPV6_RECVPKTINFO). */
  pktinfo?: boolean | undefined
}

/** The options a socket keeps, checked. */
export interface CheckedOptions {
  type: SocketType
  family: 4 | 6
  lookup: LookupFunction | undefined
  reuseAddr: boolean
  reusePort: boolean
  ipv6Only: boolean
  recvBufferSize: number | undefined
  sendBufferSize: number | undefined
  signal: AbortSignal | undefined
  pktinfo: boolean
}

/** `type` or options as `new Socket(type)` reads them, with Node's errors and in Node's order. */
export function checkOptions(typeOrOptions: unknown): CheckedOptions {
  let type: unknown = typeOrOptions
  let options: Partial<Record<keyof SocketOptions, unknown>> | undefined
  let lookup: unknown
  let recvBufferSize: unknown
  let sendBufferSize: unknown
  if (typeOrOptions !== null && typeof typeOrOptions === 'object') {
    options = typeOrOptions as Partial<Record<keyof SocketOptions, unknown>>
    type = options.type
    lookup = options.lookup
    if (options.recvBufferSize) validateUint32(options.recvBufferSize, 'options.recvBufferSize')
    if (options.sendBufferSize) validateUint32(options.sendBufferSize, 'options.sendBufferSize')
    recvBufferSize = options.recvBufferSize
    sendBufferSize = options.sendBufferSize
  }
  if (lookup !== undefined) validateFunction(lookup, 'lookup')
  if (type !== 'udp4' && type !== 'udp6') throw socketBadType()
  const signal = options?.signal
  if (signal !== undefined) validateAbortSignal(signal, 'options.signal')
  return {
    type,
    family: type === 'udp4' ? 4 : 6,
    lookup: lookup as LookupFunction | undefined,
    reuseAddr: Boolean(options?.reuseAddr),
    reusePort: Boolean(options?.reusePort),
    ipv6Only: Boolean(options?.ipv6Only),
    recvBufferSize: recvBufferSize ? (recvBufferSize as number) : undefined,
    sendBufferSize: sendBufferSize ? (sendBufferSize as number) : undefined,
    signal: signal as AbortSignal | undefined,
    pktinfo: Boolean(options?.pktinfo),
  }
}

/** The `signal` option: `close()` once `signal` is aborted (now, if it is already), unless the socket closed first. */
export function closeOnAbort(socket: EventEmitter, signal: AbortSignal, close: () => void): void {
  if (signal.aborted) close()
  else {
    signal.addEventListener('abort', close, { once: true })
    socket.once('close', () => signal.removeEventListener('abort', close))
  }
}
