// Promises of the README's API reference that no other spec checked (issue
// 12): each test here also kills a mutation that survived the suite before.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { AF_INET, AF_INET6, type Address, Loop, UDPError, errno } from '../index.js'
import { linux, needs, privateNamespace } from './support/capability.js'
import { handle, until, within } from './support/handles.js'

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url))

function runChild(command: string, args: string[], ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: ms }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out)))
  })
}

// ---------------------------------------------------------------- received tuples

for (const [host, family] of [
  ['127.0.0.1', AF_INET],
  ['::1', AF_INET6],
] as const) {
  test(`${host}: the address tuple a receive callback gets is frozen`, async (t) => {
    const loop = new Loop()
    const rx = handle(t, loop, family)
    rx.bind([host, 0])
    const tx = handle(t, loop, family)
    tx.bind([host, 0])
    const got: (Address | null)[] = []
    rx.start_recv((_h, address) => got.push(address))
    tx.send(rx.getsockname(), Buffer.from('x'))
    await until(() => got.length === 1, 5000, 'the datagram')
    const address = got[0] as unknown[]
    t.deepEqual(address, tx.getsockname())
    t.true(Object.isFrozen(address))
    // Module code is strict: writing to a frozen array throws.
    t.throws(() => {
      address[1] = 1
    }, { instanceOf: TypeError })
    t.throws(() => address.push(0), { instanceOf: TypeError })
    t.deepEqual(address, tx.getsockname(), 'unchanged')
  })
}

// ---------------------------------------------------------------- try_send and the send queue

for (const [host, family] of [
  ['127.0.0.1', AF_INET],
  ['::1', AF_INET6],
] as const) {
  test(`${host}: try_send while a send's callback has not run throws UDPError UV_EAGAIN; after the callback it sends`, async (t) => {
    const loop = new Loop()
    const rx = handle(t, loop, family)
    rx.bind([host, 0])
    const tx = handle(t, loop, family)
    tx.bind([host, 0])
    const callbacks: (number | null)[] = []
    tx.send(rx.getsockname(), Buffer.from('queued'), (_h, error) => callbacks.push(error))
    t.is(tx.send_queue_count, 1, 'the send counts until its callback (libuv)')
    const error = t.throws(() => tx.try_send(rx.getsockname(), Buffer.from('now')), { instanceOf: UDPError })
    t.is(error?.errno, errno.UV_EAGAIN)
    t.is(error?.code, 'EAGAIN')
    t.deepEqual(error?.args, [errno.UV_EAGAIN, errno.strerror(errno.UV_EAGAIN)])
    await until(() => callbacks.length === 1, 5000, 'the send callback')
    t.deepEqual(callbacks, [null])
    t.is(tx.send_queue_count, 0)
    t.is(tx.try_send(rx.getsockname(), Buffer.from('now')), 3)
  })
}

test('try_send_many while a send is pending throws UDPError UV_EAGAIN', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop, AF_INET)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop, AF_INET)
  let called = false
  tx.send(rx.getsockname(), Buffer.from('queued'), () => (called = true))
  const error = t.throws(() => tx.try_send_many([[rx.getsockname(), Buffer.from('now')]]), { instanceOf: UDPError })
  t.is(error?.code, 'EAGAIN')
  t.is(error?.errno, errno.UV_EAGAIN)
  await until(() => called, 5000, 'the send callback')
})

// ---------------------------------------------------------------- ranges of an address tuple

test('port 65535 is a valid destination and 65536 a RangeError naming the port', async (t) => {
  const loop = new Loop()
  const tx = handle(t, loop, AF_INET)
  const errors: (number | null)[] = []
  // Nothing listens there, and a send to a closed port is not an error (IP_RECVERR is off).
  tx.send(['127.0.0.1', 65535], Buffer.from('x'), (_h, error) => errors.push(error))
  await until(() => errors.length === 1, 5000, 'the send callback')
  t.deepEqual(errors, [null])
  t.throws(() => tx.send(['127.0.0.1', 65536], Buffer.from('x')), { instanceOf: RangeError, message: /port/ })
  t.throws(() => tx.try_send(['127.0.0.1', -1], Buffer.from('x')), { instanceOf: RangeError, message: /port/ })
})

test('bind accepts port 65535 (or says it is in use) and refuses 65536 with RangeError', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  try {
    udp.bind(['127.0.0.1', 65535])
    t.deepEqual(udp.getsockname(), ['127.0.0.1', 65535])
  } catch (error) {
    // Another program may hold the port: that is the kernel's answer, not a range check.
    t.true(error instanceof UDPError && error.code === 'EADDRINUSE', String(error))
  }
  const other = handle(t, new Loop(), AF_INET)
  t.throws(() => other.bind(['127.0.0.1', 65536]), { instanceOf: RangeError, message: /port/ })
})

test('scope_id 0xffffffff and flowinfo 0xfffff pass the range checks; 2**32 and 0x100000 are RangeErrors', async (t) => {
  const loop = new Loop()
  const tx = handle(t, loop, AF_INET6)
  tx.bind(['::1', 0])
  // The kernel may refuse a scope that names no interface: that reaches the
  // callback (or is a UDPError), never a RangeError.
  const outcome = await within(5000, new Promise<unknown>((resolve) => {
    try {
      tx.send(['::1', 9, 0, 0xffffffff], Buffer.from('x'), (_h, error) => resolve(error))
    } catch (error) {
      resolve(error)
    }
  }), 'the send callback')
  t.true(outcome === null || typeof outcome === 'number' || outcome instanceof UDPError, `scope_id 0xffffffff: ${String(outcome)}`)
  const flow = await within(5000, new Promise<unknown>((resolve) => {
    try {
      tx.send(['::1', 9, 0xfffff, 0], Buffer.from('x'), (_h, error) => resolve(error))
    } catch (error) {
      resolve(error)
    }
  }), 'the send callback')
  t.true(flow === null || typeof flow === 'number' || flow instanceof UDPError, `flowinfo 0xfffff: ${String(flow)}`)
  t.throws(() => tx.send(['::1', 9, 0, 2 ** 32], Buffer.from('x')), { instanceOf: RangeError, message: /scope_id/ })
  t.throws(() => tx.send(['::1', 9, 0x100000, 0], Buffer.from('x')), { instanceOf: RangeError, message: /flowinfo/ })
  t.throws(() => tx.send(['::1', 9, 0, -1], Buffer.from('x')), { instanceOf: RangeError, message: /scope_id/ })
})

// ---------------------------------------------------------------- errno

test('errno.strerror of a code libuv does not know is "Unknown system error <code>"', (t) => {
  t.is(errno.strerror(-987654), 'Unknown system error -987654')
  t.is(errno.strerror(1), 'Unknown system error 1')
  t.false(-987654 in errno.errorcode)
})

// ---------------------------------------------------------------- open(fd)

// python3 makes a blocking UDP socket without SO_REUSEADDR, bound to
// 127.0.0.1, and execs Node with it; the child reads the descriptor's flags
// before and after open(), and binds a second socket to the same port with
// UV_UDP_REUSEADDR, which Linux allows only when both sockets have SO_REUSEADDR.
const OPEN_PARENT = `
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
fd = s.fileno()
os.set_inheritable(fd, True)
os.execv(sys.argv[1], [sys.argv[1], '-e', sys.argv[2], str(fd), str(s.getsockname()[1])])
`
const OPEN_CHILD = `
const fs = require('node:fs')
const { Loop, UDP, UV_UDP_REUSEADDR } = require(${JSON.stringify(INDEX)})
const [fd, port] = [Number(process.argv[1]), Number(process.argv[2])]
const O_NONBLOCK = 0o4000 // Linux (x86, arm)
const flags = () => parseInt(/^flags:\\s+([0-7]+)/m.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'))[1], 8)
const bindSecond = () => { const s = new UDP(loop); try { s.bind(['127.0.0.1', port], UV_UDP_REUSEADDR); return 'bound' } catch (e) { return e.code } finally { s.close() } }
const loop = new Loop()
const out = { nonblockingBefore: (flags() & O_NONBLOCK) !== 0 }
out.secondBefore = bindSecond()
const udp = new UDP(loop)
udp.open(fd)
out.nonblockingAfter = (flags() & O_NONBLOCK) !== 0
out.secondAfter = bindSecond()
udp.close()
process.stdout.write(JSON.stringify(out), () => process.exit(0))
`

needs(linux('reading O_NONBLOCK from /proc/self/fdinfo and SO_REUSEADDR port sharing'), { requiredInCI: false })(
  'open(fd) puts the adopted socket in non-blocking mode and sets SO_REUSEADDR, as uv_udp_open',
  async (t) => {
    const out = JSON.parse(await runChild('python3', ['-c', OPEN_PARENT, process.execPath, OPEN_CHILD], 15_000))
    t.false(out.nonblockingBefore, 'python made a blocking socket')
    t.is(out.secondBefore, 'EADDRINUSE', 'without SO_REUSEADDR on the first socket the port is not shared')
    t.true(out.nonblockingAfter, 'open() made it non-blocking')
    t.is(out.secondAfter, 'bound', 'open() set SO_REUSEADDR: a UV_UDP_REUSEADDR socket shares the port')
  },
)

// ---------------------------------------------------------------- set_membership's implicit bind

// Joining a group sends IGMP reports: only inside a private namespace.
const MULTICAST_LO = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'
const MEMBERSHIP_CHILD = `
const { Loop, UDP, UV_JOIN_GROUP, UV_UDP_REUSEADDR } = require(${JSON.stringify(INDEX)})
const loop = new Loop()
const member = new UDP(loop)
member.set_membership('239.1.2.3', UV_JOIN_GROUP)
const out = { sockname: member.getsockname() }
const port = out.sockname[1]
const attempt = (flags) => { const s = new UDP(loop); try { s.bind(['0.0.0.0', port], flags); return 'bound' } catch (e) { return e.code } finally { s.close() } }
out.withReuse = attempt(UV_UDP_REUSEADDR)
out.withoutReuse = attempt(0)
member.close()
process.stdout.write(JSON.stringify(out), () => process.exit(0))
`

needs(privateNamespace(MULTICAST_LO, 'joining a group (IGMP reports)'))(
  'set_membership on an unbound handle binds it to 0.0.0.0 with UV_UDP_REUSEADDR: another REUSEADDR socket shares the port',
  async (t) => {
    const out = JSON.parse(
      await runChild('unshare', ['-rn', 'sh', '-c', `${MULTICAST_LO} && exec "$0" -e "$1"`, process.execPath, MEMBERSHIP_CHILD], 15_000),
    )
    t.is(out.sockname[0], '0.0.0.0')
    t.true(out.sockname[1] > 0)
    t.is(out.withReuse, 'bound')
    t.is(out.withoutReuse, 'EADDRINUSE', 'control: a socket without REUSEADDR may not share it')
  },
)

// ---------------------------------------------------------------- errors from the native side

test('a UVError of a code libuv does not know has code UNKNOWN and libuv’s "Unknown system error" text', (t) => {
  const error = new UDPError(-987654)
  t.is(error.errno, -987654)
  t.is(error.code, 'UNKNOWN')
  t.is(error.message, 'Unknown system error -987654')
  t.deepEqual(error.args, [-987654, 'Unknown system error -987654'])
  t.is(error.name, 'UDPError')
})

test('an invalid IP literal is a TypeError whose message names the argument, with no internal prefix', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  const expected = "address: invalid IP address: 'nope'"
  t.throws(() => udp.bind(['nope', 0]), { instanceOf: TypeError, message: expected })
  t.throws(() => udp.send(['nope', 1], Buffer.from('x')), { instanceOf: TypeError, message: expected })
  t.throws(() => udp.try_send(['nope', 1], Buffer.from('x')), { instanceOf: TypeError, message: expected })
  t.throws(() => udp.connect(['nope', 1]), { instanceOf: TypeError, message: expected })
})

test('an exception the caller’s own getter throws comes through as it is, an Error or not', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  udp.bind(['127.0.0.1', 0])
  const boom = new Error('type: uv:-22 a message that looks like ours')
  const throwing = (value: unknown) => {
    const messages: unknown[] = [null]
    Object.defineProperty(messages, 0, {
      get() {
        throw value
      },
    })
    return messages as [Address, Buffer][]
  }
  t.is(t.throws(() => udp.try_send_many(throwing(boom))), boom)
  const thrown: unknown[] = []
  for (const value of ['a string', 42, undefined]) {
    try {
      udp.try_send_many(throwing(value))
      thrown.push('nothing')
    } catch (error) {
      thrown.push(error)
    }
  }
  t.deepEqual(thrown, ['a string', 42, undefined])
  const gathered = [Buffer.from('a')]
  Object.defineProperty(gathered, 0, {
    get() {
      throw boom
    },
  })
  t.is(t.throws(() => udp.send(udp.getsockname(), gathered)), boom)
})

// ---------------------------------------------------------------- payloads

test('a detached ArrayBuffer, or a view of one, is a TypeError that says so and names the argument', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  udp.bind(['127.0.0.1', 0])
  const buffer = new ArrayBuffer(8)
  const view = new Uint16Array(buffer)
  structuredClone(buffer, { transfer: [buffer] })
  t.is(buffer.byteLength, 0, 'detached')
  const to = udp.getsockname()
  t.throws(() => udp.send(to, buffer), { instanceOf: TypeError, message: 'data must not be a detached buffer' })
  t.throws(() => udp.try_send(to, view), { instanceOf: TypeError, message: 'data must not be a detached buffer' })
  t.throws(() => udp.send(to, [Buffer.from('a'), view]), { instanceOf: TypeError, message: 'data[1] must not be a detached buffer' })
})

test('a bad element of a one-element array is named by its index', (t) => {
  const udp = handle(t, new Loop(), AF_INET)
  udp.bind(['127.0.0.1', 0])
  const to = udp.getsockname()
  t.throws(() => udp.send(to, ['x'] as unknown as Buffer[]), { instanceOf: TypeError, message: /^data\[0\] must be a Buffer/ })
  t.throws(() => udp.send(to, [Buffer.from('a'), 'x'] as unknown as Buffer[]), { instanceOf: TypeError, message: /^data\[1\] must be a Buffer/ })
})
