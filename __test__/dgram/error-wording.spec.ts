/**
 * Node's wording of argument errors, value by value: each bad value is given
 * to node:dgram and to uv-udp/dgram through the same call, and the two
 * errors must read alike (class, code, message). node:dgram is the
 * reference, so the expected text is whatever it says.
 */
import test from 'ava'

import { createRequire } from 'node:module'
import { inspect } from 'node:util'

import { IMPLEMENTATIONS, shape, uvDgram } from './support.js'

const require = createRequire(import.meta.url)
const objectShape = require('./fixtures/error-cases.cjs') as {
  shape: (error: unknown) => Record<string, unknown>
  systemShape: (error: unknown) => Record<string, unknown>
}

class Custom {}
function named() {}
const anonymous = (() => () => {})()
const VALUES: [string, unknown][] = [
  ['anonymous function', anonymous],
  ['class', Custom],
  ['constructor null', { constructor: null }],
  ['constructor 0', { constructor: 0 }],
  ["constructor 'x' (Node's own check throws)", { constructor: 'x' }],
  ['constructor with a name', { constructor: { name: 'Named' } }],
  ['NaN', NaN],
  ['-Infinity', -Infinity],
  ['-7', -7],
  ['false', false],
  ['empty string', ''],
  ['string with \' and "', 'say "it\'s"'],
  ['date', new Date(0)],
  ['bigint', 5n],
  ['symbol', Symbol('s')],
  ['named function', named],
  ['class instance', new Custom()],
  ['null prototype', Object.create(null)],
  ['constructor without a name', { constructor: {} }],
  ['long string', 'a'.repeat(40)],
  ['string of 28', 'b'.repeat(28)],
  ['string of 29', 'c'.repeat(29)],
  ["string with '", "it's"],
  ['-0', -0],
  ['0', 0],
  ['1.5', 1.5],
  ['true', true],
  ['null', null],
  ['array', [1]],
  ['map', new Map()],
]

type Dgram = (typeof IMPLEMENTATIONS)[number]['dgram']
type Socket = ReturnType<Dgram['createSocket']>

/** Calls `use` on a new socket, closed afterwards (its errors ignored: only what the call throws counts). */
function withSocket(dgram: Dgram, use: (s: Socket) => unknown): unknown {
  const s = dgram.createSocket('udp4')
  s.on('error', () => {})
  try {
    return use(s)
  } finally {
    s.close()
  }
}

const CALLS: [string, (dgram: Dgram, value: unknown) => unknown][] = [
  ['lookup option (a Function)', (dgram, value) => dgram.createSocket({ type: 'udp4', lookup: value as never }).close()],
  ['send (Buffer, TypedArray, DataView or string)', (dgram, value) => withSocket(dgram, (s) => s.send(value as never, 9, '127.0.0.1'))],
  ['send of a list', (dgram, value) => withSocket(dgram, (s) => s.send([value] as never, 9, '127.0.0.1'))],
  ['setTTL (a number)', (dgram, value) => withSocket(dgram, (s) => s.setTTL(value as never))],
  ['connect address (a string)', (dgram, value) => withSocket(dgram, (s) => s.connect(9, value as never))],
  ['source-specific membership (strings)', (dgram, value) => withSocket(dgram, (s) => s.addSourceSpecificMembership(value as never, '232.1.1.1'))],
  ['signal option (an AbortSignal)', (dgram, value) => dgram.createSocket({ type: 'udp4', signal: value as never }).close()],
]

function error(call: () => unknown): Record<string, unknown> {
  try {
    call()
  } catch (e) {
    return shape(e)
  }
  return { threw: false }
}

for (const [what, call] of CALLS) {
  test(`wrong types given to ${what} read as node:dgram's`, (t) => {
    for (const [name, value] of VALUES) {
      const [node, uv] = IMPLEMENTATIONS.map((impl) => error(() => call(impl.dgram, value)))
      t.deepEqual(uv, node, name)
    }
  })
}

test("out-of-range buffer size options read as node:dgram's (underscores in large integers)", (t) => {
  for (const value of [2 ** 40, -(2 ** 40), 2 ** 32 + 1, 2 ** 32, 4_294_967_296_000, -1, 1.5, 12_345_678_901]) {
    for (const key of ['recvBufferSize', 'sendBufferSize']) {
      const [node, uv] = IMPLEMENTATIONS.map((impl) => error(() => impl.dgram.createSocket({ type: 'udp4', [key]: value } as never).close()))
      t.deepEqual(uv, node, `${key} ${value}`)
    }
  }
})

/** What `call` throws, as error-cases.cjs shapes it (own keys, toString, overwriting it, a SystemError's extras). */
function thrownObject(call: () => unknown, system = false): Record<string, unknown> {
  try {
    call()
  } catch (e) {
    return system ? objectShape.systemShape(e) : objectShape.shape(e)
  }
  return { threw: false }
}

const THROWING: [string, (dgram: Dgram) => unknown, boolean?][] = [
  ['ERR_INVALID_ARG_TYPE (setTTL)', (dgram) => withSocket(dgram, (s) => s.setTTL('x' as never))],
  ['ERR_OUT_OF_RANGE (recvBufferSize)', (dgram) => dgram.createSocket({ type: 'udp4', recvBufferSize: 2 ** 40 }).close()],
  ['ERR_SOCKET_BAD_PORT (send)', (dgram) => withSocket(dgram, (s) => s.send('x', 70_000, '127.0.0.1'))],
  ['ERR_SOCKET_BAD_TYPE', (dgram) => dgram.createSocket('udp5' as never)],
  ['ERR_BUFFER_OUT_OF_BOUNDS (offset)', (dgram) => withSocket(dgram, (s) => s.send(Buffer.alloc(2), 3, 1, 9, '127.0.0.1'))],
  ['ERR_MISSING_ARGS (addMembership)', (dgram) => withSocket(dgram, (s) => (s.addMembership as (...a: unknown[]) => void)())],
  ['ERR_SOCKET_DGRAM_NOT_CONNECTED (disconnect)', (dgram) => withSocket(dgram, (s) => s.disconnect())],
  ['ERR_SOCKET_BAD_BUFFER_SIZE', (dgram) => withSocket(dgram, (s) => s.setRecvBufferSize(-1))],
  ['ERR_SOCKET_BUFFER_SIZE (an unbound socket)', (dgram) => withSocket(dgram, (s) => s.setRecvBufferSize(65_536)), true],
  ['ERR_SOCKET_BUFFER_SIZE (getSendBufferSize, unbound)', (dgram) => withSocket(dgram, (s) => s.getSendBufferSize()), true],
  ['EBADF (address() of an unbound socket)', (dgram) => withSocket(dgram, (s) => s.address())],
]

test("errors thrown by calls are objects like node:dgram's: own keys, fields, toString, and overwriting toString", (t) => {
  for (const [what, call, system] of THROWING) {
    const [node, uv] = IMPLEMENTATIONS.map((impl) => thrownObject(() => call(impl.dgram), system))
    t.not(node.threw, false, `node:dgram throws for ${what}`)
    t.deepEqual(uv, node, what)
  }
})

test("uv-udp/dgram's trySend and sendMany: an address that is not an IP literal of the socket's family ('::1%', an empty zone) throws Node's shape, 'send EINVAL <address>:<port>'", async (t) => {
  const s = uvDgram.createSocket('udp6')
  t.teardown(() => s.close())
  await new Promise<void>((resolve) => s.bind(0, '::1', resolve))
  const expected = { name: 'Error', message: 'send EINVAL ::1%:9', code: 'EINVAL', errno: -22, syscall: 'send', address: '::1%', port: 9 }
  t.deepEqual(error(() => s.trySend('x', 9, '::1%')), expected)
  t.deepEqual(error(() => s.sendMany([['x', 9, '::1%']])), expected)
})

// Node writes `Name [CODE]` into its errors' stack header, which is what an
// uncaught error's report, console.log and util.inspect show.
test("errors thrown by calls read as node:dgram's in their stack's first line and in util.inspect's", (t) => {
  const firstLines = (call: () => unknown): [string, string] | null => {
    try {
      call()
    } catch (e) {
      return [String((e as Error).stack).split('\n')[0], inspect(e).split('\n')[0]]
    }
    return null
  }
  for (const [what, call] of THROWING) {
    const [node, uv] = IMPLEMENTATIONS.map((impl) => firstLines(() => call(impl.dgram)))
    t.not(node, null, what)
    t.deepEqual(uv, node, what)
  }
})
