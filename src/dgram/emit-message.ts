/**
 * `emit('message', msg, rinfo)` for the receive path, without
 * EventEmitter.emit's generic work (rest arguments, the error checks) where
 * nothing could tell the difference: the socket's `emit` is EventEmitter's
 * own (not wrapped, say by an APM agent), rejections of async listeners are
 * not captured, and 'message' has exactly one listener (EventEmitter keeps a
 * lone listener, or a `once` wrapper, as a function). Then that listener is
 * called as emit would call it, with the socket as `this`; otherwise emit
 * runs.
 *
 * The listener is called through a copy bound to the socket, made when the
 * listener changes: a call through `listener.call(socket, …)` cannot be
 * inlined by V8 (its feedback names `Function.prototype.call`, not the
 * listener) and cost the facade a tenth of its receive rate. The bound copy
 * keeps the last listener alive until the next datagram or the socket goes.
 */
import { EventEmitter } from 'node:events'

import type { RemoteInfo } from './address-info'

const baseEmit = EventEmitter.prototype.emit

interface Listeners {
  _events?: Record<string | symbol, unknown>
}

type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => unknown

/**
 * True when `emitter` captures rejections of async listeners
 * (`captureRejections`, EventEmitter's own `kCapture` property), or when
 * that cannot be told (another runtime's EventEmitter): then emit always runs.
 */
export function capturesRejections(emitter: EventEmitter): boolean {
  const kCapture = Object.getOwnPropertySymbols(emitter).find((symbol) => symbol.description === 'kCapture')
  return kCapture === undefined || Reflect.get(emitter, kCapture) !== false
}

/** Emits 'message' on one emitter (a socket). */
export class MessageEmitter {
  readonly #emitter: EventEmitter
  // Taken once: whether the emitter captures rejections (then emit runs).
  readonly #capture: boolean
  // The lone listener last called, and its copy bound to the emitter.
  #listener: unknown = undefined
  #bound: MessageListener | null = null

  constructor(emitter: EventEmitter) {
    this.#emitter = emitter
    this.#capture = capturesRejections(emitter)
  }

  emit(msg: Buffer, rinfo: RemoteInfo): void {
    const emitter = this.#emitter
    if (!this.#capture && emitter.emit === baseEmit) {
      const listener = (emitter as Listeners)._events?.message
      if (listener !== this.#listener) {
        this.#listener = listener
        this.#bound = typeof listener === 'function' ? (listener as MessageListener).bind(emitter) : null
      }
      const bound = this.#bound
      if (bound !== null) {
        bound(msg, rinfo)
        return
      }
    }
    emitter.emit('message', msg, rinfo)
  }
}
