// src/receive-delivery.ts against a fake binding, loop and clock: what each
// event of the binding does, in order (the loop's send flush, the receive
// callback, the reactor's room given back, the 'uv' driver's reads held and
// resumed), and the bounds on what is held. The driver is the one this
// process chose (`UV_UDP_BACKEND=reactor` for the other; run the file under
// both). No socket: every read is made here.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import test from 'ava'

import { HEADER_WORDS, NO_PEER, RECEIVED, RECV_ERROR, SENDS_DONE, type NativeUdp } from '../binding.js'
import { type Loop, backend } from '../index.js'
import { HELD_BYTES, HELD_DATAGRAMS } from '../src/delivery.js'
import { ReceiveDelivery } from '../src/receive-delivery.js'
import { until } from './support/handles.js'
import { detach } from './support/detach.js'

const reactor = backend === 'reactor'

// The budget's clock: still unless a test moves it (a still clock never
// spends the budget, however many datagrams a read holds).
const realNow = performance.now.bind(performance)
const clock = { now: 1000 }
test.before(() => {
  performance.now = () => clock.now
})
test.after.always(() => {
  performance.now = realNow
})
test.beforeEach(() => {
  clock.now = 1000
})

interface Handle {
  _flushSends(): void
}

interface Call {
  handle: unknown
  peer: unknown
  flags: number
  data: number[] | null
  error: number | null
  args: number
}

/** A receiver of fake reads; `log` records what it asked of the binding and the loop, in order. */
function setup() {
  const log: string[] = []
  const note = (line: string): void => {
    log.push(line)
  }
  const native = {
    holdReads: (hold: boolean) => note(`holdReads ${hold}`),
    recvRelease: (count: number, size: number) => note(`release ${count} ${size}`),
  }
  const loop = {
    _flushSends: () => note('loop flush'),
    _report: (error: unknown) => note(`report ${(error as Error).message}`),
  }
  const handle: Handle = { _flushSends: () => note('handle flush') }
  const delivery = new ReceiveDelivery(handle, native as unknown as NativeUdp, loop as unknown as Loop)
  const calls: Call[] = []
  const record = (...args: unknown[]) => {
    const [h, peer, flags, data, error] = args as [unknown, unknown, number, Buffer | null, number | null]
    calls.push({ handle: h, peer, flags, data: data === null ? null : [...data], error, args: args.length })
  }
  return { log, delivery, handle, calls, record }
}

const PEER = ['127.0.0.1', 5000]

/** A read as the binding hands it over: `lengths[i]` bytes of `tag * 16 + i` each, the header words apart. */
function read(tag: number, lengths: number[]) {
  const count = lengths.length
  const size = lengths.reduce((a, b) => a + b, 0)
  // Never empty, as the binding's (length 0 means detached).
  const memory = new ArrayBuffer(Math.max(size, 1))
  const headers = new ArrayBuffer(count * HEADER_WORDS * 4)
  const words = new Uint32Array(headers)
  const bytes = new Uint8Array(memory)
  let at = 0
  lengths.forEach((length, i) => {
    words[i * HEADER_WORDS] = length
    words[i * HEADER_WORDS + 1] = 0
    words[i * HEADER_WORDS + 2] = 0
    words[i * HEADER_WORDS + 3] = NO_PEER
    bytes.fill((tag * 16 + i) & 0xff, at, at + length)
    at += length
  })
  return { memory, headers, count, size }
}

function deliverRead(delivery: ReceiveDelivery<Handle>, r: ReturnType<typeof read>): void {
  delivery.onEvent(RECEIVED, r.memory, r.count, [[...PEER] as [string, number]], null, 0, r.size, r.headers)
}

/** The first byte of each datagram delivered (its tag and index), or -1 for an empty one. */
const firsts = (calls: Call[]) => calls.map((c) => (c.data === null ? null : (c.data[0] ?? -1)))

test.serial("a read is delivered datagram by datagram (handle, peer, flags 0, its bytes, no error), after the loop's send flush; the reactor gets its room back", (t) => {
  const { log, delivery, handle, calls, record } = setup()
  delivery.start(record, false)
  t.true(delivery.receiving)
  const r = read(1, [3, 0, 5])
  deliverRead(delivery, r)
  t.deepEqual(
    calls.map((c) => [c.handle === handle, c.peer, c.flags, c.data?.length, c.error, c.args]),
    [
      [true, PEER, 0, 3, null, 5],
      [true, PEER, 0, 0, null, 5],
      [true, PEER, 0, 5, null, 5],
    ],
  )
  t.deepEqual(firsts(calls), [16, -1, 18])
  t.deepEqual(log, ['loop flush', ...(reactor ? [`release 3 ${r.size}`] : [])])
})

test.serial("a read error reaches the callback as (handle, null, 0, null, code) after the loop's send flush; not when not receiving", (t) => {
  const { log, delivery, handle, calls, record } = setup()
  delivery.start(record, false)
  delivery.onEvent(RECV_ERROR, null, -111, null, null, 0, 0, null)
  t.deepEqual(
    calls.map((c) => [c.handle === handle, c.peer, c.flags, c.data, c.error]),
    [[true, null, 0, null, -111]],
  )
  t.deepEqual(log, ['loop flush'])
  delivery.stop()
  t.false(delivery.receiving)
  delivery.onEvent(RECV_ERROR, null, -111, null, null, 0, 0, null)
  t.is(calls.length, 1)
  t.deepEqual(log, ['loop flush', 'loop flush'])
})

test.serial("what a receive callback throws goes to the loop's report, and the rest of the read is still delivered", (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) throw new Error('boom')
  }, false)
  deliverRead(delivery, read(2, [1, 1]))
  t.deepEqual(firsts(calls), [32, 33])
  t.is(log[0], 'loop flush')
  t.true(log.includes('report boom'))
  delivery.onEvent(RECV_ERROR, null, -104, null, null, 0, 0, null)
  delivery.stop()
  delivery.start(() => {
    throw new Error('error callback')
  }, false)
  delivery.onEvent(RECV_ERROR, null, -104, null, null, 0, 0, null)
  t.is(log.at(-1), 'report error callback')
})

test.serial("sends done: the handle's own flush runs, nothing else", (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start(record, false)
  delivery.onEvent(SENDS_DONE, null, 0, null, null, 0, 0, null)
  t.deepEqual(log, ['handle flush'])
  t.is(calls.length, 0)
})

test.serial('a read event without memory, without peers or without header words delivers nothing', (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start(record, false)
  const r = read(3, [1])
  delivery.onEvent(RECEIVED, null, 1, [[...PEER] as [string, number]], null, 0, r.size, r.headers)
  delivery.onEvent(RECEIVED, r.memory, 1, null, null, 0, r.size, r.headers)
  delivery.onEvent(RECEIVED, r.memory, 1, [[...PEER] as [string, number]], null, 0, r.size, null)
  delivery.onEvent(RECEIVED, r.memory, 1, [[...PEER] as [string, number]], null, 0, r.size, undefined)
  t.is(calls.length, 0)
  t.deepEqual(log, [])
  // The same read, whole, is delivered.
  deliverRead(delivery, r)
  t.is(calls.length, 1)
})

test.serial('after close no event does anything: no flush, no callback, no room given back', async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start(record, false)
  delivery.close()
  t.false(delivery.receiving)
  deliverRead(delivery, read(4, [1, 2]))
  delivery.onEvent(RECV_ERROR, null, -111, null, null, 0, 0, null)
  delivery.onEvent(SENDS_DONE, null, 0, null, null, 0, 0, null)
  await new Promise((resolve) => setImmediate(resolve))
  t.is(calls.length, 0)
  t.deepEqual(log, [])
})

test.serial('stop inside a callback holds the rest of the read and later reads; start delivers them on the next turn, in order, then lets reads go on', async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) delivery.stop()
  }, false)
  const a = read(5, [1, 1, 1, 1])
  const b = read(6, [1, 1])
  deliverRead(delivery, a)
  deliverRead(delivery, b)
  t.deepEqual(firsts(calls), [80])
  t.deepEqual(log, ['loop flush', 'loop flush'])
  delivery.start(record, false)
  // Not from inside start: on the next turn.
  t.is(calls.length, 1)
  await until(() => calls.length === 6, 2000, 'the held datagrams')
  t.deepEqual(firsts(calls), [80, 81, 82, 83, 96, 97])
  t.deepEqual(log, [
    'loop flush',
    'loop flush',
    'loop flush',
    ...(reactor ? [`release 4 ${a.size}`, `release 2 ${b.size}`] : ['holdReads false']),
  ])
})

test.serial('the first held read is kept whole however large; later ones while the held datagrams stay within HELD_DATAGRAMS (at it exactly too); past it a read is dropped, counted, its room given back', async (t) => {
  const { log, delivery, calls, record } = setup()
  const stopFirst = (...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) delivery.stop()
  }
  delivery.start(stopFirst, false)
  // 1 delivered, HELD_DATAGRAMS + 9 held: more than the bound, kept.
  const big = read(7, new Array<number>(HELD_DATAGRAMS + 10).fill(0))
  deliverRead(delivery, big)
  t.is(delivery.dropped, 0)
  delivery.start(record, false)
  await until(() => calls.length === HELD_DATAGRAMS + 10, 5000, 'the big read')
  t.is(delivery.dropped, 0)

  calls.length = 0
  log.length = 0
  delivery.stop()
  delivery.start(stopFirst, false)
  // 1 held, then HELD_DATAGRAMS - 1: exactly at the bound, held; then 1 more: dropped.
  const a = read(8, [0, 0])
  const b = read(9, new Array<number>(HELD_DATAGRAMS - 1).fill(0))
  const c = read(10, [0])
  deliverRead(delivery, a)
  deliverRead(delivery, b)
  t.is(delivery.dropped, 0)
  deliverRead(delivery, c)
  t.is(delivery.dropped, 1)
  t.deepEqual(log, ['loop flush', 'loop flush', 'loop flush', ...(reactor ? [`release 1 ${c.size}`] : [])])
  delivery.start(record, false)
  await until(() => calls.length === HELD_DATAGRAMS + 1, 5000, 'the held reads')
  t.is(delivery.dropped, 1)
})

test.serial('held bytes: a later read is held while the held reads total HELD_BYTES at most (exactly too), dropped past it', async (t) => {
  const { delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) delivery.stop()
  }, false)
  const a = read(11, [1, 1])
  const b = read(12, [HELD_BYTES - a.size])
  t.is(a.size + b.size, HELD_BYTES)
  deliverRead(delivery, a)
  deliverRead(delivery, b)
  t.is(delivery.dropped, 0)
  deliverRead(delivery, read(13, [1]))
  t.is(delivery.dropped, 1)
  delivery.start(record, false)
  await until(() => calls.length === 3, 5000, 'the held reads')
  t.deepEqual(firsts(calls), [176, 177, 192])
})

test.serial('what held reads have delivered no longer counts: after part of them is delivered, the bound counts only what is still held', async (t) => {
  const { delivery, calls, record } = setup()
  const stopAt = (n: number) => (...args: unknown[]) => {
    record(...args)
    if (calls.length === n) delivery.stop()
  }
  delivery.start(stopAt(1), false)
  deliverRead(delivery, read(14, [0, 0]))
  deliverRead(delivery, read(15, new Array<number>(HELD_DATAGRAMS - 1).fill(0)))
  // The held run stops after 10 more: 1 of the first read, 9 of the second.
  delivery.start(stopAt(11), false)
  await until(() => calls.length === 11, 5000, 'ten held datagrams')
  // HELD_DATAGRAMS - 10 still held: 10 more fit, exactly; 1 more does not.
  deliverRead(delivery, read(1, new Array<number>(10).fill(0)))
  t.is(delivery.dropped, 0)
  deliverRead(delivery, read(2, [0]))
  t.is(delivery.dropped, 1)
  delivery.start(record, false)
  await until(() => calls.length === HELD_DATAGRAMS + 11, 5000, 'the rest')
})

test.serial("a read that outlasts the turn's budget: the rest is delivered on a later turn, in order ('uv': reads held meanwhile, then resumed), and so is the next one", async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    // Each callback costs 1 ms of the budget's clock.
    clock.now += 1
  }, false)
  for (const tag of [1, 2]) {
    log.length = 0
    const before = calls.length
    deliverRead(delivery, read(tag, new Array<number>(100).fill(1)))
    const first = calls.length - before
    t.true(first > 0 && first < 100, `${first} delivered in the read's own turn`)
    t.deepEqual(log, ['loop flush', ...(reactor ? [] : ['holdReads true'])])
    await until(() => calls.length === before + 100, 5000, `read ${tag}`)
    t.deepEqual(
      firsts(calls.slice(before)),
      Array.from({ length: 100 }, (_, i) => (tag * 16 + i) & 0xff),
    )
    await until(() => log.includes(reactor ? 'release 100 100' : 'holdReads false'), 5000, 'the reads resumed')
    t.is(log.filter((l) => l.startsWith('holdReads false')).length, reactor ? 0 : 1)
  }
})

test.serial('start again while held reads wait: they are delivered once, and the reads resumed once', async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) delivery.stop()
  }, false)
  deliverRead(delivery, read(3, [1, 1, 1]))
  delivery.start(record, false)
  delivery.stop()
  delivery.start(record, false)
  await until(() => calls.length === 3, 2000, 'the held datagrams')
  // Two turns later: nothing more.
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  t.deepEqual(firsts(calls), [48, 49, 50])
  t.is(log.filter((l) => l === 'holdReads false').length, reactor ? 0 : 1)
  t.is(log.filter((l) => l === 'loop flush').length, 2)
})

test.serial('closed while reads are held: nothing more is delivered, and no room is given back', async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    clock.now += 1
  }, false)
  deliverRead(delivery, read(4, new Array<number>(100).fill(1)))
  const delivered = calls.length
  t.true(delivered < 100)
  delivery.close()
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  t.is(calls.length, delivered)
  t.false(log.some((l) => l.startsWith('release') || l === 'holdReads false'))
})

test.serial('stopped while a stalled read waits: the next turn flushes nothing, delivers nothing, resumes no reads', async (t) => {
  const { log, delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    clock.now += 1
  }, false)
  deliverRead(delivery, read(5, new Array<number>(100).fill(1)))
  const delivered = calls.length
  t.true(delivered < 100)
  delivery.stop()
  log.length = 0
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  t.is(calls.length, delivered)
  t.deepEqual(log, [])
})

test.serial('start with nothing held asks nothing of the binding or the loop', async (t) => {
  const { log, delivery, record } = setup()
  delivery.start(record, false)
  delivery.stop()
  delivery.start(record, true)
  await new Promise((resolve) => setImmediate(resolve))
  await new Promise((resolve) => setImmediate(resolve))
  t.deepEqual(log, [])
})

test.serial("after a callback detached its read's memory, the next read is delivered at once", (t) => {
  const { delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    if (calls.length === 1) {
      const data = args[3] as Buffer
      const memory = data.buffer as ArrayBuffer
      detach(memory)
    }
  }, false)
  deliverRead(delivery, read(6, [1, 1, 1]))
  t.is(delivery.dropped, 2)
  deliverRead(delivery, read(7, [1]))
  t.deepEqual(firsts(calls), [96, 112])
})

test.serial('the bytes of held reads delivered no longer count: after a held run, reads up to HELD_BYTES are held again', async (t) => {
  const { delivery, calls, record } = setup()
  const stopFirst = (n: number) => (...args: unknown[]) => {
    record(...args)
    if (calls.length === n) delivery.stop()
  }
  delivery.start(stopFirst(1), false)
  const a = read(8, [1, 1])
  const big = read(9, [HELD_BYTES - a.size])
  deliverRead(delivery, a)
  deliverRead(delivery, big)
  delivery.start(record, false)
  await until(() => calls.length === 3, 5000, 'the first held run')
  delivery.stop()
  delivery.start(stopFirst(4), false)
  deliverRead(delivery, read(10, [1, 1]))
  deliverRead(delivery, read(11, [HELD_BYTES - a.size]))
  t.is(delivery.dropped, 0)
  delivery.start(record, false)
  await until(() => calls.length === 6, 5000, 'the second held run')
})

test.serial('a callback that closes the handle mid-read leaves nothing of that read held: its memory can be collected', async (t) => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const { delivery, calls, record } = setup()
  delivery.start((...args: unknown[]) => {
    record(...args)
    delivery.close()
  }, false)
  const memory = ((): WeakRef<ArrayBuffer> => {
    const r = read(5, [1, 2, 3])
    deliverRead(delivery, r)
    return new WeakRef(r.memory)
  })()
  t.is(calls.length, 1)
  for (let i = 0; i < 5 && memory.deref() !== undefined; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
  }
  t.is(memory.deref(), undefined)
})
