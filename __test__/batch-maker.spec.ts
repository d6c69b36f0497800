// BatchMaker (src/delivery.ts): the 'uv' driver carves small reads from one
// pool ArrayBuffer per handle, and the maker reads all of their header
// words through one view of the pool. Each read must still come back as
// its own datagrams, wherever in the pool it starts and whichever buffer
// came before it.
import test from 'ava'

import { HEADER_WORDS, NO_PEER } from '../binding.js'
import type { Address4, Address6 } from '../index.js'
import { type Batch, BatchMaker, isDetached, peerOf, takePayload } from '../src/delivery.js'

/** Writes a read of `payloads` (from peer 0) as the binding lays it out, at `base` in `memory`; its size. */
function writeRead(memory: ArrayBuffer, base: number, payloads: string[]): number {
  const header = payloads.length * HEADER_WORDS * 4
  const view = Buffer.from(memory, base)
  payloads.forEach((p, i) => {
    const words = [p.length, 0, 0, NO_PEER, 1]
    words.forEach((w, j) => view.writeUInt32LE(w, (i * HEADER_WORDS + j) * 4))
  })
  let offset = header
  for (const p of payloads) offset += view.write(p, offset, 'latin1')
  return offset
}

function payloadsOf(batch: Batch): string[] {
  const out: string[] = []
  while (batch.next < batch.count) out.push(takePayload(batch).toString('latin1'))
  return out
}

const peers = (): (Address4 | Address6)[] => [['127.0.0.1', 4000]]

test('reads carved from one pool at different offsets each read back their own datagrams', (t) => {
  const maker = new BatchMaker()
  const pool = new ArrayBuffer(4096)
  const reads: [number, string[]][] = [
    [16, ['alpha', 'be']],
    [1024, ['gamma!', '', 'delta']],
    [2048, ['x']],
    [40, ['again at a lower offset']],
  ]
  for (const [base, payloads] of reads) {
    const size = writeRead(pool, base, payloads)
    const batch = maker.make(pool, base, size, payloads.length, peers(), null)
    t.deepEqual(payloadsOf(batch), payloads, `the read at ${base}`)
  }
})

test('a read in a buffer of its own, between reads of a pool, reads back its datagrams and leaves the pool readable', (t) => {
  const maker = new BatchMaker()
  const pool = new ArrayBuffer(4096)
  let size = writeRead(pool, 8, ['from the pool'])
  t.deepEqual(payloadsOf(maker.make(pool, 8, size, 1, peers(), null)), ['from the pool'])
  // Exactly its size, which is not a multiple of 4: no Uint32Array can view it whole.
  const own = new ArrayBuffer(HEADER_WORDS * 4 + 3)
  size = writeRead(own, 0, ['own'])
  t.is(size, own.byteLength)
  t.deepEqual(payloadsOf(maker.make(own, 0, size, 1, peers(), null)), ['own'])
  size = writeRead(pool, 512, ['pool again'])
  t.deepEqual(payloadsOf(maker.make(pool, 512, size, 1, peers(), null)), ['pool again'])
})

test('a larger buffer whose length is not a multiple of 4 reads back its datagrams', (t) => {
  const maker = new BatchMaker()
  const memory = new ArrayBuffer(HEADER_WORDS * 4 * 2 + 64 + 2)
  const size = writeRead(memory, 4, ['odd', 'tail'])
  t.true(memory.byteLength > size)
  t.deepEqual(payloadsOf(maker.make(memory, 4, size, 2, peers(), null)), ['odd', 'tail'])
})

test('make leaves the peer tuples as they came; freeze freezes every tuple of a peers array, also those of a later read', (t) => {
  const maker = new BatchMaker()
  const pool = new ArrayBuffer(1024)
  const first: (Address4 | Address6)[] = [['127.0.0.1', 4000], ['::1', 4001, 0, 0]]
  const size = writeRead(pool, 0, ['a'])
  const batch = maker.make(pool, 0, size, 1, first, null)
  t.false(first.some((tuple) => Object.isFrozen(tuple)))
  maker.freeze(batch)
  t.true(first.every((tuple) => Object.isFrozen(tuple)))
  t.deepEqual(peerOf(batch), ['127.0.0.1', 4000])
  // The same array again (the binding's peer cache): known by identity.
  const again = maker.make(pool, 0, size, 1, first, null)
  maker.freeze(again)
  t.true(again.peers.every((tuple) => Object.isFrozen(tuple)))
  const second: (Address4 | Address6)[] = [first[0], ['127.0.0.2', 4002]]
  const later = maker.make(pool, 0, size, 1, second, null)
  t.false(Object.isFrozen(second[1]))
  maker.freeze(later)
  t.true(second.every((tuple) => Object.isFrozen(tuple)))
  // The peers array itself is the binding's, read only by the handle: left
  // as it is (a frozen array's elements are read through V8's slow path).
  t.false(Object.isFrozen(second))
})

test('a batch whose memory was transferred away is detached; one whose memory is whole is not', (t) => {
  const maker = new BatchMaker()
  const memory = new ArrayBuffer(256)
  const size = writeRead(memory, 0, ['gone'])
  const batch = maker.make(memory, 0, size, 1, peers(), null)
  t.false(isDetached(batch))
  structuredClone(memory, { transfer: [memory] })
  t.true(isDetached(batch))
})

/** The lengths `batch` reports, from `next` on, without moving it. */
function lengthsOf(batch: Batch): number[] {
  return Array.from({ length: batch.count - batch.next }, (_, i) => batch.words[(batch.next + i) * HEADER_WORDS])
}

for (const count of [3, 40]) {
  test(`a batch's header words are its own: writing over its memory after make changes no length (${count} datagrams)`, (t) => {
    const maker = new BatchMaker()
    const pool = new ArrayBuffer(8192)
    const payloads = Array.from({ length: count }, (_, i) => 'p'.repeat(i + 1))
    const size = writeRead(pool, 64, payloads)
    const batch = maker.make(pool, 64, size, count, peers(), null)
    new Uint8Array(pool).fill(0xff)
    t.deepEqual(
      lengthsOf(batch),
      payloads.map((p) => p.length),
    )
    t.deepEqual(peerOf(batch), ['127.0.0.1', 4000])
    maker.done()
  })
}

test('a batch kept past its read keeps its words through later reads; one not yet done is not overwritten by the next make', (t) => {
  const maker = new BatchMaker()
  const pool = new ArrayBuffer(8192)
  let size = writeRead(pool, 0, ['kept', 'x'])
  const kept = maker.make(pool, 0, size, 2, peers(), null)
  maker.keep(kept)
  maker.done()
  // Later reads reuse the maker's array; the kept batch has its own.
  for (let base = 1024; base < 8192; base += 1024) {
    size = writeRead(pool, base, ['a later read of more datagrams', 'b', 'c', 'd'])
    const later = maker.make(pool, base, size, 4, peers(), null)
    t.deepEqual(payloadsOf(later), ['a later read of more datagrams', 'b', 'c', 'd'])
    maker.done()
  }
  t.deepEqual(lengthsOf(kept), [4, 1])
  // Made and not done (as if a read came in while another was delivered):
  // the next make copies elsewhere.
  size = writeRead(pool, 0, ['outer', 'read'])
  const outer = maker.make(pool, 0, size, 2, peers(), null)
  size = writeRead(pool, 4096, ['inner read'])
  const inner = maker.make(pool, 4096, size, 1, peers(), null)
  t.deepEqual(lengthsOf(outer), [5, 4])
  t.deepEqual(lengthsOf(inner), [10])
})

test('a read of more datagrams than the maker has room for grows its array', (t) => {
  const maker = new BatchMaker()
  const payloads = Array.from({ length: 300 }, (_, i) => String(i))
  const memory = new ArrayBuffer(300 * HEADER_WORDS * 4 + 2048)
  const size = writeRead(memory, 8, payloads)
  t.deepEqual(payloadsOf(maker.make(memory, 8, size, payloads.length, peers(), null)), payloads)
  maker.done()
  const few = writeRead(memory, 8, ['after'])
  t.deepEqual(payloadsOf(maker.make(memory, 8, few, 1, peers(), null)), ['after'])
})
