import { type Label } from './label';
/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer;
/**
 * The bytes of one view, without copying: the view itself when it is a
 * `Uint8Array` (a `Buffer` or another subclass included: the binding reads
 * its internal slots, never its properties), otherwise a `Uint8Array` over
 * what it covers. `viewLength()` is then its length.
 * A detached buffer, a Proxy, or anything that is not a real view or
 * `ArrayBuffer`: `TypeError` naming `what`.
 */
export declare function viewBytes(data: unknown, what: Label): Uint8Array;
/**
 * The length in bytes of the view `viewBytes` returned last, as it read it
 * (try_send_many reads each datagram's length once, not twice: the
 * intrinsic getter is a call of its own, about 36 instructions).
 */
export declare function viewLength(): number;
/** A view's length in bytes, read through the intrinsic getter. */
export declare function byteLengthOf(bytes: Uint8Array): number;
/** Copies `source`'s bytes into `target` at `offset` (the intrinsic `set`). */
export declare function copyBytes(target: Uint8Array, source: Uint8Array, offset: number): void;
/**
 * The bytes of one view or of an array of views gathered into one datagram.
 * A gathered datagram is a copy, so the caller may reuse its views at once.
 */
export declare function payloadBytes(data: unknown, what: string): Uint8Array;
