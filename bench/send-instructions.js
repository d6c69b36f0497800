// Instructions per sent datagram in user space, the pyuv API's `send`
// against its node:dgram facade (uv-udp/dgram) and node:dgram itself (and
// the pyuv API's `try_send_many`, one call per burst),
// counted by valgrind's callgrind. Unlike `npm run bench`'s send rows, which
// this 2-core VM's load moves by +-30% from run to run, the count repeats
// within a few percent: it judges changes to the send paths.
//
// The measured process sends as bench/run.js's send rows do: bursts of
// BURST 64 B datagrams to a loopback sink that never reads (the kernel
// drops what overflows; the send still succeeds), each send with a
// callback, then waits for the burst's callbacks. It runs on
// `node --single-threaded`. Each library runs FEW and MANY bursts in fresh
// processes; (instructions(MANY) - instructions(FEW)) / datagrams between
// them is the steady-state cost of one send, start-up and warm-up
// cancelled. Only user space is counted: the kernel's sendmsg is not.
//
//   node bench/send-instructions.js     prints a table and JSON
//
// With `child <lib> <bursts>` it is the process measured.
'use strict'

const { machine, perUnit, runScript } = require('./callgrind')

// FEW is past warm-up: functions that run once per burst (the tick
// machinery's, the callbacks' flush) reach TurboFan only after several
// hundred bursts, and with FEW = 200 their compilation (~100-700
// instructions per send) was counted as steady state.
const FEW = 1200
const MANY = 3200
const BURST = 64
const SIZE = 64

async function child(lib, bursts) {
  const dgram = require('node:dgram')
  const { Loop, UDP } = require('..')
  // A handle that never reads: node:dgram would start reading at bind, in
  // this process, and its receive cost would be counted.
  const sink = new UDP(Loop.default_loop())
  sink.bind(['127.0.0.1', 0])
  const port = sink.getsockname()[1]
  const payload = Buffer.alloc(SIZE)
  let done = 0
  let wake = null
  const onSent = (_, error) => {
    if (error) throw error
    if (++done % BURST === 0 && wake) wake()
  }
  let burst
  let close
  if (lib === 'uv-udp try_send_many') {
    // One call sends the burst (to a handle that does not read, nothing blocks).
    const udp = new UDP(Loop.default_loop())
    // One address object for the burst, as bench/run.js sends (a run to one
    // destination is parsed once).
    const to = ['127.0.0.1', port]
    const messages = Array.from({ length: BURST }, () => [to, payload])
    burst = () => {
      done += udp.try_send_many(messages)
      wake()
    }
    close = () => udp.close()
  } else if (lib === 'uv-udp') {
    const udp = new UDP(Loop.default_loop())
    const to = ['127.0.0.1', port]
    burst = () => { for (let i = 0; i < BURST; i++) udp.send(to, payload, onSent) }
    close = () => udp.close()
  } else {
    const socket = (lib === 'dgram' ? dgram : require('../dgram')).createSocket('udp4')
    const onDgramSent = (error) => onSent(null, error)
    burst = () => { for (let i = 0; i < BURST; i++) socket.send(payload, port, '127.0.0.1', onDgramSent) }
    close = () => socket.close()
  }
  for (let b = 0; b < bursts; b++) {
    const finished = new Promise((resolve) => { wake = resolve })
    burst()
    await finished
  }
  close()
  sink.close()
  if (done !== bursts * BURST) throw new Error(`${lib}: ${done} of ${bursts * BURST} sends completed`)
}

function main() {
  const results = { machine: machine(), few: FEW, many: MANY, datagrams_per_burst: BURST }
  const libs = ['uv-udp', 'uv-udp/dgram', 'dgram', 'uv-udp try_send_many']
  for (const lib of libs) results[lib] = perUnit(__filename, lib, FEW, MANY, BURST)
  results.facade_kept = Number((results['uv-udp'] / results['uv-udp/dgram']).toFixed(3))
  console.log('library       instructions per send (user space)')
  for (const lib of libs) console.log(`${lib.padEnd(22)}${results[lib].toLocaleString('en-US')}`)
  console.log(`pyuv API / facade: ${results.facade_kept}`)
  console.log(JSON.stringify(results))
}

runScript(child, main)
