import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { AF_INET, AF_INET6, type Address, Loop, UDP, UDPError, UV_UDP_IPV6ONLY, errno } from '../index.js'

import { linux, needs } from './support/capability.js'
import { sleep, until, handle } from './support/handles.js'

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url))

/** A handle bound to `address` that records what it receives. */
function receiver(t: ExecutionContext, loop: Loop, address: Address = ['::1', 0]) {
  const udp = handle(t, loop)
  udp.bind(address)
  const got: { peer: Address | null; text: string }[] = []
  udp.start_recv((_h, peer, _flags, data) => got.push({ peer, text: String(data) }))
  return { udp, got }
}

function throwsUV(t: ExecutionContext, fn: () => unknown, code: string): void {
  const error = t.throws(fn, { instanceOf: UDPError })
  t.is(error?.errno, (errno as unknown as Record<string, number>)[`UV_${code}`], `errno of UV_${code}`)
  t.is(error?.code, code)
}

// Linux facts: the loopback interface is 'lo', its index is in /sys, and
// flowinfo is not reported back. Elsewhere these tests are skipped with that reason.
const onLinux = linux("'lo', /sys/class/net/lo/ifindex and flowinfo 0 in reported addresses")
const linuxTest = needs(onLinux, { requiredInCI: false })
const loopbackIndex = onLinux.ok ? Number(fs.readFileSync('/sys/class/net/lo/ifindex', 'utf8')) : -1

test("['::1', port, 0, 0] 4-tuples are taken by bind and send and given back by getsockname and receive", async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['::1', 0, 0, 0])
  const local = rx.udp.getsockname()
  t.deepEqual(local, ['::1', local[1], 0, 0])
  const tx = handle(t, loop)
  tx.bind(['::1', 0, 0, 0])
  const source = tx.getsockname()
  t.deepEqual(source, ['::1', source[1], 0, 0])
  tx.send(['::1', local[1], 0, 0], Buffer.from('four'))
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.deepEqual(rx.got, [{ peer: ['::1', source[1], 0, 0], text: 'four' }])
})

test("a 3-tuple ['::1', port, 0] is accepted by bind, send and try_send", async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['::1', 0, 0])
  const port = rx.udp.getsockname()[1]
  const tx = handle(t, loop)
  t.notThrows(() => tx.bind(['::1', 0, 0]))
  // try_send first: while a send's callback is pending it refuses (UV_EAGAIN).
  t.is(tx.try_send(['::1', port, 0], Buffer.from('three again')), 11)
  tx.send(['::1', port, 0], Buffer.from('three'))
  await until(() => rx.got.length === 2, 3000, 'two datagrams')
  t.deepEqual(
    rx.got.map((d) => d.text),
    ['three again', 'three'],
  )
  t.deepEqual(rx.got[0].peer, tx.getsockname())
})

// Linux ignores sin6_flowinfo on bind, reports 0 in getsockname, and
// udpv6_recvmsg() always sets sin6_flowinfo = 0 in a received address (the
// flow label is only available as an IPV6_FLOWINFO control message). It also
// ignores the flowinfo of a destination unless the socket has
// IPV6_FLOWINFO_SEND. So on Linux a nonzero flowinfo is accepted everywhere
// and reads back as 0; the next test shows that it does reach the kernel.
linuxTest('a nonzero flowinfo is accepted by bind and send; Linux reports flowinfo 0 in addresses', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['::1', 0, 0xabcde, 0])
  const local = rx.udp.getsockname()
  t.deepEqual(local, ['::1', local[1], 0, 0])
  const tx = handle(t, loop)
  tx.bind(['::1', 0, 0x12345, 0])
  let sent: number | null | undefined
  // try_send first: while a send's callback is pending it refuses (UV_EAGAIN).
  t.is(tx.try_send(['::1', local[1], 0xfffff, 0], Buffer.from('max flow')), 8)
  t.notThrows(() => tx.send(['::1', local[1], 0x12345, 0], Buffer.from('flow'), (_h, error) => (sent = error)))
  await until(() => rx.got.length === 2 && sent !== undefined, 3000, 'two datagrams')
  t.is(sent, null)
  t.deepEqual(
    rx.got.map((d) => d.text),
    ['max flow', 'flow'],
  )
  t.deepEqual(rx.got[0].peer, ['::1', tx.getsockname()[1], 0, 0])
})

test('flowinfo out of range (0x100000 or negative) throws RangeError', (t) => {
  const udp = handle(t, new Loop())
  t.throws(() => udp.bind(['::1', 0, 0x100000, 0]), { instanceOf: RangeError })
  t.throws(() => udp.send(['::1', 9, -1, 0], Buffer.from('x')), { instanceOf: RangeError })
  t.throws(() => udp.try_send(['::1', 9, 0x100000], Buffer.from('x')), { instanceOf: RangeError })
})

// The flow label a send gives is visible only to a receiver that asks for
// IPV6_FLOWINFO control messages, and the kernel puts it in the packet only
// for a socket with IPV6_FLOWINFO_SEND. Python makes both sockets: the sender
// (with IPV6_FLOWINFO_SEND) is handed to a Node child that adopts it with
// open() and sends to ['::1', port, 0x12345, 0]; python reads the label.
const FLOW_CHILD = `
const { Loop, UDP } = require(${JSON.stringify(INDEX)})
const [fd, port] = [Number(process.argv[1]), Number(process.argv[2])]
const udp = new UDP(new Loop())
udp.open(fd)
const out = { sent: udp.try_send(['::1', port, 0x12345, 0], Buffer.from('labelled')) }
udp.close()
process.stdout.write(JSON.stringify(out), () => process.exit(0))
`

const FLOW_PARENT = `
import json, socket, subprocess, sys
IPV6_FLOWINFO, IPV6_FLOWINFO_SEND = 11, 33
rx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
rx.bind(('::1', 0))
rx.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWINFO, 1)
rx.settimeout(5)
tx = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
tx.setsockopt(socket.IPPROTO_IPV6, IPV6_FLOWINFO_SEND, 1)
child = subprocess.run([sys.argv[1], '-e', sys.argv[2], str(tx.fileno()), str(rx.getsockname()[1])],
                       pass_fds=[tx.fileno()], capture_output=True, text=True, timeout=10)
data, ancillary, _flags, peer = rx.recvmsg(100, 100)
labels = [int.from_bytes(c, 'big') for level, kind, c in ancillary if level == socket.IPPROTO_IPV6 and kind == IPV6_FLOWINFO]
print(json.dumps({'child': child.stdout, 'stderr': child.stderr, 'data': data.decode(), 'labels': labels}))
`

test('the flowinfo of a destination reaches the kernel: a socket with IPV6_FLOWINFO_SEND sends that flow label', async (t) => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile('python3', ['-c', FLOW_PARENT, process.execPath, FLOW_CHILD], { timeout: 15_000 }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${out}\n${err}`)) : resolve(out),
    )
  })
  const out = JSON.parse(stdout) as { child: string; stderr: string; data: string; labels: number[] }
  t.deepEqual(JSON.parse(out.child || 'null'), { sent: 8 }, out.stderr)
  t.is(out.data, 'labelled')
  t.is(out.labels.length, 1)
  t.is(out.labels[0] & 0xfffff, 0x12345)
})

linuxTest("'::1%lo' and '::1%<index of lo>' are accepted by bind, send and try_send", async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['::1%lo', 0])
  const local = rx.udp.getsockname()
  // ::1 is not a scoped address: the kernel keeps no scope for it.
  t.is(local[0], '::1')
  t.true(local[1] > 0)
  t.is(local.length, 4)
  const tx = handle(t, loop)
  t.notThrows(() => tx.bind([`::1%${loopbackIndex}`, 0]))
  // try_send first: while a send's callback is pending it refuses (UV_EAGAIN).
  t.is(tx.try_send([`::1%${loopbackIndex}`, local[1]], Buffer.from('numeric zone')), 12)
  tx.send(['::1%lo', local[1]], Buffer.from('named zone'))
  await until(() => rx.got.length === 2, 3000, 'two datagrams')
  t.deepEqual(
    rx.got.map((d) => d.text),
    ['numeric zone', 'named zone'],
  )
})

test("a zone naming an unknown interface ('fe80::1%nosuchif0') throws UDPError ENODEV", (t) => {
  const loop = new Loop()
  const udp = handle(t, loop)
  throwsUV(t, () => udp.bind(['fe80::1%nosuchif0', 0]), 'ENODEV')
  throwsUV(t, () => udp.send(['fe80::1%nosuchif0', 9], Buffer.from('x')), 'ENODEV')
  throwsUV(t, () => udp.try_send(['fe80::1%nosuchif0', 9], Buffer.from('x')), 'ENODEV')
  const v6 = handle(t, loop, AF_INET6)
  v6.bind(['::1', 0])
  throwsUV(t, () => v6.send(['fe80::1%nosuchif0', 9, 0, 0], Buffer.from('x')), 'ENODEV')
})

for (const host of ['::1::2', 'localhost', '::1%', '127.0.0.1%lo', '[::1]', ':::1', '::g']) {
  test(`an invalid IP literal '${host}' throws TypeError from bind, send and try_send`, (t) => {
    const loop = new Loop()
    const udp = handle(t, loop)
    t.throws(() => udp.bind([host, 0]), { instanceOf: TypeError })
    t.throws(() => udp.send([host, 9], Buffer.from('x')), { instanceOf: TypeError })
    t.throws(() => udp.try_send([host, 9], Buffer.from('x')), { instanceOf: TypeError })
    // Nothing was bound on the way.
    throwsUV(t, () => udp.getsockname(), 'EINVAL')
  })
}

test('binding an IPv4 address on an AF_INET6 handle throws UV_EINVAL', (t) => {
  const udp = handle(t, new Loop(), AF_INET6)
  throwsUV(t, () => udp.bind(['127.0.0.1', 0]), 'EINVAL')
  t.notThrows(() => udp.bind(['::1', 0]))
})

test('sending to an IPv6 address from an IPv4 socket is UV_EAFNOSUPPORT: in the send callback, thrown by try_send', async (t) => {
  const loop = new Loop()
  const udp = handle(t, loop, AF_INET)
  udp.bind(['127.0.0.1', 0])
  throwsUV(t, () => udp.try_send(['::1', 9], Buffer.from('x')), 'EAFNOSUPPORT')
  const status = await new Promise((resolve) => udp.send(['::1', 9, 0, 0], Buffer.from('x'), (_h, e) => resolve(e)))
  t.is(status, errno.UV_EAFNOSUPPORT)
})

test("a dual-stack socket bound to '::' sends to an IPv4 address", async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['127.0.0.1', 0])
  const tx = handle(t, loop)
  tx.bind(['::', 0])
  let sent: number | null | undefined
  tx.send(rx.udp.getsockname(), Buffer.from('mapped'), (_h, error) => (sent = error))
  await until(() => rx.got.length === 1 && sent !== undefined, 3000, 'the datagram')
  t.is(sent, null)
  t.deepEqual(rx.got, [{ peer: ['127.0.0.1', tx.getsockname()[1]], text: 'mapped' }])
})

test('sending to an IPv4 address from an IPV6ONLY socket reports UV_ENETUNREACH to the callback', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, ['127.0.0.1', 0])
  const tx = handle(t, loop)
  tx.bind(['::1', 0], UV_UDP_IPV6ONLY)
  let returned = false
  const calls: { error: number | null; afterReturn: boolean }[] = []
  t.notThrows(() => tx.send(rx.udp.getsockname(), Buffer.from('x'), (_h, error) => calls.push({ error, afterReturn: returned })))
  returned = true
  await until(() => calls.length > 0, 3000, 'the send callback')
  await sleep(20)
  t.deepEqual(calls, [{ error: errno.UV_ENETUNREACH, afterReturn: true }])
  t.deepEqual(rx.got, [])
})
