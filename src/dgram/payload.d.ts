/** A datagram, or a part of one: a string (UTF-8), a `Buffer`, any TypedArray or a `DataView`. */
export type SendData = string | NodeJS.ArrayBufferView;
/** A datagram or a list of parts gathered into one. */
export type SendPayload = SendData | readonly SendData[];
/** `buffer[offset, offset + length)` as Node's `sliceBuffer`: a view, not a copy. */
export declare function sliceBuffer(buffer: unknown, offset: unknown, length: unknown): Uint8Array;
/**
 * A single view as it is sent: node:dgram reads its length when it sends,
 * and a view whose buffer was detached meanwhile reads as 0 bytes, an empty
 * datagram (the handle refuses a detached view instead).
 */
export declare function sendable(view: Uint8Array): Uint8Array;
/**
 * A datagram as Node's `send` normalises it: one view (what nearly every
 * send passes: no list is made for it), or a list of parts to gather (an
 * empty list becomes one empty part). Throws Node's `ERR_INVALID_ARG_TYPE`.
 */
export declare function toData(buffer: unknown): Uint8Array | Uint8Array[];
/** Bytes of a datagram: what a successful send reports. */
export declare function dataLength(data: Uint8Array | readonly Uint8Array[]): number;
/**
 * The parts of a list as they are sent: a part whose buffer was detached
 * after `send()` returned is 0 bytes, as node:dgram reads it when it
 * sends (the handle refuses a detached view, and `Buffer.concat` throws).
 */
export declare function sendableParts(parts: readonly Uint8Array[]): Uint8Array[];
/** One buffer of the datagram, for the synchronous sends (a list is copied into one). */
export declare function joinData(data: Uint8Array | Uint8Array[]): Uint8Array;
