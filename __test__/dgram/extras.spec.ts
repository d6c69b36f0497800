/**
 * What uv-udp/dgram adds to node:dgram, on the same Socket: trySend,
 * sendMany, and rinfo.local / rinfo.interface with { pktinfo: true }.
 * node:dgram has none of these, so these specs run on uv-udp/dgram alone;
 * the first one pins down that node:dgram indeed lacks them.
 */
import dgram from 'node:dgram'

import test, { type ExecutionContext } from 'ava'

import type { RemoteInfo } from '../../dgram.js'

import { listening, nextEvent, shape, sleep, thrown, until, uvDgram } from './support.js'

type UvSocket = ReturnType<typeof uvDgram.createSocket>

interface Received {
  text: string
  bytes: Buffer
  rinfo: RemoteInfo
}

function uvSocket(t: ExecutionContext, options: Parameters<typeof uvDgram.createSocket>[0] = 'udp4'): UvSocket {
  const s = uvDgram.createSocket(options)
  t.teardown(() => {
    try {
      s.close()
    } catch {
      // closed by the test
    }
  })
  return s
}

async function uvReceiver(t: ExecutionContext, options: Parameters<typeof uvDgram.createSocket>[0] = 'udp4', host = '127.0.0.1') {
  const s = uvSocket(t, options)
  const got: Received[] = []
  s.on('message', (msg, rinfo) => got.push({ text: msg.toString(), bytes: Buffer.from(msg), rinfo }))
  s.bind(0, host)
  await listening(s as never)
  return { socket: s, port: s.address().port, got }
}

test('node:dgram has no trySend or sendMany: they are extras', (t) => {
  const s = dgram.createSocket('udp4')
  t.is((s as unknown as Record<string, unknown>).trySend, undefined)
  t.is((s as unknown as Record<string, unknown>).sendMany, undefined)
  s.close()
})

test('trySend sends at once and returns the bytes sent', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.bind(0, '127.0.0.1')
  await listening(tx as never)
  t.is(tx.trySend('now', rx.port, '127.0.0.1'), 3)
  t.is(tx.trySend(Buffer.from('abcd'), rx.port), 4, 'the loopback when no address is given')
  t.is(tx.trySend(['x', 'yz'], rx.port, '127.0.0.1'), 3, 'a list is one datagram')
  await until(() => rx.got.length === 3, 3000, 'three datagrams')
  t.deepEqual(rx.got.map((d) => d.text), ['now', 'abcd', 'xyz'])
})

test('trySend on an unbound socket binds it now; listening follows on the next tick', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  let listened = false
  tx.on('listening', () => {
    listened = true
  })
  t.is(tx.trySend('first', rx.port, '127.0.0.1'), 5)
  t.false(listened)
  t.is(tx.address().address, '0.0.0.0')
  await nextEvent(tx as never, ['listening'])
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].rinfo.port, tx.address().port)
})

test('trySend and sendMany throw EAGAIN while an earlier send() has not gone out (its tick, a lookup); one that went out does not hold them back', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.bind(0, '127.0.0.1')
  await listening(tx as never)
  let sent = 0
  // A send to an IP literal waits for the next tick (as dgram's lookup):
  // trySend would overtake it.
  tx.send('first', rx.port, '127.0.0.1', () => sent++)
  t.like(thrown(t, () => tx.trySend('x', rx.port, '127.0.0.1')), { code: 'EAGAIN', syscall: 'send', address: '127.0.0.1', port: rx.port })
  t.like(thrown(t, () => tx.sendMany([['x', rx.port, '127.0.0.1']])), { code: 'EAGAIN', syscall: 'send' })
  await until(() => sent === 1, 3000, 'the first callback')
  // A host name waits for its lookup.
  tx.send('named', rx.port, 'localhost', () => sent++)
  t.like(thrown(t, () => tx.trySend('x', rx.port, '127.0.0.1')), { code: 'EAGAIN', syscall: 'send' })
  await until(() => sent === 2, 3000, 'the lookup and its send')
  t.is(tx.trySend('third', rx.port, '127.0.0.1'), 5)

  // On a connected socket send() goes out at once (no lookup): its callback
  // is still due on the next tick, but nothing waits to be overtaken.
  const connected = uvSocket(t)
  connected.connect(rx.port, '127.0.0.1')
  await nextEvent(connected as never, ['connect'])
  let called = false
  connected.send('queued', () => {
    called = true
  })
  t.is(connected.trySend('after'), 5)
  t.false(called, 'the send callback runs on a later tick')
  await until(() => called && rx.got.length === 5, 3000, 'every datagram')
  t.deepEqual(rx.got.map((d) => d.text), ['first', 'named', 'third', 'queued', 'after'])
})

test('trySend takes IP literals only, of the socket family; ports are checked as send checks them', async (t) => {
  const tx = uvSocket(t)
  tx.bind(0, '127.0.0.1')
  await listening(tx as never)
  t.like(thrown(t, () => tx.trySend('x', 1234, 'localhost')), { code: 'EINVAL', syscall: 'send', message: 'send EINVAL localhost:1234' })
  t.like(thrown(t, () => tx.trySend('x', 1234, '::1')), { code: 'EINVAL' })
  t.like(thrown(t, () => tx.trySend('x', 0, '127.0.0.1')), { code: 'ERR_SOCKET_BAD_PORT' })
  t.like(thrown(t, () => tx.trySend(5 as never, 1234, '127.0.0.1')), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('trySend on a connected socket takes no address', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.connect(rx.port, '127.0.0.1')
  await nextEvent(tx as never, ['connect'])
  t.is(tx.trySend('peer'), 4)
  t.like(thrown(t, () => tx.trySend('x', rx.port, '127.0.0.1')), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'peer')
})

test('sendMany sends messages in order and returns how many went', async (t) => {
  const a = await uvReceiver(t)
  const b = await uvReceiver(t)
  const tx = uvSocket(t)
  const messages = [
    ...Array.from({ length: 40 }, (_, i) => [Buffer.from(`a${i}`), a.port, '127.0.0.1'] as const),
    ['to b', b.port] as const,
    [['gath', 'ered'], a.port, '127.0.0.1'] as const,
  ]
  t.is(tx.sendMany(messages), messages.length)
  await until(() => a.got.length === 41 && b.got.length === 1, 3000, 'every datagram')
  t.deepEqual(a.got.map((d) => d.text), [...Array.from({ length: 40 }, (_, i) => `a${i}`), 'gathered'])
  t.is(b.got[0].text, 'to b')
  t.is(tx.sendMany([]), 0)
})

test('sendMany on a connected socket takes [msg] messages', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.connect(rx.port, '127.0.0.1')
  await nextEvent(tx as never, ['connect'])
  t.is(tx.sendMany([[Buffer.from('1')], [Buffer.from('2')]]), 2)
  await until(() => rx.got.length === 2, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => d.text), ['1', '2'])
})

test('sendMany checks every message before sending any', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.bind(0, '127.0.0.1')
  await listening(tx as never)
  t.like(thrown(t, () => tx.sendMany([['ok', rx.port, '127.0.0.1'], ['bad', 0, '127.0.0.1']])), { code: 'ERR_SOCKET_BAD_PORT' })
  t.like(thrown(t, () => tx.sendMany([['ok', rx.port, '127.0.0.1'], [7 as never, rx.port]])), { code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => tx.sendMany('nope' as never), { instanceOf: TypeError })
  await sleep(30)
  t.deepEqual(rx.got, [])
})

test('with { pktinfo: true } rinfo has local (the address sent to) and interface (its index)', async (t) => {
  if (process.platform !== 'linux') return t.pass('pktinfo is Linux only')
  const rx = await uvReceiver(t, { type: 'udp4', pktinfo: true }, '0.0.0.0')
  const tx = uvSocket(t)
  tx.send('where', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  const { rinfo } = rx.got[0]
  t.is(rinfo.local, '127.0.0.1')
  t.is(typeof rinfo.interface, 'number')
  t.true((rinfo.interface ?? 0) > 0)
  t.like(rinfo, { address: '127.0.0.1', family: 'IPv4', size: 5 })
})

test('without pktinfo, rinfo has exactly dgram\'s four keys', async (t) => {
  const rx = await uvReceiver(t)
  const tx = uvSocket(t)
  tx.send('plain', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.deepEqual(Object.keys(rx.got[0].rinfo).sort(), ['address', 'family', 'port', 'size'])
})

test('an extra on a closed socket throws ERR_SOCKET_DGRAM_NOT_RUNNING', (t) => {
  const s = uvDgram.createSocket('udp4')
  s.close()
  t.like(shape(thrownError(() => s.trySend('x', 1234))), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
  t.like(shape(thrownError(() => s.sendMany([['x', 1234]]))), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
})

function thrownError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

test('trySend is not held back for ever by a lookup that threw, nor let through by one that answered twice', async (t) => {
  const rx = await uvReceiver(t)
  const lookup = (host: string, _options: unknown, callback: (error: Error | null, address: string, family: number) => void) => {
    if (host === 'throws.test') throw new Error('lookup failed')
    process.nextTick(callback, null, '127.0.0.1', 4)
    // Answers twice: Node sends twice too.
    if (host === 'twice.test') process.nextTick(callback, null, '127.0.0.1', 4)
  }
  const tx = uvSocket(t, { type: 'udp4', lookup } as never)
  tx.bind(0, '127.0.0.1')
  await listening(tx as never)
  t.throws(() => tx.send('a', rx.port, 'throws.test'), { message: 'lookup failed' })
  t.is(tx.trySend('after a throw', rx.port, '127.0.0.1'), 13)
  tx.send('twice', rx.port, 'twice.test')
  t.like(thrown(t, () => tx.trySend('x', rx.port, '127.0.0.1')), { code: 'EAGAIN' })
  await until(() => rx.got.length === 3, 3000, 'three datagrams')
  t.is(tx.trySend('last', rx.port, '127.0.0.1'), 4)
  await until(() => rx.got.length === 4, 3000, 'the last datagram')
  t.deepEqual(rx.got.map((d) => d.text), ['after a throw', 'twice', 'twice', 'last'])
})

test('trySend and sendMany in a listening callback do not overtake a send() made while the socket was binding', async (t) => {
  const rx = await uvReceiver(t)
  for (const how of ['trySend', 'sendMany'] as const) {
    const tx = uvSocket(t)
    let outcome = ''
    tx.bind(0, '127.0.0.1', () => {
      try {
        if (how === 'trySend') tx.trySend('b', rx.port, '127.0.0.1')
        else tx.sendMany([['b', rx.port, '127.0.0.1']])
        outcome = 'sent'
      } catch (error) {
        outcome = String((error as NodeJS.ErrnoException).code)
      }
    })
    tx.send('a', rx.port, '127.0.0.1')
    await until(() => outcome !== '' && rx.got.length > 0, 3000, `${how}: the send`)
    t.is(outcome, 'EAGAIN', how)
    await sleep(20)
    t.deepEqual(rx.got.map((d) => d.text), ['a'], how)
    rx.got.length = 0
  }
})
