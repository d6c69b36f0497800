import test from 'ava'

import { Loop, UDP, UDPError, errno, type Address } from '../index.js'

function receiver(loop: Loop, host: string, expected: number): { address: Address; done: Promise<Buffer[]> } {
  const udp = new UDP(loop)
  udp.bind([host, 0])
  // A burst of hundreds of datagrams from one sendmmsg outruns the default
  // SO_RCVBUF (the kernel would drop the tail): give the receiver room.
  udp.receive_buffer_size = 2 << 20
  const got: Buffer[] = []
  const done = new Promise<Buffer[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${expected} arrived`)), 5000)
    udp.start_recv((_handle, _peer, _flags, data) => {
      if (data) got.push(Buffer.from(data))
      if (got.length === expected) {
        clearTimeout(timer)
        udp.close()
        resolve(got)
      }
    })
  })
  return { address: udp.getsockname(), done }
}

for (const host of ['127.0.0.1', '::1']) {
  test(`try_send_many sends every message in order over ${host} and returns the count`, async (t) => {
    const loop = new Loop()
    const { address, done } = receiver(loop, host, 300)
    const sender = new UDP(loop)
    t.teardown(() => { if (!sender.closed) sender.close() })
    const messages = Array.from({ length: 300 }, (_, i) => [address, Buffer.from(`message ${i}`)] as const)
    t.is(sender.try_send_many(messages), 300)
    const got = await done
    t.deepEqual(got.map(String), messages.map(([, data]) => String(data)))
  })
}

test('try_send_many takes every view type and a different address per message', async (t) => {
  const loop = new Loop()
  const a = receiver(loop, '127.0.0.1', 2)
  const b = receiver(loop, '127.0.0.1', 2)
  const sender = new UDP(loop)
  t.teardown(() => { if (!sender.closed) sender.close() })
  const sent = sender.try_send_many([
    [a.address, new Uint8Array([1, 2])],
    [b.address, new Uint16Array([0x0403]).buffer],
    [[...a.address] as Address, new DataView(new Uint8Array([5]).buffer)],
    [b.address, Buffer.from([6])],
  ])
  t.is(sent, 4)
  t.deepEqual((await a.done).map((d) => [...d]), [[1, 2], [5]])
  t.deepEqual((await b.done).map((d) => [...d]), [[3, 4], [6]])
})

test('try_send_many of an empty list sends nothing and returns 0', (t) => {
  const udp = new UDP(new Loop())
  t.teardown(() => udp.close())
  t.is(udp.try_send_many([]), 0)
})

test('try_send_many throws the first message’s own error when nothing could be sent', (t) => {
  const udp = new UDP(new Loop())
  t.teardown(() => udp.close())
  const error = t.throws(() => udp.try_send_many([[['127.0.0.1', 9], new Uint8Array(70_000)]]), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EMSGSIZE)
})

test('try_send_many stops at a failing message and reports how many went before it', (t) => {
  const udp = new UDP(new Loop())
  t.teardown(() => udp.close())
  const to: Address = ['127.0.0.1', 9]
  t.is(udp.try_send_many([[to, Buffer.from('a')], [to, new Uint8Array(70_000)], [to, Buffer.from('b')]]), 1)
})

test('try_send_many checks its arguments: TypeError naming the message', (t) => {
  const udp = new UDP(new Loop())
  t.teardown(() => udp.close())
  t.throws(() => udp.try_send_many('x' as never), { instanceOf: TypeError, message: /messages/ })
  t.throws(() => udp.try_send_many([[['127.0.0.1', 9]] as never]), { instanceOf: TypeError, message: /messages\[0\]/ })
  t.throws(() => udp.try_send_many([[['127.0.0.1', 9], 'text' as never]]), { instanceOf: TypeError, message: /messages\[0\] data/ })
  const ok: [[string, number], Buffer] = [['127.0.0.1', 9], Buffer.from('x')]
  t.throws(() => udp.try_send_many([ok, ok, [ok[0], 7 as never], ok]), {
    instanceOf: TypeError,
    message: /^messages\[2\] data must be a Buffer/,
  })
  t.throws(() => udp.try_send_many([[['127.0.0.1', 70000], Buffer.from('x')]]), { instanceOf: RangeError, message: /port/ })
  // Three elements are not a pair; a host the binding cannot parse is a TypeError prefixed with the argument.
  t.throws(() => udp.try_send_many([[['127.0.0.1', 9], Buffer.from('x'), 3] as never]), {
    instanceOf: TypeError,
    message: /^messages\[0\] must be an \[address, data\] pair/,
  })
  t.throws(() => udp.try_send_many([[['not-an-address', 9], Buffer.from('x')]]), { instanceOf: TypeError, message: /^messages: invalid IP address/ })
})

test('try_send_many on a connected handle takes null addresses and refuses others with UV_EISCONN', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 2)
  const udp = new UDP(loop)
  t.teardown(() => { if (!udp.closed) udp.close() })
  udp.connect(address)
  t.is(udp.try_send_many([[null, Buffer.from('1')], [null, Buffer.from('2')]]), 2)
  t.deepEqual((await done).map(String), ['1', '2'])
  const error = t.throws(() => udp.try_send_many([[address, Buffer.from('3')]]), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EISCONN)
})

for (const [count, size] of [[64, 64], [64, 1200]] as const) {
  test(`try_send_many of ${count} datagrams of ${size} B, each its own bytes, arrive whole and in order`, async (t) => {
    const loop = new Loop()
    const { address, done } = receiver(loop, '127.0.0.1', count)
    const sender = new UDP(loop)
    t.teardown(() => { if (!sender.closed) sender.close() })
    const messages = Array.from({ length: count }, (_, i) => [address, Buffer.alloc(size, i + 1)] as const)
    t.is(sender.try_send_many(messages), count)
    const got = await done
    t.deepEqual(got.map((data) => Buffer.from(data)), messages.map(([, data]) => data))
  })
}

test('try_send_many called again from a getter of its own messages sends both calls’ bytes intact', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 3)
  const sender = new UDP(loop)
  t.teardown(() => { if (!sender.closed) sender.close() })
  // The inner call runs while the outer one is packing: each needs its own area.
  const messages: (readonly [Address, Buffer])[] = [[address, Buffer.from('first')]]
  Object.defineProperty(messages, 1, {
    enumerable: true,
    get() {
      t.is(sender.try_send_many([[address, Buffer.from('inner')]]), 1)
      return [address, Buffer.from('second')]
    },
  })
  t.is(sender.try_send_many(messages), 2)
  t.deepEqual((await done).map(String), ['inner', 'first', 'second'])
})

test('try_send_many of more bytes than its reused area keeps (40 x 30,000 B) sends them whole, and the next call too', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 41)
  const sender = new UDP(loop)
  t.teardown(() => { if (!sender.closed) sender.close() })
  const messages = Array.from({ length: 40 }, (_, i) => [address, Buffer.alloc(30_000, i + 1)] as const)
  t.is(sender.try_send_many(messages), 40)
  t.is(sender.try_send_many([[address, Buffer.from('after')]]), 1)
  const got = await done
  t.deepEqual(got.slice(0, 40), messages.map(([, data]) => data))
  t.is(String(got[40]), 'after')
})

test('try_send_many sends a view of part of a larger buffer, not the buffer around it', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 2)
  const sender = new UDP(loop)
  t.teardown(() => { if (!sender.closed) sender.close() })
  const whole = Buffer.from('0123456789')
  t.is(sender.try_send_many([[address, whole.subarray(2, 5)], [address, new DataView(whole.buffer, whole.byteOffset + 7, 2)]]), 2)
  t.deepEqual((await done).map(String), ['234', '78'])
})

test('try_send_many sends a view that a shrunk resizable buffer left out of bounds as an empty datagram, as try_send does', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 3)
  const sender = new UDP(loop)
  t.teardown(() => { if (!sender.closed) sender.close() })
  // ES2024's resizable ArrayBuffer (Node 20 has it), not in this project's TypeScript lib.
  const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(length: number): void }
  const buffer = new Resizable(16, { maxByteLength: 32 })
  const outOfBounds = new Uint8Array(buffer, 8, 8)
  buffer.resize(4)
  t.is(sender.try_send(address, outOfBounds), 0)
  t.is(sender.try_send_many([[address, Buffer.from('before')], [address, outOfBounds]]), 2)
  t.deepEqual((await done).map(String), ['', 'before', ''])
})

// API.md: "sends in order until one would block; returns how many were
// sent. If not even the first could be sent, throws its error". A message
// whose address the handle cannot send to (an IPv6 address on an IPv4
// handle) ends the run as a refused send does: those before it go out.
test('try_send_many sends the messages before one it cannot address and returns their count; throws only when that one is first', async (t) => {
  const loop = new Loop()
  const { address, done } = receiver(loop, '127.0.0.1', 2)
  const udp = new UDP(loop)
  t.teardown(() => { if (!udp.closed) udp.close() })
  udp.bind(['127.0.0.1', 0])
  const v6: Address = ['::1', address[1], 0, 0]
  t.is(udp.try_send_many([[address, Buffer.from('first')], [v6, Buffer.from('v6')], [address, Buffer.from('after')]]), 1)
  const error = t.throws(() => udp.try_send_many([[v6, Buffer.from('v6')], [address, Buffer.from('not sent')]]), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EAFNOSUPPORT)
  t.is(udp.try_send_many([[address, Buffer.from('last')]]), 1)
  t.deepEqual((await done).map(String), ['first', 'last'])
})
