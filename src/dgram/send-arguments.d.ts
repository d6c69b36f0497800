/**
 * `send`'s overloads read as `node:dgram` reads them: which argument is the
 * offset, the port, the address or the callback depends on whether the socket
 * is connected and on the arguments' types. Throws Node's errors, in Node's
 * order.
 */
import type { AsyncResource } from 'node:async_hooks';
/** A send's callback: `bytes` is the datagram's size. */
export type SendCallback = (error: Error | null, bytes: number) => void;
/**
 * A send, its arguments sorted out (`port` is 0 on a connected socket), and
 * what the socket's sender learns of it on its way: one object per send.
 */
export interface SendArguments {
    /** One view, or the parts of a list to gather (never empty). */
    data: Uint8Array | Uint8Array[];
    port: number;
    address: string | undefined;
    callback: SendCallback | undefined;
    /** The IP literal it goes to, once resolved; null before (and when connected). */
    ip: string | null;
    /**
     * The async context of the `send()` call, for its callback (set when it
     * has one and runs from a later shared tick or the handle's queue).
     */
    scope: AsyncResource | undefined;
}
/** The arguments of `send(buffer, offset?, length?, port?, address?, callback?)`. */
export declare function sendArguments(connected: boolean, buffer: unknown, offset: unknown, length: unknown, port: unknown, address: unknown, callback: unknown): SendArguments;
