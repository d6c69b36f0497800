/**
 * The binding's send and try_send for one handle, by the handle's number
 * (plain functions: a class method of the binding costs about 3.5k
 * instructions more per call).
 *
 * The binding parses each destination given in full and keeps the last one;
 * when the caller passes the same address values again (a reply loop, a
 * stream to one peer), the `…Again` functions send there without copying the
 * host string out of JS or parsing it again.
 */
import type { NativeUdp } from '../binding';
import { type Address } from './address';
import { type Data } from './data';
/** A destination taken apart for the binding: `null` host is the connected peer. */
type DestinationParts = [host: string | null, port: number, flowinfo: number, scopeId: number | undefined];
/** The parts of `address`, or of the connected peer for `null`; throws as `addressParts`. */
export declare function destinationParts(address: unknown): DestinationParts;
export declare class SendPath {
    #private;
    constructor(id: number);
    /**
     * True when checking `address` would give the parts of the last
     * destination the binding parsed (its elements equal them, the omitted
     * ones their defaults). Each element is read once; nothing here throws.
     */
    same(address: unknown): boolean;
    /** `send` to the last parsed destination (after `same` said so). */
    sendAgain(bytes: Uint8Array, hasCallback: boolean): number;
    /** `try_send` to the last parsed destination (after `same` said so). */
    trySendAgain(bytes: Uint8Array): number;
    /** `send` to `parts`, checked from `address`; they become the last destination once the binding took them. */
    send(address: unknown, parts: DestinationParts, bytes: Uint8Array, hasCallback: boolean): number;
    /** `try_send` to `parts`, checked from `address`; remembered likewise. */
    trySend(address: unknown, parts: DestinationParts, bytes: Uint8Array): number;
}
/**
 * `try_send_many`: `[address, data]` messages checked and handed to the
 * binding in one call; how many it sent.
 */
export declare function trySendMany(native: NativeUdp, messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number;
export {};
