import test, { type ExecutionContext } from 'ava'

import { type Address, Loop, UDP, UDPError, errno } from '../index.js'

import { sleep, until, handle } from './support/handles.js'

function bound(t: ExecutionContext, loop: Loop, host = '127.0.0.1'): UDP {
  const udp = handle(t, loop)
  udp.bind([host, 0])
  return udp
}

/** Sends `count` datagrams numbered `0..count-1` (4-byte big-endian) and resolves when every send completed. */
async function burst(tx: UDP, to: Address, count: number): Promise<void> {
  let done = 0
  const errors: number[] = []
  for (let i = 0; i < count; i++) {
    const data = Buffer.alloc(4)
    data.writeUInt32BE(i)
    tx.send(to, data, (_h, error) => {
      done++
      if (error !== null) errors.push(error)
    })
  }
  await until(() => done === count, 5000, `${count} send callbacks`)
  if (errors.length > 0) throw new Error(`sends failed: ${errors.join(', ')}`)
}

const seq = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

for (const host of ['127.0.0.1', '::1']) {
  test(`${host}: start_recv calls back with the handle, the peer's address, flags 0, a Buffer and error null`, async (t) => {
    const loop = new Loop()
    const rx = bound(t, loop, host)
    const tx = bound(t, loop, host)
    const calls: unknown[][] = []
    rx.start_recv((...args) => calls.push(args))
    tx.send(rx.getsockname(), Buffer.from('hello'))
    await until(() => calls.length === 1, 3000, 'one datagram')
    const [args] = calls
    t.is(args.length, 5)
    const [h, peer, flags, data, error] = args
    t.is(h, rx)
    t.deepEqual(peer, tx.getsockname())
    t.is((peer as Address).length, host === '::1' ? 4 : 2)
    t.is(flags, 0)
    t.true(Buffer.isBuffer(data))
    t.is(String(data), 'hello')
    t.is(error, null)
  })

  test(`${host}: datagrams from two different peers carry their own addresses`, async (t) => {
    const loop = new Loop()
    const rx = bound(t, loop, host)
    const a = bound(t, loop, host)
    const b = bound(t, loop, host)
    const got = new Map<string, Address | null>()
    rx.start_recv((_h, peer, _flags, data) => got.set(String(data), peer))
    a.send(rx.getsockname(), Buffer.from('from a'))
    b.send(rx.getsockname(), Buffer.from('from b'))
    a.send(rx.getsockname(), Buffer.from('from a again'))
    await until(() => got.size === 3, 3000, 'three datagrams')
    t.notDeepEqual(a.getsockname(), b.getsockname())
    t.deepEqual(got.get('from a'), a.getsockname())
    t.deepEqual(got.get('from b'), b.getsockname())
    t.deepEqual(got.get('from a again'), a.getsockname())
  })
}

test('200 datagrams sent in a burst from one peer all arrive, in order', async (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  // Headroom so that the kernel does not drop while the burst is in flight.
  rx.receive_buffer_size = 1 << 20
  const tx = bound(t, loop)
  const got: number[] = []
  const peers = new Set<string>()
  rx.start_recv((_h, peer, _flags, data, error) => {
    t.is(error, null)
    peers.add(JSON.stringify(peer))
    if (data) got.push(data.readUInt32BE(0))
  })
  await burst(tx, rx.getsockname(), 200)
  await until(() => got.length >= 200, 5000, '200 datagrams').catch((e: Error) => {
    throw new Error(`${e.message}: got ${got.length}, recv_dropped ${rx.recv_dropped}`)
  })
  await sleep(20)
  t.deepEqual(got, seq(0, 200))
  t.deepEqual([...peers], [JSON.stringify(tx.getsockname())])
})

test('stop_recv inside a receive callback: no callback after it returns; a later start_recv delivers the rest in order', async (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  rx.receive_buffer_size = 1 << 20
  const tx = bound(t, loop)
  // The whole burst waits in the kernel, so the first read is likely one batch
  // of many datagrams and stop_recv lands in the middle of it.
  await burst(tx, rx.getsockname(), 50)
  const first: number[] = []
  let stopped = false
  const late: number[] = []
  rx.start_recv((h, _peer, _flags, data) => {
    const n = data!.readUInt32BE(0)
    if (stopped) {
      late.push(n)
      return
    }
    first.push(n)
    if (first.length === 10) {
      h.stop_recv()
      stopped = true
    }
  })
  await until(() => stopped, 3000, 'ten datagrams')
  await sleep(150)
  t.deepEqual(late, [], 'no callback ran after stop_recv returned')
  t.deepEqual(first, seq(0, 10))
  t.false(rx.active)

  const second: number[] = []
  let returned = false
  let sync = false
  rx.start_recv((_h, _peer, _flags, data) => {
    if (!returned) sync = true
    second.push(data!.readUInt32BE(0))
  })
  returned = true
  await until(() => second.length >= 40, 3000, 'the other 40 datagrams').catch((e: Error) => {
    throw new Error(`${e.message}: got ${JSON.stringify(second)}`)
  })
  await sleep(20)
  t.false(sync, 'the held datagrams are not delivered synchronously from start_recv')
  t.deepEqual(late, [])
  t.deepEqual([...first, ...second], seq(0, 50))
})

test('stop_recv right after a batch (from a microtask): no callback after it returns, and nothing is lost on restart', async (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  rx.receive_buffer_size = 1 << 20
  const tx = bound(t, loop)
  // Many batches wait in the kernel; the stop comes after the first callback
  // returned, while later batches may already be on their way to JS.
  await burst(tx, rx.getsockname(), 200)
  const first: number[] = []
  let stopped = false
  const late: number[] = []
  rx.start_recv((h, _peer, _flags, data) => {
    const n = data!.readUInt32BE(0)
    if (stopped) late.push(n)
    else first.push(n)
    if (first.length === 1 && !stopped)
      queueMicrotask(() => {
        h.stop_recv()
        stopped = true
      })
  })
  await until(() => stopped, 3000, 'the first datagram')
  await sleep(100)
  t.deepEqual(late, [], 'no callback ran after stop_recv returned')
  t.false(rx.active)
  const second: number[] = []
  rx.start_recv((_h, _peer, _flags, data) => second.push(data!.readUInt32BE(0)))
  await until(() => first.length + second.length >= 200, 3000, 'all 200 datagrams').catch((e: Error) => {
    throw new Error(`${e.message}: got ${JSON.stringify(first)} then ${JSON.stringify(second)}, recv_dropped ${rx.recv_dropped}`)
  })
  await sleep(20)
  t.log(`${first.length} before stop_recv, ${second.length} after the restart`)
  t.deepEqual([...first, ...second], seq(0, 200))
})

test('start_recv while receiving throws UDPError UV_EALREADY and the first callback keeps receiving', async (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  const firstGot: string[] = []
  let secondCalled = false
  rx.start_recv((_h, _peer, _flags, data) => firstGot.push(String(data)))
  const error = t.throws(
    () =>
      rx.start_recv(() => {
        secondCalled = true
      }),
    { instanceOf: UDPError },
  )
  t.is(error?.errno, errno.UV_EALREADY)
  t.is(error?.code, 'EALREADY')
  t.true(rx.active)
  const tx = bound(t, loop)
  tx.send(rx.getsockname(), Buffer.from('still here'))
  await until(() => firstGot.length === 1, 3000, 'the datagram')
  t.deepEqual(firstGot, ['still here'])
  t.false(secondCalled)
})

test('start_recv on an unbound AF_UNSPEC handle binds implicitly to 0.0.0.0 with a nonzero port', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  const got: string[] = []
  rx.start_recv((_h, _peer, _flags, data) => got.push(String(data)))
  const local = rx.getsockname()
  t.is(local.length, 2)
  t.is(local[0], '0.0.0.0')
  t.true(local[1] > 0)
  const tx = bound(t, loop)
  tx.send(['127.0.0.1', local[1]], Buffer.from('to the wildcard'))
  await until(() => got.length === 1, 3000, 'the datagram')
  t.deepEqual(got, ['to the wildcard'])
})

test('a receive callback is never called synchronously from start_recv, even with datagrams waiting', async (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  const tx = bound(t, loop)
  await burst(tx, rx.getsockname(), 5)
  await sleep(20)
  let returned = false
  const calls: boolean[] = []
  rx.start_recv(() => calls.push(returned))
  returned = true
  t.is(calls.length, 0)
  await until(() => calls.length === 5, 3000, 'five datagrams')
  t.deepEqual(calls, [true, true, true, true, true])
})

test('a receive callback that throws goes to loop.excepthook and the next datagram is still delivered', async (t) => {
  const loop = new Loop()
  const hooked: unknown[] = []
  loop.excepthook = (error) => hooked.push(error)
  const rx = bound(t, loop)
  const tx = bound(t, loop)
  const boom = new Error('boom')
  const got: string[] = []
  rx.start_recv((_h, _peer, _flags, data) => {
    got.push(String(data))
    if (String(data) === 'first') throw boom
  })
  tx.send(rx.getsockname(), Buffer.from('first'))
  tx.send(rx.getsockname(), Buffer.from('second'))
  await until(() => got.length === 2, 3000, 'two datagrams')
  // A third datagram, sent after the throw was surely handled.
  tx.send(rx.getsockname(), Buffer.from('third'))
  await until(() => got.length === 3, 3000, 'the third datagram')
  t.deepEqual(got, ['first', 'second', 'third'])
  t.is(hooked.length, 1)
  t.is(hooked[0], boom)
  t.true(rx.active)
})

test('active is true while receiving and false after stop_recv', (t) => {
  const loop = new Loop()
  const rx = bound(t, loop)
  t.false(rx.active)
  rx.start_recv(() => {})
  t.true(rx.active)
  rx.stop_recv()
  t.false(rx.active)
  rx.start_recv(() => {})
  t.true(rx.active)
  rx.stop_recv()
  t.false(rx.active)
  t.notThrows(() => rx.stop_recv(), 'stop_recv when not receiving does not throw')
  t.false(rx.active)
})
