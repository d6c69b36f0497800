/** createSocket and its options: types, checks in Node's order, the listener, the abort signal. */
import { EventEmitter } from 'node:events'

import { both, listening, nextEvent, socket, thrown } from './support.js'

both('createSocket makes an EventEmitter of the given type, unbound', (t, dgram) => {
  const s4 = socket(t, dgram, 'udp4')
  const s6 = socket(t, dgram, { type: 'udp6' })
  t.true(s4 instanceof EventEmitter)
  t.true(s4 instanceof (dgram.Socket as typeof EventEmitter))
  // Node sets `type` on each socket (not in @types/node's declaration).
  t.is((s4 as unknown as { type: string }).type, 'udp4')
  t.is((s6 as unknown as { type: string }).type, 'udp6')
  t.like(thrown(t, () => s4.address()), { name: 'Error', code: 'EBADF', syscall: 'getsockname', message: 'getsockname EBADF' })
})

both('a bad type throws ERR_SOCKET_BAD_TYPE', (t, dgram) => {
  const expected = { name: 'TypeError', code: 'ERR_SOCKET_BAD_TYPE', message: 'Bad socket type specified. Valid types are: udp4, udp6' }
  for (const type of ['udp', 'tcp', '', undefined, 4, null] as unknown[]) {
    t.deepEqual(thrown(t, () => dgram.createSocket(type as 'udp4')), expected, String(type))
  }
  t.deepEqual(thrown(t, () => dgram.createSocket({} as { type: 'udp4' })), expected)
})

both('options are checked as Node checks them: lookup, buffer sizes, signal', (t, dgram) => {
  t.deepEqual(thrown(t, () => dgram.createSocket({ type: 'udp4', lookup: 5 as never })), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "lookup" argument must be of type function. Received type number (5)',
  })
  // lookup is checked before the type, as in Node.
  t.like(thrown(t, () => dgram.createSocket({ type: 'bad' as 'udp4', lookup: 'x' as never })), { code: 'ERR_INVALID_ARG_TYPE' })
  t.deepEqual(thrown(t, () => dgram.createSocket({ type: 'udp4', recvBufferSize: 'big' as never })), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.recvBufferSize" property must be of type number. Received type string (\'big\')',
  })
  t.deepEqual(thrown(t, () => dgram.createSocket({ type: 'udp4', sendBufferSize: 1.5 })), {
    name: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: 'The value of "options.sendBufferSize" is out of range. It must be an integer. Received 1.5',
  })
  t.deepEqual(thrown(t, () => dgram.createSocket({ type: 'udp4', recvBufferSize: -1 })), {
    name: 'RangeError',
    code: 'ERR_OUT_OF_RANGE',
    message: 'The value of "options.recvBufferSize" is out of range. It must be >= 0 && <= 4294967295. Received -1',
  })
  t.deepEqual(thrown(t, () => dgram.createSocket({ type: 'udp4', signal: {} as AbortSignal })), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "options.signal" property must be an instance of AbortSignal. Received an instance of Object',
  })
  // 0 is "not given".
  t.notThrows(() => socket(t, dgram, { type: 'udp4', recvBufferSize: 0, sendBufferSize: 0 }))
})

both('the listener argument becomes a message listener', async (t, dgram) => {
  const got: string[] = []
  const rx = socket(t, dgram, 'udp4', (msg) => got.push(msg.toString()))
  t.is(rx.listenerCount('message'), 1)
  rx.bind(0, '127.0.0.1')
  await listening(rx)
  const tx = socket(t, dgram, 'udp4')
  tx.send('via the listener', rx.address().port, '127.0.0.1')
  await nextEvent(rx, ['message'])
  t.deepEqual(got, ['via the listener'])
})

both('a non-function listener is ignored', (t, dgram) => {
  const s = socket(t, dgram, 'udp4', 'nope' as never)
  t.is(s.listenerCount('message'), 0)
})

both('an already aborted signal closes the socket at once: close on the next tick', async (t, dgram) => {
  const controller = new AbortController()
  controller.abort()
  const s = dgram.createSocket({ type: 'udp4', signal: controller.signal })
  const closed = nextEvent(s, ['close'])
  t.like(thrown(t, () => s.bind(0)), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' })
  await closed
  t.pass()
})

both('aborting the signal later closes a bound socket', async (t, dgram) => {
  const controller = new AbortController()
  const s = dgram.createSocket({ type: 'udp4', signal: controller.signal })
  s.bind(0, '127.0.0.1')
  await listening(s)
  const closed = nextEvent(s, ['close'])
  controller.abort()
  await closed
  t.like(thrown(t, () => s.address()), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
})

both('a socket closed before the abort is left alone by it', async (t, dgram) => {
  const controller = new AbortController()
  const s = dgram.createSocket({ type: 'udp4', signal: controller.signal })
  let closes = 0
  s.on('close', () => closes++)
  s.close()
  await nextEvent(s, ['close']).catch(() => undefined)
  controller.abort()
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.is(closes, 1)
})

both('an abort in the tick of close, before its close event, is left alone too', async (t, dgram) => {
  const controller = new AbortController()
  const s = dgram.createSocket({ type: 'udp4', signal: controller.signal })
  let closes = 0
  s.on('close', () => closes++)
  s.close()
  // The abort listener is still there until 'close'; it must not close again (that would throw).
  controller.abort()
  await nextEvent(s, ['close'])
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.is(closes, 1)
})

both("a socket's constructor is the module's Socket, and its methods are Socket.prototype's own", (t, dgram) => {
  const s = socket(t, dgram)
  t.is(s.constructor as unknown, dgram.Socket)
  for (const name of ['bind', 'send', 'setTTL', 'addMembership', 'ref', 'address', 'remoteAddress']) {
    t.true(Object.prototype.hasOwnProperty.call((dgram.Socket as { prototype: object }).prototype, name), name)
  }
})
