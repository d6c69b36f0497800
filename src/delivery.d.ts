/**
 * Received batches as the binding hands them over, and the bounds on what
 * JS may hold of them. The layout (header words, "no peer") is the
 * binding's contract, imported, never copied.
 */
import type { Address4, Address6 } from './address';
/** Where a datagram arrived: `start_recv(cb, { pktinfo: true })` passes it as the sixth argument. */
export interface PacketInfo {
    /** The address the datagram was sent to. */
    local_address: string;
    /** The index of the interface it came in on. */
    interface_index: number;
}
/** Datagrams read in one go, delivered from `next` on. */
export interface Batch {
    buffer: ArrayBuffer;
    base: number;
    size: number;
    words: Uint32Array;
    count: number;
    peers: readonly (Address4 | Address6)[];
    locals: readonly string[] | null;
    next: number;
    offset: number;
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
export declare const TURN_BUDGET_MS = 1;
/** Datagrams JS may hold for later delivery (stop_recv mid-batch, or over the turn's budget). */
export declare const HELD_DATAGRAMS = 16384;
/** Payload bytes JS may hold likewise. */
export declare const HELD_BYTES: number;
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
export declare class BatchMaker {
    #private;
    /** `reused`: whether the binding reuses the words' buffer from read to read (the 'uv' driver). */
    constructor(reused?: boolean);
    /**
     * A batch from the binding: payloads `size` bytes at `base` in `buffer`,
     * header words at the start of `headers`, its peer tuples as the binding
     * made them (for JS alone): {@link freeze} before a receive callback sees one.
     */
    make(buffer: ArrayBuffer, base: number, size: number, count: number, peers: (Address4 | Address6)[], locals: readonly string[] | null, headers: ArrayBuffer): Batch;
    /**
     * `batch` (made here) is kept past its read: it gets a copy of its words
     * when they are in the buffer the next read writes over.
     */
    keep(batch: Batch): void;
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
    freeze(batch: Batch): void;
}
/** A batch as {@link BatchMaker.make} makes it, with nothing reused from an earlier one, frozen. */
export declare function makeBatch(...read: Parameters<BatchMaker['make']>): Batch;
/** True once a callback detached the batch's memory (transferred its ArrayBuffer). */
export declare function isDetached(batch: Batch): boolean;
/** Datagram `batch.next`'s sender, or `null` when the kernel reported none. */
export declare function peerOf(batch: Batch): Address4 | Address6 | null;
/** Datagram `batch.next`'s flags. */
export declare function flagsOf(batch: Batch): number;
/** Datagram `batch.next`'s destination and interface (pktinfo). */
export declare function packetInfoOf(batch: Batch): PacketInfo;
/** Datagram `batch.next`'s payload (a view of the batch), and moves on to the next. */
export declare function takePayload(batch: Batch): Buffer;
