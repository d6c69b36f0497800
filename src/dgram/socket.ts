/**
 * `node:dgram`'s `Socket` on uv-udp's public `UDP` handle: the same methods,
 * overloads, events and their order, errors and states as Node's own
 * (lib/dgram.js is the reference), plus `trySend` and `sendMany`.
 */
import { EventEmitter } from 'node:events'
import { isIP } from 'node:net'

import type { Address4, Address6 } from '../address'
import { UV_JOIN_GROUP, UV_LEAVE_GROUP, UV_UDP_IPV6ONLY, UV_UDP_REUSEADDR, UV_UDP_REUSEPORT } from '../constants'
import { errno } from '../errno'
import { UDPError } from '../errors'
import { Loop } from '../loop'
import type { PacketInfo } from '../delivery'
import { UDP } from '../udp'

import { type AddressInfo, type RemoteInfo, addressInfo, scoped } from './address-info'
import { MessageEmitter } from './emit-message'
import {
  errnoException,
  exceptionWithHostPort,
  invalidFdType,
  missingArgs,
  socketAlreadyBound,
  socketBadBufferSize,
  socketBufferSize,
  socketIsConnected,
  socketNotConnected,
  socketNotRunning,
} from './errors'
import { descriptorKind } from './fd-type'
import { Resolver } from './lookup'
import { ListenQueue } from './listen-queue'
import { type SendPayload, type SendData, partsLength, toParts } from './payload'
import { type SendCallback, sendArguments } from './send-arguments'
import { type SocketOptions, type SocketType, checkOptions } from './options'
import { isInt32, validatePort, validateString, validateNumber } from './validate'

export type { SendCallback } from './send-arguments'

/** `bind`'s options object. */
export interface BindOptions {
  port?: number | undefined
  address?: string | undefined
  exclusive?: boolean | undefined
  fd?: number | undefined
}

/** One message of `sendMany`: `[msg]` on a connected socket, else `[msg, port, address?]`. */
export type SendManyMessage = readonly [msg: SendPayload, port?: number, address?: string]

/** A 'message' listener. */
export type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => void

const UNBOUND = 0
const BINDING = 1
const BOUND = 2

const DISCONNECTED = 0
const CONNECTING = 1
const CONNECTED = 2

// One loop for every facade socket: its handles are kept apart from the
// default loop's, which a program may also use through the pyuv API.
let facadeLoop: Loop | undefined

/** A send whose destination needs no lookup, waiting for the socket's next tick. */
interface DeferredSend {
  ip: string
  parts: Uint8Array[]
  address: string | undefined
  port: number
  callback: SendCallback | undefined
}

/** The code of an error the `UDP` handle threw; a bad IP literal or value is `EINVAL`, as libuv reports it to Node. */
function codeOf(error: unknown): number {
  if (error instanceof UDPError) return error.errno
  if (error instanceof TypeError || error instanceof RangeError) return errno.UV_EINVAL
  throw error
}

/** The family of an IP literal as dgram's socket types count it: 4, 6, or 0 for anything else. */
function familyOf(ip: string): number {
  return isIP(ip)
}

/** Any listener: what `on` takes for events other than dgram's own. */
export type AnyListener = (...args: never[]) => void

// dgram's events, typed; declared here so that the class keeps
// EventEmitter's own methods at runtime.
export interface Socket {
  addListener(event: 'close' | 'connect' | 'listening', listener: () => void): this
  addListener(event: 'error', listener: (err: Error) => void): this
  addListener(event: 'message', listener: MessageListener): this
  addListener(event: string | symbol, listener: AnyListener): this
  on(event: 'close' | 'connect' | 'listening', listener: () => void): this
  on(event: 'error', listener: (err: Error) => void): this
  on(event: 'message', listener: MessageListener): this
  on(event: string | symbol, listener: AnyListener): this
  once(event: 'close' | 'connect' | 'listening', listener: () => void): this
  once(event: 'error', listener: (err: Error) => void): this
  once(event: 'message', listener: MessageListener): this
  once(event: string | symbol, listener: AnyListener): this
  prependListener(event: 'close' | 'connect' | 'listening', listener: () => void): this
  prependListener(event: 'error', listener: (err: Error) => void): this
  prependListener(event: 'message', listener: MessageListener): this
  prependListener(event: string | symbol, listener: AnyListener): this
  prependOnceListener(event: 'close' | 'connect' | 'listening', listener: () => void): this
  prependOnceListener(event: 'error', listener: (err: Error) => void): this
  prependOnceListener(event: 'message', listener: MessageListener): this
  prependOnceListener(event: string | symbol, listener: AnyListener): this
  emit(event: 'close' | 'connect' | 'listening'): boolean
  emit(event: 'error', err: Error): boolean
  emit(event: 'message', msg: Buffer, rinfo: RemoteInfo): boolean
  emit(event: string | symbol, ...args: unknown[]): boolean
}

/**
 * A UDP socket with `node:dgram`'s API. Make one with `createSocket`.
 *
 * Events, in dgram's order: `'listening'` once bound, `'connect'`,
 * `'message'` `(msg, rinfo)`, `'error'`, `'close'`.
 */
export class Socket extends EventEmitter {
  /** `'udp4'` or `'udp6'`. */
  readonly type: SocketType
  #udp: UDP | null
  // The handle, also after close: the send queue's counters stay readable.
  readonly #handle: UDP
  readonly #family: 4 | 6
  readonly #resolver: Resolver
  readonly #reuseAddr: boolean
  readonly #reusePort: boolean
  readonly #ipv6Only: boolean
  readonly #recvBufferSize: number | undefined
  readonly #sendBufferSize: number | undefined
  readonly #pktinfo: boolean
  #receiving = false
  #bindState = UNBOUND
  #connectState = DISCONNECTED
  readonly #queue = new ListenQueue(this)
  #deferred: DeferredSend[] = []
  #callbacksScheduled = false
  #lastDestination: Address4 | Address6 | null = null
  // 'message' without emit's generic work where that cannot be told apart.
  readonly #messages: MessageEmitter

  constructor(type: SocketType | SocketOptions, listener?: MessageListener) {
    super()
    this.#messages = new MessageEmitter(this)
    const options = checkOptions(type)
    facadeLoop ??= new Loop()
    this.#handle = new UDP(facadeLoop)
    this.#udp = this.#handle
    this.type = options.type
    this.#family = options.family
    this.#resolver = new Resolver(options.family, options.lookup)
    this.#reuseAddr = options.reuseAddr
    this.#reusePort = options.reusePort
    this.#ipv6Only = options.ipv6Only
    this.#recvBufferSize = options.recvBufferSize
    this.#sendBufferSize = options.sendBufferSize
    this.#pktinfo = options.pktinfo
    if (typeof listener === 'function') this.on('message', listener)
    const { signal } = options
    if (signal !== undefined) {
      const onAborted = () => {
        if (this.#udp !== null) this.close()
      }
      if (signal.aborted) onAborted()
      else {
        signal.addEventListener('abort', onAborted, { once: true })
        this.once('close', () => signal.removeEventListener('abort', onAborted))
      }
    }
  }

  // ---- binding --------------------------------------------------------------

  /**
   * Binds to `port` and `address` (by default every interface), resolving a
   * host name first; `'listening'` is emitted once bound, and `callback`
   * with it. Errors are emitted as `'error'`.
   */
  bind(port?: number, address?: string, callback?: () => void): this
  bind(port?: number, callback?: () => void): this
  bind(callback?: () => void): this
  bind(options: BindOptions, callback?: () => void): this
  bind(...args: unknown[]): this {
    let port: unknown = args[0]
    const address_: unknown = args[1]
    this.#healthCheck()
    if (this.#bindState !== UNBOUND) throw socketAlreadyBound()
    this.#bindState = BINDING

    const cb: unknown = args.length > 0 ? args[args.length - 1] : undefined
    if (typeof cb === 'function') {
      const removeListeners = () => {
        this.removeListener('error', removeListeners)
        this.removeListener('listening', onListening)
      }
      const onListening = () => {
        removeListeners()
        ;(cb as (this: Socket) => void).call(this)
      }
      this.on('error', removeListeners)
      this.on('listening', onListening)
    }

    if (port !== null && typeof port === 'object') {
      const options = port as BindOptions
      if (isInt32(options.fd) && options.fd > 0) {
        this.#open(options.fd)
        return this
      }
    }

    let address: unknown
    if (port !== null && typeof port === 'object') {
      const options = port as BindOptions
      address = options.address || ''
      port = options.port
    } else {
      address = typeof address_ === 'function' ? '' : address_
    }
    if (!address) address = this.type === 'udp4' ? '0.0.0.0' : '::'

    this.#resolver.resolve(address as string, (err, ip) => {
      if (this.#udp === null) return
      if (err) {
        this.#bindState = UNBOUND
        this.emit('error', err)
        return
      }
      let flags = 0
      if (this.#reuseAddr) flags |= UV_UDP_REUSEADDR
      if (this.#ipv6Only) flags |= UV_UDP_IPV6ONLY
      if (this.#reusePort) flags |= UV_UDP_REUSEPORT
      const code = this.#bindTo(ip, port || 0, flags)
      if (code !== 0) {
        const ex = exceptionWithHostPort(code, 'bind', ip, port)
        this.#bindState = UNBOUND
        this.emit('error', ex)
        return
      }
      this.#startListening()
    })
    return this
  }

  // The address is an IP of this socket's family, the port as Node's binding
  // reads it (a uint32, of which the socket gets the low 16 bits).
  #bindTo(ip: string, port: unknown, flags: number): number {
    if (familyOf(ip) !== this.#family) return errno.UV_EINVAL
    try {
      ;(this.#udp as UDP).bind([ip, (Number(port) >>> 0) & 0xffff], flags)
      return 0
    } catch (error) {
      return codeOf(error)
    }
  }

  #open(fd: number): void {
    const kind = descriptorKind(fd)
    if (kind !== 'SOCKET') throw invalidFdType(kind)
    try {
      ;(this.#udp as UDP).open(fd)
    } catch (error) {
      const code = codeOf(error)
      // Node refuses a socket that is not UDP before opening it.
      if (code === errno.UV_EINVAL) throw invalidFdType('TCP')
      throw errnoException(code, 'open')
    }
    this.#startListening()
  }

  #startListening(emitNow = true): void {
    const udp = this.#udp as UDP
    udp._startMessages(this.#onRecvError, this.#onMessage, this.#pktinfo ? { pktinfo: true } : undefined)
    this.#receiving = true
    this.#bindState = BOUND
    if (this.#recvBufferSize) this.#bufferSize(this.#recvBufferSize, true)
    if (this.#sendBufferSize) this.#bufferSize(this.#sendBufferSize, false)
    if (emitNow) this.emit('listening')
    else process.nextTick(() => this.emit('listening'))
  }

  // The handle's receive callback, which the sink below leaves only the
  // errors of reads to.
  #onRecvError = (_handle: UDP, _peer: Address4 | Address6 | null, _flags: number, _data: Buffer | null, error: number | null): void => {
    if (error !== null) this.emit('error', errnoException(error, 'recvmsg'))
  }

  // Kept small, IPv4 without pktinfo inline, so that the receive loop can
  // inline it: each datagram's cost here is what the facade loses against
  // the pyuv API.
  #onMessage = (data: Buffer, peer: Address4 | Address6 | null, info: PacketInfo | undefined): void => {
    if (peer === null) return
    const rinfo: RemoteInfo =
      peer.length === 2 && info === undefined
        ? { address: peer[0], family: 'IPv4', port: peer[1], size: data.length }
        : this.#remoteInfo(peer, data.length, info)
    this.#messages.emit(data, rinfo)
  }

  // rinfo of an IPv6 sender, or with pktinfo.
  #remoteInfo(peer: Address4 | Address6, size: number, info: PacketInfo | undefined): RemoteInfo {
    const address = peer.length === 2 ? peer[0] : peer[3] === 0 ? peer[0] : this.#scoped(peer)
    const family = peer.length === 2 ? 'IPv4' : 'IPv6'
    if (info === undefined) return { address, family, port: peer[1], size }
    return { address, family, port: peer[1], size, local: info.local_address, interface: info.interface_index }
  }

  // A scoped sender's address as Node writes it (`fe80::1%eth0`): naming
  // the zone reads the interfaces, so the last tuple's answer is kept (the
  // binding hands the same frozen tuple for each datagram of one sender).
  #scopedPeer: Address6 | null = null
  #scopedAddress = ''
  #scoped(peer: Address6): string {
    if (peer !== this.#scopedPeer) {
      this.#scopedAddress = scoped(peer[0], peer[3])
      this.#scopedPeer = peer
    }
    return this.#scopedAddress
  }

  // ---- connecting -----------------------------------------------------------

  /** Associates the socket with one peer; `'connect'` (and `callback`) once done. Binds first when unbound. */
  connect(port: number, address?: string, callback?: () => void): void
  connect(port: number, callback: () => void): void
  connect(port: unknown, address?: unknown, callback?: unknown): void {
    const checkedPort = validatePort(port, 'Port', false)
    let host: unknown = address
    let cb: unknown = callback
    if (typeof host === 'function') {
      cb = host
      host = ''
    } else if (host === undefined) {
      host = ''
    }
    validateString(host, 'address')
    if (this.#connectState !== DISCONNECTED) throw socketIsConnected()
    this.#connectState = CONNECTING
    if (this.#bindState === UNBOUND) this.bind({ port: 0, exclusive: true })
    const target = host
    const onConnect = typeof cb === 'function' ? (cb as (error?: Error) => void) : undefined
    if (this.#bindState !== BOUND) {
      this.#queue.push(() => this.#connect(checkedPort, target, onConnect))
      return
    }
    this.#connect(checkedPort, target, onConnect)
  }

  #connect(port: number, address: string, callback: ((error?: Error) => void) | undefined): void {
    if (callback) this.once('connect', callback)
    this.#resolver.resolve(address, (ex, ip) => this.#doConnect(ex, ip, address, port, callback))
  }

  #doConnect(ex: Error | null, ip: string, address: string, port: number, callback: ((error?: Error) => void) | undefined): void {
    const udp = this.#udp
    if (udp === null) return
    let error = ex
    if (error === null) {
      let code = 0
      if (familyOf(ip) !== this.#family) code = errno.UV_EINVAL
      else {
        try {
          udp.connect([ip, port])
        } catch (thrown) {
          code = codeOf(thrown)
        }
      }
      if (code !== 0) error = exceptionWithHostPort(code, 'connect', address, port)
    }
    if (error !== null) {
      const failure = error
      this.#connectState = DISCONNECTED
      process.nextTick(() => {
        if (callback) {
          this.removeListener('connect', callback)
          callback(failure)
        } else {
          this.emit('error', failure)
        }
      })
      return
    }
    this.#connectState = CONNECTED
    process.nextTick(() => this.emit('connect'))
  }

  /** Undoes `connect`; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
  disconnect(): void {
    if (this.#connectState !== CONNECTED) throw socketNotConnected()
    const udp = this.#running()
    try {
      udp.connect(null)
    } catch (error) {
      throw errnoException(codeOf(error), 'connect')
    }
    this.#connectState = DISCONNECTED
  }

  /** The connected peer; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
  remoteAddress(): AddressInfo {
    const udp = this.#healthCheck()
    if (this.#connectState !== CONNECTED) throw socketNotConnected()
    try {
      return addressInfo(udp.getpeername())
    } catch (error) {
      throw errnoException(codeOf(error), 'getpeername')
    }
  }

  // ---- sending --------------------------------------------------------------

  /**
   * Sends one datagram: a string, a `Buffer`, TypedArray or DataView (from
   * `offset`, `length` bytes), or a list of them gathered into one. Host
   * names are resolved first. An unbound socket binds to a random port.
   * `callback(error, bytes)` runs once; without it, errors are not reported.
   */
  send(msg: SendPayload, port?: number, address?: string, callback?: SendCallback): void
  send(msg: SendPayload, port?: number, callback?: SendCallback): void
  send(msg: SendPayload, callback?: SendCallback): void
  send(msg: SendData, offset: number, length: number, port?: number, address?: string, callback?: SendCallback): void
  send(msg: SendData, offset: number, length: number, port?: number, callback?: SendCallback): void
  send(msg: SendData, offset: number, length: number, callback?: SendCallback): void
  send(buffer: unknown, offset?: unknown, length?: unknown, port?: unknown, address?: unknown, callback?: unknown): void {
    const connected = this.#connectState === CONNECTED
    const send = sendArguments(connected, buffer, offset, length, port, address, callback)
    this.#healthCheck()
    if (this.#bindState === UNBOUND) this.bind({ port: 0, exclusive: true })
    const { parts, address: host, port: checkedPort, callback: onSent } = send
    if (parts.length === 0) parts.push(Buffer.alloc(0))
    if (this.#bindState !== BOUND) {
      this.#queue.push(() => this.send(parts, checkedPort, host, onSent))
      return
    }
    if (connected) {
      this.#doSend(null, null, parts, host, 0, onSent)
      return
    }
    const ip = this.#resolver.literal(host)
    if (ip !== null) this.#defer({ ip, parts, address: host, port: checkedPort, callback: onSent })
    else this.#resolver.resolve(host, (ex, resolved) => this.#doSend(ex, resolved, parts, host, checkedPort, onSent))
  }

  // dns.lookup answers an IP literal on the next tick: sends to literals
  // wait for one tick together, in call order, instead of one tick each.
  #defer(send: DeferredSend): void {
    if (this.#deferred.push(send) === 1) process.nextTick(this.#flushDeferred)
  }

  #flushDeferred = (): void => {
    const sends = this.#deferred
    this.#deferred = []
    for (const send of sends) this.#doSend(null, send.ip, send.parts, send.address, send.port, send.callback)
  }

  #doSend(
    ex: Error | null,
    ip: string | null,
    parts: Uint8Array[],
    address: string | undefined,
    port: number,
    callback: SendCallback | undefined,
  ): void {
    if (ex !== null) {
      if (callback) process.nextTick(callback, ex)
      else process.nextTick(() => this.emit('error', ex))
      return
    }
    const udp = this.#udp
    if (udp === null) return
    let destination: Address4 | Address6 | null = null
    if (ip !== null) {
      const last = this.#lastDestination
      if (last !== null && last[0] === ip && last[1] === port) destination = last
      else if (this.#matchesFamily(ip)) destination = this.#lastDestination = [ip, port]
      else {
        if (callback) process.nextTick(callback, exceptionWithHostPort(errno.UV_EINVAL, 'send', address, port))
        return
      }
    }
    const bytes = parts.length === 1 ? parts[0].byteLength : partsLength(parts)
    try {
      udp.send(
        destination,
        parts.length === 1 ? parts[0] : parts,
        callback === undefined
          ? undefined
          : (_handle, code) => callback(code === null ? null : exceptionWithHostPort(code, 'send', address, port), bytes),
      )
    } catch (error) {
      if (callback) process.nextTick(callback, exceptionWithHostPort(codeOf(error), 'send', address, port))
      return
    }
    if (callback !== undefined) this.#scheduleCallbacks(udp)
  }

  // Node calls a send's callback on the next tick when the kernel took the
  // datagram at once; the handle would wait for the next turn of the event
  // loop. So the callbacks of sends already done run on the next tick, in
  // call order; a send that had to queue completes later, as in Node.
  #scheduleCallbacks(udp: UDP): void {
    if (this.#callbacksScheduled) return
    this.#callbacksScheduled = true
    process.nextTick(() => {
      this.#callbacksScheduled = false
      if (!udp.closed) udp._flushSends()
    })
  }

  #matchesFamily(ip: string): boolean {
    // Cheaper than isIP() per send; an invalid literal is refused by the handle (EINVAL).
    return this.#family === 6 ? ip.includes(':') : !ip.includes(':')
  }

  /**
   * uv-udp extra: sends one datagram now or not at all, and returns its size.
   * Throws when the socket would block (`EAGAIN`, also while `send`s are
   * pending) instead of queueing. `address` must be an IP literal (no
   * lookup: the call is synchronous); an unbound socket binds at once.
   */
  trySend(msg: SendPayload, port?: number, address?: string): number {
    const udp = this.#healthCheck()
    const destination = this.#destination(port, address)
    const parts = toParts(msg)
    const data = parts.length === 1 ? parts[0] : Buffer.concat(parts)
    this.#bindNow(address, port)
    try {
      return udp.try_send(destination, data)
    } catch (error) {
      throw exceptionWithHostPort(codeOf(error), 'send', address, port)
    }
  }

  /**
   * uv-udp extra: sends `[msg, port?, address?]` messages in order until one
   * would block (sendmmsg, UDP GSO where the OS has them) and returns how
   * many were sent; throws the first one's error when none could be.
   * Addresses are IP literals, as for `trySend`.
   */
  sendMany(messages: readonly SendManyMessage[]): number {
    const udp = this.#healthCheck()
    if (!Array.isArray(messages)) throw new TypeError('messages must be an array')
    const batch: [Address4 | Address6 | null, Uint8Array][] = new Array(messages.length)
    let previous: [unknown, unknown, Address4 | Address6 | null] | null = null
    for (let i = 0; i < messages.length; i++) {
      const message: unknown = messages[i]
      if (!Array.isArray(message)) throw new TypeError(`messages[${i}] must be an array [msg, port?, address?]`)
      const [msg, port, address] = message as [unknown, unknown, unknown]
      // Consecutive messages to one destination share its tuple.
      let destination: Address4 | Address6 | null
      if (previous !== null && previous[0] === port && previous[1] === address) destination = previous[2]
      else {
        destination = this.#destination(port, address)
        previous = [port, address, destination]
      }
      const parts = toParts(msg)
      batch[i] = [destination, parts.length === 1 ? parts[0] : Buffer.concat(parts)]
    }
    if (batch.length === 0) return 0
    const first = messages[0]
    this.#bindNow(first[2], first[1])
    try {
      return udp.try_send_many(batch)
    } catch (error) {
      throw exceptionWithHostPort(codeOf(error), 'send', first[2], first[1])
    }
  }

  // The destination of trySend / sendMany: none when connected, else an IP
  // literal of this socket's family (or its loopback when omitted).
  #destination(port: unknown, address: unknown): Address4 | Address6 | null {
    if (this.#connectState === CONNECTED) {
      if (port || address) throw socketIsConnected()
      return null
    }
    const checkedPort = validatePort(port, 'Port', false)
    if (address != null) validateString(address, 'address')
    const ip = address || (this.#family === 4 ? '127.0.0.1' : '::1')
    if (familyOf(ip) !== this.#family) throw exceptionWithHostPort(errno.UV_EINVAL, 'send', ip, checkedPort)
    return [ip, checkedPort]
  }

  // trySend and sendMany are synchronous: an unbound socket binds now, to
  // the wildcard and a random port, as send() would; 'listening' follows on
  // the next tick. While a bind waits for its lookup they would block.
  #bindNow(address: unknown, port: unknown): void {
    if (this.#bindState === BOUND) return
    if (this.#bindState === BINDING) throw exceptionWithHostPort(errno.UV_EAGAIN, 'send', address as string, port)
    const code = this.#bindTo(this.#family === 4 ? '0.0.0.0' : '::', 0, 0)
    if (code !== 0) throw exceptionWithHostPort(code, 'bind', this.#family === 4 ? '0.0.0.0' : '::', 0)
    this.#startListening(false)
  }

  // ---- closing --------------------------------------------------------------

  /** Closes the socket; `'close'` (and `callback`) on the next tick. Sends not yet made are dropped. */
  close(callback?: () => void): this {
    if (typeof callback === 'function') this.on('close', callback)
    if (this.#queue.waiting) {
      this.#queue.push(() => this.close())
      return this
    }
    const udp = this.#healthCheck()
    if (this.#receiving) {
      udp.stop_recv()
      this.#receiving = false
    }
    udp.close()
    this.#udp = null
    process.nextTick(() => this.emit('close'))
    return this
  }

  /** Closes the socket; resolves on `'close'` (`await using socket = createSocket('udp4')`). */
  [Symbol.asyncDispose](): Promise<void> {
    if (this.#udp === null) return Promise.resolve()
    return new Promise((resolve) => {
      this.close(() => resolve())
    })
  }

  // ---- addresses and options --------------------------------------------------

  /** The bound address `{ address, family, port }`. */
  address(): AddressInfo {
    const udp = this.#healthCheck()
    try {
      return addressInfo(udp.getsockname())
    } catch (error) {
      const code = codeOf(error)
      // libuv answers EBADF for a handle without a socket (uv_fileno).
      throw errnoException(code === errno.UV_EINVAL ? errno.UV_EBADF : code, 'getsockname')
    }
  }

  /** SO_BROADCAST. */
  setBroadcast(flag: boolean): void {
    const udp = this.#running()
    this.#option('setBroadcast', () => udp.set_broadcast(Boolean(flag)))
  }

  /** IP_TTL / IPV6_UNICAST_HOPS, 1..255. */
  setTTL(ttl: number): number {
    validateNumber(ttl, 'ttl')
    const udp = this.#running()
    // As Node's binding: an int32 (1.5 is 1), checked by libuv before the socket.
    const value = ttl | 0
    if (value < 1 || value > 255) throw errnoException(errno.UV_EINVAL, 'setTTL')
    this.#option('setTTL', () => udp.set_ttl(value))
    return ttl
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255. */
  setMulticastTTL(ttl: number): number {
    validateNumber(ttl, 'ttl')
    const udp = this.#running()
    const value = ttl | 0
    if (value < 0 || value > 255) throw errnoException(errno.UV_EINVAL, 'setMulticastTTL')
    this.#option('setMulticastTTL', () => udp.set_multicast_ttl(value))
    return ttl
  }

  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP; returns `flag`. */
  setMulticastLoopback(flag: boolean): boolean {
    const udp = this.#running()
    this.#option('setMulticastLoopback', () => udp.set_multicast_loop(Boolean(flag)))
    return flag
  }

  /** The interface multicast leaves by: a local IPv4 address, or `'::%ifname'` / `'%ifname'` for IPv6. */
  setMulticastInterface(multicastInterface: string): void {
    const udp = this.#healthCheck()
    validateString(multicastInterface, 'interfaceAddress')
    this.#option('setMulticastInterface', () => udp.set_multicast_interface(multicastInterface))
  }

  /** Joins a multicast group (IP_ADD_MEMBERSHIP); an unbound socket binds to the wildcard first. */
  addMembership(multicastAddress: string, multicastInterface?: string): void {
    this.#membership('addMembership', multicastAddress, multicastInterface, UV_JOIN_GROUP)
  }

  /** Leaves a multicast group (IP_DROP_MEMBERSHIP). */
  dropMembership(multicastAddress: string, multicastInterface?: string): void {
    this.#membership('dropMembership', multicastAddress, multicastInterface, UV_LEAVE_GROUP)
  }

  #membership(syscall: string, group: unknown, iface: unknown, membership: number): void {
    const udp = this.#healthCheck()
    if (!group) throw missingArgs('multicastAddress')
    const local = iface === undefined || iface === null ? undefined : String(iface)
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

  /** Joins a source-specific group (IGMPv3 / MLDv2). */
  addSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    this.#sourceMembership('addSourceSpecificMembership', sourceAddress, groupAddress, multicastInterface, UV_JOIN_GROUP)
  }

  /** Leaves a source-specific group. */
  dropSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void {
    this.#sourceMembership('dropSourceSpecificMembership', sourceAddress, groupAddress, multicastInterface, UV_LEAVE_GROUP)
  }

  #sourceMembership(syscall: string, source: unknown, group: unknown, iface: unknown, membership: number): void {
    const udp = this.#healthCheck()
    validateString(source, 'sourceAddress')
    validateString(group, 'groupAddress')
    const local = iface === undefined || iface === null ? undefined : String(iface)
    this.#option(syscall, () => udp.set_source_membership(group, local, source, membership))
  }

  /** SO_RCVBUF. */
  setRecvBufferSize(size: number): void {
    this.#bufferSize(size, true)
  }

  /** SO_SNDBUF. */
  setSendBufferSize(size: number): void {
    this.#bufferSize(size, false)
  }

  /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
  getRecvBufferSize(): number {
    return this.#bufferSize(0, true)
  }

  /** SO_SNDBUF as the OS reports it. */
  getSendBufferSize(): number {
    return this.#bufferSize(0, false)
  }

  #bufferSize(size: unknown, receive: boolean): number {
    if (typeof size !== 'number' || size >>> 0 !== size) throw socketBadBufferSize()
    const udp = this.#running()
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

  /** Bytes waiting in the send queue. */
  getSendQueueSize(): number {
    return this.#handle.send_queue_size
  }

  /** Sends waiting in the send queue. */
  getSendQueueCount(): number {
    return this.#handle.send_queue_count
  }

  /** The socket keeps the process alive while bound (the default). */
  ref(): this {
    if (this.#udp !== null) this.#udp.ref = true
    return this
  }

  /** The socket no longer keeps the process alive. */
  unref(): this {
    if (this.#udp !== null) this.#udp.ref = false
    return this
  }

  // ---- state checks -----------------------------------------------------------

  #healthCheck(): UDP {
    if (this.#udp === null) throw socketNotRunning()
    return this.#udp
  }

  // Node reaches for the handle without its health check here and fails
  // with a TypeError on a closed socket; this says why instead.
  #running(): UDP {
    return this.#healthCheck()
  }

  #option(syscall: string, set: () => void): void {
    try {
      set()
    } catch (error) {
      throw errnoException(codeOf(error), syscall)
    }
  }
}
