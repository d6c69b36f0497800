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
import { EventEmitter } from 'node:events';
import type { RemoteInfo } from './address-info';
/**
 * True when `emitter` captures rejections of async listeners
 * (`captureRejections`, EventEmitter's own `kCapture` property), or when
 * that cannot be told (another runtime's EventEmitter): then emit always runs.
 */
export declare function capturesRejections(emitter: EventEmitter): boolean;
/** Emits 'message' on one emitter (a socket). */
export declare class MessageEmitter {
    #private;
    constructor(emitter: EventEmitter);
    emit(msg: Buffer, rinfo: RemoteInfo): void;
}
