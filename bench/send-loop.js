// Per-datagram cost of the send paths in a tight loop (no event-loop turns):
// `node bench/send-loop.js`. Loopback only. The figures docs/design-notes.md
// and bench/RESULTS.md quote for try_send and try_send_many come from here.
'use strict'
const dgram = require('node:dgram')
const { Loop, UDP } = require('..')

const N = 300_000
const loop = new Loop()
const sink = new UDP(loop)
sink.bind(['127.0.0.1', 0])
const to = sink.getsockname()
const sender = new UDP(loop)
const payload = Buffer.alloc(64)
const ns = (start) => Number(process.hrtime.bigint() - start) / N

for (let i = 0; i < 1000; i++) sender.try_send(to, payload) // warm up
let start = process.hrtime.bigint()
for (let i = 0; i < N; i++) sender.try_send(to, payload)
console.log(`uv-udp try_send:        ${ns(start).toFixed(0)} ns per datagram`)

const messages = Array.from({ length: 64 }, () => [to, payload])
start = process.hrtime.bigint()
for (let i = 0; i < N / 64; i++) sender.try_send_many(messages)
console.log(`uv-udp try_send_many:   ${ns(start).toFixed(0)} ns per datagram (batches of 64)`)

const socket = dgram.createSocket('udp4')
socket.bind(0, () => {
  let done = 0
  start = process.hrtime.bigint()
  const burst = () => {
    for (let i = 0; i < 64; i++) {
      socket.send(payload, to[1], '127.0.0.1', () => {
        if (++done === N) {
          console.log(`node:dgram send:        ${ns(start).toFixed(0)} ns per datagram (64 per turn)`)
          socket.close()
          sender.close()
          sink.close()
        }
      })
    }
    if (done + 64 <= N) setImmediate(burst)
  }
  burst()
})
