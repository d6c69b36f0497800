// A connected UDP handle (libuv's uv_udp_connect): connect() fixes the peer,
// so send and try_send take null for the address, getpeername() tells the
// peer, the handle hears only that peer, and connect(null) undoes it all.
// Runs on loopback, no root needed.
//
//   node examples/connect.js
'use strict'
const { Loop, UDP, UDPError, AF_INET } = require('..')

const loop = Loop.default_loop()

const server = new UDP(loop)
server.bind(['127.0.0.1', 0])
server.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('server: receive failed:', error)
  handle.send(address, Buffer.concat([Buffer.from('echo: '), data]))
})
const serverAddress = server.getsockname()

const client = new UDP(loop, AF_INET)
client.connect(serverAddress)
console.log('client: connected to', client.getpeername(), 'from', client.getsockname())

try {
  client.send(serverAddress, Buffer.from('an address on a connected handle'))
} catch (error) {
  if (!(error instanceof UDPError)) throw error
  console.log(`client: send with an address throws ${error.code}: ${error.message}`)
}

let replies = 0
client.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('client: receive failed:', error)
  console.log(`client: ${JSON.stringify(data.toString())} from ${address.join(':')}`)
  if (++replies < 2) return
  client.connect(null)
  try {
    client.getpeername()
  } catch (error) {
    console.log(`client: disconnected, getpeername throws ${error.code}`)
  }
  client.close()
  server.close()
})

client.send(null, Buffer.from('sent with send(null, ...)'))
console.log(`client: try_send(null, ...) sent ${client.try_send(null, Buffer.from('sent with try_send'))} bytes`)

loop.run().then(() => console.log('done'))
