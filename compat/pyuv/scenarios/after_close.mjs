// What a handle answers after close(): in the close callback and later.
import { UDP, attr, done, errnoName, event, loop, step, uv } from './common.mjs'

const MEMBERS = [
  ['closed', (h) => h.closed],
  ['active', (h) => h.active],
  ['ref', (h) => h.ref],
  ['set ref', (h) => { h.ref = false }],
  ['ref after set', (h) => h.ref],
  ['send_queue_size', (h) => h.send_queue_size],
  ['send_queue_count', (h) => attr(h, 'send_queue_count')],
  ['loop is None', (h) => h.loop === null],
  ['family', (h) => h.family],
  ['send_buffer_size', (h) => h.send_buffer_size],
  ['receive_buffer_size', (h) => h.receive_buffer_size],
  ['fileno', (h) => h.fileno()],
  ['getsockname', (h) => h.getsockname()],
  ['bind', (h) => h.bind(['127.0.0.1', 40100])],
  ['send', (h) => h.send(['127.0.0.1', 40100], Buffer.from('x'))],
  ['try_send', (h) => h.try_send(['127.0.0.1', 40100], Buffer.from('x'))],
  ['start_recv', (h) => h.start_recv(() => {})],
  ['stop_recv', (h) => h.stop_recv()],
  ['set_ttl', (h) => h.set_ttl(5)],
  ['set_broadcast', (h) => h.set_broadcast(true)],
  ['set_membership', (h) => h.set_membership('239.1.1.1', uv.UV_JOIN_GROUP)],
  ['close again', (h) => h.close()],
]

function check(h, when) {
  for (const [name, fn] of MEMBERS) step(`${when} ${name}`, () => fn(h))
}

const h = new UDP(loop)
h.bind(['127.0.0.1', 40101])
h.send(['127.0.0.1', 40101], Buffer.from('pending'), (h, e) => event('send cb', errnoName(e)))
h.close((h) => {
  event('close cb')
  check(h, 'in close cb')
})
check(h, 'right after close')
await loop.run()
check(h, 'after loop')

// Python's type names of e.args, to compare with pyuv's.
step('HandleClosedError args', () => {
  try {
    h.bind(['127.0.0.1', 40100])
  } catch (e) {
    return e.args.map((a) => (typeof a === 'number' ? 'int' : 'str'))
  }
})
done()
