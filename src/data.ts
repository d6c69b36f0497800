/** Datagram payloads: the views a caller may pass, and their bytes. */
import { isAnyArrayBuffer, isArrayBuffer, isDataView } from 'node:util/types'

import { describe } from './address'
import { type Label, labelText } from './label'

/** A payload: a `Buffer`, any TypedArray, a `DataView` or an `ArrayBuffer`. */
export type Data = ArrayBufferView | ArrayBuffer

// A view's buffer, offset and length are read through the intrinsic getters,
// captured here once, never through the view's own properties: a subclass or
// an own property can make `byteLength` lie or throw, and what is sent (and
// counted in send_queue_size) must be what the view really covers. The
// getters are also the brand checks: the TypedArray ones answer `undefined`
// (the tag) or throw for anything that is not a real TypedArray, a Proxy of
// one or an object made from its prototype included.
function getter(prototype: object, key: PropertyKey): (this: unknown) => unknown {
  const get = Object.getOwnPropertyDescriptor(prototype, key)?.get
  if (get === undefined) throw new Error(`no intrinsic getter ${String(key)}`)
  return get
}
const apply = Reflect.apply
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object
const typedArrayTag = getter(TypedArrayPrototype, Symbol.toStringTag)
const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer')
const typedArrayByteOffset = getter(TypedArrayPrototype, 'byteOffset')
const typedArrayByteLength = getter(TypedArrayPrototype, 'byteLength')
const typedArraySet = TypedArrayPrototype['set' as keyof object] as (this: Uint8Array, source: Uint8Array, offset: number) => void
const dataViewBuffer = getter(DataView.prototype, 'buffer')
const dataViewByteOffset = getter(DataView.prototype, 'byteOffset')
const dataViewByteLength = getter(DataView.prototype, 'byteLength')
const Uint8ArrayCtor = Uint8Array

function detached(what: Label): TypeError {
  return new TypeError(`${labelText(what)} must not be a detached buffer`)
}

// A TypedArray of a detached buffer reports 0 bytes; so does one of an empty
// buffer. Only a detached ArrayBuffer refuses an empty view over it, and
// making one looks nothing up on the buffer (ArrayBuffer.prototype.slice
// would read its `constructor`, which user code can define).
function isDetached(buffer: unknown): boolean {
  // A SharedArrayBuffer cannot be detached.
  if (!isArrayBuffer(buffer)) return false
  try {
    new Uint8ArrayCtor(buffer, 0, 0)
    return false
  } catch {
    return true
  }
}

// The length of the view viewBytes returned last (see viewLength).
let lastLength = 0

/**
 * The bytes of one view, without copying: the view itself when it is a
 * `Uint8Array` (a `Buffer` or another subclass included: the binding reads
 * its internal slots, never its properties), otherwise a `Uint8Array` over
 * what it covers. `viewLength()` is then its length.
 * A detached buffer, a Proxy, or anything that is not a real view or
 * `ArrayBuffer`: `TypeError` naming `what`.
 */
export function viewBytes(data: unknown, what: Label): Uint8Array {
  const tag = apply(typedArrayTag, data, [])
  if (tag !== undefined) {
    const length = apply(typedArrayByteLength, data, []) as number
    // The buffer only when needed: reading it is a call into the runtime
    // (about 200 instructions per send for a small, on-heap view).
    if (length === 0 && isDetached(apply(typedArrayBuffer, data, []))) throw detached(what)
    lastLength = length
    // A real Uint8Array (a Buffer, or any subclass: the tag is its internal
    // [[TypedArrayName]], which no prototype or property changes) goes as it
    // is. Not Object.getPrototypeOf, a call into the runtime for a view.
    if (tag === 'Uint8Array') return data as Uint8Array
    return new Uint8Array(apply(typedArrayBuffer, data, []) as ArrayBufferLike, apply(typedArrayByteOffset, data, []) as number, length)
  }
  let view: Uint8Array
  if (isDataView(data)) {
    try {
      view = new Uint8Array(
        apply(dataViewBuffer, data, []) as ArrayBufferLike,
        apply(dataViewByteOffset, data, []) as number,
        apply(dataViewByteLength, data, []) as number,
      )
    } catch {
      // The getters refuse a view of a detached buffer.
      throw detached(what)
    }
  } else if (isAnyArrayBuffer(data)) {
    try {
      view = new Uint8Array(data)
    } catch {
      throw detached(what)
    }
  } else {
    throw new TypeError(`${labelText(what)} must be a Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(data)}`)
  }
  lastLength = byteLengthOf(view)
  return view
}

/**
 * The length in bytes of the view `viewBytes` returned last, as it read it
 * (try_send_many reads each datagram's length once, not twice: the
 * intrinsic getter is a call of its own, about 36 instructions).
 */
export function viewLength(): number {
  return lastLength
}

/** A view's length in bytes, read through the intrinsic getter. */
export function byteLengthOf(bytes: Uint8Array): number {
  return apply(typedArrayByteLength, bytes, []) as number
}

/** Copies `source`'s bytes into `target` at `offset` (the intrinsic `set`). */
export function copyBytes(target: Uint8Array, source: Uint8Array, offset: number): void {
  apply(typedArraySet, target, [source, offset])
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
  let total = 0
  for (let i = 0; i < count; i++) {
    parts[i] = viewBytes(data[i], `${what}[${i}]`)
    total += byteLengthOf(parts[i])
  }
  const out = Buffer.allocUnsafe(total)
  let offset = 0
  for (const part of parts) {
    copyBytes(out, part, offset)
    offset += byteLengthOf(part)
  }
  return out
}
