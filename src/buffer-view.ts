/**
 * A Buffer viewing bytes of an ArrayBuffer, as `Buffer.from(buffer,
 * byteOffset, length)` makes it, for each received datagram's payload.
 *
 * On Node, `Buffer[Symbol.species]` is the class every Buffer is an
 * instance of (Node's internal `FastBuffer`, whose prototype is
 * `Buffer.prototype`): constructing it directly skips `Buffer.from`'s
 * argument checks, among them `isAnyArrayBuffer`, a call into C++ (about
 * 17 ns of some 50 per payload on this project's machine, Node 20-26;
 * docs/design-notes.md). The receive path has already checked that the
 * memory is an attached ArrayBuffer and the range inside it (the binding's
 * header words, which no callback reaches, give each length). Deno's `node:buffer` has the
 * same species class and takes this path too. Where the species is
 * `Buffer` itself (Bun, whose `new Buffer` is slower than its
 * `Buffer.from`), or is not a class that makes a correct view (replaced
 * by other code), `Buffer.from` is used.
 */
// Imported, not the global: Node's global `Buffer` is an accessor.
import { Buffer } from 'node:buffer'

type ViewClass = new (buffer: ArrayBuffer, byteOffset: number, length: number) => Buffer

/** The species class, when constructing it makes a correct Buffer view; else null. */
function viewClass(): ViewClass | null {
  try {
    const species: unknown = Reflect.get(Buffer, Symbol.species)
    if (typeof species !== 'function' || species === Buffer || species.prototype !== Buffer.prototype) return null
    const Class = species as ViewClass
    const memory = new ArrayBuffer(8)
    const probe = new Class(memory, 2, 3)
    const correct =
      Buffer.isBuffer(probe) && probe.buffer === memory && probe.byteOffset === 2 && probe.length === 3 && Object.getPrototypeOf(probe) === Buffer.prototype
    return correct ? Class : null
  } catch {
    return null
  }
}

const ViewOf = viewClass()

/** A Buffer of `length` bytes at `byteOffset` in `buffer` (an attached ArrayBuffer; the range inside it). */
export const bufferView: (buffer: ArrayBuffer, byteOffset: number, length: number) => Buffer =
  ViewOf !== null
    ? (buffer, byteOffset, length) => new ViewOf(buffer, byteOffset, length)
    : (buffer, byteOffset, length) => Buffer.from(buffer, byteOffset, length)

/** Whether payloads are made by the species class (true on Node) rather than `Buffer.from`. */
export const viewsBySpecies = ViewOf !== null
