/** Datagram payloads: the views a caller may pass, and their bytes. */
import { isAnyArrayBuffer } from 'node:util/types'

import { describe } from './address'

/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer

/** The bytes of one view, without copying. */
export function viewBytes(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data
  try {
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (isAnyArrayBuffer(data)) return new Uint8Array(data)
  } catch {
    // V8 refuses views of a detached buffer with a message that names nothing.
    throw new TypeError(`${what} must not be a detached buffer`)
  }
  throw new TypeError(`${what} must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(data)}`)
}

/**
 * The bytes of one view or of an array of views gathered into one datagram.
 * A gathered datagram is a copy, so the caller may reuse its views at once.
 */
export function payloadBytes(data: unknown, what: string): Uint8Array {
  if (!Array.isArray(data)) return viewBytes(data, what)
  const count = data.length
  if (count === 0) throw new TypeError(`${what} must not be an empty array`)
  if (count === 1) return viewBytes(data[0], `${what}[0]`)
  // A plain loop, not map(): it stops at the first element that is no view,
  // so a sparse array of 2**32-1 holes fails at index 0 instead of being walked.
  const parts = new Array<Uint8Array>(count)
  for (let i = 0; i < count; i++) parts[i] = viewBytes(data[i], `${what}[${i}]`)
  return Buffer.concat(parts)
}
