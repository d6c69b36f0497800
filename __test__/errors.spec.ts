import { spawnSync } from 'node:child_process'
import { getSystemErrorMap } from 'node:util'

import test, { type ExecutionContext } from 'ava'

import {
  AF_INET,
  AF_INET6,
  AF_UNSPEC,
  HandleClosedError,
  HandleError,
  Loop,
  UDP,
  UDPError,
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
  UV_UDP_IPV6ONLY,
  UV_UDP_PARTIAL,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  UVError,
  errno,
  type Address,
  type Address4,
} from '../index.js'
import { needs } from './support/capability.js'

// ---------------------------------------------------------------- helpers

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A handle of a fresh loop that is closed when the test ends. */
function handle(t: ExecutionContext, family?: number, loop: Loop = new Loop()): UDP {
  const udp = family === undefined ? new UDP(loop) : new UDP(loop, family)
  t.teardown(() => {
    if (!udp.closed) udp.close()
  })
  return udp
}

/** A handle bound to 127.0.0.1 on an ephemeral port. */
function bound4(t: ExecutionContext): UDP {
  const udp = handle(t)
  udp.bind(['127.0.0.1', 0])
  return udp
}

/** Asserts `fn` throws a `UDPError` with `code` (e.g. `'EINVAL'`). */
function throwsUV(t: ExecutionContext, fn: () => unknown, code: string, message?: string): UDPError | undefined {
  const error = t.throws(fn, { instanceOf: UDPError }, message)
  if (error === undefined) return undefined
  t.not(error.constructor, HandleClosedError, message)
  t.is(error.errno, (errno as unknown as Record<string, number>)[`UV_${code}`], message)
  t.is(error.code, code, message)
  return error
}

/** Asserts `fn` throws a plain `TypeError` whose message names `name`. */
function throwsType(t: ExecutionContext, fn: () => unknown, name: string, message?: string): void {
  const error = t.throws(fn, { instanceOf: TypeError }, message)
  if (error === undefined) return
  t.is(error.constructor, TypeError, message)
  t.true(error.message.includes(name), `${message ?? ''}: '${error.message}' should name ${name}`)
}

/** Asserts `fn` throws a plain `RangeError` whose message names `name`. */
function throwsRange(t: ExecutionContext, fn: () => unknown, name: string, message?: string): void {
  const error = t.throws(fn, { instanceOf: RangeError }, message)
  if (error === undefined) return
  t.is(error.constructor, RangeError, message)
  t.true(error.message.includes(name), `${message ?? ''}: '${error.message}' should name ${name}`)
}

/** Asserts `fn` throws `HandleClosedError` with code `'EBADF'`. */
function throwsClosed(t: ExecutionContext, fn: () => unknown, message: string): void {
  const error = t.throws(fn, { instanceOf: HandleClosedError }, message)
  if (error === undefined) return
  t.is(error.errno, errno.UV_EBADF, message)
  t.is(error.code, 'EBADF', message)
}

// `as any` casts: these tests pass what the types forbid on purpose.
/* eslint-disable @typescript-eslint/no-explicit-any */
const any = (value: unknown): any => value

// ---------------------------------------------------------------- error classes

test('error classes form the hierarchy UVError > HandleError > UDPError / HandleClosedError', (t) => {
  t.true(UVError.prototype instanceof Error)
  t.true(HandleError.prototype instanceof UVError)
  t.true(UDPError.prototype instanceof HandleError)
  t.true(HandleClosedError.prototype instanceof HandleError)
  t.false(HandleClosedError.prototype instanceof UDPError)
  t.false(UDPError.prototype instanceof HandleClosedError)
})

test('a UDPError carries errno, code, args and libuv’s message', (t) => {
  const a = bound4(t)
  const port = (a.getsockname() as Address4)[1]
  const b = handle(t)
  const error = throwsUV(t, () => b.bind(['127.0.0.1', port]), 'EADDRINUSE')
  if (!error) return
  t.true(error instanceof UVError)
  t.true(error instanceof HandleError)
  t.true(error instanceof Error)
  t.is(error.errno, errno.UV_EADDRINUSE)
  t.is(error.code, 'EADDRINUSE')
  t.true(Number.isInteger(error.errno) && error.errno < 0)
  t.is(error.message, 'address already in use')
  t.deepEqual(error.args, [errno.UV_EADDRINUSE, 'address already in use'])
})

test('a HandleClosedError has code EBADF and errno UV_EBADF', (t) => {
  const udp = new UDP(new Loop())
  udp.close()
  const error = t.throws(() => udp.fileno(), { instanceOf: HandleClosedError })
  if (!error) return
  t.true(error instanceof HandleError)
  t.true(error instanceof UVError)
  t.is(error.code, 'EBADF')
  t.is(error.errno, errno.UV_EBADF)
  t.is(error.args[0], errno.UV_EBADF)
  t.is(typeof error.message, 'string')
  t.true(error.message.length > 0)
})

// ---------------------------------------------------------------- errno and constants

test('errno has this platform’s libuv values and messages, as Node’s own libuv reports them (util.getSystemErrorMap)', (t) => {
  const table = errno as unknown as Record<string, number>
  const node = getSystemErrorMap()
  const wrong: string[] = []
  for (const [code, [name, message]] of node) {
    const ours = table[`UV_${name}`]
    if (ours === undefined) continue
    if (ours !== code) wrong.push(`UV_${name}: ${ours}, Node's libuv ${code}`)
    if (errno.strerror(code) !== message) wrong.push(`strerror(UV_${name}): '${errno.strerror(code)}', Node's libuv '${message}'`)
  }
  t.deepEqual(wrong, [])
  for (const name of ['EADDRINUSE', 'EAGAIN', 'EOF', 'EBADF', 'EINVAL', 'ECANCELED', 'EMSGSIZE']) {
    t.true([...node.values()].some(([n]) => n === name), `Node knows ${name}`)
    t.is(table[`UV_${name}`], [...node.entries()].find(([, [n]]) => n === name)?.[0] as number, name)
  }
})

test('errno.errorcode maps a code to its UV_ name and strerror gives libuv’s text', (t) => {
  t.is(errno.errorcode[errno.UV_EADDRINUSE], 'UV_EADDRINUSE')
  t.is(errno.errorcode[errno.UV_EAGAIN], 'UV_EAGAIN')
  t.is(errno.strerror(errno.UV_EADDRINUSE), 'address already in use')
  t.is(errno.strerror(errno.UV_EOF), 'end of file')
})

test('every UV_ code of errno is a negative integer with an errorcode entry', (t) => {
  const table = errno as unknown as Record<string, unknown>
  const names = Object.keys(table).filter((name) => name.startsWith('UV_'))
  t.true(names.length >= 70, `only ${names.length} codes`)
  for (const name of names) {
    const code = table[name] as number
    t.true(typeof code === 'number' && Number.isInteger(code) && code < 0, `${name} = ${String(code)}`)
    t.is(errno.errorcode[code], name)
    const text = errno.strerror(code)
    t.true(typeof text === 'string' && text.length > 0, `${name} has no message`)
  }
})

// The OS's own AF_ values, read from the OS's C headers as Python's socket
// module carries them (Linux AF_INET6 10, macOS 30, Windows 23).
const PYTHON = process.platform === 'win32' ? 'python' : 'python3'
const osFamilies = spawnSync(PYTHON, ['-c', 'import socket; print(socket.AF_UNSPEC, socket.AF_INET, socket.AF_INET6)'], { encoding: 'utf8' })
const pythonCapability =
  osFamilies.status === 0 ? { ok: true } : { ok: false, reason: `reading AF_ values needs ${PYTHON} (${osFamilies.error?.message ?? osFamilies.stderr})` }

needs(pythonCapability, { requiredInCI: false })('AF_UNSPEC, AF_INET and AF_INET6 are the OS’s own values', (t) => {
  t.deepEqual([AF_UNSPEC, AF_INET, AF_INET6], osFamilies.stdout.trim().split(' ').map(Number))
})

test('flag constants have libuv’s values', (t) => {
  t.is(UV_UDP_IPV6ONLY, 1)
  t.is(UV_UDP_PARTIAL, 2)
  t.is(UV_UDP_REUSEADDR, 4)
  t.is(UV_UDP_REUSEPORT, 64)
  t.is(UV_JOIN_GROUP, 1)
  t.is(UV_LEAVE_GROUP, 0)
})

// ---------------------------------------------------------------- bad types and ranges

test('new UDP with a non-Loop first argument throws TypeError', (t) => {
  throwsType(t, () => new UDP(any({})), 'loop')
  throwsType(t, () => new UDP(any(null)), 'loop')
})

test('new UDP with an unknown family throws UDPError UV_EINVAL', (t) => {
  throwsUV(t, () => new UDP(new Loop(), 12345), 'EINVAL')
})

test('an address that is not a well-formed tuple throws TypeError naming it', (t) => {
  const udp = handle(t)
  const target = bound4(t)
  const cases: [unknown, string][] = [
    ['127.0.0.1:80', 'address'],
    [{ host: '127.0.0.1', port: 80 }, 'address'],
    [['127.0.0.1'], 'address'],
    [['::1', 1, 0, 0, 0], 'address'],
    [[127001, 80], 'host'],
    [['127.0.0.1', '80'], 'port'],
  ]
  for (const [address, name] of cases) {
    throwsType(t, () => udp.bind(any(address)), name, `bind ${JSON.stringify(address)}`)
    throwsType(t, () => target.send(any(address), Buffer.from('x')), name, `send ${JSON.stringify(address)}`)
    throwsType(t, () => target.try_send(any(address), Buffer.from('x')), name, `try_send ${JSON.stringify(address)}`)
  }
})

test('a port or flowinfo out of range throws RangeError naming it', (t) => {
  const udp = handle(t)
  const target = bound4(t)
  for (const port of [-1, 65536, 1.5, NaN]) {
    throwsRange(t, () => udp.bind(['127.0.0.1', port]), 'port', `bind port ${port}`)
    throwsRange(t, () => target.send(['127.0.0.1', port], Buffer.from('x')), 'port', `send port ${port}`)
  }
  throwsRange(t, () => udp.bind(['::1', 0, 0x100000, 0]), 'flowinfo', 'bind flowinfo')
  throwsRange(t, () => target.send(['::1', 9, 0x100000, 0], Buffer.from('x')), 'flowinfo', 'send flowinfo')
  t.false(udp.closed)
})

test('send data that is not a view or is an empty array throws TypeError naming data', (t) => {
  const udp = bound4(t)
  const dest = udp.getsockname()
  for (const data of ['text', 42, { length: 1 }, [], null]) {
    throwsType(t, () => udp.send(dest, any(data)), 'data', `send ${JSON.stringify(data)}`)
  }
  for (const data of ['text', 42, { length: 1 }]) {
    throwsType(t, () => udp.try_send(dest, any(data)), 'data', `try_send ${JSON.stringify(data)}`)
  }
  t.is(udp.send_queue_count, 0)
})

test('a callback that is not a function throws TypeError naming callback', (t) => {
  const udp = bound4(t)
  const dest = udp.getsockname()
  throwsType(t, () => udp.send(dest, Buffer.from('x'), any('cb')), 'callback', 'send')
  throwsType(t, () => udp.start_recv(any(42)), 'callback', 'start_recv')
  throwsType(t, () => udp.start_recv(any(undefined)), 'callback', 'start_recv undefined')
  t.false(udp.active)
  throwsType(t, () => udp.close(any({})), 'callback', 'close')
  t.false(udp.closed)
})

test('set_broadcast and set_multicast_loop take only booleans', (t) => {
  const udp = bound4(t)
  throwsType(t, () => udp.set_broadcast(any('yes')), 'enable')
  throwsType(t, () => udp.set_multicast_loop(any(1)), 'enable')
})

test('set_ttl and set_multicast_ttl out of range throw UDPError UV_EINVAL, libuv’s own check', (t) => {
  const udp = bound4(t)
  throwsUV(t, () => udp.set_ttl(0), 'EINVAL', 'set_ttl(0)')
  throwsUV(t, () => udp.set_ttl(256), 'EINVAL', 'set_ttl(256)')
  throwsUV(t, () => udp.set_ttl(-1), 'EINVAL', 'set_ttl(-1)')
  throwsUV(t, () => udp.set_ttl(2 ** 32 + 1), 'EINVAL', 'set_ttl(2 ** 32 + 1): not wrapped to 1')
  throwsUV(t, () => udp.set_multicast_ttl(256), 'EINVAL', 'set_multicast_ttl(256)')
  throwsUV(t, () => udp.set_multicast_ttl(-1), 'EINVAL', 'set_multicast_ttl(-1)')
  throwsUV(t, () => udp.set_multicast_ttl(2 ** 53), 'EINVAL', 'set_multicast_ttl(2 ** 53)')
  for (const ttl of [1.5, NaN, Infinity]) {
    throwsType(t, () => udp.set_ttl(ttl), 'ttl', `set_ttl(${ttl})`)
    throwsType(t, () => udp.set_multicast_ttl(ttl), 'ttl', `set_multicast_ttl(${ttl})`)
  }
  t.notThrows(() => udp.set_ttl(1))
  t.notThrows(() => udp.set_ttl(255))
  t.notThrows(() => udp.set_multicast_ttl(0))
  t.notThrows(() => udp.set_multicast_ttl(255))
})

test('buffer sizes reject negative, fractional and non-number values', (t) => {
  const udp = bound4(t)
  throwsRange(t, () => {
    udp.send_buffer_size = -1
  }, 'send_buffer_size')
  throwsRange(t, () => {
    udp.send_buffer_size = 1.5
  }, 'send_buffer_size')
  throwsType(t, () => {
    udp.send_buffer_size = any('x')
  }, 'send_buffer_size')
  throwsRange(t, () => {
    udp.receive_buffer_size = -1
  }, 'receive_buffer_size')
  throwsType(t, () => {
    udp.receive_buffer_size = any('x')
  }, 'receive_buffer_size')
})

test('an invalid IP literal in bind, send or try_send throws TypeError', (t) => {
  const target = bound4(t)
  for (const host of ['localhost', '1.2.3', '::1::', '300.1.1.1']) {
    const udp = handle(t)
    throwsType(t, () => udp.bind([host, 0]), host, `bind ${host}`)
    throwsType(t, () => target.send([host, 9], Buffer.from('x')), host, `send ${host}`)
    throwsType(t, () => target.try_send([host, 9], Buffer.from('x')), host, `try_send ${host}`)
    // Nothing was bound by the failed bind.
    throwsUV(t, () => udp.getsockname(), 'EINVAL', `getsockname after bind ${host}`)
  }
})

// ---------------------------------------------------------------- bind errors

test('bind to an address in use throws UV_EADDRINUSE', (t) => {
  const a = bound4(t)
  const port = (a.getsockname() as Address4)[1]
  const b = handle(t)
  throwsUV(t, () => b.bind(['127.0.0.1', port]), 'EADDRINUSE')
  const c = handle(t, AF_INET)
  throwsUV(t, () => c.bind(['127.0.0.1', port]), 'EADDRINUSE')
})

test('bind to an address that is not local throws UV_EADDRNOTAVAIL', (t) => {
  const udp = handle(t)
  throwsUV(t, () => udp.bind(['192.0.2.1', 0]), 'EADDRNOTAVAIL')
})

test('bind to an address of the other family than the socket’s throws UV_EINVAL', (t) => {
  const v4 = handle(t, AF_INET)
  throwsUV(t, () => v4.bind(['::1', 0]), 'EINVAL', 'AF_INET socket, ::1')
  const v6 = handle(t, AF_INET6)
  throwsUV(t, () => v6.bind(['127.0.0.1', 0]), 'EINVAL', 'AF_INET6 socket, 127.0.0.1')
})

test('bind with UV_UDP_IPV6ONLY on an IPv4 address throws UV_EINVAL', (t) => {
  const udp = handle(t)
  throwsUV(t, () => udp.bind(['127.0.0.1', 0], UV_UDP_IPV6ONLY), 'EINVAL')
})

test('bind with unknown flag bits throws UV_EINVAL', (t) => {
  const udp = handle(t)
  throwsUV(t, () => udp.bind(['127.0.0.1', 0], 8), 'EINVAL', 'flag 8')
  throwsUV(t, () => udp.bind(['127.0.0.1', 0], UV_UDP_REUSEADDR | 0x100), 'EINVAL', 'flag 0x104')
})

test('getsockname without a socket throws UV_EINVAL; of a socket made but not bound it is the wildcard with port 0', (t) => {
  throwsUV(t, () => handle(t).getsockname(), 'EINVAL', 'AF_UNSPEC')
  // Windows refuses getsockname of an unbound socket, as libuv passes on.
  if (process.platform === 'win32') return
  t.deepEqual(handle(t, AF_INET).getsockname(), ['0.0.0.0', 0])
  t.deepEqual(handle(t, AF_INET6).getsockname(), ['::', 0, 0, 0])
})

test('family of an AF_UNSPEC handle without a socket throws UV_EINVAL', (t) => {
  throwsUV(t, () => handle(t).family, 'EINVAL')
})

test('set_membership with a non-multicast group or a bad membership throws UV_EINVAL', (t) => {
  const udp = handle(t)
  udp.bind(['0.0.0.0', 0])
  throwsUV(t, () => udp.set_membership('127.0.0.1', UV_JOIN_GROUP), 'EINVAL', 'group 127.0.0.1')
  throwsUV(t, () => udp.set_membership('239.1.2.3', 2), 'EINVAL', 'membership 2')
})

test('send to an IPv6 address from an IPv4-bound socket reports UV_EAFNOSUPPORT to the callback; try_send throws it', async (t) => {
  const udp = bound4(t)
  throwsUV(t, () => udp.try_send(['::1', 9], Buffer.from('x')), 'EAFNOSUPPORT', 'try_send')
  const called: unknown[] = []
  t.notThrows(() => udp.send(['::1', 9], Buffer.from('x'), (_h, e) => called.push(e)), 'send never throws it')
  t.is(udp.send_queue_count, 1)
  t.deepEqual(called, [], 'not synchronously')
  await within(3000, new Promise<void>((resolve) => setTimeout(function poll() {
    if (called.length > 0) resolve()
    else setTimeout(poll, 5)
  }, 5)), 'the send callback')
  t.deepEqual(called, [errno.UV_EAFNOSUPPORT])
  t.is(udp.send_queue_count, 0)
})

// ---------------------------------------------------------------- send and receive errors

test('a 70,000-byte datagram over IPv4 reaches the send callback as UV_EMSGSIZE, never a throw', async (t) => {
  const receiver = bound4(t)
  const sender = handle(t)
  const status = await within(
    2000,
    new Promise<number | null>((resolve) => {
      t.notThrows(() => sender.send(receiver.getsockname(), Buffer.alloc(70_000), (h, error) => {
        t.is(h, sender)
        resolve(error)
      }))
    }),
    'send callback',
  )
  t.is(status, errno.UV_EMSGSIZE)
  // The handle stays usable.
  t.false(sender.closed)
  t.is(sender.send_queue_count, 0)
})

test('start_recv twice throws UV_EALREADY', (t) => {
  const udp = bound4(t)
  udp.start_recv(() => {})
  throwsUV(t, () => udp.start_recv(() => {}), 'EALREADY')
  t.true(udp.active)
  udp.stop_recv()
  t.false(udp.active)
})

test('setters, fileno and buffer sizes before any socket exists throw UV_EBADF', (t) => {
  const udp = handle(t)
  throwsUV(t, () => udp.fileno(), 'EBADF', 'fileno')
  throwsUV(t, () => udp.set_broadcast(true), 'EBADF', 'set_broadcast')
  throwsUV(t, () => udp.set_ttl(64), 'EBADF', 'set_ttl')
  throwsUV(t, () => udp.set_multicast_ttl(1), 'EBADF', 'set_multicast_ttl')
  throwsUV(t, () => udp.set_multicast_loop(true), 'EBADF', 'set_multicast_loop')
  throwsUV(t, () => udp.set_multicast_interface(), 'EBADF', 'set_multicast_interface')
  throwsUV(t, () => udp.send_buffer_size, 'EBADF', 'send_buffer_size')
  throwsUV(t, () => udp.receive_buffer_size, 'EBADF', 'receive_buffer_size')
  // None of these made a socket.
  throwsUV(t, () => udp.family, 'EINVAL', 'family afterwards')
})

// ---------------------------------------------------------------- after close

test('after close(), every member throws HandleClosedError except closed, active, loop, send_queue_size, send_queue_count and ref', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  const address: Address = udp.getsockname()
  const data = Buffer.from('x')
  // On loopback the kernel takes the send at once; its callback has not run
  // when close() is called, so the counters have something to count.
  let sendStatus: number | null | undefined
  udp.send(address, data, (_h, error) => {
    sendStatus = error
  })
  t.is(udp.send_queue_count, 1, 'the send is counted until its callback runs')
  let closeCalls = 0
  let inCloseCallback: { count: number; size: number; ref: boolean; active: boolean } | undefined
  udp.close((handle) => {
    closeCalls++
    inCloseCallback = { count: handle.send_queue_count, size: handle.send_queue_size, ref: handle.ref, active: handle.active }
  })
  const members: [string, () => unknown][] = [
    ['bind', () => udp.bind(['127.0.0.1', 0])],
    ['open', () => udp.open(0)],
    ['getsockname', () => udp.getsockname()],
    ['connect', () => udp.connect(address)],
    ['connect(null)', () => udp.connect(null)],
    ['getpeername', () => udp.getpeername()],
    ['send', () => udp.send(address, data)],
    ['try_send', () => udp.try_send(address, data)],
    ['try_send_many', () => udp.try_send_many([[address, data]])],
    ['start_recv', () => udp.start_recv(() => {})],
    ['stop_recv', () => udp.stop_recv()],
    ['set_membership', () => udp.set_membership('239.1.2.3', UV_JOIN_GROUP)],
    ['set_source_membership', () => udp.set_source_membership('232.1.2.3', undefined, '127.0.0.1', UV_JOIN_GROUP)],
    ['set_multicast_interface', () => udp.set_multicast_interface()],
    ['set_multicast_ttl', () => udp.set_multicast_ttl(1)],
    ['set_multicast_loop', () => udp.set_multicast_loop(true)],
    ['set_broadcast', () => udp.set_broadcast(true)],
    ['set_ttl', () => udp.set_ttl(64)],
    ['fileno', () => udp.fileno()],
    ['send_buffer_size get', () => udp.send_buffer_size],
    [
      'send_buffer_size set',
      () => {
        udp.send_buffer_size = 65536
      },
    ],
    ['receive_buffer_size get', () => udp.receive_buffer_size],
    [
      'receive_buffer_size set',
      () => {
        udp.receive_buffer_size = 65536
      },
    ],
    ['recv_dropped', () => udp.recv_dropped],
    ['family', () => udp.family],
    ['close', () => udp.close()],
  ]
  const check = (when: string) => {
    for (const [name, fn] of members) throwsClosed(t, fn, `${name} ${when}`)
    t.true(udp.closed, `closed ${when}`)
    t.is(typeof udp.send_queue_size, 'number', `send_queue_size ${when}`)
    t.is(typeof udp.send_queue_count, 'number', `send_queue_count ${when}`)
    t.is(typeof udp.ref, 'boolean', `ref ${when}`)
    t.notThrows(() => {
      udp.ref = false
    }, `ref set ${when}`)
    t.notThrows(() => {
      udp.ref = true
    }, `ref set ${when}`)
  }
  check('right after close()')
  t.false(udp.active, 'a closing handle is not active (libuv stops it in uv_close)')
  t.is(udp.loop, loop)
  await within(2000, loop.run(), 'loop.run')
  await new Promise((resolve) => setImmediate(resolve))
  t.is(closeCalls, 1)
  t.is(sendStatus, null, 'the kernel took the send before close(): its own outcome, not ECANCELED')
  t.deepEqual(inCloseCallback, { count: 0, size: 0, ref: true, active: false }, 'the close callback reads the counters and ref')
  check('after the close callback')
  t.false(udp.active)
  t.is(udp.loop, null)
  await new Promise((resolve) => setImmediate(resolve))
  t.is(closeCalls, 1, 'a second close() must not schedule another close callback')
})

test('a closed AF_UNSPEC handle that never had a socket also throws HandleClosedError', (t) => {
  const udp = new UDP(new Loop())
  udp.close()
  throwsClosed(t, () => udp.fileno(), 'fileno')
  throwsClosed(t, () => udp.family, 'family')
  throwsClosed(t, () => udp.send_buffer_size, 'send_buffer_size')
  throwsClosed(t, () => udp.bind(['127.0.0.1', 0]), 'bind')
  throwsClosed(t, () => udp.close(), 'close')
})
