// Where the facade's receive share goes: 64 B datagrams from the GSO
// blaster (bench/udpload.c) received by the pyuv API and by uv-udp/dgram,
// each slice on a new socket as in bench/run.js's receive rows, in turns
// (bench/turns.js), in two setups:
//   - one process: the pyuv API, node:dgram and the facade receive in this
//     process, one after another, as bench/run.js runs them;
//   - own processes: each library receives in a child process of its own
//     (one per library for the whole run), as a program that uses one of
//     them does.
// The pyuv API and the facade share the receive loop's code
// (src/receive-delivery.ts), which V8 compiles for what it has seen in its
// process. Each slice's rate and the receiving process's CPU time per
// datagram. The slices are bench/receivers.js's, as bench/run.js's.
//
//   node bench/receive-share.js     prints a table and JSON (BENCH_SLICE, BENCH_TURNS)
//
// Loopback only; every slice is bounded in time.
'use strict'
const { fork } = require('node:child_process')

const { machine } = require('./callgrind')
const { receiveSlice } = require('./receivers')
const { inTurns, sum } = require('./turns')

const SLICE = Number(process.env.BENCH_SLICE ?? 1)
const TURNS = Number(process.env.BENCH_TURNS ?? 6)
const WARMUP = 0.5
const SIZE = 64
const LIBS = ['uv-udp', 'dgram', 'uv-udp/dgram']

/** A child process that runs `lib`'s slices on request; `slice(seconds)` resolves with one's result. */
function spawnChild(lib) {
  const proc = fork(__filename, ['child', lib], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const slice = (seconds) => new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`child ${lib} exited with ${code}`))
    proc.once('exit', onExit)
    proc.once('message', (result) => { proc.off('exit', onExit); resolve(result) })
    proc.send(seconds)
  })
  return { slice, close: () => proc.disconnect() }
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
  const uv = f['uv-udp']
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

  const one = figures(await inTurns(LIBS, (lib, seconds) => receiveSlice(lib, SIZE, seconds), turns))
  results.setups['one process'] = { libraries: one, facade_share: share(one) }

  const children = new Map(LIBS.map((lib) => [lib, spawnChild(lib)]))
  try {
    const own = figures(await inTurns(LIBS, (lib, seconds) => children.get(lib).slice(seconds), turns))
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
    console.log(`uv-udp/dgram / uv-udp (the pyuv API), ${setup}: by rate ${s.by_rate.toFixed(2)}, by CPU per datagram ${s.by_cpu.toFixed(2)}, turn by turn ${s.by_turn.map((x) => x.toFixed(2)).join(' ')}`)
  }
  console.log(JSON.stringify(results))
}

if (process.argv[2] === 'child') process.on('message', async (seconds) => process.send(await receiveSlice(process.argv[3], SIZE, seconds)))
else main().catch((error) => { console.error(error); process.exit(1) })
