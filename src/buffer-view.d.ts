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
import { Buffer } from 'node:buffer';
/** A Buffer of `length` bytes at `byteOffset` in `buffer` (an attached ArrayBuffer; the range inside it). */
export declare const bufferView: (buffer: ArrayBuffer, byteOffset: number, length: number) => Buffer;
/** Whether payloads are made by the species class (true on Node) rather than `Buffer.from`. */
export declare const viewsBySpecies: boolean;
