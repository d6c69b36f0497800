/** bind in all its forms, 'listening', host names, the lookup option, bind errors, fd. */
import { execFile, execFileSync, spawn } from 'node:child_process'
import nodeDgram from 'node:dgram'
import { closeSync, constants, openSync, unlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { backend as uvBackend } from '../../index.js'

import { bound, both, listening, nextEvent, shape, socket, thrown, until } from './support.js'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const FD_FIXTURE = fileURLToPath(new URL('fixtures/bind-fd.cjs', import.meta.url))
const BIND_PORT_FIXTURE = fileURLToPath(new URL('fixtures/bind-port-throws.cjs', import.meta.url))

both('bind(port, address, callback): listening, then the callback, with the bound address', async (t, dgram) => {
  const s = socket(t, dgram)
  const order: string[] = []
  s.on('listening', () => order.push('listening'))
  const returned = s.bind(0, '127.0.0.1', function (this: unknown) {
    order.push('callback')
    t.is(this, s)
  })
  t.is(returned, s)
  t.deepEqual(order, [], 'not synchronous')
  await new Promise<void>((resolve) => s.once('listening', () => setImmediate(resolve)))
  t.deepEqual(order, ['listening', 'callback'])
  const address = s.address()
  t.is(address.address, '127.0.0.1')
  t.is(address.family, 'IPv4')
  t.true(address.port > 0)
  t.deepEqual(Object.keys(address).sort(), ['address', 'family', 'port'])
})

both('bind() with no arguments binds every interface, a random port', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind()
  await listening(s)
  t.is(s.address().address, '0.0.0.0')
  t.true(s.address().port > 0)
  const s6 = socket(t, dgram, 'udp6')
  s6.bind()
  await listening(s6)
  t.is(s6.address().address, '::')
  t.is(s6.address().family, 'IPv6')
})

both('bind(callback) and bind(port, callback)', async (t, dgram) => {
  const a = socket(t, dgram)
  await new Promise<void>((resolve) => a.bind(() => resolve()))
  t.is(a.address().address, '0.0.0.0')
  const b = socket(t, dgram)
  await new Promise<void>((resolve) => b.bind(0, () => resolve()))
  t.true(b.address().port > 0)
})

both('bind({ port, address, exclusive }, callback)', async (t, dgram) => {
  const s = socket(t, dgram)
  await new Promise<void>((resolve) => s.bind({ port: 0, address: '127.0.0.1', exclusive: true }, resolve))
  t.is(s.address().address, '127.0.0.1')
  const s2 = socket(t, dgram)
  await new Promise<void>((resolve) => s2.bind({}, resolve))
  t.is(s2.address().address, '0.0.0.0')
})

both('bind to a given port', async (t, dgram) => {
  const probe = socket(t, dgram)
  probe.bind(0, '127.0.0.1')
  await listening(probe)
  const port = probe.address().port
  probe.close()
  await nextEvent(probe, ['close'])
  const s = socket(t, dgram)
  s.bind(port, '127.0.0.1')
  await listening(s)
  t.is(s.address().port, port)
})

both('a host name is resolved with dns.lookup for the socket family', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, 'localhost')
  await listening(s)
  t.is(s.address().address, '127.0.0.1')
})

both('the lookup option resolves bind addresses, with the family', async (t, dgram) => {
  const asked: unknown[] = []
  const lookup = (host: string, family: unknown, callback: (err: Error | null, address: string, family: number) => void) => {
    asked.push([host, family])
    process.nextTick(callback, null, '127.0.0.1', 4)
  }
  const s = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  s.bind(0, 'my-host.example')
  await listening(s)
  t.deepEqual(asked, [['my-host.example', 4]])
  t.is(s.address().address, '127.0.0.1')
})

both('a lookup error is emitted as error; the socket may bind again', async (t, dgram) => {
  const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere'), { code: 'ENOTFOUND' })
  const lookup = (_host: string, _family: unknown, callback: (err: Error | null, address: string, family: number) => void) =>
    process.nextTick(() => callback(failure, '', 0))
  const s = socket(t, dgram, { type: 'udp4', lookup: lookup as never })
  s.bind(0, 'nowhere')
  const { event, args } = await nextEvent(s, ['error', 'listening'])
  t.is(event, 'error')
  t.is(args[0], failure, 'the lookup error itself')
  t.is(s.listenerCount('listening'), 0)
})

both('binding twice throws ERR_SOCKET_ALREADY_BOUND, also while the first is resolving', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  const expected = { name: 'Error', code: 'ERR_SOCKET_ALREADY_BOUND', message: 'Socket is already bound' }
  t.deepEqual(thrown(t, () => s.bind(0)), expected)
  await listening(s)
  t.deepEqual(thrown(t, () => s.bind(0)), expected)
})

both('an address in use is emitted as error EADDRINUSE with syscall, address and port', async (t, dgram) => {
  const first = socket(t, dgram)
  first.bind(0, '127.0.0.1')
  await listening(first)
  const port = first.address().port
  const second = socket(t, dgram)
  second.bind(port, '127.0.0.1')
  const { event, args } = await nextEvent(second, ['error', 'listening'])
  t.is(event, 'error')
  t.deepEqual(shape(args[0]), {
    name: 'Error',
    message: `bind EADDRINUSE 127.0.0.1:${port}`,
    code: 'EADDRINUSE',
    errno: -98,
    syscall: 'bind',
    address: '127.0.0.1',
    port,
  })
  // Unbound again: a second bind may succeed.
  second.bind(0, '127.0.0.1')
  await listening(second)
  t.pass()
})

both('reuseAddr lets two sockets bind one port', async (t, dgram) => {
  const a = socket(t, dgram, { type: 'udp4', reuseAddr: true })
  a.bind(0, '127.0.0.1')
  await listening(a)
  const b = socket(t, dgram, { type: 'udp4', reuseAddr: true })
  b.bind(a.address().port, '127.0.0.1')
  await listening(b)
  t.is(b.address().port, a.address().port)
})

both('an address that is not local is EADDRNOTAVAIL', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '192.0.2.1')
  const { event, args } = await nextEvent(s, ['error', 'listening'])
  t.is(event, 'error')
  t.like(shape(args[0]), { code: 'EADDRNOTAVAIL', syscall: 'bind', address: '192.0.2.1', message: 'bind EADDRNOTAVAIL 192.0.2.1' })
})

both('an address of the other family is EINVAL (udp4 given ::1, udp6 given 127.0.0.1)', async (t, dgram) => {
  const s4 = socket(t, dgram, 'udp4')
  s4.bind(0, '::1')
  const e4 = await nextEvent(s4, ['error', 'listening'])
  t.is(e4.event, 'error')
  t.like(shape(e4.args[0]), { code: 'EINVAL', syscall: 'bind', address: '::1', message: 'bind EINVAL ::1' })
  const s6 = socket(t, dgram, 'udp6')
  s6.bind(1234, '127.0.0.1')
  const e6 = await nextEvent(s6, ['error', 'listening'])
  t.like(shape(e6.args[0]), { code: 'EINVAL', message: 'bind EINVAL 127.0.0.1:1234', port: 1234 })
})

both('ipv6Only: a udp6 socket bound to :: with ipv6Only leaves the IPv4 port free', async (t, dgram) => {
  const s6 = socket(t, dgram, { type: 'udp6', ipv6Only: true })
  s6.bind(0, '::')
  await listening(s6)
  const s4 = socket(t, dgram, 'udp4')
  s4.bind(s6.address().port, '0.0.0.0')
  const { event } = await nextEvent(s4, ['error', 'listening'])
  t.is(event, 'listening')
})

both('without ipv6Only a dual-stack :: bind takes the IPv4 port too', async (t, dgram) => {
  const s6 = socket(t, dgram, 'udp6')
  s6.bind(0, '::')
  await listening(s6)
  const s4 = socket(t, dgram, 'udp4')
  s4.bind(s6.address().port, '0.0.0.0')
  const { event, args } = await nextEvent(s4, ['error', 'listening'])
  t.is(event, 'error')
  t.like(shape(args[0]), { code: 'EADDRINUSE' })
})

both('ipv6Only on a udp4 socket is EINVAL', async (t, dgram) => {
  const s = socket(t, dgram, { type: 'udp4', ipv6Only: true })
  s.bind(0, '127.0.0.1')
  const { event, args } = await nextEvent(s, ['error', 'listening'])
  t.is(event, 'error')
  t.like(shape(args[0]), { code: 'EINVAL', syscall: 'bind' })
})

both('a bind error with a callback given: the callback never runs, the error listener gets it', async (t, dgram) => {
  const first = socket(t, dgram)
  first.bind(0, '127.0.0.1')
  await listening(first)
  const s = socket(t, dgram)
  let called = false
  const errors: unknown[] = []
  s.on('error', (error) => errors.push(error))
  s.bind(first.address().port, '127.0.0.1', () => {
    called = true
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.false(called)
  t.is(errors.length, 1)
  t.is(s.listenerCount('error'), 1, "bind's own listeners are removed")
})

both('bind({ fd }) of a file throws ERR_INVALID_FD_TYPE', (t, dgram) => {
  const file = join(tmpdir(), `uv-udp-dgram-fd-${process.pid}`)
  const fd = openSync(file, 'w')
  t.teardown(() => closeSync(fd))
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.bind({ fd })), { name: 'TypeError', code: 'ERR_INVALID_FD_TYPE', message: 'Unsupported fd type: FILE' })
})

// Node adopts `fd` only when it is an int32 above 0 (isInt32): any other
// value is no descriptor, and the socket binds its address and port.
both('bind({ fd }) with an fd that is no int32 (1.5, "1", true, 2 ** 31, [1]) ignores it and binds the port', async (t, dgram) => {
  for (const fd of [1.5, '1', true, 2 ** 31, [1]]) {
    const s = socket(t, dgram)
    s.bind({ fd: fd as unknown as number, port: 0, address: '127.0.0.1' })
    await listening(s)
    t.is(s.address().address, '127.0.0.1', String(fd))
    s.close()
  }
})

// A descriptor the loop already watches for another socket: Node's handle
// open fails with EEXIST (libuv's uv_udp_open), thrown, and the socket
// stays unusable; the other socket keeps its descriptor.
both.skipUnless(uvBackend === 'uv', "'uv' driver only: the reactor cannot see Node's loop", 'bind({ fd }) of a descriptor another socket of this loop watches throws open EEXIST', async (t, dgram) => {
  const owner = await bound(t, nodeDgram)
  const fd = (owner as unknown as { _handle: { fd: number } })._handle.fd
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.bind({ fd })), { name: 'Error', code: 'EEXIST', errno: -17, syscall: 'open', message: 'open EEXIST' })
  t.deepEqual(thrown(t, () => s.address()), { name: 'Error', code: 'EBADF', errno: -9, syscall: 'getsockname', message: 'getsockname EBADF' })
  t.is(owner.address().address, '127.0.0.1')
})

// Node's binding reads the port as a uint32 (ToNumber): a BigInt or a
// Symbol throws from the bind's lookup callback, uncaught, and nothing binds.
both('bind(port) with a BigInt or a Symbol port: TypeError uncaught from the lookup callback, no listening', (t, _dgram, impl) => {
  for (const kind of ['bigint', 'symbol']) {
    const out = execFileSync(process.execPath, [BIND_PORT_FIXTURE, impl.name, kind], { cwd: REPO, encoding: 'utf8', timeout: 10_000 })
    const name = kind === 'bigint' ? 'BigInt' : 'Symbol'
    t.deepEqual(JSON.parse(out), { uncaught: `TypeError: Cannot convert a ${name} value to a number`, listening: false }, kind)
  }
})

// libuv's uv_guess_handle types a datagram socket that is not IP (AF_UNIX)
// UNKNOWN, and Node refuses it before opening it; the descriptor stays its
// owner's (python3 makes the pair and reads what the child sends after).
const UNIX_PAIR = fileURLToPath(new URL('../fixtures/unix-datagram-pair.py', import.meta.url))
both('bind({ fd }) of an AF_UNIX datagram socket throws ERR_INVALID_FD_TYPE UNKNOWN and leaves the descriptor working', async (t, _dgram, impl) => {
  const child = `
const { createRequire } = require('node:module')
const dgram = createRequire(require('node:path').join(process.cwd(), 'noop.js'))(${JSON.stringify(impl.name)})
const fd = Number(process.argv[1])
const s = dgram.createSocket('udp4')
let thrown = null
try { s.bind({ fd }) } catch (e) { thrown = { name: e.name, code: e.code, message: e.message } }
require('node:fs').writeSync(fd, 'still mine')
process.stdout.write(JSON.stringify({ thrown }))
process.exit(0)
`
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('python3', [UNIX_PAIR, process.execPath, child], { cwd: REPO, timeout: 20_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
    )
  })
  const out = JSON.parse(stdout)
  t.deepEqual(out.child.thrown, { name: 'TypeError', code: 'ERR_INVALID_FD_TYPE', message: 'Unsupported fd type: UNKNOWN' })
  t.deepEqual(out.peer, ['still mine'])
})

both('bind after close throws ERR_SOCKET_DGRAM_NOT_RUNNING', (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.close()
  t.deepEqual(thrown(t, () => s.bind(0)), { name: 'Error', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' })
})

both('closing while the bind resolves: no listening, no error, only close', async (t, dgram) => {
  const s = dgram.createSocket('udp4')
  const events: string[] = []
  for (const event of ['listening', 'error', 'close']) s.on(event, () => events.push(event))
  s.bind(0, 'localhost')
  s.close()
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.deepEqual(events, ['close'])
})

both('bind({ fd }) adopts an open UDP socket: listening at once, its address, its datagrams', async (t, dgram, impl) => {
  if (process.platform !== 'linux') {
    t.pass('bash /dev/udp: Linux')
    return
  }
  const rx = socket(t, dgram)
  rx.bind(0, '127.0.0.1')
  await listening(rx)
  // bash opens the descriptor, connected to rx, and hands it to the fixture as fd 7.
  const child = spawn('bash', ['-c', `exec 7<>/dev/udp/127.0.0.1/${rx.address().port} && exec "$0" "$@"`, process.execPath, FD_FIXTURE, impl.name, '7'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: Record<string, unknown>[] = []
  let buffered = ''
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    let at
    while ((at = buffered.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffered.slice(0, at)))
      buffered = buffered.slice(at + 1)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  await until(() => lines.some((line) => line.event === 'address') && lines.some((line) => line.event === 'sent'), 5000, 'the fixture')
  const address = lines.find((line) => line.event === 'address') as { port: number }
  rx.send('to the fd', address.port, '127.0.0.1')
  t.is(await exited, 0)
  t.deepEqual(lines.map((line) => (line.event === 'address' ? { ...line, port: typeof line.port } : line)), [
    { event: 'listening', sync: true },
    { event: 'address', address: '127.0.0.1', family: 'IPv4', port: 'number' },
    // The socket is connected (by bash): a destination is refused, as libuv refuses it.
    { event: 'sent', error: 'EISCONN send' },
    { event: 'message', text: 'to the fd' },
  ])
})

both.skipUnless(
  process.platform === 'linux',
  'mkfifo and /dev/ptmx as on Linux',
  'bind({ fd }) of a pipe, a directory, a terminal or a closed descriptor throws ERR_INVALID_FD_TYPE with its kind',
  (t, dgram) => {
    const fifo = join(tmpdir(), `uv-udp-dgram-fifo-${process.pid}-${Math.random().toString(36).slice(2)}`)
    execFileSync('mkfifo', [fifo])
    const kinds: [string, number][] = [
      ['PIPE', openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK)],
      ['UNKNOWN', openSync(tmpdir(), 'r')],
      ['TTY', openSync('/dev/ptmx', 'r+')],
    ]
    t.teardown(() => {
      for (const [, fd] of kinds) closeSync(fd)
      unlinkSync(fifo)
    })
    for (const [kind, fd] of kinds) {
      const s = socket(t, dgram)
      t.deepEqual(thrown(t, () => s.bind({ fd })), { name: 'TypeError', code: 'ERR_INVALID_FD_TYPE', message: `Unsupported fd type: ${kind}` }, kind)
    }
    // The socket first: a descriptor it opens could take the closed one's number.
    const s = socket(t, dgram)
    const closed = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK)
    closeSync(closed)
    t.deepEqual(thrown(t, () => s.bind({ fd: closed })), { name: 'TypeError', code: 'ERR_INVALID_FD_TYPE', message: 'Unsupported fd type: UNKNOWN' }, 'closed')
  },
)
