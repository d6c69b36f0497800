// Instructions per received datagram in JS, the pyuv API against its
// node:dgram facade (uv-udp/dgram), counted by valgrind's callgrind. Unlike
// `npm run bench`'s receive rows, which this 2-core VM's load moves by
// +-30% from run to run, the count repeats within ~2%: it judges changes to
// the facade's receive path.
//
// The measured process replays reads: 64 datagrams of 64 B from one sender,
// handed to the handle's event callback as the binding hands a read
// (NativeUdp is wrapped to catch that callback; no socket is read), with
// `performance.now` stubbed so the time budget never cuts a read short, on
// `node --single-threaded` (V8's helper threads make counts differ). Each
// library runs FEW and MANY reads in fresh processes;
// (instructions(MANY) - instructions(FEW)) / datagrams between them is the
// steady-state cost of one datagram, start-up and warm-up cancelled. It
// includes building the synthetic reads, the same for both.
//
//   node bench/receive-instructions.js     prints a table and JSON
//
// The `…, 4 sockets in turn` rows: three sockets of the library each take
// SOCKET_READS reads and close before the one measured, as in a process
// that has had several sockets (bench/run.js's receive turns make one per
// slice). V8's feedback then holds several closures, several sockets;
// these rows past a longer warm-up (FEW_TURNS), since compiling what the
// earlier sockets left polymorphic takes longer.
//
// The `…, after the other API` rows: the same four sockets, but the
// earlier ones alternate with the other library (the other, this one, the
// other, then this one measured), as in bench/run.js, whose receive turns
// run the pyuv API and the facade in one process: the receive loop's code
// (src/receive-delivery.ts) is shared, and V8 compiles it for what it has
// seen from both.
//
// With `child <lib> <reads>` it is the process measured.
'use strict'

const { machine, perUnit, runScript } = require('./callgrind')

const FEW = 500
const MANY = 4500
const FEW_TURNS = 2000
const MANY_TURNS = 5000
const SOCKET_READS = 300
const IN_TURN = ', 4 sockets in turn'
const MIXED = ', after the other API'
const OTHER = { 'uv-udp': 'uv-udp/dgram', 'uv-udp/dgram': 'uv-udp' }
const COUNT = 64
const SIZE = 64

async function child(spec, reads) {
  performance.now = () => 0
  const binding = require('../binding.js')
  // The newest handle's event callback and native object: called with
  // .call, so that this script's call site does not change target per
  // socket (a bound copy per socket deoptimized this loop, not the library).
  let onEvent = null
  let native = null
  const Real = binding.NativeUdp
  binding.NativeUdp = class extends Real {
    constructor(family, owner, callback) {
      super(family, owner, callback)
      onEvent = callback
      native = this
    }
  }
  const { Loop, UDP } = require('..')
  const suffix = [IN_TURN, MIXED].find((s) => spec.endsWith(s)) ?? ''
  const measured = spec.slice(0, spec.length - suffix.length)
  const sockets = suffix === '' ? 1 : 4
  for (let k = 0; k < sockets; k++) {
    const n = k === sockets - 1 ? reads : SOCKET_READS
    // Mixed: the other library on the sockets an odd distance from the last.
    const lib = suffix === MIXED && (sockets - 1 - k) % 2 === 1 ? OTHER[measured] : measured
    let received = 0
    let close
    if (lib === 'uv-udp') {
      const udp = new UDP(Loop.default_loop())
      udp.bind(['127.0.0.1', 0])
      udp.start_recv(() => { received++ })
      close = () => udp.close()
    } else {
      const socket = require('../dgram').createSocket('udp4')
      socket.on('message', () => { received++ })
      await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
      close = () => socket.close()
    }
    // As the 'uv' driver hands reads over: the payloads in an ArrayBuffer,
    // the header words in one area the handle's reads share.
    const bytes = COUNT * SIZE
    const headers = new ArrayBuffer(COUNT * binding.HEADER_WORDS * 4)
    const header = new Uint32Array(headers)
    for (let r = 0; r < n; r++) {
      const memory = new ArrayBuffer(bytes)
      for (let i = 0; i < COUNT; i++) {
        header[i * binding.HEADER_WORDS] = SIZE
        header[i * binding.HEADER_WORDS + 3] = binding.NO_PEER
      }
      onEvent.call(native, binding.RECEIVED, memory, COUNT, [['127.0.0.1', 4000]], null, 0, bytes, headers)
      if ((r & 63) === 63) await new Promise((resolve) => setImmediate(resolve))
    }
    close()
    if (received !== n * COUNT) throw new Error(`${lib}: ${received} of ${n * COUNT} datagrams delivered`)
  }
}

function main() {
  const results = { machine: machine(), few: FEW, many: MANY, few_in_turn: FEW_TURNS, many_in_turn: MANY_TURNS, datagrams_per_read: COUNT }
  for (const lib of ['uv-udp', 'uv-udp/dgram']) results[lib] = perUnit(__filename, lib, FEW, MANY, COUNT)
  for (const lib of ['uv-udp', 'uv-udp/dgram']) results[lib + IN_TURN] = perUnit(__filename, lib + IN_TURN, FEW_TURNS, MANY_TURNS, COUNT)
  for (const lib of ['uv-udp', 'uv-udp/dgram']) results[lib + MIXED] = perUnit(__filename, lib + MIXED, FEW_TURNS, MANY_TURNS, COUNT)
  results.facade_kept = Number((results['uv-udp'] / results['uv-udp/dgram']).toFixed(3))
  results.facade_kept_in_turn = Number((results['uv-udp' + IN_TURN] / results['uv-udp/dgram' + IN_TURN]).toFixed(3))
  results.facade_kept_mixed = Number((results['uv-udp' + MIXED] / results['uv-udp/dgram' + MIXED]).toFixed(3))
  console.log('library                            instructions per datagram')
  console.log(`uv-udp                             ${results['uv-udp'].toLocaleString('en-US')}`)
  console.log(`uv-udp/dgram                       ${results['uv-udp/dgram'].toLocaleString('en-US')}   (pyuv API / facade: ${results.facade_kept})`)
  console.log(`uv-udp${IN_TURN}          ${results['uv-udp' + IN_TURN].toLocaleString('en-US')}`)
  console.log(`uv-udp/dgram${IN_TURN}    ${results['uv-udp/dgram' + IN_TURN].toLocaleString('en-US')}   (pyuv API / facade: ${results.facade_kept_in_turn})`)
  console.log(`uv-udp${MIXED}         ${results['uv-udp' + MIXED].toLocaleString('en-US')}`)
  console.log(`uv-udp/dgram${MIXED}   ${results['uv-udp/dgram' + MIXED].toLocaleString('en-US')}   (pyuv API / facade: ${results.facade_kept_mixed})`)
  console.log(JSON.stringify(results))
}

runScript(child, main)
