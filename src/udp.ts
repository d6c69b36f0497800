/** pyuv's `UDP` handle. */
import { NativeUdp } from '../binding'

import { type Address, type Address4, type Address6, describe } from './address'
import { checkCallback } from './checks'
import { AF_INET, AF_INET6, AF_UNSPEC } from './constants'
import { backend } from './backend'
import { type Data, payloadBytes, viewBytes } from './data'
import type { PacketInfo } from './delivery'
import { errno } from './errno'
import { HandleClosedError, UDPError, fromNative } from './errors'
import { Fifo } from './fifo'
import { SEND_QUEUED } from './hot-exports'
import { Loop } from './loop'
import { type MessageSink, ReceiveDelivery } from './receive-delivery'
import { runCallback } from './run-callback'
import { SendCompletions } from './send-completions'
import { trySendMany } from './send-many'
import { SendPath } from './send_path'
import * as socket from './socket-calls'
import type { RecvOptions } from './socket-calls'

export type { PacketInfo } from './delivery'
export type { RecvOptions } from './socket-calls'

/** Called once per datagram, or with `error` set when a read failed. */
export type RecvCallback = (
  handle: UDP,
  address: Address4 | Address6 | null,
  flags: number,
  data: Buffer | null,
  error: number | null,
  pktinfo?: PacketInfo,
) => void
/** Called once per send, later: `error` is `null` on success. */
export type SendCallback = (handle: UDP, error: number | null) => void
/** Called once when the handle is closed. */
export type CloseCallback = (handle: UDP) => void

/**
 * A UDP socket with pyuv's API: same method names, address tuples, callbacks
 * and error codes. Callbacks run on the JS thread that made the handle.
 *
 * The native side owns the socket, the send requests (and so
 * `send_queue_count`/`send_queue_size`, `active`, `ref`) and the strong
 * reference that keeps an active handle alive; this class keeps the user's
 * callbacks, in call order, and the pyuv shapes.
 */
export class UDP {
  readonly #native: NativeUdp
  readonly #sends: SendPath
  readonly #loop: Loop
  // The close callback has run: the handle left its loop (`loop` is null).
  #left = false
  readonly #token: WeakRef<UDP>
  #closed = false
  // The receive callback and what it has not been given yet.
  readonly #receiver: ReceiveDelivery<UDP>
  // The callbacks of sends, in call order (run by #completions).
  readonly #callbacks = new Fifo<SendCallback>()
  readonly #completions: SendCompletions<UDP>
  #closedPromise: Promise<void> | null = null

  constructor(loop: Loop, family: number = AF_UNSPEC) {
    if (!Loop._is(loop)) throw new TypeError(`loop must be a Loop, got ${describe(loop)}`)
    if (typeof family !== 'number') throw new TypeError(`family must be a number, got ${describe(family)}`)
    // Checked here, not after the conversion to a C int, which would make 0
    // (AF_UNSPEC) of NaN or 2**32.
    if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) throw new UDPError(errno.UV_EINVAL)
    // The 'uv' driver calls with the handle as `this`; the reactor's
    // threadsafe function without one (and must not keep the handle alive).
    const self = new WeakRef<UDP>(this)
    try {
      this.#native = new NativeUdp(family, this, function (this: unknown, kind, data, count, peers, locals, offset, size, headers) {
        const udp = typeof this === 'object' && this !== null && #receiver in this ? this : self.deref()
        if (udp !== undefined) udp.#receiver.onEvent(kind, data, count, peers, locals, offset, size, headers)
      })
    } catch (error) {
      throw fromNative(error)
    }
    this.#sends = new SendPath(this.#native.id())
    this.#receiver = new ReceiveDelivery<UDP>(this, this.#native, loop)
    this.#completions = new SendCompletions<UDP>(this, this.#native, loop, this.#callbacks)
    this.#loop = loop
    this.#token = loop._track(this)
  }

  /** The loop; `null` after the close callback has run. */
  get loop(): Loop | null {
    return this.#left ? null : this.#loop
  }

  /** True from the `close()` call on. */
  get closed(): boolean {
    return this.#closed
  }

  /** True while receiving or while sends' callbacks are pending. */
  get active(): boolean {
    return !this.#closed && this.#native.active()
  }

  /** Whether the handle keeps the process alive while active (settable after close, to no effect). */
  get ref(): boolean {
    return this.#native.getRef()
  }

  set ref(value: boolean) {
    socket.setRef(this.#native, value)
    this.#activity()
  }

  /** Binds to `address`; `flags` are `UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT`. */
  bind(address: Address, flags = 0): void {
    socket.bind(this.#open(), address, flags)
  }

  /** Adopts an open datagram socket; the handle closes it on `close()`. */
  open(fd: number): void {
    socket.open(this.#open(), fd)
  }

  /**
   * @internal `open` for uv-udp/dgram's `bind({ fd })`: an IPv4 or IPv6
   * datagram socket only (another family is `UV_EAFNOSUPPORT`, the
   * descriptor left as it was), as Node's handle types a descriptor.
   */
  _openIp(fd: number): void {
    socket.open(this.#open(), fd, true)
  }

  /** The bound address. */
  getsockname(): Address4 | Address6 {
    return socket.getsockname(this.#open())
  }

  /**
   * Sends one datagram (an array of views is gathered into one); `callback`
   * runs once, later. `address` is `null` on a connected handle.
   */
  send(address: Address | null, data: Data | readonly Data[], callback?: SendCallback): void {
    this.#open()
    const sends = this.#sends
    const parts = sends.parts(address)
    const bytes = payloadBytes(data, 'data')
    if (callback !== undefined) checkCallback(callback, 'callback')
    let result: number
    try {
      result = sends.send(address, parts, bytes, callback !== undefined)
    } catch (error) {
      throw fromNative(error, 'address')
    }
    if (callback !== undefined) {
      this.#callbacks.push(callback)
      if (this.#callbacks.length === 1) this.#loop._sending(this, true)
    }
    // The 'uv' driver retires a completed send on the next loop turn by
    // itself (calling JS only for a callback); the reactor's immediate
    // outcomes are taken here on the next turn. Either way a callback runs
    // before any receive callback that comes first (the loop flushes first).
    if (backend === 'reactor' && result !== SEND_QUEUED) this.#completions.schedule()
  }

  /**
   * Sends now or not at all: the bytes sent, or throws `UV_EAGAIN` (also
   * while any send's callback is pending, as libuv). `address` is `null` on
   * a connected handle.
   */
  try_send(address: Address | null, data: Data): number {
    this.#open()
    const sends = this.#sends
    const parts = sends.parts(address)
    const bytes = viewBytes(data, 'data')
    try {
      return sends.trySend(address, parts, bytes)
    } catch (error) {
      throw fromNative(error, 'address')
    }
  }

  /** Connects to `address` (libuv's `uv_udp_connect`); `null` disconnects. */
  connect(address: Address | null): void {
    socket.connect(this.#open(), address)
  }

  /** The connected peer; `UV_ENOTCONN` when not connected. */
  getpeername(): Address4 | Address6 {
    return socket.getpeername(this.#open())
  }

  /**
   * Sends `[address, data]` messages in order until one would block (sendmmsg
   * where the OS has it); returns how many were sent. When not even the first
   * could be sent, throws its error (`UV_EAGAIN` when it would block).
   */
  try_send_many(messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number {
    this.#open()
    return trySendMany(this.#sends, messages)
  }

  /**
   * Starts receiving: `callback` runs once per datagram; with `{ pktinfo: true }`
   * its sixth argument is the datagram's destination address and interface.
   */
  start_recv(callback: RecvCallback, options?: RecvOptions): void {
    this._startMessages(callback, null, options)
  }

  /** @internal start_recv for uv-udp/dgram: datagrams to `sink` (if any), read errors to `callback`. */
  _startMessages(callback: RecvCallback, sink: MessageSink | null, options?: RecvOptions): void {
    const native = this.#open()
    checkCallback(callback, 'callback')
    const pktinfo = socket.startRecv(native, options)
    // No word to the loop: becoming active cannot let its run() resolve.
    this.#receiver.start(callback, pktinfo, sink)
  }

  /**
   * @internal For uv-udp/dgram: `try_send_many` without UDP GSO, each
   * datagram checked against the send buffer on its own, as node:dgram's
   * one-by-one sends are (a GSO buffer past it can overflow a byte-limited
   * queue on the way out, and its datagrams are lost).
   */
  _disableGso(): void {
    this.#open().disableGso()
  }

  /** Stops receiving; no receive callback runs after it returns. */
  stop_recv(): void {
    const native = this.#open()
    this.#receiver.stop()
    socket.stopRecv(native)
    this.#activity()
  }

  /** Joins (`UV_JOIN_GROUP`) or leaves (`UV_LEAVE_GROUP`) a multicast group. */
  set_membership(multicast_address: string, membership: number, interface_address?: string): void {
    socket.setMembership(this.#open(), multicast_address, membership, interface_address)
  }

  /** Joins or leaves a source-specific multicast group (IGMPv3 / MLDv2), in libuv's argument order. */
  set_source_membership(
    multicast_address: string,
    interface_address: string | undefined,
    source_address: string,
    membership: number,
  ): void {
    socket.setSourceMembership(this.#open(), multicast_address, interface_address, source_address, membership)
  }

  /** The interface multicast leaves by; omitted: the OS default. */
  set_multicast_interface(interface_address?: string): void {
    socket.setMulticastInterface(this.#open(), interface_address)
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255 (else `UV_EINVAL`). */
  set_multicast_ttl(ttl: number): void {
    socket.setMulticastTtl(this.#open(), ttl)
  }

  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. */
  set_multicast_loop(enable: boolean): void {
    socket.setMulticastLoop(this.#open(), enable)
  }

  /** SO_BROADCAST. */
  set_broadcast(enable: boolean): void {
    socket.setBroadcast(this.#open(), enable)
  }

  /** IP_TTL / IPV6_UNICAST_HOPS, 1..255 (else `UV_EINVAL`). */
  set_ttl(ttl: number): void {
    socket.setTtl(this.#open(), ttl)
  }

  /** The socket's descriptor. */
  fileno(): number {
    return socket.fileno(this.#open())
  }

  /** SO_SNDBUF as the OS reports it (Linux doubles what is set). */
  get send_buffer_size(): number {
    return socket.sendBufferSize(this.#open())
  }

  set send_buffer_size(value: number) {
    socket.setSendBufferSize(this.#open(), value)
  }

  /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
  get receive_buffer_size(): number {
    return socket.receiveBufferSize(this.#open())
  }

  set receive_buffer_size(value: number) {
    socket.setReceiveBufferSize(this.#open(), value)
  }

  /** Bytes of sends whose callback has not run (libuv's `send_queue_size`); readable after close. */
  get send_queue_size(): number {
    return this.#native.sendQueueSize() + this.#completions.takenBytes
  }

  /** Sends whose callback has not run (libuv's `send_queue_count`); readable after close. */
  get send_queue_count(): number {
    return this.#native.sendQueueCount() + this.#completions.takenCount
  }

  /**
   * Datagrams uv-udp dropped: JS fell behind its bounded receive queue, or
   * a callback detached the memory of their read before they were
   * delivered (native code, or Node 22's `data.buffer.transfer()`; the
   * memory is untransferable, so `postMessage` and `structuredClone` copy
   * it or refuse).
   */
  get recv_dropped(): number {
    return this.#open().recvDropped() + this.#receiver.dropped
  }

  /** `AF_INET` or `AF_INET6`. */
  get family(): number {
    return socket.family(this.#open())
  }

  /**
   * Closes the handle: sends the kernel has not taken complete with
   * `UV_ECANCELED` (those it took, with their own outcome), then `callback`
   * runs; a second `close()` throws `HandleClosedError`.
   */
  close(callback?: CloseCallback): void {
    const native = this.#open()
    if (callback !== undefined) checkCallback(callback, 'callback')
    this.#closed = true
    this.#receiver.close()
    native.close()
    const loop = this.#loop
    loop._closing(this)
    this.#closedPromise = new Promise((resolve) => {
      setImmediate(() => {
        this._flushSends()
        // As pyuv: the callback sees the handle with its loop; then the
        // handle leaves the loop.
        if (callback) runCallback(loop, () => callback(this))
        this.#left = true
        loop._forget(this, this.#token)
        resolve()
      })
    })
  }

  /** Closes the handle; resolves after the close callback (`await using udp = new UDP(loop)`). */
  [Symbol.asyncDispose](): Promise<void> {
    if (!this.#closed) this.close()
    return this.#closedPromise ?? Promise.resolve()
  }

  /**
   * @internal Runs the callbacks of sends whose outcome is known, in call
   * order. The loop calls it before any receive callback, so that a reply
   * is never seen before its request's send callback (libuv's order).
   */
  _flushSends(): void {
    this.#completions.run()
    if (this.#callbacks.length === 0) this.#loop._sending(this, false)
    this.#activity()
  }

  #open(): NativeUdp {
    if (this.#closed) throw new HandleClosedError()
    return this.#native
  }

  // Tells the loop that this handle's activity (or ref) may have changed
  // (after close too: the loop then waits for the close callback anyway).
  #activity(): void {
    this.#loop._changed()
  }
}
