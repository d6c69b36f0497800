// The handle's last destination (src/send_path.ts) against user code that
// runs while a send's arguments are checked: a getter among an address's
// elements (read by SendPath.same), among an array of views, or a Proxy's
// trap (Object.isFrozen in SendPath.remember) can send elsewhere, which
// moves the last destination on both sides of the binding. Each datagram
// must still go to the address its own call was given. Loopback only.
import test, { type ExecutionContext } from 'ava'

import { AF_INET6, type Address, Loop, type UDP } from '../index.js'
import { handle, sleep, until } from './support/handles.js'

function receiver(t: ExecutionContext, loop: Loop, host = '127.0.0.1', family?: number) {
  const udp = handle(t, loop, family)
  udp.bind([host, 0])
  const got: string[] = []
  udp.start_recv((_h, _peer, _flags, data) => {
    if (data !== null) got.push(data.length === 0 ? '<empty>' : data.toString())
  })
  return { got, port: udp.getsockname()[1] }
}

/** `address` with a getter at `index` that, the first time it is read, try_sends `text` to `elsewhere` on `tx`. */
function withGetter(address: unknown[], index: number, value: number, tx: UDP, elsewhere: Address): Address {
  let fired = false
  Object.defineProperty(address, index, {
    enumerable: true,
    get() {
      if (!fired) {
        fired = true
        tx.try_send(elsewhere, Buffer.from('from the getter'))
      }
      return value
    },
  })
  return address as unknown as Address
}

const settle = async (done: () => boolean) => {
  await until(done, 5000, 'the datagrams')
  await sleep(50)
}

for (const how of ['try_send_many', 'try_send'] as const) {
  test.serial(`${how}, IPv4: a flowinfo getter that sends elsewhere while the address is compared with the last one`, async (t) => {
    const loop = new Loop()
    const a = receiver(t, loop)
    const b = receiver(t, loop)
    const tx = handle(t, loop)
    tx.try_send(['127.0.0.1', a.port], Buffer.from('first'))
    const tricky = withGetter(['127.0.0.1', a.port], 2, 0, tx, ['127.0.0.1', b.port])
    if (how === 'try_send') tx.try_send(tricky, Buffer.from('one'))
    else t.is(tx.try_send_many([[tricky, Buffer.from('one')]]), 1)
    await settle(() => a.got.length + b.got.length >= 3)
    t.deepEqual(a.got, ['first', 'one'])
    t.deepEqual(b.got, ['from the getter'])
  })
}

test.serial('try_send_many, IPv6: a scope_id getter that sends elsewhere while the address is compared with the last one', async (t) => {
  const loop = new Loop()
  const a = receiver(t, loop, '::1', AF_INET6)
  const b = receiver(t, loop, '::1', AF_INET6)
  const tx = handle(t, loop, AF_INET6)
  tx.try_send(['::1', a.port, 0, 0], Buffer.from('first'))
  const tricky = withGetter(['::1', a.port, 0], 3, 0, tx, ['::1', b.port, 0, 0])
  t.is(tx.try_send_many([[tricky, Buffer.from('one')], [tricky, Buffer.from('two')]]), 2)
  await settle(() => a.got.length + b.got.length >= 4)
  t.deepEqual(a.got, ['first', 'one', 'two'])
  t.deepEqual(b.got, ['from the getter'])
})

test.serial('send: a getter in its array of views that sends elsewhere after the address was found to be the last one', async (t) => {
  const loop = new Loop()
  const a = receiver(t, loop)
  const b = receiver(t, loop)
  const tx = handle(t, loop)
  tx.try_send(['127.0.0.1', a.port], Buffer.from('first'))
  const parts: Buffer[] = [Buffer.from('x')]
  Object.defineProperty(parts, 1, {
    enumerable: true,
    get() {
      tx.try_send(['127.0.0.1', b.port], Buffer.from('from the getter'))
      return Buffer.from('y')
    },
  })
  tx.send(['127.0.0.1', a.port], parts)
  await settle(() => a.got.length + b.got.length >= 3)
  t.deepEqual(a.got, ['first', 'xy'])
  t.deepEqual(b.got, ['from the getter'])
})

for (const how of ['try_send_many', 'try_send'] as const) {
  test.serial(`${how}: a frozen Proxy address whose isExtensible trap sends elsewhere while the handle remembers it`, async (t) => {
    const loop = new Loop()
    const a = receiver(t, loop)
    const b = receiver(t, loop)
    const tx = handle(t, loop)
    let fired = false
    const proxy = new Proxy(Object.freeze(['127.0.0.1', a.port]), {
      isExtensible(target) {
        if (!fired) {
          fired = true
          tx.try_send(['127.0.0.1', b.port], Buffer.from('from the trap'))
        }
        return Reflect.isExtensible(target)
      },
    }) as unknown as Address
    const send = (text: string) => (how === 'try_send' ? tx.try_send(proxy, Buffer.from(text)) : tx.try_send_many([[proxy, Buffer.from(text)]]))
    send('one')
    send('two')
    await settle(() => a.got.length + b.got.length >= 3)
    t.deepEqual(a.got, ['one', 'two'])
    t.deepEqual(b.got, ['from the trap'])
  })
}

// An empty view's buffer is checked for being detached; that check reads
// nothing a program can define (ArrayBuffer.prototype.slice read the
// buffer's `constructor`, which ran here after the address had matched).
for (const how of ['try_send', 'send', 'try_send_many'] as const) {
  test.serial(`${how}: an empty view whose buffer's constructor getter sends elsewhere runs no code, and the datagram goes to its address`, async (t) => {
    const loop = new Loop()
    const a = receiver(t, loop)
    const b = receiver(t, loop)
    const tx = handle(t, loop)
    tx.try_send(['127.0.0.1', a.port], Buffer.from('first'))
    const buffer = new ArrayBuffer(0)
    let ran = 0
    Object.defineProperty(buffer, 'constructor', {
      get() {
        ran++
        tx.try_send(['127.0.0.1', b.port], Buffer.from('from the getter'))
        return ArrayBuffer
      },
    })
    const empty = new Uint8Array(buffer)
    const to: Address = ['127.0.0.1', a.port]
    if (how === 'try_send') tx.try_send(to, empty)
    else if (how === 'send') tx.send(to, empty)
    else tx.try_send_many([[to, empty]])
    await settle(() => a.got.length >= 2)
    t.is(ran, 0)
    t.deepEqual(a.got, ['first', '<empty>'])
    t.deepEqual(b.got, [])
  })
}

// A Proxy address's traps run (Object.isFrozen) before the binding takes
// the datagram: one that throws fails the call with nothing sent, and no
// send is left without its callback.
for (const how of ['send', 'try_send', 'try_send_many'] as const) {
  test.serial(`${how}: a Proxy address whose trap throws fails the call before anything is sent`, async (t) => {
    const loop = new Loop()
    const a = receiver(t, loop)
    const tx = handle(t, loop)
    const proxy = new Proxy(['127.0.0.1', a.port], {
      isExtensible() {
        throw new Error('trap')
      },
    }) as unknown as Address
    const callbacks: Array<number | null> = []
    t.throws(
      () => {
        if (how === 'send') tx.send(proxy, Buffer.from('one'), (_h, error) => callbacks.push(error))
        else if (how === 'try_send') tx.try_send(proxy, Buffer.from('one'))
        else tx.try_send_many([[proxy, Buffer.from('one')]])
      },
      { message: 'trap' },
    )
    t.is(tx.send_queue_count, 0)
    tx.send(['127.0.0.1', a.port], Buffer.from('two'), (_h, error) => callbacks.push(error))
    await settle(() => a.got.length >= 1 && callbacks.length >= 1)
    t.deepEqual(a.got, ['two'])
    t.deepEqual(callbacks, [null])
  })
}
