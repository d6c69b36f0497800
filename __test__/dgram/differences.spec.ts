/**
 * The behaviours where uv-udp/dgram differs from node:dgram on purpose, each
 * listed with its reason in the README's "From node:dgram" table. Each test
 * pins down both sides, so that the table stays true: if node:dgram changes,
 * or uv-udp/dgram, the test fails and the table must be revisited.
 */
import { inspect } from 'node:util'

import { backend } from '../../index.js'

import { both, bound, listening, receiver, shape, sleep, socket, until } from './support.js'

const nodeMajor = Number(process.versions.node.split('.')[0])
const nodeMinor = Number(process.versions.node.split('.')[1])

both('on a closed socket, the calls Node makes without its health check', async (t, lib, impl) => {
  const s = lib.createSocket('udp4')
  s.bind(0, '127.0.0.1')
  await listening(s)
  s.close()
  const calls: [string, () => unknown][] = [
    ['setBroadcast', () => s.setBroadcast(true)],
    ['setTTL', () => s.setTTL(64)],
    ['setMulticastTTL', () => s.setMulticastTTL(1)],
    ['setMulticastLoopback', () => s.setMulticastLoopback(true)],
    ['setRecvBufferSize', () => s.setRecvBufferSize(65536)],
    ['getSendBufferSize', () => s.getSendBufferSize()],
    ['connect', () => s.connect(9, '127.0.0.1')],
  ]
  for (const [name, call] of calls) {
    let error: unknown
    try {
      call()
    } catch (e) {
      error = e
    }
    if (impl.name === 'node:dgram') t.like(shape(error), { name: 'TypeError' }, `${name}: Node reads a property of its null handle`)
    else t.like(shape(error), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' }, name)
  }
  if (impl.name === 'node:dgram') t.throws(() => s.getSendQueueSize(), { instanceOf: TypeError })
  else {
    t.is(s.getSendQueueSize(), 0, 'the counters stay readable')
    t.is(s.getSendQueueCount(), 0)
  }
})

both('msg is its own ArrayBuffer in Node, a view of its read batch in uv-udp', async (t, lib, impl) => {
  const rx = await bound(t, lib)
  const kept: Buffer[] = []
  rx.on('message', (msg) => kept.push(msg))
  const tx = await bound(t, lib)
  for (let i = 0; i < 2; i++) tx.send(Buffer.alloc(10, i), rx.address().port, '127.0.0.1')
  await until(() => kept.length === 2, 3000, 'two datagrams')
  if (impl.name === 'node:dgram') {
    t.true(kept.every((msg) => msg.byteOffset === 0 && msg.buffer.byteLength === msg.length))
  } else if (backend === 'uv') {
    // Small reads' payloads are slices of one pool the handle's reads share.
    t.true(kept.every((msg) => msg.buffer.byteLength > msg.length))
    t.is(kept[0].buffer, kept[1].buffer)
    t.true(kept[1].byteOffset > 0)
  } else {
    // The reactor: a buffer of its batch's payloads (both, when one read took both).
    t.true(kept.every((msg) => msg.buffer.byteLength >= msg.length && msg.byteOffset + msg.length <= msg.buffer.byteLength))
    if (kept[0].buffer === kept[1].buffer) t.is(kept[1].byteOffset, kept[0].byteOffset + kept[0].length)
  }
  t.deepEqual(kept.map((msg) => [...msg]), [Array(10).fill(0), Array(10).fill(1)])
})

// uv-udp/dgram's payloads share memory (a read's; on 'uv' a pool of
// several reads), marked untransferable as Node marks the pool of its own
// Buffer.from and allocUnsafe: a transfer copies it (Node 20) or throws
// DataCloneError (Node 22 and later), and no message loses its bytes.
// node:dgram gives each message memory of its own, which a transfer moves.
both("transferring msg.buffer (as to a worker): Node moves that message's own memory; uv-udp/dgram's is untransferable, as Node's Buffer pool, and every message keeps its bytes", async (t, lib, impl) => {
  const rx = await bound(t, lib)
  const kept: Buffer[] = []
  const outcome: string[] = []
  rx.on('message', (msg) => {
    kept.push(msg)
    if (kept.length === 2) {
      const memory = msg.buffer as ArrayBuffer
      try {
        const moved = structuredClone(memory, { transfer: [memory] })
        outcome.push(memory.byteLength === 0 ? 'moved' : 'copied', new Uint8Array(moved).includes(2) ? 'with its bytes' : 'without them')
      } catch (error) {
        outcome.push((error as Error).name)
      }
    }
  })
  const tx = await bound(t, lib)
  // Sent in one turn: uv-udp/dgram reads them in one go.
  for (let i = 0; i < 4; i++) tx.send(Buffer.alloc(10, i + 1), rx.address().port, '127.0.0.1')
  await sleep(100)
  tx.send(Buffer.alloc(10, 9), rx.address().port, '127.0.0.1')
  await until(() => kept.at(-1)?.[0] === 9, 3000, 'the datagram after')
  t.is(kept.length, 5)
  if (impl.name === 'node:dgram') {
    t.deepEqual(outcome, ['moved', 'with its bytes'])
    // Only the message whose memory moved is empty.
    t.deepEqual(kept.map((msg) => msg.length), [10, 0, 10, 10, 10])
  } else {
    const major = Number(process.versions.node.split('.')[0])
    t.deepEqual(outcome, major >= 22 ? ['DataCloneError'] : ['copied', 'with its bytes'])
    t.deepEqual(kept.map((msg) => [...msg]), [1, 2, 3, 4, 9].map((byte) => Array(10).fill(byte)))
  }
})

both('sends to IP literals made in one tick go out together on the next tick', async (t, lib, impl) => {
  const rx = await receiver(t, lib)
  const tx = socket(t, lib)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  tx.send('a', rx.port, '127.0.0.1')
  // Queued between the two sends: Node runs it between their lookups' ticks.
  process.nextTick(() => tx.close())
  tx.send('b', rx.port, '127.0.0.1')
  await sleep(100)
  t.deepEqual(rx.got.map((d) => d.text), impl.name === 'node:dgram' ? ['a'] : ['a', 'b'])
})

both('reusePort: honoured by uv-udp/dgram on every Node; by node:dgram from 22.12 on', async (t, lib, impl) => {
  const a = socket(t, lib, { type: 'udp4', reusePort: true } as never)
  a.bind(0, '127.0.0.1')
  await listening(a)
  const b = socket(t, lib, { type: 'udp4', reusePort: true } as never)
  b.bind(a.address().port, '127.0.0.1')
  const outcome = await new Promise<string>((resolve) => {
    b.once('listening', () => resolve('listening'))
    b.once('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)))
  })
  const nodeHasIt = nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 12)
  t.is(outcome, impl.name === 'uv-udp/dgram' || nodeHasIt ? 'listening' : 'EADDRINUSE')
})

both("Node's deprecated private members (DEP0112) are not there", (t, lib, impl) => {
  const s = socket(t, lib) as unknown as Record<string, unknown>
  const privates = ['_handle', '_receiving', '_bindState', '_queue', '_reuseAddr', '_healthCheck', '_stopReceiving']
  const present = privates.filter((name) => name in s)
  t.deepEqual(present, impl.name === 'node:dgram' ? privates : [])
  t.is('_createSocketHandle' in lib, impl.name === 'node:dgram')
})

// README: getters on bind's options object. Node also reads `recvStart`
// (its cluster handle hook) and `exclusive`; the facade reads what it uses.
both("bind's options object: Node reads recvStart, fd, address, exclusive, port; uv-udp/dgram reads fd, address, port", async (t, lib, impl) => {
  const s = socket(t, lib)
  const reads: string[] = []
  const options = new Proxy({ port: 0, address: '127.0.0.1' }, {
    get(target, key) {
      reads.push(String(key))
      return (target as Record<string | symbol, unknown>)[key]
    },
  })
  s.bind(options)
  await listening(s)
  t.deepEqual(reads, impl.name === 'node:dgram' ? ['recvStart', 'fd', 'address', 'exclusive', 'port'] : ['fd', 'address', 'port'])
})

// README: ERR_SOCKET_BUFFER_SIZE's class. Node's SystemError is an
// instance of its internal NodeError; the facade's is an Error with the
// same name, code, message and fields (error-wording.spec compares them).
both('ERR_SOCKET_BUFFER_SIZE: Node\'s is an instance of its internal NodeError class, uv-udp/dgram\'s an Error', (t, lib, impl) => {
  const s = socket(t, lib)
  let error: unknown
  try {
    s.getRecvBufferSize()
  } catch (e) {
    error = e
  }
  t.true(error instanceof Error)
  t.like(error, { name: 'SystemError', code: 'ERR_SOCKET_BUFFER_SIZE' })
  t.is((error as Error).constructor.name, impl.name === 'node:dgram' ? 'NodeError' : 'Error')
  // util.inspect shows the errno getter's value in Node's, not in the facade's.
  t.is(inspect(error).includes('errno: [Getter/Setter: -9]'), impl.name === 'node:dgram')
  t.true(inspect(error).includes('errno: [Getter/Setter'))
})

// README: a getter of bind's options that closes the socket. Node reads its
// null handle (a TypeError thrown out of bind); the facade's bind returns
// and nothing is bound.
both('a getter of bind\'s options that closes the socket: Node throws a TypeError, uv-udp/dgram\'s bind returns', async (t, lib, impl) => {
  const s = lib.createSocket('udp4')
  const events: string[] = []
  s.on('listening', () => events.push('listening'))
  const options = { port: 0 } as { port: number; address?: string }
  Object.defineProperty(options, 'address', {
    enumerable: true,
    get() {
      s.close()
      return '127.0.0.1'
    },
  })
  let outcome: string
  try {
    s.bind(options)
    outcome = 'returned'
  } catch (error) {
    outcome = (error as Error).name
  }
  t.is(outcome, impl.name === 'node:dgram' ? 'TypeError' : 'returned')
  await sleep(50)
  t.deepEqual(events, [], 'nothing bound')
})
