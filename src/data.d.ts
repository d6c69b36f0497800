/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer;
/**
 * What an argument is called in an error: a name, or a name and an index
 * whose text is made only when an error needs it (try_send_many checks one
 * view per datagram, and a string built for each would cost more than the
 * check).
 */
export type Label = string | {
    readonly name: string;
    readonly index: number;
    readonly part: string;
};
/**
 * The bytes of one view, without copying: the view itself when it is a
 * `Uint8Array` (a `Buffer` or another subclass included: the binding reads
 * its internal slots, never its properties), otherwise a `Uint8Array` over
 * what it covers.
 * A detached buffer, a Proxy, or anything that is not a real view or
 * `ArrayBuffer`: `TypeError` naming `what`.
 */
export declare function viewBytes(data: unknown, what: Label): Uint8Array;
/** A view's length in bytes, read through the intrinsic getter. */
export declare function byteLengthOf(bytes: Uint8Array): number;
/** Copies `source`'s bytes into `target` at `offset` (the intrinsic `set`). */
export declare function copyBytes(target: Uint8Array, source: Uint8Array, offset: number): void;
/**
 * The bytes of one view or of an array of views gathered into one datagram.
 * A gathered datagram is a copy, so the caller may reuse its views at once.
 */
export declare function payloadBytes(data: unknown, what: string): Uint8Array;
