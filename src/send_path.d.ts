import { handleTrySendMany } from './hot-exports';
import type { Label } from './label';
/** A destination taken apart for the binding: `null` host is the connected peer. */
type DestinationParts = [host: string | null, port: number, flowinfo: number, scopeId: number | undefined];
/** try_send_many's destinations as the binding takes them (a scope id of -1: none). */
type Destinations = NonNullable<Parameters<typeof handleTrySendMany>[1]>;
export declare class SendPath {
    #private;
    constructor(id: number);
    /** The handle's number, for the binding's functions that take it. */
    get id(): number;
    /**
     * The checked parts of `address` (`null`: the connected peer), named
     * `what` in errors; the last destination's own tuple when `address` gives
     * its parts, which `send`, `trySend` and `trySendMany` then send to
     * without handing them over again, unless the last destination changed
     * meanwhile. Throws as `addressParts`.
     */
    parts(address: unknown, what?: Label): DestinationParts;
    /** `send` to `parts` (from `parts(address)`); the bytes sent, a negative code or SEND_QUEUED. */
    send(address: unknown, parts: DestinationParts, bytes: Uint8Array, hasCallback: boolean): number;
    /** `try_send` to `parts` (from `parts(address)`); the bytes sent. */
    trySend(address: unknown, parts: DestinationParts, bytes: Uint8Array): number;
    /**
     * try_send_many's binding call. `parts` (from `parts(address)`) when its
     * messages all go to `address`, else null: then `dests` are handed over
     * and nothing is kept.
     */
    trySendMany(address: unknown, parts: DestinationParts | null, dests: Destinations, layout: Uint32Array, count: number, packed: Uint8Array, views: readonly Uint8Array[]): number;
}
export {};
