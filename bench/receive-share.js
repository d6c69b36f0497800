// Where the facade's receive share goes: 64 B datagrams from the GSO
// blaster (bench/udpload.c) received by the pyuv API and by uv-udp/dgram,
// each slice on a new socket as in bench/run.js's receive rows, in turns
// (bench/turns.js), in two setups:
//   - one process: the pyuv API, node:dgram and the facade receive in this
//     process, one after another, as bench/run.js runs them;
//   - own processes: each library receives in a child process of its own
//     (one per library for the whole run), as a program that uses one of
//     them does.
// Both drivers share the receive loop's code (src/receive-delivery.ts);
// in one process V8 compiles it for every kind of receiver it has seen.
// Each slice's rate and the receiving process's CPU time per datagram.
//
//   node bench/receive-share.js     prints a table and JSON (BENCH_SLICE, BENCH_TURNS)
//
// Loopback only; every slice is bounded in time.
'use strict'
const dgram = require('node:dgram')
const { fork } = require('node:child_process')

const { Loop, UDP } = require('..')
const facade = require('../dgram')
const { machine } = require('./callgrind')
const load = require('./load')
const { inTurns, sum } = require('./turns')

const SLICE = Number(process.env.BENCH_SLICE ?? 1)
const TURNS = Number(process.env.BENCH_TURNS ?? 6)
const WARMUP = 0.5
const SIZE = 64
const RCVBUF = 4 << 20
const LIBS = ['pyuv API', 'node:dgram', 'uv-udp/dgram']

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** A receiver of `lib` on a new socket, counting what it receives. */
async function receiver(lib) {
  const counted = { received: 0 }
  if (lib === 'pyuv API') {
    const udp = new UDP(Loop.default_loop())
    udp.bind(['127.0.0.1', 0])
    udp.receive_buffer_size = RCVBUF
    udp.start_recv(() => { counted.received++ })
    return { port: udp.getsockname()[1], counted, close: () => udp.close() }
  }
  const socket = (lib === 'node:dgram' ? dgram : facade).createSocket({ type: 'udp4', recvBufferSize: RCVBUF })
  socket.on('message', () => { counted.received++ })
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: socket.address().port, counted, close: () => socket.close() }
}

/** One slice in this process: the receiver of `lib` under the blaster for `seconds`. */
async function slice(lib, seconds) {
  const r = await receiver(lib)
  const cpu = process.cpuUsage()
  const [report] = await load.runLoad(['blast', '127.0.0.1', String(r.port), String(SIZE), String(seconds)], seconds + 30)
  await sleep(200)
  const used = process.cpuUsage(cpu)
  r.close()
  return { received: r.counted.received, seconds: report.seconds, cpu_us: used.user + used.system }
}

// ---- a child: receives on request ------------------------------------------

function child(lib) {
  let current = null
  let cpu = null
  process.on('message', async (message) => {
    if (message === 'open') {
      current = await receiver(lib)
      cpu = process.cpuUsage()
      process.send({ port: current.port })
    } else if (message === 'close') {
      const used = process.cpuUsage(cpu)
      current.close()
      process.send({ received: current.counted.received, cpu_us: used.user + used.system })
    } else if (message === 'exit') {
      process.disconnect()
    }
  })
}

/** A child process receiving with `lib`; `ask` sends a request and resolves with the answer. */
function spawnChild(lib) {
  const proc = fork(__filename, ['child', lib], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const ask = (message) => new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`child ${lib} exited with ${code}`))
    proc.once('exit', onExit)
    proc.once('message', (answer) => { proc.off('exit', onExit); resolve(answer) })
    proc.send(message)
  })
  return { ask, close: () => proc.send('exit') }
}

/** One slice in `lib`'s own process. */
async function childSlice(children, lib, seconds) {
  const { port } = await children.get(lib).ask('open')
  const [report] = await load.runLoad(['blast', '127.0.0.1', String(port), String(SIZE), String(seconds)], seconds + 30)
  await sleep(200)
  const { received, cpu_us } = await children.get(lib).ask('close')
  return { received, seconds: report.seconds, cpu_us }
}

/** Each library's figures over its kept slices, and each slice's rate. */
function figures(slices) {
  const out = {}
  for (const [lib, all] of slices) {
    const { received, seconds, cpu_us } = sum(all)
    out[lib] = {
      rate: received / seconds,
      cpu_ns_per_dgram: (cpu_us * 1000) / received,
      slice_rates: all.map((s) => Math.round(s.received / s.seconds)),
    }
  }
  return out
}

/** The facade's share of the pyuv API: by rate, by CPU per datagram, and each turn's by rate. */
function share(f) {
  const uv = f['pyuv API']
  const fa = f['uv-udp/dgram']
  return {
    by_rate: fa.rate / uv.rate,
    by_cpu: uv.cpu_ns_per_dgram / fa.cpu_ns_per_dgram,
    by_turn: fa.slice_rates.map((rate, i) => rate / uv.slice_rates[i]),
  }
}

async function main() {
  const turns = { seconds: SLICE * TURNS, turns: TURNS, warmup: WARMUP }
  const results = { machine: machine(), slice_seconds: SLICE, turns: TURNS, size: SIZE, setups: {} }

  const one = figures(await inTurns(LIBS, slice, turns))
  results.setups['one process'] = { libraries: one, facade_share: share(one) }

  const children = new Map(LIBS.map((lib) => [lib, spawnChild(lib)]))
  try {
    const own = figures(await inTurns(LIBS, (lib, seconds) => childSlice(children, lib, seconds), turns))
    results.setups['own processes'] = { libraries: own, facade_share: share(own) }
  } finally {
    for (const c of children.values()) c.close()
  }

  const pad = (text, width) => String(text).padEnd(width)
  console.log(`${pad('setup', 15)}${pad('library', 14)}${pad('M dgrams/s', 12)}${pad('CPU ns/dgram', 14)}slices (k/s)`)
  for (const [setup, { libraries }] of Object.entries(results.setups)) {
    for (const [lib, f] of Object.entries(libraries)) {
      console.log(`${pad(setup, 15)}${pad(lib, 14)}${pad((f.rate / 1e6).toFixed(2), 12)}${pad(f.cpu_ns_per_dgram.toFixed(1), 14)}${f.slice_rates.map((r) => Math.round(r / 1e3)).join(' / ')}`)
    }
  }
  for (const [setup, { facade_share: s }] of Object.entries(results.setups)) {
    console.log(`facade / pyuv API, ${setup}: by rate ${s.by_rate.toFixed(2)}, by CPU per datagram ${s.by_cpu.toFixed(2)}, turn by turn ${s.by_turn.map((x) => x.toFixed(2)).join(' ')}`)
  }
  console.log(JSON.stringify(results))
}

if (process.argv[2] === 'child') child(process.argv[3])
else main().catch((error) => { console.error(error); process.exit(1) })
