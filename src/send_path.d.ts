/** A destination taken apart for the binding: `null` host is the connected peer. */
type DestinationParts = [host: string | null, port: number, flowinfo: number, scopeId: number | undefined];
/** The parts of `address`, or of the connected peer for `null`; throws as `addressParts`. */
export declare function destinationParts(address: unknown): DestinationParts;
export declare class SendPath {
    #private;
    constructor(id: number);
    /** The handle's number, for the binding's functions that take it. */
    get id(): number;
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
export {};
