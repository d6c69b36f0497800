/** A datagram, or a part of one: a string (UTF-8), a `Buffer`, any TypedArray or a `DataView`. */
export type SendData = string | NodeJS.ArrayBufferView;
/** A datagram or a list of parts gathered into one. */
export type SendPayload = SendData | readonly SendData[];
/** `buffer[offset, offset + length)` as Node's `sliceBuffer`: a view, not a copy. */
export declare function sliceBuffer(buffer: unknown, offset: unknown, length: unknown): Uint8Array;
/**
 * The parts of a datagram as Node's `send` normalises them: one part, or a
 * list (empty means one empty datagram). Throws Node's `ERR_INVALID_ARG_TYPE`.
 */
export declare function toParts(buffer: unknown): Uint8Array[];
/** Total bytes of the parts: what a successful send reports. */
export declare function partsLength(parts: readonly Uint8Array[]): number;
