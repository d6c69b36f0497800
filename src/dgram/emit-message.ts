/**
 * `emit('message', msg, rinfo)` for the receive path, without
 * EventEmitter.emit's generic work (rest arguments, the error checks) where
 * nothing could tell the difference: the socket's `emit` is EventEmitter's
 * own (not wrapped, say by an APM agent), rejections of async listeners are
 * not captured, and 'message' has exactly one listener (EventEmitter keeps a
 * lone listener, or a `once` wrapper, as a function). Then that listener is
 * called as emit would call it, with the socket as `this`; otherwise emit
 * runs.
 */
import { EventEmitter } from 'node:events'

import type { RemoteInfo } from './address-info'

const baseEmit = EventEmitter.prototype.emit

interface Listeners {
  _events?: Record<string | symbol, unknown>
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

/** Emits 'message' on `emitter`; `capture` is `capturesRejections(emitter)`, taken once. */
export function emitMessage(emitter: EventEmitter, capture: boolean, msg: Buffer, rinfo: RemoteInfo): void {
  if (!capture && emitter.emit === baseEmit) {
    const listener = (emitter as Listeners)._events?.message
    if (typeof listener === 'function') {
      ;(listener as (this: EventEmitter, msg: Buffer, rinfo: RemoteInfo) => unknown).call(emitter, msg, rinfo)
      return
    }
  }
  emitter.emit('message', msg, rinfo)
}
