// Instructions per received datagram on the real receive path, the pyuv
// API against its node:dgram facade (uv-udp/dgram), counted by valgrind's
// callgrind: one socket in a fresh process under the GSO blaster
// (bench/udpload.c, 64 B), a short and a long slice differenced so that
// start-up and warm-up cancel. Unlike bench/receive-instructions.js (a
// replay of synthetic reads), this goes through the binding's reads, UDP
// GRO and the loop's callbacks; the blaster runs outside valgrind, so the
// receiver takes what its slowed-down pace lets it.
//
//   node bench/receive-path-instructions.js     prints a table and JSON
//
// Loopback only; every slice is bounded in time.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { countInstructions, machine, runScript } = require('./callgrind')
const { receiveSlice } = require('./receivers')

// Seconds of blasting in the two counted processes.
const SHORT = 4
const LONG = 10
const LIBS = ['uv-udp', 'uv-udp/dgram']

// Where a counted child of process `parent` leaves how many datagrams it received.
const receivedFile = (parent, lib, seconds) => path.join(os.tmpdir(), `uv-udp-received.${parent}.${lib.replace('/', '-')}.${seconds}`)

async function child(lib, seconds) {
  const { received } = await receiveSlice(lib, 64, seconds)
  fs.writeFileSync(receivedFile(process.ppid, lib, seconds), String(received))
}

/** Instructions and datagrams of one counted process. */
function counted(lib, seconds) {
  const instructions = countInstructions(__filename, lib, seconds)
  const file = receivedFile(process.pid, lib, seconds)
  try {
    return { instructions, received: Number(fs.readFileSync(file, 'utf8')) }
  } finally {
    fs.rmSync(file, { force: true })
  }
}

function main() {
  const results = { machine: machine(), short_seconds: SHORT, long_seconds: LONG }
  for (const lib of LIBS) {
    const short = counted(lib, SHORT)
    const long = counted(lib, LONG)
    results[lib] = Math.round((long.instructions - short.instructions) / (long.received - short.received))
  }
  results.facade_kept = Number((results['uv-udp'] / results['uv-udp/dgram']).toFixed(3))
  console.log('library       instructions per received datagram (real path, one socket)')
  console.log(`uv-udp        ${results['uv-udp'].toLocaleString('en-US')}`)
  console.log(`uv-udp/dgram  ${results['uv-udp/dgram'].toLocaleString('en-US')}   (pyuv API / facade: ${results.facade_kept})`)
  console.log(JSON.stringify(results))
}

runScript(child, main)
