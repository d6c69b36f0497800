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
     * An element's getter may send elsewhere meanwhile: callers compare
     * `mark` before and after.
     */
    same(address: unknown): boolean;
    /**
     * A number that changes whenever the last destination does: try_send_many
     * checks its messages before it sends, and a getter among them can send
     * elsewhere in between.
     */
    get mark(): number;
    /** The parts of the last destination (after `same` said there is one); not to be changed. */
    lastParts(): DestinationParts;
    /**
     * Forgets the last destination until `remember`: for a call that hands the
     * binding one in full, which it keeps as soon as it has parsed it.
     */
    forget(): void;
    /** `send` to the last parsed destination (after `same` said so). */
    sendAgain(bytes: Uint8Array, hasCallback: boolean): number;
    /** `try_send` to the last parsed destination (after `same` said so). */
    trySendAgain(bytes: Uint8Array): number;
    /** `send` to `parts`, checked from `address`; they become the last destination once the binding took them. */
    send(address: unknown, parts: DestinationParts, bytes: Uint8Array, hasCallback: boolean): number;
    /** `try_send` to `parts`, checked from `address`; remembered likewise. */
    trySend(address: unknown, parts: DestinationParts, bytes: Uint8Array): number;
    /**
     * The binding parsed `parts` (checked from `address`, `frozen` as
     * `frozenAddress` answered before the call) without throwing: unless they
     * are the connected peer (which it does not keep), its last destination
     * now. Runs no user code.
     */
    remember(address: unknown, parts: DestinationParts, frozen: boolean): void;
}
/**
 * Whether `address` is frozen (a received or getsockname tuple), asked
 * before a full send hands its parts to the binding: on a Proxy it runs
 * traps, which may send elsewhere or throw, and neither may happen after
 * the binding took the datagram (a throw would lose a taken send's
 * callback). Only for a full send: a call into the runtime.
 */
export declare function frozenAddress(address: unknown, parts: DestinationParts): boolean;
export {};
