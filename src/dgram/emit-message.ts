/**
 * The facade's receive path: each datagram's `rinfo`, then
 * `emit('message', msg, rinfo)`, without
 * EventEmitter.emit's generic work (rest arguments, the error checks) where
 * nothing could tell the difference: the socket's `emit` is EventEmitter's
 * own (not wrapped, say by an APM agent), rejections of async listeners are
 * not captured, and 'message' has exactly one listener (EventEmitter keeps a
 * lone listener, or a `once` wrapper, as a function). Then that listener is
 * called as emit would call it, with the socket as `this`; otherwise emit
 * runs.
 *
 * The listener is called as a method of the socket, through a symbol-keyed
 * property that holds it (`socket[kMessageListener](msg, rinfo)`): `this`
 * is the socket, as emit gives it, and V8 can inline the call, which it
 * cannot through `listener.call(socket, …)` (the call's feedback names
 * `Function.prototype.call`; a tenth of the facade's receive rate). A copy
 * bound to the socket could be inlined only while one socket received:
 * each socket's copy is another function, and after a few sockets the call
 * went generic (about 100 instructions per datagram under callgrind, with
 * four sockets in turn; docs/design-notes.md). Listeners of one source
 * function share V8's feedback whatever socket holds them.
 *
 * The listener is looked up in the socket's listener table (`_events`) for
 * each datagram, since `on`, `off` and the rest change it in place. Node
 * makes that table with `{ __proto__: null }` and deletes keys from it,
 * both of which leave it in V8's dictionary mode, where each lookup is a
 * hash probe (~90 instructions per datagram, docs/design-notes.md). So when
 * the table's keys may have changed (another object, or another count),
 * it is replaced by a copy with fast properties: the same keys in the same
 * order, the same values, no prototype. EventEmitter reads `this._events`
 * afresh in each of its methods, so it goes on with the copy.
 */
import { EventEmitter } from 'node:events'

import type { Address4, Address6 } from '../address'
import type { PacketInfo } from '../delivery'

import { type RemoteInfo, scoped } from './address-info'

const baseEmit = EventEmitter.prototype.emit
const functionApply = Function.prototype.apply

/**
 * Whether EventEmitter's emit is the runtime's own when this module loads:
 * Node's, Bun's and Deno's all begin `function emit(type, ...args) {`
 * (Deno's minified). One wrapped before (an APM agent preloaded with `-r`)
 * must see every 'message', so then emit always runs.
 */
const genuineEmit = /^function emit\(\s*\w+\s*,\s*\.\.\.\w+\s*\)\s*\{/.test(Function.prototype.toString.call(baseEmit))

interface Listeners {
  _events?: Record<string | symbol, unknown>
  _eventsCount?: number
}

type Table = Record<string | symbol, unknown>

type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => unknown

/**
 * The socket's own property holding its lone 'message' listener while
 * datagrams are delivered to it (null when there is none), not enumerable.
 */
const kMessageListener = Symbol('uv-udp.messageListener')

interface ListenerHolder {
  [kMessageListener]: MessageListener | null
}

/**
 * True when `emitter` captures rejections of async listeners
 * (`captureRejections`, EventEmitter's own `kCapture` property), or when
 * that cannot be told (another runtime's EventEmitter): then emit always runs.
 */
export function capturesRejections(emitter: EventEmitter): boolean {
  const kCapture = Object.getOwnPropertySymbols(emitter).find((symbol) => symbol.description === 'kCapture')
  return kCapture === undefined || Reflect.get(emitter, kCapture) !== false
}

/** The receive path of one socket: rinfo, then 'message'. */
export class MessageEmitter {
  readonly #emitter: EventEmitter
  // Taken once: whether emit always runs (the emitter captures rejections,
  // or EventEmitter's emit was wrapped before this module loaded).
  readonly #alwaysEmit: boolean
  // The lone listener last seen (the emitter's kMessageListener holds it
  // when it is a function).
  #listener: unknown = undefined
  // The listener table last copied (null: none yet), and its key count then.
  #table: Table | null = null
  #count: number | undefined = -1
  // The listener table emit may call kMessageListener directly with, while
  // it holds the same lone listener and emit is not wrapped (null: none).
  // Keys added to or deleted from it in place leave the call correct (the
  // listener is compared each time); #emitChanged copies it again only
  // when the listener changes.
  #directTable: Table | null = null

  constructor(emitter: EventEmitter) {
    this.#emitter = emitter
    this.#alwaysEmit = !genuineEmit || capturesRejections(emitter)
    Object.defineProperty(emitter, kMessageListener, { value: null, writable: true, enumerable: false, configurable: true })
  }

  /**
   * The handle's message sink (UDP._startMessages). Kept small, IPv4
   * without pktinfo inline, so that the receive loop can inline it: each
   * datagram's cost here is what the facade loses against the pyuv API.
   * That rinfo is an object literal: V8 allocates it with its final shape
   * (a constructor setting the same four properties was 13-16
   * instructions a datagram dearer with several sockets in one process,
   * and the same with one; docs/design-notes.md).
   */
  readonly onMessage = (data: Buffer, peer: Address4 | Address6 | null, info: PacketInfo | undefined): void => {
    if (peer === null) return
    const rinfo: RemoteInfo =
      peer.length === 2 && info === undefined
        ? { address: peer[0], family: 'IPv4', port: peer[1], size: data.length }
        : this.#remoteInfo(peer, data.length, info)
    this.emit(data, rinfo)
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

  /**
   * Emits 'message'. The test for the direct call is kept small (V8 inlines
   * it into the receive loop, whose inlining budget it shares with making
   * the payload's Buffer; at 200 bytecodes it pushed Buffer.from out, ~130
   * instructions per datagram): the listener table that a direct call was
   * last set up for, the same lone listener in it, emit not wrapped.
   * Anything else goes through #emitChanged.
   */
  emit(msg: Buffer, rinfo: RemoteInfo): void {
    const emitter = this.#emitter as EventEmitter & Listeners & ListenerHolder
    const events = emitter._events
    if (events === this.#directTable && (events as Table).message === this.#listener && emitter.emit === baseEmit) {
      emitter[kMessageListener]!(msg, rinfo)
      return
    }
    this.#emitChanged(msg, rinfo)
  }

  // emit after the listener table, its lone listener or emit changed (or
  // when emit always runs): notes the table and listener for the next
  // datagram, then calls the listener directly where emit would call just
  // it, else runs emit.
  #emitChanged(msg: Buffer, rinfo: RemoteInfo): void {
    const emitter = this.#emitter as EventEmitter & Listeners & ListenerHolder
    this.#directTable = null
    if (!this.#alwaysEmit && emitter.emit === baseEmit) {
      const table = emitter._events
      const events = table !== this.#table || emitter._eventsCount !== this.#count ? this.#copyTable(table, emitter._eventsCount) : table
      const listener = events?.message
      this.#listener = listener
      // Called directly only where emit would call it the same way: a
      // function whose `apply` is Function.prototype.apply (Node 20-24's
      // emit calls `handler.apply(this, args)`), and only once the socket
      // took it (a frozen or sealed socket refuses the write).
      const direct = typeof listener === 'function' && listener.apply === functionApply ? (listener as MessageListener) : null
      if (Reflect.set(emitter, kMessageListener, direct) && direct !== null && this.#table !== null) {
        this.#directTable = this.#table
        emitter[kMessageListener]!(msg, rinfo)
        return
      }
    }
    emitter.emit('message', msg, rinfo)
  }

  // Replaces the emitter's listener table by a copy with fast properties,
  // when it is EventEmitter's own (a prototype-less object), and notes the
  // table in use and its key count.
  #copyTable(events: Table | undefined, count: number | undefined): Table | undefined {
    let table = events
    if (typeof events === 'object' && events !== null && Object.getPrototypeOf(events) === null) {
      table = Object.setPrototypeOf({}, null) as Table
      for (const key of Reflect.ownKeys(events)) table[key] = events[key]
      ;(this.#emitter as Listeners)._events = table
    }
    // null: no table to read `message` from (the direct call stays off).
    this.#table = typeof table === 'object' && table !== null ? table : null
    this.#count = count
    return table
  }
}
