/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer;
/** The bytes of one view, without copying. */
export declare function viewBytes(data: unknown, what: string): Uint8Array;
/**
 * The bytes of one view or of an array of views gathered into one datagram.
 * A gathered datagram is a copy, so the caller may reuse its views at once.
 */
export declare function payloadBytes(data: unknown, what: string): Uint8Array;
