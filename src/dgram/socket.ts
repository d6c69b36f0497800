/**
 * `node:dgram`'s `Socket` on uv-udp's public `UDP` handle: the same methods,
 * overloads, events and their order, errors and states as Node's own
 * (lib/dgram.js is the reference), plus `trySend` and `sendMany`. The class
 * holds the socket's state and its receive path; bind.ts, connecting.ts,
 * sending.ts and socket-options.ts hold the rest of each method's work.
 */
import { EventEmitter } from 'node:events'
// The process object itself: the global `process` is an accessor, a
// getter call each time send's path reads it.
import process from 'node:process'

import type { Address4, Address6 } from '../address'
import { errno } from '../errno'
import { Loop } from '../loop'
import { UDP } from '../udp'

import type { RemoteInfo } from './address-info'
import { type BindOptions, bindFlags, bindHandle, bindTarget, onceListening, openHandle } from './bind'
import { connectArguments, connectHandle, disconnectHandle, reportConnectError, type ConnectCallback } from './connecting'
import { MessageEmitter } from './emit-message'
import { errnoException, exceptionWithHostPort, socketAlreadyBound, socketIsConnected, socketNotConnected, socketNotRunning } from './errors'
import { Resolver } from './lookup'
import { ListenQueue } from './listen-queue'
import type { SendPayload, SendData } from './payload'
import { type SendArguments, type SendCallback, sendArguments } from './send-arguments'
import { ImmediateSendMethods, Sender } from './sending'
import { type SocketOptions, type SocketType, checkOptions, closeOnAbort } from './options'
import { copyMethods, enumerableMethods, reachHandles } from './socket-handles'
import { SocketOptionMethods, bufferSize } from './socket-options'
import { validateNumber, validateString } from './validate'

export type { BindOptions } from './bind'
export type { SendCallback } from './send-arguments'
export type { SendManyMessage } from './sending'

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

/** Any listener: what `on` takes for events other than dgram's own. */
export type AnyListener = (...args: never[]) => void

// dgram's events, typed; declared here so that the class keeps
// EventEmitter's own methods at runtime.
export interface Socket extends SocketOptionMethods, ImmediateSendMethods {
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
  // UV_UDP_REUSEADDR, UV_UDP_REUSEPORT, UV_UDP_IPV6ONLY, as the options ask.
  readonly #bindFlags: number
  readonly #recvBufferSize: number | undefined
  readonly #sendBufferSize: number | undefined
  readonly #pktinfo: boolean
  #receiving = false
  #bindState = UNBOUND
  #connectState = DISCONNECTED
  readonly #queue = new ListenQueue(this)
  readonly #sender: Sender
  // What ref()/unref() asked; the handle is also kept referenced while sends wait in its queue.
  #referenced = true
  // 'message' without emit's generic work where that cannot be told apart.
  readonly #messages: MessageEmitter

  constructor(type: SocketType | SocketOptions, listener?: MessageListener) {
    super()
    this.#messages = new MessageEmitter(this)
    const options = checkOptions(type)
    facadeLoop ??= new Loop()
    this.#handle = new UDP(facadeLoop)
    // A tick's sends leave in one try_send_many; without GSO each datagram
    // meets the send buffer's back-pressure as node:dgram's do.
    this.#handle._disableGso()
    this.#udp = this.#handle
    this.type = options.type
    this.#family = options.family
    this.#resolver = new Resolver(options.family, options.lookup)
    this.#sender = new Sender(this, options.family, this.#resolver, () => this.#udp)
    this.#bindFlags = bindFlags(options.reuseAddr, options.ipv6Only, options.reusePort)
    this.#recvBufferSize = options.recvBufferSize
    this.#sendBufferSize = options.sendBufferSize
    this.#pktinfo = options.pktinfo
    if (typeof listener === 'function') this.on('message', listener)
    if (options.signal !== undefined) {
      closeOnAbort(this, options.signal, () => {
        if (this.#udp !== null) this.close()
      })
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
  // Two named parameters, as Node's `bind(port_, address_ /* , callback */)`
  // (its `length`); the callback is the last argument given.
  bind(port_?: unknown, address_?: unknown, ...rest: unknown[]): this {
    this.#healthCheck()
    if (this.#bindState !== UNBOUND) throw socketAlreadyBound()
    this.#bindState = BINDING
    const cb: unknown = rest.length > 0 ? rest[rest.length - 1] : arguments.length === 2 ? address_ : arguments.length === 1 ? port_ : undefined
    if (typeof cb === 'function') onceListening(this, cb as () => void)
    const target = bindTarget(port_, address_, this.type)
    if (target.fd !== undefined) {
      openHandle(this.#udp as UDP, target.fd)
      this.#startListening()
      return this
    }
    const { port } = target
    this.#resolver.resolve(target.address, (err, ip) => {
      if (this.#udp === null) return
      if (err) {
        this.#bindState = UNBOUND
        this.emit('error', err)
        return
      }
      const code = bindHandle(this.#udp, this.#family, ip, port || 0, this.#bindFlags)
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

  #startListening(emitNow = true): void {
    const udp = this.#udp as UDP
    udp._startMessages(this.#onRecvError, this.#messages.onMessage, this.#pktinfo ? { pktinfo: true } : undefined)
    this.#receiving = true
    this.#bindState = BOUND
    if (this.#recvBufferSize) this.#bufferSize(this.#recvBufferSize, true)
    if (this.#sendBufferSize) this.#bufferSize(this.#sendBufferSize, false)
    if (emitNow) this.emit('listening')
    else process.nextTick(() => this.emit('listening'))
  }

  // The handle's receive callback, which MessageEmitter.onMessage leaves
  // only the errors of reads to.
  #onRecvError = (_handle: UDP, _peer: Address4 | Address6 | null, _flags: number, _data: Buffer | null, error: number | null): void => {
    if (error !== null) this.emit('error', errnoException(error, 'recvmsg'))
  }

  // ---- connecting -----------------------------------------------------------

  /** Associates the socket with one peer; `'connect'` (and `callback`) once done. Binds first when unbound. */
  connect(port: number, address?: string, callback?: () => void): void
  connect(port: number, callback: () => void): void
  connect(port: unknown, address?: unknown, callback?: unknown): void {
    const target = connectArguments(port, address, callback)
    if (this.#connectState !== DISCONNECTED) throw socketIsConnected()
    // Closed after its bind: Node reads its null handle here (a TypeError)
    // and stays connecting; the error it would have given, and nothing
    // left half done (README, differences).
    if (this.#bindState === BOUND) this.#running()
    this.#connectState = CONNECTING
    // As Node: unbound, it binds first (closed, that bind throws
    // ERR_SOCKET_DGRAM_NOT_RUNNING, and the socket stays connecting).
    if (this.#bindState === UNBOUND) this.bind({ port: 0, exclusive: true })
    if (this.#bindState !== BOUND) {
      this.#queue.push(() => this.#connect(target.port, target.address, target.callback))
      return
    }
    this.#connect(target.port, target.address, target.callback)
  }

  #connect(port: number, address: string, given: unknown): void {
    // As Node: any truthy callback becomes a 'connect' listener (once()
    // throws ERR_INVALID_ARG_TYPE for one that is no function, and the
    // socket stays connecting).
    if (given) this.once('connect', given as ConnectCallback)
    const callback = given ? (given as ConnectCallback) : undefined
    // Sends waiting for their tick go before the connect takes effect, later ones after.
    this.#sender.barrier()
    this.#resolver.resolve(address, (ex, ip) => {
      const udp = this.#udp
      if (udp === null) return
      const error = connectHandle(udp, this.#family, ex, ip, address, port)
      if (error !== null) {
        this.#connectState = DISCONNECTED
        reportConnectError(this, error, callback)
        return
      }
      this.#connectState = CONNECTED
      process.nextTick(() => this.emit('connect'))
    })
  }

  /** Undoes `connect`; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
  disconnect(): void {
    if (this.#connectState !== CONNECTED) throw socketNotConnected()
    disconnectHandle(this.#running())
    this.#connectState = DISCONNECTED
  }

  // ---- sending --------------------------------------------------------------

  /**
   * Node's legacy `sendto(buffer, offset, length, port, address, callback)`
   * (undocumented, kept by Node): its arguments checked as there, then `send`.
   * @deprecated Use `send`.
   */
  sendto(buffer: SendData, offset: number, length: number, port: number, address: string, callback?: SendCallback): void {
    validateNumber(offset, 'offset')
    validateNumber(length, 'length')
    validateNumber(port, 'port')
    validateString(address, 'address')
    this.send(buffer, offset, length, port, address, callback)
  }

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
    if (this.#bindState !== BOUND) this.#sendOnceBound(send)
    else this.#sender.send(connected, send)
  }

  // The handle keeps the process alive if ref() asked it to; while sends
  // wait in its queue it does so whatever its ref (as libuv's send
  // requests keep the loop alive, so Node's unref()'d socket still sends
  // them): the handle's own rule, not restated here.
  #applyRef(): void {
    const udp = this.#udp
    if (udp !== null) udp.ref = this.#referenced
  }

  // Kept out of send(): a closure there would cost every send a context.
  #sendOnceBound(send: SendArguments): void {
    this.#queue.push(() => this.send(send.data, send.port, send.address, send.callback))
  }

  // trySend and sendMany are synchronous: an unbound socket binds now, to
  // the wildcard and a random port, as send() would; 'listening' follows on
  // the next tick. While a bind waits for its lookup they would block.
  #bindNow(address: unknown, port: unknown): void {
    if (this.#bindState === BOUND) return
    if (this.#bindState === BINDING) throw exceptionWithHostPort(errno.UV_EAGAIN, 'send', address as string, port)
    const code = bindHandle(this.#udp as UDP, this.#family, this.#family === 4 ? '0.0.0.0' : '::', 0, 0)
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

  /**
   * Closes the socket; resolves on `'close'` (`await using socket =
   * createSocket('udp4')`). An async function awaiting the close, as
   * Node's, so that it settles on the same microtask (and, as Node's,
   * its name is empty: see the static block below).
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#udp === null) return
    await new Promise<void>((resolve) => {
      this.close(() => resolve())
    })
  }

  // ---- options (the methods are socket-options.ts's; see socket-handles.ts) --

  #bufferSize(size: unknown, receive: boolean): number {
    return bufferSize(size, receive, this.#running)
  }

  static {
    // Node assigns an anonymous async function to the prototype.
    Object.defineProperty(Socket.prototype[Symbol.asyncDispose], 'name', { value: '' })
    reachHandles({
      running: (socket) => (socket as Socket).#running(),
      handle: (socket) => (socket as Socket).#handle,
      open: (socket) => (socket as Socket).#udp,
      connected: (socket) => (socket as Socket).#connectState === CONNECTED,
      family: (socket) => (socket as Socket).#family,
      bindNow: (socket, address, port) => (socket as Socket).#bindNow(address, port),
      sendsWaiting: (socket) => (socket as Socket).#sender.waiting + (socket as Socket).#queue.length,
      setReferenced: (socket, referenced) => {
        const s = socket as Socket
        s.#referenced = referenced
        s.#applyRef()
      },
    })
  }

  // ---- state checks -----------------------------------------------------------

  #healthCheck(): UDP {
    if (this.#udp === null) throw socketNotRunning()
    return this.#udp
  }

  // Node reaches for the handle without its health check here and fails
  // with a TypeError on a closed socket; this says why instead.
  #running = (): UDP => this.#healthCheck()
}

copyMethods(Socket, SocketOptionMethods)
copyMethods(Socket, ImmediateSendMethods)
enumerableMethods(Socket)
