/** connect / disconnect / remoteAddress, sends on a connected socket, connect errors. */
import { bound, both, listening, nextEvent, receiver, shape, sleep, socket, thrown, until } from './support.js'

both('connect(port, address, callback): binds first, then connect; remoteAddress is the peer', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const s = socket(t, dgram)
  const order: string[] = []
  s.on('listening', () => order.push('listening'))
  s.on('connect', () => order.push('connect'))
  const returned = s.connect(rx.port, '127.0.0.1', () => order.push('callback'))
  t.is(returned, undefined)
  await until(() => order.length === 3, 3000, 'connect')
  t.deepEqual(order, ['listening', 'connect', 'callback'])
  t.deepEqual(s.remoteAddress(), { address: '127.0.0.1', family: 'IPv4', port: rx.port })
})

both('connect(port) goes to the loopback; connect(port, callback) too', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const a = socket(t, dgram)
  a.connect(rx.port)
  await nextEvent(a, ['connect'])
  t.is(a.remoteAddress().address, '127.0.0.1')
  const b = socket(t, dgram, 'udp6')
  await new Promise<void>((resolve) => b.connect(9, () => resolve()))
  t.deepEqual(b.remoteAddress(), { address: '::1', family: 'IPv6', port: 9 })
})

both('a connected socket sends without an address, in every form', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const s = socket(t, dgram)
  s.connect(rx.port, '127.0.0.1')
  await nextEvent(s, ['connect'])
  const results: unknown[] = []
  s.send('one', (error, bytes) => results.push([error, bytes]))
  s.send(Buffer.from('xtwox'), 1, 3, (error, bytes) => results.push([error, bytes]))
  s.send(['th', 'ree'])
  s.send(Buffer.from('four'), 0, 4)
  await until(() => rx.got.length === 4 && results.length === 2, 3000, 'four datagrams')
  t.deepEqual(rx.got.map((d) => d.text), ['one', 'two', 'three', 'four'])
  t.deepEqual(results, [[null, 3], [null, 3]])
})

both('sending with an address on a connected socket throws ERR_SOCKET_DGRAM_IS_CONNECTED', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const s = socket(t, dgram)
  s.connect(rx.port, '127.0.0.1')
  await nextEvent(s, ['connect'])
  const expected = { name: 'Error', code: 'ERR_SOCKET_DGRAM_IS_CONNECTED', message: 'Already connected' }
  t.deepEqual(thrown(t, () => s.send(Buffer.from('x'), 0, 1, rx.port, '127.0.0.1')), expected)
  t.deepEqual(thrown(t, () => s.send(Buffer.from('x'), 0, 1, rx.port)), expected)
  // As in Node, send(msg, port, address) on a connected socket reads the
  // port as a callback (not a function, so none) and sends to the peer.
  s.send('quirk', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'quirk')
  t.deepEqual(thrown(t, () => s.connect(rx.port)), expected)
})

both('connecting twice while the first is under way throws ERR_SOCKET_DGRAM_IS_CONNECTED', (t, dgram) => {
  const s = socket(t, dgram)
  s.connect(9, '127.0.0.1')
  t.like(thrown(t, () => s.connect(9, '127.0.0.1')), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
})

both('disconnect: sends need an address again; remoteAddress throws ERR_SOCKET_DGRAM_NOT_CONNECTED', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  s.connect(rx.port, '127.0.0.1')
  await nextEvent(s, ['connect'])
  s.disconnect()
  const expected = { name: 'Error', code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED', message: 'Not connected' }
  t.deepEqual(thrown(t, () => s.remoteAddress()), expected)
  t.deepEqual(thrown(t, () => s.disconnect()), expected)
  t.like(thrown(t, () => s.send('x')), { code: 'ERR_SOCKET_BAD_PORT' })
  s.send('after', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'after')
  // And it may connect again.
  s.connect(rx.port, '127.0.0.1')
  await nextEvent(s, ['connect'])
  t.is(s.remoteAddress().port, rx.port)
})

both('remoteAddress and disconnect before connect throw ERR_SOCKET_DGRAM_NOT_CONNECTED', (t, dgram) => {
  const s = socket(t, dgram)
  t.like(thrown(t, () => s.remoteAddress()), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' })
  t.like(thrown(t, () => s.disconnect()), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' })
})

both('connect checks the port and the address type', (t, dgram) => {
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.connect(0)), {
    name: 'RangeError',
    code: 'ERR_SOCKET_BAD_PORT',
    message: 'Port should be > 0 and < 65536. Received type number (0).',
  })
  t.deepEqual(thrown(t, () => s.connect(1234, 5 as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "address" argument must be of type string. Received type number (5)',
  })
})

both('a connect that fails: the callback gets the error, or error is emitted; the socket stays disconnected', async (t, dgram) => {
  const failure = new Error('lookup failed')
  const lookup = (host: string, family: number, cb: (err: Error | null, address: string, family: number) => void) =>
    process.nextTick(() => (host === 'bad.example' ? cb(failure, '', 0) : cb(null, host, family)))
  const s = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  s.bind(0, '127.0.0.1')
  await listening(s)
  const viaCallback = await new Promise<unknown>((resolve) => s.connect(1234, 'bad.example', ((error: unknown) => resolve(error)) as () => void))
  t.is(viaCallback, failure)
  t.is(s.listenerCount('connect'), 0)
  s.connect(1234, 'bad.example')
  const { event, args } = await nextEvent(s, ['error', 'connect'])
  t.is(event, 'error')
  t.is(args[0], failure)
  t.like(thrown(t, () => s.remoteAddress()), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' })
})

both('connecting a udp4 socket to an IPv6 address is EINVAL', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  s.connect(1234, '::1')
  const { event, args } = await nextEvent(s, ['error', 'connect'])
  t.is(event, 'error')
  t.deepEqual(shape(args[0]), {
    name: 'Error',
    message: 'connect EINVAL ::1:1234',
    code: 'EINVAL',
    errno: -22,
    syscall: 'connect',
    address: '::1',
    port: 1234,
  })
})

both('a connected socket only hears its peer', async (t, dgram) => {
  const peer = await receiver(t, dgram)
  const other = socket(t, dgram)
  other.bind(0, '127.0.0.1')
  await listening(other)
  const s = socket(t, dgram)
  const got: string[] = []
  s.on('message', (msg) => got.push(msg.toString()))
  s.bind(0, '127.0.0.1')
  await listening(s)
  s.connect(peer.port, '127.0.0.1')
  await nextEvent(s, ['connect'])
  other.send('stranger', s.address().port, '127.0.0.1')
  peer.socket.send('peer', s.address().port, '127.0.0.1')
  await until(() => got.length >= 1, 3000, "the peer's datagram")
  await sleep(30)
  t.deepEqual(got, ['peer'])
})

// Node hands any truthy callback to once('connect', ...), after it marked
// the socket connecting: one that is no function throws there, nothing
// connects, and the socket stays connecting.
both('connect(port, address, 5) on a bound socket throws ERR_INVALID_ARG_TYPE; nothing connects, the socket stays connecting', async (t, dgram) => {
  const s = await bound(t, dgram)
  const error = thrown(t, () => s.connect(9, '127.0.0.1', 5 as unknown as () => void))
  t.like(error, { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: 'The "listener" argument must be of type function. Received type number (5)' })
  await sleep(50)
  t.like(thrown(t, () => s.remoteAddress()), { code: 'ERR_SOCKET_DGRAM_NOT_CONNECTED' })
  t.like(thrown(t, () => s.connect(9, '127.0.0.1')), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
})

// Node marks the socket connecting before its implicit bind, which throws
// on a closed socket: a second connect() finds it connecting.
both('connect() on a closed socket never bound: ERR_SOCKET_DGRAM_NOT_RUNNING, then ERR_SOCKET_DGRAM_IS_CONNECTED', (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.close()
  t.like(thrown(t, () => s.connect(9, '127.0.0.1')), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
  t.like(thrown(t, () => s.connect(9, '127.0.0.1')), { code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })
})
