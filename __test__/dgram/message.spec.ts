/** 'message': the Buffer and rinfo, IPv4, IPv6, dual stack, size, order against send callbacks. */
import assert from 'node:assert'
import { execFile } from 'node:child_process'
import { EventEmitter as NodeEventEmitter } from 'node:events'
import { fileURLToPath } from 'node:url'
import { inspect, promisify } from 'node:util'

import type * as NodeDgram from 'node:dgram'

import test from 'ava'

import { both, listening, receiver, sleep, socket, until, uvDgram } from './support.js'

const execFileAsync = promisify(execFile)
const FIXTURE = fileURLToPath(new URL('fixtures/throw-in-listener.cjs', import.meta.url))
const EMIT_WRAPPED_FIRST = fileURLToPath(new URL('fixtures/emit-wrapped-first.cjs', import.meta.url))
// Run from the repository, so that `require('uv-udp/dgram')` resolves the
// package by its own name, as users load it.
const REPO = fileURLToPath(new URL('../..', import.meta.url))

both('rinfo is { address, family, port, size } of the sender (IPv4), a plain object as a literal is', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  tx.send('hello', rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  const rinfo = rx.got[0].rinfo
  const literal = { address: '127.0.0.1', family: 'IPv4', port: tx.address().port, size: 5 }
  t.deepEqual(rinfo, literal)
  // Plain: Object.prototype, the keys in order, each writable, enumerable
  // and configurable; strictly deep-equal to the literal, inspected alike.
  t.is(Object.getPrototypeOf(rinfo), Object.prototype)
  t.is(rinfo.constructor, Object)
  t.deepEqual(Object.keys(rinfo), ['address', 'family', 'port', 'size'])
  for (const key of Object.keys(rinfo)) {
    const descriptor = Object.getOwnPropertyDescriptor(rinfo, key)
    t.true(descriptor?.writable && descriptor.enumerable && descriptor.configurable, key)
  }
  t.notThrows(() => assert.deepStrictEqual(rinfo, literal))
  t.is(inspect(rinfo), inspect(literal))
})

both('rinfo of an IPv6 sender', async (t, dgram) => {
  const rx = await receiver(t, dgram, 'udp6')
  const tx = socket(t, dgram, 'udp6')
  tx.bind(0, '::1')
  await listening(tx)
  tx.send('hello6', rx.port, '::1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.deepEqual(rx.got[0].rinfo, { address: '::1', family: 'IPv6', port: tx.address().port, size: 6 })
})

both('a dual-stack udp6 socket sees an IPv4 sender as ::ffff:a.b.c.d, family IPv6', async (t, dgram) => {
  const rx = socket(t, dgram, 'udp6')
  const got: unknown[] = []
  rx.on('message', (_msg, rinfo) => got.push(rinfo))
  rx.bind(0, '::')
  await listening(rx)
  const tx = socket(t, dgram, 'udp4')
  tx.bind(0, '127.0.0.1')
  await listening(tx)
  tx.send('mapped', rx.address().port, '127.0.0.1')
  await until(() => got.length === 1, 3000, 'the datagram')
  t.deepEqual(got[0], { address: '::ffff:127.0.0.1', family: 'IPv6', port: tx.address().port, size: 6 })
})

both('msg is a Buffer the listener may keep: later datagrams do not change it', async (t, dgram) => {
  const rx = await bound(t, dgram)
  const kept: Buffer[] = []
  rx.on('message', (msg) => kept.push(msg))
  const tx = socket(t, dgram)
  for (let i = 0; i < 64; i++) tx.send(Buffer.alloc(100, i), rx.address().port, '127.0.0.1')
  await until(() => kept.length === 64, 3000, '64 datagrams')
  t.true(kept.every((msg) => Buffer.isBuffer(msg)))
  t.deepEqual(kept.map((msg, i) => msg.equals(Buffer.alloc(100, i))), Array(64).fill(true))
})

both("a listener writing over all of msg.buffer but msg's bytes: every later datagram keeps its size and sender", async (t, dgram) => {
  // uv-udp/dgram's msg views the memory its whole read came in (the README's
  // differences table); what the listener writes there must not change
  // what the socket reports of the read's other datagrams.
  const rx = await bound(t, dgram)
  const seen: { size: number; length: number; port: number }[] = []
  rx.on('message', (msg, rinfo) => {
    seen.push({ size: rinfo.size, length: msg.length, port: rinfo.port })
    const memory = msg.buffer as ArrayBuffer
    new Uint8Array(memory, 0, msg.byteOffset).fill(0xff)
    new Uint8Array(memory, msg.byteOffset + msg.byteLength).fill(0xff)
  })
  const tx = await bound(t, dgram)
  // Sent in one turn: the receiver reads them together.
  for (let i = 1; i <= 32; i++) tx.send(Buffer.alloc(i, 0x61), rx.address().port, '127.0.0.1')
  await until(() => seen.length === 32, 3000, '32 datagrams')
  const port = tx.address().port
  t.deepEqual(
    seen,
    Array.from({ length: 32 }, (_, i) => ({ size: i + 1, length: i + 1, port })),
  )
})

both('a large datagram (60 000 bytes) arrives whole', async (t, dgram) => {
  const rx = await receiver(t, dgram)
  const tx = socket(t, dgram)
  const payload = Buffer.alloc(60_000)
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251
  tx.send(payload, rx.port, '127.0.0.1')
  await until(() => rx.got.length === 1, 3000, 'the datagram')
  t.true(rx.got[0].bytes.equals(payload))
  t.is(rx.got[0].rinfo.size, 60_000)
})

both('an echo: the send callback runs before the reply is seen', async (t, dgram) => {
  const server = await bound(t, dgram)
  server.on('message', (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address))
  const client = await bound(t, dgram)
  const order: string[] = []
  client.on('message', (msg) => order.push(`reply ${msg}`))
  for (let i = 0; i < 5; i++) {
    client.send(`ping ${i}`, server.address().port, '127.0.0.1', () => order.push(`sent ${i}`))
    await until(() => order.length === 2 * (i + 1), 3000, `round ${i}`)
  }
  t.deepEqual(order, [0, 1, 2, 3, 4].flatMap((i) => [`sent ${i}`, `reply ping ${i}`]))
})

both('an exception in a message listener is an uncaught exception', async (t, _dgram, impl) => {
  const { stdout } = await execFileAsync(process.execPath, [FIXTURE, impl.name], { cwd: REPO, timeout: 10_000 })
  t.deepEqual(JSON.parse(stdout.trim()), { uncaught: 'listener threw' })
})

both('emit wrapped on EventEmitter.prototype before the module loads (a preloaded agent) sees every message', async (t, _dgram, impl) => {
  const { stdout } = await execFileAsync(process.execPath, [EMIT_WRAPPED_FIRST, impl.name], { cwd: REPO, timeout: 10_000 })
  t.deepEqual(JSON.parse(stdout.trim()), { seen: 3, got: 3 })
})

both('a frozen socket delivers every datagram while its listeners change', async (t, dgram) => {
  const rx = await bound(t, dgram)
  const tx = await bound(t, dgram)
  const port = rx.address().port
  const got: string[] = []
  const first = (msg: Buffer) => got.push(`first ${msg}`)
  const second = (msg: Buffer) => got.push(`second ${msg}`)
  rx.on('message', first)
  tx.send('a', port, '127.0.0.1')
  await until(() => got.length === 1, 3000, 'a')
  Object.freeze(rx)
  // Both change only the listener table, which the freeze does not reach.
  rx.on('message', second)
  tx.send('b', port, '127.0.0.1')
  await until(() => got.length === 3, 3000, 'b')
  rx.off('message', first)
  tx.send('c', port, '127.0.0.1')
  await until(() => got.length === 4, 3000, 'c')
  t.deepEqual(got, ['first a', 'first b', 'second b', 'second c'])
})

both('a proxy of the socket that hides its symbol keys can list its keys', async (t, dgram) => {
  const rx = await bound(t, dgram)
  rx.on('message', () => undefined)
  const proxy = new Proxy(rx, { ownKeys: (target) => Reflect.ownKeys(target).filter((key) => typeof key !== 'symbol') })
  t.notThrows(() => Object.keys(proxy))
})

both("a listener with its own apply is called as the runtime's emit calls it", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const tx = await bound(t, dgram)
  const calls: string[] = []
  const listener = function (this: unknown, msg: Buffer) {
    calls.push(`listener ${msg} ${this === rx}`)
  }
  listener.apply = function (thisArg: unknown, args: unknown) {
    calls.push('apply')
    return Function.prototype.apply.call(listener, thisArg, args as [Buffer])
  }
  rx.on('message', listener)
  tx.send('x', rx.address().port, '127.0.0.1')
  await until(() => calls.some((call) => call.startsWith('listener')), 3000, 'the datagram')
  // Node 20-24's emit calls `handler.apply(this, args)`; Node 26's does not.
  const emitUsesApply = /handler\.apply\(/.test(Function.prototype.toString.call(NodeEventEmitter.prototype.emit))
  t.deepEqual(calls, emitUsesApply ? ['apply', 'listener x true'] : ['listener x true'])
})

async function bound(t: Parameters<Parameters<typeof both>[1]>[0], dgram: Parameters<Parameters<typeof both>[1]>[1]) {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  return listening(s)
}

// The receive path calls a lone 'message' listener without EventEmitter.emit
// (src/dgram/emit-message.ts) only where nothing can tell: these pin what
// emit does in the other cases, on both implementations.

both("a once('message') listener runs for the first datagram only; an on('message') one for each, after it", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const seen: string[] = []
  rx.once('message', (msg) => seen.push(`once ${msg}`))
  const tx = socket(t, dgram)
  tx.send('a', rx.address().port, '127.0.0.1')
  await until(() => seen.length === 1, 3000, 'the first datagram')
  rx.on('message', (msg) => seen.push(`on ${msg}`))
  tx.send('b', rx.address().port, '127.0.0.1')
  tx.send('c', rx.address().port, '127.0.0.1')
  await until(() => seen.length === 3, 3000, 'two more datagrams')
  await sleep(20)
  t.deepEqual(seen, ['once a', 'on b', 'on c'])
})

both("two 'message' listeners run in order, with the socket as this", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const seen: string[] = []
  rx.on('message', function (this: unknown, msg) {
    seen.push(`first ${msg} ${this === rx}`)
  })
  rx.prependListener('message', function (this: unknown, msg) {
    seen.push(`prepended ${msg} ${this === rx}`)
  })
  socket(t, dgram).send('x', rx.address().port, '127.0.0.1')
  await until(() => seen.length === 2, 3000, 'the datagram')
  t.deepEqual(seen, ['prepended x true', 'first x true'])
})

both("a wrapped emit (as an APM agent wraps it) sees every 'message'", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const events: string[] = []
  const original = rx.emit
  rx.emit = function (this: typeof rx, event: string | symbol, ...args: unknown[]) {
    events.push(String(event))
    return Reflect.apply(original, this, [event, ...args]) as boolean
  } as typeof rx.emit
  const got: string[] = []
  rx.on('message', function (this: unknown, msg) {
    got.push(`${msg} ${this === rx}`)
  })
  socket(t, dgram).send('wrapped', rx.address().port, '127.0.0.1')
  await until(() => got.length === 1, 3000, 'the datagram')
  t.deepEqual(got, ['wrapped true'])
  t.true(events.includes('message'))
})

both('with captureRejections, a rejecting async listener becomes an error event', async (t, dgram) => {
  const { EventEmitter } = await import('node:events')
  const before = EventEmitter.captureRejections
  EventEmitter.captureRejections = true
  let rx: NodeDgram.Socket
  try {
    rx = socket(t, dgram)
  } finally {
    EventEmitter.captureRejections = before
  }
  rx.bind(0, '127.0.0.1')
  await listening(rx)
  const errors: unknown[] = []
  rx.on('error', (error) => errors.push(error))
  rx.on('message', async (msg) => {
    throw new Error(`rejected ${msg}`)
  })
  socket(t, dgram).send('r', rx.address().port, '127.0.0.1')
  await until(() => errors.length === 1, 3000, 'the error event')
  t.is((errors[0] as Error).message, 'rejected r')
})

// uv-udp/dgram calls a lone listener through a copy bound to the socket,
// made again whenever the listener changes: these pin that a change between
// datagrams, or inside a listener, is seen by the next datagram.

both('a lone listener replaced between datagrams: the next datagram goes to the new one only, with the socket as this', async (t, dgram) => {
  const rx = await bound(t, dgram)
  const seen: string[] = []
  const first = (msg: Buffer) => seen.push(`first ${msg}`)
  rx.on('message', first)
  const tx = socket(t, dgram)
  tx.send('a', rx.address().port, '127.0.0.1')
  await until(() => seen.length === 1, 3000, 'the first datagram')
  rx.removeListener('message', first)
  rx.on('message', function (this: unknown, msg) {
    seen.push(`second ${msg} ${this === rx}`)
  })
  tx.send('b', rx.address().port, '127.0.0.1')
  await until(() => seen.length === 2, 3000, 'the second datagram')
  await sleep(20)
  t.deepEqual(seen, ['first a', 'second b true'])
})

both('a listener that replaces itself inside its call: the rest of one burst goes to its successor', async (t, dgram) => {
  const rx = await bound(t, dgram)
  const seen: string[] = []
  const second = (msg: Buffer) => seen.push(`second ${msg}`)
  const first = (msg: Buffer) => {
    seen.push(`first ${msg}`)
    rx.removeListener('message', first)
    rx.on('message', second)
  }
  rx.on('message', first)
  const tx = socket(t, dgram)
  for (let i = 0; i < 5; i++) tx.send(String(i), rx.address().port, '127.0.0.1')
  await until(() => seen.length === 5, 3000, 'five datagrams')
  t.deepEqual(seen, ['first 0', 'second 1', 'second 2', 'second 3', 'second 4'])
})

both("emit wrapped after datagrams were delivered sees the later ones; with no listener left, none is called", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const got: string[] = []
  const listener = (msg: Buffer) => got.push(String(msg))
  rx.on('message', listener)
  const tx = socket(t, dgram)
  tx.send('before', rx.address().port, '127.0.0.1')
  await until(() => got.length === 1, 3000, 'the first datagram')
  const events: string[] = []
  const original = rx.emit
  rx.emit = function (this: typeof rx, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') events.push(String(args[0]))
    return Reflect.apply(original, this, [event, ...args]) as boolean
  } as typeof rx.emit
  tx.send('after', rx.address().port, '127.0.0.1')
  await until(() => got.length === 2, 3000, 'the second datagram')
  t.deepEqual(events, ['after'])
  rx.emit = original
  rx.removeListener('message', listener)
  tx.send('unheard', rx.address().port, '127.0.0.1')
  // Read with no listener: sent on the next tick, read by a poll within this wait.
  await sleep(30)
  // A datagram that arrives after this one shows the first was read.
  const witness = socket(t, dgram)
  witness.bind(0, '127.0.0.1')
  await listening(witness)
  rx.on('message', (msg) => got.push(`late ${msg}`))
  witness.send('witness', rx.address().port, '127.0.0.1')
  // Wait for the witness itself: 'unheard' may arrive in a turn of its own.
  await until(() => got.includes('late witness'), 3000, 'the witness datagram')
  t.deepEqual(got.filter((g) => g !== 'late unheard'), ['before', 'after', 'late witness'])
})

// uv-udp/dgram replaces the socket's listener table (`_events`) by a copy
// with fast properties whenever its keys may have changed: this pins that
// every kind of change between datagrams keeps delivery, the event names
// and their order, and the listeners, as dgram's.
both("the listener table changed every way between datagrams: delivery, eventNames and listeners as dgram's", async (t, dgram) => {
  const rx = await bound(t, dgram)
  const tx = socket(t, dgram)
  const port = rx.address().port
  const seen: string[] = []
  const a = (msg: Buffer) => seen.push(`a ${msg}`)
  const b = (msg: Buffer) => seen.push(`b ${msg}`)
  const noop = () => undefined
  const mine = Symbol('mine')
  const tables: string[] = []
  const step = async (label: string, expected: number) => {
    const before = seen.length
    tx.send(label, port, '127.0.0.1')
    await until(() => seen.length === before + expected, 3000, `datagram ${label}`)
    const names = rx.eventNames().map((name) => (typeof name === 'symbol' ? `@${name.description}` : name))
    tables.push(`${names.join(',')} | ${rx.listenerCount('message')}`)
  }
  rx.on('message', a)
  rx.on('error', noop)
  ;(rx as unknown as NodeJS.EventEmitter).on(mine, noop)
  rx.on('close', noop)
  await step('1', 1)
  rx.removeListener('error', noop)
  await step('2', 1)
  rx.prependListener('message', b)
  await step('3', 2)
  rx.removeListener('message', a)
  await step('4', 1)
  rx.removeAllListeners('message')
  rx.once('message', a)
  rx.on('message', b)
  await step('5', 2)
  await step('6', 1)
  rx.removeAllListeners()
  rx.on('message', a)
  await step('7', 1)
  rx.off('message', a)
  rx.on('listening', noop)
  rx.on('message', b)
  await step('8', 1)
  t.deepEqual(seen, ['a 1', 'a 2', 'b 3', 'a 3', 'b 4', 'a 5', 'b 5', 'b 6', 'a 7', 'b 8'])
  t.deepEqual(tables, [
    'message,error,close,@mine | 1',
    'message,close,@mine | 1',
    'message,close,@mine | 2',
    'message,close,@mine | 1',
    'close,message,@mine | 1',
    'close,message,@mine | 1',
    'message | 1',
    'listening,message | 1',
  ])
  t.deepEqual(rx.listeners('message'), [b])
})

// What the fast path is for: a lone listener of a socket whose emit is
// EventEmitter's own is called without emit (a frame of node:events in its
// stack shows emit ran); with two listeners, a wrapped emit, or
// captureRejections, emit runs. The other tests pin that either way the
// listeners see what dgram's would.
function emitRan(): boolean {
  return /\bemit \(node:events/.test(new Error().stack ?? '')
}

test('uv-udp/dgram calls a lone message listener without EventEmitter.emit, and emit where it must run', async (t) => {
  const { EventEmitter } = await import('node:events')
  const rx = await bound(t, uvDgram as unknown as Parameters<Parameters<typeof both>[1]>[1])
  const tx = socket(t, uvDgram as unknown as Parameters<Parameters<typeof both>[1]>[1])
  const port = rx.address().port
  const seen: string[] = []
  const lone = (msg: Buffer) => seen.push(`${msg} ${emitRan()}`)
  rx.on('message', lone)
  tx.send('lone', port, '127.0.0.1')
  await until(() => seen.length === 1, 3000, 'the first datagram')
  const second = () => undefined
  rx.on('message', second)
  tx.send('two', port, '127.0.0.1')
  await until(() => seen.length === 2, 3000, 'the second datagram')
  rx.removeListener('message', second)
  const original = rx.emit
  rx.emit = function (this: typeof rx, ...args: Parameters<typeof rx.emit>) {
    return Reflect.apply(original, this, args) as boolean
  } as typeof rx.emit
  tx.send('wrapped', port, '127.0.0.1')
  await until(() => seen.length === 3, 3000, 'the third datagram')
  rx.emit = original
  tx.send('again', port, '127.0.0.1')
  await until(() => seen.length === 4, 3000, 'the fourth datagram')
  const before = EventEmitter.captureRejections
  EventEmitter.captureRejections = true
  let capturing: ReturnType<typeof socket>
  try {
    capturing = socket(t, uvDgram as unknown as Parameters<Parameters<typeof both>[1]>[1])
  } finally {
    EventEmitter.captureRejections = before
  }
  capturing.on('message', (msg: Buffer) => seen.push(`${msg} ${emitRan()}`))
  capturing.bind(0, '127.0.0.1')
  await listening(capturing)
  tx.send('captured', capturing.address().port, '127.0.0.1')
  await until(() => seen.length === 5, 3000, 'the fifth datagram')
  t.deepEqual(seen, ['lone false', 'two true', 'wrapped true', 'again false', 'captured true'])
})
