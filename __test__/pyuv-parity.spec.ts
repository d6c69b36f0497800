/**
 * Issue 10's fixes, each pinned by its exact class and errno: what pyuv 1.4
 * and libuv do where uv-udp used to differ (the other family, sockets made
 * but not bound, TTL ranges, the send queue seen from callbacks), and the
 * payloads no caller should be able to slip past the checks (detached
 * buffers, Proxies, views whose properties lie).
 */
import { readdirSync } from 'node:fs'

import test, { type ExecutionContext } from 'ava'

import { AF_INET, AF_INET6, type Address4, Loop, UDP, UDPError, errno } from '../index.js'
import { handle, until } from './support/handles.js'

function throwsUV(t: ExecutionContext, fn: () => unknown, code: string, what?: string): void {
  const error = t.throws(fn, { instanceOf: UDPError }, what)
  t.is(error?.code, code, what)
  t.is(error?.errno, (errno as unknown as Record<string, number>)[`UV_${code}`], what)
}

function throwsType(t: ExecutionContext, fn: () => unknown, mentions: string, what?: string): void {
  const error = t.throws(fn, { instanceOf: TypeError }, what)
  t.true(error?.constructor === TypeError, `${what}: a plain TypeError`)
  t.true(error?.message.includes(mentions), `${what}: '${error?.message}' names ${mentions}`)
}

function receiver(t: ExecutionContext, loop: Loop): { udp: UDP; port: number; got: Buffer[] } {
  const udp = handle(t, loop)
  udp.bind(['127.0.0.1', 0])
  const got: Buffer[] = []
  udp.start_recv((_h, _a, _f, data) => {
    if (data) got.push(Buffer.from(data))
  })
  return { udp, port: (udp.getsockname() as Address4)[1], got }
}

function detachedUint8Array(): Uint8Array {
  const buffer = new ArrayBuffer(8)
  const view = new Uint8Array(buffer)
  structuredClone(buffer, { transfer: [buffer] })
  return view
}

// ---------------------------------------------------------------- 1: the other family

test('1: send to an IPv6 address from an IPv4 socket completes with UV_EAFNOSUPPORT, in call order with the others', async (t) => {
  const loop = new Loop()
  const { port } = receiver(t, loop)
  const tx = handle(t, loop, AF_INET)
  const outcomes: [string, number | null][] = []
  tx.send(['127.0.0.1', port], Buffer.from('a'), (_h, e) => outcomes.push(['first', e]))
  tx.send(['::1', port], Buffer.from('b'), (_h, e) => outcomes.push(['v6', e]))
  tx.send(['127.0.0.1', port], Buffer.from('c'), (_h, e) => outcomes.push(['last', e]))
  await until(() => outcomes.length === 3, 3000, 'three callbacks')
  t.deepEqual(outcomes, [
    ['first', null],
    ['v6', errno.UV_EAFNOSUPPORT],
    ['last', null],
  ])
  throwsUV(t, () => tx.try_send(['::1', port], Buffer.from('x')), 'EAFNOSUPPORT', 'try_send')
  throwsUV(t, () => tx.connect(['::1', port]), 'EAFNOSUPPORT', 'connect')
})

// ---------------------------------------------------------------- 2 and 6: made but not bound

// Windows' getsockname refuses an unbound socket (WSAEINVAL), and so does
// libuv's there: UV_EINVAL is what the kernel reports.
const unboundReadable = process.platform !== 'win32'

test('2: getsockname of a socket made but not bound is the wildcard with port 0 (open(fd) of one: compat/pyuv open_fd)', (t) => {
  if (!unboundReadable) {
    throwsUV(t, () => handle(t, new Loop(), AF_INET).getsockname(), 'EINVAL', 'Windows')
    return
  }
  t.deepEqual(handle(t, new Loop(), AF_INET).getsockname(), ['0.0.0.0', 0])
  t.deepEqual(handle(t, new Loop(), AF_INET6).getsockname(), ['::', 0, 0, 0])
  throwsUV(t, () => handle(t, new Loop()).getsockname(), 'EINVAL', 'no socket yet')
})

test('6: start_recv on a socket made but not bound leaves it unbound, as libuv; without a socket it binds 0.0.0.0', (t) => {
  const loop = new Loop()
  const v6 = handle(t, loop, AF_INET6)
  v6.start_recv(() => {})
  if (!unboundReadable) return t.pass('getsockname of an unbound socket: UV_EINVAL on Windows')
  t.deepEqual(v6.getsockname(), ['::', 0, 0, 0])
  t.is(v6.family, AF_INET6)
  const v4 = handle(t, loop, AF_INET)
  v4.start_recv(() => {})
  t.deepEqual(v4.getsockname(), ['0.0.0.0', 0])
  const none = handle(t, loop)
  none.start_recv(() => {})
  const [host, port] = none.getsockname() as Address4
  t.is(host, '0.0.0.0')
  t.true(port > 0)
})

test('6: a socket made but not bound is bound by the kernel on its first send, to the wildcard', async (t) => {
  const loop = new Loop()
  const { port, got } = receiver(t, loop)
  const tx = handle(t, loop, AF_INET)
  t.is(tx.try_send(['127.0.0.1', port], Buffer.from('first')), 5)
  const [host, own] = tx.getsockname() as Address4
  t.is(host, '0.0.0.0')
  t.true(own > 0)
  await until(() => got.length === 1, 3000, 'the datagram')
  t.is(got[0].toString(), 'first')
})

// ---------------------------------------------------------------- 4: multicast interface

test('4: set_multicast_interface with an IPv4 address on an IPv6 socket sets IP_MULTICAST_IF; IPv6 on IPv4 is UV_ENOPROTOOPT; not a literal UV_EINVAL', (t) => {
  const loop = new Loop()
  const v6 = handle(t, loop, AF_INET6)
  t.notThrows(() => v6.set_multicast_interface('127.0.0.1'))
  t.notThrows(() => v6.set_multicast_interface('0.0.0.0'))
  const v4 = handle(t, loop, AF_INET)
  // The kernel's answer (libuv passes it on): Linux's is ENOPROTOOPT.
  if (process.platform === 'linux') throwsUV(t, () => v4.set_multicast_interface('::1'), 'ENOPROTOOPT', "'::1' on IPv4")
  else t.throws(() => v4.set_multicast_interface('::1'), { instanceOf: UDPError })
  throwsUV(t, () => v4.set_multicast_interface(''), 'EINVAL', "''")
  throwsUV(t, () => v6.set_multicast_interface('%lo'), 'EINVAL', "'%lo'")
  t.notThrows(() => v6.set_multicast_interface('::%1'))
})

// ---------------------------------------------------------------- 5: TTLs and groups

test('5: set_ttl(0) and set_multicast_ttl(256) throw UDPError UV_EINVAL, so `catch UDPError` catches them as in pyuv', (t) => {
  for (const family of [AF_INET, AF_INET6]) {
    const udp = handle(t, new Loop(), family)
    throwsUV(t, () => udp.set_ttl(0), 'EINVAL', `set_ttl(0) on ${family}`)
    throwsUV(t, () => udp.set_ttl(256), 'EINVAL', `set_ttl(256) on ${family}`)
    throwsUV(t, () => udp.set_multicast_ttl(256), 'EINVAL', `set_multicast_ttl(256) on ${family}`)
    throwsUV(t, () => udp.set_multicast_ttl(-1), 'EINVAL', `set_multicast_ttl(-1) on ${family}`)
    throwsType(t, () => udp.set_ttl(1.5), 'ttl', 'set_ttl(1.5)')
    throwsType(t, () => udp.set_ttl('1' as unknown as number), 'ttl', "set_ttl('1')")
    t.notThrows(() => udp.set_ttl(1))
    t.notThrows(() => udp.set_multicast_ttl(0))
  }
})

test('5: an IPv6 group on an IPv4 socket is UV_ENOPROTOOPT, as libuv (the kernel answers)', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  udp.bind(['127.0.0.1', 0])
  if (process.platform === 'linux') throwsUV(t, () => udp.set_membership('ff02::1:3', 1), 'ENOPROTOOPT')
  else t.throws(() => udp.set_membership('ff02::1:3', 1), { instanceOf: UDPError })
  throwsUV(t, () => udp.set_membership('127.0.0.1', 1), 'EINVAL', 'not a group')
})

// ---------------------------------------------------------------- the send queue seen from callbacks

test('send_queue_size and send_queue_count in each send callback count the sends whose callback has not run, as libuv', async (t) => {
  const loop = new Loop()
  const { port } = receiver(t, loop)
  const tx = handle(t, loop)
  const seen: [number, number][] = []
  for (const size of [10, 20, 30, 40]) {
    tx.send(['127.0.0.1', port], Buffer.alloc(size), (h) => seen.push([h.send_queue_size, h.send_queue_count]))
  }
  t.is(tx.send_queue_size, 100)
  t.is(tx.send_queue_count, 4)
  await until(() => seen.length === 4, 3000, 'four callbacks')
  t.deepEqual(seen, [
    [90, 3],
    [70, 2],
    [40, 1],
    [0, 0],
  ])
})

// ---------------------------------------------------------------- G: detached buffers

test('G: a detached Uint8Array or Buffer throws TypeError naming data, never a 0-byte datagram', async (t) => {
  const loop = new Loop()
  const { port, got } = receiver(t, loop)
  const tx = handle(t, loop)
  const detachedBuffer = (() => {
    const buffer = new ArrayBuffer(8)
    const view = Buffer.from(buffer)
    structuredClone(buffer, { transfer: [buffer] })
    return view
  })()
  for (const [name, data] of [
    ['Uint8Array', detachedUint8Array()],
    ['Buffer', detachedBuffer],
  ] as const) {
    throwsType(t, () => tx.send(['127.0.0.1', port], data), 'data', `send of a detached ${name}`)
    throwsType(t, () => tx.send(['127.0.0.1', port], [Buffer.from('a'), data]), 'data[1]', `gathered ${name}`)
    throwsType(t, () => tx.try_send(['127.0.0.1', port], data), 'data', `try_send of a detached ${name}`)
    throwsType(t, () => tx.try_send_many([[['127.0.0.1', port], data]]), 'messages[0] data', `try_send_many, ${name}`)
  }
  // An empty view of a live buffer is an empty datagram, as before.
  t.is(tx.try_send(['127.0.0.1', port], new Uint8Array(0)), 0)
  await until(() => got.length === 1, 3000, 'the empty datagram')
  t.deepEqual(got.map((b) => b.length), [0])
})

test('G: views of a SharedArrayBuffer (which cannot be detached) are sent, empty or not, by send, try_send and try_send_many', async (t) => {
  const loop = new Loop()
  const { port, got } = receiver(t, loop)
  const tx = handle(t, loop)
  const shared = new SharedArrayBuffer(8)
  new Uint8Array(shared).set([104, 105]) // 'hi'
  t.is(tx.try_send(['127.0.0.1', port], new Uint8Array(shared, 0, 0)), 0)
  t.is(tx.try_send(['127.0.0.1', port], new Uint8Array(shared, 0, 2)), 2)
  t.is(tx.try_send_many([[['127.0.0.1', port], new DataView(shared, 0, 1)]]), 1)
  tx.send(['127.0.0.1', port], new Uint8Array(shared, 1, 1))
  await until(() => got.length === 4, 3000, 'the four datagrams')
  t.deepEqual(
    got.map((b) => b.toString()),
    ['', 'hi', 'h', 'i'],
  )
})

// ---------------------------------------------------------------- H: Proxies and fake views, a fake loop

test('H: a Proxy of a Uint8Array, or an object made from its prototype, as data throws TypeError naming data', (t) => {
  const udp = handle(t, new Loop())
  for (const [name, data] of [
    ['a Proxy of a Uint8Array', new Proxy(new Uint8Array(4), {})],
    ['a Proxy of a Buffer', new Proxy(Buffer.from('abc'), {})],
    ['Object.create(Uint8Array.prototype)', Object.create(Uint8Array.prototype)],
    ['a Proxy of a DataView', new Proxy(new DataView(new ArrayBuffer(4)), {})],
  ] as const) {
    throwsType(t, () => udp.send(['127.0.0.1', 9], data as Uint8Array), 'data', `send, ${name}`)
    throwsType(t, () => udp.try_send(['127.0.0.1', 9], data as Uint8Array), 'data', `try_send, ${name}`)
  }
  t.is(udp.send_queue_count, 0)
})

function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length
}

test('H: new UDP(new Proxy(loop, {})) throws TypeError naming loop and makes no socket', (t) => {
  if (process.platform !== 'linux') return t.pass('counts descriptors in /proc/self/fd (Linux)')
  const loop = new Loop()
  const before = openDescriptors()
  for (const fake of [new Proxy(loop, {}), Object.create(Loop.prototype)]) {
    throwsType(t, () => new UDP(fake as Loop, AF_INET), 'loop', 'a fake loop')
  }
  t.is(openDescriptors(), before, 'no socket left open')
  t.deepEqual(loop.handles, [])
})

// ---------------------------------------------------------------- I: views whose properties lie

test('I: a Uint8Array subclass whose byteLength getter lies or throws sends its real bytes, counted right, callback once', async (t) => {
  class Liar extends Uint8Array {
    override get byteLength(): number {
      return '0x' as unknown as number
    }
  }
  class Thrower extends Uint8Array {
    override get byteLength(): number {
      throw new Error('byteLength read')
    }
    override get byteOffset(): number {
      throw new Error('byteOffset read')
    }
    override get buffer(): ArrayBuffer {
      throw new Error('buffer read')
    }
  }
  const shadowed = Buffer.from('shadow')
  Object.defineProperty(shadowed, 'length', { get: () => 1e9 })
  Object.defineProperty(shadowed, 'byteLength', { get: () => { throw new Error('own byteLength read') } })
  const loop = new Loop()
  const { port, got } = receiver(t, loop)
  const tx = handle(t, loop)
  const calls: (number | null)[] = []
  const cb = (_h: UDP, e: number | null) => calls.push(e)
  tx.send(['127.0.0.1', port], Liar.from([1, 2, 3]), cb)
  tx.send(['127.0.0.1', port], Thrower.from([4, 5]), cb)
  tx.send(['127.0.0.1', port], [Liar.from([6]), shadowed], cb)
  tx.send(['127.0.0.1', port], shadowed, cb)
  t.is(tx.send_queue_size, 3 + 2 + 7 + 6)
  t.is(tx.send_queue_count, 4)
  await until(() => calls.length === 4 && got.length === 4, 3000, 'four callbacks and datagrams')
  t.deepEqual(calls, [null, null, null, null])
  t.is(tx.send_queue_size, 0)
  t.is(tx.send_queue_count, 0)
  t.deepEqual(
    got.map((b) => [...b]),
    [[1, 2, 3], [4, 5], [6, ...Buffer.from('shadow')], [...Buffer.from('shadow')]],
  )
})
