/**
 * The receive side of a handle: the binding's events dispatched, each read's
 * datagrams delivered to the receive callback within the turn's time budget,
 * what is over it (or stopped mid-read) held in order and bounded, and the
 * reactor's receive queue given back its room.
 */
import type { NativeUdp } from '../binding'

import type { Address4, Address6 } from './address'
import { backend } from './backend'
import { DeliveryBudget } from './delivery-budget'
import {
  type Batch,
  BatchMaker,
  type PacketInfo,
  HELD_BYTES,
  HELD_DATAGRAMS,
  flagsOf,
  isDetached,
  packetInfoOf,
  peerOf,
  takePayload,
} from './delivery'
import { RECEIVED, RECV_ERROR, SENDS_DONE } from './hot-exports'
import type { Loop } from './loop'
import { runCallback } from './run-callback'
import type { FlushingHandle } from './send-completions'
import { untransferable } from './untransferable'

/** The receive callback, for a handle of type `H`. */
export type DeliveryCallback<H> = (
  handle: H,
  address: Address4 | Address6 | null,
  flags: number,
  data: Buffer | null,
  error: number | null,
  pktinfo?: PacketInfo,
) => void

/**
 * What uv-udp/dgram receives each datagram with, in place of the pyuv
 * callback (whose handle, flags and error arguments it has no use for):
 * the payload, its sender, and with pktinfo its destination. One call per
 * datagram and no more: the facade's share of the receive rate depends on
 * it (docs/design-notes.md, "The facade's receive path").
 */
export type MessageSink = (data: Buffer, address: Address4 | Address6 | null, pktinfo: PacketInfo | undefined) => void

export class ReceiveDelivery<H extends FlushingHandle> {
  readonly #handle: H
  readonly #native: NativeUdp
  readonly #loop: Loop
  #closed = false
  #onRecv: DeliveryCallback<H> | null = null
  // With a sink, datagrams go to it and only read errors to #onRecv.
  #sink: MessageSink | null = null
  #pktinfo = false
  // Batches read but not delivered (stop_recv inside a callback, or the
  // turn's time spent): delivered in order on the next turn or start_recv.
  #held: Batch[] = []
  // The batch of the read being delivered to a sink (its tuples not
  // frozen), from the binding's event: `start` freezes it if a callback
  // takes over mid-batch. Only set for a sink: storing a fresh batch into
  // this long-lived object costs a write barrier (storing null does not).
  #delivering: Batch | null = null
  #heldScheduled = false
  #heldDatagrams = 0
  #heldBytes = 0
  readonly #budget = new DeliveryBudget()
  readonly #batches = new BatchMaker()
  #dropped = 0

  constructor(handle: H, native: NativeUdp, loop: Loop) {
    this.#handle = handle
    this.#native = native
    this.#loop = loop
  }

  /** True between `start` and `stop` (or `close`). */
  get receiving(): boolean {
    return this.#onRecv !== null
  }

  /** Datagrams dropped here: held over the bounds, or after a callback detached their read. */
  get dropped(): number {
    return this.#dropped
  }

  /**
   * Delivers to `callback` from now on (datagrams to `sink` instead when one
   * is given); what is held, from the next turn.
   */
  start(callback: DeliveryCallback<H>, pktinfo: boolean, sink: MessageSink | null = null): void {
    this.#pktinfo = pktinfo
    this.#onRecv = callback
    this.#sink = sink
    if (sink === null) {
      // Batches read for a sink go to the callback from here on: frozen first.
      if (this.#delivering !== null) this.#batches.freeze(this.#delivering)
      for (const batch of this.#held) this.#batches.freeze(batch)
    }
    if (this.#held.length > 0) this.#scheduleHeld()
  }

  /** No receive callback runs after this. */
  stop(): void {
    this.#onRecv = null
    this.#sink = null
  }

  /** The handle closes: nothing is delivered any more, nothing held. */
  close(): void {
    this.#closed = true
    this.#onRecv = null
    this.#sink = null
    this.#held = []
    this.#heldDatagrams = 0
    this.#heldBytes = 0
  }

  /** The binding's event: a read (payloads, then header words apart), a read's error, or sends completed. */
  onEvent(
    kind: number,
    memory: ArrayBuffer | null,
    count: number,
    peers: (Address4 | Address6)[] | null,
    locals: string[] | null,
    offset: number,
    size: number,
    headers: ArrayBuffer | null | undefined,
  ): void {
    if (this.#closed) return
    if (kind === RECEIVED && memory !== null && peers !== null && headers != null) {
      // A fresh ArrayBuffer starts at offset 0 (a new receive pool, a
      // read's own memory, a reactor batch): marked once, when it comes.
      if (offset === 0) untransferable(memory)
      this.#loop._flushSends()
      const batch = this.#batches.make(memory, offset, size, count, peers, locals, headers)
      // The tuples a callback sees are frozen; a sink's are not (see
      // BatchMaker.freeze, and `start` for a sink that goes mid-batch).
      if (this.#sink === null) this.#batches.freeze(batch)
      else this.#delivering = batch
      this.#budget.beginRead(count)
      // Behind held batches, or cut short (stop_recv inside a callback, or
      // the turn's time spent): kept for later, in order.
      const delivered = this.#held.length === 0 && this.#deliver(batch)
      this.#delivering = null
      if (delivered) this.#release(batch)
      else this.#hold(batch)
    } else if (kind === RECV_ERROR) {
      this.#loop._flushSends()
      const onRecv = this.#onRecv
      const handle = this.#handle
      if (onRecv !== null) runCallback(this.#loop, () => onRecv(handle, null, 0, null, count))
    } else if (kind === SENDS_DONE) {
      this.#handle._flushSends()
    }
  }

  // Calls the receive callback per datagram until the batch ends, the
  // callback stops receiving, or the turn's time is spent; returns false
  // when the rest must be held.
  #deliver(batch: Batch): boolean {
    const loop = this.#loop
    const handle = this.#handle
    while (batch.next < batch.count) {
      const onRecv = this.#onRecv
      if (onRecv === null) return false
      if (this.#budget.spent()) {
        // 'uv': no read until what is held is delivered (the rest stays in
        // the kernel meanwhile, as before the budget).
        if (backend === 'uv') this.#native.holdReads(true)
        this.#scheduleHeld()
        return false
      }
      if (isDetached(batch)) {
        // A callback detached the read's memory (transferred data.buffer):
        // the rest of the read is gone; counted as dropped, not delivered.
        this.#dropped += batch.count - batch.next
        batch.next = batch.count
        return true
      }
      const peer = peerOf(batch)
      const info = this.#pktinfo ? packetInfoOf(batch) : undefined
      const sink = this.#sink
      if (sink !== null) {
        const payload = takePayload(batch)
        try {
          sink(payload, peer, info)
        } catch (error) {
          loop._report(error)
        }
        continue
      }
      const flags = flagsOf(batch)
      const payload = takePayload(batch)
      try {
        if (info !== undefined) onRecv(handle, peer, flags, payload, null, info)
        else onRecv(handle, peer, flags, payload, null)
      } catch (error) {
        loop._report(error)
      }
    }
    return true
  }

  // Keeps a batch for later delivery; the first one always (it may be cut
  // short mid-batch), the rest while the held set is within its bounds.
  #hold(batch: Batch): void {
    // Closed by a callback of this batch: nothing is held any more.
    if (this.#closed) return
    const datagrams = batch.count - batch.next
    const bytes = batch.size
    if (this.#held.length > 0 && (this.#heldDatagrams + datagrams > HELD_DATAGRAMS || this.#heldBytes + bytes > HELD_BYTES)) {
      this.#dropped += datagrams
      this.#release(batch)
      return
    }
    this.#batches.keep(batch)
    this.#held.push(batch)
    this.#heldDatagrams += datagrams
    this.#heldBytes += bytes
  }

  // Gives the batch's place in the reactor's receive queue back (a no-op
  // with the 'uv' backend, which has no such queue).
  #release(batch: Batch): void {
    if (backend === 'reactor' && !this.#closed) this.#native.recvRelease(batch.count, batch.size)
  }

  #scheduleHeld(): void {
    if (this.#heldScheduled) return
    this.#heldScheduled = true
    setImmediate(() => {
      this.#heldScheduled = false
      // As before any read: completed sends' callbacks first.
      if (this.#held.length > 0 && this.#onRecv !== null && !this.#closed) this.#loop._flushSends()
      this.#budget.beginHeld()
      while (this.#held.length > 0 && this.#onRecv !== null && !this.#closed) {
        const batch = this.#held[0]
        const before = batch.count - batch.next
        const done = this.#deliver(batch)
        this.#heldDatagrams -= before - (batch.count - batch.next)
        if (!done) return
        this.#held.shift()
        this.#heldBytes -= batch.size
        this.#release(batch)
      }
      // Everything held is delivered: the binding may read again.
      if (backend === 'uv' && this.#held.length === 0 && !this.#closed) this.#native.holdReads(false)
    })
  }
}
