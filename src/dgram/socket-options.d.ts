import type { UDP } from '../udp';
import { type AddressInfo } from './address-info';
/** Runs `set`, throwing the handle's error as Node's `'<syscall> <CODE>'`. */
export declare function setOption(syscall: string, set: () => void): void;
/**
 * `setTTL` / `setMulticastTTL`: `ttl` a number, `handle()` the running
 * handle; as Node's binding, the value is an int32 (1.5 is 1) that libuv
 * checks against `min`..255 before the socket.
 */
export declare function setHops(ttl: unknown, handle: () => UDP, min: number, syscall: string, set: (udp: UDP, value: number) => void): void;
/** `addMembership` / `dropMembership` (`membership` is UV_JOIN_GROUP or UV_LEAVE_GROUP). */
export declare function setMembership(udp: UDP, syscall: string, group: unknown, iface: unknown, membership: number): void;
/** `addSourceSpecificMembership` / `dropSourceSpecificMembership`. */
export declare function setSourceMembership(udp: UDP, syscall: string, source: unknown, group: unknown, iface: unknown, membership: number): void;
/** SO_RCVBUF (`receive`) or SO_SNDBUF: sets `size`, or reads it when 0; `handle()` is the running handle. */
export declare function bufferSize(size: unknown, receive: boolean, handle: () => UDP): number;
/** `address()`: the bound address. */
export declare function localAddress(udp: UDP): AddressInfo;
/** `remoteAddress()`'s peer, once connected. */
export declare function peerAddress(udp: UDP): AddressInfo;
/**
 * `Socket`'s methods for its options and addresses, copied onto
 * `Socket.prototype` by socket.ts (the class has them as its own; see
 * socket-handles.ts).
 */
export declare class SocketOptionMethods {
    /** The bound address `{ address, family, port }`. */
    address(): AddressInfo;
    /** The connected peer; `ERR_SOCKET_DGRAM_NOT_CONNECTED` when not connected. */
    remoteAddress(): AddressInfo;
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
