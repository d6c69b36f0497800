/** pyuv's `UDP` handle. */
import { COMPLETED_WORDS, NativeUdp, RECEIVED, RECV_ERROR, SENDS_DONE, SEND_QUEUED } from '../binding'

import { type Address, type Address4, type Address6, addressParts, checkInteger, describe } from './address'
import { checkBoolean, checkCallback, checkInterface, checkNumber, checkString, checkTtl } from './checks'
import { AF_INET, AF_INET6, AF_UNSPEC, UV_JOIN_GROUP, UV_LEAVE_GROUP } from './constants'
import { backend } from './backend'
import { type Data, payloadBytes, viewBytes } from './data'
import { DeliveryBudget } from './delivery-budget'
import {
  type Batch,
  type PacketInfo,
  HELD_BYTES,
  HELD_DATAGRAMS,
  flagsOf,
  isDetached,
  makeBatch,
  packetInfoOf,
  peerOf,
  takePayload,
} from './delivery'
import { errno } from './errno'
import { HandleClosedError, UDPError, fromNative } from './errors'
import { Fifo } from './fifo'
import { Loop } from './loop'
import { SendPath, destinationParts } from './send_path'

export type { PacketInfo } from './delivery'

/** Options of `start_recv`. */
export interface RecvOptions {
  /** Report each datagram's destination address and interface (IP_PKTINFO / IPV6_RECVPKTINFO). */
  pktinfo?: boolean
}

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

function checkMembership(value: unknown): number {
  const membership = checkNumber(value, 'membership')
  if (membership !== UV_JOIN_GROUP && membership !== UV_LEAVE_GROUP) throw new UDPError(errno.UV_EINVAL)
  return membership
}

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
  #loop: Loop | null
  readonly #token: WeakRef<UDP>
  #closed = false
  #onRecv: RecvCallback | null = null
  #pktinfo = false
  // Batches read but not delivered (stop_recv inside a callback, or the
  // turn's time spent): delivered in order on the next turn or start_recv.
  #held: Batch[] = []
  #heldScheduled = false
  #heldDatagrams = 0
  #heldBytes = 0
  readonly #budget = new DeliveryBudget()
  #dropped = 0
  // The callbacks of sends, in call order; the binding reports the outcomes
  // of sends with a callback in the same order (takeCompleted).
  #callbacks = new Fifo<SendCallback>()
  // Sends taken from the binding whose callback has not run yet: libuv takes
  // each off the queue just before its callback, so those still count in
  // send_queue_size/count while earlier callbacks run.
  #takenCount = 0
  #takenBytes = 0
  #completed = new Int32Array(256 * COMPLETED_WORDS)
  #flushScheduled = false
  #flushing = false
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
      this.#native = new NativeUdp(family, this, function (this: unknown, kind, data, count, peers, locals, offset, size) {
        const udp = typeof this === 'object' && this !== null && #onEvent in this ? this : self.deref()
        if (udp !== undefined) udp.#onEvent(kind, data, count, peers, locals, offset, size)
      })
    } catch (error) {
      throw fromNative(error)
    }
    this.#sends = new SendPath(this.#native.id())
    this.#loop = loop
    this.#token = loop._track(this)
  }

  /** The loop; `null` after the close callback has run. */
  get loop(): Loop | null {
    return this.#loop
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
    this.#call(() => this.#native.setRef(checkBoolean(value, 'ref')))
    this.#activity()
  }

  /** Binds to `address`; `flags` are `UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT`. */
  bind(address: Address, flags = 0): void {
    const native = this.#open()
    const [host, port, flowinfo, scopeId] = addressParts(address)
    checkInteger(flags, 'flags', 0, 0xffffffff)
    this.#call(() => native.bind(host, port, flowinfo, scopeId, flags), 'address')
  }

  /** Adopts an open datagram socket; the handle closes it on `close()`. */
  open(fd: number): void {
    const native = this.#open()
    checkInteger(fd, 'fd', -0x80000000, 0x7fffffff)
    this.#call(() => native.open(fd))
  }

  /** The bound address. */
  getsockname(): Address4 | Address6 {
    const native = this.#open()
    return this.#call(() => native.getsockname())
  }

  /**
   * Sends one datagram (an array of views is gathered into one); `callback`
   * runs once, later. `address` is `null` on a connected handle.
   */
  send(address: Address | null, data: Data | readonly Data[], callback?: SendCallback): void {
    this.#open()
    const sends = this.#sends
    const parts = sends.same(address) ? null : destinationParts(address)
    const bytes = payloadBytes(data, 'data')
    if (callback !== undefined) checkCallback(callback, 'callback')
    let result: number
    try {
      result = parts === null ? sends.sendAgain(bytes, callback !== undefined) : sends.send(parts, bytes, callback !== undefined)
    } catch (error) {
      throw fromNative(error, 'address')
    }
    if (callback !== undefined) {
      this.#callbacks.push(callback)
      if (this.#callbacks.length === 1) this.#loop?._sending(this, true)
    }
    // The 'uv' driver retires a completed send on the next loop turn by
    // itself (calling JS only for a callback); the reactor's immediate
    // outcomes are taken here on the next turn. Either way a callback runs
    // before any receive callback that comes first (the loop flushes first).
    if (backend === 'reactor' && result !== SEND_QUEUED) this.#scheduleFlush()
  }

  /**
   * Sends now or not at all: the bytes sent, or throws `UV_EAGAIN` (also
   * while any send's callback is pending, as libuv). `address` is `null` on
   * a connected handle.
   */
  try_send(address: Address | null, data: Data): number {
    this.#open()
    const sends = this.#sends
    const parts = sends.same(address) ? null : destinationParts(address)
    const bytes = viewBytes(data, 'data')
    try {
      return parts === null ? sends.trySendAgain(bytes) : sends.trySend(parts, bytes)
    } catch (error) {
      throw fromNative(error, 'address')
    }
  }

  /** Connects to `address` (libuv's `uv_udp_connect`); `null` disconnects. */
  connect(address: Address | null): void {
    const native = this.#open()
    const [host, port, flowinfo, scopeId] = destinationParts(address)
    this.#call(() => native.connect(host, port, flowinfo, scopeId), 'address')
  }

  /** The connected peer; `UV_ENOTCONN` when not connected. */
  getpeername(): Address4 | Address6 {
    const native = this.#open()
    return this.#call(() => native.getpeername())
  }

  /**
   * Sends `[address, data]` messages in order until one would block (sendmmsg
   * where the OS has it); returns how many were sent. When not even the first
   * could be sent, throws its error (`UV_EAGAIN` when it would block).
   */
  try_send_many(messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number {
    const native = this.#open()
    if (!Array.isArray(messages)) throw new TypeError(`messages must be an array, got ${describe(messages)}`)
    const count = messages.length
    const dests: ([string, number, number, number] | null)[] = []
    const which = new Uint32Array(count)
    const datas: Uint8Array[] = new Array<Uint8Array>(count)
    // Consecutive messages to the same address object share one parsed
    // destination: the usual burst costs one address conversion, not one each.
    let previous: unknown
    // One label, its index moved along: no string per datagram unless one is refused.
    const label = { name: 'messages', index: 0, part: 'data' }
    for (let i = 0; i < count; i++) {
      const message: unknown = messages[i]
      if (!Array.isArray(message) || message.length !== 2) {
        throw new TypeError(`messages[${i}] must be an [address, data] pair, got ${describe(message)}`)
      }
      const address: unknown = message[0]
      if (i === 0 || address !== previous) {
        if (address === null) dests.push(null)
        else {
          const [host, port, flowinfo, scopeId] = addressParts(address, `messages[${i}] address`)
          dests.push([host, port, flowinfo, scopeId ?? -1])
        }
        previous = address
      }
      which[i] = dests.length - 1
      label.index = i
      datas[i] = viewBytes(message[1], label)
    }
    try {
      return native.trySendMany(dests, which, datas)
    } catch (error) {
      throw fromNative(error, 'messages')
    }
  }

  /**
   * Starts receiving: `callback` runs once per datagram. With
   * `{ pktinfo: true }` it gets a sixth argument: the datagram's destination
   * address and interface.
   */
  start_recv(callback: RecvCallback, options?: RecvOptions): void {
    const native = this.#open()
    checkCallback(callback, 'callback')
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError(`options must be an object, got ${describe(options)}`)
    }
    const pktinfo = options?.pktinfo === undefined ? false : checkBoolean(options.pktinfo, 'options.pktinfo')
    if (this.#onRecv !== null) throw new UDPError(errno.UV_EALREADY)
    this.#call(() => native.startRecv(pktinfo))
    this.#pktinfo = pktinfo
    this.#onRecv = callback
    this.#activity()
    if (this.#held.length > 0) this.#scheduleHeld()
  }

  /** Stops receiving; no receive callback runs after it returns. */
  stop_recv(): void {
    const native = this.#open()
    this.#onRecv = null
    this.#call(() => native.stopRecv())
    this.#activity()
  }

  /** Joins (`UV_JOIN_GROUP`) or leaves (`UV_LEAVE_GROUP`) a multicast group. */
  set_membership(multicast_address: string, membership: number, interface_address?: string): void {
    const native = this.#open()
    const group = checkString(multicast_address, 'multicast_address')
    const join = checkNumber(membership, 'membership')
    const iface = checkInterface(interface_address, 'interface_address')
    checkMembership(join)
    this.#call(() => native.setMembership(group, join, iface))
  }

  /** Joins or leaves a source-specific multicast group (IGMPv3 / MLDv2), in libuv's argument order. */
  set_source_membership(
    multicast_address: string,
    interface_address: string | undefined,
    source_address: string,
    membership: number,
  ): void {
    const native = this.#open()
    const group = checkString(multicast_address, 'multicast_address')
    const iface = checkInterface(interface_address, 'interface_address')
    const source = checkString(source_address, 'source_address')
    const join = checkMembership(membership)
    this.#call(() => native.setSourceMembership(group, iface, source, join))
  }

  /** The interface multicast leaves by; omitted: the OS default. */
  set_multicast_interface(interface_address?: string): void {
    const native = this.#open()
    const iface = checkInterface(interface_address, 'interface_address')
    this.#call(() => native.setMulticastInterface(iface))
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255 (else `UV_EINVAL`). */
  set_multicast_ttl(ttl: number): void {
    const native = this.#open()
    const value = checkTtl(ttl, 'ttl')
    this.#call(() => native.setMulticastTtl(value))
  }

  /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. */
  set_multicast_loop(enable: boolean): void {
    const native = this.#open()
    checkBoolean(enable, 'enable')
    this.#call(() => native.setMulticastLoop(enable))
  }

  /** SO_BROADCAST. */
  set_broadcast(enable: boolean): void {
    const native = this.#open()
    checkBoolean(enable, 'enable')
    this.#call(() => native.setBroadcast(enable))
  }

  /** IP_TTL / IPV6_UNICAST_HOPS, 1..255 (else `UV_EINVAL`). */
  set_ttl(ttl: number): void {
    const native = this.#open()
    const value = checkTtl(ttl, 'ttl')
    this.#call(() => native.setTtl(value))
  }

  /** The socket's descriptor. */
  fileno(): number {
    const native = this.#open()
    return this.#call(() => native.fileno())
  }

  /** SO_SNDBUF as the OS reports it (Linux doubles what is set). */
  get send_buffer_size(): number {
    const native = this.#open()
    return this.#call(() => native.getSendBufferSize())
  }

  set send_buffer_size(value: number) {
    const native = this.#open()
    checkInteger(value, 'send_buffer_size', 0, 0x7fffffff)
    // 0 sets nothing: libuv's uv_send_buffer_size reads when given 0.
    if (value !== 0) this.#call(() => native.setSendBufferSize(value))
  }

  /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
  get receive_buffer_size(): number {
    const native = this.#open()
    return this.#call(() => native.getReceiveBufferSize())
  }

  set receive_buffer_size(value: number) {
    const native = this.#open()
    checkInteger(value, 'receive_buffer_size', 0, 0x7fffffff)
    // 0 sets nothing: libuv's uv_recv_buffer_size reads when given 0.
    if (value !== 0) this.#call(() => native.setReceiveBufferSize(value))
  }

  /** Bytes of sends whose callback has not run (libuv's `send_queue_size`); readable after close. */
  get send_queue_size(): number {
    return this.#native.sendQueueSize() + this.#takenBytes
  }

  /** Sends whose callback has not run (libuv's `send_queue_count`); readable after close. */
  get send_queue_count(): number {
    return this.#native.sendQueueCount() + this.#takenCount
  }

  /** Datagrams uv-udp dropped because JS fell behind its bounded receive queue. */
  get recv_dropped(): number {
    return this.#open().recvDropped() + this.#dropped
  }

  /** `AF_INET` or `AF_INET6`. */
  get family(): number {
    const native = this.#open()
    return this.#call(() => native.family())
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
    this.#onRecv = null
    this.#held = []
    this.#heldDatagrams = 0
    this.#heldBytes = 0
    native.close()
    this.#activity()
    const loop = this.#loop
    loop?._closing(this)
    this.#closedPromise = new Promise((resolve) => {
      setImmediate(() => {
        this._flushSends()
        // As pyuv: the callback sees the handle with its loop; then the
        // handle leaves the loop.
        if (callback) this.#run(loop, () => callback(this))
        this.#loop = null
        loop?._forget(this, this.#token)
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
    if (this.#flushing) return
    this.#flushing = true
    try {
      for (;;) {
        const n = this.#native.takeCompleted(this.#completed)
        if (n === 0) break
        // Not reentered (#flushing), so the array is not refilled until the
        // next takeCompleted below.
        const completed = this.#completed
        const words = n * COMPLETED_WORDS
        this.#takenCount = n
        this.#takenBytes = 0
        for (let i = 1; i < words; i += COMPLETED_WORDS) this.#takenBytes += completed[i]
        for (let i = 0; i < words; i += COMPLETED_WORDS) {
          const callback = this.#callbacks.shift()
          const code = completed[i]
          this.#takenCount--
          this.#takenBytes -= completed[i + 1]
          if (callback) this.#run(this.#loop, () => callback(this, code === 0 ? null : code))
        }
        if (words < completed.length) break
      }
    } finally {
      this.#flushing = false
    }
    if (this.#callbacks.length === 0) this.#loop?._sending(this, false)
    this.#activity()
  }

  #open(): NativeUdp {
    if (this.#closed) throw new HandleClosedError()
    return this.#native
  }

  // Native errors as this library's (`argument` names the argument a
  // TypeError is about). send, try_send and try_send_many inline the same
  // try/catch: on the hot paths, no closure per call.
  #call<T>(fn: () => T, argument?: string): T {
    try {
      return fn()
    } catch (error) {
      throw fromNative(error, argument)
    }
  }

  #run(loop: Loop | null, fn: () => void): void {
    try {
      fn()
    } catch (error) {
      if (loop) loop._report(error)
      else
        process.nextTick(() => {
          throw error
        })
    }
  }

  // Tells the loop that this handle's activity (or ref) may have changed.
  #activity(): void {
    if (!this.#closed) this.#loop?._changed()
  }

  #onEvent(
    kind: number,
    memory: ArrayBuffer | null,
    count: number,
    peers: (Address4 | Address6)[] | null,
    locals: string[] | null,
    offset: number,
    size: number,
  ): void {
    if (this.#closed) return
    if (kind === RECEIVED && memory !== null && peers !== null) {
      this.#loop?._flushSends()
      const batch = makeBatch(memory, offset, size, count, peers, locals)
      this.#budget.beginRead(count)
      // Behind held batches, or cut short (stop_recv inside a callback, or
      // the turn's time spent): kept for later, in order.
      if (this.#held.length > 0 || !this.#deliver(batch)) this.#hold(batch)
      else this.#release(batch)
    } else if (kind === RECV_ERROR) {
      this.#loop?._flushSends()
      const onRecv = this.#onRecv
      if (onRecv !== null) this.#run(this.#loop, () => onRecv(this, null, 0, null, count))
    } else if (kind === SENDS_DONE) {
      this._flushSends()
    }
  }

  // Calls the receive callback per datagram until the batch ends, the
  // callback stops receiving, or the turn's time is spent; returns false
  // when the rest must be held.
  #deliver(batch: Batch): boolean {
    const loop = this.#loop
    while (batch.next < batch.count) {
      const onRecv = this.#onRecv
      if (onRecv === null) return false
      if (this.#budget.spent()) {
        // 'uv': no read until what is held is delivered (the rest stays in
        // the kernel meanwhile, as before the budget).
        if (backend === 'uv') this.#native.holdReads(true)
        this.#scheduleHeld()
        return false
      }
      if (isDetached(batch)) {
        // A callback detached the read's memory (transferred data.buffer):
        // the rest of the read is gone; counted as dropped, not delivered.
        this.#dropped += batch.count - batch.next
        batch.next = batch.count
        return true
      }
      const peer = peerOf(batch)
      const flags = flagsOf(batch)
      const info = this.#pktinfo ? packetInfoOf(batch) : undefined
      const payload = takePayload(batch)
      try {
        if (info !== undefined) onRecv(this, peer, flags, payload, null, info)
        else onRecv(this, peer, flags, payload, null)
      } catch (error) {
        loop?._report(error)
      }
    }
    return true
  }

  // Keeps a batch for later delivery; the first one always (it may be cut
  // short mid-batch), the rest while the held set is within its bounds.
  #hold(batch: Batch): void {
    const datagrams = batch.count - batch.next
    const bytes = batch.size
    if (this.#held.length > 0 && (this.#heldDatagrams + datagrams > HELD_DATAGRAMS || this.#heldBytes + bytes > HELD_BYTES)) {
      this.#dropped += datagrams
      this.#release(batch)
      return
    }
    this.#held.push(batch)
    this.#heldDatagrams += datagrams
    this.#heldBytes += bytes
  }

  // Gives the batch's place in the reactor's receive queue back (a no-op
  // with the 'uv' backend, which has no such queue).
  #release(batch: Batch): void {
    if (backend === 'reactor' && !this.#closed) this.#native.recvRelease(batch.count, batch.size)
  }

  #scheduleHeld(): void {
    if (this.#heldScheduled) return
    this.#heldScheduled = true
    setImmediate(() => {
      this.#heldScheduled = false
      // As before any read: completed sends' callbacks first.
      if (this.#held.length > 0 && this.#onRecv !== null && !this.#closed) this.#loop?._flushSends()
      this.#budget.beginHeld()
      while (this.#held.length > 0 && this.#onRecv !== null && !this.#closed) {
        const batch = this.#held[0]
        const before = batch.count - batch.next
        const done = this.#deliver(batch)
        this.#heldDatagrams -= before - (batch.count - batch.next)
        if (!done) return
        this.#held.shift()
        this.#heldBytes -= batch.size
        this.#release(batch)
      }
      // Everything held is delivered: the binding may read again.
      if (backend === 'uv' && this.#held.length === 0 && !this.#closed) this.#native.holdReads(false)
    })
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this._flushSends()
    })
  }
}
