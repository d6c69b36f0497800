// The ping-pong scenario of bench/run.js, for uv-udp and node:dgram: one 64 B
// datagram bounced between two sockets on 127.0.0.1, one outstanding; each
// resolves with the round-trip times in microseconds. bench/instructions.js
// runs them under callgrind.
'use strict'
const dgram = require('node:dgram')

const { UDP } = require('..')

/** A datagram lost on loopback would stall a ping-pong for ever: bounded. */
const LIMIT_MS = 60_000

function bounded(lib, run) {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`${lib} ping-pong: no reply within ${LIMIT_MS / 1000} s (a datagram was lost?)`)), LIMIT_MS)
    run(() => {
      clearTimeout(guard)
      resolve()
    })
  })
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

async function pingpongUv(loop, rounds) {
  const server = new UDP(loop)
  server.bind(['127.0.0.1', 0])
  server.start_recv((handle, peer, _flags, data) => handle.send(peer, data))
  const client = new UDP(loop)
  const to = server.getsockname()
  const payload = Buffer.alloc(64, 1)
  const rtts = new Float64Array(rounds)
  await bounded('uv-udp', (resolve) => {
    let round = 0
    let sentAt = process.hrtime.bigint()
    client.start_recv(() => {
      rtts[round++] = Number(process.hrtime.bigint() - sentAt) / 1000
      if (round === rounds) return resolve()
      sentAt = process.hrtime.bigint()
      client.send(to, payload)
    })
    client.send(to, payload)
  })
  client.close()
  server.close()
  return rtts
}

/** dgram's ping-pong; `lib` is node:dgram or uv-udp/dgram, the same code for both. */
async function pingpongDgram(rounds, lib = dgram) {
  const server = lib.createSocket('udp4')
  server.on('message', (data, rinfo) => server.send(data, rinfo.port, rinfo.address))
  await new Promise((resolve) => server.bind(0, '127.0.0.1', resolve))
  const client = lib.createSocket('udp4')
  const port = server.address().port
  const payload = Buffer.alloc(64, 1)
  const rtts = new Float64Array(rounds)
  await bounded(lib === dgram ? 'dgram' : 'uv-udp/dgram', (resolve) => {
    let round = 0
    let sentAt = process.hrtime.bigint()
    client.on('message', () => {
      rtts[round++] = Number(process.hrtime.bigint() - sentAt) / 1000
      if (round === rounds) return resolve()
      sentAt = process.hrtime.bigint()
      client.send(payload, port, '127.0.0.1')
    })
    client.send(payload, port, '127.0.0.1')
  })
  client.close()
  server.close()
  return rtts
}

module.exports = { percentile, pingpongUv, pingpongDgram }
