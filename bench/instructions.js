// Instructions per ping-pong round trip, uv-udp (and its node:dgram facade,
// uv-udp/dgram) against node:dgram, counted
// by valgrind's callgrind (user space, every thread together; unlike a
// timing, it does not depend on what else the machine does, though V8's
// background compilation and GC make one count differ from the next by a
// few percent: one sample each). Each library runs the ping-pong of
// bench/pingpong.js twice, FEW and MANY round trips, in a fresh process under
// callgrind; (instructions(MANY) - instructions(FEW)) / (MANY - FEW) is the
// steady-state cost of one round trip, start-up and JIT warm-up cancelled.
//
//   node bench/instructions.js        prints a table, writes bench/instructions.json
//   BENCH_FEW=4000 BENCH_MANY=14000 BENCH_LIBS=uv-udp node bench/instructions.js
//                                     another window, some libraries: prints only
//
// With `child <lib> <rounds>` it is the process measured.
'use strict'
const fs = require('node:fs')
const path = require('node:path')

const { machine, perUnit, runScript } = require('./callgrind')

// Both past warm-up. Between 1,000 and 6,000 round trips TurboFan was still
// compiling (and recompiling) the path, and that work, divided among the
// counted round trips, was about a quarter of the count and moved with
// unrelated changes: uv-udp 28,657 per round trip there against 20,129
// between 8,000 and 18,000 (20,631 between 4,000 and 14,000), on 1862b3e.
const FEW = Number(process.env.BENCH_FEW ?? 8000)
const MANY = Number(process.env.BENCH_MANY ?? 18000)
const LIBS = (process.env.BENCH_LIBS ?? 'dgram,uv-udp,uv-udp/dgram').split(',')
// Only the default window and every library are the recorded result.
const RECORD = !process.env.BENCH_FEW && !process.env.BENCH_MANY && !process.env.BENCH_LIBS

async function child(lib, rounds) {
  const { Loop } = require('..')
  const { pingpongUv, pingpongDgram } = require('./pingpong')
  await (lib === 'uv-udp' ? pingpongUv(Loop.default_loop(), rounds)
    : lib === 'uv-udp/dgram' ? pingpongDgram(rounds, require('../dgram'))
    : pingpongDgram(rounds))
}

function main() {
  const results = { machine: machine(), few: FEW, many: MANY }
  const rows = [['library', 'instructions per round trip', 'ratio to dgram']]
  for (const lib of LIBS) results[lib] = perUnit(__filename, lib, FEW, MANY, 1)
  for (const lib of ['uv-udp', 'uv-udp/dgram', 'dgram'].filter((l) => LIBS.includes(l))) {
    rows.push([lib, results[lib].toLocaleString('en-US'), results.dgram ? (results[lib] / results.dgram).toFixed(2) : '-'])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '))
  if (RECORD) fs.writeFileSync(path.join(__dirname, 'instructions.json'), JSON.stringify(results, null, 2) + '\n')
  console.log(JSON.stringify(results))
}

runScript(child, main)
