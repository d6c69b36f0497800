// Issue 9: one event loop, two drivers. Each test runs on the backend this
// process chose ('uv' on Node; `UV_UDP_BACKEND=reactor` forces the reactor,
// and `npm test` runs the suite both ways).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { Loop, UDP, UDPError, backend, errno, type Address4 } from '../index.js'
import { handle, until } from './support/handles.js'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

test('backend is uv on Node unless UV_UDP_BACKEND=reactor forces the reactor', (t) => {
  t.is(backend, process.env.UV_UDP_BACKEND === 'reactor' ? 'reactor' : 'uv')
})

test('a send callback runs before the receive callback of its reply, 20 of 20 round trips', async (t) => {
  const loop = new Loop()
  const server = handle(t, loop)
  server.bind(['127.0.0.1', 0])
  server.start_recv((h, peer, _flags, data) => {
    if (peer && data) h.send(peer, data)
  })
  const target = server.getsockname() as Address4
  const client = handle(t, loop)
  const events: string[] = []
  let round = 0
  await new Promise<void>((resolve) => {
    const ping = () => client.send(target, Buffer.from(`ping ${round}`), () => events.push(`sent ${round}`))
    client.start_recv((_h, _peer, _flags, data) => {
      events.push(`reply ${String(data).slice(5)}`)
      round++
      if (round === 20) resolve()
      else ping()
    })
    ping()
  })
  const expected = Array.from({ length: 20 }, (_, i) => [`sent ${i}`, `reply ${i}`]).flat()
  t.deepEqual(events, expected)
})

test('try_send throws UV_EAGAIN while a send callback is pending, and sends once it ran', async (t) => {
  const loop = new Loop()
  const receiver = handle(t, loop)
  receiver.bind(['127.0.0.1', 0])
  const target = receiver.getsockname() as Address4
  const sender = handle(t, loop)
  let ran = false
  sender.send(target, Buffer.from('first'), () => {
    ran = true
  })
  t.is(sender.send_queue_count, 1)
  const error = t.throws(() => sender.try_send(target, Buffer.from('second')), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EAGAIN)
  t.is(sender.send_queue_count, 1, 'the refused try_send queued nothing')
  await until(() => ran, 2000, 'the send callback')
  t.is(sender.send_queue_count, 0)
  t.is(sender.try_send(target, Buffer.from('second')), 6)
})

test('send_queue_count and send_queue_size stay readable in the close callback and count the cancelled sends out', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  const target = udp.getsockname() as Address4
  const outcomes: (number | null)[] = []
  udp.send(target, Buffer.alloc(10), (_h, error) => outcomes.push(error))
  const seen = await new Promise<[number, number, boolean]>((resolve) => {
    udp.close((h) => resolve([h.send_queue_count, h.send_queue_size, h.ref]))
  })
  // The kernel took the datagram before close(): its outcome is success,
  // not UV_ECANCELED (libuv reports what was sent as sent).
  t.deepEqual(outcomes, [null])
  t.deepEqual(seen, [0, 0, true])
})

test('a busy JS thread does not turn sent datagrams into UV_ECANCELED: successes equal arrivals', async (t) => {
  const loop = new Loop()
  const receiver = handle(t, loop)
  receiver.bind(['127.0.0.1', 0])
  receiver.receive_buffer_size = 4 << 20
  let arrived = 0
  receiver.start_recv(() => arrived++)
  const target = receiver.getsockname() as Address4
  const sender = new UDP(loop)
  const outcomes = { ok: 0, cancelled: 0, other: 0 }
  for (let i = 0; i < 500; i++) {
    sender.send(target, Buffer.alloc(512), (_h, error) => {
      if (error === null) outcomes.ok++
      else if (error === errno.UV_ECANCELED) outcomes.cancelled++
      else outcomes.other++
    })
  }
  // Busy: whatever the drivers drain meanwhile is sent, not cancelled.
  const busyUntil = Date.now() + 50
  while (Date.now() < busyUntil) {
    // spin
  }
  sender.close()
  await until(() => outcomes.ok + outcomes.cancelled + outcomes.other === 500, 5000, 'every send callback')
  await until(() => arrived >= outcomes.ok, 5000, 'every sent datagram to arrive')
  t.is(outcomes.other, 0)
  t.is(arrived, outcomes.ok, 'callbacks reporting success = datagrams that arrived')
})

test('handles of an unreferenced new Loop() survive forced GC while active: 20 of 20 echoes, every send callback', (t) => {
  const run = spawnSync(process.execPath, ['--expose-gc', fixture('unreferenced-loop-gc.cjs')], {
    encoding: 'utf8',
    timeout: 20_000,
  })
  t.is(run.status, 0, run.stderr)
  const result = JSON.parse(run.stdout.trim()) as { echoes: number; sendCallbacks: number; expected: object }
  t.deepEqual({ echoes: result.echoes, sendCallbacks: result.sendCallbacks }, result.expected)
})

test('every process.nextTick and promise scheduled in receive callbacks runs, in datagram order', async (t) => {
  const loop = new Loop()
  const receiver = handle(t, loop)
  receiver.bind(['127.0.0.1', 0])
  const target = receiver.getsockname() as Address4
  const order: string[] = []
  receiver.start_recv((_h, _peer, _flags, data) => {
    const name = String(data)
    order.push(`recv ${name}`)
    process.nextTick(() => order.push(`tick ${name}`))
    void Promise.resolve().then(() => order.push(`promise ${name}`))
  })
  const sender = handle(t, loop)
  // Both datagrams wait in the kernel before the receiver's next read, so
  // one read may take both (the batching this test is about).
  sender.try_send(target, Buffer.from('a'))
  sender.try_send(target, Buffer.from('b'))
  await until(() => order.length === 6, 2000, 'both datagrams and their ticks')
  // Batching: the datagrams of one read are delivered in one call into JS,
  // so ticks and promises scheduled by their callbacks run after the last
  // callback of that read, ticks first, as after any Node I/O callback
  // (README, "Order of callbacks"). On the 'uv' driver both datagrams wait
  // in the kernel before the receiver's first read, so that read takes both;
  // the reactor thread may read 'a' before 'b' is sent: two reads, two calls.
  const oneRead = ['recv a', 'recv b', 'tick a', 'tick b', 'promise a', 'promise b']
  const twoReads = ['recv a', 'tick a', 'promise a', 'recv b', 'tick b', 'promise b']
  if (backend === 'uv') t.deepEqual(order, oneRead)
  else t.true([oneRead, twoReads].some((expected) => JSON.stringify(expected) === JSON.stringify(order)), JSON.stringify(order))
})
