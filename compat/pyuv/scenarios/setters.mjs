// Every setter with valid and invalid values, on both families, and before
// a socket exists.
import { IFNAME, UDP, done, loop, step } from './common.mjs'

const handles = []
function make(...args) {
  const h = new UDP(loop, ...args)
  handles.push(h)
  return h
}

// Python's repr of each value, so that step names match.
const repr = (v) =>
  v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : typeof v === 'string' ? `'${v}'`
    : Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : String(v)

const none = make()
for (const [name, call] of [
  ['set_ttl', (h) => h.set_ttl(1)],
  ['set_multicast_ttl', (h) => h.set_multicast_ttl(1)],
  ['set_broadcast', (h) => h.set_broadcast(true)],
  ['set_multicast_loop', (h) => h.set_multicast_loop(true)],
  ['set_multicast_interface', (h) => h.set_multicast_interface('127.0.0.1')],
  ['fileno', (h) => h.fileno()],
  ['send_buffer_size', (h) => h.send_buffer_size],
  ['receive_buffer_size', (h) => h.receive_buffer_size],
  ['set send_buffer_size', (h) => { h.send_buffer_size = 65536 }],
  ['stop_recv', (h) => h.stop_recv()],
]) {
  step(`no socket ${name}`, () => call(none))
}

for (const [label, addr] of [['v4', ['127.0.0.1', 40050]], ['v6', ['::1', 40051]]]) {
  const h = make()
  h.bind(addr)
  for (const v of [1, 64, 255, 0, 256, -1, 2 ** 31, 2 ** 32, 1.5, NaN, Infinity]) {
    step(`${label} set_ttl ${repr(v)}`, () => h.set_ttl(v))
  }
  for (const v of [0, 1, 255, 256, -1, 2 ** 32, 1.5]) step(`${label} set_multicast_ttl ${repr(v)}`, () => h.set_multicast_ttl(v))
  for (const v of [true, false, 1, 0, null, 'yes']) {
    step(`${label} set_broadcast ${repr(v)}`, () => h.set_broadcast(v))
    step(`${label} set_multicast_loop ${repr(v)}`, () => h.set_multicast_loop(v))
  }
  for (const v of ['127.0.0.1', '198.51.100.1', '0.0.0.0', '', '::1', '::', `::%${IFNAME}`, `%${IFNAME}`,
    `fe80::1%${IFNAME}`, '203.0.113.9', 'not-an-ip', 5]) {
    step(`${label} set_multicast_interface ${repr(v)}`, () => h.set_multicast_interface(v))
  }
  step(`${label} set_multicast_interface omitted`, () => h.set_multicast_interface())
}

for (const h of handles) h.close()
await loop.run()
done()
