// `npm run bench`: uv-udp against node:dgram, every scenario in one run, on
// loopback. Prints a table of absolute figures and ratios (uv-udp / dgram)
// and writes bench/results.json. Not a test: nothing here asserts a timing.
//
// Load comes from bench/udpload.c (compiled on first use, bench/load.js), the
// same program for both libraries, so the receive figures compare like with like.
//
// The receive and send rows run their libraries in turns (bench/turns.js):
// a warm-up slice each, not kept, then BENCH_TURNS slices of BENCH_SECONDS /
// BENCH_TURNS each, interleaved, the order reversed every other turn; each
// rate is over its library's kept slices (`turn_rates` in the JSON: each
// slice's). The C references run once, before them.
//
// Rows beyond uv-udp / dgram:
// - `receive N B vs C recvmmsg drainer`: the same blaster aimed at `udpload
//   drain`, a C receiver (blocking recvmmsg, batches of 64, reused buffers,
//   the same SO_RCVBUF); the ratio is uv-udp's rate over C's.
// - `receive N B vs C GRO drainer`: the same blaster aimed at `udpgro`
//   (bench/udpgro.c), the drainer's loop with UDP_GRO on: the reference for
//   a receiver that, as uv-udp does on Linux, takes coalesced messages.
// - `ping-pong ...`: 64 B bounced, one outstanding. The libraries of a
//   ping-pong row group (uv-udp, the facade and dgram in one process; uv-udp
//   and dgram across two) run in turns (bench/pingpong.js pingpongInTurns):
//   each one's echo server starts once, each one warms up for
//   PINGPONG_WARMUP round trips not kept, then PINGPONG_SLICES turns of
//   PINGPONG_ROUNDS / PINGPONG_SLICES each, order reversed every other
//   turn, so that a slow spell of the machine falls on every library
//   alike; the percentiles are over each library's kept round trips.
// - `ping-pong ..., two processes`: the client in this process, the echo
//   server (same library) in a child process (bench/pingpong.js echo).
// - `C ...` rows: the same measure taken by a C program (bench/udpload.c,
//   bench/udpping.c) in the same run, against dgram: what any program
//   reaches on this kernel and machine. The C GSO blaster against the same
//   sink as the send rows (and, in rows marked "GRO receiver", the send
//   rows again against bench/udpgro.c with UDP_GRO on); C ping-pong with blocking receives (the floor)
//   and with epoll (as an event loop waits), across two processes and in
//   one thread, and across processes polling up to 50 µs before it sleeps. The run's last lines set each target against it.
// - `flood ...`: both libraries flooded by the blaster in turn, a 10 ms
//   setInterval timing its own lateness (p50 and max per run). Two
//   workloads: 1 ms of work per 1,000 datagrams for FLOOD_SECONDS (the RSS
//   figures), and 200 µs of work in every callback for LATENESS_SECONDS.
// The run ends with each issue-9 target, met or missed (results.targets).
'use strict'
const { execFileSync, spawnSync } = require('node:child_process')
const dgram = require('node:dgram')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Loop, UDP, errno } = require('..')
const facade = require('../dgram')
const load = require('./load')
const { percentile, pingpongInTurns } = require('./pingpong')
const { RCVBUF, receiveSlice, receivers } = require('./receivers')
const { inTurns, sum } = require('./turns')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10)
const LATENESS_SECONDS = Number(process.env.BENCH_LATENESS_SECONDS ?? 5)
const PINGPONG_ROUNDS = 20_000
const PINGPONG_SLICES = 4
const PINGPONG_WARMUP = 2_000
// The busy-polling window of the opt-in two-process row, as udpping's `spin` polls.
const BUSY_POLL_US = 50
const SIZES = [64, 1200]
// BENCH_ONLY=receive,send,pingpong,flood,bun runs a subset (for profiling);
// BENCH_SECONDS, BENCH_FLOOD_SECONDS and BENCH_LATENESS_SECONDS set the durations.
const ONLY = new Set((process.env.BENCH_ONLY ?? 'receive,send,pingpong,flood,bun').split(','))
const BATCH = 64
// The receive and send rows' turns (bench/turns.js): BENCH_TURNS slices of
// BENCH_SECONDS / BENCH_TURNS per library, after a warm-up slice of
// BENCH_WARMUP_SECONDS each.
const TURNS = {
  seconds: SECONDS,
  turns: Number(process.env.BENCH_TURNS ?? 3),
  warmup: Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5),
}
const root = path.join(__dirname, '..')
const loop = Loop.default_loop()


const immediate = () => new Promise((resolve) => setImmediate(resolve))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const now = () => Number(process.hrtime.bigint()) / 1e9

/** Runs udpload (or `program`), bounded well past the longest scenario. */
const runLoad = (args, onLine, onSpawn, program) => load.runLoad(args, SECONDS + Math.max(FLOOD_SECONDS, LATENESS_SECONDS) + 30, onLine, onSpawn, program)
/** CPU time (user + system) of this process since `since`, in µs. */
const cpuMicros = (since) => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

// ---- 1. receive -------------------------------------------------------------

/** The receive rows of `libs`, in turns (bench/turns.js): each one's figures over its kept slices. */
async function receives(libs, size) {
  const slices = await inTurns(libs, (lib, seconds) => receiveSlice(lib, size, seconds), TURNS)
  return libs.map((lib) => {
    const all = slices.get(lib)
    const { received, seconds, sent, cpu_us, dropped } = sum(all)
    return {
      rate: received / seconds,
      cpu_us_per_dgram: cpu_us / received,
      offered: sent / seconds,
      lost: sent - received,
      dropped_by_library: dropped,
      turn_rates: all.map((slice) => slice.received / slice.seconds),
    }
  })
}

/** The same blaster against the C drainer (udpload drain): the ceiling the library is held to. */
async function receiveC(size) {
  let child
  let onReady
  const ready = new Promise((resolve) => { onReady = resolve })
  const drained = runLoad(['drain', '0', String(RCVBUF), String(SECONDS + 20)], (line) => { if (line.ready) onReady(line) }, (spawned) => { child = spawned })
  const { port, rcvbuf } = await Promise.race([ready, drained.then(() => { throw new Error('udpload drain exited before it was ready') })])
  const [report] = await runLoad(['blast', '127.0.0.1', String(port), String(size), String(SECONDS)])
  await sleep(200) // as for the libraries: what is queued may still be read
  child.kill('SIGTERM')
  const { received, cpu_us, recvmmsg_calls } = (await drained).find((line) => 'received' in line)
  return {
    rate: received / report.seconds,
    cpu_us_per_dgram: cpu_us / received,
    offered: report.sent / report.seconds,
    lost: report.sent - received,
    dgrams_per_recvmmsg: received / recvmmsg_calls,
    rcvbuf,
  }
}

/**
 * bench/udpgro.c with UDP_GRO on, for `seconds` (or until `stop()`), on a
 * free port of 127.0.0.1: its port once it waits, and a promise of its report.
 */
async function groDrainer(seconds) {
  // udpgro binds the port it is given: take a free one.
  const probe = dgram.createSocket('udp4')
  await new Promise((resolve) => probe.bind(0, '127.0.0.1', resolve))
  const port = probe.address().port
  await new Promise((resolve) => probe.close(resolve))
  let child
  const report = runLoad([String(port), '1', String(seconds)], undefined, (spawned) => { child = spawned }, load.udpgro()).then(([line]) => line)
  await sleep(300) // bound and waiting
  return { port, report, stop: () => child.kill('SIGTERM') }
}

/** The same blaster against the C drainer with UDP_GRO on (bench/udpgro.c). */
async function receiveCGro(size) {
  const { port, report: draining } = await groDrainer(SECONDS + 1)
  const [report] = await runLoad(['blast', '127.0.0.1', String(port), String(size), String(SECONDS)])
  const result = await draining
  return {
    rate: result.datagrams / report.seconds,
    cpu_us_per_dgram: result.cpu_ns_per_datagram / 1000,
    offered: report.sent / report.seconds,
    lost: report.sent - result.datagrams,
    dgrams_per_message: result.datagrams / Math.max(1, result.messages),
  }
}

// ---- 2. send ------------------------------------------------------------------

function uvSender(variant, port, payload) {
  const udp = new UDP(loop)
  const to = ['127.0.0.1', port]
  const messages = Array.from({ length: BATCH }, () => [to, payload])
  let completed = 0
  const onSent = () => { completed++ }
  const burst = {
    send() {
      for (let i = 0; i < BATCH; i++) udp.send(to, payload, onSent)
      return BATCH
    },
    try_send() {
      let n = 0
      try {
        for (; n < BATCH; n++) udp.try_send(to, payload)
      } catch (error) {
        if (error.errno !== errno.UV_EAGAIN) throw error
      }
      completed += n
      return n
    },
    try_send_many() {
      try {
        const n = udp.try_send_many(messages)
        completed += n
        return n
      } catch (error) {
        if (error.errno !== errno.UV_EAGAIN) throw error
        return 0
      }
    },
  }[variant]
  return { burst, completed: () => completed, close: () => udp.close() }
}

function dgramSender(port, payload, lib = dgram) {
  const socket = lib.createSocket('udp4')
  let completed = 0
  const onSent = () => { completed++ }
  return {
    burst() {
      for (let i = 0; i < BATCH; i++) socket.send(payload, port, '127.0.0.1', onSent)
      return BATCH
    },
    completed: () => completed,
    close: () => socket.close(),
  }
}

/**
 * The send rows' sink: `udpload count` (recvmmsg, no GRO), or with `gro`
 * bench/udpgro.c with UDP_GRO on (a receiver as uv-udp's are on Linux).
 * Resolves with its port and `stop()`, which ends it and resolves with the
 * datagrams it received.
 */
async function sink(gro, seconds) {
  // Past the slice: the sender waits up to 2 s for its last completions.
  const limit = seconds + 5
  let sinkProcess
  if (gro) {
    const drainer = await groDrainer(limit)
    sinkProcess = { port: drainer.port, stop: () => { drainer.stop(); return drainer.report.then((line) => line.datagrams) } }
  } else {
    sinkProcess = await load.countSink(limit)
  }
  return {
    port: sinkProcess.port,
    stop: async () => {
      await sleep(50) // what the sender's last burst queued is read
      return sinkProcess.stop()
    },
  }
}

/** One slice of a send row: `variant` sending to a fresh sink for `seconds`. */
async function sendSlice(variant, size, gro, seconds) {
  const { port, stop } = await sink(gro, seconds)
  const payload = Buffer.alloc(size, 7)
  const sender =
    variant === 'dgram send' ? dgramSender(port, payload)
    : variant === 'uv-udp/dgram send' ? dgramSender(port, payload, facade)
    : uvSender(variant.replace('uv-udp ', ''), port, payload)
  let issued = 0
  const start = now()
  const cpu = process.cpuUsage()
  const end = start + seconds
  while (now() < end) {
    issued += sender.burst()
    // Yield so that completions (and dgram's own queue) are processed;
    // without it a callback API would just pile up requests.
    await immediate()
    if (issued - sender.completed() > 8 * BATCH) await sleep(0)
  }
  while (sender.completed() < issued && now() < end + 2) await sleep(5)
  const elapsed = now() - start
  const completed = sender.completed()
  const cpu_us = cpuMicros(cpu)
  sender.close()
  return { completed, seconds: elapsed, cpu_us, received: await stop() }
}

/** The send rows of `variants`, in turns (bench/turns.js): each one's figures over its kept slices. */
async function sends(variants, size, gro = false) {
  const slices = await inTurns(variants, (variant, seconds) => sendSlice(variant, size, gro, seconds), TURNS)
  return variants.map((variant) => {
    const all = slices.get(variant)
    const { completed, seconds, cpu_us, received } = sum(all)
    return {
      rate: completed / seconds,
      // This process's CPU time per datagram: on a shared machine it moves
      // far less than the wall-clock rate (the load generator is another process).
      cpu_us_per_dgram: cpu_us / completed,
      received_rate: received / seconds,
      received,
      sent: completed,
      turn_rates: all.map((slice) => slice.completed / slice.seconds),
    }
  })
}

/** The C GSO blaster (udpload blast: sendmsg with UDP_SEGMENT, 64 datagrams per call) against the send rows' sink. */
async function sendC(size, gro = false) {
  const { port, stop } = await sink(gro, SECONDS)
  const [report] = await runLoad(['blast', '127.0.0.1', String(port), String(size), String(SECONDS)])
  const received = await stop()
  return { rate: report.sent / report.seconds, received_rate: received / report.seconds, sent: report.sent, received }
}

// ---- 3. ping-pong (bench/pingpong.js) ----------------------------------------

/** The ping-pongs of `libs`, in turns (see the header); each one's p50 and p99. */
async function pingpongs(libs, processes = 1) {
  const rtts = await pingpongInTurns(libs, { loop, rounds: PINGPONG_ROUNDS, slices: PINGPONG_SLICES, warmup: PINGPONG_WARMUP, processes })
  return libs.map((lib) => {
    const sorted = Array.from(rtts.get(lib)).sort((a, b) => a - b)
    return { p50_us: percentile(sorted, 0.5), p99_us: percentile(sorted, 0.99) }
  })
}

/**
 * uv-udp's ping-pong across two processes, both run with busy polling
 * (`UV_UDP_BUSY_POLL_US=us`, off by default): the client in a child
 * process (bench/pingpong.js pair), the echo server in its child.
 */
async function pingpongBusyPoll(us) {
  const env = { ...process.env, UV_UDP_BUSY_POLL_US: String(us) }
  const run = spawnSync(process.execPath, [path.join(__dirname, 'pingpong.js'), 'pair', 'uv-udp', String(PINGPONG_ROUNDS)],
    { env, encoding: 'utf8', timeout: 180_000, maxBuffer: 64 << 20 })
  if (run.status !== 0) throw new Error(`busy-polling ping-pong exited with ${run.status}: ${run.stderr}`)
  const sorted = JSON.parse(run.stdout).sort((a, b) => a - b)
  return { p50_us: percentile(sorted, 0.5), p99_us: percentile(sorted, 0.99) }
}

/**
 * The C ping-pong (bench/udpping.c): `local` / `local-epoll` in one thread, or a client here
 * and an echo server in another process, both waiting as `wait` says
 * ('blocking' or 'epoll').
 */
async function pingpongC(wait) {
  const rounds = String(PINGPONG_ROUNDS)
  if (wait === 'local' || wait === 'local-epoll') {
    const [report] = await runLoad([wait, rounds], undefined, undefined, load.udpping())
    return { p50_us: report.p50_us, p99_us: report.p99_us }
  }
  let child
  let onReady
  const ready = new Promise((resolve) => { onReady = resolve })
  const echoing = runLoad(['echo', wait, String(SECONDS + 60)], (line) => { if (line.ready) onReady(line) }, (spawned) => { child = spawned }, load.udpping())
  const { port } = await Promise.race([ready, echoing.then(() => { throw new Error('udpping echo exited before it was ready') })])
  try {
    const [report] = await runLoad(['ping', wait, String(port), rounds], undefined, undefined, load.udpping())
    return { p50_us: report.p50_us, p99_us: report.p99_us }
  } finally {
    child.kill('SIGTERM')
    await echoing
  }
}

// ---- 4. flood: memory and timer lateness ---------------------------------------

function busy(ms) {
  const until = now() + ms / 1000
  while (now() < until);
}

/** The flood workloads: what each receive callback costs the JS thread. */
const WORKLOADS = {
  // 1 ms of work per 1,000 datagrams: keeps up with much of the flood (RSS).
  rss: { label: '1 ms/1000 dgrams', seconds: () => FLOOD_SECONDS, work: (received) => { if (received % 1000 === 0) busy(1) } },
  // 200 µs in every callback: the loop can never keep up (timer lateness).
  callback: { label: '200 µs callback', seconds: () => LATENESS_SECONDS, work: () => busy(0.2) },
}

async function flood(lib, workload) {
  const { seconds, work } = WORKLOADS[workload]
  let received = 0
  const lateness = []
  let expected = now() + 0.01
  const timer = setInterval(() => {
    const t = now()
    lateness.push((t - expected) * 1000)
    expected = t + 0.01
  }, 10)
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  let rssPeak = rssBefore
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss) }, 100)
  const receiver = await receivers[lib](() => { work(++received) })
  const [report] = await runLoad(['blast', '127.0.0.1', String(receiver.port), '64', String(seconds())])
  // Only the ticks while the blaster ran (and up to the first tick after it).
  const ticks = lateness.length
  await sleep(200)
  const rssAfter = process.memoryUsage().rss
  const dropped = receiver.dropped()
  receiver.close()
  clearInterval(timer)
  clearInterval(sampler)
  const sorted = lateness.slice(0, ticks).sort((a, b) => a - b)
  const at = (p) => (sorted.length > 0 ? percentile(sorted, p) : NaN)
  return {
    received,
    offered: report.sent,
    recv_dropped: dropped,
    rss_growth_mib: (rssAfter - rssBefore) / 2 ** 20,
    rss_peak_growth_mib: (rssPeak - rssBefore) / 2 ** 20,
    timer_ticks: ticks,
    timer_lateness_p50_ms: at(0.5),
    timer_lateness_p99_ms: at(0.99),
    worst_timer_lateness_ms: at(1),
  }
}

// ---- the run ------------------------------------------------------------------

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1))

async function main() {
  const rows = []
  const results = { machine: machine(), seconds: SECONDS, scenarios: {} }
  const row = (name, unit, uv, dg, better = 'higher') => {
    rows.push([name, unit, uv, dg, better === 'none' ? NaN : uv / dg])
  }

  // The facade (uv-udp/dgram) runs 64 B receive, 64 B send and ping-pong
  // in the same run; its ratio over the pyuv API's ratio is what it keeps.
  const kept = []
  const keptCpu = []
  for (const size of ONLY.has('receive') ? SIZES : []) {
    // The libraries in turns (bench/turns.js); the C drainers, references
    // for the run, before them.
    const c = await receiveC(size)
    const cGro = await receiveCGro(size)
    const [uv, dg, fa] = await receives(size === 64 ? ['uv-udp', 'dgram', 'uv-udp/dgram'] : ['uv-udp', 'dgram'], size)
    results.scenarios[`receive ${size} B`] = { 'uv-udp': uv, dgram: dg, ...(fa && { 'uv-udp/dgram': fa }), 'C recvmmsg': c, 'C GRO drainer': cGro }
    row(`receive ${size} B`, 'dgrams/s', uv.rate, dg.rate)
    if (fa) {
      row(`uv-udp/dgram receive ${size} B`, 'dgrams/s', fa.rate, dg.rate)
      kept.push([`receive ${size} B`, fa.rate / dg.rate / (uv.rate / dg.rate)])
      keptCpu.push([`receive ${size} B`, uv.cpu_us_per_dgram / fa.cpu_us_per_dgram])
    }
    row(`  offered by the blaster`, 'dgrams/s', uv.offered, dg.offered, 'none')
    row(`receive ${size} B vs C recvmmsg drainer`, 'dgrams/s', uv.rate, c.rate)
    row(`receive ${size} B vs C GRO drainer`, 'dgrams/s', uv.rate, cGro.rate)
    row(`  offered by the blaster (to uv-udp, to C)`, 'dgrams/s', uv.offered, c.offered, 'none')
  }
  for (const size of ONLY.has('send') ? SIZES : []) {
    // The C GSO blaster, the run's reference, then the libraries in turns.
    const c = await sendC(size)
    const variants = ['dgram send', 'uv-udp send', 'uv-udp try_send', 'uv-udp try_send_many', ...(size === 64 ? ['uv-udp/dgram send'] : [])]
    const figures = await sends(variants, size)
    const scenario = { dgram: figures[0], 'C GSO blaster': c }
    variants.slice(1).forEach((variant, i) => { scenario[variant] = figures[i + 1] })
    results.scenarios[`send ${size} B`] = scenario
    const dg = scenario.dgram
    row(`C GSO blaster ${size} B vs dgram send`, 'dgrams/s', c.rate, dg.rate)
    for (const variant of ['uv-udp send', 'uv-udp try_send', 'uv-udp try_send_many']) {
      row(`${variant.replace('uv-udp ', '')} ${size} B vs dgram send`, 'dgrams/s', scenario[variant].rate, dg.rate)
    }
    if (size === 64) {
      const fa = scenario['uv-udp/dgram send']
      row(`uv-udp/dgram send ${size} B vs dgram send`, 'dgrams/s', fa.rate, dg.rate)
      const uv = scenario['uv-udp send']
      kept.push([`send ${size} B`, fa.rate / uv.rate])
      keptCpu.push([`send ${size} B`, uv.cpu_us_per_dgram / fa.cpu_us_per_dgram])
    }
    // The same senders against a receiver with UDP GRO (no target): the
    // kernel then hands each GSO send to it whole instead of segmenting it
    // on the sender's CPU.
    const gC = await sendC(size, true)
    const [gDg, gMany] = await sends(['dgram send', 'uv-udp try_send_many'], size, true)
    results.scenarios[`send ${size} B to a GRO receiver`] = { dgram: gDg, 'C GSO blaster': gC, 'uv-udp try_send_many': gMany }
    row(`C GSO blaster ${size} B vs dgram send, GRO receiver`, 'dgrams/s', gC.rate, gDg.rate)
    row(`try_send_many ${size} B vs dgram send, GRO receiver`, 'dgrams/s', gMany.rate, gDg.rate)
  }
  if (ONLY.has('pingpong')) {
    const [uvRtt, faRtt, dgRtt] = await pingpongs(['uv-udp', 'uv-udp/dgram', 'dgram'])
    results.scenarios['ping-pong 64 B'] = { 'uv-udp': uvRtt, dgram: dgRtt, 'uv-udp/dgram': faRtt }
    row('ping-pong p50 RTT, one process (lower is better)', 'µs', uvRtt.p50_us, dgRtt.p50_us, 'lower')
    row('ping-pong p99 RTT, one process (lower is better)', 'µs', uvRtt.p99_us, dgRtt.p99_us, 'lower')
    row('uv-udp/dgram ping-pong p50 RTT, one process (lower is better)', 'µs', faRtt.p50_us, dgRtt.p50_us, 'lower')
    // Lower is better: what the facade keeps is the pyuv API's RTT over its own.
    kept.push(['ping-pong p50', uvRtt.p50_us / faRtt.p50_us])
    const cLocal = await pingpongC('local')
    results.scenarios['ping-pong 64 B']['C blocking, one thread'] = cLocal
    row('C ping-pong p50 RTT, one thread, blocking (lower is better)', 'µs', cLocal.p50_us, dgRtt.p50_us, 'lower')
    // An event loop's floor in one process: both sockets in one epoll set.
    const cLocalEpoll = await pingpongC('local-epoll')
    results.scenarios['ping-pong 64 B']['C epoll, one thread'] = cLocalEpoll
    row('C ping-pong p50 RTT, one thread, epoll loop (lower is better)', 'µs', cLocalEpoll.p50_us, dgRtt.p50_us, 'lower')
    // The echo server in a child process of the same library.
    const [uvRtt2, dgRtt2] = await pingpongs(['uv-udp', 'dgram'], 2)
    const cEpoll = await pingpongC('epoll')
    const cBlocking = await pingpongC('blocking')
    // Polling before sleeping (no library here does): what is left of a
    // round trip when neither side's CPU goes idle between datagrams.
    const cSpin = await pingpongC('spin')
    // The same, uv-udp with its opt-in busy polling (UV_UDP_BUSY_POLL_US,
    // off by default): the design change issue 9's two-process target
    // needs on this machine (docs/design-notes.md).
    const uvBusy = await pingpongBusyPoll(BUSY_POLL_US)
    results.scenarios['ping-pong 64 B, two processes'] = { 'uv-udp': uvRtt2, dgram: dgRtt2, 'C epoll': cEpoll, 'C blocking': cBlocking, 'C spin': cSpin, [`uv-udp, UV_UDP_BUSY_POLL_US=${BUSY_POLL_US}`]: uvBusy }
    row('ping-pong p50 RTT, two processes (lower is better)', 'µs', uvRtt2.p50_us, dgRtt2.p50_us, 'lower')
    row('ping-pong p99 RTT, two processes (lower is better)', 'µs', uvRtt2.p99_us, dgRtt2.p99_us, 'lower')
    row('C ping-pong p50 RTT, two processes, epoll (lower is better)', 'µs', cEpoll.p50_us, dgRtt2.p50_us, 'lower')
    row('C ping-pong p50 RTT, two processes, blocking (lower is better)', 'µs', cBlocking.p50_us, dgRtt2.p50_us, 'lower')
    row('C ping-pong p50 RTT, two processes, 50 µs polling, then epoll (lower is better)', 'µs', cSpin.p50_us, dgRtt2.p50_us, 'lower')
    row(`ping-pong p50 RTT, two processes, UV_UDP_BUSY_POLL_US=${BUSY_POLL_US} (lower is better)`, 'µs', uvBusy.p50_us, dgRtt2.p50_us, 'lower')
    row(`ping-pong p99 RTT, two processes, UV_UDP_BUSY_POLL_US=${BUSY_POLL_US} (lower is better)`, 'µs', uvBusy.p99_us, dgRtt2.p99_us, 'lower')
  }
  const floods = {}
  for (const workload of ONLY.has('flood') ? Object.keys(WORKLOADS) : []) {
    const { label, seconds } = WORKLOADS[workload]
    const uv = await flood('uv-udp', workload)
    const dg = await flood('dgram', workload)
    floods[workload] = { uv, dg }
    // Key of the 1 ms/1000 workload as before this row was added (RSS history).
    results.scenarios[workload === 'rss' ? `flood ${seconds()} s` : `flood ${seconds()} s, ${label}`] = { 'uv-udp': uv, dgram: dg }
    row(`flood ${label}: 10 ms timer p50 lateness (lower is better)`, 'ms', uv.timer_lateness_p50_ms, dg.timer_lateness_p50_ms, 'lower')
    row(`flood ${label}: 10 ms timer max lateness (lower is better)`, 'ms', uv.worst_timer_lateness_ms, dg.worst_timer_lateness_ms, 'lower')
    row(`flood ${label}: RSS growth`, 'MiB', uv.rss_growth_mib, dg.rss_growth_mib, 'none')
  }
  const bun = ONLY.has('bun') ? underBun() : null
  if (bun) {
    results.bun = bun
    for (const [name, figures] of Object.entries(bun.results)) {
      row(`Bun ${bun.bun}: ${name} (vs Bun.udpSocket${name.startsWith('send') ? ' sendMany' : ''})`, 'dgrams/s', figures['uv-udp'], figures['Bun.udpSocket'])
    }
  }

  const header = ['scenario', 'unit', 'uv-udp', 'dgram (or as named)', 'ratio']
  const table = [header, ...rows.map(([n, u, a, b, r]) => [n, u, fmt(a), b === undefined ? '' : fmt(b), Number.isFinite(r) && u ? r.toFixed(2) : ''])]
  const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)))
  for (const r of table) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '))
  if (Object.keys(floods).length > 0) console.log('')
  for (const [workload, { uv, dg }] of Object.entries(floods)) {
    const { label, seconds } = WORKLOADS[workload]
    for (const [lib, f] of [['uv-udp', uv], ['dgram', dg]]) {
      console.log(`flood ${seconds()} s (64 B, ${label}), ${lib}: received ${f.received} of ${f.offered}, ` +
        `recv_dropped ${f.recv_dropped}, RSS growth ${f.rss_growth_mib.toFixed(1)} MiB (peak ${f.rss_peak_growth_mib.toFixed(1)} MiB), ` +
        `10 ms timer lateness p50 ${f.timer_lateness_p50_ms.toFixed(1)} ms, worst ${f.worst_timer_lateness_ms.toFixed(1)} ms (${f.timer_ticks} ticks)`)
    }
  }
  if (kept.length > 0) {
    results.facade_kept = Object.fromEntries(kept)
    console.log(`\nuv-udp/dgram keeps of the pyuv API's ratio (target >= 0.90): ${kept.map(([name, k]) => `${name} ${k.toFixed(2)}`).join(', ')}`)
    if (keptCpu.length > 0) {
      results.facade_kept_cpu = Object.fromEntries(keptCpu)
      console.log(`  by CPU time per datagram (pyuv API / facade): ${keptCpu.map(([name, k]) => `${name} ${k.toFixed(2)}`).join(', ')}`)
    }
  }
  results.targets = targets(results.scenarios, floods)
  console.log('\nissue 9 targets (one run on this machine; a miss here is one sample):')
  for (const t of results.targets) {
    console.log(`  ${t.met === null ? 'not run' : t.met ? 'met    ' : 'MISSED '}  ${t.target}: ${t.value === null ? '-' : t.shown}` +
      (t.limit ? `   (${t.limit.name} in this run: ${t.limit.value.toFixed(2)})` : ''))
  }
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${JSON.stringify(results)}`)
}

/** Each issue-9 target against this run's figures; `met` is null where its scenario did not run. */
function targets(scenarios, floods) {
  const out = []
  // `limit`: the same ratio for the C reference of that measure (the C
  // program's figure over dgram's), where the run has one.
  const ratio = (name, goal, op, a, b, limit) => {
    const value = a !== undefined && b !== undefined ? a / b : null
    const met = value === null ? null : op === '>=' ? value >= goal : value <= goal
    const bound = limit && limit.a !== undefined && b !== undefined ? { name: limit.name, value: limit.a / b } : undefined
    out.push({ target: `${name} ${op} ${goal}`, value, met, shown: value === null ? null : value.toFixed(2), ...(bound && { limit: bound }) })
  }
  const rate = (scenario, lib) => scenarios[scenario]?.[lib]?.rate
  const p50 = (scenario, lib) => scenarios[scenario]?.[lib]?.p50_us
  ratio('ping-pong p50, one process, uv-udp / dgram', 0.8, '<=', p50('ping-pong 64 B', 'uv-udp'), p50('ping-pong 64 B', 'dgram'),
    // The floor of an event loop in one process (blocking reads, the other C row, need no loop).
    { name: 'C epoll loop, one thread / dgram', a: p50('ping-pong 64 B', 'C epoll, one thread') })
  ratio('ping-pong p50, two processes, uv-udp / dgram', 0.8, '<=', p50('ping-pong 64 B, two processes', 'uv-udp'), p50('ping-pong 64 B, two processes', 'dgram'),
    { name: 'C epoll / dgram', a: p50('ping-pong 64 B, two processes', 'C epoll') })
  ratio('receive 64 B, uv-udp / dgram', 3.5, '>=', rate('receive 64 B', 'uv-udp'), rate('receive 64 B', 'dgram'),
    { name: 'C GRO drainer / dgram', a: rate('receive 64 B', 'C GRO drainer') })
  ratio('receive 64 B, uv-udp / C recvmmsg drainer', 0.8, '>=', rate('receive 64 B', 'uv-udp'), rate('receive 64 B', 'C recvmmsg'))
  ratio('receive 1200 B, uv-udp / dgram', 2.5, '>=', rate('receive 1200 B', 'uv-udp'), rate('receive 1200 B', 'dgram'),
    { name: 'C GRO drainer / dgram', a: rate('receive 1200 B', 'C GRO drainer') })
  for (const size of SIZES) {
    ratio(`try_send_many ${size} B / dgram send`, 5, '>=', rate(`send ${size} B`, 'uv-udp try_send_many'), rate(`send ${size} B`, 'dgram'),
      { name: 'C GSO blaster / dgram send', a: rate(`send ${size} B`, 'C GSO blaster') })
  }
  for (const size of SIZES) {
    for (const variant of ['send', 'try_send']) {
      ratio(`${variant} ${size} B / dgram send`, 1.1, '>=', rate(`send ${size} B`, `uv-udp ${variant}`), rate(`send ${size} B`, 'dgram'))
    }
  }
  const lateness = floods.callback
  out.push({
    target: `flood with a ${WORKLOADS.callback.label}: uv-udp's 10 ms timer p50 lateness <= dgram's`,
    value: lateness ? lateness.uv.timer_lateness_p50_ms : null,
    met: lateness ? lateness.uv.timer_lateness_p50_ms <= lateness.dg.timer_lateness_p50_ms : null,
    shown: lateness ? `${lateness.uv.timer_lateness_p50_ms.toFixed(2)} ms against ${lateness.dg.timer_lateness_p50_ms.toFixed(2)} ms` : null,
  })
  // The larger uv-udp RSS growth of the two flood workloads.
  const growth = Object.keys(floods).length > 0 ? Math.max(...Object.values(floods).map(({ uv }) => uv.rss_growth_mib)) : null
  out.push({
    target: 'flood: uv-udp RSS growth < 64 MiB (the larger of the two workloads)',
    value: growth,
    met: growth === null ? null : growth < 64,
    shown: growth === null ? null : `${growth.toFixed(1)} MiB`,
  })
  return out
}

/** The uv-udp vs Bun.udpSocket scenarios, run by Bun itself (from the bun devDependency). */
function underBun() {
  const bun = path.join(root, 'node_modules', '.bin', 'bun')
  if (!fs.existsSync(bun)) {
    console.log('(Bun is not installed: no Bun.udpSocket rows)')
    return null
  }
  const out = execFileSync(bun, [path.join(__dirname, 'bun.js')], { encoding: 'utf8', env: { ...process.env, BENCH_SECONDS: String(SECONDS) } })
  return JSON.parse(out.trim().split('\n').pop())
}

function machine() {
  return { cpus: os.cpus().length, model: os.cpus()[0]?.model, memory_gib: Math.round(os.totalmem() / 2 ** 30), kernel: os.release(), node: process.version }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
