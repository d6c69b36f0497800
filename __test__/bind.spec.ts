import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import {
  AF_INET,
  AF_INET6,
  type Address,
  Loop,
  UDP,
  UDPError,
  UV_UDP_IPV6ONLY,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  errno,
} from '../index.js'

import { sleep, until, handle } from './support/handles.js'
import { linux, needs, posix } from './support/capability.js'

// Spreading a port's datagrams over REUSEPORT sockets is Linux's SO_REUSEPORT (socket(7)); other systems do not promise it.
const linuxTest = needs(linux('UV_UDP_REUSEPORT load-balancing'), { requiredInCI: false })
const posixTest = needs(posix('fstat of fileno(), open(fd) of inherited descriptors'), { requiredInCI: false })

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url))

function throwsUV(t: ExecutionContext, fn: () => unknown, code: string): void {
  const error = t.throws(fn, { instanceOf: UDPError })
  t.is(error?.errno, (errno as unknown as Record<string, number>)[`UV_${code}`], `errno of UV_${code}`)
  t.is(error?.code, code)
}

test('bind to 127.0.0.1:0 gives getsockname a 2-tuple with a nonzero port', (t) => {
  const udp = handle(t, new Loop())
  udp.bind(['127.0.0.1', 0])
  const local = udp.getsockname()
  t.is(local.length, 2)
  t.is(local[0], '127.0.0.1')
  t.true(Number.isInteger(local[1]) && local[1] > 0)
})

test("bind to ['::1', 0] gives getsockname the 4-tuple ['::1', port, 0, 0]", (t) => {
  const udp = handle(t, new Loop())
  udp.bind(['::1', 0])
  const local = udp.getsockname()
  t.true(local[1] > 0)
  t.deepEqual(local, ['::1', local[1], 0, 0])
})

test("bind to ['', 0] binds 0.0.0.0", (t) => {
  const udp = handle(t, new Loop())
  udp.bind(['', 0])
  const local = udp.getsockname()
  t.is(local.length, 2)
  t.is(local[0], '0.0.0.0')
  t.true(local[1] > 0)
  t.is(udp.family, AF_INET)
})

test("an AF_INET6 socket bound to '::' without IPV6ONLY receives from IPv4 and reports the peer as ['::ffff:127.0.0.1', port, 0, 0]", async (t) => {
  const loop = new Loop()
  const server = handle(t, loop, AF_INET6)
  server.bind(['::', 0])
  const port = server.getsockname()[1]
  const peers: (Address | null)[] = []
  server.start_recv((h, peer, _flags, data) => {
    peers.push(peer)
    if (peer && data) h.send(peer, data) // echo back to the v4-mapped address
  })
  const client = handle(t, loop)
  client.bind(['127.0.0.1', 0])
  const echoes: (Address | null)[] = []
  client.start_recv((_h, peer) => echoes.push(peer))
  client.send(['127.0.0.1', port], Buffer.from('v4 to dual-stack'))
  await until(() => echoes.length === 1, 3000, 'the echo')
  t.deepEqual(peers, [['::ffff:127.0.0.1', client.getsockname()[1], 0, 0]])
  t.deepEqual(echoes, [['127.0.0.1', port]])
  // The dual-stack socket holds the IPv4 port too.
  const v4 = handle(t, loop)
  throwsUV(t, () => v4.bind(['127.0.0.1', port]), 'EADDRINUSE')
})

test('an AF_INET6 socket bound with UV_UDP_IPV6ONLY receives no IPv4, and an IPv4 socket can bind the same port', async (t) => {
  const loop = new Loop()
  const server = handle(t, loop)
  server.bind(['::', 0], UV_UDP_IPV6ONLY)
  const port = server.getsockname()[1]
  const got: string[] = []
  server.start_recv((_h, _peer, _flags, data) => got.push(String(data)))
  const v4client = handle(t, loop)
  v4client.send(['127.0.0.1', port], Buffer.from('v4'))
  await sleep(300)
  t.deepEqual(got, [], 'nothing arrives from IPv4')
  // The socket does receive: IPv6 arrives.
  const v6client = handle(t, loop)
  v6client.send(['::1', port], Buffer.from('v6'))
  await until(() => got.length === 1, 3000, 'the IPv6 datagram')
  t.deepEqual(got, ['v6'])
  const v4 = handle(t, loop)
  t.notThrows(() => v4.bind(['127.0.0.1', port]))
  t.deepEqual(v4.getsockname(), ['127.0.0.1', port])
})

test('two sockets bind the same 127.0.0.1 port with UV_UDP_REUSEADDR', (t) => {
  const loop = new Loop()
  const a = handle(t, loop)
  a.bind(['127.0.0.1', 0], UV_UDP_REUSEADDR)
  const address = a.getsockname()
  const b = handle(t, loop)
  t.notThrows(() => b.bind(address, UV_UDP_REUSEADDR))
  t.deepEqual(b.getsockname(), address)
  // Without the flag the port is in use.
  const c = handle(t, loop)
  throwsUV(t, () => c.bind(address), 'EADDRINUSE')
})

linuxTest('two sockets bind the same port with UV_UDP_REUSEPORT and both receive', async (t) => {
  const loop = new Loop()
  const a = handle(t, loop)
  a.bind(['127.0.0.1', 0], UV_UDP_REUSEPORT)
  const address = a.getsockname()
  const b = handle(t, loop)
  t.notThrows(() => b.bind(address, UV_UDP_REUSEPORT))
  t.deepEqual(b.getsockname(), address)
  let atA = 0
  let atB = 0
  a.start_recv(() => atA++)
  b.start_recv(() => atB++)
  // The kernel spreads by source address: 50 sources, 4 datagrams each.
  let sent = 0
  for (let i = 0; i < 50; i++) {
    const source = handle(t, loop)
    source.bind(['127.0.0.1', 0])
    for (let j = 0; j < 4; j++) source.send(address, Buffer.from([i, j]), () => sent++)
  }
  await until(() => atA + atB >= 200, 5000, '200 datagrams').catch((e: Error) => {
    throw new Error(`${e.message}: ${sent} sent, ${atA} + ${atB} received`)
  })
  await sleep(20)
  t.log(`split: ${atA} to the first socket, ${atB} to the second`)
  t.is(atA + atB, 200)
  t.true(atA > 0, 'the first socket receives')
  t.true(atB > 0, 'the second socket receives')
})

posixTest('fileno() returns a non-negative integer that is a socket', (t) => {
  const loop = new Loop()
  const udp = handle(t, loop)
  udp.bind(['127.0.0.1', 0])
  const fd = udp.fileno()
  t.true(Number.isInteger(fd) && fd >= 0)
  t.true(fs.fstatSync(fd).isSocket())
  t.is(udp.fileno(), fd)
  const v6 = handle(t, loop, AF_INET6)
  t.true(fs.fstatSync(v6.fileno()).isSocket())
})

// A UDP socket made outside the library: python3 makes and binds it, then
// execs Node with the descriptor inherited; the child adopts it with open().
const OPEN_CHILD = `
const fs = require('node:fs')
const { Loop, UDP, AF_INET, AF_INET6 } = require(${JSON.stringify(INDEX)})
const [fd, port, host] = [Number(process.argv[1]), Number(process.argv[2]), process.argv[3]]
const out = { fd, port, host, isSocket: fs.fstatSync(fd).isSocket() }
const loop = new Loop()
const udp = new UDP(loop)
udp.open(fd)
out.fileno = udp.fileno()
out.sockname = udp.getsockname()
out.family = udp.family === AF_INET ? 'AF_INET' : udp.family === AF_INET6 ? 'AF_INET6' : udp.family
const echo = new UDP(loop)
echo.bind([host, 0])
echo.start_recv((h, peer, _flags, data) => h.send(peer, Buffer.concat([Buffer.from('echo:'), data])))
udp.start_recv((_h, peer, _flags, data) => {
  out.reply = String(data)
  out.replyFrom = peer
  out.echoAddress = echo.getsockname()
  udp.close(() => {
    try { fs.fstatSync(fd); out.fdAfterClose = 'open' } catch (e) { out.fdAfterClose = e.code }
    echo.close()
    process.stdout.write(JSON.stringify(out), () => process.exit(0))
  })
})
udp.send(echo.getsockname(), Buffer.from('ping'))
setTimeout(() => { out.timedOut = true; process.stdout.write(JSON.stringify(out), () => process.exit(1)) }, 5000).unref()
`

const OPEN_PARENT = `
import os, socket, sys
family = socket.AF_INET6 if ':' in sys.argv[2] else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 0))
fd = s.fileno()
os.set_inheritable(fd, True)
os.execv(sys.argv[1], [sys.argv[1], '-e', sys.argv[3], str(fd), str(s.getsockname()[1]), sys.argv[2]])
`

for (const [host, family] of [
  ['127.0.0.1', 'AF_INET'],
  ['::1', 'AF_INET6'],
] as const) {
  posixTest(`open(fd) adopts a bound ${family} UDP socket made elsewhere: getsockname, pingpong, and close() closes the fd`, async (t) => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile('python3', ['-c', OPEN_PARENT, process.execPath, host, OPEN_CHILD], { timeout: 15_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
      )
    })
    const out = JSON.parse(stdout)
    t.true(out.isSocket)
    t.is(out.fileno, out.fd)
    t.is(out.family, family)
    t.deepEqual(out.sockname, host === '::1' ? [host, out.port, 0, 0] : [host, out.port])
    t.is(out.reply, 'echo:ping')
    t.deepEqual(out.replyFrom, out.echoAddress)
    t.is(out.fdAfterClose, 'EBADF', 'the handle closed the adopted descriptor')
  })
}

// An AF_UNIX datagram socket (python3 makes the pair): libuv adopts one,
// and so does open(). It reports its own family, try_send_many keeps each
// message its own datagram (UDP GSO, which the kernel ignores there, once
// joined a run into one), and it receives (no IP sender: address null; no
// IP options to set, where start_recv threw ENOTSUP).
const UNIX_PAIR = fileURLToPath(new URL('fixtures/unix-datagram-pair.py', import.meta.url))
const UNIX_CHILD = `
const { Loop, UDP } = require(${JSON.stringify(INDEX)})
const udp = new UDP(new Loop())
udp.open(Number(process.argv[1]))
const out = { family: udp.family }
out.sent = udp.try_send_many(['a1', 'a2', 'a3', 'a4'].map((text) => [null, Buffer.from(text)]))
udp.start_recv((_h, address, flags, data, error) => {
  out.received = [address, flags, String(data), error]
  udp.close()
  process.stdout.write(JSON.stringify(out))
})
setTimeout(() => { process.stdout.write(JSON.stringify(out)); process.exit(1) }, 5000).unref()
`

posixTest('open(fd) of an AF_UNIX datagram socket: its own family; try_send_many sends each message as its own datagram; it receives', async (t) => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('python3', [UNIX_PAIR, process.execPath, UNIX_CHILD], { timeout: 20_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
    )
  })
  const { child, peer } = JSON.parse(stdout)
  t.is(child.family, 1, 'AF_UNIX')
  t.is(child.sent, 4)
  t.deepEqual(peer, ['a1', 'a2', 'a3', 'a4'])
  t.deepEqual(child.received, [null, 0, 'from peer', null])
})

posixTest('open() on a non-socket fd throws UDPError UV_ENOTSOCK and leaves the fd open', (t) => {
  const udp = handle(t, new Loop())
  const fd = fs.openSync('/dev/null', 'r')
  try {
    throwsUV(t, () => udp.open(fd), 'ENOTSOCK')
    t.notThrows(() => fs.fstatSync(fd), 'the fd is still open')
    t.true(fs.fstatSync(fd).isCharacterDevice())
  } finally {
    fs.closeSync(fd)
  }
  // The handle is still usable.
  t.notThrows(() => udp.bind(['127.0.0.1', 0]))
})

posixTest('open(9999) throws UDPError UV_EBADF', (t) => {
  t.throws(() => fs.fstatSync(9999), { code: 'EBADF' }, 'fd 9999 is not open in this process')
  const udp = handle(t, new Loop())
  throwsUV(t, () => udp.open(9999), 'EBADF')
})

for (const [host, family] of [
  ['127.0.0.1', AF_INET],
  ['::1', AF_INET6],
] as const) {
  // Linux doubles what is set (socket(7): room for bookkeeping); macOS and
  // Windows report it as set.
  const readBack = process.platform === 'linux' ? 131072 : 65536
  test(`${host}: setting send_buffer_size and receive_buffer_size to 65536 reads back what the OS reports (${readBack} on ${process.platform})`, (t) => {
    const udp = handle(t, new Loop(), family)
    udp.bind([host, 0])
    udp.send_buffer_size = 65536
    t.is(udp.send_buffer_size, readBack)
    udp.receive_buffer_size = 65536
    t.is(udp.receive_buffer_size, readBack)
  })
}

test('family is AF_INET / AF_INET6 after bind and for new UDP(loop, family)', (t) => {
  const loop = new Loop()
  const v4 = handle(t, loop)
  v4.bind(['127.0.0.1', 0])
  t.is(v4.family, AF_INET)
  const v6 = handle(t, loop)
  v6.bind(['::1', 0])
  t.is(v6.family, AF_INET6)
  t.is(handle(t, loop, AF_INET6).family, AF_INET6)
  t.is(handle(t, loop, AF_INET).family, AF_INET)
  throwsUV(t, () => handle(t, loop).family, 'EINVAL')
})
