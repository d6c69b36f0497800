/**
 * `node:dgram`'s `Socket` on uv-udp's public `UDP` handle: the same methods,
 * overloads, events and their order, errors and states as Node's own
 * (lib/dgram.js is the reference), plus `trySend` and `sendMany`. The class
 * holds the socket's state and its receive path; bind.ts, connecting.ts,
 * sending.ts and socket-options.ts hold the rest of each method's work.
 */
import { EventEmitter } from 'node:events';
import type { RemoteInfo } from './address-info';
import { type BindOptions } from './bind';
import type { SendPayload, SendData } from './payload';
import { type SendCallback } from './send-arguments';
import { ImmediateSendMethods } from './sending';
import { type SocketOptions, type SocketType } from './options';
import { SocketOptionMethods } from './socket-options';
export type { BindOptions } from './bind';
export type { SendCallback } from './send-arguments';
export type { SendManyMessage } from './sending';
/** A 'message' listener. */
export type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => void;
/** Any listener: what `on` takes for events other than dgram's own. */
export type AnyListener = (...args: never[]) => void;
export interface Socket extends SocketOptionMethods, ImmediateSendMethods {
    addListener(event: 'close' | 'connect' | 'listening', listener: () => void): this;
    addListener(event: 'error', listener: (err: Error) => void): this;
    addListener(event: 'message', listener: MessageListener): this;
    addListener(event: string | symbol, listener: AnyListener): this;
    on(event: 'close' | 'connect' | 'listening', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'message', listener: MessageListener): this;
    on(event: string | symbol, listener: AnyListener): this;
    once(event: 'close' | 'connect' | 'listening', listener: () => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    once(event: 'message', listener: MessageListener): this;
    once(event: string | symbol, listener: AnyListener): this;
    prependListener(event: 'close' | 'connect' | 'listening', listener: () => void): this;
    prependListener(event: 'error', listener: (err: Error) => void): this;
    prependListener(event: 'message', listener: MessageListener): this;
    prependListener(event: string | symbol, listener: AnyListener): this;
    prependOnceListener(event: 'close' | 'connect' | 'listening', listener: () => void): this;
    prependOnceListener(event: 'error', listener: (err: Error) => void): this;
    prependOnceListener(event: 'message', listener: MessageListener): this;
    prependOnceListener(event: string | symbol, listener: AnyListener): this;
    emit(event: 'close' | 'connect' | 'listening'): boolean;
    emit(event: 'error', err: Error): boolean;
    emit(event: 'message', msg: Buffer, rinfo: RemoteInfo): boolean;
    emit(event: string | symbol, ...args: unknown[]): boolean;
}
/**
 * A UDP socket with `node:dgram`'s API. Make one with `createSocket`.
 *
 * Events, in dgram's order: `'listening'` once bound, `'connect'`,
 * `'message'` `(msg, rinfo)`, `'error'`, `'close'`.
 */
export declare class Socket extends EventEmitter {
    #private;
    /** `'udp4'` or `'udp6'`. */
    readonly type: SocketType;
    constructor(type: SocketType | SocketOptions, listener?: MessageListener);
    /**
     * Binds to `port` and `address` (by default every interface), resolving a
     * host name first; `'listening'` is emitted once bound, and `callback`
     * with it. Errors are emitted as `'error'`.
     */
    bind(port?: number, address?: string, callback?: () => void): this;
    bind(port?: number, callback?: () => void): this;
    bind(callback?: () => void): this;
    bind(options: BindOptions, callback?: () => void): this;
    /** Associates the socket with one peer; `'connect'` (and `callback`) once done. Binds first when unbound. */
    connect(port: number, address?: string, callback?: () => void): void;
    connect(port: number, callback: () => void): void;
    /** Undoes `connect`; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
    disconnect(): void;
    /**
     * Node's legacy `sendto(buffer, offset, length, port, address, callback)`
     * (undocumented, kept by Node): its arguments checked as there, then `send`.
     * @deprecated Use `send`.
     */
    sendto(buffer: SendData, offset: number, length: number, port: number, address: string, callback?: SendCallback): void;
    /**
     * Sends one datagram: a string, a `Buffer`, TypedArray or DataView (from
     * `offset`, `length` bytes), or a list of them gathered into one. Host
     * names are resolved first. An unbound socket binds to a random port.
     * `callback(error, bytes)` runs once; without it, errors are not reported.
     */
    send(msg: SendPayload, port?: number, address?: string, callback?: SendCallback): void;
    send(msg: SendPayload, port?: number, callback?: SendCallback): void;
    send(msg: SendPayload, callback?: SendCallback): void;
    send(msg: SendData, offset: number, length: number, port?: number, address?: string, callback?: SendCallback): void;
    send(msg: SendData, offset: number, length: number, port?: number, callback?: SendCallback): void;
    send(msg: SendData, offset: number, length: number, callback?: SendCallback): void;
    /** Closes the socket; `'close'` (and `callback`) on the next tick. Sends not yet made are dropped. */
    close(callback?: () => void): this;
    /**
     * Closes the socket; resolves on `'close'` (`await using socket =
     * createSocket('udp4')`). An async function awaiting the close, as
     * Node's, so that it settles on the same microtask (and, as Node's,
     * its name is empty: see the static block below).
     */
    [Symbol.asyncDispose](): Promise<void>;
}
