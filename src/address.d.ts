/**
 * Address tuples: their types, the checks on what callers pass, and the
 * conversion from and to the binding's address object (`SocketAddress`,
 * taken and given by its cold calls: bind, connect, getsockname,
 * getpeername).
 */
import type { SocketAddress } from '../binding';
import { type Label } from './label';
/** An IPv4 address: `[host, port]`. */
export type Address4 = [host: string, port: number];
/** An IPv6 address: `[host, port, flowinfo, scope_id]`. */
export type Address6 = [host: string, port: number, flowinfo: number, scope_id: number];
/** Any address a method takes. */
export type Address = Address4 | [host: string, port: number, flowinfo: number] | Address6;
/** An address taken apart: host, port, flowinfo, scope_id (undefined when not given). */
export type AddressParts = [host: string, port: number, flowinfo: number, scopeId: number | undefined];
/** Checks an integer argument: `TypeError` when not a number, `RangeError` out of `[min, max]`. */
export declare function checkInteger(value: unknown, what: string, min: number, max: number): number;
/** Checks an address tuple; the host's IP syntax is checked by the core. */
export declare function addressParts(value: unknown, what?: Label): AddressParts;
/** The binding's address object for checked parts (`scopeId` undefined: none given). */
export declare function socketAddress(parts: AddressParts): SocketAddress;
/**
 * pyuv's tuple for an address object of the binding: `[ip, port]` for IPv4,
 * `[ip, port, flowinfo, scope_id]` for IPv6 (the one that has a scope id),
 * frozen as a Python tuple is (and as the receive callbacks' tuples are).
 */
export declare function addressTuple(address: SocketAddress): Address4 | Address6;
/**
 * A short description of a value for error messages. It reads no property
 * of the value: a getter that throws, or a Proxy, cannot run from here.
 */
export declare function describe(value: unknown): string;
