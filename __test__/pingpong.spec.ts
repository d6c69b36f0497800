import test from 'ava'

import { Loop, UDP, type Address4 } from '../index.js'
import { within } from './support/handles.js'

test('pingpong over IPv4 loopback delivers the datagram and its echo', async (t) => {
  const loop = new Loop()
  const server = new UDP(loop)
  server.bind(['127.0.0.1', 0])
  const address = server.getsockname() as Address4
  server.start_recv((handle, peer, _flags, data, error) => {
    t.is(error, null)
    if (peer && data) handle.send(peer, data)
  })
  const client = new UDP(loop)
  const echo = await within(
    5000,
    new Promise<string>((resolve) => {
      client.start_recv((_handle, _peer, _flags, data) => resolve(String(data)))
      client.send(address, Buffer.from('PING'))
    }),
    'the echo',
  )
  t.is(echo, 'PING')
  client.close()
  server.close()
  await within(5000, loop.run(), 'loop.run() after both handles closed')
  t.deepEqual(loop.handles, [])
})
