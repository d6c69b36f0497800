/**
 * The paths of a send once the socket is bound (src/dgram/sending.ts): a
 * socket's sends to several peers in turn, when a send's callback runs, a
 * lookup answering something that is not an IP; and trySend / sendMany's
 * checks (uv-udp extras, uv-udp/dgram only).
 */
import test, { type ExecutionContext } from 'ava'

import { both, bound, listening, nextEvent, receiver, shape, socket, thrown, until, uvDgram } from './support.js'

both('one socket sending to peers in turn: each datagram goes to its own peer (same IP other port, same port other IP)', async (t, dgram) => {
  const a = await receiver(t, dgram)
  const b = await receiver(t, dgram)
  const c = socket(t, dgram)
  const gotC: string[] = []
  c.on('message', (msg) => gotC.push(msg.toString()))
  c.bind(a.port, '127.0.0.2')
  await listening(c)
  const tx = await bound(t, dgram)
  const plan: [string, number, string][] = [
    ['a1', a.port, '127.0.0.1'],
    ['b1', b.port, '127.0.0.1'],
    ['c1', a.port, '127.0.0.2'],
    ['a2', a.port, '127.0.0.1'],
    ['a3', a.port, '127.0.0.1'],
    ['c2', a.port, '127.0.0.2'],
  ]
  for (const [text, port, host] of plan) {
    await new Promise<void>((resolve, reject) => tx.send(text, port, host, (error) => (error ? reject(error) : resolve())))
  }
  await until(() => a.got.length + b.got.length + gotC.length >= 6, 3000, 'six datagrams')
  t.deepEqual(a.got.map((d) => d.text), ['a1', 'a2', 'a3'])
  t.deepEqual(b.got.map((d) => d.text), ['b1'])
  t.deepEqual(gotC, ['c1', 'c2'])
})

both('the callback of a send the kernel takes at once runs before setImmediate, each time', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = await bound(t, dgram)
  for (let round = 0; round < 3; round++) {
    const order: string[] = []
    await new Promise<void>((resolve) => {
      tx.send(`x${round}`, rx.port, '127.0.0.1', () => order.push('sent'))
      tx.send(`y${round}`, rx.port, '127.0.0.1', () => order.push('sent'))
      setImmediate(() => {
        order.push('immediate')
        resolve()
      })
    })
    t.deepEqual(order, ['sent', 'sent', 'immediate'], `round ${round}`)
  }
})

both('a lookup that answers something not an IP: the send callback gets EINVAL with the host name and port', async (t, dgram) => {
  const s = socket(t, dgram, {
    type: 'udp4',
    lookup: ((host: string, _family: unknown, callback: (e: null, a: string, f: number) => void) =>
      callback(null, host === 'peer.invalid' ? '999.1.1.1' : host, 4)) as never,
  })
  // This lookup answers at once: 'listening' comes inside bind().
  const ready = listening(s)
  s.bind(0, '127.0.0.1')
  await ready
  const error = await new Promise<Error | null>((resolve) => s.send('x', 4321, 'peer.invalid', (e) => resolve(e)))
  t.like(shape(error), { code: 'EINVAL', syscall: 'send', address: 'peer.invalid', port: 4321, message: 'send EINVAL peer.invalid:4321' })
})

type UvSocket = ReturnType<typeof uvDgram.createSocket>

async function uvBound(t: ExecutionContext, type: 'udp4' | 'udp6' = 'udp4'): Promise<UvSocket> {
  const s = uvDgram.createSocket(type)
  t.teardown(() => {
    try {
      s.close()
    } catch {
      // closed
    }
  })
  s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1')
  await listening(s as never)
  return s
}

test('uv-udp/dgram: sendMany checks its argument and each message: arrays, ports, addresses', async (t) => {
  const s = await uvBound(t)
  t.deepEqual(thrown(t, () => s.sendMany('x' as never)), { name: 'TypeError', message: 'messages must be an array' })
  t.deepEqual(thrown(t, () => s.sendMany([['a', 1], 'b'] as never)), { name: 'TypeError', message: 'messages[1] must be an array [msg, port?, address?]' })
  t.like(thrown(t, () => s.sendMany([['a', 0]])), { code: 'ERR_SOCKET_BAD_PORT', message: 'Port should be > 0 and < 65536. Received type number (0).' })
  t.like(thrown(t, () => s.trySend('a', 0)), { code: 'ERR_SOCKET_BAD_PORT', message: 'Port should be > 0 and < 65536. Received type number (0).' })
  t.like(thrown(t, () => s.sendMany([['a', 1, 5 as never]])), { code: 'ERR_INVALID_ARG_TYPE', message: 'The "address" argument must be of type string. Received type number (5)' })
  t.like(thrown(t, () => s.trySend('a', 1, 5 as never)), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('uv-udp/dgram: sendMany to peers in turn sends each message to its own peer', async (t) => {
  const tx = await uvBound(t)
  const got = new Map<number, string[]>()
  const ports: number[] = []
  for (let i = 0; i < 2; i++) {
    const rx = await uvBound(t)
    const port = rx.address().port
    got.set(port, [])
    rx.on('message', (msg) => got.get(port)?.push(msg.toString()))
    ports.push(port)
  }
  t.is(tx.sendMany([['a1', ports[0]], ['a2', ports[0], '127.0.0.1'], ['b1', ports[1], '127.0.0.1'], ['b2', ports[1]], ['a3', ports[0]]]), 5)
  await until(() => [...got.values()].flat().length >= 5, 3000, 'five datagrams')
  t.deepEqual(got.get(ports[0]), ['a1', 'a2', 'a3'])
  t.deepEqual(got.get(ports[1]), ['b1', 'b2'])
})

test('uv-udp/dgram: a connected socket refuses a port or an address alone in trySend and sendMany', async (t) => {
  const rx = await uvBound(t)
  const s = await uvBound(t)
  s.connect(rx.address().port, '127.0.0.1')
  await nextEvent(s as never, ['connect'])
  t.like(thrown(t, () => s.trySend('a', rx.address().port)), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
  t.like(thrown(t, () => s.sendMany([['a', undefined, '127.0.0.1']])), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
  t.is(s.sendMany([['a']]), 1)
})

test('uv-udp/dgram: an udp6 socket trySends to ::1 when no address is given', async (t) => {
  const rx = await uvBound(t, 'udp6')
  const got: string[] = []
  rx.on('message', (msg) => got.push(msg.toString()))
  const tx = await uvBound(t, 'udp6')
  t.is(tx.trySend('six', rx.address().port), 3)
  t.is(tx.sendMany([['six2', rx.address().port]]), 1)
  await until(() => got.length === 2, 3000, 'two datagrams')
  t.deepEqual(got, ['six', 'six2'])
})

test('uv-udp/dgram: a datagram too large for UDP: sendMany and trySend throw EMSGSIZE with syscall send', async (t) => {
  const s = await uvBound(t)
  const big = Buffer.alloc(70_000)
  t.like(thrown(t, () => s.sendMany([[big, 9, '127.0.0.1']])), { code: 'EMSGSIZE', syscall: 'send', address: '127.0.0.1', port: 9 })
  t.like(thrown(t, () => s.trySend(big, 9, '127.0.0.1')), { code: 'EMSGSIZE', syscall: 'send', address: '127.0.0.1', port: 9 })
})

test('uv-udp/dgram: trySend and sendMany on an unbound udp6 socket bind it to :: now', async (t) => {
  const rx = await uvBound(t, 'udp6')
  for (const send of [(s: UvSocket) => s.trySend('x', rx.address().port, '::1'), (s: UvSocket) => s.sendMany([['x', rx.address().port, '::1']])]) {
    const tx = uvDgram.createSocket('udp6')
    t.teardown(() => tx.close())
    t.is(send(tx), 1)
    t.is(tx.address().address, '::')
    await nextEvent(tx as never, ['listening'])
  }
})

test('uv-udp/dgram: trySend and sendMany while a bind resolves its host throw EAGAIN (syscall send), as a send that would block', async (t) => {
  const s = uvDgram.createSocket('udp4')
  t.teardown(() => s.close())
  s.bind(0, 'localhost')
  t.like(thrown(t, () => s.trySend('x', 9, '127.0.0.1')), { code: 'EAGAIN', syscall: 'send', address: '127.0.0.1', port: 9, message: 'send EAGAIN 127.0.0.1:9' })
  t.like(thrown(t, () => s.sendMany([['x', 9, '127.0.0.1']])), { code: 'EAGAIN', syscall: 'send', address: '127.0.0.1', port: 9 })
  await nextEvent(s as never, ['listening'])
})
