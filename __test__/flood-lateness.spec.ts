// Issue 9, D: a slow receive callback under a flood does not starve timers.
//
// A receiver whose callback works 200 µs per datagram (a busy wait) is
// flooded on loopback by a paced sender in another process
// (fixtures/flood-sender.cjs, 20,000 datagrams/s, four times what the
// callback can take, so the socket is always readable). Meanwhile a 10 ms
// setInterval measures how late it fires. uv-udp (on the driver this process
// chose) and node:dgram are measured in the same test, under the same flood,
// in the order dgram, uv-udp, uv-udp, dgram (so that a machine getting busier
// or quieter during the test favours neither), the same number of timer
// ticks each. The bound is the issue's: uv-udp's median lateness is at most
// node:dgram's.
import dgram from 'node:dgram'
import { join } from 'node:path'

import test from 'ava'

import { Loop, UDP, backend } from '../index.js'
import { FIXTURES, start } from './support/child.js'
import { until, within } from './support/handles.js'

const CALLBACK_US = 200
const RATE = 20_000
const SIZE = 64
const INTERVAL_MS = 10
/** Timer ticks measured per phase (about 1.5 s); two phases per library. */
const TICKS = 150

type Library = 'uv-udp' | 'node:dgram'

interface Phase {
  library: Library
  lateness: number[]
  handled: number
  /** Datagrams handled per second while the ticks were measured. */
  rate: number
  sent: number
  senderErrors: number
  ms: number
}

function work(us: number): void {
  const end = performance.now() + us / 1000
  while (performance.now() < end) {
    // busy: the user's work per datagram
  }
}

/** A receiver on 127.0.0.1 that works CALLBACK_US per datagram; returns its port and how to close it. */
async function receiver(library: Library, onDatagram: () => void): Promise<{ port: number; close(): Promise<void> }> {
  if (library === 'uv-udp') {
    const udp = new UDP(new Loop())
    udp.bind(['127.0.0.1', 0])
    udp.start_recv((_h, _peer, _flags, data) => {
      if (data === null) return
      work(CALLBACK_US)
      onDatagram()
    })
    return { port: udp.getsockname()[1], close: () => new Promise<void>((resolve) => udp.close(() => resolve())) }
  }
  const socket = dgram.createSocket('udp4')
  socket.on('message', () => {
    work(CALLBACK_US)
    onDatagram()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: socket.address().port, close: () => new Promise<void>((resolve) => socket.close(() => resolve())) }
}

async function phase(library: Library): Promise<Phase> {
  const started = performance.now()
  let handled = 0
  const rx = await receiver(library, () => handled++)
  // Bounded by count and time: rate * 20 s at most, and killed after the phase.
  const { process: sender, done } = start(process.execPath, [join(FIXTURES, 'flood-sender.cjs'), String(rx.port), String(SIZE), String(RATE), '20'], 30_000)
  try {
    await until(() => handled > 0, 5000, `the flood to reach ${library}`)
    // Let the socket's receive buffer fill: from here on it is always readable.
    await new Promise<void>((resolve) => setTimeout(resolve, 200))
    const lateness: number[] = []
    const handledBefore = handled
    const measuring = performance.now()
    await within(
      20_000,
      new Promise<void>((resolve) => {
        let previous = performance.now()
        const timer = setInterval(() => {
          const now = performance.now()
          lateness.push(now - previous - INTERVAL_MS)
          previous = now
          if (lateness.length === TICKS) {
            clearInterval(timer)
            resolve()
          }
        }, INTERVAL_MS)
      }),
      `${TICKS} timer ticks while ${library} is flooded`,
    )
    // Counted from the first datagram to the last tick measured.
    const handledByTheLastTick = handled
    const rate = Math.round(((handled - handledBefore) * 1000) / (performance.now() - measuring))
    sender.kill('SIGTERM')
    const { code, stdout, stderr } = await within(5000, done, 'the flood sender to stop')
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { sent?: number; errors?: number }
    if (code !== 0 || report.sent === undefined) throw new Error(`flood sender: exit ${code}, ${stdout} ${stderr}`)
    return { library, lateness, handled: handledByTheLastTick, rate, sent: report.sent, senderErrors: report.errors ?? 0, ms: Math.round(performance.now() - started) }
  } finally {
    if (sender.exitCode === null && sender.signalCode === null) sender.kill('SIGKILL')
    await rx.close()
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

test(`a ${CALLBACK_US} µs receive callback under a flood: a ${INTERVAL_MS} ms timer's p50 lateness with uv-udp is at most node:dgram's`, async (t) => {
  t.timeout(90_000)
  const phases: Phase[] = []
  for (const library of ['node:dgram', 'uv-udp', 'uv-udp', 'node:dgram'] as const) phases.push(await phase(library))
  const summary = (library: Library) => {
    const mine = phases.filter((p) => p.library === library)
    const lateness = mine.flatMap((p) => p.lateness)
    const handled = mine.reduce((sum, p) => sum + p.handled, 0)
    const sent = mine.reduce((sum, p) => sum + p.sent, 0)
    return {
      p50: percentile(lateness, 50),
      p90: percentile(lateness, 90),
      max: Math.max(...lateness),
      handled,
      sent,
      rates: mine.map((p) => p.rate),
      ms: mine.map((p) => p.ms),
    }
  }
  const uv = summary('uv-udp')
  const node = summary('node:dgram')
  const fmt = (s: ReturnType<typeof summary>) =>
    `p50 ${s.p50.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, max ${s.max.toFixed(1)} ms; ${s.handled} datagrams handled of ${s.sent} sent (${s.rates.join(', ')} per second while measured); phases ${s.ms.join(' + ')} ms`
  t.log(`uv-udp (${backend}): ${fmt(uv)}`)
  t.log(`node:dgram: ${fmt(node)}`)
  for (const p of phases) {
    t.is(p.lateness.length, TICKS)
    t.is(p.senderErrors, 0, `${p.library}: the flood sender's sends all went out`)
    // A flood: more was offered than the callback could take, so the socket stayed readable.
    t.true(p.sent > 2 * p.handled, `${p.library}: ${p.sent} sent, ${p.handled} handled: the receiver was flooded`)
    // The receiver did work through the measurement (not stalled by its driver).
    t.true(p.handled >= 500, `${p.library}: only ${p.handled} datagrams handled by the last of ${TICKS} ticks`)
  }
  t.true(uv.p50 <= node.p50, `p50 lateness: uv-udp ${uv.p50.toFixed(2)} ms, node:dgram ${node.p50.toFixed(2)} ms`)
})
