// The send callbacks' queue (src/fifo.ts): first in, first out, however long,
// across the compaction of its dead prefix (at 1024 shifted items).
import test from 'ava'

import { Fifo } from '../src/fifo.js'

test('an empty Fifo has length 0 and peek/shift give undefined', (t) => {
  const fifo = new Fifo<number>()
  t.is(fifo.length, 0)
  t.is(fifo.peek(), undefined)
  t.is(fifo.shift(), undefined)
  t.is(fifo.length, 0)
})

test('items come out in the order they went in, with length and peek right at every step, across compactions', (t) => {
  const fifo = new Fifo<number>()
  let next = 0
  let expected = 0
  const wrong: string[] = []
  // Pushes run ahead of shifts by a varying lag, so the dead prefix crosses
  // 1024 both when it is and when it is not the larger half.
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
