/** What `send` takes as a datagram, as `node:dgram` reads it: strings, views, lists of them, offset and length. */
import { bufferOutOfBounds, invalidArgType } from './errors'

/** A datagram, or a part of one: a string (UTF-8), a `Buffer`, any TypedArray or a `DataView`. */
export type SendData = string | NodeJS.ArrayBufferView
/** A datagram or a list of parts gathered into one. */
export type SendPayload = SendData | readonly SendData[]

const EXPECTED = ['Buffer', 'TypedArray', 'DataView', 'string'] as const

/** `buffer[offset, offset + length)` as Node's `sliceBuffer`: a view, not a copy. */
export function sliceBuffer(buffer: unknown, offset: unknown, length: unknown): Uint8Array {
  let view: ArrayBufferView
  if (typeof buffer === 'string') view = Buffer.from(buffer)
  else if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', EXPECTED, buffer)
  else view = buffer
  // `x >>> 0` as Node writes it: a BigInt throws V8's TypeError.
  const start = (offset as number) >>> 0
  const count = (length as number) >>> 0
  if (start > view.byteLength) throw bufferOutOfBounds('offset')
  if (start + count > view.byteLength) throw bufferOutOfBounds('length')
  return new Uint8Array(view.buffer, view.byteOffset + start, count)
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

const EMPTY = new Uint8Array(0)

/**
 * A single view as it is sent: node:dgram reads its length when it sends,
 * and a view whose buffer was detached meanwhile reads as 0 bytes, an empty
 * datagram (the handle refuses a detached view instead).
 */
export function sendable(view: Uint8Array): Uint8Array {
  return view.byteLength === 0 ? EMPTY : view
}

/**
 * A datagram as Node's `send` normalises it: one view (what nearly every
 * send passes: no list is made for it), or a list of parts to gather (an
 * empty list becomes one empty part). Throws Node's `ERR_INVALID_ARG_TYPE`.
 */
export function toData(buffer: unknown): Uint8Array | Uint8Array[] {
  if (!Array.isArray(buffer)) {
    if (typeof buffer === 'string') return Buffer.from(buffer)
    if (!ArrayBuffer.isView(buffer)) throw invalidArgType('buffer', EXPECTED, buffer)
    return bytesOf(buffer)
  }
  // The length read once, as Node's fixBufferList reads it: a part's
  // getter that grows the list adds nothing, one that shrinks it leaves an
  // undefined part, which throws here.
  const length = buffer.length
  if (length === 0) return [Buffer.alloc(0)]
  const parts = new Array<Uint8Array>(length)
  for (let i = 0; i < length; i++) {
    const part: unknown = buffer[i]
    if (typeof part === 'string') parts[i] = Buffer.from(part)
    // A view of each part, as Node's fixBufferList makes (a detached one
    // throws V8's TypeError here, as there).
    else if (ArrayBuffer.isView(part)) parts[i] = new Uint8Array(part.buffer, part.byteOffset, part.byteLength)
    else throw invalidArgType('buffer list arguments', EXPECTED, buffer)
  }
  return parts
}

/** Bytes of a datagram: what a successful send reports. */
export function dataLength(data: Uint8Array | readonly Uint8Array[]): number {
  if (!Array.isArray(data)) return (data as Uint8Array).byteLength
  let total = 0
  for (const part of data) total += part.byteLength
  return total
}

/**
 * The parts of a list as they are sent: a part whose buffer was detached
 * after `send()` returned is 0 bytes, as node:dgram reads it when it
 * sends (the handle refuses a detached view, and `Buffer.concat` throws).
 */
export function sendableParts(parts: readonly Uint8Array[]): Uint8Array[] {
  return parts.map(sendable)
}

/** One buffer of the datagram, for the synchronous sends (a list is copied into one). */
export function joinData(data: Uint8Array | Uint8Array[]): Uint8Array {
  if (!Array.isArray(data)) return data
  return data.length === 1 ? sendable(data[0]) : Buffer.concat(sendableParts(data))
}
