// The receive time budget (src/delivery-budget.ts) against a fake clock:
// when it reads the clock, how many datagrams each slice delivers, and when
// a slice starts, on the driver this process chose ('uv' by default,
// `UV_UDP_BACKEND=reactor` for the other; run the file under both).
//
// `deliver` plays src/udp.ts's #deliver: spent() before each datagram, the
// datagram's callback costing `costMs` of the fake clock. Costs are powers
// of two (exact in binary), so a slice's elapsed time can land exactly on
// TURN_BUDGET_MS (1 ms) and tell `>` from `>=`. The clock starts at 1000 ms,
// as performance.now() does in any process that has run a while.
import { setImmediate as turn } from 'node:timers/promises'

import test from 'ava'

import { backend } from '../index.js'
import { CHECK_EVERY, DeliveryBudget } from '../src/delivery-budget.js'
import { TURN_BUDGET_MS } from '../src/delivery.js'

const realNow = performance.now.bind(performance)
const clock = { now: 1000, reads: 0 }

test.before(() => {
  performance.now = () => {
    clock.reads++
    return clock.now
  }
})

test.after.always(() => {
  performance.now = realNow
})

test.beforeEach(() => {
  clock.now = 1000
  clock.reads = 0
})

interface Slice {
  /** Datagrams delivered before spent() said stop (or all of them). */
  delivered: number
  /** Whether spent() said stop. */
  stopped: boolean
  /** Clock readings while delivering (beginRead/beginHeld's own not counted). */
  reads: number
}

function deliver(budget: DeliveryBudget, count: number, costMs: number): Slice {
  const before = clock.reads
  for (let i = 0; i < count; i++) {
    if (budget.spent()) return { delivered: i, stopped: true, reads: clock.reads - before }
    clock.now += costMs
  }
  return { delivered: count, stopped: false, reads: clock.reads - before }
}

function read(budget: DeliveryBudget, count: number, costMs: number): Slice & { began: number } {
  const before = clock.reads
  budget.beginRead(count)
  const began = clock.reads - before
  return { began, ...deliver(budget, count, costMs) }
}

function held(budget: DeliveryBudget, count: number, costMs: number): Slice & { began: number } {
  const before = clock.reads
  budget.beginHeld()
  const began = clock.reads - before
  return { began, ...deliver(budget, count, costMs) }
}

test('the budget is 1 ms, the clock read at most every 32 datagrams', (t) => {
  t.is(TURN_BUDGET_MS, 1)
  t.is(CHECK_EVERY, 32)
})

if (backend === 'uv') {
  test.serial("'uv': a read of 31 datagrams never reads the clock, however slow its callbacks", (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 31, 1), { began: 0, delivered: 31, stopped: false, reads: 0 })
  })

  test.serial("'uv': a read of 32 (one interval) is not timed at its start; the clock is read once, before its last datagram, and it is delivered whole", (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 32, 1), { began: 0, delivered: 32, stopped: false, reads: 1 })
  })

  test.serial("'uv': a long read of fast callbacks (2^-10 ms) is timed from its start, the clock read every 32 datagrams, and delivered whole", (t) => {
    const budget = new DeliveryBudget()
    // Readings before datagrams 33, 65, 97, 129, 161 and 193 of 200.
    t.deepEqual(read(budget, 200, 2 ** -10), { began: 1, delivered: 200, stopped: false, reads: 6 })
  })

  test.serial("'uv': 1/8 ms callbacks: the read stops at its first reading (32 delivered, 4 ms), then each held slice reads every 2 and delivers 8 datagrams (exactly 1 ms is not over)", (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 100, 1 / 8), { began: 1, delivered: 32, stopped: true, reads: 1 })
    // 1/4 ms between readings fits 2 datagrams of 1/8 ms: readings at
    // 0.25, 0.5, 0.75, 1 (not over: `>`) and 1.25 ms, after 10 datagrams.
    t.deepEqual(held(budget, 68, 1 / 8), { began: 1, delivered: 10, stopped: true, reads: 5 })
    t.deepEqual(held(budget, 58, 1 / 8), { began: 1, delivered: 10, stopped: true, reads: 5 })
  })

  test.serial("'uv': 1/2 ms callbacks (over a quarter of the budget each): the clock is read before every datagram, and a held slice delivers 3", (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 100, 1 / 2), { began: 1, delivered: 32, stopped: true, reads: 1 })
    // Readings at 0.5, 1 and 1.5 ms.
    t.deepEqual(held(budget, 68, 1 / 2), { began: 1, delivered: 3, stopped: true, reads: 3 })
  })

  test.serial("'uv': callbacks that turn fast again: the interval grows back to 32", (t) => {
    const budget = new DeliveryBudget()
    read(budget, 100, 1 / 2)
    // From 1/2 ms to 2^-10 ms: the first reading after one datagram sees
    // it fast and goes back to 32; the slice is not over.
    t.deepEqual(held(budget, 100, 2 ** -10), { began: 1, delivered: 100, stopped: false, reads: 4 })
  })

  test.serial("'uv': each read is a slice of its own, even in one turn: a second long read is timed from its own start", (t) => {
    const budget = new DeliveryBudget()
    // 1/64 ms: a reading after 32 (0.5 ms) sets the interval to 16.
    t.deepEqual(read(budget, 40, 1 / 64), { began: 1, delivered: 40, stopped: false, reads: 1 })
    // 40 more at 1/64 ms, twice: 0.625 ms from each read's start, under the
    // budget (timed from the first read, the third would stop at 1.25 ms).
    t.deepEqual(read(budget, 40, 1 / 64), { began: 1, delivered: 40, stopped: false, reads: 2 })
    t.deepEqual(read(budget, 40, 1 / 64), { began: 1, delivered: 40, stopped: false, reads: 2 })
  })

  test.serial("'uv': a short read after a spent slice is untimed, and timed from where it reaches an interval, not from the spent slice", (t) => {
    const budget = new DeliveryBudget()
    // 1/8 ms callbacks: spent at 4 ms, the interval is 2 now.
    t.deepEqual(read(budget, 100, 1 / 8), { began: 1, delivered: 32, stopped: true, reads: 1 })
    // A read of 1: untimed, no reading at all.
    t.deepEqual(read(budget, 1, 1 / 8), { began: 0, delivered: 1, stopped: false, reads: 0 })
    // A read of 2 reaches the interval before its second datagram: the clock
    // is read there and a slice starts (timed from the spent slice's start,
    // 4.25 ms ago, it would stop). Such a reading says nothing of the cost,
    // so the interval doubles: the next read of 2 reads no clock.
    t.deepEqual(read(budget, 2, 1 / 8), { began: 0, delivered: 2, stopped: false, reads: 1 })
    t.deepEqual(read(budget, 2, 1 / 8), { began: 0, delivered: 2, stopped: false, reads: 0 })
  })

  test.serial("'uv': after a slow spell, short reads double the interval back to 32, so one-datagram reads stop reading the clock", (t) => {
    const budget = new DeliveryBudget()
    // 1/2 ms callbacks: the interval falls to 1.
    read(budget, 100, 1 / 2)
    t.deepEqual(held(budget, 68, 1 / 2), { began: 1, delivered: 3, stopped: true, reads: 3 })
    // Reads of one datagram: the first reaches the interval (1) and reads
    // the clock; the interval is 2 after it, and no later one reads it.
    t.deepEqual(read(budget, 1, 2 ** -10), { began: 0, delivered: 1, stopped: false, reads: 1 })
    for (let i = 0; i < 5; i++) t.deepEqual(read(budget, 1, 2 ** -10), { began: 0, delivered: 1, stopped: false, reads: 0 })
    // Reads one interval long read it once each, doubling it: 2, 4, 8, 16,
    // then 31 datagrams go unread.
    for (const count of [2, 4, 8, 16]) t.deepEqual(read(budget, count, 2 ** -10), { began: 0, delivered: count, stopped: false, reads: 1 })
    t.deepEqual(read(budget, 31, 2 ** -10), { began: 0, delivered: 31, stopped: false, reads: 0 })
  })

  test.serial("'uv': a read's slice is not ended by a turn of the event loop; only beginRead/beginHeld start one", async (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 40, 1 / 8), { began: 1, delivered: 32, stopped: true, reads: 1 })
    await turn()
    // Still the spent slice: the next reading (the interval is 2) says stop.
    t.deepEqual(deliver(budget, 10, 1 / 8), { delivered: 1, stopped: true, reads: 1 })
  })
} else {
  test.serial('reactor: the reads of one turn share one slice, timed from the first; the next turn starts a new one', async (t) => {
    const budget = new DeliveryBudget()
    // 1/8 ms callbacks: the first reading, before the 33rd datagram of the
    // turn (in the 4th read), is at 4 ms: over.
    t.deepEqual(read(budget, 10, 1 / 8), { began: 1, delivered: 10, stopped: false, reads: 0 })
    t.deepEqual(read(budget, 10, 1 / 8), { began: 0, delivered: 10, stopped: false, reads: 0 })
    t.deepEqual(read(budget, 10, 1 / 8), { began: 0, delivered: 10, stopped: false, reads: 0 })
    t.deepEqual(read(budget, 10, 1 / 8), { began: 0, delivered: 2, stopped: true, reads: 1 })
    // Held in the same turn: still the spent slice (reading after 2: over).
    t.deepEqual(held(budget, 10, 1 / 8), { began: 0, delivered: 1, stopped: true, reads: 1 })
    await turn()
    // A new turn: a new slice, from the held datagrams' start. The last
    // reading counted 2 datagrams where 1 was delivered (the one it stopped
    // before is counted again), so the interval is 4: readings at 0.5 ms,
    // then every 2 at 0.75, 1 (exactly the budget: not over) and 1.25 ms.
    t.deepEqual(held(budget, 20, 1 / 8), { began: 1, delivered: 10, stopped: true, reads: 4 })
    await turn()
    t.deepEqual(read(budget, 20, 1 / 8), { began: 1, delivered: 10, stopped: true, reads: 5 })
  })

  test.serial('reactor: a short first read is timed too (the turn is the slice, whatever the reads)', async (t) => {
    const budget = new DeliveryBudget()
    t.deepEqual(read(budget, 5, 1 / 2), { began: 1, delivered: 5, stopped: false, reads: 0 })
    await turn()
    t.deepEqual(read(budget, 40, 1 / 2), { began: 1, delivered: 32, stopped: true, reads: 1 })
  })
}
