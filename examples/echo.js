// An echo server and a client on loopback: the client sends a few datagrams,
// the server sends each one back, and the client prints the round trip.
// Run with `npm start` (or `node examples/echo.js` after `npm run build`).
'use strict'
const { Loop, UDP } = require('..')

const loop = Loop.default_loop()
const ROUNDS = 5

const server = new UDP(loop)
server.bind(['127.0.0.1', 0])
server.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('server: receive failed:', error)
  handle.send(address, data)
})
const serverAddress = server.getsockname()
console.log(`server: listening on ${serverAddress.join(':')}`)

const client = new UDP(loop)
let sentAt = 0n
let round = 0

function ping() {
  const message = Buffer.from(`ping ${round + 1} of ${ROUNDS}`)
  sentAt = process.hrtime.bigint()
  client.send(serverAddress, message, (handle, error) => {
    if (error !== null) console.error('client: send failed:', error)
  })
  console.log(`client: sent     ${JSON.stringify(message.toString())}`)
}

client.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('client: receive failed:', error)
  const rtt = Number(process.hrtime.bigint() - sentAt) / 1000
  console.log(`client: received ${JSON.stringify(data.toString())} from ${address.join(':')} in ${rtt.toFixed(1)} µs`)
  if (++round < ROUNDS) return ping()
  client.close()
  server.close(() => console.log('closed both handles'))
})

ping()
loop.run().then(() => console.log('loop finished: nothing left active'))
