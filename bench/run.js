// `npm run bench`: uv-udp against node:dgram, every scenario in one run, on
// loopback. Prints a table of absolute figures and ratios (uv-udp / dgram)
// and writes bench/results.json. Not a test: nothing here asserts a timing.
//
// Load comes from bench/udpload.c (compiled on first use, bench/load.js), the
// same program for both libraries, so the receive figures compare like with like.
'use strict'
const { execFileSync } = require('node:child_process')
const dgram = require('node:dgram')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Loop, UDP, errno } = require('..')
const facade = require('../dgram')
const load = require('./load')
const { percentile, pingpongUv, pingpongDgram } = require('./pingpong')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 10)
const PINGPONG_ROUNDS = 20_000
const SIZES = [64, 1200]
// BENCH_ONLY=receive,send,pingpong,flood runs a subset (for profiling).
const ONLY = new Set((process.env.BENCH_ONLY ?? 'receive,send,pingpong,flood,bun').split(','))
const BATCH = 64
const RCVBUF = 4 << 20
const root = path.join(__dirname, '..')
const loop = Loop.default_loop()


const immediate = () => new Promise((resolve) => setImmediate(resolve))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const now = () => Number(process.hrtime.bigint()) / 1e9

/** Runs udpload, bounded well past the longest scenario. */
const runLoad = (args, onLine) => load.runLoad(args, SECONDS + FLOOD_SECONDS + 30, onLine)
/** CPU time (user + system) of this process since `since`, in µs. */
const cpuMicros = (since) => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

// ---- receivers: the same shape for both libraries -------------------------

function uvReceiver(onDatagram) {
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  udp.receive_buffer_size = RCVBUF
  udp.start_recv(onDatagram)
  return { port: udp.getsockname()[1], close: () => udp.close(), dropped: () => udp.recv_dropped }
}

// The same code for node:dgram and uv-udp/dgram (the drop-in facade).
async function dgramReceiver(onDatagram, lib = dgram) {
  const socket = lib.createSocket({ type: 'udp4', recvBufferSize: RCVBUF })
  socket.on('message', onDatagram)
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: socket.address().port, close: () => socket.close(), dropped: () => 0 }
}

const receivers = {
  'uv-udp': uvReceiver,
  dgram: dgramReceiver,
  'uv-udp/dgram': (onDatagram) => dgramReceiver(onDatagram, facade),
}

// ---- 1. receive -------------------------------------------------------------

async function receive(lib, size) {
  let received = 0
  const receiver = await receivers[lib](() => { received++ })
  const cpu = process.cpuUsage()
  const [report] = await runLoad(['blast', '127.0.0.1', String(receiver.port), String(size), String(SECONDS)])
  await sleep(200) // let what is already queued reach the callback
  const dropped = receiver.dropped()
  receiver.close()
  return {
    rate: received / report.seconds,
    cpu_us_per_dgram: cpuMicros(cpu) / received,
    offered: report.sent / report.seconds,
    lost: report.sent - received,
    dropped_by_library: dropped,
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

async function send(variant, size) {
  let port
  const counted = runLoad(['count', '0', String(SECONDS + 2)], (line) => { if (line.ready) port = line.port })
  while (port === undefined) await sleep(10)
  const payload = Buffer.alloc(size, 7)
  const sender =
    variant === 'dgram send' ? dgramSender(port, payload)
    : variant === 'uv-udp/dgram send' ? dgramSender(port, payload, facade)
    : uvSender(variant.replace('uv-udp ', ''), port, payload)
  let issued = 0
  const start = now()
  const cpu = process.cpuUsage()
  const end = start + SECONDS
  while (now() < end) {
    issued += sender.burst()
    // Yield so that completions (and dgram's own queue) are processed;
    // without it a callback API would just pile up requests.
    await immediate()
    if (issued - sender.completed() > 8 * BATCH) await sleep(0)
  }
  while (sender.completed() < issued && now() < end + 2) await sleep(5)
  const seconds = now() - start
  sender.close()
  const lines = await counted
  const received = lines.find((line) => 'received' in line).received
  return {
    rate: sender.completed() / seconds,
    // This process's CPU time per datagram: on a shared machine it moves
    // far less than the wall-clock rate (the load generator is another process).
    cpu_us_per_dgram: cpuMicros(cpu) / sender.completed(),
    received_rate: received / seconds,
    received,
    sent: sender.completed(),
  }
}

// ---- 3. ping-pong (bench/pingpong.js) ----------------------------------------

async function pingpong(lib) {
  const rtts = await (lib === 'uv-udp' ? pingpongUv(loop, PINGPONG_ROUNDS)
    : lib === 'uv-udp/dgram' ? pingpongDgram(PINGPONG_ROUNDS, facade)
    : pingpongDgram(PINGPONG_ROUNDS))
  const sorted = Array.from(rtts).sort((a, b) => a - b)
  return { p50_us: percentile(sorted, 0.5), p99_us: percentile(sorted, 0.99) }
}

// ---- 4. flood memory ----------------------------------------------------------

function busy(ms) {
  const until = now() + ms / 1000
  while (now() < until);
}

async function flood(lib) {
  let received = 0
  let worstLateness = 0
  let expected = now() + 0.01
  const timer = setInterval(() => {
    const t = now()
    worstLateness = Math.max(worstLateness, (t - expected) * 1000)
    expected = t + 0.01
  }, 10)
  global.gc?.()
  const rssBefore = process.memoryUsage().rss
  let rssPeak = rssBefore
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss) }, 100)
  const receiver = await receivers[lib](() => {
    if (++received % 1000 === 0) busy(1)
  })
  const [report] = await runLoad(['blast', '127.0.0.1', String(receiver.port), '64', String(FLOOD_SECONDS)])
  await sleep(200)
  const rssAfter = process.memoryUsage().rss
  const dropped = receiver.dropped()
  receiver.close()
  clearInterval(timer)
  clearInterval(sampler)
  return {
    received,
    offered: report.sent,
    recv_dropped: dropped,
    rss_growth_mib: (rssAfter - rssBefore) / 2 ** 20,
    rss_peak_growth_mib: (rssPeak - rssBefore) / 2 ** 20,
    worst_timer_lateness_ms: worstLateness,
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
    // The facade right after the pyuv API: on a shared machine, the two
    // measurements whose ratio is taken are next to each other in time.
    const uv = await receive('uv-udp', size)
    const fa = size === 64 ? await receive('uv-udp/dgram', size) : null
    const dg = await receive('dgram', size)
    results.scenarios[`receive ${size} B`] = { 'uv-udp': uv, dgram: dg, ...(fa && { 'uv-udp/dgram': fa }) }
    row(`receive ${size} B`, 'dgrams/s', uv.rate, dg.rate)
    if (fa) {
      row(`uv-udp/dgram receive ${size} B`, 'dgrams/s', fa.rate, dg.rate)
      kept.push([`receive ${size} B`, fa.rate / dg.rate / (uv.rate / dg.rate)])
      keptCpu.push([`receive ${size} B`, uv.cpu_us_per_dgram / fa.cpu_us_per_dgram])
    }
    row(`  offered by the blaster`, 'dgrams/s', uv.offered, dg.offered, 'none')
  }
  for (const size of ONLY.has('send') ? SIZES : []) {
    const dg = await send('dgram send', size)
    results.scenarios[`send ${size} B`] = { dgram: dg }
    for (const variant of ['uv-udp send', 'uv-udp try_send', 'uv-udp try_send_many']) {
      const uv = await send(variant, size)
      results.scenarios[`send ${size} B`][variant] = uv
      row(`${variant.replace('uv-udp ', '')} ${size} B vs dgram send`, 'dgrams/s', uv.rate, dg.rate)
      if (variant === 'uv-udp send' && size === 64) {
        results.scenarios[`send ${size} B`]['uv-udp/dgram send'] = await send('uv-udp/dgram send', size)
      }
    }
    if (size === 64) {
      const fa = results.scenarios[`send ${size} B`]['uv-udp/dgram send']
      results.scenarios[`send ${size} B`]['uv-udp/dgram send'] = fa
      row(`uv-udp/dgram send ${size} B vs dgram send`, 'dgrams/s', fa.rate, dg.rate)
      const uv = results.scenarios[`send ${size} B`]['uv-udp send']
      kept.push([`send ${size} B`, fa.rate / uv.rate])
      keptCpu.push([`send ${size} B`, uv.cpu_us_per_dgram / fa.cpu_us_per_dgram])
    }
  }
  if (ONLY.has('pingpong')) {
    const uvRtt = await pingpong('uv-udp')
    const faRtt = await pingpong('uv-udp/dgram')
    const dgRtt = await pingpong('dgram')
    results.scenarios['ping-pong 64 B'] = { 'uv-udp': uvRtt, dgram: dgRtt, 'uv-udp/dgram': faRtt }
    row('ping-pong p50 RTT (lower is better)', 'µs', uvRtt.p50_us, dgRtt.p50_us, 'lower')
    row('ping-pong p99 RTT (lower is better)', 'µs', uvRtt.p99_us, dgRtt.p99_us, 'lower')
    row('uv-udp/dgram ping-pong p50 RTT (lower is better)', 'µs', faRtt.p50_us, dgRtt.p50_us, 'lower')
    // Lower is better: what the facade keeps is the pyuv API's RTT over its own.
    kept.push(['ping-pong p50', uvRtt.p50_us / faRtt.p50_us])
  }
  const flooded = ONLY.has('flood') ? await flood('uv-udp') : null
  if (flooded) results.scenarios[`flood ${FLOOD_SECONDS} s`] = { 'uv-udp': flooded }
  const bun = ONLY.has('bun') ? underBun() : null
  if (bun) {
    results.bun = bun
    for (const [name, figures] of Object.entries(bun.results)) {
      row(`Bun ${bun.bun}: ${name} (vs Bun.udpSocket${name.startsWith('send') ? ' sendMany' : ''})`, 'dgrams/s', figures['uv-udp'], figures['Bun.udpSocket'])
    }
  }

  const header = ['scenario', 'unit', 'uv-udp', 'dgram (or Bun)', 'ratio']
  const table = [header, ...rows.map(([n, u, a, b, r]) => [n, u, fmt(a), b === undefined ? '' : fmt(b), Number.isFinite(r) && u ? r.toFixed(2) : ''])]
  const widths = header.map((_, i) => Math.max(...table.map((r) => String(r[i]).length)))
  for (const r of table) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '))
  if (flooded) console.log(`\nflood ${FLOOD_SECONDS} s (64 B, 1 ms of work per 1000 datagrams): received ${flooded.received} of ${flooded.offered}, ` +
    `recv_dropped ${flooded.recv_dropped}, RSS growth ${flooded.rss_growth_mib.toFixed(1)} MiB (peak ${flooded.rss_peak_growth_mib.toFixed(1)} MiB), ` +
    `worst 10 ms timer lateness ${flooded.worst_timer_lateness_ms.toFixed(1)} ms`)
  if (kept.length > 0) {
    results.facade_kept = Object.fromEntries(kept)
    console.log(`\nuv-udp/dgram keeps of the pyuv API's ratio (target >= 0.90): ${kept.map(([name, k]) => `${name} ${k.toFixed(2)}`).join(', ')}`)
    if (keptCpu.length > 0) {
      results.facade_kept_cpu = Object.fromEntries(keptCpu)
      console.log(`  by CPU time per datagram (pyuv API / facade): ${keptCpu.map(([name, k]) => `${name} ${k.toFixed(2)}`).join(', ')}`)
    }
  }
  fs.writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\n${JSON.stringify(results)}`)
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
