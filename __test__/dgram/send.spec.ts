/** send: every overload, the callback, implicit bind, lookups, argument errors, send errors. */
import { both, listening, nextEvent, receiver, shape, sleep, socket, thrown, until } from './support.js'

type Callback = (error: Error | null, bytes: number) => void

/** Resolves with the callback's arguments. */
function sent(): { callback: Callback; done: Promise<[Error | null, number]> } {
  let callback!: Callback
  const done = new Promise<[Error | null, number]>((resolve) => {
    callback = (error, bytes) => resolve([error, bytes])
  })
  return { callback, done }
}

both('send(string | Buffer | TypedArray | DataView, port, address, callback): bytes exact, callback (null, size)', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const u16 = new Uint16Array([0x0102, 0x0304])
  const view = new DataView(new ArrayBuffer(6), 1, 3)
  view.setUint8(0, 9)
  const payloads: [unknown, Buffer][] = [
    ['héllo', Buffer.from('héllo')],
    [Buffer.from([0, 1, 2, 255]), Buffer.from([0, 1, 2, 255])],
    [u16, Buffer.from(u16.buffer)],
    [view, Buffer.from([9, 0, 0])],
  ]
  const results: [Error | null, number][] = []
  for (const [payload] of payloads) {
    const { callback, done } = sent()
    tx.send(payload as Buffer, rx.port, '127.0.0.1', callback)
    results.push(await done)
  }
  t.deepEqual(results, payloads.map(([, bytes]) => [null, bytes.length] as [null, number]))
  await until(() => rx.got.length === payloads.length, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => d.bytes.toString('hex')), payloads.map(([, bytes]) => bytes.toString('hex')))
})

both('send(buffer, offset, length, port, address, callback) sends the slice', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const { callback, done } = sent()
  tx.send(Buffer.from('0123456789'), 2, 5, rx.port, '127.0.0.1', callback)
  t.deepEqual(await done, [null, 5])
  tx.send('abcdef', 1, 2, rx.port, '127.0.0.1')
  tx.send(new Uint8Array([1, 2, 3, 4]), 3, 1, rx.port)
  await until(() => rx.got.length === 3, 3000, 'three datagrams')
  t.deepEqual(rx.got.map((d) => d.bytes.toString('hex')), [Buffer.from('23456').toString('hex'), Buffer.from('bc').toString('hex'), '04'])
  // An offset at the very end with length 0 is an empty datagram, not out of bounds.
  const end = sent()
  tx.send(Buffer.from('0123'), 4, 0, rx.port, '127.0.0.1', end.callback)
  t.deepEqual(await end.done, [null, 0])
  // The slice is a view: bytes changed before the send's tick are the ones sent.
  const buffer = Buffer.from('abcdef')
  tx.send(buffer, 1, 4, rx.port, '127.0.0.1')
  buffer.write('WXYZ', 1)
  await until(() => rx.got.length === 5, 3000, 'five datagrams')
  t.deepEqual(rx.got.slice(3).map((d) => d.bytes.toString()), ['', 'WXYZ'])
})

both('send(list, port, address) gathers the parts into one datagram', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const { callback, done } = sent()
  tx.send(['ab', Buffer.from('cd'), new Uint8Array([0x65])], rx.port, '127.0.0.1', callback)
  t.deepEqual(await done, [null, 5])
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'abcde')
})

both('an empty list, an empty string and an empty Buffer send empty datagrams', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const { callback, done } = sent()
  tx.send([], rx.port, '127.0.0.1', callback)
  t.deepEqual(await done, [null, 0])
  tx.send('', rx.port, '127.0.0.1')
  tx.send(Buffer.alloc(0), rx.port, '127.0.0.1')
  await until(() => rx.got.length === 3, 3000, 'three empty datagrams')
  t.deepEqual(rx.got.map((d) => [d.bytes.length, d.rinfo.size]), [[0, 0], [0, 0], [0, 0]])
})

both('send(msg, port) and send(msg, port, callback) go to the loopback of the socket family', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const { callback, done } = sent()
  tx.send('one', rx.port, callback)
  t.deepEqual(await done, [null, 3])
  tx.send('two', rx.port)
  const rx6 = await receiver(t, dgram, 'udp6')
  const tx6 = socket(t, dgram, 'udp6')
  tx6.send('six', rx6.port)
  await until(() => rx.got.length === 2 && rx6.got.length === 1, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => d.text), ['one', 'two'])
  t.is(rx6.got[0].rinfo.address, '::1')
})

both('a port given as a numeric string is accepted', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.send('str port', String(rx.port) as unknown as number, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'str port')
})

both('sending from an unbound socket binds it first: listening, then the send callback', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const order: string[] = []
  tx.on('listening', () => order.push('listening'))
  tx.send('a', rx.port, '127.0.0.1', () => order.push('sent a'))
  tx.send('b', rx.port, '127.0.0.1', () => order.push('sent b'))
  t.deepEqual(order, [])
  await until(() => order.length === 3, 3000, 'both sends')
  t.deepEqual(order, ['listening', 'sent a', 'sent b'])
  t.is(tx.address().address, '0.0.0.0')
  await until(() => rx.got.length === 2, 3000, 'the datagrams')
  t.deepEqual(rx.got.map((d) => d.text), ['a', 'b'])
  t.is(rx.got[0].rinfo.port, tx.address().port)
})

both('datagrams arrive in send order', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  for (let i = 0; i < 100; i++) tx.send(String(i), rx.port, '127.0.0.1')
  await until(() => rx.got.length === 100, 5000, '100 datagrams')
  t.deepEqual(rx.got.map((d) => Number(d.text)), Array.from({ length: 100 }, (_, i) => i))
})

both('a host name is resolved with dns.lookup; the lookup option replaces it', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const { callback, done } = sent()
  tx.send('by name', rx.port, 'localhost', callback)
  t.deepEqual(await done, [null, 7])
  const asked: unknown[] = []
  const lookup = (host: string, family: unknown, cb: (err: Error | null, address: string, family: number) => void) => {
    asked.push([host, family])
    process.nextTick(cb, null, '127.0.0.1', 4)
  }
  const custom = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  custom.bind(0, '127.0.0.1')
  await listening(custom)
  custom.send('custom', rx.port, 'peer.example')
  custom.send('literal', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 3, 3000, 'the datagrams')
  t.deepEqual(asked, [['127.0.0.1', 4], ['peer.example', 4], ['127.0.0.1', 4]], 'bind and every send ask the lookup option, literals too')
  t.deepEqual(rx.got.map((d) => d.text).sort(), ['by name', 'custom', 'literal'])
})

both('a lookup error goes to the callback, or is emitted as error without one', async (t, dgram) => {
  const failure = new Error('no such host')
  const lookup = (_host: string, _family: unknown, cb: (err: Error | null, address: string, family: number) => void) =>
    process.nextTick(cb, failure, '', 0)
  const s = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  s.bind(0, '127.0.0.1')
  // The bind resolved '127.0.0.1' through the failing lookup: error.
  const bindOutcome = await nextEvent(s, ['error', 'listening'])
  t.is(bindOutcome.event, 'error')
  const ok = socket(t, dgram, { type: 'udp4', lookup: ((host: string, family: number, cb: (e: Error | null, a: string, f: number) => void) =>
    process.nextTick(() => (host === 'bad.example' ? cb(failure, '', 0) : cb(null, '127.0.0.1', family)))) as never })
  ok.bind(0, '127.0.0.1')
  await listening(ok)
  const { callback, done } = sent()
  ok.send('x', 1234, 'bad.example', callback)
  const [error] = await done
  t.is(error, failure)
  ok.send('x', 1234, 'bad.example')
  const { event, args } = await nextEvent(ok, ['error'])
  t.is(event, 'error')
  t.is(args[0], failure)
})

// Node tests a lookup's error with `if (err)`: undefined (or any falsy
// value) is success, for the bind, a send and a connect alike.
both('a lookup option answering cb(undefined, ip) succeeds: bind, send and connect', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const lookup = (_host: string, _family: unknown, cb: (err: undefined, address: string, family: number) => void) =>
    process.nextTick(cb, undefined, '127.0.0.1', 4)
  const s = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  const errors: unknown[] = []
  s.on('error', (error) => errors.push(error))
  s.bind(0, 'peer.example')
  await listening(s)
  const { callback, done } = sent()
  s.send('to peer', rx.port, 'peer.example', callback)
  t.deepEqual(await done, [null, 7])
  s.send('no callback', rx.port, 'peer.example')
  const connected = new Promise<unknown[]>((resolve) => s.connect(rx.port, 'peer.example', (...args: unknown[]) => resolve(args)))
  t.deepEqual(await connected, [])
  t.is(s.remoteAddress().port, rx.port)
  await until(() => rx.got.length === 2, 3000, 'both datagrams')
  t.deepEqual(rx.got.map((d) => d.text).sort(), ['no callback', 'to peer'])
  t.deepEqual(errors, [])
})

both('an IPv6 destination on a udp4 socket is EINVAL, to the callback', async (t, dgram) => {
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  const { callback, done } = sent()
  tx.send('x', 1234, '::1', callback)
  const [error] = await done
  t.like(shape(error), { name: 'Error', code: 'EINVAL', syscall: 'send', address: '::1', port: 1234, message: 'send EINVAL ::1:1234' })
})

both('a send error without a callback is not reported', async (t, dgram) => {
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  const errors: unknown[] = []
  tx.on('error', (error) => errors.push(error))
  tx.send('x', 1234, '::1')
  await sleep(50)
  t.deepEqual(errors, [])
})

both('a datagram too large for UDP: EMSGSIZE to the callback', async (t, dgram) => {
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  const { callback, done } = sent()
  tx.send(Buffer.alloc(70000), 1234, '127.0.0.1', callback)
  const [error] = await done
  t.like(shape(error), { code: 'EMSGSIZE', syscall: 'send', address: '127.0.0.1', port: 1234, message: 'send EMSGSIZE 127.0.0.1:1234' })
})

both('bad ports throw ERR_SOCKET_BAD_PORT with Node\'s message', (t, dgram) => {
  const s = socket(t, dgram)
  const cases: [unknown, string][] = [
    [0, 'type number (0)'],
    [65536, 'type number (65536)'],
    [-1, 'type number (-1)'],
    [1.5, 'type number (1.5)'],
    ['', "type string ('')"],
    [' ', "type string (' ')"],
    [true, 'type boolean (true)'],
    [{}, 'an instance of Object'],
  ]
  for (const [port, received] of cases) {
    t.deepEqual(
      thrown(t, () => s.send('x', port as number, '127.0.0.1')),
      { name: 'RangeError', code: 'ERR_SOCKET_BAD_PORT', message: `Port should be > 0 and < 65536. Received ${received}.` },
      String(port),
    )
  }
  t.deepEqual(thrown(t, () => s.send('x')), {
    name: 'RangeError',
    code: 'ERR_SOCKET_BAD_PORT',
    message: 'Port should be > 0 and < 65536. Received undefined.',
  })
})

both('a message of the wrong type throws ERR_INVALID_ARG_TYPE', (t, dgram) => {
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.send(5 as never, 1234, '127.0.0.1')), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "buffer" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received type number (5)',
  })
  t.deepEqual(thrown(t, () => s.send(new ArrayBuffer(4) as never, 1234)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "buffer" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received an instance of ArrayBuffer',
  })
  // The same with an offset and a length (Node's sliceBuffer).
  t.deepEqual(thrown(t, () => s.send(5 as never, 0, 1, 1234, '127.0.0.1')), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "buffer" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received type number (5)',
  })
  t.deepEqual(thrown(t, () => s.send(['a', 5] as never, 1234)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "buffer list arguments" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received an instance of Array',
  })
  t.deepEqual(thrown(t, () => s.send('x', 1234, 5 as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "address" argument must be of type string. Received type number (5)',
  })
  t.deepEqual(thrown(t, () => s.send('x', 1234, {} as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "address" argument must be of type string. Received an instance of Object',
  })
})

both('offset and length outside the buffer throw ERR_BUFFER_OUT_OF_BOUNDS', (t, dgram) => {
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.send(Buffer.alloc(4), 5, 0, 1234, '127.0.0.1')), {
    name: 'RangeError',
    code: 'ERR_BUFFER_OUT_OF_BOUNDS',
    message: '"offset" is outside of buffer bounds',
  })
  t.deepEqual(thrown(t, () => s.send(Buffer.alloc(4), 2, 3, 1234, '127.0.0.1')), {
    name: 'RangeError',
    code: 'ERR_BUFFER_OUT_OF_BOUNDS',
    message: '"length" is outside of buffer bounds',
  })
})

both('send on a closed socket throws ERR_SOCKET_DGRAM_NOT_RUNNING', (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.close()
  t.deepEqual(thrown(t, () => s.send('x', 1234, '127.0.0.1')), { name: 'Error', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' })
})

both('close right after send: the send is dropped, its callback never runs, close is emitted', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  let called = false
  tx.send('dropped', rx.port, '127.0.0.1', () => {
    called = true
  })
  tx.close()
  await nextEvent(tx, ['close'])
  await sleep(50)
  t.false(called)
  t.deepEqual(rx.got, [])
})

both('a send queued behind a bind that fails is dropped with it', async (t, dgram) => {
  const first = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const errors: unknown[] = []
  tx.on('error', (error) => errors.push(shape(error)))
  tx.bind(first.port, '127.0.0.1')
  let called = false
  tx.send('queued', first.port, '127.0.0.1', () => {
    called = true
  })
  await sleep(50)
  t.is(errors.length, 1)
  t.like(errors[0] as object, { code: 'EADDRINUSE' })
  t.false(called)
  t.deepEqual(first.got, [])
})

both('getSendQueueSize and getSendQueueCount are 0 when nothing waits', async (t, dgram) => {
  const tx = socket(t, dgram)
  t.is(tx.getSendQueueSize(), 0)
  t.is(tx.getSendQueueCount(), 0)
  const { callback, done } = sent()
  tx.send('x', 9, '127.0.0.1', callback)
  await done
  t.is(tx.getSendQueueSize(), 0)
  t.is(tx.getSendQueueCount(), 0)
})

both('a send dropped with a failed bind stays dropped when the socket binds again', async (t, dgram) => {
  const first = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const errors: unknown[] = []
  tx.on('error', (error) => errors.push(shape(error)))
  tx.bind(first.port, '127.0.0.1')
  tx.send('dropped', first.port, '127.0.0.1')
  await sleep(50)
  t.is(errors.length, 1)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  tx.send('sent', first.port, '127.0.0.1')
  await until(() => first.got.length >= 1, 3000, 'the second send')
  await sleep(50)
  t.deepEqual(first.got.map((d) => d.text), ['sent'])
})

// Node's fixBufferList reads the list's length once: a part's getter that
// grows the list adds nothing to the datagram, one that shrinks it leaves
// an undefined part, ERR_INVALID_ARG_TYPE thrown by send() itself, bound
// or not (on an unbound socket the send would otherwise wait for the bind).
both('a list is read as Node reads it: its length once, a part that becomes undefined throws at once', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  for (const bindFirst of [true, false]) {
    const tx = socket(t, dgram)
    if (bindFirst) await listening(tx.bind(0, '127.0.0.1'))
    const growing = ['a']
    Object.defineProperty(growing, 0, { get: () => (growing.push('zz'), 'a'), enumerable: true })
    const { callback, done } = sent()
    tx.send(growing, rx.port, '127.0.0.1', callback)
    t.deepEqual(await done, [null, 1], `growing, bound first: ${bindFirst}`)
    const shrinking = ['a', 'b', 'c']
    Object.defineProperty(shrinking, 0, { get: () => ((shrinking.length = 1), 'a'), enumerable: true, configurable: true })
    t.like(thrown(t, () => tx.send(shrinking, rx.port, '127.0.0.1')), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }, `shrinking, bound first: ${bindFirst}`)
  }
  await until(() => rx.got.length === 2, 3000, 'the two datagrams of the growing lists')
  t.deepEqual(rx.got.map((d) => d.text), ['a', 'a'])
  await sleep(50)
  t.is(rx.got.length, 2)
})

// The list holds views of its parts' memory; a part detached after send()
// returned (before the send's tick) reads as 0 bytes when it is sent.
both('a list part detached after send() returned is sent as 0 bytes', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  await listening(tx.bind(0, '127.0.0.1'))
  const part = new Uint8Array([65, 66])
  const { callback, done } = sent()
  tx.send([part, 'x'], rx.port, '127.0.0.1', callback)
  structuredClone(part.buffer, { transfer: [part.buffer] })
  t.deepEqual(await done, [null, 1])
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'x')
})

// Node converts offset and length with `x >>> 0`: a BigInt throws V8's TypeError.
both('an offset or length that is a BigInt throws TypeError (no code)', (t, dgram) => {
  const tx = socket(t, dgram)
  for (const [offset, length] of [[1n, 2], [1, 2n]]) {
    const error = thrown(t, () => tx.send(Buffer.from('abcd'), offset as unknown as number, length as unknown as number, 1234, '127.0.0.1'))
    t.deepEqual(error, { name: 'TypeError', message: 'Cannot mix BigInt and other types, use explicit conversions' })
  }
})

// Node's legacy sendto: offset, length and port must be numbers, the
// address a string (ERR_INVALID_ARG_TYPE), then it is send().
both('sendto(buffer, offset, length, port, address, callback): its arguments checked, then sent', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram) as ReturnType<typeof dgram.createSocket> & { sendto(...args: unknown[]): void }
  t.like(thrown(t, () => tx.sendto(Buffer.from('abc'), 0, 3, String(rx.port), '127.0.0.1')), { code: 'ERR_INVALID_ARG_TYPE', message: `The "port" argument must be of type number. Received type string ('${rx.port}')` })
  t.like(thrown(t, () => tx.sendto(Buffer.from('abc'), '0', 3, rx.port, '127.0.0.1')), { code: 'ERR_INVALID_ARG_TYPE', message: `The "offset" argument must be of type number. Received type string ('0')` })
  t.like(thrown(t, () => tx.sendto(Buffer.from('abc'), 0, 3, rx.port)), { code: 'ERR_INVALID_ARG_TYPE', message: 'The "address" argument must be of type string. Received undefined' })
  const { callback, done } = sent()
  tx.sendto(Buffer.from('abcdef'), 1, 3, rx.port, '127.0.0.1', callback)
  t.deepEqual(await done, [null, 3])
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.is(rx.got[0].text, 'bcd')
})

// validatePort lets a string that reads as 0 through ('0' is not 0), and
// Node hands its handle the address only `if (port)`: the send goes as if
// connected, EDESTADDRREQ on a socket that is not.
both("send(msg, '0' | '-0' | '0.0', address, callback) on an unconnected socket: EDESTADDRREQ to the callback", async (t, dgram) => {
  const tx = socket(t, dgram)
  await listening(tx.bind(0, '127.0.0.1'))
  for (const port of ['0', '-0', '0.0']) {
    const { callback, done } = sent()
    tx.send('x', port as unknown as number, '127.0.0.1', callback)
    const [error, bytes] = await done
    t.deepEqual(shape(error), { name: 'Error', message: 'send EDESTADDRREQ 127.0.0.1', code: 'EDESTADDRREQ', errno: -89, syscall: 'send', address: '127.0.0.1' }, port)
    t.is(bytes as number | undefined, undefined)
  }
})
