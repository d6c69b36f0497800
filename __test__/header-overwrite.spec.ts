/**
 * A receive callback can write anywhere in `data.buffer`, the memory its
 * payload came in with the other payloads of its read (and on 'uv', of
 * earlier reads from the same pool). Writing outside its own bytes may
 * change those other payloads, as with any pooled Buffer, but never what
 * the handle reports of them: each later datagram keeps its length, its
 * sender and its flags, nothing throws, and the handle goes on receiving.
 * (When the read's header words lay in that memory, before the payloads, a
 * fill of 0xff made the next length out of range and delivery threw; a
 * fill of small words gave wrong lengths and senders in silence. The
 * binding now hands them apart.) Both drivers run these.
 */
import { createRequire } from 'node:module'

import test from 'ava'

import { Loop, UDP } from '../index.js'
import type { Address4, Address6 } from '../index.js'

import { handle, sleep, until } from './support/handles.js'

const deadline = 10_000

interface Seen {
  peer: Address4 | Address6 | null
  flags: number
  length: number
}

/**
 * Writes `value` over every byte of `data.buffer` but `data`'s own (as
 * bytes, or as whole u32 words where they align): before them lie the
 * payloads already delivered (and, before the binding handed the header
 * words apart, the read's header words), after them the later payloads.
 */
function scribble(data: Buffer, value: number, as: 'bytes' | 'words'): void {
  const memory = data.buffer as ArrayBuffer
  const start = data.byteOffset
  const end = start + data.byteLength
  if (as === 'bytes') {
    new Uint8Array(memory, 0, start).fill(value)
    new Uint8Array(memory, end).fill(value)
    return
  }
  new Uint32Array(memory, 0, Math.floor(start / 4)).fill(value)
  const first = Math.ceil(end / 4)
  const words = Math.floor(memory.byteLength / 4) - first
  if (words > 0) new Uint32Array(memory, first * 4, words).fill(value)
}

/** A receiver bound on loopback that has not started receiving, and a sender. */
function pair(t: Parameters<typeof handle>[0]): { rx: UDP; tx: UDP; to: Address4 } {
  const loop = Loop.default_loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  return { rx, tx, to: rx.getsockname() as Address4 }
}

/** Lengths 1..count (each different, so a wrong length shows). */
const lengths = (count: number) => Array.from({ length: count }, (_, i) => i + 1)

for (const [what, value, as] of [
  ['0xff bytes', 0xff, 'bytes'],
  ['the word 1', 1, 'words'],
  ['the word 0', 0, 'words'],
] as const) {
  test(`a callback writing ${what} around its datagram leaves the later datagrams of its read their length, sender and flags`, async (t) => {
    const { rx, tx, to } = pair(t)
    const sizes = lengths(24)
    // Queued in the kernel before the receiver reads: one read (or a few) brings them.
    for (const size of sizes) tx.send(to, Buffer.alloc(size, 0x61))
    await sleep(50)
    const seen: Seen[] = []
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    t.teardown(() => process.off('uncaughtException', onUncaught))
    rx.start_recv((_udp, peer, flags, data, error) => {
      if (error !== null || data === null) return
      seen.push({ peer, flags, length: data.length })
      scribble(data, value, as)
    })
    await until(() => seen.length >= sizes.length, deadline, `${sizes.length} datagrams`)
    await sleep(20)
    t.deepEqual(uncaught, [])
    t.is(rx.recv_dropped, 0)
    const from = tx.getsockname()
    t.deepEqual(
      seen,
      sizes.map((length) => ({ peer: from, flags: 0, length })),
    )
    // And it goes on receiving, the same way, read after read.
    seen.length = 0
    for (let round = 0; round < 20; round++) {
      for (const size of sizes) tx.send(to, Buffer.alloc(size, 0x62))
      await until(() => seen.length >= (round + 1) * sizes.length, deadline, `round ${round}`)
    }
    t.is(seen.length, 20 * sizes.length)
    t.true(seen.every((s, i) => s.length === sizes[i % sizes.length] && s.flags === 0 && s.peer?.[1] === from[1]))
    t.deepEqual(uncaught, [])
  })
}

test('a callback that stops receiving, then writes over the held rest of its read, leaves that rest and a later read their lengths and sender', async (t) => {
  const { rx, tx, to } = pair(t)
  const sizes = lengths(16)
  for (const size of sizes) tx.send(to, Buffer.alloc(size, 0x63))
  await sleep(50)
  const seen: Seen[] = []
  let first: Buffer | null = null
  const onRecv = (_udp: UDP, peer: Address4 | Address6 | null, flags: number, data: Buffer | null, error: number | null) => {
    if (error !== null || data === null) return
    seen.push({ peer, flags, length: data.length })
    if (first === null) {
      first = data
      rx.stop_recv()
    }
  }
  rx.start_recv(onRecv)
  await until(() => first !== null, deadline, 'the first datagram')
  // The rest of that read is held by the handle; its memory is the first
  // datagram's. A second burst waits in the kernel: read (on the poll phase)
  // before the held rest is delivered (on the check phase), it is held
  // behind it, and its read must not take the held batch's words.
  const later = sizes.map((size) => size + 100)
  for (const size of later) tx.send(to, Buffer.alloc(size, 0x65))
  await sleep(50)
  scribble(first as unknown as Buffer, 0xff, 'bytes')
  rx.start_recv(onRecv)
  const all = [...sizes, ...later]
  await until(() => seen.length >= all.length, deadline, `${all.length} datagrams`)
  const from = tx.getsockname()
  t.deepEqual(
    seen,
    all.map((length) => ({ peer: from, flags: 0, length })),
  )
})

test('with pktinfo, a callback writing around its datagram leaves the later ones their destination and interface', async (t) => {
  const { rx, tx, to } = pair(t)
  const sizes = lengths(12)
  // pktinfo is asked of the kernel at start_recv, for datagrams that arrive after it.
  rx.start_recv(() => t.fail('nothing is sent yet'), { pktinfo: true })
  rx.stop_recv()
  for (const size of sizes) tx.send(to, Buffer.alloc(size, 0x64))
  await sleep(50)
  const infos: { length: number; local: string; index: number }[] = []
  rx.start_recv(
    (_udp, _peer, _flags, data, error, pktinfo) => {
      if (error !== null || data === null || pktinfo === undefined) return
      infos.push({ length: data.length, local: pktinfo.local_address, index: pktinfo.interface_index })
      scribble(data, 0xff, 'bytes')
    },
    { pktinfo: true },
  )
  await until(() => infos.length >= sizes.length, deadline, `${sizes.length} datagrams`)
  const loopback = infos[0].index
  t.true(loopback > 0)
  t.deepEqual(
    infos,
    sizes.map((length) => ({ length, local: '127.0.0.1', index: loopback })),
  )
})

test("the header area detached (by code that wrapped the binding to reach it) is replaced: later reads arrive whole, nothing crashes", async (t) => {
  // Only the handle's own code sees the area; a program that patches the
  // binding's NativeUdp can still get it, and detaching it frees the memory
  // the binding writes through a pointer (the same holds for the pool).
  const require = createRequire(import.meta.url)
  type Native = new (family: unknown, owner: unknown, onEvent: (...args: unknown[]) => void) => object
  const binding = require('../binding.js') as { NativeUdp: Native }
  const Real = binding.NativeUdp
  let detached = 0
  binding.NativeUdp = class extends Real {
    constructor(family: unknown, owner: unknown, onEvent: (...args: unknown[]) => void) {
      super(family, owner, function (this: unknown, ...args: unknown[]) {
        onEvent.apply(this, args)
        const headers = args[7]
        if (headers instanceof ArrayBuffer && headers.byteLength > 0 && detached < 3) {
          structuredClone(headers, { transfer: [headers] })
          detached++
        }
      })
    }
  }
  let rx: UDP
  try {
    rx = handle(t, Loop.default_loop())
  } finally {
    binding.NativeUdp = Real
  }
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, Loop.default_loop())
  tx.bind(['127.0.0.1', 0])
  const to = rx.getsockname() as Address4
  const seen: number[] = []
  rx.start_recv((_udp, _peer, _flags, data) => {
    if (data !== null) seen.push(data.length)
  })
  const sizes = lengths(10)
  for (let round = 0; round < 6; round++) {
    for (const size of sizes) tx.send(to, Buffer.alloc(size, 0x66))
    await until(() => seen.length >= (round + 1) * sizes.length, deadline, `round ${round}`)
  }
  t.is(detached, 3)
  t.deepEqual(seen, Array.from({ length: 6 }, () => sizes).flat())
})
