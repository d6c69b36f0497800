// The facade's sends awaiting their callback (src/dgram/awaiting-sends.ts):
// parallel ring buffers that must give back each send's callback, address,
// port and size in call order, across wrap-arounds, growth and the shrink
// after a burst.
import test from 'ava'

import { AwaitingSends } from '../src/dgram/awaiting-sends.js'

const callbacks = Array.from({ length: 7 }, (_, i) => {
  const callback = () => {}
  Object.defineProperty(callback, 'name', { value: `cb${i}` })
  return callback
})

function expectFront(awaiting: AwaitingSends, n: number, wrong: string[]): void {
  const got = [awaiting.callback(), awaiting.address(), awaiting.port(), awaiting.size()]
  const want = [callbacks[n % 7], n % 3 === 0 ? undefined : `198.51.100.${n % 250}`, n % 65536, n * 3 + 0.5]
  for (let i = 0; i < 4; i++) if (got[i] !== want[i]) wrong.push(`send ${n} field ${i}: ${String(got[i])} for ${String(want[i])}`)
}

function pushNth(awaiting: AwaitingSends, n: number): void {
  awaiting.push(callbacks[n % 7], n % 3 === 0 ? undefined : `198.51.100.${n % 250}`, n % 65536, n * 3 + 0.5)
}

test('sends come out in call order with their own fields, across wrap-arounds and growth', (t) => {
  const awaiting = new AwaitingSends()
  let next = 0
  let expected = 0
  const wrong: string[] = []
  for (let round = 0; round < 20_000 && wrong.length <= 5; round++) {
    // Pushes run ahead of drops by a lag that grows and shrinks, so the
    // buffers wrap with every head position and grow while wrapped.
    const pushes = round % 1000 < 500 ? (round % 3 === 0 ? 2 : 1) : round % 2
    for (let i = 0; i < pushes; i++) pushNth(awaiting, next++)
    const drops = round % 1000 < 500 ? 1 : 2
    for (let i = 0; i < drops && expected < next; i++) {
      expectFront(awaiting, expected, wrong)
      awaiting.drop()
      expected++
    }
    if (awaiting.length !== next - expected) wrong.push(`length ${awaiting.length} for ${next - expected} at round ${round}`)
  }
  t.deepEqual(wrong, [])
  t.true(next > 15_000, `${next} sends pushed`)
  t.true(awaiting.capacity > 64, `grew to ${awaiting.capacity}`)
})

test('after a burst larger than it keeps, the emptied queue goes back to its initial size; a smaller one keeps its buffers', (t) => {
  const awaiting = new AwaitingSends()
  t.is(awaiting.capacity, 64)
  for (let n = 0; n < 100_000; n++) pushNth(awaiting, n)
  t.is(awaiting.length, 100_000)
  t.true(awaiting.capacity >= 100_000)
  const wrong: string[] = []
  for (let n = 0; n < 100_000; n++) {
    expectFront(awaiting, n, wrong)
    awaiting.drop()
    if (n === 99_998) t.true(awaiting.capacity >= 100_000, 'kept while one send still waits')
  }
  t.deepEqual(wrong.slice(0, 5), [])
  t.is(awaiting.length, 0)
  t.is(awaiting.capacity, 64)

  for (let n = 0; n < 1000; n++) pushNth(awaiting, n)
  for (let n = 0; n < 1000; n++) awaiting.drop()
  t.is(awaiting.capacity, 1024, 'a burst under the threshold keeps its buffers')
  pushNth(awaiting, 5)
  expectFront(awaiting, 5, wrong)
  t.deepEqual(wrong, [])
})

test('the buffers grow only when full: 64 sends fit the initial 64 slots, the 65th doubles them', (t) => {
  const awaiting = new AwaitingSends()
  for (let n = 0; n < 64; n++) pushNth(awaiting, n)
  t.is(awaiting.capacity, 64)
  pushNth(awaiting, 64)
  t.is(awaiting.capacity, 128)
  const wrong: string[] = []
  for (let n = 0; n <= 64; n++) {
    expectFront(awaiting, n, wrong)
    awaiting.drop()
  }
  t.deepEqual(wrong, [])
})
