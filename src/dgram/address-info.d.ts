import type { Address4, Address6 } from '../address';
/** What `address()` and `remoteAddress()` return, as `net.AddressInfo`. */
export interface AddressInfo {
    address: string;
    family: 'IPv4' | 'IPv6';
    port: number;
}
/** Where a message came from, as dgram's `rinfo`; `local` and `interface` only with `{ pktinfo: true }`. */
export interface RemoteInfo extends AddressInfo {
    /** The datagram's size in bytes. */
    size: number;
    /** uv-udp extra, with `{ pktinfo: true }`: the local address the datagram was sent to. */
    local?: string;
    /** uv-udp extra, with `{ pktinfo: true }`: the index of the interface it came in on. */
    interface?: number;
}
/** A tuple from the pyuv API as Node's address object. */
export declare function addressInfo(tuple: Address4 | Address6): AddressInfo;
/**
 * An IPv6 host with its zone, as Node writes a scoped address: `fe80::1%eth0`
 * (the interface's name; its index when no interface of that index has an
 * IPv6 address to name it by).
 */
export declare function scoped(host: string, scopeId: number): string;
