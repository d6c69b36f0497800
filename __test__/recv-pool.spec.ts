/**
 * Small reads are slices of a pool ArrayBuffer the 'uv' driver shares
 * between a handle's reads (crates/node/src/recv_pool.rs). A payload handed
 * to a callback must never change afterwards, however many reads follow, and
 * a callback that detaches the memory must cost only the rest of its read.
 * Both drivers run these: on the reactor every read has its own Buffer.
 */
import test from 'ava'

import { Loop, UDP, backend } from '../index.js'

import { handle, sleep, until } from './support/handles.js'
import { detach } from './support/detach.js'
import { failReads } from './support/fail-reads.js'

const deadline = 10_000

test('payloads kept without copying stay intact across many reads (several pools filled)', async (t) => {
  const loop = Loop.default_loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const kept: Buffer[] = []
  rx.start_recv((_udp, _peer, _flags, data) => {
    if (data !== null) kept.push(data)
  })
  const tx = handle(t, loop)
  const to = rx.getsockname()
  // 1,500 datagrams of 200 B, one or a few per read: about 300 KiB, several pools.
  const total = 1500
  const payload = (i: number) => Buffer.alloc(200, i % 251).fill(String(i), 0)
  for (let i = 0; i < total; i++) {
    tx.send(to, payload(i))
    if (i % 50 === 49) await until(() => kept.length === i + 1, deadline, `datagram ${i}`)
  }
  await until(() => kept.length === total, deadline, `${total} datagrams`)
  for (let i = 0; i < total; i++) {
    if (!kept[i].equals(payload(i))) t.fail(`datagram ${i} changed after delivery`)
  }
  t.is(kept.length, total)
})

test('large reads (60 KB datagrams) and small ones interleaved arrive whole', async (t) => {
  const loop = Loop.default_loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  rx.receive_buffer_size = 1 << 20
  const kept: Buffer[] = []
  rx.start_recv((_udp, _peer, _flags, data) => {
    if (data !== null) kept.push(data)
  })
  const tx = handle(t, loop)
  const to = rx.getsockname()
  const sizes = [10, 60_000, 10, 9_000, 100, 60_000, 1]
  const sent = sizes.map((size, i) => Buffer.alloc(size, i + 1))
  for (const [i, data] of sent.entries()) {
    tx.send(to, data)
    await until(() => kept.length === i + 1, deadline, `datagram ${i}`)
  }
  t.deepEqual(
    kept.map((data) => data.length),
    sizes,
  )
  for (const [i, data] of kept.entries()) t.true(data.equals(sent[i]), `datagram ${i}`)
})

test('a callback that detaches its datagram\'s memory loses only the rest of that read; later reads arrive intact', async (t) => {
  const loop = Loop.default_loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const got: string[] = []
  let detached = false
  const onData = (_udp: UDP, _peer: unknown, _flags: number, data: Buffer | null) => {
    if (data === null) return
    const text = data.toString()
    got.push(text)
    if (text === 'detach') {
      const memory = data.buffer as ArrayBuffer
      detach(memory)
      detached = data.byteLength === 0
    }
  }
  rx.start_recv(onData)
  const tx = handle(t, loop)
  const to = rx.getsockname()
  // Cheap callbacks first: the driver sizes a read from what the callbacks
  // cost so far, so one slow first call (a loaded machine) would size the
  // next read below three. Nine, so that on 'uv' the read after them would
  // be a lone one (a fresh handle's first read, then lone, lone, lone, a
  // read of 2, and again) if starting to read again did not read the
  // backlog at the learned size: the test then fails.
  const WARM = 9
  for (let i = 0; i < WARM; i++) {
    tx.send(to, Buffer.from('before'))
    await until(() => got.length === i + 1, deadline, `warm-up datagram ${i}`)
  }
  // Three in one read: queued while the handle does not read, then read at
  // once (at the learned size, one read of 3 unless the callbacks so far
  // were very slow) when it reads again. The first detaches; the rest of
  // its read is lost.
  rx.stop_recv()
  tx.try_send_many([
    [to, Buffer.from('detach')],
    [to, Buffer.from('x1')],
    [to, Buffer.from('x2')],
  ])
  await sleep(20)
  rx.start_recv(onData)
  await until(() => got.length >= WARM + 1, deadline, 'the detaching datagram')
  t.true(detached)
  await until(() => got.length - WARM + rx.recv_dropped >= 3, deadline, 'the rest of that read, delivered or dropped')
  // At least the next datagram came in the detaching read (all of them in
  // a quiet run), so the loss path ran.
  t.true(rx.recv_dropped >= 1, 'the rest of the detached read is counted dropped')
  t.deepEqual(got.slice(WARM + 1), ['x1', 'x2'].slice(rx.recv_dropped), 'what was not in the detached read arrives')
  for (let i = 0; i < 20; i++) {
    tx.send(to, Buffer.from(`after${i}`))
    await until(() => got.includes(`after${i}`), deadline, `after${i}`)
  }
  const after = got.filter((text) => text.startsWith('after'))
  t.deepEqual(after, Array.from({ length: 20 }, (_, i) => `after${i}`))
  t.is(got.length - WARM - 20 + rx.recv_dropped, 3, 'each datagram of the detached read is delivered or counted dropped')
})

test('a handle closed while its pool is in use leaves delivered payloads readable', async (t) => {
  const loop = new Loop()
  const rx = new UDP(loop)
  rx.bind(['127.0.0.1', 0])
  const kept: Buffer[] = []
  rx.start_recv((_udp, _peer, _flags, data) => {
    if (data !== null) kept.push(data)
  })
  const tx = handle(t, loop)
  for (let i = 0; i < 10; i++) tx.send(rx.getsockname(), Buffer.from(`p${i}`))
  await until(() => kept.length === 10, deadline, 'ten datagrams')
  await new Promise<void>((resolve) => rx.close(() => resolve()))
  if (typeof globalThis.gc === 'function') globalThis.gc()
  t.deepEqual(
    kept.map(String),
    Array.from({ length: 10 }, (_, i) => `p${i}`),
  )
})

// Received payloads share memory (on 'uv' the pool of several reads, on
// the reactor a batch's), marked untransferable as Node marks its own
// Buffer pool: transferring data.buffer (postMessage, structuredClone)
// copies it on Node 20 and throws DataCloneError from Node 22 on, so no
// Buffer delivered before, kept by the program, loses its bytes.
test('a received Buffer\'s memory is untransferable: a transfer copies it (Node 20) or throws DataCloneError (22+); every kept Buffer keeps its bytes', async (t) => {
  const loop = Loop.default_loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  const kept: Buffer[] = []
  const outcome: string[] = []
  rx.start_recv((_udp, _peer, _flags, data) => {
    if (data === null) return
    kept.push(data)
    if (kept.length === 3) {
      const memory = data.buffer as ArrayBuffer
      try {
        const copy = structuredClone(memory, { transfer: [memory] })
        outcome.push(memory.byteLength > 0 ? 'copied' : 'moved', new Uint8Array(copy, data.byteOffset, data.byteLength).toString() === new Uint8Array(Buffer.from('third')).toString() ? 'with its bytes' : 'without them')
      } catch (error) {
        outcome.push((error as Error).name)
      }
    }
  })
  // Three reads apart in time (on 'uv' all three in one pool).
  for (const text of ['first', 'second', 'third', 'fourth']) {
    tx.send(rx.getsockname(), Buffer.from(text))
    await until(() => kept.length > 0 && kept.at(-1)?.toString() === text, 3000, text)
  }
  const major = Number(process.versions.node.split('.')[0])
  t.deepEqual(outcome, major >= 22 ? ['DataCloneError'] : ['copied', 'with its bytes'])
  t.deepEqual(kept.map(String), ['first', 'second', 'third', 'fourth'])
})

// A read whose event napi fails to make (the test hook makes the next one
// fail once its memory is taken): its datagrams never reach the callback,
// so they count in recv_dropped, and its slice of the pool is given back,
// so the pool's first read that JS sees still starts at offset 0 (where JS
// marks the pool untransferable). The reactor makes its events elsewhere.
// Serial: the hook fails the next read of the process, whichever handle it is.
if (backend === 'uv') {
  test.serial("'uv': a read that cannot be handed to JS counts in recv_dropped, and the next read takes its place in the pool", async (t) => {
    const loop = Loop.default_loop()
    const rx = handle(t, loop)
    rx.bind(['127.0.0.1', 0])
    const tx = handle(t, loop)
    const kept: Buffer[] = []
    rx.start_recv((_udp, _peer, _flags, data) => {
      if (data !== null) kept.push(data)
    })
    const to = rx.getsockname()
    tx.send(to, Buffer.from('before'))
    await until(() => kept.length === 1, 3000, 'the first datagram')
    failReads(1)
    tx.send(to, Buffer.from('lost'))
    await until(() => rx.recv_dropped === 1, 3000, 'the lost read counted')
    tx.send(to, Buffer.from('after'))
    await until(() => kept.length === 2, 3000, 'the datagram after it')
    t.deepEqual(kept.map(String), ['before', 'after'])
    t.is(rx.recv_dropped, 1)
    // Where the lost read's slice began: after 'before', on an 8-byte boundary.
    const [first, next] = kept
    const place = (first.byteOffset + first.byteLength + 7) & ~7
    if (next.buffer === first.buffer) t.is(next.byteOffset, place)
    // A fresh pool (the old one was full) begins at 0.
    else t.is(next.byteOffset, 0)
  })
}
