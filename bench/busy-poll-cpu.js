// What opt-in busy polling (UV_UDP_BUSY_POLL_US) costs in CPU when no reply
// follows a send: a handle sends RATE datagrams a second of 64 B to a
// loopback sink that never answers, for SECONDS, in a fresh process per
// window; prints the process's CPU time as a share of one core.
//
//   node bench/busy-poll-cpu.js        prints a table and JSON
//
// With `child` it is the process measured (the window from the environment).
'use strict'
const { spawnSync } = require('node:child_process')

const RATE = 1000
const SECONDS = 3
const WINDOWS = [0, 20, 50, 100]

function child() {
  const { Loop, UDP } = require('..')
  const loop = Loop.default_loop()
  const sink = new UDP(loop)
  sink.bind(['127.0.0.1', 0])
  const sender = new UDP(loop)
  const to = sink.getsockname()
  const payload = Buffer.alloc(64)
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  let sent = 0
  const timer = setInterval(() => {
    sender.try_send(to, payload)
    if (++sent === RATE * SECONDS) {
      clearInterval(timer)
      const used = process.cpuUsage(cpu)
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      sink.close()
      sender.close()
      process.stdout.write(`${JSON.stringify({ sent, seconds, core_share: (used.user + used.system) / 1e6 / seconds })}\n`)
    }
  }, 1000 / RATE)
}

function main() {
  const results = { rate: RATE, seconds: SECONDS, windows: {} }
  console.log('UV_UDP_BUSY_POLL_US  CPU (share of one core)  datagrams/s')
  for (const us of WINDOWS) {
    const run = spawnSync(process.execPath, [__filename, 'child'], { env: { ...process.env, UV_UDP_BUSY_POLL_US: String(us) }, encoding: 'utf8', timeout: 60_000 })
    if (run.status !== 0) throw new Error(`window ${us}: exit ${run.status}: ${run.stderr}`)
    const report = JSON.parse(run.stdout)
    results.windows[us] = report
    console.log(`${String(us).padEnd(20)} ${report.core_share.toFixed(3).padEnd(24)} ${(report.sent / report.seconds).toFixed(0)}`)
  }
  console.log(JSON.stringify(results))
}

if (process.argv[2] === 'child') child()
else main()
