/** Datagram payloads: the views a caller may pass, and their bytes. */
import { isAnyArrayBuffer } from 'node:util/types'

import { describe } from './address'

/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer

/** The bytes of one view, without copying. */
export function viewBytes(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (isAnyArrayBuffer(data)) return new Uint8Array(data)
  throw new TypeError(`${what} must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(data)}`)
}

/**
 * The bytes of one view or of an array of views gathered into one datagram.
 * A gathered datagram is a copy, so the caller may reuse its views at once.
 */
export function payloadBytes(data: unknown, what: string): Uint8Array {
  if (!Array.isArray(data)) return viewBytes(data, what)
  if (data.length === 0) throw new TypeError(`${what} must not be an empty array`)
  if (data.length === 1) return viewBytes(data[0], `${what}[0]`)
  return Buffer.concat(data.map((part, i) => viewBytes(part, `${what}[${i}]`)))
}
