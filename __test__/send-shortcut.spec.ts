// src/send_path.ts's shortcut, seen from the binding: a send or try_send
// to address values equal to the last destination the binding parsed
// takes the `…Again` call (no host string copied or parsed again); any
// other address takes the full call, and one the checks refuse is never
// sent. Counted by wrapping the binding's four send functions where the
// handle reads them: src/hot-exports.js, which read them once from the
// binding (whose own exports the handle no longer reads per send). Loopback only.
import { createRequire } from 'node:module'

import test, { type ExecutionContext } from 'ava'

import { type Address, Loop, UDPError } from '../index.js'
import { handle, until } from './support/handles.js'

const binding = createRequire(import.meta.url)('../src/hot-exports.js') as Record<string, (...args: unknown[]) => unknown>
const FULL = ['handleSend', 'handleTrySend']
const AGAIN = ['handleSendAgain', 'handleTrySendAgain']

/** Which binding send functions ran, in order ('full' or 'again'), while `fn` ran. */
function calls(fn: () => void): string[] {
  const seen: string[] = []
  const saved = new Map<string, (...args: unknown[]) => unknown>()
  for (const name of [...FULL, ...AGAIN]) {
    const real = binding[name]
    saved.set(name, real)
    binding[name] = (...args: unknown[]) => {
      seen.push(FULL.includes(name) ? 'full' : 'again')
      return real(...args)
    }
  }
  try {
    fn()
  } finally {
    for (const [name, real] of saved) binding[name] = real
  }
  return seen
}

function receiver(t: ExecutionContext, loop: Loop, host: string) {
  const udp = handle(t, loop)
  udp.bind([host, 0])
  const got: string[] = []
  udp.start_recv((_h, _peer, _flags, data) => {
    if (data !== null) got.push(data.toString())
  })
  return { udp, got, port: udp.getsockname()[1] }
}

// Tests share the binding's functions: one at a time.
test.serial('IPv4: the same tuple, or equal values in a new array, takes the shortcut; another port or host does not', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const other = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  const address: Address = ['127.0.0.1', rx.port]
  let n = 0
  const send = (to: Address) => tx.send(to, Buffer.from(String(n++)))
  t.deepEqual(
    calls(() => {
      send(address)
      send(address)
      send(['127.0.0.1', rx.port])
      send(['127.0.0.1', other.port])
      send(['127.0.0.1', rx.port])
    }),
    ['full', 'again', 'again', 'full', 'full'],
  )
  await until(() => rx.got.length + other.got.length === 5 && tx.send_queue_count === 0, 5000, 'five datagrams')
  // try_send takes the same shortcut (once no send is pending: else UV_EAGAIN).
  t.deepEqual(
    calls(() => tx.try_send(['127.0.0.1', rx.port], Buffer.from(String(n++)))),
    ['again'],
  )
  await until(() => rx.got.length === 5, 5000, 'the try_send datagram')
  t.deepEqual(other.got, ['3'])
  t.deepEqual(rx.got, ['0', '1', '2', '4', '5'])
})

test.serial('IPv6: an omitted flowinfo or scope equals its default (0, none); a different flowinfo or an explicit scope 0 does not', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '::1')
  const tx = handle(t, loop)
  const port = rx.port
  let n = 0
  const send = (to: Address) => tx.send(to, Buffer.from(String(n++)))
  t.deepEqual(
    calls(() => {
      send(['::1', port])
      send(['::1', port, 0])
      send(['::1', port, 0, undefined as unknown as number])
      send(['::1', port, 1])
      send(['::1', port, 1])
      send(['::1', port, 0, 0])
      send(['::1', port, 0, 0])
      send(['::1', port])
    }),
    ['full', 'again', 'again', 'full', 'again', 'full', 'again', 'full'],
  )
  await until(() => rx.got.length === 8, 5000, 'eight datagrams')
})

test.serial('an address the checks refuse is refused even when its first elements equal the last destination, and never sent', (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  const port = rx.port
  const refused: unknown[] = [
    ['127.0.0.1', port, 0, undefined, 'extra'],
    { 0: '127.0.0.1', 1: port, length: 2 },
  ]
  t.deepEqual(
    calls(() => {
      tx.send(['127.0.0.1', port], Buffer.from('ok'))
      for (const address of refused) t.throws(() => tx.send(address as Address, Buffer.from('no')), { instanceOf: TypeError })
      for (const address of refused) t.throws(() => tx.try_send(address as Address, Buffer.from('no')), { instanceOf: TypeError })
    }),
    ['full'],
  )
})

test.serial('on a handle that has sent nothing, an address with no host is refused, not sent to a remembered destination', (t) => {
  const udp = handle(t, new Loop())
  t.deepEqual(
    calls(() => {
      t.throws(() => udp.send([null as unknown as string, 0], Buffer.from('x')), { instanceOf: TypeError })
      t.throws(() => udp.try_send([null as unknown as string, 0], Buffer.from('x')), { instanceOf: TypeError })
    }),
    [],
  )
})

test.serial('after a send the binding refused, the same address takes the full call again', (t) => {
  const loop = new Loop()
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  const to: Address = ['::1', 9]
  t.deepEqual(
    calls(() => {
      // An IPv6 destination from an IPv4 socket: the binding refuses it.
      t.throws(() => tx.try_send(to, Buffer.from('x')), { instanceOf: UDPError })
      t.throws(() => tx.try_send(to, Buffer.from('x')), { instanceOf: UDPError })
    }),
    ['full', 'full'],
  )
})

test.serial('a connected handle sending to null takes the full call each time (the peer is not remembered as a destination)', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  tx.connect(['127.0.0.1', rx.port])
  t.deepEqual(
    calls(() => {
      tx.send(null, Buffer.from('a'))
      tx.send(null, Buffer.from('b'))
    }),
    ['full', 'full'],
  )
  await until(() => rx.got.length === 2, 5000, 'two datagrams')
  t.deepEqual(rx.got, ['a', 'b'])
})

test.serial('a frozen tuple sent to again takes the shortcut by identity; an array changed in place between sends does not', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const other = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  // getsockname's tuple is frozen, as every received peer tuple is.
  const frozen = rx.udp.getsockname()
  t.true(Object.isFrozen(frozen))
  const mutable: Address = ['127.0.0.1', rx.port]
  let n = 0
  const send = (to: Address) => tx.send(to, Buffer.from(String(n++)))
  t.deepEqual(
    calls(() => {
      send(frozen)
      send(frozen)
      // Another destination in between: the frozen tuple is parsed again.
      send(['127.0.0.1', other.port])
      send(frozen)
      send(frozen)
      // Equal values in a mutable array: the shortcut, by its values. The
      // same array object with a new port is a new destination.
      send(mutable)
      ;(mutable as [string, number])[1] = other.port
      send(mutable)
      // And the frozen tuple after it, whose values the binding no longer holds.
      send(frozen)
      // A mutable array the binding parsed, changed in place, is parsed again.
      send(mutable)
      ;(mutable as [string, number])[1] = rx.port
      send(mutable)
    }),
    ['full', 'again', 'full', 'full', 'again', 'again', 'full', 'full', 'full', 'full'],
  )
  await until(() => rx.got.length + other.got.length === 10 && tx.send_queue_count === 0, 5000, 'ten datagrams')
  t.deepEqual(rx.got, ['0', '1', '3', '4', '5', '7', '9'])
  t.deepEqual(other.got, ['2', '6', '8'])
})

test.serial('a frozen array whose port is a getter is sent where the getter says, each time', async (t) => {
  const loop = new Loop()
  const rx = receiver(t, loop, '127.0.0.1')
  const other = receiver(t, loop, '127.0.0.1')
  const tx = handle(t, loop)
  let port = rx.port
  const tricky = ['127.0.0.1', 0] as unknown as Address
  Object.defineProperty(tricky, 1, { get: () => port, enumerable: true })
  Object.freeze(tricky)
  t.true(Object.isFrozen(tricky))
  let n = 0
  const send = () => tx.send(tricky, Buffer.from(String(n++)))
  t.deepEqual(
    calls(() => {
      send()
      send()
      port = other.port
      send()
      send()
      port = rx.port
      send()
    }),
    ['full', 'again', 'full', 'again', 'full'],
  )
  await until(() => rx.got.length + other.got.length === 5 && tx.send_queue_count === 0, 5000, 'five datagrams')
  t.deepEqual(rx.got, ['0', '1', '4'])
  t.deepEqual(other.got, ['2', '3'])
})
