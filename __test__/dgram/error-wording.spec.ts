/**
 * Node's wording of argument errors, value by value: each bad value is given
 * to node:dgram and to uv-udp/dgram through the same call, and the two
 * errors must read alike (class, code, message). node:dgram is the
 * reference, so the expected text is whatever it says.
 */
import test from 'ava'

import { IMPLEMENTATIONS, shape } from './support.js'

class Custom {}
function named() {}
const VALUES: [string, unknown][] = [
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
