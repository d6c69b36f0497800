// The floor under uv-udp's ping-pong ratio: bench/hops.c (see its header)
// times a 64 B ping-pong in C with no JavaScript in the way, once as
// node:dgram is shaped (one thread polls and sends) and once as uv-udp is
// (a poller thread reads and wakes the sending thread), plus a bare eventfd
// wake-up round trip. Each runs unpinned, then with the process pinned to one
// CPU (taskset -c 0), where a wake-up is a context switch rather than an
// inter-processor interrupt through the hypervisor.
//
//   node bench/hops.js [round trips]     prints a table, writes bench/hops.json
'use strict'
const { execFileSync, spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { compiled } = require('./load.js')

const ROUNDS = String(Number(process.argv[2] ?? 20000))
const binary = compiled('hops', ['-pthread'])
const haveTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0

const run = (pinned) =>
  JSON.parse(execFileSync(pinned ? 'taskset' : binary, pinned ? ['-c', '0', binary, ROUNDS] : [ROUNDS], { encoding: 'utf8', timeout: 120_000 }))

const results = { machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, kernel: os.release() }, unpinned: run(false) }
if (haveTaskset) results.pinned = run(true)

const rows = [['shape', 'where', 'p50 µs', 'p99 µs', 'p50 / direct']]
for (const where of ['unpinned', 'pinned']) {
  const r = results[where]
  if (!r) continue
  for (const shape of ['direct', 'hop', 'eventfd']) {
    rows.push([shape, where, r[shape].p50.toFixed(1), r[shape].p99.toFixed(1), (r[shape].p50 / r.direct.p50).toFixed(2)])
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '))
fs.writeFileSync(path.join(__dirname, 'hops.json'), JSON.stringify(results, null, 2) + '\n')
console.log(JSON.stringify(results))
