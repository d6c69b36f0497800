import type { EventEmitter } from 'node:events';
import type { UDP } from '../udp';
import type { Resolver } from './lookup';
import { type SendPayload } from './payload';
import type { SendArguments } from './send-arguments';
/** One message of `sendMany`: `[msg]` on a connected socket, else `[msg, port, address?]`. */
export type SendManyMessage = readonly [msg: SendPayload, port?: number, address?: string];
/** A socket's sends through `send()`: what waits for the next tick, what waits for the handle, and the last destination's tuple. */
export declare class Sender {
    #private;
    constructor(emitter: EventEmitter, family: 4 | 6, resolver: Resolver, handle: () => UDP | null);
    /**
     * Sends given to `send()` that have not gone out yet (waiting for their
     * tick or a host name's lookup): `trySend` and `sendMany` refuse
     * (`EAGAIN`) meanwhile rather than overtake them, as libuv's try-send
     * refuses while sends are queued.
     */
    get waiting(): number;
    /** Sends a datagram on a bound socket: to its peer when `connected`, else to `address` once resolved. */
    send(connected: boolean, send: SendArguments): void;
    /**
     * Sends made from now on wait for a tick of their own, after the ones
     * already waiting: `connect()` calls it, as Node's sends made before a
     * `connect()` go out before it takes effect (each send has its own
     * lookup tick there) and those made after it find the socket connected.
     */
    barrier(): void;
}
/** `Socket`'s synchronous sends, copied onto `Socket.prototype` by socket.ts (see socket-handles.ts). */
export declare class ImmediateSendMethods {
    /**
     * uv-udp extra: sends one datagram now or not at all, and returns its size.
     * Throws when the socket would block (`EAGAIN`, also while `send`s are
     * pending) instead of queueing. `address` must be an IP literal (no
     * lookup: the call is synchronous); an unbound socket binds at once.
     */
    trySend(msg: SendPayload, port?: number, address?: string): number;
    /**
     * uv-udp extra: sends `[msg, port?, address?]` messages in order until one
     * would block (sendmmsg, UDP GSO where the OS has them) and returns how
     * many were sent; throws the first one's error when none could be.
     * Addresses are IP literals, as for `trySend`.
     */
    sendMany(messages: readonly SendManyMessage[]): number;
}
