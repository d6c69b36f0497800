// Ping-pong shapes: v4, v6, an IPv4 peer of a dual-stack socket, gathered
// and empty datagrams, NUL bytes; the order of send and receive callbacks.
import { UDP, done, errnoName, event, loop, step } from './common.mjs'

const server = new UDP(loop)
server.bind(['0.0.0.0', 40030])
const server6 = new UDP(loop)
server6.bind(['::', 40031])
const client = new UDP(loop)
client.bind(['127.0.0.1', 40032])
const client6 = new UDP(loop)
client6.bind(['::1', 40033])
// One ping at a time: the next goes once the previous pong is in, so the
// order of every callback is fixed.
const PINGS = [
  [client, ['127.0.0.1', 40030], Buffer.from('PING'), 'v4'],
  [client, ['127.0.0.1', 40030], [Buffer.from('PIN\0G'), Buffer.from('\n')], 'gathered'],
  [client, ['127.0.0.1', 40030], Buffer.alloc(0), 'empty'],
  [client6, ['::1', 40031], Buffer.from('PING6'), 'v6'],
  [client6, ['::1', 40031, 0, 0], [Buffer.alloc(0), Buffer.alloc(0)], 'empty gathered'],
  [client, ['127.0.0.1', 40031], Buffer.from('dual'), 'v4 to dual-stack'],
]
let next = 0

function onServer(handle, addr, flags, data, error) {
  event('server recv', addr, flags, data, errnoName(error))
  handle.send(addr, [Buffer.from('PO'), Buffer.from('NG'), data], (h, e) => event('server send cb', errnoName(e)))
}

function ping() {
  const [handle, addr, data, what] = PINGS[next++]
  handle.send(addr, data, (h, e) => event('client send cb', what, errnoName(e)))
}

function onClient(handle, addr, flags, data, error) {
  event('client recv', addr, flags, data, errnoName(error))
  if (next < PINGS.length) ping()
  else for (const h of [server, server6, client, client6]) h.close(() => event('close cb'))
}

server.start_recv(onServer)
server6.start_recv(onServer)
client.start_recv(onClient)
client6.start_recv(onClient)
step('active while receiving', () => [server.active, client.active])
ping()
await loop.run()
done()
