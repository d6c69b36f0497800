/**
 * Sending on a bound socket: `send`'s path once its arguments are read (a
 * lookup, or one tick shared by the sends to IP literals, then the handle's
 * send and the callbacks on the next tick), and the synchronous extras
 * `trySend` and `sendMany`.
 */
import { AsyncResource } from 'node:async_hooks'
import type { EventEmitter } from 'node:events'
import { isIP } from 'node:net'
// The process object itself: the global `process` is an accessor, a
// getter call each time send's path reads it.
import process from 'node:process'

import type { Address4, Address6 } from '../address'
import { errno } from '../errno'
import { UDPError } from '../errors'
import type { UDP } from '../udp'

import { AwaitingSends } from './awaiting-sends'
import { familyOf } from './bind'
import { codeOf, exceptionWithHostPort, socketIsConnected } from './errors'
import type { Resolver } from './lookup'
import { type SendPayload, dataLength, joinData, sendable, sendableParts, toData } from './payload'
import type { SendArguments, SendCallback } from './send-arguments'
import { handles } from './socket-handles'
import { validatePort, validateString } from './validate'

/** One message of `sendMany`: `[msg]` on a connected socket, else `[msg, port, address?]`. */
export type SendManyMessage = readonly [msg: SendPayload, port?: number, address?: string]

/** A socket's sends through `send()`: what waits for the next tick, what waits for the handle, and the last destination's tuple. */
export class Sender {
  readonly #emitter: EventEmitter
  readonly #family: 4 | 6
  readonly #resolver: Resolver
  // The socket's handle, null once closed.
  readonly #handle: () => UDP | null
  // The sends to IP literals waiting for the next tick, in call order; null
  // when none wait or a barrier closed the batch (later ones start another).
  #batch: SendArguments[] | null = null
  // Sends given to send() that have not gone out yet (waiting for their
  // tick or a lookup): trySend and sendMany must not overtake them.
  #waiting = 0
  // Sends the handle queued (with a callback or without), in call order:
  // the handle runs their callbacks in that order, all through #onSent.
  readonly #awaiting = new AwaitingSends()
  #callbacksScheduled = false
  #lastDestination: Address4 | Address6 | null = null

  constructor(emitter: EventEmitter, family: 4 | 6, resolver: Resolver, handle: () => UDP | null) {
    this.#emitter = emitter
    this.#family = family
    this.#resolver = resolver
    this.#handle = handle
  }

  /**
   * Sends given to `send()` that have not gone out yet (waiting for their
   * tick or a host name's lookup): `trySend` and `sendMany` refuse
   * (`EAGAIN`) meanwhile rather than overtake them, as libuv's try-send
   * refuses while sends are queued.
   */
  get waiting(): number {
    return this.#waiting
  }

  /** Sends a datagram on a bound socket: to its peer when `connected`, else to `address` once resolved. */
  send(connected: boolean, send: SendArguments): void {
    if (connected) {
      this.#doSend(null, send)
      return
    }
    this.#waiting++
    // Its callback runs from a later tick shared with other sends (or from
    // the handle's queue): it runs in this call's async context
    // (AsyncLocalStorage, domains), as each of Node's sends carries its own.
    // (A resource and runInAsyncScope cost ~0.1 µs; AsyncResource.bind ~10.)
    if (send.callback !== undefined) send.scope = new AsyncResource('UDPSENDWRAP')
    const ip = this.#resolver.literal(send.address)
    if (ip === null) this.#lookUp(send)
    else {
      send.ip = ip
      this.#defer(send)
    }
  }

  /**
   * Sends made from now on wait for a tick of their own, after the ones
   * already waiting: `connect()` calls it, as Node's sends made before a
   * `connect()` go out before it takes effect (each send has its own
   * lookup tick there) and those made after it find the socket connected.
   */
  barrier(): void {
    this.#batch = null
  }

  // Kept out of send(): a closure there would cost every send a context.
  // The send stops waiting once, however the lookup ends: it answers, it
  // throws (out of send(), as in Node), or it answers twice.
  #lookUp(send: SendArguments): void {
    let waiting = true
    const done = () => {
      if (waiting) {
        waiting = false
        this.#waiting--
      }
    }
    try {
      this.#resolver.resolve(send.address, (ex, resolved) => {
        done()
        if (ex === null && isIP(resolved) === 0) {
          // An answer that is no address ('' or '<broadcast>' from a custom
          // lookup): Node's handle cannot parse it, EINVAL to the callback alone.
          if (send.callback) callBackSoon(send, exceptionWithHostPort(errno.UV_EINVAL, 'send', send.address, send.port))
          return
        }
        send.ip = resolved
        this.#doSend(ex, send)
      })
    } catch (error) {
      done()
      throw error
    }
  }

  // dns.lookup answers an IP literal on the next tick: sends to literals
  // wait for one tick together, in call order, instead of one tick each.
  #defer(send: SendArguments): void {
    let batch = this.#batch
    if (batch === null) {
      batch = this.#batch = []
      process.nextTick(this.#flush, batch)
    }
    batch.push(send)
  }

  #flush = (sends: SendArguments[]): void => {
    if (this.#batch === sends) this.#batch = null
    this.#waiting -= sends.length
    const first = sends.length > 1 ? this.#sendAtOnce(sends) : 0
    for (let i = first; i < sends.length; i++) this.#doSend(null, sends[i])
  }

  // node:dgram sends a datagram at once when its handle has nothing queued
  // (uv_udp_try_send) and then calls its callback on the next tick; only
  // what would block is queued. The sends that waited for the same tick do
  // the same together: the leading ones (to IP literals of the socket's
  // family, one view each) in one try_send_many (one sendmmsg; the
  // facade's handles have UDP GSO off, so each datagram meets the send
  // buffer on its own), each callback on the next tick; whatever it did
  // not send (it would block, or failed) goes the one-by-one way, in
  // order. Returns how many it sent.
  #sendAtOnce(sends: SendArguments[]): number {
    const udp = this.#handle()
    if (udp === null || this.#awaiting.length !== 0) return 0
    const batch: [Address4 | Address6, Uint8Array][] = []
    for (const send of sends) {
      const { ip, data } = send
      if (ip === null || send.port === 0 || Array.isArray(data)) break
      const destination = this.#destination(ip, send.port)
      if (destination === null) break
      batch.push([destination, sendable(data)])
    }
    if (batch.length < 2) return 0
    let sent: number
    try {
      sent = udp.try_send_many(batch)
    } catch {
      // Not even the first: the one-by-one way queues it or reports its error.
      return 0
    }
    for (let i = 0; i < sent; i++) {
      if (sends[i].callback !== undefined) callBackSoon(sends[i], null, batch[i][1].byteLength)
    }
    return sent
  }

  #doSend(ex: Error | null, send: SendArguments): void {
    const { callback } = send
    if (ex !== null) {
      if (callback) callBackSoon(send, ex)
      else process.nextTick(this.#emitError, ex)
      return
    }
    const udp = this.#handle()
    if (udp === null) return
    const { ip, data } = send
    let destination: Address4 | Address6 | null = null
    // Node gives its handle the address only `if (port)`: port 0 (a '0'
    // that validatePort let through) sends as if connected, EDESTADDRREQ
    // on a socket that is not.
    if (ip !== null && send.port !== 0) {
      destination = this.#destination(ip, send.port)
      if (destination === null) {
        if (callback) callBackSoon(send, exceptionWithHostPort(errno.UV_EINVAL, 'send', send.address, send.port))
        return
      }
    }
    // As node:dgram: at once when nothing is queued (its callback on the
    // next tick; an error then has no size), queued only if it would block.
    if (this.#awaiting.length === 0) {
      let code: number
      try {
        // A list is gathered into one buffer (libuv's try-send gathers it
        // with an iovec; the handle's takes one view).
        const bytes = udp.try_send(destination, Array.isArray(data) ? joinData(data) : sendable(data))
        if (callback) callBackSoon(send, null, bytes)
        return
      } catch (error) {
        // Only a callback hears of a refused send (as in node:dgram), and
        // codeOf, which rethrows an error without an errno, runs only then.
        code = callback ? codeOf(error) : errorCode(error)
      }
      if (code !== errno.UV_EAGAIN) {
        // As Node: the error alone, no size.
        if (callback) callBackSoon(send, exceptionWithHostPort(code, 'send', send.address, send.port))
        return
      }
    }
    try {
      udp.send(destination, Array.isArray(data) ? sendableParts(data) : sendable(data), this.#onSent)
    } catch (error) {
      // Only a callback hears of a refused send (as in node:dgram), and
      // codeOf, which rethrows an error without an errno, runs only then.
      if (callback) callBackSoon(send, exceptionWithHostPort(codeOf(error), 'send', send.address, send.port))
      return
    }
    // Every queued send is awaited, with a callback or not: while any is,
    // later sends queue behind it (the handle's rule, known here without
    // asking the binding). Its callback runs from the handle's flush: in
    // the send's async context (a connected socket's send is made from
    // send() itself, so its context is this one).
    let awaited = callback
    if (callback !== undefined) {
      const scope = send.scope ?? new AsyncResource('UDPSENDWRAP')
      awaited = (error, bytes) => scope.runInAsyncScope(callback, null, error, bytes)
    }
    this.#awaiting.push(awaited, send.address, send.port, dataLength(data))
    this.#scheduleCallbacks(udp)
  }

  // The handle's callback of every send it queued, in call order.
  #onSent = (_handle: UDP, code: number | null): void => {
    const awaiting = this.#awaiting
    const callback = awaiting.callback()
    const error = callback === undefined || code === null ? null : exceptionWithHostPort(code, 'send', awaiting.address(), awaiting.port())
    const size = awaiting.size()
    awaiting.drop()
    if (callback !== undefined) callback(error, size)
  }

  // Node calls a send's callback on the next tick when the kernel took the
  // datagram at once; the handle would wait for the next turn of the event
  // loop. So the callbacks of sends already done run on the next tick, in
  // call order; a send that had to queue completes later, as in Node.
  #scheduleCallbacks(udp: UDP): void {
    if (this.#callbacksScheduled) return
    this.#callbacksScheduled = true
    process.nextTick(this.#runCallbacks, udp)
  }

  // (Fields, not closures made per send: a closure in a send's path costs
  // every send a context.)
  #runCallbacks = (udp: UDP): void => {
    this.#callbacksScheduled = false
    if (!udp.closed) udp._flushSends()
  }

  #emitError = (error: Error): void => {
    this.#emitter.emit('error', error)
  }

  // The tuple of `ip`:`port` (the last destination's again when the same),
  // or null when `ip` is not of the socket's family (EINVAL).
  #destination(ip: string, port: number): Address4 | Address6 | null {
    const last = this.#lastDestination
    if (last !== null && last[0] === ip && last[1] === port) return last
    return this.#matchesFamily(ip) ? (this.#lastDestination = [ip, port]) : null
  }

  #matchesFamily(ip: string): boolean {
    // Cheaper than isIP() per send; an invalid literal is refused by the handle (EINVAL).
    return this.#family === 6 ? ip.includes(':') : !ip.includes(':')
  }
}

/** `Socket`'s synchronous sends, copied onto `Socket.prototype` by socket.ts (see socket-handles.ts). */
export class ImmediateSendMethods {
  /**
   * uv-udp extra: sends one datagram now or not at all, and returns its size.
   * Throws when the socket would block (`EAGAIN`, also while `send`s are
   * pending) instead of queueing. `address` must be an IP literal (no
   * lookup: the call is synchronous); an unbound socket binds at once.
   */
  trySend(msg: SendPayload, port?: number, address?: string): number {
    const udp = handles.running(this)
    const destination = immediateDestination(this, port, address)
    const data = joinData(toData(msg))
    handles.bindNow(this, address, port)
    if (handles.sendsWaiting(this) > 0) throw exceptionWithHostPort(errno.UV_EAGAIN, 'send', address, port)
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
    const udp = handles.running(this)
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
        destination = immediateDestination(this, port, address)
        previous = [port, address, destination]
      }
      batch[i] = [destination, joinData(toData(msg))]
    }
    if (batch.length === 0) return 0
    const first = messages[0]
    handles.bindNow(this, first[2], first[1])
    if (handles.sendsWaiting(this) > 0) throw exceptionWithHostPort(errno.UV_EAGAIN, 'send', first[2], first[1])
    try {
      return udp.try_send_many(batch)
    } catch (error) {
      throw exceptionWithHostPort(codeOf(error), 'send', first[2], first[1])
    }
  }
}

// A send's callback on the next tick, as Node calls it (an error alone,
// with no size), in the send's async context when it was made elsewhere.
function callBackSoon(send: SendArguments, error: Error | null, bytes?: number): void {
  const callback = send.callback as SendCallback
  const scope = send.scope
  if (scope === undefined) {
    if (bytes === undefined) process.nextTick(callback as (error: Error | null) => void, error)
    else process.nextTick(callback, error, bytes)
  } else if (bytes === undefined) process.nextTick(runInScope1, scope, callback, error)
  else process.nextTick(runInScope2, scope, callback, error, bytes)
}

function runInScope1(scope: AsyncResource, callback: SendCallback, error: Error | null): void {
  scope.runInAsyncScope(callback as (error: Error | null) => void, null, error)
}

function runInScope2(scope: AsyncResource, callback: SendCallback, error: Error | null, bytes: number): void {
  scope.runInAsyncScope(callback, null, error, bytes)
}

// An error's libuv code, without codeOf's rethrow of one that has none
// (a send without a callback reports nothing).
function errorCode(error: unknown): number {
  return error instanceof UDPError ? error.errno : errno.UV_EINVAL
}

// The destination of trySend / sendMany: none when connected, else an IP
// literal of the socket's family (or its loopback when omitted).
function immediateDestination(socket: object, port: unknown, address: unknown): Address4 | Address6 | null {
  if (handles.connected(socket)) {
    if (port || address) throw socketIsConnected()
    return null
  }
  const checkedPort = validatePort(port, 'Port', false)
  if (address != null) validateString(address, 'address')
  const family = handles.family(socket)
  const ip = address || (family === 4 ? '127.0.0.1' : '::1')
  if (familyOf(ip) !== family) throw exceptionWithHostPort(errno.UV_EINVAL, 'send', ip, checkedPort)
  return [ip, checkedPort]
}
