/**
 * The two shortcuts of the hot path: a send to the same address values as
 * the previous one reuses the destination the binding parsed (src/send_path.ts),
 * and a read from the one peer of the previous read reuses its frozen peer
 * tuple (crates/node/src/peer_cache.rs). Neither may ever send to, or report,
 * a stale address.
 */
import test, { type ExecutionContext } from 'ava'

import { type Address, Loop, UDP, UDPError, errno } from '../index.js'

import { handle, until } from './support/handles.js'

/** A bound handle that records who sent what. */
function receiver(t: ExecutionContext, loop: Loop, host = '127.0.0.1') {
  const udp = handle(t, loop)
  udp.bind([host, 0])
  const got: string[] = []
  const peers: Address[] = []
  udp.start_recv((_handle, peer, _flags, data) => {
    if (data !== null && peer !== null) {
      got.push(data.toString())
      peers.push(peer)
    }
  })
  return { udp, address: udp.getsockname(), got, peers }
}

const deadline = 5000

test('the same array, changed between sends, sends each datagram to what it holds at the call', async (t) => {
  const loop = Loop.default_loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  const to: Address = ['127.0.0.1', a.address[1]]
  tx.send(to, Buffer.from('a1'))
  to[1] = b.address[1]
  tx.send(to, Buffer.from('b1'))
  to[1] = a.address[1]
  tx.send(to, Buffer.from('a2'))
  await until(() => a.got.length === 2 && b.got.length === 1, deadline, 'three datagrams')
  // try_send too, once its sends are retired (libuv's rule).
  await until(() => tx.send_queue_count === 0, deadline, 'the sends retired')
  t.is(tx.try_send(to, Buffer.from('a3')), 2)
  to[1] = b.address[1]
  t.is(tx.try_send(to, Buffer.from('b2')), 2)
  t.is(tx.try_send(to, Buffer.from('b3')), 2)
  await until(() => a.got.length === 3 && b.got.length === 3, deadline, 'six datagrams')
  t.deepEqual(a.got, ['a1', 'a2', 'a3'])
  t.deepEqual(b.got, ['b1', 'b2', 'b3'])
})

test('equal values in a new array, and an explicit flowinfo 0 on IPv6, reuse the destination and arrive', async (t) => {
  const loop = Loop.default_loop()
  const v6 = receiver(t, loop, '::1')
  const tx = handle(t, loop)
  const port = v6.address[1]
  tx.send(['::1', port], Buffer.from('1'))
  tx.send(['::1', port, 0], Buffer.from('2'))
  tx.send(['::1', port, 0, 0], Buffer.from('3'))
  tx.send(['::1', port], Buffer.from('4'))
  await until(() => v6.got.length === 4, deadline, 'four datagrams')
  t.deepEqual(v6.got, ['1', '2', '3', '4'])
})

test('an address refused after a good one is refused again, and the good one still reaches its receiver', async (t) => {
  const loop = Loop.default_loop()
  const a = receiver(t, loop)
  const tx = handle(t, loop)
  const good: Address = ['127.0.0.1', a.address[1]]
  tx.send(good, Buffer.from('1'))
  t.throws(() => tx.send(['127.0.0.300', a.address[1]], Buffer.from('x')), { instanceOf: TypeError })
  t.throws(() => tx.send(['127.0.0.1', 65536], Buffer.from('x')), { instanceOf: RangeError })
  // Parsed, then refused by the socket's family (through the callback), twice.
  const refused: (number | null)[] = []
  tx.send(['::1', a.address[1]], Buffer.from('x'), (_udp, error) => refused.push(error))
  tx.send(['::1', a.address[1]], Buffer.from('x'), (_udp, error) => refused.push(error))
  tx.send(good, Buffer.from('2'))
  tx.send(good, Buffer.from('3'))
  await until(() => a.got.length === 3 && refused.length === 2, deadline, 'three datagrams and two refusals')
  t.deepEqual(a.got, ['1', '2', '3'])
  t.deepEqual(refused, [errno.UV_EAFNOSUPPORT, errno.UV_EAFNOSUPPORT])
})

test('a try_send that parsed its address and then failed leaves the next send going where it says', async (t) => {
  const loop = Loop.default_loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  const toA: Address = ['127.0.0.1', a.address[1]]
  let called = 0
  tx.send(toA, Buffer.from('a1'), () => called++)
  // The send's callback is pending: the binding parses B, then refuses.
  const error = t.throws(() => tx.try_send(['127.0.0.1', b.address[1]], Buffer.from('never')), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EAGAIN)
  tx.send(toA, Buffer.from('a2'))
  await until(() => a.got.length === 2 && called === 1, deadline, 'two datagrams at A')
  t.deepEqual(a.got, ['a1', 'a2'])
  t.deepEqual(b.got, [])
})

test('handles keep their own last destination', async (t) => {
  const loop = Loop.default_loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const one = handle(t, loop)
  const two = handle(t, loop)
  const toA: Address = ['127.0.0.1', a.address[1]]
  const toB: Address = ['127.0.0.1', b.address[1]]
  for (let i = 0; i < 3; i++) {
    one.send(toA, Buffer.from(`one${i}`))
    two.send(toB, Buffer.from(`two${i}`))
  }
  await until(() => a.got.length === 3 && b.got.length === 3, deadline, 'six datagrams')
  t.deepEqual(a.got, ['one0', 'one1', 'one2'])
  t.deepEqual(b.got, ['two0', 'two1', 'two2'])
})

test('reads alternating between two peers report each datagram with its own sender, every tuple frozen', async (t) => {
  const loop = Loop.default_loop()
  const rx = receiver(t, loop)
  const p = handle(t, loop)
  const q = handle(t, loop)
  p.bind(['127.0.0.1', 0])
  q.bind(['127.0.0.1', 0])
  const pPort = p.getsockname()[1]
  const qPort = q.getsockname()[1]
  const order = ['p', 'p', 'q', 'p', 'q', 'q', 'p']
  // One at a time, so that each datagram is a read of its own.
  for (const [i, who] of order.entries()) {
    ;(who === 'p' ? p : q).send(rx.address, Buffer.from(`${who}${i}`))
    await until(() => rx.got.length === i + 1, deadline, `datagram ${i}`)
  }
  t.deepEqual(rx.got, order.map((who, i) => `${who}${i}`))
  t.deepEqual(
    rx.peers.map((peer) => peer[1]),
    order.map((who) => (who === 'p' ? pPort : qPort)),
  )
  for (const peer of rx.peers) t.true(Object.isFrozen(peer))
  // Successive reads from one peer may share its tuple; distinct peers never do.
  t.not(rx.peers[1], rx.peers[2])
})

test('a reply sent to the received peer tuple, over and over, reaches that peer every time', async (t) => {
  const loop = Loop.default_loop()
  const server = handle(t, loop)
  server.bind(['127.0.0.1', 0])
  server.start_recv((udp, peer, _flags, data) => {
    if (peer !== null && data !== null) udp.send(peer, data)
  })
  const client = receiver(t, loop)
  const rounds = 200
  let sent = 0
  const next = () => client.udp.send(server.getsockname(), Buffer.from(String(sent++)))
  client.udp.stop_recv()
  client.udp.start_recv((_udp, _peer, _flags, data) => {
    if (data === null) return
    client.got.push(data.toString())
    if (sent < rounds) next()
  })
  next()
  await until(() => client.got.length === rounds, deadline, `${rounds} replies`)
  t.deepEqual(client.got, Array.from({ length: rounds }, (_, i) => String(i)))
})

// A handle receiving into a sink (uv-udp/dgram's) leaves the tuples
// unfrozen, as only the sink sees them; a receive callback that takes over,
// in the middle of a read or on a later turn (the rest of the read held
// meanwhile), sees them frozen.
for (const when of ['inside the sink', 'on a later turn'] as const) {
  test(`a receive callback that takes over from a sink mid-read (${when}) sees every tuple frozen`, async (t) => {
    const loop = Loop.default_loop()
    const rx = handle(t, loop)
    rx.bind(['127.0.0.1', 0])
    const tx = handle(t, loop)
    tx.bind(['127.0.0.1', 0])
    // Queued in the kernel before receiving starts, so that one read holds several.
    for (let i = 0; i < 6; i++) tx.send(rx.getsockname(), Buffer.from(`d${i}`))
    await until(() => tx.send_queue_count === 0, deadline, 'the sends')
    const sunk: string[] = []
    const got: string[] = []
    const frozen: boolean[] = []
    const onRecv = (_handle: UDP, peer: Address | null, _flags: number, data: Buffer | null) => {
      if (data === null || peer === null) return
      got.push(data.toString())
      frozen.push(Object.isFrozen(peer))
    }
    rx._startMessages(
      () => undefined,
      (data) => {
        sunk.push(data.toString())
        if (sunk.length !== 2) return
        rx.stop_recv()
        if (when === 'inside the sink') rx.start_recv(onRecv)
        else setImmediate(() => rx.start_recv(onRecv))
      },
    )
    await until(() => sunk.length + got.length === 6, deadline, 'six datagrams')
    t.deepEqual([...sunk, ...got], ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'])
    t.deepEqual(sunk, ['d0', 'd1'])
    t.deepEqual(frozen, [true, true, true, true])
    // And in a later read.
    tx.send(rx.getsockname(), Buffer.from('later'))
    await until(() => got.length === 5, deadline, 'the later datagram')
    t.deepEqual(frozen, [true, true, true, true, true])
  })
}
