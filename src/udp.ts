/** pyuv's `UDP` handle. */
import { NativeUdp, SEND_QUEUED } from '../binding'

import { type Address, type Address4, type Address6, addressParts, checkInteger, describe } from './address'
import { AF_INET, AF_INET6, AF_UNSPEC, UV_JOIN_GROUP, UV_LEAVE_GROUP } from './constants'
import { type Data, payloadBytes, viewBytes } from './data'
import { errno } from './errno'
import { HandleClosedError, UDPError, fromNative } from './errors'
import { Fifo } from './fifo'
import { Loop } from './loop'

/** Where a datagram arrived: `start_recv(cb, { pktinfo: true })` passes it as the sixth argument. */
export interface PacketInfo {
  /** The address the datagram was sent to. */
  local_address: string
  /** The index of the interface it came in on. */
  interface_index: number
}

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

// Event kinds of the native threadsafe function (crates/node/src/events.rs).
const RECEIVED = 0
const RECV_ERROR = 1
const SENDS_DONE = 2
// Per-datagram header words of a received batch (crates/core/src/recv_batch.rs).
const HEADER_WORDS = 5
const NO_PEER = 0xffffffff
// Datagrams delivered per turn of the event loop. Node's threadsafe-function
// dispatch runs up to 1000 queued batches per wake-up without returning to
// the loop, and the reactor refills the queue meanwhile: without a budget a
// flood would starve timers and I/O. What is over the budget waits for the
// next turn (setImmediate), bounded below; beyond that it is dropped and
// counted in recv_dropped, as the kernel drops with a full receive buffer.
const DELIVER_PER_TURN = 4096
const HELD_DATAGRAMS = 16384
const HELD_BYTES = 16 << 20

type PeerTuple = [string, number] | [string, number, number, number]

/** Datagrams read in one go, delivered from `next` on. */
interface Batch {
  data: Buffer
  count: number
  peers: readonly (Address4 | Address6)[]
  locals: readonly string[] | null
  next: number
  offset: number
}

/** One `send`: `status` is undefined until the outcome is known. */
interface SendRequest {
  callback: SendCallback | undefined
  size: number
  status: number | undefined
}

/** An address or `null` (a connected handle's peer) taken apart for the binding. */
function destinationParts(address: unknown): [string | null, number, number, number | undefined] {
  return address === null ? [null, 0, 0, undefined] : addressParts(address)
}

function checkCallback(value: unknown, what: string): void {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function, got ${describe(value)}`)
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(value)}`)
  return value
}

function checkInterface(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`)
  return value
}

function packetInfo(batch: Batch, words: Uint32Array, at: number): PacketInfo {
  const local = words[at + 3]
  return {
    local_address: local === NO_PEER || batch.locals === null ? '' : batch.locals[local],
    interface_index: words[at + 4],
  }
}

function headerWords(data: Buffer, count: number): Uint32Array {
  // A fresh Buffer from the binding starts at offset 0 of its own
  // ArrayBuffer; copy the header if some runtime hands over an unaligned one.
  const bytes = count * HEADER_WORDS * 4
  if (data.byteOffset % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset, count * HEADER_WORDS)
  return new Uint32Array(Uint8Array.prototype.slice.call(data, 0, bytes).buffer)
}

/**
 * A UDP socket with pyuv's API: same method names, address tuples, callbacks
 * and error codes. Callbacks run on the JS thread that made the handle.
 */
export class UDP {
  #native: NativeUdp | null
  #loop: Loop | null
  readonly #token: WeakRef<UDP>
  #closed = false
  #ref = true
  #keptAlive = false
  #onRecv: RecvCallback | null = null
  #pktinfo = false
  // Batches read while not receiving (stop_recv with datagrams in flight):
  // delivered on the next start_recv, so nothing read is lost.
  #held: Batch[] = []
  #heldScheduled = false
  #heldDatagrams = 0
  #heldBytes = 0
  #budget = DELIVER_PER_TURN
  #budgetResetScheduled = false
  #dropped = 0
  // Every send's callback, in call order; #queued are those whose outcome
  // the native send queue has yet to report, in the same order.
  #callbacks = new Fifo<SendRequest>()
  #queued = new Fifo<SendRequest>()
  // Bytes of every send whose callback has not run (libuv's send_queue_size).
  #pendingBytes = 0
  #closedPromise: Promise<void> | null = null
  #flushScheduled = false

  constructor(loop: Loop, family: number = AF_UNSPEC) {
    if (!(loop instanceof Loop)) throw new TypeError(`loop must be a Loop, got ${describe(loop)}`)
    if (typeof family !== 'number') throw new TypeError(`family must be a number, got ${describe(family)}`)
    // Checked here, not after the conversion to a C int, which would make 0
    // (AF_UNSPEC) of NaN or 2**32.
    if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) throw new UDPError(errno.UV_EINVAL)
    const self = new WeakRef<UDP>(this)
    try {
      this.#native = new NativeUdp(family, (kind, data, count, extra, locals) => {
        const handle = self.deref()
        if (handle !== undefined) handle.#onEvent(kind, data, count, extra, locals)
      })
    } catch (error) {
      throw fromNative(error)
    }
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

  /** True while receiving or while sends are queued. */
  get active(): boolean {
    return !this.#closed && (this.#onRecv !== null || this.#callbacks.length > 0)
  }

  /** Whether the handle keeps the process alive while active. */
  get ref(): boolean {
    return this.#ref
  }

  set ref(value: boolean) {
    this.#open()
    this.#ref = checkBoolean(value, 'ref')
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
    const native = this.#open()
    const [host, port, flowinfo, scopeId] = destinationParts(address)
    const bytes = payloadBytes(data, 'data')
    if (callback !== undefined) checkCallback(callback, 'callback')
    let result: number
    try {
      result = native.send(host, port, flowinfo, scopeId, bytes)
    } catch (error) {
      throw fromNative(error, 'address')
    }
    const request: SendRequest = { callback, size: bytes.byteLength, status: undefined }
    this.#callbacks.push(request)
    this.#pendingBytes += request.size
    if (result === SEND_QUEUED) {
      this.#queued.push(request)
    } else {
      request.status = result < 0 ? result : 0
      this.#scheduleFlush()
    }
    if (this.#callbacks.length === 1) this.#activity()
  }

  /** Sends now or not at all: the bytes sent, or throws `UV_EAGAIN`. `address` is `null` on a connected handle. */
  try_send(address: Address | null, data: Data): number {
    const native = this.#open()
    const [host, port, flowinfo, scopeId] = destinationParts(address)
    const bytes = viewBytes(data, 'data')
    if (this.#queued.length > 0) throw new UDPError(errno.UV_EAGAIN)
    try {
      return native.trySend(host, port, flowinfo, scopeId, bytes)
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
      datas[i] = viewBytes(message[1], `messages[${i}] data`)
    }
    if (this.#queued.length > 0) throw new UDPError(errno.UV_EAGAIN)
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
    native.stopRecv()
    this.#onRecv = null
    this.#activity()
  }

  /** Joins (`UV_JOIN_GROUP`) or leaves (`UV_LEAVE_GROUP`) a multicast group. */
  set_membership(multicast_address: string, membership: number, interface_address?: string): void {
    const native = this.#open()
    if (typeof multicast_address !== 'string') {
      throw new TypeError(`multicast_address must be a string, got ${describe(multicast_address)}`)
    }
    if (typeof membership !== 'number') throw new TypeError(`membership must be a number, got ${describe(membership)}`)
    const iface = checkInterface(interface_address, 'interface_address')
    if (membership !== UV_JOIN_GROUP && membership !== UV_LEAVE_GROUP) throw new UDPError(errno.UV_EINVAL)
    this.#call(() => native.setMembership(multicast_address, membership, iface))
  }

  /** Joins or leaves a source-specific multicast group (IGMPv3 / MLDv2), in libuv's argument order. */
  set_source_membership(
    multicast_address: string,
    interface_address: string | undefined,
    source_address: string,
    membership: number,
  ): void {
    const native = this.#open()
    if (typeof multicast_address !== 'string') {
      throw new TypeError(`multicast_address must be a string, got ${describe(multicast_address)}`)
    }
    const iface = checkInterface(interface_address, 'interface_address')
    if (typeof source_address !== 'string') {
      throw new TypeError(`source_address must be a string, got ${describe(source_address)}`)
    }
    if (typeof membership !== 'number') throw new TypeError(`membership must be a number, got ${describe(membership)}`)
    if (membership !== UV_JOIN_GROUP && membership !== UV_LEAVE_GROUP) throw new UDPError(errno.UV_EINVAL)
    this.#call(() => native.setSourceMembership(multicast_address, iface, source_address, membership))
  }

  /** The interface multicast leaves by; omitted: the OS default. */
  set_multicast_interface(interface_address?: string): void {
    const native = this.#open()
    const iface = checkInterface(interface_address, 'interface_address')
    this.#call(() => native.setMulticastInterface(iface))
  }

  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255. */
  set_multicast_ttl(ttl: number): void {
    const native = this.#open()
    checkInteger(ttl, 'ttl', 0, 255)
    this.#call(() => native.setMulticastTtl(ttl))
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

  /** IP_TTL / IPV6_UNICAST_HOPS, 1..255. */
  set_ttl(ttl: number): void {
    const native = this.#open()
    checkInteger(ttl, 'ttl', 1, 255)
    this.#call(() => native.setTtl(ttl))
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

  /** Bytes waiting in the send queue. */
  get send_queue_size(): number {
    this.#open()
    return this.#pendingBytes
  }

  /** Sends waiting in the send queue. */
  get send_queue_count(): number {
    this.#open()
    return this.#callbacks.length
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
   * Closes the handle: pending sends complete with `UV_ECANCELED`, then
   * `callback` runs; a second `close()` throws `HandleClosedError`.
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
    this.#native = null
    for (let request = this.#queued.shift(); request; request = this.#queued.shift()) {
      request.status = errno.UV_ECANCELED
    }
    this.#activity()
    const loop = this.#loop
    loop?._closing(this)
    this.#closedPromise = new Promise((resolve) => {
      setImmediate(() => {
        this.#flushCallbacks()
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

  #open(): NativeUdp {
    if (this.#native === null) throw new HandleClosedError()
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

  // Keeps Node alive exactly while active and ref'd, and tells the loop.
  #activity(): void {
    const active = this.active
    const keep = active && this.#ref
    if (keep !== this.#keptAlive && this.#native !== null) {
      this.#native.setKeepAlive(keep)
      this.#keptAlive = keep
    }
    if (!this.#closed) this.#loop?._setActive(this, active)
    else this.#keptAlive = false
  }

  #onEvent(
    kind: number,
    data: Buffer | null,
    count: number,
    extra: PeerTuple[] | number[] | null,
    locals: string[] | null,
  ): void {
    if (this.#closed) return
    if (kind === RECEIVED && data !== null) {
      // The binding made these arrays for this batch alone: frozen in place.
      const peers = extra as (Address4 | Address6)[]
      for (const peer of peers) Object.freeze(peer)
      const batch: Batch = { data, count, peers, locals, next: 0, offset: count * HEADER_WORDS * 4 }
      // Behind held batches, or cut short (stop_recv inside a callback, or
      // the turn's budget spent): kept for later, in order.
      if (this.#held.length > 0 || !this.#deliver(batch)) this.#hold(batch)
      else this.#release(batch)
    } else if (kind === RECV_ERROR) {
      const onRecv = this.#onRecv
      if (onRecv !== null) this.#run(this.#loop, () => onRecv(this, null, 0, null, count))
    } else if (kind === SENDS_DONE) {
      const codes = extra as number[]
      for (let i = 0; i < count; i++) {
        const request = this.#queued.shift()
        if (request === undefined) break
        request.status = codes[i] === 0 ? 0 : codes[i]
      }
      this.#activity()
      this.#flushCallbacks()
    }
  }

  // Calls the receive callback per datagram until the batch ends, the
  // callback stops receiving, or the turn's budget is spent; returns false
  // when the rest must be held.
  #deliver(batch: Batch): boolean {
    const words = headerWords(batch.data, batch.count)
    const loop = this.#loop
    while (batch.next < batch.count) {
      const onRecv = this.#onRecv
      if (onRecv === null) return false
      if (this.#budget === 0) {
        this.#scheduleHeld()
        return false
      }
      if (this.#budget-- === DELIVER_PER_TURN) this.#scheduleBudgetReset()
      const at = batch.next * HEADER_WORDS
      const length = words[at]
      const flags = words[at + 1]
      const peer = words[at + 2] === NO_PEER ? null : batch.peers[words[at + 2]]
      const payload = batch.data.subarray(batch.offset, batch.offset + length)
      batch.next++
      batch.offset += length
      try {
        if (this.#pktinfo) onRecv(this, peer, flags, payload, null, packetInfo(batch, words, at))
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
    const bytes = batch.data.byteLength
    if (this.#held.length > 0 && (this.#heldDatagrams + datagrams > HELD_DATAGRAMS || this.#heldBytes + bytes > HELD_BYTES)) {
      this.#dropped += datagrams
      this.#release(batch)
      return
    }
    this.#held.push(batch)
    this.#heldDatagrams += datagrams
    this.#heldBytes += bytes
  }

  // Gives the batch's place in the native receive queue back.
  #release(batch: Batch): void {
    this.#native?.recvRelease(batch.count, batch.data.byteLength)
  }

  #scheduleBudgetReset(): void {
    if (this.#budgetResetScheduled) return
    this.#budgetResetScheduled = true
    setImmediate(() => {
      this.#budgetResetScheduled = false
      this.#budget = DELIVER_PER_TURN
    })
  }

  #scheduleHeld(): void {
    if (this.#heldScheduled) return
    this.#heldScheduled = true
    setImmediate(() => {
      this.#heldScheduled = false
      while (this.#held.length > 0 && this.#onRecv !== null && !this.#closed) {
        const batch = this.#held[0]
        const before = batch.count - batch.next
        const done = this.#deliver(batch)
        this.#heldDatagrams -= before - (batch.count - batch.next)
        if (!done) return
        this.#held.shift()
        this.#heldBytes -= batch.data.byteLength
        this.#release(batch)
      }
    })
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    setImmediate(() => {
      this.#flushScheduled = false
      this.#flushCallbacks()
    })
  }

  // Runs finished sends' callbacks in call order, stopping at the first
  // whose outcome is not known yet.
  #flushCallbacks(): void {
    let ran = false
    for (let request = this.#callbacks.peek(); request && request.status !== undefined; request = this.#callbacks.peek()) {
      this.#callbacks.shift()
      this.#pendingBytes -= request.size
      ran = true
      const { callback, status } = request
      if (callback) this.#run(this.#loop, () => callback(this, status === 0 ? null : status))
    }
    if (ran && this.#callbacks.length === 0) this.#activity()
  }
}
