/** `createSocket`'s options, checked as `node:dgram` checks them. */
import type { LookupOneOptions } from 'node:dns';
import type { EventEmitter } from 'node:events';
import type { LookupFunction } from './lookup';
/** `'udp4'` or `'udp6'`. */
export type SocketType = 'udp4' | 'udp6';
/** The `lookup` option as `@types/node` declares it (Node passes the family, 4 or 6, as `options`). */
export type NodeLookupFunction = (hostname: string, options: LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void;
/** Options of `createSocket`, those of `node:dgram` plus `pktinfo`. */
export interface SocketOptions {
    type: SocketType;
    /** SO_REUSEADDR (UV_UDP_REUSEADDR) when binding. */
    reuseAddr?: boolean | undefined;
    /** SO_REUSEPORT (UV_UDP_REUSEPORT) when binding, as Node 22.12+. */
    reusePort?: boolean | undefined;
    /** IPV6_V6ONLY when binding a `udp6` socket. */
    ipv6Only?: boolean | undefined;
    /** SO_RCVBUF, set once bound. */
    recvBufferSize?: number | undefined;
    /** SO_SNDBUF, set once bound. */
    sendBufferSize?: number | undefined;
    /** Resolves host names instead of `dns.lookup`. */
    lookup?: LookupFunction | NodeLookupFunction | undefined;
    /** Closes the socket when aborted. */
    signal?: AbortSignal | undefined;
    /** uv-udp extra: each message's `rinfo` gets `local` and `interface` (IP_PKTINFO / IPV6_RECVPKTINFO). */
    pktinfo?: boolean | undefined;
}
/** The options a socket keeps, checked. */
export interface CheckedOptions {
    type: SocketType;
    family: 4 | 6;
    lookup: LookupFunction | undefined;
    reuseAddr: boolean;
    reusePort: boolean;
    ipv6Only: boolean;
    recvBufferSize: number | undefined;
    sendBufferSize: number | undefined;
    signal: AbortSignal | undefined;
    pktinfo: boolean;
}
/** `type` or options as `new Socket(type)` reads them, with Node's errors and in Node's order. */
export declare function checkOptions(typeOrOptions: unknown): CheckedOptions;
/** The `signal` option: `close()` once `signal` is aborted (now, if it is already), unless the socket closed first. */
export declare function closeOnAbort(socket: EventEmitter, signal: AbortSignal, close: () => void): void;
