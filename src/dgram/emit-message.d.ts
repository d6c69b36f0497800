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
import { EventEmitter } from 'node:events';
import type { Address4, Address6 } from '../address';
import type { PacketInfo } from '../delivery';
import { type RemoteInfo } from './address-info';
/**
 * True when `emitter` captures rejections of async listeners
 * (`captureRejections`, EventEmitter's own `kCapture` property), or when
 * that cannot be told (another runtime's EventEmitter): then emit always runs.
 */
export declare function capturesRejections(emitter: EventEmitter): boolean;
/** The receive path of one socket: rinfo, then 'message'. */
export declare class MessageEmitter {
    #private;
    constructor(emitter: EventEmitter);
    /**
     * The handle's message sink (UDP._startMessages). Kept small, IPv4
     * without pktinfo inline, so that the receive loop can inline it: each
     * datagram's cost here is what the facade loses against the pyuv API.
     * That rinfo is an object literal: V8 allocates it with its final shape
     * (a constructor setting the same four properties was 13-16
     * instructions a datagram dearer with several sockets in one process,
     * and the same with one; docs/design-notes.md).
     */
    readonly onMessage: (data: Buffer, peer: Address4 | Address6 | null, info: PacketInfo | undefined) => void;
    /**
     * Emits 'message'. The test for the direct call is kept small (V8 inlines
     * it into the receive loop, whose inlining budget it shares with making
     * the payload's Buffer; at 200 bytecodes it pushed Buffer.from out, ~130
     * instructions per datagram): the listener table that a direct call was
     * last set up for, the same lone listener in it, emit not wrapped.
     * Anything else goes through #emitChanged.
     */
    emit(msg: Buffer, rinfo: RemoteInfo): void;
}
