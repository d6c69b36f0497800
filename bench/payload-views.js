// What making one received datagram's payload costs, in a tight loop: the
// receive path's view (src/buffer-view.ts: Node's Buffer species class
// constructed directly, or Buffer.from where that is not used) against
// Buffer.from(arrayBuffer, offset, length). 64-byte views of one 64 KiB
// ArrayBuffer, three rounds of 5 M views each, alternating.
//
//   node bench/payload-views.js     prints a table and JSON (any runtime that runs CommonJS)
'use strict'
const { Buffer } = require('node:buffer')

const { bufferView, viewsBySpecies } = require('../src/buffer-view.js')

const N = 5_000_000
const ROUNDS = 3
const memory = new ArrayBuffer(65536)

function withBufferFrom(n) {
  let bytes = 0
  for (let i = 0; i < n; i++) bytes += Buffer.from(memory, (i & 1023) * 64, 64).length
  return bytes
}

function withBufferView(n) {
  let bytes = 0
  for (let i = 0; i < n; i++) bytes += bufferView(memory, (i & 1023) * 64, 64).length
  return bytes
}

const ways = { 'Buffer.from': withBufferFrom, bufferView: withBufferView }
const rounds = Object.fromEntries(Object.keys(ways).map((name) => [name, []]))
for (const make of Object.values(ways)) make(100_000) // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, make] of Object.entries(ways)) {
    const start = process.hrtime.bigint()
    if (make(N) !== N * 64) throw new Error(`${name}: wrong lengths`)
    rounds[name].push(Number(process.hrtime.bigint() - start) / N)
  }
}

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
console.log(`${runtime}; bufferView uses the species class: ${viewsBySpecies}`)
console.log('way           ns per view (three rounds)')
for (const [name, ns] of Object.entries(rounds)) console.log(`${name.padEnd(13)} ${ns.map((v) => v.toFixed(1)).join(' / ')}`)
console.log(JSON.stringify({ runtime, viewsBySpecies, ns_per_view: rounds }))
