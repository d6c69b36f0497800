// The send callbacks' queue (src/fifo.ts): first in, first out, however long,
// across its refills (the pushed items reversed into the ones to shift).
import test from 'ava'

import { Fifo } from '../src/fifo.js'

test('an empty Fifo has length 0 and peek/shift give undefined', (t) => {
  const fifo = new Fifo<number>()
  t.is(fifo.length, 0)
  t.is(fifo.peek(), undefined)
  t.is(fifo.shift(), undefined)
  t.is(fifo.length, 0)
})

test('items come out in the order they went in, with length and peek right at every step, across refills', (t) => {
  const fifo = new Fifo<number>()
  let next = 0
  let expected = 0
  const wrong: string[] = []
  // Pushes run ahead of shifts by a varying lag, so refills happen with
  // varying numbers of items waiting on each side.
  for (let round = 0; round < 20_000; round++) {
    const pushes = round % 7 === 0 ? 3 : 1
    for (let i = 0; i < pushes; i++) fifo.push(next++)
    const shifts = round % 5 === 0 ? 2 : 1
    for (let i = 0; i < shifts && expected < next; i++) {
      if (fifo.peek() !== expected) wrong.push(`peek ${fifo.peek()} for ${expected}`)
      const item = fifo.shift()
      if (item !== expected) wrong.push(`shift ${item} for ${expected}`)
      expected++
    }
    if (fifo.length !== next - expected) wrong.push(`length ${fifo.length} for ${next - expected} at round ${round}`)
    if (wrong.length > 5) break
  }
  t.deepEqual(wrong, [])
  while (fifo.length > 0) t.is(fifo.shift(), expected++)
  t.is(expected, next)
  t.is(fifo.shift(), undefined)
})

test('draining 5000 items and refilling keeps the order and the length', (t) => {
  const fifo = new Fifo<string>()
  for (let i = 0; i < 5000; i++) fifo.push(`a${i}`)
  for (let i = 0; i < 5000; i++) t.is(fifo.shift(), `a${i}`)
  t.is(fifo.length, 0)
  t.is(fifo.shift(), undefined)
  for (let i = 0; i < 3; i++) fifo.push(`b${i}`)
  t.is(fifo.length, 3)
  t.is(fifo.peek(), 'b0')
  t.deepEqual([fifo.shift(), fifo.shift(), fifo.shift(), fifo.shift()], ['b0', 'b1', 'b2', undefined])
})

test('at(i) and peek count from the front when items wait on both sides of a refill (shifted ones and newer pushes)', (t) => {
  const fifo = new Fifo<number>()
  for (let i = 0; i < 5; i++) fifo.push(i)
  // The first shift moves 0..4 to the front; 5 and 6 are pushed after it.
  t.is(fifo.shift(), 0)
  fifo.push(5)
  fifo.push(6)
  t.is(fifo.length, 6)
  t.is(fifo.peek(), 1)
  t.deepEqual(
    Array.from({ length: 7 }, (_, i) => fifo.at(i)),
    [1, 2, 3, 4, 5, 6, undefined],
  )
  t.deepEqual(
    Array.from({ length: 7 }, () => fifo.shift()),
    [1, 2, 3, 4, 5, 6, undefined],
  )
})

test('a falsy item (0, empty string, null) is returned as itself, not as "empty"', (t) => {
  const fifo = new Fifo<unknown>()
  fifo.push(0)
  fifo.push('')
  fifo.push(null)
  t.is(fifo.length, 3)
  t.is(fifo.shift(), 0)
  t.is(fifo.shift(), '')
  t.is(fifo.shift(), null)
  t.is(fifo.length, 0)
})

test('at(i) is the item i places from the front, before and after shifts and across refills', (t) => {
  const fifo = new Fifo<number>()
  for (let i = 0; i < 5; i++) fifo.push(i)
  t.deepEqual([fifo.at(0), fifo.at(1), fifo.at(4), fifo.at(5)], [0, 1, 4, undefined])
  fifo.shift()
  fifo.shift()
  t.deepEqual([fifo.at(0), fifo.at(1), fifo.at(2), fifo.at(3)], [2, 3, 4, undefined])
  // Across refills (thousands of items moved to the front): at() still counts from the front.
  for (let i = 5; i < 3000; i++) fifo.push(i)
  for (let i = 0; i < 2000; i++) fifo.shift()
  t.is(fifo.length, 998)
  t.deepEqual([fifo.at(0), fifo.at(1), fifo.at(997), fifo.at(998)], [2002, 2003, 2999, undefined])
})

/** A full garbage collection (v8 exposes `gc` only on request). */
async function collector(): Promise<() => void> {
  const { setFlagsFromString } = await import('node:v8')
  const { runInNewContext } = await import('node:vm')
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
}

for (const live of [10, 5000]) {
  test(`memory follows the live length: a long-running queue of ${live} items does not keep every item it ever held`, async (t) => {
    const gc = await collector()
    const fifo = new Fifo<number>()
    for (let i = 0; i < live; i++) fifo.push(i)
    gc()
    const before = process.memoryUsage().heapUsed
    // Two million pushes and shifts: a queue that kept its dead prefix would
    // hold an array of two million slots (8 MB or more) at the end.
    let expected = 0
    let wrong = 0
    for (let i = live; i < live + 2_000_000; i++) {
      fifo.push(i)
      if (fifo.shift() !== expected++) wrong++
    }
    gc()
    const grown = process.memoryUsage().heapUsed - before
    t.is(wrong, 0)
    t.is(fifo.length, live)
    t.is(fifo.peek(), expected)
    t.true(grown < 4 << 20, `the heap grew by ${grown} bytes`)
  })
}

test('shift is O(1): 200,000 queued items drain in well under a second, not in quadratic time', (t) => {
  const fifo = new Fifo<number>()
  const n = 200_000
  for (let i = 0; i < n; i++) fifo.push(i)
  const started = performance.now()
  let wrong = 0
  for (let i = 0; i < n; i++) if (fifo.shift() !== i) wrong++
  const ms = performance.now() - started
  t.is(wrong, 0)
  t.is(fifo.length, 0)
  // Linear: a few milliseconds. Copying the live items on every shift would
  // copy 2 * 10^10 slots: many seconds.
  t.true(ms < 2000, `draining took ${ms.toFixed(0)} ms`)
  t.log(`drained ${n} items in ${ms.toFixed(1)} ms`)
})
