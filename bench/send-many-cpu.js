// What one datagram costs the sender in try_send_many against the C GSO
// blaster (bench/udpload.c blast: one sendmsg with UDP_SEGMENT per run, one
// iovec), both sending to one `udpload count` sink, in alternating slices
// (the order reversed every other round): rate and the sender's user and
// system time per datagram. bench/run.js's try_send_many rows ask 5x
// dgram's `send`; this shows how near the sender is to what the kernel
// costs a datagram on the machine.
//
//   node bench/send-many-cpu.js      prints a table and JSON
//     BENCH_SIZES=1200,64  BENCH_SLICE=1 (s)  BENCH_ROUNDS=6
//     BENCH_PIN=1          sender on CPU 0, sink on CPU 1 (taskset; Linux)
//
// Loopback only; every slice is bounded in time.
'use strict'
const { execFileSync } = require('node:child_process')
const fs = require('node:fs')

const { Loop, UDP, errno } = require('..')
const { machine } = require('./callgrind')
const load = require('./load')

const SIZES = (process.env.BENCH_SIZES ?? '1200,64').split(',').map(Number)
const SLICE = Number(process.env.BENCH_SLICE ?? 1)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6)
const PIN = process.env.BENCH_PIN === '1'
const BATCH = 64
const SENDERS = ['uv-udp try_send_many', 'C GSO blaster']

const immediate = () => new Promise((resolve) => setImmediate(resolve))
const pin = (pid, cpu) => { if (PIN) execFileSync('taskset', ['-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }) }

/** A process's context switches so far, from /proc (Linux; 0 elsewhere). */
function switchesOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    return [...status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0)
  } catch {
    return 0
  }
}

/**
 * A `udpload count` sink (pinned to CPU 1 with BENCH_PIN); resolves with
 * its port and `stop()`, which ends it and resolves with its context
 * switches meanwhile (each one a sleep that a send had to wake it from,
 * or a preemption).
 */
async function sink(seconds) {
  const counter = await load.countSink(seconds + 5, (spawned) => pin(spawned.pid, 1))
  const before = switchesOf(counter.pid)
  return {
    port: counter.port,
    stop: async () => {
      const switches = switchesOf(counter.pid) - before
      await counter.stop()
      return switches
    },
  }
}

/** try_send_many of BATCH datagrams per turn of the loop, for `seconds`. */
async function uvSlice(port, size, seconds) {
  const udp = new UDP(Loop.default_loop())
  const to = ['127.0.0.1', port]
  const payload = Buffer.alloc(size, 7)
  const messages = Array.from({ length: BATCH }, () => [to, payload])
  let sent = 0
  const cpu = process.cpuUsage()
  const { voluntaryContextSwitches: v0, involuntaryContextSwitches: i0 } = process.resourceUsage()
  const start = performance.now()
  while (performance.now() - start < seconds * 1000) {
    try {
      sent += udp.try_send_many(messages)
    } catch (error) {
      if (error.errno !== errno.UV_EAGAIN) throw error
    }
    await immediate()
  }
  const elapsed = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  const { voluntaryContextSwitches: v1, involuntaryContextSwitches: i1 } = process.resourceUsage()
  udp.close()
  return { sent, seconds: elapsed, user_us: used.user, sys_us: used.system, switches: v1 - v0 + i1 - i0 }
}

async function cSlice(port, size, seconds) {
  const [report] = await load.runLoad(['blast', '127.0.0.1', String(port), String(size), String(seconds)], seconds + 30, undefined, (spawned) => pin(spawned.pid, 0))
  return { sent: report.sent, seconds: report.seconds, user_us: report.user_us, sys_us: report.sys_us, switches: report.switches }
}

async function main() {
  pin(process.pid, 0)
  const results = { machine: machine(), slice_s: SLICE, rounds: ROUNDS, pinned: PIN, sizes: {} }
  console.log(`sender                 size  k dgrams/s  user ns  sys ns  switches: sender  sink  (CPU per datagram, switches per 1,000; ${ROUNDS} x ${SLICE} s slices each${PIN ? ', pinned' : ''})`)
  for (const size of SIZES) {
    const slices = Object.fromEntries(SENDERS.map((s) => [s, []]))
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? SENDERS : [...SENDERS].reverse()
      for (const sender of order) {
        const { port, stop } = await sink(SLICE)
        const slice = sender === 'C GSO blaster' ? await cSlice(port, size, SLICE) : await uvSlice(port, size, SLICE)
        slice.sink_switches = await stop()
        slices[sender].push(slice)
      }
    }
    results.sizes[size] = {}
    for (const sender of SENDERS) {
      const all = slices[sender]
      const total = (key) => all.reduce((sum, slice) => sum + slice[key], 0)
      const figures = {
        rate: total('sent') / total('seconds'),
        user_ns_per_dgram: (total('user_us') * 1000) / total('sent'),
        sys_ns_per_dgram: (total('sys_us') * 1000) / total('sent'),
        // Context switches per 1,000 datagrams: the sender's (all its
        // threads for Node: process.resourceUsage) and the sink's.
        sender_switches_per_k: (total('switches') * 1000) / total('sent'),
        sink_switches_per_k: (total('sink_switches') * 1000) / total('sent'),
        slice_rates: all.map((slice) => Math.round(slice.sent / slice.seconds)),
      }
      results.sizes[size][sender] = figures
      console.log(`${sender.padEnd(22)} ${String(size).padStart(4)}  ${(figures.rate / 1000).toFixed(0).padStart(10)}  ${figures.user_ns_per_dgram.toFixed(0).padStart(7)}  ${figures.sys_ns_per_dgram.toFixed(0).padStart(6)}  ${figures.sender_switches_per_k.toFixed(2).padStart(16)}  ${figures.sink_switches_per_k.toFixed(2).padStart(4)}`)
    }
  }
  console.log(JSON.stringify(results))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
