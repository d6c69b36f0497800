/**
 * Received batches as the binding hands them over, and the bounds on what
 * JS may hold of them. The layout (header words, "no peer") is the
 * binding's contract, imported, never copied.
 */
import type { Address4, Address6 } from './address'
import { backend } from './backend'
import { bufferView } from './buffer-view'
import { HEADER_WORDS, NO_PEER } from './hot-exports'

/** Where a datagram arrived: `start_recv(cb, { pktinfo: true })` passes it as the sixth argument. */
export interface PacketInfo {
  /** The address the datagram was sent to. */
  local_address: string
  /** The index of the interface it came in on. */
  interface_index: number
}

/** Datagrams read in one go, delivered from `next` on. */
export interface Batch {
  // The payloads: `size` bytes at `base` in `buffer` (on 'uv' a slice of a
  // pool the binding shares between a handle's reads, or all of it).
  buffer: ArrayBuffer
  base: number
  size: number
  // The header words, in memory no receive callback reaches: datagram i's
  // are HEADER_WORDS from words[i * HEADER_WORDS].
  words: Uint32Array
  count: number
  peers: readonly (Address4 | Address6)[]
  locals: readonly string[] | null
  next: number
  // Where datagram `next`'s payload starts, from `base`.
  offset: number
}

/**
 * The time one handle's receive callbacks may take in one slice (see
 * delivery-budget.ts); what is over it waits for the next turn
 * (setImmediate). With the reactor, batches queue up between the reactor
 * thread and JS; with `'uv'` the binding sizes each read from the measured
 * cost of the callbacks, but one read may hold far more datagrams than
 * that (a UDP GRO message holds up to 128), and the cost may jump: the
 * binding then stops reading until JS has delivered what it holds.
 */
export const TURN_BUDGET_MS = 1
/** Datagrams JS may hold for later delivery (stop_recv mid-batch, or over the turn's budget). */
export const HELD_DATAGRAMS = 16384
/** Payload bytes JS may hold likewise. */
export const HELD_BYTES = 16 << 20

/**
 * Makes one handle's batches from the binding's reads, reusing what
 * consecutive reads share. The binding hands each read's header words in
 * an ArrayBuffer apart from the payloads (so that a callback writing
 * through `data.buffer` cannot change another datagram's length or
 * sender): on 'uv' one area per handle that every read writes over, viewed
 * once here (a view per read, a typed array allocated and collected, cost
 * about 400 instructions); on the reactor a buffer per batch. A batch kept
 * past its read gets a copy of its words ({@link BatchMaker.keep}). And a
 * read from the one peer of the handle's previous read brings that read's
 * peers array again (the binding's peer cache), its tuples frozen already
 * if a callback saw them: {@link BatchMaker.freeze} knows it by identity,
 * without a call into the runtime each read.
 */
export class BatchMaker {
  // True when the binding writes every read's words into the same buffer
  // (the 'uv' driver's header area), which the next read writes over.
  readonly #reused: boolean
  // The last header buffer viewed, and that view.
  #headers: ArrayBuffer | null = null
  #words = new Uint32Array(0)
  // The last peers array whose tuples were frozen here.
  #frozen: readonly (Address4 | Address6)[] | null = null

  /** `reused`: whether the binding reuses the words' buffer from read to read (the 'uv' driver). */
  constructor(reused: boolean = backend === 'uv') {
    this.#reused = reused
  }

  /**
   * A batch from the binding: payloads `size` bytes at `base` in `buffer`,
   * header words at the start of `headers`, its peer tuples as the binding
   * made them (for JS alone): {@link freeze} before a receive callback sees one.
   */
  make(
    buffer: ArrayBuffer,
    base: number,
    size: number,
    count: number,
    peers: (Address4 | Address6)[],
    locals: readonly string[] | null,
    headers: ArrayBuffer,
  ): Batch {
    if (headers !== this.#headers) {
      this.#headers = headers
      this.#words = new Uint32Array(headers, 0, headers.byteLength >>> 2)
    }
    const words = this.#words
    return { buffer, base, size, words, count, peers, locals, next: 0, offset: 0 }
  }

  /**
   * `batch` (made here) is kept past its read: it gets a copy of its words
   * when they are in the buffer the next read writes over.
   */
  keep(batch: Batch): void {
    if (this.#reused && batch.words === this.#words) batch.words = batch.words.slice(0, batch.count * HEADER_WORDS)
  }

  /**
   * Freezes `batch`'s peer tuples in place, so that one callback cannot
   * change the address another datagram reports; the last peers array
   * done is known by identity (the binding hands the same one again for a
   * read from the same single peer). Only tuples a callback will see are
   * frozen, and not the peers array, which only the handle reads: V8 reads
   * a frozen array's elements through a slow path (~70 instructions a
   * read), which the facade's sink, which copies each sender into a fresh
   * `rinfo`, would pay twice per datagram (docs/design-notes.md).
   */
  freeze(batch: Batch): void {
    const peers = batch.peers
    if (peers !== this.#frozen) {
      for (let i = 0; i < peers.length; i++) Object.freeze(peers[i])
      this.#frozen = peers
    }
  }
}

/** A batch as {@link BatchMaker.make} makes it, with nothing reused from an earlier one, frozen. */
export function makeBatch(...read: Parameters<BatchMaker['make']>): Batch {
  const maker = new BatchMaker()
  const batch = maker.make(...read)
  maker.freeze(batch)
  return batch
}

/** True once a callback detached the batch's memory (transferred its ArrayBuffer). */
export function isDetached(batch: Batch): boolean {
  return batch.buffer.byteLength === 0
}

/** Datagram `batch.next`'s sender, or `null` when the kernel reported none. */
export function peerOf(batch: Batch): Address4 | Address6 | null {
  const index = batch.words[batch.next * HEADER_WORDS + 2]
  return index === NO_PEER ? null : batch.peers[index]
}

/** Datagram `batch.next`'s flags. */
export function flagsOf(batch: Batch): number {
  return batch.words[batch.next * HEADER_WORDS + 1]
}

/** Datagram `batch.next`'s destination and interface (pktinfo). */
export function packetInfoOf(batch: Batch): PacketInfo {
  const at = batch.next * HEADER_WORDS
  const local = batch.words[at + 3]
  return {
    local_address: local === NO_PEER || batch.locals === null ? '' : batch.locals[local],
    interface_index: batch.words[at + 4],
  }
}

/** Datagram `batch.next`'s payload (a view of the batch), and moves on to the next. */
export function takePayload(batch: Batch): Buffer {
  const length = batch.words[batch.next * HEADER_WORDS]
  const payload = bufferView(batch.buffer, batch.base + batch.offset, length)
  batch.next++
  batch.offset += length
  return payload
}
