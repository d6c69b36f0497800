import type { UDP } from '../udp';
/** `connect`'s callback: called once connected, or with the error. */
export type ConnectCallback = (error?: Error) => void;
/**
 * `connect(port, address?, callback?)` or `connect(port, callback)`, checked
 * as Node checks them. The callback is as given: Node hands any truthy one
 * to `once('connect', ...)`, which throws when it is no function.
 */
export declare function connectArguments(port: unknown, address: unknown, callback: unknown): {
    port: number;
    address: string;
    callback: unknown;
};
/** Connects `udp` to `ip` (the lookup's answer for `address`) unless the lookup failed; returns the error, if any. */
export declare function connectHandle(udp: UDP, family: 4 | 6, ex: Error | null, ip: string, address: string, port: number): Error | null;
/** Reports a failed connect on the next tick: to `callback` (no longer a `'connect'` listener) if given, else as `'error'`. */
export declare function reportConnectError(socket: NodeJS.EventEmitter, error: Error, callback: ConnectCallback | undefined): void;
/** `disconnect()` on the handle, with Node's error. */
export declare function disconnectHandle(udp: UDP): void;
