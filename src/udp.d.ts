import { type Address, type Address4, type Address6 } from './address';
import { type Data } from './data';
import type { PacketInfo } from './delivery';
import { Loop } from './loop';
import type { RecvOptions } from './socket-calls';
export type { PacketInfo } from './delivery';
export type { RecvOptions } from './socket-calls';
/** Called once per datagram, or with `error` set when a read failed. */
export type RecvCallback = (handle: UDP, address: Address4 | Address6 | null, flags: number, data: Buffer | null, error: number | null, pktinfo?: PacketInfo) => void;
/** Called once per send, later: `error` is `null` on success. */
export type SendCallback = (handle: UDP, error: number | null) => void;
/** Called once when the handle is closed. */
export type CloseCallback = (handle: UDP) => void;
/**
 * A UDP socket with pyuv's API: same method names, address tuples, callbacks
 * and error codes. Callbacks run on the JS thread that made the handle.
 *
 * The native side owns the socket, the send requests (and so
 * `send_queue_count`/`send_queue_size`, `active`, `ref`) and the strong
 * reference that keeps an active handle alive; this class keeps the user's
 * callbacks, in call order, and the pyuv shapes.
 */
export declare class UDP {
    #private;
    constructor(loop: Loop, family?: number);
    /** The loop; `null` after the close callback has run. */
    get loop(): Loop | null;
    /** True from the `close()` call on. */
    get closed(): boolean;
    /** True while receiving or while sends' callbacks are pending. */
    get active(): boolean;
    /** Whether the handle keeps the process alive while active (settable after close, to no effect). */
    get ref(): boolean;
    set ref(value: boolean);
    /** Binds to `address`; `flags` are `UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT`. */
    bind(address: Address, flags?: number): void;
    /** Adopts an open datagram socket; the handle closes it on `close()`. */
    open(fd: number): void;
    /** The bound address. */
    getsockname(): Address4 | Address6;
    /**
     * Sends one datagram (an array of views is gathered into one); `callback`
     * runs once, later. `address` is `null` on a connected handle.
     */
    send(address: Address | null, data: Data | readonly Data[], callback?: SendCallback): void;
    /**
     * Sends now or not at all: the bytes sent, or throws `UV_EAGAIN` (also
     * while any send's callback is pending, as libuv). `address` is `null` on
     * a connected handle.
     */
    try_send(address: Address | null, data: Data): number;
    /** Connects to `address` (libuv's `uv_udp_connect`); `null` disconnects. */
    connect(address: Address | null): void;
    /** The connected peer; `UV_ENOTCONN` when not connected. */
    getpeername(): Address4 | Address6;
    /**
     * Sends `[address, data]` messages in order until one would block (sendmmsg
     * where the OS has it); returns how many were sent. When not even the first
     * could be sent, throws its error (`UV_EAGAIN` when it would block).
     */
    try_send_many(messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number;
    /**
     * Starts receiving: `callback` runs once per datagram; with `{ pktinfo: true }`
     * its sixth argument is the datagram's destination address and interface.
     */
    start_recv(callback: RecvCallback, options?: RecvOptions): void;
    /** Stops receiving; no receive callback runs after it returns. */
    stop_recv(): void;
    /** Joins (`UV_JOIN_GROUP`) or leaves (`UV_LEAVE_GROUP`) a multicast group. */
    set_membership(multicast_address: string, membership: number, interface_address?: string): void;
    /** Joins or leaves a source-specific multicast group (IGMPv3 / MLDv2), in libuv's argument order. */
    set_source_membership(multicast_address: string, interface_address: string | undefined, source_address: string, membership: number): void;
    /** The interface multicast leaves by; omitted: the OS default. */
    set_multicast_interface(interface_address?: string): void;
    /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS, 0..255 (else `UV_EINVAL`). */
    set_multicast_ttl(ttl: number): void;
    /** IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP. */
    set_multicast_loop(enable: boolean): void;
    /** SO_BROADCAST. */
    set_broadcast(enable: boolean): void;
    /** IP_TTL / IPV6_UNICAST_HOPS, 1..255 (else `UV_EINVAL`). */
    set_ttl(ttl: number): void;
    /** The socket's descriptor. */
    fileno(): number;
    /** SO_SNDBUF as the OS reports it (Linux doubles what is set). */
    get send_buffer_size(): number;
    set send_buffer_size(value: number);
    /** SO_RCVBUF as the OS reports it (Linux doubles what is set). */
    get receive_buffer_size(): number;
    set receive_buffer_size(value: number);
    /** Bytes of sends whose callback has not run (libuv's `send_queue_size`); readable after close. */
    get send_queue_size(): number;
    /** Sends whose callback has not run (libuv's `send_queue_count`); readable after close. */
    get send_queue_count(): number;
    /**
     * Datagrams uv-udp dropped: JS fell behind its bounded receive queue, or
     * a callback detached the memory of their read before they were
     * delivered (native code, or Node 22's `data.buffer.transfer()`; the
     * memory is untransferable, so `postMessage` and `structuredClone` copy
     * it or refuse).
     */
    get recv_dropped(): number;
    /** `AF_INET` or `AF_INET6`. */
    get family(): number;
    /**
     * Closes the handle: sends the kernel has not taken complete with
     * `UV_ECANCELED` (those it took, with their own outcome), then `callback`
     * runs; a second `close()` throws `HandleClosedError`.
     */
    close(callback?: CloseCallback): void;
    /** Closes the handle; resolves after the close callback (`await using udp = new UDP(loop)`). */
    [Symbol.asyncDispose](): Promise<void>;
}
