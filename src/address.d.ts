/** Address tuples: their types and the checks on what callers pass. */
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
export declare function addressParts(value: unknown, what?: string): AddressParts;
/**
 * A short description of a value for error messages. It reads no property
 * of the value: a getter that throws, or a Proxy, cannot run from here.
 */
export declare function describe(value: unknown): string;
