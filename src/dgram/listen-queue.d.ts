/**
 * What waits for a socket's bind: sends, connects and a close made while the
 * bind resolves its address. Run in order on `'listening'`; dropped if the
 * bind fails (Node watches `errorMonitor`, so an `'error'` listener is not
 * needed for that).
 */
import { EventEmitter } from 'node:events';
export declare class ListenQueue {
    #private;
    constructor(emitter: EventEmitter);
    /** True while a bind is resolving and something waits for it. */
    get waiting(): boolean;
    /** How many entries wait. */
    get length(): number;
    /** Runs `entry` once the socket listens. */
    push(entry: () => void): void;
}
