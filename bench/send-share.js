// Where the facade's send share goes on the wall clock: 64 B sends with a
// callback, in bursts of 64 as bench/run.js's send rows, from
//   - the pyuv API on a handle that does not receive (bench/run.js's row),
//   - the pyuv API on a handle that receives (bound, start_recv running),
//   - uv-udp/dgram (a dgram socket receives from its bind on, as Node's),
//   - node:dgram,
// to one `udpload count` sink, in alternating slices of SLICE seconds
// (ROUNDS each, the order reversed every other round), so that the
// machine's drift between two measurements cancels out of their ratio.
// Each slice's CPU time is split into user and system time per datagram.
//
//   node bench/send-share.js      prints a table and JSON (BENCH_SLICE, BENCH_ROUNDS)
//
// Loopback only; every slice is bounded in time.
'use strict'
const dgram = require('node:dgram')

const { Loop, UDP } = require('..')
const facade = require('../dgram')
const { machine } = require('./callgrind')
const load = require('./load')

const SLICE = Number(process.env.BENCH_SLICE ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const BATCH = 64
const SENDERS = ['pyuv API', 'pyuv API, receiving', 'uv-udp/dgram', 'node:dgram']

const immediate = () => new Promise((resolve) => setImmediate(resolve))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const now = () => Number(process.hrtime.bigint()) / 1e9

function sender(kind, port, payload) {
  let completed = 0
  const onSent = () => { completed++ }
  if (kind.startsWith('pyuv API')) {
    const udp = new UDP(Loop.default_loop())
    if (kind === 'pyuv API, receiving') {
      udp.bind(['0.0.0.0', 0])
      udp.start_recv(() => {})
    }
    const to = ['127.0.0.1', port]
    return {
      burst: () => { for (let i = 0; i < BATCH; i++) udp.send(to, payload, onSent) },
      completed: () => completed,
      close: () => udp.close(),
    }
  }
  const socket = (kind === 'node:dgram' ? dgram : facade).createSocket('udp4')
  return {
    burst: () => { for (let i = 0; i < BATCH; i++) socket.send(payload, port, '127.0.0.1', onSent) },
    completed: () => completed,
    close: () => socket.close(),
  }
}

async function slice(kind, port) {
  const s = sender(kind, port, Buffer.alloc(64, 7))
  let issued = 0
  const start = now()
  const cpu = process.cpuUsage()
  while (now() < start + SLICE) {
    s.burst()
    issued += BATCH
    await immediate()
    if (issued - s.completed() > 8 * BATCH) await sleep(0)
  }
  while (s.completed() < issued && now() < start + SLICE + 2) await sleep(5)
  const seconds = now() - start
  const used = process.cpuUsage(cpu)
  s.close()
  const n = s.completed()
  return { rate: n / seconds, user_us: used.user / n, system_us: used.system / n }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function main() {
  let port
  let sink
  const span = SLICE * ROUNDS * SENDERS.length * 1.5 + 10
  const counted = load.runLoad(['count', '0', String(Math.ceil(span))], span + 30, (line) => { if (line.ready) port = line.port }, (child) => { sink = child })
  while (port === undefined) await sleep(10)
  const slices = Object.fromEntries(SENDERS.map((kind) => [kind, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...SENDERS].reverse() : SENDERS
    for (const kind of order) slices[kind].push(await slice(kind, port))
  }
  const base = slices['pyuv API']
  const results = { machine: machine(), slice_seconds: SLICE, rounds: ROUNDS, senders: {} }
  console.log('sender                 rate (median)  user µs  system µs  rate / pyuv API (median of rounds)')
  for (const kind of SENDERS) {
    const runs = slices[kind]
    const row = {
      rate: median(runs.map((r) => r.rate)),
      user_us: median(runs.map((r) => r.user_us)),
      system_us: median(runs.map((r) => r.system_us)),
      share_of_pyuv_api: median(runs.map((r, i) => r.rate / base[i].rate)),
    }
    results.senders[kind] = row
    console.log(
      `${kind.padEnd(23)}${(row.rate / 1e3).toFixed(1).padStart(8)} k/s  ${row.user_us.toFixed(3).padStart(7)}  ${row.system_us.toFixed(3).padStart(9)}  ${row.share_of_pyuv_api.toFixed(3)}`,
    )
  }
  const receiving = slices['pyuv API, receiving']
  results.facade_share_of_receiving_pyuv_api = median(slices['uv-udp/dgram'].map((r, i) => r.rate / receiving[i].rate))
  console.log(`uv-udp/dgram / pyuv API, receiving: ${results.facade_share_of_receiving_pyuv_api.toFixed(3)}`)
  sink.kill()
  await counted.catch(() => {})
  console.log(JSON.stringify(results))
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
