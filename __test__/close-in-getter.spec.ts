// A getter in a call's arguments (an address element of a send, a bind or
// a connect, a message of try_send_many) runs while the call checks them,
// and can close the handle before the call: it then throws
// HandleClosedError, as any call after close() does, and no socket is made
// for the closed handle.
import { readdirSync } from 'node:fs'

import test from 'ava'

import { HandleClosedError, Loop, UDP, type Address } from '../index.js'
import { linux, needs } from './support/capability.js'

const descriptors = (): number => readdirSync('/proc/self/fd').length

/** An address whose port getter closes `udp` when read. */
function closingAddress(udp: UDP): Address {
  const address = ['127.0.0.1', 9] as [string, number]
  Object.defineProperty(address, 1, {
    get() {
      if (!udp.closed) udp.close()
      return 9
    },
  })
  return address
}

const calls: Record<string, (udp: UDP) => unknown> = {
  send: (udp) => udp.send(closingAddress(udp), Buffer.from('x')),
  'send with a callback': (udp) => udp.send(closingAddress(udp), Buffer.from('x'), () => {}),
  try_send: (udp) => udp.try_send(closingAddress(udp), Buffer.from('x')),
  try_send_many: (udp) => {
    const messages: (readonly [Address, Buffer])[] = [[['127.0.0.1', 9], Buffer.from('a')]]
    Object.defineProperty(messages, 1, {
      enumerable: true,
      get() {
        udp.close()
        return [['127.0.0.1', 9], Buffer.from('b')]
      },
    })
    return udp.try_send_many(messages)
  },
  bind: (udp) => udp.bind(closingAddress(udp)),
  connect: (udp) => udp.connect(closingAddress(udp)),
}

for (const [name, call] of Object.entries(calls)) {
  for (const bound of [false, true]) {
    needs(linux('counting descriptors in /proc/self/fd')).serial(
      `${name} on a${bound ? ' bound' : 'n unbound'} handle that a getter of its arguments closes throws HandleClosedError and opens no socket`,
      async (t) => {
        const loop = new Loop()
        const before = descriptors()
        for (let i = 0; i < 20; i++) {
          const udp = new UDP(loop)
          if (bound) udp.bind(['127.0.0.1', 0])
          t.throws(() => call(udp), { instanceOf: HandleClosedError })
          t.true(udp.closed)
        }
        await loop.run()
        t.is(descriptors(), before, 'descriptors back to the count before')
      },
    )
  }
}
