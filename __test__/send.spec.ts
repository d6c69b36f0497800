import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { AF_INET, AF_INET6, type Address, Loop, UDP, UDPError, errno } from '../index.js'
import { needs, privateNamespace } from './support/capability.js'
import { TBF_1MBIT } from './support/child.js'
import { sleep, until, handle } from './support/handles.js'

const INDEX = fileURLToPath(new URL('../index.js', import.meta.url))

interface Datagram {
  peer: Address | null
  flags: number
  data: Buffer | null
  error: number | null
}

/** A bound handle that records every datagram it receives. */
function receiver(t: ExecutionContext, loop: Loop, host: string) {
  const udp = handle(t, loop)
  udp.bind([host, 0])
  const got: Datagram[] = []
  udp.start_recv((_handle, peer, flags, data, error) => {
    // Copied: the Buffer is a view into a batch the library may reuse.
    got.push({ peer, flags, data: data && Buffer.from(data), error })
  })
  return { udp, address: udp.getsockname(), got }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

/** The exact bytes a view covers, copied now. */
function bytesOf(data: ArrayBufferView | ArrayBuffer): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
  return Buffer.from(Buffer.from(data))
}

const families = [
  { name: 'IPv4', host: '127.0.0.1', family: AF_INET, wildcard: ['0.0.0.0'] },
  { name: 'IPv6', host: '::1', family: AF_INET6, wildcard: ['::'] },
] as const

for (const { name, host, family, wildcard } of families) {
  test(`${name}: send pingpong delivers the datagram and its echo`, async (t) => {
    const loop = new Loop()
    const server = handle(t, loop)
    server.bind([host, 0])
    server.start_recv((h, peer, _flags, data) => {
      if (peer && data) h.send(peer, Buffer.concat([Buffer.from('PONG:'), data]))
    })
    const client = handle(t, loop)
    client.bind([host, 0])
    const echoes: { peer: Address | null; text: string }[] = []
    client.start_recv((_h, peer, _flags, data) => echoes.push({ peer, text: String(data) }))
    client.send(server.getsockname(), Buffer.from('PING'))
    await until(() => echoes.length === 1, 3000, 'the echo')
    t.deepEqual(echoes, [{ peer: server.getsockname(), text: 'PONG:PING' }])
  })

  test(`${name}: an empty datagram arrives as a 0-byte Buffer`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    tx.bind([host, 0])
    tx.send(rx.address, Buffer.alloc(0))
    await until(() => rx.got.length === 1, 3000, 'the empty datagram')
    const [got] = rx.got
    t.true(Buffer.isBuffer(got.data))
    t.is(got.data?.length, 0)
    t.is(got.error, null)
    t.is(got.flags, 0)
    t.deepEqual(got.peer, tx.getsockname())
  })

  test(`${name}: bytes with NULs arrive byte-exact`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    const payload = Buffer.from([0, 0, 1, 0, 255, 0, 0x7f, 0x80, 0, 0])
    const all = Buffer.alloc(256)
    for (let i = 0; i < 256; i++) all[i] = i
    tx.send(rx.address, payload)
    tx.send(rx.address, all)
    await until(() => rx.got.length === 2, 3000, 'two datagrams')
    t.is(hex(rx.got[0].data!), payload.toString('hex'))
    t.is(hex(rx.got[1].data!), all.toString('hex'))
  })

  test(`${name}: an array of views is gathered into one datagram and copied when send() returns`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    const a = Buffer.from('abc')
    const b = new Uint8Array([1, 2, 3])
    const c = new Uint16Array([0x0102])
    const expected = Buffer.concat([bytesOf(a), bytesOf(b), bytesOf(c)])
    tx.send(rx.address, [a, b, c])
    a.fill(0)
    b.fill(9)
    c.fill(0xffff)
    await until(() => rx.got.length === 1, 3000, 'the gathered datagram')
    t.is(hex(rx.got[0].data!), expected.toString('hex'))
  })

  test(`${name}: send accepts every kind of view and sends exactly the bytes it covers`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    const backing = new ArrayBuffer(16)
    new Uint8Array(backing).forEach((_, i, view) => (view[i] = 0xa0 + i))
    const wholeBytes = new Uint8Array(32).map((_, i) => i)
    const views: [string, ArrayBufferView | ArrayBuffer][] = [
      ['Buffer', Buffer.from([1, 2, 3, 0, 255])],
      ['pooled Buffer (nonzero byteOffset)', Buffer.from('pooled')],
      ['Uint8Array', new Uint8Array([4, 5, 6])],
      ['Int8Array', new Int8Array([-1, 0, 127, -128])],
      ['Uint16Array', new Uint16Array([0x0102, 0xfffe])],
      ['Int32Array', new Int32Array([-2, 0x01020304])],
      ['Float64Array', new Float64Array([1.5, -0, Number.NaN])],
      ['BigInt64Array', new BigInt64Array([-1n, 0x0102030405060708n])],
      ['DataView', new DataView(backing, 2, 5)],
      ['ArrayBuffer', backing],
      ['Uint8Array subarray', wholeBytes.subarray(3, 9)],
      ['Uint16Array at a byteOffset', new Uint16Array(wholeBytes.buffer, 4, 3)],
      ['Float64Array subarray', new Float64Array([1, 2, 3, 4]).subarray(1, 3)],
    ]
    const expected = views.map(([, view]) => bytesOf(view).toString('hex'))
    for (const [, view] of views) tx.send(rx.address, view)
    await until(() => rx.got.length === views.length, 3000, `${views.length} datagrams`)
    views.forEach(([kind], i) => t.is(hex(rx.got[i].data!), expected[i], kind))
  })

  test(`${name}: the send callback runs exactly once, later, with the handle and error null`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    let returned = false
    const calls: { handle: UDP; error: number | null; afterReturn: boolean }[] = []
    tx.send(rx.address, Buffer.from('x'), (h, error) => calls.push({ handle: h, error, afterReturn: returned }))
    returned = true
    t.is(calls.length, 0, 'not called synchronously')
    await until(() => calls.length > 0, 3000, 'the send callback')
    await sleep(50)
    t.is(calls.length, 1)
    t.is(calls[0].handle, tx)
    t.is(calls[0].error, null)
    t.true(calls[0].afterReturn)
  })

  test(`${name}: send callbacks run in call order`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    const order: number[] = []
    const errors: (number | null)[] = []
    for (let i = 0; i < 50; i++) {
      if (i % 7 === 3) tx.send(rx.address, Buffer.from([i])) // some without a callback
      else
        tx.send(rx.address, Buffer.from([i]), (_h, error) => {
          order.push(i)
          errors.push(error)
        })
    }
    const expected = [...Array(50).keys()].filter((i) => i % 7 !== 3)
    await until(() => order.length === expected.length, 3000, 'every send callback')
    t.deepEqual(order, expected)
    t.true(errors.every((e) => e === null))
  })

  test(`${name}: try_send returns the byte count`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    tx.bind([host, 0])
    t.is(tx.try_send(rx.address, Buffer.from('hello')), 5)
    t.is(tx.try_send(rx.address, new Uint32Array([1, 2, 3])), 12)
    t.is(tx.try_send(rx.address, Buffer.alloc(0)), 0)
    t.is(tx.try_send(rx.address, Buffer.alloc(60000, 1)), 60000)
    await until(() => rx.got.length === 4, 3000, 'four datagrams')
    t.deepEqual(
      rx.got.map((d) => d.data?.length),
      [5, 12, 0, 60000],
    )
    t.is(String(rx.got[0].data), 'hello')
  })

  test(`${name}: send on an unbound AF_UNSPEC handle binds implicitly to the ${wildcard[0]} wildcard`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    let sent: number | null | undefined
    tx.send(rx.address, Buffer.from('implicit'), (_h, error) => (sent = error))
    const local = tx.getsockname()
    t.is(local[0], wildcard[0])
    t.true(local[1] > 0)
    t.is(local.length, family === AF_INET ? 2 : 4)
    t.is(tx.family, family)
    await until(() => rx.got.length === 1 && sent !== undefined, 3000, 'the datagram')
    t.is(sent, null)
    t.is(rx.got[0].peer?.[0], host)
    t.is(rx.got[0].peer?.[1], local[1])
  })

  test(`${name}: try_send on an unbound AF_UNSPEC handle binds implicitly to the ${wildcard[0]} wildcard`, async (t) => {
    const loop = new Loop()
    const rx = receiver(t, loop, host)
    const tx = handle(t, loop)
    t.is(tx.try_send(rx.address, Buffer.from('implicit')), 8)
    const local = tx.getsockname()
    t.is(local[0], wildcard[0])
    t.true(local[1] > 0)
    await until(() => rx.got.length === 1, 3000, 'the datagram')
    t.is(rx.got[0].peer?.[1], local[1])
  })

  test(`${name}: send_queue_size and send_queue_count are 0 on a fresh handle`, async (t) => {
    const loop = new Loop()
    const unspec = handle(t, loop)
    t.is(unspec.send_queue_size, 0)
    t.is(unspec.send_queue_count, 0)
    const fresh = handle(t, loop, family)
    t.is(fresh.send_queue_size, 0)
    t.is(fresh.send_queue_count, 0)
    const rx = receiver(t, loop, host)
    let done = false
    fresh.send(rx.address, Buffer.from('x'), () => (done = true))
    await until(() => done, 3000, 'the send callback')
    t.is(fresh.send_queue_size, 0)
    t.is(fresh.send_queue_count, 0)
  })
}

test('IPv4: a 70,000-byte datagram reaches the send callback as UV_EMSGSIZE, never a throw', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  let returned = false
  const calls: { error: number | null; afterReturn: boolean }[] = []
  t.notThrows(() => tx.send(rx.address, Buffer.alloc(70_000), (_h, error) => calls.push({ error, afterReturn: returned })))
  returned = true
  await until(() => calls.length > 0, 3000, 'the send callback')
  await sleep(30)
  t.deepEqual(calls, [{ error: errno.UV_EMSGSIZE, afterReturn: true }])
  // The handle still works afterwards.
  let ok: number | null | undefined
  tx.send(rx.address, Buffer.from('after'), (_h, error) => (ok = error))
  await until(() => rx.got.length === 1 && ok !== undefined, 3000, 'the next datagram')
  t.is(ok, null)
  t.is(String(rx.got[0].data), 'after')
})

// On Linux a UDP send over loopback never blocks: loopback_xmit() orphans the
// skb at once, so the sender's SO_SNDBUF is never full, however small it is
// (checked on this kernel: 10,000 non-blocking 64 KiB sendto() calls with
// SO_SNDBUF 4096 never return EAGAIN). To make the socket really would-block,
// the test runs in a child process inside a private network namespace
// (unshare -rn: user + net namespace, gone when the child exits) whose `lo`
// has a token-bucket qdisc: the queued datagrams stay charged to the sender.
const queueTest = needs(privateNamespace(TBF_1MBIT, 'a socket that would block (a tbf qdisc on lo)'))

const EAGAIN_CHILD = `
const { Loop, UDP, UDPError, errno } = require(${JSON.stringify(INDEX)})
const loop = new Loop()
const out = {}
for (const host of ['127.0.0.1', '::1']) {
  const rx = new UDP(loop)
  rx.bind([host, 0]) // never reads
  const tx = new UDP(loop)
  tx.bind([host, 0])
  tx.send_buffer_size = 4096
  const data = Buffer.alloc(65000, 7)
  const result = { tries: 0, returned: [], error: null, expected: errno.UV_EAGAIN }
  for (let i = 0; i < 10000; i++) {
    result.tries++
    try {
      const n = tx.try_send(rx.getsockname(), data)
      if (result.returned.length < 5) result.returned.push(n)
    } catch (e) {
      result.error = { isUDPError: e instanceof UDPError, name: e.constructor.name, errno: e.errno, code: e.code, message: String(e.message) }
      break
    }
  }
  tx.close()
  rx.close()
  out[host] = result
}
process.stdout.write(JSON.stringify(out), () => process.exit(0))
`

queueTest('try_send on a would-block socket throws UDPError UV_EAGAIN (IPv4 and IPv6)', async (t) => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'unshare',
      [
        '-rn',
        'sh',
        '-c',
        `${TBF_1MBIT} && exec "$0" -e "$1"`,
        process.execPath,
        EAGAIN_CHILD,
      ],
      { timeout: 20_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    )
  })
  const results = JSON.parse(stdout) as Record<
    string,
    { tries: number; returned: number[]; expected: number; error: { isUDPError: boolean; name: string; errno: number; code: string } | null }
  >
  for (const host of ['127.0.0.1', '::1']) {
    const r = results[host]
    t.log(`${host}: threw after ${r.tries} tries`)
    t.truthy(r.error, `${host}: try_send never threw in 10,000 tries`)
    t.true(r.error?.isUDPError, `${host}: ${r.error?.name}`)
    t.is(r.error?.errno, errno.UV_EAGAIN, host)
    t.is(r.error?.code, 'EAGAIN', host)
    t.true(r.returned.every((n) => n === 65000), `${host}: successful try_send returns the byte count`)
  }
})
