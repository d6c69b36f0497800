/**
 * `node:dgram`'s `Socket` on uv-udp's public `UDP` handle: the same methods,
 * overloads, events and their order, errors and states as Node's own
 * (lib/dgram.js is the reference), plus `trySend` and `sendMany`.
 */
import { EventEmitter } from 'node:events';
import { type AddressInfo, type RemoteInfo } from './address-info';
import { type SendPayload, type SendData } from './payload';
import { type SendCallback } from './send-arguments';
import { type SocketOptions, type SocketType } from './options';
export type { SendCallback } from './send-arguments';
/** `bind`'s options object. */
export interface BindOptions {
    port?: number | undefined;
    address?: string | undefined;
    exclusive?: boolean | undefined;
    fd?: number | undefined;
}
/** One message of `sendMany`: `[msg]` on a connected socket, else `[msg, port, address?]`. */
export type SendManyMessage = readonly [msg: SendPayload, port?: number, address?: string];
/** A 'message' listener. */
export type MessageListener = (msg: Buffer, rinfo: RemoteInfo) => void;
/** Any listener: what `on` takes for events other than dgram's own. */
export type AnyListener = (...args: never[]) => void;
export interface Socket {
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
    /** The connected peer; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
    remoteAddress(): AddressInfo;
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
    /** Closes the socket; `'close'` (and `callback`) on the next tick. Sends not yet made are dropped. */
    close(callback?: () => void): this;
    /** Closes the socket; resolves on `'close'` (`await using socket = createSocket('udp4')`). */
    [Symbol.asyncDispose](): Promise<void>;
    /** The bound address `{ address, family, port }`. */
    address(): AddressInfo;
    /** SO_BROADCAST. */
    setBroadcast(flag: boolean): void;
    /** IP_TTL / IPV6_UNICAST_HOPS, 1..255. */
    setTTL(ttl: number): number;
    /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255. */
    setMulticastTTL(ttl: number): number;
    /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP; returns `flag`. */
    setMulticastLoopback(flag: boolean): boolean;
    /** The interface multicast leaves by: a local IPv4 address, or `'::%ifname'` / `'%ifname'` for IPv6. */
    setMulticastInterface(multicastInterface: string): void;
    /** Joins a multicast group (IP_ADD_MEMBERSHIP); an unbound socket binds to the wildcard first. */
    addMembership(multicastAddress: string, multicastInterface?: string): void;
    /** Leaves a multicast group (IP_DROP_MEMBERSHIP). */
    dropMembership(multicastAddress: string, multicastInterface?: string): void;
    /** Joins a source-specific group (IGMPv3 / MLDv2). */
    addSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void;
    /** Leaves a source-specific group. */
    dropSourceSpecificMembership(sourceAddress: string, groupAddress: string, multicastInterface?: string): void;
    /** SO_RCVBUF. */
    setRecvBufferSize(size: number): void;
    /** SO_SNDBUF. */
    setSendBufferSize(size: number): void;
    /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
    getRecvBufferSize(): number;
    /** SO_SNDBUF as the OS reports it. */
    getSendBufferSize(): number;
    /** Bytes waiting in the send queue. */
    getSendQueueSize(): number;
    /** Sends waiting in the send queue. */
    getSendQueueCount(): number;
    /** The socket keeps the process alive while bound (the default). */
    ref(): this;
    /** The socket no longer keeps the process alive. */
    unref(): this;
}
