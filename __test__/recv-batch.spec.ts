// Received batches (src/delivery.ts): the binding's layout read back per
// datagram, wherever its payloads start, and the same seen end to end
// through start_recv when several datagrams arrive in one read.
import test from 'ava'

import { HEADER_WORDS, NO_PEER } from '../binding.js'
import { type Address4, type Address6, type PacketInfo, Loop, UDP } from '../index.js'
import { flagsOf, makeBatch, packetInfoOf, peerOf, takePayload } from '../src/delivery.js'

import { handle, sleep, until } from './support/handles.js'
import { detach } from './support/detach.js'

interface Datagram {
  payload: string
  flags: number
  peer: number
  local: number
  ifindex: number
}

/**
 * A batch as the binding lays it out: the payloads in a Buffer starting
 * `at` bytes into a larger ArrayBuffer, the header words in one of their own.
 */
function layout(datagrams: Datagram[], at: number): { data: Buffer; headers: ArrayBuffer } {
  const size = datagrams.reduce((n, d) => n + d.payload.length, 0)
  const data = Buffer.from(new ArrayBuffer(at + size + 8), at, size)
  const headers = new ArrayBuffer(datagrams.length * HEADER_WORDS * 4)
  const words = new Uint32Array(headers)
  datagrams.forEach((d, i) => words.set([d.payload.length, d.flags, d.peer, d.local, d.ifindex], i * HEADER_WORDS))
  let offset = 0
  for (const d of datagrams) offset += data.write(d.payload, offset, 'latin1')
  return { data, headers }
}

const datagrams: Datagram[] = [
  { payload: 'first', flags: 0, peer: 1, local: 0, ifindex: 1 },
  { payload: '', flags: 2, peer: NO_PEER, local: NO_PEER, ifindex: 0 },
  { payload: 'third!', flags: 0, peer: 0, local: 1, ifindex: 7 },
  { payload: 'xy', flags: 2, peer: 1, local: 0, ifindex: 3 },
]

/** Reads every datagram of a batch as the receive path does. */
function readAll({ data, headers }: ReturnType<typeof layout>, locals: readonly string[] | null) {
  const peers: (Address4 | Address6)[] = [
    ['10.0.0.1', 1000],
    ['fe80::1', 2000, 5, 3],
  ]
  const batch = makeBatch(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength, datagrams.length, peers, locals, headers)
  const out: { peer: unknown; flags: number; info: PacketInfo; payload: string }[] = []
  while (batch.next < batch.count) {
    const peer = peerOf(batch)
    const flags = flagsOf(batch)
    const info = packetInfoOf(batch)
    out.push({ peer, flags, info, payload: takePayload(batch).toString('latin1') })
  }
  return { out, peers }
}

const expected = (locals: readonly string[] | null) =>
  datagrams.map((d) => ({
    peer: d.peer === NO_PEER ? null : d.peer === 0 ? ['10.0.0.1', 1000] : ['fe80::1', 2000, 5, 3],
    flags: d.flags,
    info: { local_address: locals === null || d.local === NO_PEER ? '' : locals[d.local], interface_index: d.ifindex },
    payload: d.payload,
  }))

for (const at of [0, 4, 1, 2, 3]) {
  test(`a batch starting ${at} bytes into its memory reads back each datagram's peer, flags, packet info and payload`, (t) => {
    const locals = ['127.0.0.1', '::1']
    const { out, peers } = readAll(layout(datagrams, at), locals)
    t.deepEqual(out, expected(locals))
    // The peer tuples are handed to callbacks as they are: frozen, so that
    // one callback cannot change the address another datagram reports.
    t.true(peers.every((p) => Object.isFrozen(p)))
  })
}

test('without local addresses (no pktinfo) a datagram has local_address ""', (t) => {
  const { out } = readAll(layout(datagrams, 0), null)
  t.deepEqual(out, expected(null))
})

// End to end: the datagrams wait in the kernel before start_recv, so the
// first read takes several of them in one batch.

test('datagrams of different sizes and peers read in one go each come with their own peer, flags 0 and payload, in order', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const a = handle(t, loop)
  a.bind(['127.0.0.1', 0])
  const b = handle(t, loop)
  b.bind(['127.0.0.1', 0])
  const plan: [UDP, string][] = [
    [a, 'one'],
    [b, ''],
    [a, 'three three'],
    [b, 'four'],
    [b, 'f'],
    [a, 'six six six'],
  ]
  let sent = 0
  for (const [tx, text] of plan) tx.send(rx.getsockname(), Buffer.from(text), () => sent++)
  await until(() => sent === plan.length, 3000, 'the sends')
  await sleep(20)
  const got: [unknown, number, string][] = []
  rx.start_recv((_h, peer, flags, data) => {
    got.push([peer === null ? null : [...peer], flags, String(data)])
    // A callback that tries to change the address it got changes nothing
    // for the datagrams after it.
    try {
      if (peer !== null) (peer as unknown as unknown[])[1] = 1
    } catch {}
  })
  await until(() => got.length === plan.length, 3000, 'every datagram')
  t.deepEqual(
    got,
    plan.map(([tx, text]) => [tx.getsockname(), 0, text]),
  )
})

test('with { pktinfo: true }, datagrams read in one go each report the address they were sent to and the loopback interface', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['0.0.0.0', 0])
  const port = rx.getsockname()[1]
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  // Every 127/8 address is local on lo.
  const plan: [string, string][] = [
    ['127.0.0.1', 'to .1'],
    ['127.0.0.2', 'to .2'],
    ['127.0.0.3', ''],
    ['127.0.0.2', 'to .2 again'],
  ]
  // The kernel records a datagram's interface only once the socket asked for
  // packet info: ask first, then let the datagrams queue up while stopped.
  rx.start_recv(() => {}, { pktinfo: true })
  rx.stop_recv()
  let sent = 0
  for (const [host, text] of plan) tx.send([host, port], Buffer.from(text), () => sent++)
  await until(() => sent === plan.length, 3000, 'the sends')
  await sleep(20)
  const { readFileSync } = await import('node:fs')
  const lo = Number(readFileSync('/sys/class/net/lo/ifindex', 'utf8'))
  const got: [unknown, number, string, PacketInfo | undefined][] = []
  rx.start_recv(
    (_h, peer, flags, data, _error, info) => got.push([peer, flags, String(data), info]),
    { pktinfo: true },
  )
  await until(() => got.length === plan.length, 3000, 'every datagram')
  t.deepEqual(
    got,
    plan.map(([host, text]) => [tx.getsockname(), 0, text, { local_address: host, interface_index: lo }]),
  )
})

/** A receiver with `count` empty datagrams waiting in the kernel (read in one go once it starts). */
async function emptyDatagramsQueued(t: Parameters<typeof handle>[0], count: number): Promise<{ rx: UDP; tx: UDP }> {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  let sent = 0
  for (let i = 0; i < count; i++) tx.send(rx.getsockname(), Buffer.alloc(0), () => sent++)
  await until(() => sent === count, 3000, 'the sends')
  await sleep(20)
  return { rx, tx }
}

test('a read of empty datagrams only delivers each of them, as empty Buffers, none counted dropped', async (t) => {
  const { rx } = await emptyDatagramsQueued(t, 8)
  const got: number[] = []
  rx.start_recv((_h, _peer, _flags, data) => {
    if (data !== null) got.push(data.length)
  })
  await until(() => got.length === 8, 3000, 'every datagram')
  await sleep(20)
  t.deepEqual(got, Array(8).fill(0))
  t.is(rx.recv_dropped, 0)
})

test("a callback that detaches an empty datagram's memory loses only the rest of that read, counted dropped; nothing throws", async (t) => {
  const { rx, tx } = await emptyDatagramsQueued(t, 4)
  const uncaught: unknown[] = []
  const onUncaught = (error: unknown) => uncaught.push(error)
  process.on('uncaughtException', onUncaught)
  t.teardown(() => process.off('uncaughtException', onUncaught))
  let got = 0
  rx.start_recv((_h, _peer, _flags, data) => {
    if (data === null) return
    got++
    if (got === 1) {
      const memory = data.buffer as ArrayBuffer
      detach(memory)
    }
  })
  await until(() => got + rx.recv_dropped >= 4, 3000, 'each datagram delivered or dropped')
  tx.send(rx.getsockname(), Buffer.from('after'))
  await until(() => got + rx.recv_dropped >= 5, 3000, 'a later datagram')
  t.is(got + rx.recv_dropped, 5)
  t.true(rx.recv_dropped >= 1)
  t.deepEqual(uncaught, [])
})
