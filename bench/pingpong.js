// The ping-pong scenario of bench/run.js, for uv-udp and node:dgram: one 64 B
// datagram bounced between two sockets on 127.0.0.1, one outstanding; each
// resolves with the round-trip times in microseconds. bench/instructions.js
// runs them under callgrind.
//
// One process: the echo server and the client share this process's event
// loop (pingpongUv, pingpongDgram). Two processes: the echo server runs in a
// child process of the same library (pingpongTwoProcesses), started as
//
//   node bench/pingpong.js echo <uv-udp|dgram|uv-udp/dgram> <limit seconds>
//
// which prints {"ready":true,"port":N} and echoes until its stdin closes or
// the limit passes.
'use strict'
const { spawn } = require('node:child_process')
const dgram = require('node:dgram')

const { Loop, UDP } = require('..')

/** A datagram lost on loopback would stall a ping-pong for ever: bounded. */
const LIMIT_MS = 60_000

function bounded(lib, run) {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`${lib} ping-pong: no reply within ${LIMIT_MS / 1000} s (a datagram was lost?)`)), LIMIT_MS)
    run(() => {
      clearTimeout(guard)
      resolve()
    })
  })
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

// ---- echo servers -------------------------------------------------------------

function echoUv(loop) {
  const server = new UDP(loop)
  server.bind(['127.0.0.1', 0])
  server.start_recv((handle, peer, _flags, data) => handle.send(peer, data))
  return { port: server.getsockname()[1], close: () => server.close() }
}

async function echoDgram(lib = dgram) {
  const server = lib.createSocket('udp4')
  server.on('message', (data, rinfo) => server.send(data, rinfo.port, rinfo.address))
  await new Promise((resolve) => server.bind(0, '127.0.0.1', resolve))
  return { port: server.address().port, close: () => server.close() }
}

// ---- clients --------------------------------------------------------------------

async function clientUv(loop, rounds, port) {
  const client = new UDP(loop)
  const to = ['127.0.0.1', port]
  const payload = Buffer.alloc(64, 1)
  const rtts = new Float64Array(rounds)
  await bounded('uv-udp', (resolve) => {
    let round = 0
    let sentAt = process.hrtime.bigint()
    client.start_recv(() => {
      rtts[round++] = Number(process.hrtime.bigint() - sentAt) / 1000
      if (round === rounds) return resolve()
      sentAt = process.hrtime.bigint()
      client.send(to, payload)
    })
    client.send(to, payload)
  })
  client.close()
  return rtts
}

/** `lib` is node:dgram or uv-udp/dgram, the same code for both. */
async function clientDgram(rounds, port, lib = dgram) {
  const client = lib.createSocket('udp4')
  const payload = Buffer.alloc(64, 1)
  const rtts = new Float64Array(rounds)
  await bounded(lib === dgram ? 'dgram' : 'uv-udp/dgram', (resolve) => {
    let round = 0
    let sentAt = process.hrtime.bigint()
    client.on('message', () => {
      rtts[round++] = Number(process.hrtime.bigint() - sentAt) / 1000
      if (round === rounds) return resolve()
      sentAt = process.hrtime.bigint()
      client.send(payload, port, '127.0.0.1')
    })
    client.send(payload, port, '127.0.0.1')
  })
  client.close()
  return rtts
}

// ---- one process ------------------------------------------------------------------

async function pingpongUv(loop, rounds) {
  const server = echoUv(loop)
  const rtts = await clientUv(loop, rounds, server.port)
  server.close()
  return rtts
}

/** dgram's ping-pong; `lib` is node:dgram or uv-udp/dgram, the same code for both. */
async function pingpongDgram(rounds, lib = dgram) {
  const server = await echoDgram(lib)
  const rtts = await clientDgram(rounds, server.port, lib)
  server.close()
  return rtts
}

// ---- two processes ----------------------------------------------------------------

/**
 * The port in the first line an echo child prints (`{"ready":true,"port":N}`);
 * rejects if it exits first.
 */
function readyPort(child, what) {
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      const at = out.indexOf('\n')
      if (at >= 0) resolve(JSON.parse(out.slice(0, at)).port)
    })
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code} before it was ready`)))
  })
}

/**
 * An echo server of `lib` ('uv-udp', 'dgram' or 'uv-udp/dgram') in a child
 * process, alive until `stop()` (or the limit passes); resolves once it
 * listens.
 */
async function echoProcess(lib, limitSeconds = LIMIT_MS / 1000 + 30) {
  const child = spawn(process.execPath, [__filename, 'echo', lib, String(limitSeconds)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.on('exit', resolve))
  const stop = async () => {
    child.stdin.end()
    const guard = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(guard)
  }
  try {
    const port = await readyPort(child, `echo server (${lib})`)
    return { port, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** `rounds` round trips from a fresh client of `lib` (on `loop` for uv-udp) to `port`. */
function client(lib, loop, rounds, port) {
  return lib === 'uv-udp' ? clientUv(loop, rounds, port)
    : clientDgram(rounds, port, lib === 'dgram' ? dgram : require('../dgram'))
}

/**
 * The client here (on `loop` for uv-udp), the echo server of the same library
 * in a child process; `lib` is 'uv-udp', 'dgram' or 'uv-udp/dgram'.
 */
async function pingpongTwoProcesses(lib, rounds, loop) {
  const server = await echoProcess(lib)
  try {
    return await client(lib, loop, rounds, server.port)
  } finally {
    await server.stop()
  }
}

// ---- several libraries, alternating -------------------------------------------------

/**
 * The ping-pongs of `libs` measured in turns, so that a slow spell of the
 * machine falls on all of them alike instead of on whichever ran then: each
 * library's echo server is started once (in this process, or with
 * `processes` 2 in a child process each), then each runs `warmup` round
 * trips that are not kept (TurboFan compiles the path meanwhile), then
 * `slices` turns of `rounds / slices` round trips each, the order of the
 * libraries reversed every other turn. Resolves with each library's kept
 * round-trip times, in microseconds.
 */
async function pingpongInTurns(libs, { loop, rounds, slices, warmup, processes = 1 }) {
  const servers = new Map()
  try {
    for (const lib of libs) {
      servers.set(lib, processes === 2 ? await echoProcess(lib)
        : lib === 'uv-udp' ? echoUv(loop)
        : await echoDgram(lib === 'dgram' ? dgram : require('../dgram')))
    }
    const kept = new Map(libs.map((lib) => [lib, []]))
    for (const lib of libs) await client(lib, loop, warmup, servers.get(lib).port)
    const perSlice = Math.ceil(rounds / slices)
    for (let slice = 0; slice < slices; slice++) {
      const order = slice % 2 === 0 ? libs : [...libs].reverse()
      for (const lib of order) kept.get(lib).push(...await client(lib, loop, perSlice, servers.get(lib).port))
    }
    return new Map([...kept].map(([lib, rtts]) => [lib, Float64Array.from(rtts)]))
  } finally {
    for (const server of servers.values()) await server.stop?.()
    for (const server of servers.values()) server.close?.()
  }
}

/** The child process of pingpongTwoProcesses. */
async function echoChild(lib, limitSeconds) {
  const server = lib === 'uv-udp' ? echoUv(Loop.default_loop())
    : await echoDgram(lib === 'dgram' ? dgram : require('../dgram'))
  const stop = () => {
    server.close()
    process.exit(0)
  }
  setTimeout(stop, limitSeconds * 1000).unref()
  process.stdin.on('end', stop)
  process.stdin.resume()
  process.stdout.write(`${JSON.stringify({ ready: true, port: server.port })}\n`)
}

/**
 * `pair`: pingpongTwoProcesses run in this process, which prints the
 * round-trip times as one JSON line: so that both sides run with this
 * process's environment (bench/run.js's busy-polling row).
 */
async function pairChild(lib, rounds) {
  const rtts = await pingpongTwoProcesses(lib, rounds, Loop.default_loop())
  process.stdout.write(`${JSON.stringify(Array.from(rtts))}\n`)
}

if (require.main === module) {
  const [mode, lib, limit] = process.argv.slice(2)
  if (!['echo', 'pair'].includes(mode) || !['uv-udp', 'dgram', 'uv-udp/dgram'].includes(lib)) {
    console.error('usage: node bench/pingpong.js echo <uv-udp|dgram|uv-udp/dgram> <limit seconds>')
    console.error('       node bench/pingpong.js pair <uv-udp|dgram|uv-udp/dgram> <rounds>')
    process.exit(2)
  }
  const run = mode === 'echo' ? echoChild(lib, Number(limit ?? 120)) : pairChild(lib, Number(limit))
  run.catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

module.exports = { percentile, pingpongUv, pingpongDgram, pingpongTwoProcesses, pingpongInTurns, readyPort }
