// try_send_many and the handle's last destination (src/send-many.ts,
// src/send_path.ts): a call whose messages all go to the address of the
// handle's last send, try_send or one-destination try_send_many hands the
// binding no destination (`null`), and the binding sends to the one it
// kept. Every other call hands it the destinations in full, and the one
// destination of such a call becomes the last one. Seen from the binding
// by wrapping `handleTrySendMany` where the handle reads it
// (src/hot-exports.js), and from where the datagrams arrive. Loopback only.
import { createRequire } from 'node:module'

import test, { type ExecutionContext } from 'ava'

import { type Address, Loop, UDPError, errno } from '../index.js'
import { handle, until } from './support/handles.js'

const binding = createRequire(import.meta.url)('../src/hot-exports.js') as Record<string, (...args: unknown[]) => unknown>

/** For each try_send_many while `fn` ran: 'last' when it handed the binding no destination, else how many. */
function destinations(fn: () => void): Array<'last' | number> {
  const seen: Array<'last' | number> = []
  const real = binding.handleTrySendMany
  binding.handleTrySendMany = (id: unknown, dests: unknown, ...rest: unknown[]) => {
    seen.push(dests === null ? 'last' : (dests as unknown[]).length)
    return real(id, dests, ...rest)
  }
  try {
    fn()
  } finally {
    binding.handleTrySendMany = real
  }
  return seen
}

function receiver(t: ExecutionContext, loop: Loop) {
  const udp = handle(t, loop)
  udp.bind(['127.0.0.1', 0])
  const got: string[] = []
  udp.start_recv((_h, _peer, _flags, data) => {
    if (data !== null) got.push(data.toString())
  })
  const port = udp.getsockname()[1]
  return { got, port, address: ['127.0.0.1', port] as Address }
}

const bytes = (text: string) => Buffer.from(text)

// Tests share the binding's function: one at a time.
test.serial('a call to the last destination hands the binding none; send, try_send and try_send_many share it', async (t) => {
  const loop = new Loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  t.deepEqual(
    destinations(() => {
      tx.try_send_many([[a.address, bytes('1')], [a.address, bytes('2')]])
      // Equal values in a new array are the same destination.
      tx.try_send_many([[['127.0.0.1', a.port], bytes('3')]])
      // Two destinations: in full; the last destination stays a's.
      tx.try_send_many([[a.address, bytes('4')], [b.address, bytes('5')]])
      tx.try_send_many([[a.address, bytes('6')]])
      // One other destination in full: it becomes the last.
      tx.try_send_many([[b.address, bytes('7')]])
      tx.try_send_many([[b.address, bytes('8')]])
      // try_send's destination is the last one too.
      tx.try_send(a.address, bytes('9'))
      tx.try_send_many([[a.address, bytes('10')]])
    }),
    [1, 'last', 2, 'last', 1, 'last', 'last'],
  )
  // A send after a one-destination try_send_many goes where that call did.
  tx.send(b.address, bytes('11'))
  await until(() => a.got.length === 7 && b.got.length === 4, 5000, 'eleven datagrams')
  t.deepEqual(a.got, ['1', '2', '3', '4', '6', '9', '10'])
  t.deepEqual(b.got, ['5', '7', '8', '11'])
})

test.serial('a getter among the messages that sends elsewhere does not move the call: its datagrams go to its own address', async (t) => {
  const loop = new Loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  tx.try_send(a.address, bytes('first'))
  // The second message's data is read through a getter that try_sends to b
  // (the handle's last destination becomes b) while the call checks it.
  const second: [Address, Buffer] = [a.address, bytes('unused')]
  Object.defineProperty(second, 1, {
    get() {
      tx.try_send(b.address, bytes('from the getter'))
      return bytes('second')
    },
  })
  const seen = destinations(() => {
    t.is(tx.try_send_many([[a.address, bytes('one')], second]), 2)
  })
  // Handed in full: the binding's last destination was b's by then.
  t.deepEqual(seen, [1])
  tx.try_send(a.address, bytes('last'))
  await until(() => a.got.length === 4 && b.got.length === 1, 5000, 'five datagrams')
  t.deepEqual(a.got, ['first', 'one', 'second', 'last'])
  t.deepEqual(b.got, ['from the getter'])
})

test.serial('a call refused after the binding parsed its one destination leaves no stale last destination behind', async (t) => {
  const loop = new Loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  let sent = 0
  tx.send(a.address, bytes('queued'), () => sent++)
  // A send's callback is pending: try_send_many is refused (UV_EAGAIN),
  // after the binding parsed b's address.
  const error = t.throws(() => tx.try_send_many([[b.address, bytes('refused')]]), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EAGAIN)
  await until(() => sent === 1, 5000, 'the send callback')
  // The same values as the first send's: they must reach a, not b.
  tx.send(['127.0.0.1', a.port], bytes('again'))
  await until(() => a.got.length === 2, 5000, 'two datagrams at a')
  t.deepEqual(a.got, ['queued', 'again'])
  t.deepEqual(b.got, [])
})

// The views the binding reads without copying (datagrams longer than the
// packed area takes; under Bun, every datagram) go in an array that no user
// code can touch while the binding holds the views it has read so far: a
// program that patched Array.prototype.push to turn elements into accessors
// gets no call while the binding reads them.
test.serial('a patched Array.prototype.push runs no user code while the binding reads the views it does not copy', (t) => {
  const loop = new Loop()
  const tx = handle(t, loop)
  const big = [new Uint8Array(70_000), new Uint8Array(70_000)]
  let read = 0
  const push = Object.getOwnPropertyDescriptor(Array.prototype, 'push')
  Object.defineProperty(Array.prototype, 'push', {
    configurable: true,
    writable: true,
    value(this: unknown[], ...items: unknown[]) {
      for (const item of items) {
        const value = item
        Object.defineProperty(this, this.length, {
          configurable: true,
          enumerable: true,
          get() {
            read++
            return value
          },
        })
      }
      return this.length
    },
  })
  let error: unknown
  try {
    error = t.throws(() => tx.try_send_many([[['127.0.0.1', 9], big[0]], [['127.0.0.1', 9], big[1]]]), { instanceOf: UDPError })
  } finally {
    if (push) Object.defineProperty(Array.prototype, 'push', push)
  }
  // The kernel refuses the first (longer than any UDP datagram) with its own error.
  t.is((error as UDPError).errno, errno.UV_EMSGSIZE)
  t.is(read, 0)
})
