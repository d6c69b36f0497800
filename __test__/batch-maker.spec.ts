// BatchMaker (src/delivery.ts): the 'uv' driver carves small reads'
// payloads from one pool ArrayBuffer per handle and writes every read's
// header words into one area per handle, which the maker views once; the
// reactor hands each batch its own buffers. Each read must come back as its
// own datagrams, wherever in the pool it starts and whichever buffers came
// before it, and a read kept past the next one must keep its words.
import test from 'ava'

import { HEADER_WORDS, NO_PEER } from '../binding.js'
import type { Address4, Address6 } from '../index.js'
import { type Batch, BatchMaker, isDetached, peerOf, takePayload } from '../src/delivery.js'

/**
 * Writes a read of `payloads` (from peer 0) as the binding lays it out: the
 * payloads at `base` in `memory`, the header words at the start of
 * `headers`; the payloads' size.
 */
function writeRead(memory: ArrayBuffer, base: number, payloads: string[], headers: ArrayBuffer): number {
  const words = new Uint32Array(headers)
  payloads.forEach((p, i) => words.set([p.length, 0, 0, NO_PEER, 1], i * HEADER_WORDS))
  let offset = 0
  const view = Buffer.from(memory, base)
  for (const p of payloads) offset += view.write(p, offset, 'latin1')
  return offset
}

function payloadsOf(batch: Batch): string[] {
  const out: string[] = []
  while (batch.next < batch.count) out.push(takePayload(batch).toString('latin1'))
  return out
}

/** The lengths `batch` reports, from `next` on, without moving it. */
function lengthsOf(batch: Batch): number[] {
  return Array.from({ length: batch.count - batch.next }, (_, i) => batch.words[(batch.next + i) * HEADER_WORDS])
}

/** A header area as the 'uv' driver keeps one per handle. */
const area = () => new ArrayBuffer(64 * HEADER_WORDS * 4)

const peers = (): (Address4 | Address6)[] => [['127.0.0.1', 4000]]

/** A read of `payloads` written as the binding writes it (see writeRead), made into a batch by `maker`. */
function made(maker: BatchMaker, memory: ArrayBuffer, base: number, payloads: string[], headers: ArrayBuffer, from = peers()): Batch {
  const size = writeRead(memory, base, payloads, headers)
  return maker.make(memory, base, size, payloads.length, from, null, headers)
}

test('reads carved from one pool at different offsets, their words in one area, each read back their own datagrams', (t) => {
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(4096)
  const headers = area()
  const reads: [number, string[]][] = [
    [16, ['alpha', 'be']],
    [1024, ['gamma!', '', 'delta']],
    [2048, ['x']],
    [41, ['again at a lower, odd offset']],
  ]
  for (const [base, payloads] of reads) {
    const batch = made(maker, pool, base, payloads, headers)
    t.deepEqual(payloadsOf(batch), payloads, `the read at ${base}`)
  }
})

test("the 'uv' area is viewed once: reads from it share one view, a read with words of its own gets another", (t) => {
  // A view per read (a typed array allocated and collected) cost about 400
  // instructions a read: the maker keeps the area's.
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(1024)
  const headers = area()
  const first = made(maker, pool, 0, ['one'], headers)
  const second = made(maker, pool, 8, ['two'], headers)
  t.is(second.words, first.words)
  t.is(first.words.buffer, headers)
  const own = new ArrayBuffer(HEADER_WORDS * 4)
  const third = made(maker, pool, 16, ['own'], own)
  t.not(third.words, first.words)
  t.deepEqual(payloadsOf(third), ['own'])
})

test('a read in buffers of its own (payloads and words, as on the reactor), between reads of a pool and an area, reads back its datagrams', (t) => {
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(4096)
  const headers = area()
  t.deepEqual(payloadsOf(made(maker, pool, 8, ['from the pool'], headers)), ['from the pool'])
  const own = new ArrayBuffer(3)
  const ownHeaders = new ArrayBuffer(HEADER_WORDS * 4)
  const size = writeRead(own, 0, ['own'], ownHeaders)
  t.is(size, own.byteLength)
  t.deepEqual(payloadsOf(maker.make(own, 0, size, 1, peers(), null, ownHeaders)), ['own'])
  t.deepEqual(payloadsOf(made(maker, pool, 512, ['pool again', 'and more'], headers)), ['pool again', 'and more'])
})

test('make leaves the peer tuples as they came; freeze freezes every tuple of a peers array, also those of a later read', (t) => {
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(1024)
  const headers = area()
  const first: (Address4 | Address6)[] = [['127.0.0.1', 4000], ['::1', 4001, 0, 0]]
  const batch = made(maker, pool, 0, ['a'], headers, first)
  t.false(first.some((tuple) => Object.isFrozen(tuple)))
  maker.freeze(batch)
  t.true(first.every((tuple) => Object.isFrozen(tuple)))
  t.deepEqual(peerOf(batch), ['127.0.0.1', 4000])
  // The same array again (the binding's peer cache): known by identity.
  const again = made(maker, pool, 0, ['a'], headers, first)
  maker.freeze(again)
  t.true(again.peers.every((tuple) => Object.isFrozen(tuple)))
  const second: (Address4 | Address6)[] = [first[0], ['127.0.0.2', 4002]]
  const later = made(maker, pool, 0, ['a'], headers, second)
  t.false(Object.isFrozen(second[1]))
  maker.freeze(later)
  t.true(second.every((tuple) => Object.isFrozen(tuple)))
  // The peers array itself is the binding's, read only by the handle: left
  // as it is (a frozen array's elements are read through V8's slow path).
  t.false(Object.isFrozen(second))
})

test('a batch whose memory was transferred away is detached; one whose memory is whole is not', (t) => {
  const maker = new BatchMaker(true)
  const memory = new ArrayBuffer(256)
  const headers = area()
  const batch = made(maker, memory, 0, ['gone'], headers)
  t.false(isDetached(batch))
  structuredClone(memory, { transfer: [memory] })
  t.true(isDetached(batch))
  // Its words are elsewhere: still readable.
  t.deepEqual(lengthsOf(batch), [4])
})

test("writing over a read's payload memory, all of it, changes no datagram's length or sender", (t) => {
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(8192)
  const headers = area()
  const payloads = Array.from({ length: 40 }, (_, i) => 'p'.repeat(i + 1))
  const batch = made(maker, pool, 64, payloads, headers)
  new Uint8Array(pool).fill(0xff)
  t.deepEqual(
    lengthsOf(batch),
    payloads.map((p) => p.length),
  )
  t.deepEqual(peerOf(batch), ['127.0.0.1', 4000])
})

test("a batch kept past its read keeps its words while later reads write over the 'uv' area", (t) => {
  const maker = new BatchMaker(true)
  const pool = new ArrayBuffer(8192)
  const headers = area()
  const kept = made(maker, pool, 0, ['kept', 'x'], headers)
  maker.keep(kept)
  t.not(kept.words.buffer, headers)
  for (let base = 1024; base < 8192; base += 1024) {
    t.deepEqual(payloadsOf(made(maker, pool, base, ['a later read of more datagrams', 'b', 'c', 'd'], headers)), ['a later read of more datagrams', 'b', 'c', 'd'])
  }
  t.deepEqual(lengthsOf(kept), [4, 1])
})

test("on the reactor each batch's words are its own: keeping one copies nothing", (t) => {
  const maker = new BatchMaker(false)
  const pool = new ArrayBuffer(256)
  const own = new ArrayBuffer(HEADER_WORDS * 4)
  const batch = made(maker, pool, 0, ['mine'], own)
  const words = batch.words
  maker.keep(batch)
  t.is(batch.words, words)
  t.deepEqual(lengthsOf(batch), [4])
})

test('an area replaced by a larger one (a read of more datagrams) is viewed afresh; reads from it and after it read back', (t) => {
  const maker = new BatchMaker(true)
  const memory = new ArrayBuffer(8192)
  const small = area()
  t.deepEqual(payloadsOf(made(maker, memory, 0, ['small'], small)), ['small'])
  const payloads = Array.from({ length: 300 }, (_, i) => String(i))
  const large = new ArrayBuffer(300 * HEADER_WORDS * 4)
  t.deepEqual(payloadsOf(made(maker, memory, 8, payloads, large)), payloads)
  t.deepEqual(payloadsOf(made(maker, memory, 8, ['after'], large)), ['after'])
})
