// The contract between the binding and src/*.ts (DESIGN.md, "Errors and the
// boundary"; issue 9, item 3): errors cross typed, as an ErrorKind and a
// libuv code the binding exports and sets, never as text to decode; the
// cold calls take and give the address as an object, which src/address.ts
// turns into pyuv's tuples.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { ErrorKind, NativeUdp, type SocketAddress, handleSend, handleSendAgain, handleTrySend, handleTrySendAgain, handleTrySendMany } from '../binding.js'
import { AF_INET, AF_INET6, Loop, UDP, UDPError, errno } from '../index.js'
import { fromNative } from '../src/errors.js'
import { handle } from './support/handles.js'

const BINDING_DTS = fileURLToPath(new URL('../binding.d.ts', import.meta.url))

/** What the binding throws, as `src/errors.ts` reads it. */
interface NativeError extends Error {
  kind?: unknown
  errno?: unknown
}

/** A bare native handle (no UDP facade), closed when the test ends. */
function native(t: ExecutionContext, family: number): NativeUdp {
  const udp = new NativeUdp(family, {}, () => {})
  t.teardown(() => udp.close())
  return udp
}

/** The raw error `fn` throws; fails the test when it throws none or no Error. */
function raw(t: ExecutionContext, fn: () => unknown): NativeError {
  const error = t.throws(fn)
  if (!(error instanceof Error)) throw new Error(`expected an Error, got ${String(error)}`)
  return error as NativeError
}

// ---------------------------------------------------------------- the exported kinds

test('binding.js exports the error kinds, distinct numbers, and binding.d.ts declares them', (t) => {
  t.is(typeof ErrorKind.Uv, 'number')
  t.is(typeof ErrorKind.InvalidArgument, 'number')
  t.is(typeof ErrorKind.Closed, 'number')
  t.is(new Set([ErrorKind.Uv, ErrorKind.InvalidArgument, ErrorKind.Closed]).size, 3)
  // 0 is what careless JS makes of a missing property: no kind has it.
  t.not(ErrorKind.Uv as number, 0)
  t.not(ErrorKind.InvalidArgument as number, 0)
  t.not(ErrorKind.Closed as number, 0)
  const dts = readFileSync(BINDING_DTS, 'utf8')
  t.regex(dts, /export declare const enum ErrorKind \{/)
  t.regex(dts, /export interface SocketAddress \{/)
})

// ---------------------------------------------------------------- libuv errors

test('a libuv error of the binding carries ErrorKind.Uv and the negative code as numbers of its own', (t) => {
  const udp = native(t, AF_INET)
  const error = raw(t, () => udp.getpeername())
  t.is(error.kind, ErrorKind.Uv)
  t.is(error.errno, errno.UV_ENOTCONN)
  t.true(Object.hasOwn(error, 'kind') && Object.hasOwn(error, 'errno'))
  const converted = fromNative(error)
  t.true(converted instanceof UDPError)
  t.like(converted as UDPError, { errno: errno.UV_ENOTCONN, code: 'ENOTCONN', message: errno.strerror(errno.UV_ENOTCONN) })
})

test('fromNative reads the kind and the code, not the message: another text changes nothing', (t) => {
  const udp = native(t, AF_INET)
  udp.bind({ host: '127.0.0.1', port: 0 }, 0)
  const error = raw(t, () => udp.bind({ host: '127.0.0.1', port: 0 }, 0))
  t.is(error.errno, errno.UV_EINVAL)
  // A message of the old string protocol, naming another code, and a kind's text.
  error.message = 'uv:-98 type:not an address'
  const converted = fromNative(error, 'address') as UDPError
  t.true(converted instanceof UDPError)
  t.is(converted.errno, errno.UV_EINVAL)
  t.is(converted.code, 'EINVAL')
  t.deepEqual(converted.args, [errno.UV_EINVAL, errno.strerror(errno.UV_EINVAL)])
})

test('an Error without a kind comes through fromNative as it is, whatever its message says', (t) => {
  for (const message of ['uv:-22', 'type:invalid IP address', 'a panic']) {
    const error = new Error(message)
    t.is(fromNative(error), error, message)
    t.is(fromNative(error, 'address'), error, message)
  }
  const unknownKind = Object.assign(new Error('x'), { kind: 99, errno: -22 })
  t.is(fromNative(unknownKind), unknownKind)
  // A libuv kind without a numeric code is not a UDPError of NaN.
  const noCode = Object.assign(new Error('x'), { kind: ErrorKind.Uv, errno: '-22' })
  t.is(fromNative(noCode), noCode)
  t.is(fromNative('a string'), 'a string')
})

test('through the API the same failures are UDPErrors on both kinds of call', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  const peer = t.throws(() => udp.getpeername(), { instanceOf: UDPError })
  t.like(peer, { errno: errno.UV_ENOTCONN, code: 'ENOTCONN' })
  udp.bind(['127.0.0.1', 0])
  const again = t.throws(() => udp.bind(['127.0.0.1', 0]), { instanceOf: UDPError })
  t.like(again, { errno: errno.UV_EINVAL, code: 'EINVAL' })
  t.false(Object.hasOwn(again as object, 'kind'), 'the API error is the library’s own, not the binding’s')
})

// ---------------------------------------------------------------- invalid arguments

test('an invalid address is ErrorKind.InvalidArgument with the reason as its message and no errno', (t) => {
  const udp = native(t, AF_INET)
  const error = raw(t, () => udp.bind({ host: 'nope', port: 0 }, 0))
  t.is(error.kind, ErrorKind.InvalidArgument)
  t.false('errno' in error)
  t.is(error.message, "invalid IP address: 'nope'")
  const converted = fromNative(error, 'address')
  t.is((converted as Error).constructor, TypeError)
  t.is((converted as Error).message, "address: invalid IP address: 'nope'")
  t.is((fromNative(error) as Error).message, "invalid IP address: 'nope'", 'no argument: no prefix')
})

test('a port the binding cannot take is an InvalidArgument too, on the cold and the hot calls', (t) => {
  const udp = native(t, AF_INET)
  const error = raw(t, () => udp.bind({ host: '127.0.0.1', port: 65536 }, 0))
  t.is(error.kind, ErrorKind.InvalidArgument)
  t.is(error.message, 'port out of range')
  // The hot path takes the address positionally (see contract.rs) and fails alike.
  const hot = raw(t, () => handleTrySend(udp.id(), '127.0.0.1', 65536, 0, undefined, Buffer.from('x')))
  t.is(hot.kind, ErrorKind.InvalidArgument)
  t.is(hot.message, 'port out of range')
  const unknownHandle = raw(t, () => handleTrySendAgain(0xffffffff, Buffer.from('x')))
  t.is(unknownHandle.kind, ErrorKind.InvalidArgument)
})

test('the raw send exports (src/raw_exports.rs) throw typed errors as the generated callbacks did, and an Error for an argument of the wrong type', (t) => {
  const udp = native(t, AF_INET)
  const layout = new Uint32Array([0, 1])
  const one = new Uint8Array([7])
  // No previous destination, a layout that points past the destinations, no such handle.
  t.like(raw(t, () => handleTrySendMany(udp.id(), null, layout, 1, one, [])), { kind: ErrorKind.InvalidArgument, message: 'no previous destination' })
  t.like(raw(t, () => handleTrySendMany(udp.id(), [], layout, 1, one, [])), { kind: ErrorKind.InvalidArgument })
  t.like(raw(t, () => handleTrySendMany(0xffffffff, [], layout, 0, one, [])), { kind: ErrorKind.InvalidArgument, message: 'no such handle' })
  t.like(raw(t, () => handleSendAgain(udp.id(), one, false)), { kind: ErrorKind.InvalidArgument, message: 'no previous destination' })
  t.like(raw(t, () => handleTrySendAgain(udp.id(), one)), { kind: ErrorKind.InvalidArgument, message: 'no previous destination' })
  t.like(raw(t, () => handleSend(udp.id(), '127.0.0.1', 65536, 0, undefined, one, false)), { kind: ErrorKind.InvalidArgument, message: 'port out of range' })
  t.like(raw(t, () => handleSend(udp.id(), 'not an ip', 9, 0, undefined, one, false)), { kind: ErrorKind.InvalidArgument })
  // A destination the core refuses, and arguments of the wrong type.
  t.like(raw(t, () => handleTrySendMany(udp.id(), [['127.0.0.1', 0, 0, -1]], layout, 1, one, [])), { kind: ErrorKind.Uv, errno: errno.UV_EINVAL })
  t.like(raw(t, () => handleTrySendMany(udp.id(), null, 'layout' as unknown as Uint32Array, 1, one, [])), { name: 'Error' })
  t.like(raw(t, () => handleSendAgain(udp.id(), 'data' as unknown as Uint8Array, false)), { name: 'Error' })
  t.like(raw(t, () => handleTrySend(udp.id(), '127.0.0.1', 'port' as unknown as number, 0, undefined, one)), { name: 'Error' })
})

test('a zone naming no interface is a libuv error (UV_ENODEV), not an invalid argument', (t) => {
  const udp = native(t, AF_INET6)
  const error = raw(t, () => udp.bind({ host: 'fe80::1%uvudp-no-such-if', port: 0 }, 0))
  t.is(error.kind, ErrorKind.Uv)
  t.is(error.errno, errno.UV_ENODEV)
  const api = handle(t, new Loop(), AF_INET6)
  t.like(t.throws(() => api.bind(['fe80::1%uvudp-no-such-if', 0]), { instanceOf: UDPError }), { code: 'ENODEV' })
})

test('the API keeps its TypeError for an invalid IP literal, named by the argument, on every call that takes an address', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  const expected = "address: invalid IP address: 'nope'"
  for (const call of [
    () => udp.bind(['nope', 0]),
    () => udp.connect(['nope', 1]),
    () => udp.send(['nope', 1], Buffer.from('x')),
    () => udp.try_send(['nope', 1], Buffer.from('x')),
  ]) {
    const error = t.throws(call, { instanceOf: TypeError })
    t.is(error?.constructor, TypeError)
    t.is(error?.message, expected)
    t.false(Object.hasOwn(error as object, 'kind'))
  }
  const many = t.throws(() => udp.try_send_many([[['nope', 1], Buffer.from('x')]]), { instanceOf: TypeError })
  t.is(many?.message, "messages: invalid IP address: 'nope'")
})

// ---------------------------------------------------------------- the address object

test('getsockname of the binding is an address object: host and port for IPv4, flowinfo and scopeId too for IPv6', (t) => {
  const v4 = native(t, AF_INET)
  v4.bind({ host: '127.0.0.1', port: 0 }, 0)
  const a4: SocketAddress = v4.getsockname()
  t.deepEqual(Object.keys(a4).sort(), ['host', 'port'])
  t.is(a4.host, '127.0.0.1')
  t.true(Number.isInteger(a4.port) && a4.port > 0)
  const v6 = native(t, AF_INET6)
  v6.bind({ host: '::1', port: 0 }, 0)
  const a6 = v6.getsockname()
  t.deepEqual(Object.keys(a6).sort(), ['flowinfo', 'host', 'port', 'scopeId'])
  t.like(a6, { host: '::1', flowinfo: 0, scopeId: 0 })
})

test('bind and connect of the binding take an address object: flowinfo and scopeId may be left out', (t) => {
  const rx = native(t, AF_INET6)
  rx.bind({ host: '::1', port: 0 }, 0)
  const { port } = rx.getsockname()
  const tx = native(t, AF_INET6)
  tx.connect({ host: '::1', port })
  t.deepEqual(tx.getpeername(), { host: '::1', port, flowinfo: 0, scopeId: 0 })
  tx.connect(null)
  t.like(raw(t, () => tx.getpeername()), { kind: ErrorKind.Uv, errno: errno.UV_ENOTCONN }, 'null disconnects')
  tx.connect({ host: '::1', port, flowinfo: 0xabcde, scopeId: 0 })
  t.like(tx.getpeername(), { host: '::1', port })
})

for (const [host, family, length] of [
  ['127.0.0.1', AF_INET, 2],
  ['::1', AF_INET6, 4],
] as const) {
  test(`${host}: getsockname and getpeername give pyuv's tuple, frozen like a received one`, (t) => {
    const loop = new Loop()
    const rx = handle(t, loop, family)
    rx.bind([host, 0])
    const tx: UDP = handle(t, loop, family)
    tx.connect(rx.getsockname())
    for (const address of [rx.getsockname(), tx.getpeername()]) {
      t.true(Array.isArray(address))
      t.is(address.length, length)
      t.is(address[0], host)
      t.true(Object.isFrozen(address))
    }
    t.deepEqual(tx.getpeername(), rx.getsockname())
  })
}
