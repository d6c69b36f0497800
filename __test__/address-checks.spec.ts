// What callers pass as an address (src/address.ts): the tuple's shape, each
// number's range, and error messages that name the argument and say what it
// got, without reading anything of a bad value.
import test, { type ExecutionContext } from 'ava'

import { AF_INET, AF_INET6, Loop, UDP } from '../index.js'

import { handle } from './support/handles.js'

/** The TypeError or RangeError `fn` throws, or null when it throws nothing of the kind (the kernel may still refuse). */
function argumentError(fn: () => void): TypeError | RangeError | null {
  try {
    fn()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return error
  }
  return null
}

/** `connect(address)` on a fresh handle: the argument error it throws, or null. */
function connecting(t: ExecutionContext, address: unknown, family = AF_INET): TypeError | RangeError | null {
  const udp = handle(t, new Loop(), family)
  return argumentError(() => udp.connect(address as [string, number]))
}

function assertThrows(t: ExecutionContext, error: Error | null, kind: typeof TypeError | typeof RangeError, message: string) {
  t.true(error instanceof kind, `${message}: got ${String(error)}`)
  t.is(error?.message, message)
}

test('an address that is not an array is a TypeError naming it and describing what it got', (t) => {
  const cases: [unknown, string][] = [
    [null, 'null'],
    [undefined, 'undefined undefined'],
    [{}, 'an object'],
    [() => {}, 'a function'],
    ['127.0.0.1:9', 'a string'],
    [Symbol('s'), 'a symbol'],
    [9n, 'bigint 9n'],
    [9, 'number 9'],
    [true, 'boolean true'],
  ]
  for (const [value, described] of cases) {
    // bind, not connect: connect(null) disconnects.
    const udp = handle(t, new Loop(), AF_INET)
    const error = argumentError(() => udp.bind(value as [string, number]))
    assertThrows(t, error, TypeError, `address must be an array [host, port, flowinfo?, scope_id?], got ${described}`)
  }
})

test('describing a bad value reads nothing of it: a Proxy whose every trap throws gives the TypeError, not the trap’s error', (t) => {
  const trap = () => {
    throw new Error('a trap ran')
  }
  const hostile = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getPrototypeOf: trap, getOwnPropertyDescriptor: trap })
  assertThrows(t, connecting(t, hostile), TypeError, 'address must be an array [host, port, flowinfo?, scope_id?], got an object')
  const hostileFunction = new Proxy(() => {}, { get: trap, has: trap, apply: trap, getPrototypeOf: trap })
  assertThrows(t, connecting(t, ['127.0.0.1', hostileFunction]), TypeError, 'address port must be a number, got a function')
  // The same description names the bad element of a tuple.
  assertThrows(t, connecting(t, [[], 9]), TypeError, 'address host must be a string, got an array')
  assertThrows(t, connecting(t, [null, 9]), TypeError, 'address host must be a string, got null')
})

test('an address has 2 to 4 elements: 1 and 5 are TypeErrors saying how many it had; 2, 3 and 4 pass', (t) => {
  assertThrows(t, connecting(t, []), TypeError, 'address must have 2 to 4 elements, got 0')
  assertThrows(t, connecting(t, ['127.0.0.1']), TypeError, 'address must have 2 to 4 elements, got 1')
  assertThrows(t, connecting(t, ['::1', 9, 0, 0, 0], AF_INET6), TypeError, 'address must have 2 to 4 elements, got 5')
  t.is(connecting(t, ['127.0.0.1', 9]), null)
  t.is(connecting(t, ['::1', 9, 0], AF_INET6), null)
  t.is(connecting(t, ['::1', 9, 0, 0], AF_INET6), null)
})

test('port is an integer 0..65535: both ends pass; one past, a fraction, NaN or a string do not, each naming the port', (t) => {
  t.is(connecting(t, ['127.0.0.1', 65535]), null)
  // Port 0 is the kernel's to refuse or accept, not a range error.
  t.is(connecting(t, ['127.0.0.1', 0]), null)
  const range = (got: string) => `address port must be an integer from 0 to 65535, got ${got}`
  assertThrows(t, connecting(t, ['127.0.0.1', 65536]), RangeError, range('65536'))
  assertThrows(t, connecting(t, ['127.0.0.1', -1]), RangeError, range('-1'))
  assertThrows(t, connecting(t, ['127.0.0.1', 80.5]), RangeError, range('80.5'))
  assertThrows(t, connecting(t, ['127.0.0.1', Number.NaN]), RangeError, range('NaN'))
  assertThrows(t, connecting(t, ['127.0.0.1', Number.POSITIVE_INFINITY]), RangeError, range('Infinity'))
  assertThrows(t, connecting(t, ['127.0.0.1', '80']), TypeError, 'address port must be a number, got a string')
})

test('flowinfo is an integer 0..0xfffff and scope_id a uint32: both ends pass, one past each end does not', (t) => {
  t.is(connecting(t, ['::1', 9, 0], AF_INET6), null)
  t.is(connecting(t, ['::1', 9, 0xfffff], AF_INET6), null)
  t.is(connecting(t, ['::1', 9, 0, 0], AF_INET6), null)
  // A scope that names no interface is the kernel's to refuse (a UDPError), not a range error.
  t.is(connecting(t, ['::1', 9, 0, 0xffffffff], AF_INET6), null)
  const flow = (got: string) => `address flowinfo must be an integer from 0 to 1048575, got ${got}`
  assertThrows(t, connecting(t, ['::1', 9, 0x100000], AF_INET6), RangeError, flow('1048576'))
  assertThrows(t, connecting(t, ['::1', 9, -1, 0], AF_INET6), RangeError, flow('-1'))
  const scope = (got: string) => `address scope_id must be an integer from 0 to 4294967295, got ${got}`
  assertThrows(t, connecting(t, ['::1', 9, 0, 2 ** 32], AF_INET6), RangeError, scope('4294967296'))
  assertThrows(t, connecting(t, ['::1', 9, 0, -1], AF_INET6), RangeError, scope('-1'))
  assertThrows(t, connecting(t, ['::1', 9, 0, '1'], AF_INET6), TypeError, 'address scope_id must be a number, got a string')
  assertThrows(t, connecting(t, ['::1', 9, null], AF_INET6), TypeError, 'address flowinfo must be a number, got null')
})

test('bind flags are a uint32: 2**32 and -1 are RangeErrors naming flags; a fraction too', (t) => {
  const flags = (got: string) => `flags must be an integer from 0 to 4294967295, got ${got}`
  for (const [value, got] of [
    [2 ** 32, '4294967296'],
    [-1, '-1'],
    [0.5, '0.5'],
  ] as const) {
    const udp = handle(t, new Loop(), AF_INET)
    assertThrows(t, argumentError(() => udp.bind(['127.0.0.1', 0], value)), RangeError, flags(got))
  }
  const udp = handle(t, new Loop(), AF_INET)
  assertThrows(t, argumentError(() => udp.bind(['127.0.0.1', 0], '0' as unknown as number)), TypeError, 'flags must be a number, got a string')
})

test('an address checked for a method other than bind or connect names its own argument', (t) => {
  const udp = new UDP(new Loop(), AF_INET)
  t.teardown(() => udp.close())
  const error = argumentError(() => udp.try_send_many([[['127.0.0.1', 70000], Buffer.from('x')]]))
  assertThrows(t, error, RangeError, 'messages[0] address port must be an integer from 0 to 65535, got 70000')
})
