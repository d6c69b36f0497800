// src/udp.ts's send-completion and receive paths, each test on one
// behaviour that the mutation run of udp.ts (docs/mutation.md) found
// unchecked: the queue counters inside send callbacks, draining more
// completions than one takeCompleted holds, a read whose memory a callback
// detaches, and a read error reaching the receive callback. Loopback only.
import test from 'ava'

import { Loop, UDP, backend, errno, type PacketInfo, type RecvCallback } from '../index.js'
import { handle, until } from './support/handles.js'
import { detach } from './support/detach.js'

test('inside each of three send callbacks, send_queue_count and send_queue_size count only the sends whose callbacks have not run yet', async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  const udp = handle(t, loop)
  const seen: [number | null, number, number][] = []
  for (const size of [1, 2, 3]) {
    udp.send(sink.getsockname(), Buffer.alloc(size), (h, error) => seen.push([error, h.send_queue_count, h.send_queue_size]))
  }
  t.is(udp.send_queue_count, 3)
  t.is(udp.send_queue_size, 6)
  await until(() => seen.length === 3, 5000, 'three send callbacks')
  // After the 1 B send's callback: the 2 B and 3 B sends; then the 3 B one.
  t.deepEqual(seen, [
    [null, 2, 5],
    [null, 1, 3],
    [null, 0, 0],
  ])
  t.is(udp.send_queue_count, 0)
  t.is(udp.send_queue_size, 0)
})

test('600 sends completed at once (more than one takeCompleted of 256): every callback runs, in call order, with null', async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  sink.receive_buffer_size = 1 << 20
  const udp = handle(t, loop)
  const order: number[] = []
  const errors: (number | null)[] = []
  for (let i = 0; i < 600; i++) {
    udp.send(sink.getsockname(), Buffer.from([i & 0xff]), (_h, error) => {
      order.push(i)
      if (error !== null) errors.push(error)
    })
  }
  await until(() => order.length === 600, 5000, '600 send callbacks').catch((error: Error) => {
    throw new Error(`${error.message}: ${order.length} ran, send_queue_count ${udp.send_queue_count}`)
  })
  t.deepEqual(errors, [])
  t.deepEqual(order, Array.from({ length: 600 }, (_, i) => i))
  t.is(udp.send_queue_count, 0)
})

test("a receive callback that detaches its read's memory (native code, or Node 22's transfer()): the rest of the read is not delivered and counts in recv_dropped", async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  // Five datagrams wait in rx's socket before it reads: one read takes them all.
  let sent = 0
  for (let i = 0; i < 5; i++) tx.send(rx.getsockname(), Buffer.from(`d${i}`), () => sent++)
  await until(() => sent === 5, 5000, 'five sends')
  const got: string[] = []
  rx.start_recv((_h, _peer, _flags, data) => {
    if (data === null) return
    got.push(data.toString())
    // The read's memory is an ArrayBuffer (never shared), untransferable:
    // detached as native code (or Node 22's transfer()) would.
    const memory = data.buffer as ArrayBuffer
    if (got.length === 1) detach(memory)
  })
  await until(() => got.length + rx.recv_dropped === 5, 5000, 'five datagrams delivered or dropped').catch((error: Error) => {
    throw new Error(`${error.message}: got ${JSON.stringify(got)}, recv_dropped ${rx.recv_dropped}`)
  })
  t.deepEqual(got, ['d0'], 'nothing after the detaching callback')
  t.is(rx.recv_dropped, 4)
})

test('a connected socket whose peer port is closed: the receive callback gets UV_ECONNREFUSED with no address, flags 0, no data', async (t) => {
  const loop = new Loop()
  const gone = new UDP(loop)
  gone.bind(['127.0.0.1', 0])
  const port = gone.getsockname()[1]
  await new Promise<void>((resolve) => gone.close(() => resolve()))
  const udp = handle(t, loop)
  udp.bind(['127.0.0.1', 0])
  const calls: unknown[][] = []
  udp.start_recv((h, peer, flags, data, error) => calls.push([h === udp, peer, flags, data, error]))
  udp.connect(['127.0.0.1', port])
  udp.send(null, Buffer.from('x'))
  await until(() => calls.length > 0, 5000, 'the receive error')
  t.deepEqual(calls, [[true, null, 0, null, errno.UV_ECONNREFUSED]])
})

test("start_recv({ pktinfo: true }) passes a sixth argument, the datagram's destination and interface; without it, or with pktinfo false, the callback gets five", async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  const calls: { length: number; data: string; info: unknown }[] = []
  const callback = (...args: Parameters<RecvCallback>) => {
    if (args[3] !== null) calls.push({ length: args.length, data: args[3].toString(), info: args[5] })
  }
  const one = async (text: string) => {
    const before = calls.length
    tx.send(rx.getsockname(), Buffer.from(text))
    await until(() => calls.length > before, 5000, `datagram ${text}`)
  }
  rx.start_recv(callback, { pktinfo: true })
  await one('with')
  rx.stop_recv()
  rx.start_recv(callback)
  await one('without')
  rx.stop_recv()
  rx.start_recv(callback, { pktinfo: false })
  await one('false')
  t.is(calls.length, 3)
  const [withInfo, without, off] = calls
  t.is(withInfo.length, 6)
  t.is(withInfo.data, 'with')
  const info = withInfo.info as PacketInfo
  t.is(info.local_address, '127.0.0.1')
  t.true(Number.isInteger(info.interface_index) && info.interface_index > 0, `interface_index ${info.interface_index}`)
  t.deepEqual(without, { length: 5, data: 'without', info: undefined })
  t.deepEqual(off, { length: 5, data: 'false', info: undefined })
})

test('a send flush reentered from inside send callbacks (as the loop flushes) runs each callback once, in order, with the queue counters right', async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  sink.receive_buffer_size = 1 << 20
  const udp = handle(t, loop)
  const flush = udp as unknown as { _flushSends(): void }
  const order: number[] = []
  const wrong: string[] = []
  const sends = 600
  for (let i = 0; i < sends; i++) {
    udp.send(sink.getsockname(), Buffer.from([i & 0xff]), (h, error) => {
      order.push(i)
      flush._flushSends()
      if (error !== null) wrong.push(`send ${i}: error ${error}`)
      if (h.send_queue_count !== sends - 1 - i) wrong.push(`send ${i}: send_queue_count ${h.send_queue_count}`)
      if (h.send_queue_size !== sends - 1 - i) wrong.push(`send ${i}: send_queue_size ${h.send_queue_size}`)
    })
  }
  await until(() => order.length >= sends, 5000, `${sends} send callbacks`).catch((error: Error) => {
    throw new Error(`${error.message}: ${order.length} ran`)
  })
  t.deepEqual(wrong.slice(0, 5), [])
  t.deepEqual(order, Array.from({ length: sends }, (_, i) => i))
  t.is(udp.send_queue_count, 0)
})

test('a synchronous burst of 100 sends with callbacks schedules at most one flush of their callbacks', async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  sink.receive_buffer_size = 1 << 20
  const udp = handle(t, loop)
  let done = 0
  // The first send binds the handle; counted from the second on.
  udp.send(sink.getsockname(), Buffer.from('first'), () => done++)
  await until(() => done === 1, 5000, 'the first send callback')
  const real = globalThis.setImmediate
  let scheduled = 0
  globalThis.setImmediate = ((...args: Parameters<typeof setImmediate>) => {
    scheduled++
    return real(...args)
  }) as typeof setImmediate
  try {
    for (let i = 0; i < 100; i++) udp.send(sink.getsockname(), Buffer.from([i]), () => done++)
  } finally {
    globalThis.setImmediate = real
  }
  // 'uv' retires completed sends by itself; the reactor's flush of immediate
  // outcomes is one immediate for the whole burst.
  if (backend === 'uv') t.is(scheduled, 0, 'no immediate on the uv driver')
  else t.true(scheduled <= 1, `${scheduled} immediates scheduled by 100 sends`)
  await until(() => done === 101, 5000, '100 send callbacks')
  t.is(udp.send_queue_count, 0)
})

test("a handle tells its loop it has send callbacks pending when the first is queued, and that it has none only once the last has run", async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  const udp = handle(t, loop)
  // What the handle told, with how many callbacks had run by then.
  const told: [boolean, number][] = []
  let done = 0
  const internal = loop as unknown as { _sending(h: UDP, pending: boolean): void }
  const real = internal._sending.bind(loop)
  internal._sending = (h, pending) => {
    if (h === udp) told.push([pending, done])
    real(h, pending)
  }
  // Without a callback: nothing pending for the loop to flush.
  udp.send(sink.getsockname(), Buffer.from('no callback'))
  t.deepEqual(told, [])
  for (let i = 0; i < 3; i++) udp.send(sink.getsockname(), Buffer.from([i]), () => done++)
  t.deepEqual(told, [[true, 0]])
  await until(() => done === 3 && told.some(([pending]) => !pending), 5000, 'three send callbacks, then none pending').catch((error: Error) => {
    throw new Error(`${error.message}: told ${JSON.stringify(told)}`)
  })
  // Told once that sends are pending; that none are, only after all three ran.
  t.deepEqual(told[0], [true, 0])
  t.deepEqual(
    told.slice(1).filter(([pending, ran]) => pending || ran < 3),
    [],
  )
})

test('while a send callback queues the next send, the handle never tells its loop that none are pending', async (t) => {
  const loop = new Loop()
  const sink = handle(t, loop)
  sink.bind(['127.0.0.1', 0])
  const udp = handle(t, loop)
  // Each notice with the sends still waiting for their callback then.
  const told: [boolean, number][] = []
  const internal = loop as unknown as { _sending(h: UDP, pending: boolean): void }
  const real = internal._sending.bind(loop)
  internal._sending = (h, pending) => {
    if (h === udp) told.push([pending, udp.send_queue_count])
    real(h, pending)
  }
  let done = 0
  const next = () => {
    done++
    if (done < 3) udp.send(sink.getsockname(), Buffer.from([done]), next)
  }
  udp.send(sink.getsockname(), Buffer.from([0]), next)
  await until(() => done === 3 && told.some(([pending]) => !pending), 5000, 'three chained sends').catch((error: Error) => {
    throw new Error(`${error.message}: told ${JSON.stringify(told)}`)
  })
  t.deepEqual(
    told.filter(([pending, waiting]) => !pending && waiting > 0),
    [],
  )
})

test('new UDP refuses a family that is not a number with TypeError naming it, and one that only a C int would make valid with UV_EINVAL', (t) => {
  const loop = new Loop()
  const error = t.throws(() => new UDP(loop, '2' as unknown as number), { instanceOf: TypeError })
  t.true(error?.message.startsWith('family must be a number'), error?.message)
  for (const family of [2 ** 32 + 2, Number.NaN, 2.5]) {
    t.is(t.throws(() => new UDP(loop, family), { instanceOf: Error }, String(family))?.constructor.name, 'UDPError', String(family))
  }
})

test('Symbol.asyncDispose on an open handle closes it and resolves after the close', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  await udp[Symbol.asyncDispose]()
  t.true(udp.closed)
  t.is(udp.loop, null)
  t.deepEqual(loop.handles, [])
})
