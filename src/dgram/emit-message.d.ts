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
import { EventEmitter } from 'node:events';
import type { RemoteInfo } from './address-info';
/**
 * True when `emitter` captures rejections of async listeners
 * (`captureRejections`, EventEmitter's own `kCapture` property), or when
 * that cannot be told (another runtime's EventEmitter): then emit always runs.
 */
export declare function capturesRejections(emitter: EventEmitter): boolean;
/** Emits 'message' on `emitter`; `capture` is `capturesRejections(emitter)`, taken once. */
export declare function emitMessage(emitter: EventEmitter, capture: boolean, msg: Buffer, rinfo: RemoteInfo): void;
