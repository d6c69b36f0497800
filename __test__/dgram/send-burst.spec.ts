/**
 * Sends made in one tick (a burst): node:dgram tries each at once
 * (uv_udp_try_send) and calls its callback on the next tick; uv-udp/dgram
 * sends the leading ones of a burst together (try_send_many) and must
 * keep every order and outcome node:dgram has.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { constants } from 'node:os'

import { both, receiver, shape, socket, until } from './support.js'

type Entry = string | [index: number, error: Record<string, unknown> | null, bytes: number]

both('a burst: each callback (null, size) on a later tick, in call order, after a tick queued right after the sends; nothing counted as queued', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const log: Entry[] = []
  const sizes = [1, 64, 0, 500, 64, 64, 64, 1200, 3, 64]
  for (let i = 0; i < sizes.length; i++) {
    const payload = Buffer.alloc(sizes[i], i)
    // Every third without a callback.
    if (i % 3 === 2) tx.send(payload, rx.port, '127.0.0.1')
    else tx.send(payload, rx.port, '127.0.0.1', (error, bytes) => log.push([i, error && shape(error), bytes]))
  }
  process.nextTick(() => log.push(`tick: ${tx.getSendQueueCount()} queued, ${tx.getSendQueueSize()} bytes`))
  await until(() => log.length === 1 + sizes.filter((_, i) => i % 3 !== 2).length, 3000, 'the callbacks')
  t.deepEqual(log, [
    'tick: 0 queued, 0 bytes',
    ...sizes.flatMap((size, i): Entry[] => (i % 3 === 2 ? [] : [[i, null, size]])),
  ])
  await until(() => rx.got.length === sizes.length, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => [d.bytes.length, d.bytes[0]]), sizes.map((size, i) => [size, size === 0 ? undefined : i]))
})

both('a burst with a datagram too large in the middle: the others are sent, that one gets EMSGSIZE, callbacks in call order', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const log: Entry[] = []
  const sizes = [64, 64, 64, 70_000, 64, 64, 10]
  for (let i = 0; i < sizes.length; i++) {
    tx.send(Buffer.alloc(sizes[i], i), rx.port, '127.0.0.1', (error, bytes) => log.push([i, error && shape(error), bytes]))
  }
  await until(() => log.length === sizes.length, 3000, 'the callbacks')
  t.deepEqual(log.map((entry) => (typeof entry === 'string' ? entry : [entry[0], entry[1] === null ? null : entry[1].code])), [
    [0, null], [1, null], [2, null], [3, 'EMSGSIZE'], [4, null], [5, null], [6, null],
  ])
  t.deepEqual(log[3], [3, {
    name: 'Error',
    message: `send EMSGSIZE 127.0.0.1:${rx.port}`,
    code: 'EMSGSIZE',
    errno: (log[3] as [number, Record<string, unknown>, number])[1].errno,
    syscall: 'send',
    address: '127.0.0.1',
    port: rx.port,
  }, undefined])
  await until(() => rx.got.length === sizes.length - 1, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => d.bytes[0]), [0, 1, 2, 4, 5, 6])
})

both('a burst to two destinations, and a list among single buffers: each receiver gets its datagrams in order', async (t, dgram) => {
  const a = await receiver(t, dgram)
  const b = await receiver(t, dgram)
  const tx = socket(t, dgram)
  let called = 0
  for (let i = 0; i < 12; i++) {
    const to = i % 4 === 1 ? b.port : a.port
    const payload = i === 6 ? [Buffer.from([i]), Buffer.from('list')] : Buffer.from([i])
    tx.send(payload, to, '127.0.0.1', (error) => {
      t.is(error, null)
      called++
    })
  }
  await until(() => called === 12 && a.got.length === 9 && b.got.length === 3, 3000, 'the callbacks and datagrams')
  t.deepEqual(a.got.map((d) => d.bytes.toString('hex')), ['00', '02', '03', '04', '06' + Buffer.from('list').toString('hex'), '07', '08', '0a', '0b'])
  t.deepEqual(b.got.map((d) => d.bytes[0]), [1, 5, 9])
})

both('close() in the tick of a burst: nothing is sent, no callback runs, close is emitted', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  let called = 0
  for (let i = 0; i < 8; i++) tx.send(Buffer.from([i]), rx.port, '127.0.0.1', () => called++)
  const closed = new Promise<void>((resolve) => tx.close(resolve))
  await closed
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.is(called, 0)
  t.is(rx.got.length, 0)
})

both('a list among the sends: nothing is counted as queued, a refused send calls back with the error alone', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await new Promise((resolve) => tx.once('listening', resolve))
  const log: string[] = []
  tx.send([Buffer.from('l'), Buffer.from('ist')], rx.port, '127.0.0.1')
  await new Promise((resolve) => process.nextTick(resolve))
  await new Promise((resolve) => process.nextTick(resolve))
  log.push(`queued ${tx.getSendQueueCount()} ${tx.getSendQueueSize()}`)
  tx.send('a', rx.port, '127.0.0.1', (error, bytes) => log.push(`a ${error === null} ${bytes} queued ${tx.getSendQueueCount()}`))
  tx.send(Buffer.alloc(70_000), rx.port, '127.0.0.1', (...args: unknown[]) => log.push(`big ${(args[0] as NodeJS.ErrnoException).code} ${args.length} argument(s)`))
  tx.send([Buffer.alloc(40_000), Buffer.alloc(40_000)], rx.port, '127.0.0.1', (...args: unknown[]) => log.push(`big list ${(args[0] as NodeJS.ErrnoException).code} ${args.length} argument(s)`))
  await until(() => log.length === 4 && rx.got.length === 2, 3000, 'the callbacks and datagrams')
  t.deepEqual(log, ['queued 0 0', 'a true 1 queued 0', 'big EMSGSIZE 1 argument(s)', 'big list EMSGSIZE 1 argument(s)'])
  t.deepEqual(rx.got.map((d) => d.text), ['list', 'a'])
})

both('connect() between two sends of one tick: the first goes to its address, the second finds the socket connected (EISCONN)', async (t, dgram) => {
  const a = await receiver(t, dgram)
  const b = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await new Promise((resolve) => tx.once('listening', resolve))
  const log: string[] = []
  tx.send('1', a.port, '127.0.0.1', (error, bytes) => log.push(`1 ${error ? (error as NodeJS.ErrnoException).code : bytes}`))
  tx.connect(b.port, '127.0.0.1', () => log.push('connect'))
  tx.send('2', a.port, '127.0.0.1', (error, bytes) => log.push(`2 ${error ? (error as NodeJS.ErrnoException).code : bytes}`))
  await until(() => log.length === 3, 3000, 'the callbacks')
  t.deepEqual(log, ['1 1', 'connect', '2 EISCONN'])
  tx.send('3', (error) => t.is(error, null))
  await until(() => a.got.length === 1 && b.got.length === 1, 3000, 'the datagrams')
  t.deepEqual([a.got.map((d) => d.text), b.got.map((d) => d.text)], [['1'], ['3']])
})

both('a detached view: alone it is an empty datagram (its length read when sent); in a list, send() throws V8\'s TypeError', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await new Promise((resolve) => tx.once('listening', resolve))
  const detached = () => {
    const view = new Uint8Array(5)
    structuredClone(view.buffer, { transfer: [view.buffer] })
    return view
  }
  const log: string[] = []
  tx.send(detached(), rx.port, '127.0.0.1', (error, bytes) => log.push(`alone ${error ? (error as NodeJS.ErrnoException).code : bytes}`))
  // Detached after send(), before its tick: sent as it is then.
  const later = new Uint8Array([1, 2, 3, 4, 5])
  tx.send(later, rx.port, '127.0.0.1', (error, bytes) => log.push(`later ${error ? (error as NodeJS.ErrnoException).code : bytes}`))
  structuredClone(later.buffer, { transfer: [later.buffer] })
  t.throws(() => tx.send(['a', detached()], rx.port, '127.0.0.1'), { instanceOf: TypeError, message: 'Cannot perform Construct on a detached ArrayBuffer' })
  await until(() => log.length === 2 && rx.got.length === 2, 3000, 'the callbacks and datagrams')
  t.deepEqual(log, ['alone 0', 'later 0'])
  t.deepEqual(rx.got.map((d) => d.bytes.length), [0, 0])
})

both('a lookup that answers something that is no address: EINVAL to the callback, nothing sent', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const answers: Record<string, string> = { 'empty.test': '', 'broadcast.test': '<broadcast>' }
  const lookup = (host: string, _options: unknown, callback: (error: Error | null, address: string, family: number) => void) => {
    process.nextTick(callback, null, host in answers ? answers[host] : '127.0.0.1', 4)
  }
  const tx = dgram.createSocket({ type: 'udp4', lookup } as never)
  t.teardown(() => tx.close())
  tx.bind(0, '127.0.0.1')
  await new Promise((resolve) => tx.once('listening', resolve))
  const log: unknown[] = []
  for (const host of Object.keys(answers)) {
    tx.send('x', rx.port, host, (...args: unknown[]) => log.push([host, args.length, shape(args[0])]))
  }
  tx.send('after', rx.port, 'other.test')
  await until(() => log.length === 2 && rx.got.length === 1, 3000, 'the callbacks and the last datagram')
  t.deepEqual(log, Object.keys(answers).map((host) => [host, 1, { name: 'Error', message: `send EINVAL ${host}:${rx.port}`, code: 'EINVAL', errno: -constants.errno.EINVAL, syscall: 'send', address: host, port: rx.port }]))
  t.deepEqual(rx.got.map((d) => d.text), ['after'])
})

both('each send callback sees its own send\'s async context (AsyncLocalStorage), in a burst and on a connected socket', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await new Promise((resolve) => tx.once('listening', resolve))
  const als = new AsyncLocalStorage<string>()
  const seen: string[] = []
  const callback = (tag: string) => () => seen.push(`${tag} sees ${als.getStore() ?? 'none'}`)
  als.run('req-1', () => tx.send('a', rx.port, '127.0.0.1', callback('a')))
  als.run('req-2', () => tx.send('b', rx.port, '127.0.0.1', callback('b')))
  tx.send('c', rx.port, '127.0.0.1', callback('c'))
  await until(() => seen.length === 3, 3000, 'the burst\'s callbacks')
  const connected = socket(t, dgram)
  connected.connect(rx.port, '127.0.0.1')
  await new Promise((resolve) => connected.once('connect', resolve))
  als.run('req-3', () => connected.send('d', callback('d')))
  connected.send('e', callback('e'))
  await until(() => seen.length === 5, 3000, 'the connected socket\'s callbacks')
  t.deepEqual(seen, ['a sees req-1', 'b sees req-2', 'c sees none', 'd sees req-3', 'e sees none'])
})
