// What lone reads cost a burst that follows a quiet spell: a child process
// sends one 64 B datagram, then 1 ms later a `try_send_many` burst of K
// datagrams of 64 and 65 B in turn (so that no GSO run forms and GRO cannot
// hand the burst over whole), then waits 1 ms; ROUNDS times. This process
// receives with the pyuv API and counts its reads that deliver data (a read
// is one native call into JS; a process.nextTick marks its end) and times
// each burst's first to last datagram.
//
//   node bench/burst-after-one.js [K=32] [ROUNDS=2000]    prints one JSON line
//
// Loopback only; bounded by its round count (and 60 s).
'use strict'
const { spawn } = require('node:child_process')

const { Loop, UDP } = require('..')

const K = Number(process.argv[2] ?? 32)
const ROUNDS = Number(process.argv[3] ?? 2000)
const LIMIT_MS = 60_000

function sender(port) {
  const tx = new UDP(Loop.default_loop())
  const to = ['127.0.0.1', port]
  const burst = Array.from({ length: K }, (_, j) => [to, Buffer.alloc(64 + (j % 2), 2)])
  const started = Date.now()
  let round = 0
  const step = () => {
    if (round++ >= ROUNDS || Date.now() - started > LIMIT_MS) return tx.close()
    tx.try_send(to, Buffer.alloc(64, 1))
    setTimeout(() => {
      tx.try_send_many(burst)
      setTimeout(step, 1)
    }, 1)
  }
  step()
}

function receiver() {
  const rx = new UDP(Loop.default_loop())
  rx.bind(['127.0.0.1', 0])
  let reads = 0
  let inRead = false
  let received = 0
  let inBurst = 0
  let burstStart = 0n
  const spans = []
  rx.start_recv((_handle, _peer, _flags, data) => {
    if (data === null) return
    if (!inRead) {
      inRead = true
      reads++
      process.nextTick(() => { inRead = false })
    }
    received++
    if (data[0] !== 2) {
      inBurst = 0
      return
    }
    if (inBurst === 0) burstStart = process.hrtime.bigint()
    if (++inBurst === K) {
      spans.push(Number(process.hrtime.bigint() - burstStart) / 1000)
      inBurst = 0
    }
  })
  const child = spawn(process.execPath, [__filename, String(K), String(ROUNDS), 'child', String(rx.getsockname()[1])], { stdio: 'inherit' })
  const guard = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS + 10_000)
  child.on('exit', () => setTimeout(() => {
    clearTimeout(guard)
    rx.close()
    spans.sort((a, b) => a - b)
    const at = (q) => spans.length === 0 ? null : Number(spans[Math.min(spans.length - 1, Math.floor(spans.length * q))].toFixed(1))
    console.log(JSON.stringify({ K, rounds: ROUNDS, received, reads, reads_per_round: Number((reads / ROUNDS).toFixed(2)), bursts: spans.length, span_p50_us: at(0.5), span_p99_us: at(0.99) }))
  }, 100))
}

if (process.argv[4] === 'child') sender(Number(process.argv[5]))
else receiver()
