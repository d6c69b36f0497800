/**
 * The handle's calls on its socket other than sending and receiving: its
 * addresses, options, multicast memberships and buffer sizes. Each checks
 * its arguments (JS types here, values by the core), then makes the
 * binding's call, its errors as this library's.
 */
import type { NativeUdp } from '../binding';
import { type Address4, type Address6 } from './address';
/** Options of `start_recv`. */
export interface RecvOptions {
    /** Report each datagram's destination address and interface (IP_PKTINFO / IPV6_RECVPKTINFO). */
    pktinfo?: boolean;
}
/** `ref`'s setter: a boolean. */
export declare function setRef(native: NativeUdp, value: unknown): void;
/** `bind`: to `address`, with `flags` (`UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR | UV_UDP_REUSEPORT`). */
export declare function bind(native: NativeUdp, address: unknown, flags: unknown): void;
/** `open`: adopts the datagram socket `fd`. */
export declare function open(native: NativeUdp, fd: unknown, ipOnly?: boolean): void;
/** `connect`: to `address`; `null` disconnects. */
export declare function connect(native: NativeUdp, address: unknown): void;
/**
 * `start_recv`'s socket side: its options checked, then the binding starts
 * reading (`UV_EALREADY` when it already is); whether pktinfo was asked for.
 */
export declare function startRecv(native: NativeUdp, options: unknown): boolean;
/** `stop_recv`'s socket side: the binding stops reading (it never throws on an open handle). */
export declare function stopRecv(native: NativeUdp): void;
/** `getsockname`: the bound address. */
export declare function getsockname(native: NativeUdp): Address4 | Address6;
/** `getpeername`: the connected peer. */
export declare function getpeername(native: NativeUdp): Address4 | Address6;
/** `fileno`: the socket's descriptor. */
export declare function fileno(native: NativeUdp): number;
/** `family`: `AF_INET` or `AF_INET6`. */
export declare function family(native: NativeUdp): number;
/** `set_membership`: joins or leaves a multicast group. */
export declare function setMembership(native: NativeUdp, multicast_address: unknown, membership: unknown, interface_address: unknown): void;
/** `set_source_membership`: joins or leaves a source-specific group, in libuv's argument order. */
export declare function setSourceMembership(native: NativeUdp, multicast_address: unknown, interface_address: unknown, source_address: unknown, membership: unknown): void;
/** `set_multicast_interface`: omitted, the OS default. */
export declare function setMulticastInterface(native: NativeUdp, interface_address: unknown): void;
/** `set_multicast_ttl`: an integer; its range is libuv's to check. */
export declare function setMulticastTtl(native: NativeUdp, ttl: unknown): void;
/** `set_ttl`: an integer; its range is libuv's to check. */
export declare function setTtl(native: NativeUdp, ttl: unknown): void;
/** `set_multicast_loop`: a boolean. */
export declare function setMulticastLoop(native: NativeUdp, enable: unknown): void;
/** `set_broadcast`: a boolean. */
export declare function setBroadcast(native: NativeUdp, enable: unknown): void;
/** SO_SNDBUF as the OS reports it. */
export declare function sendBufferSize(native: NativeUdp): number;
/** SO_RCVBUF as the OS reports it. */
export declare function receiveBufferSize(native: NativeUdp): number;
/** SO_SNDBUF; 0 sets nothing: libuv's uv_send_buffer_size reads when given 0. */
export declare function setSendBufferSize(native: NativeUdp, value: unknown): void;
/** SO_RCVBUF; 0 sets nothing: libuv's uv_recv_buffer_size reads when given 0. */
export declare function setReceiveBufferSize(native: NativeUdp, value: unknown): void;
