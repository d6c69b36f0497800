import type { UDP } from '../udp';
import type { SocketType } from './options';
/** `bind`'s options object. */
export interface BindOptions {
    port?: number | undefined;
    address?: string | undefined;
    exclusive?: boolean | undefined;
    fd?: number | undefined;
}
/** What `bind(...)` asks for: a descriptor to open, or a host (not yet resolved) and a port. */
export type BindTarget = {
    fd: number;
} | {
    fd: undefined;
    address: string;
    port: unknown;
};
/** The target of `bind(port?, address?, callback?)` or `bind(options, callback?)`, as Node reads them. */
export declare function bindTarget(port: unknown, address: unknown, type: SocketType): BindTarget;
/** Calls `callback` (with the socket as `this`) on the next `'listening'`, forgets it on `'error'`. */
export declare function onceListening(socket: NodeJS.EventEmitter, callback: (this: NodeJS.EventEmitter) => void): void;
/** The family of an IP literal as dgram's socket types count it: 4, 6, or 0 for anything else. */
export declare function familyOf(ip: string): number;
/** The bind flags of the socket's options. */
export declare function bindFlags(reuseAddr: boolean, ipv6Only: boolean, reusePort: boolean): number;
/**
 * Binds `udp` and returns 0 or the error's code. The address is an IP of
 * the socket's `family`, the port as Node's binding reads it (a uint32, of
 * which the socket gets the low 16 bits).
 */
export declare function bindHandle(udp: UDP, family: 4 | 6, ip: string, port: unknown, flags: number): number;
/** Opens `fd` on `udp` (`bind({ fd })`), with Node's errors. */
export declare function openHandle(udp: UDP, fd: number): void;
