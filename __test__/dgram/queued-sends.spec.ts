/**
 * Sends that had to queue (the socket would block): on Linux a loopback send
 * never blocks (the skb is orphaned at once), so each case runs in a child
 * process inside a private network namespace whose `lo` has a token-bucket
 * qdisc (see __test__/send.spec.ts), once with node:dgram and once with
 * uv-udp/dgram, and the two reports must be the same.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { needs, privateNamespace } from '../support/capability.js'
import { TBF_1MBIT } from '../support/child.js'
import { IMPLEMENTATIONS } from './support.js'

const FACADE = fileURLToPath(new URL('../../dgram.js', import.meta.url))
const queueTest = needs(privateNamespace(TBF_1MBIT, 'a socket that would block (a tbf qdisc on lo)'))

// A shaper whose queue holds only 5,000 bytes: what a socket pushes past
// its send buffer's back-pressure is dropped there.
const TBF_SMALL_QUEUE = 'ip link set lo up && tc qdisc add dev lo root tbf rate 2mbit burst 4000 limit 5000'
// A shaper with a small burst: a few datagrams fill a small send buffer.
// Slow enough (a 1 KB datagram leaves every 40 ms) that sends made one per
// turn of the event loop outpace it even when the whole suite's load slows
// the turns: at 2 mbit (4 ms a datagram) one CI run under that load saw
// no send queue.
const TBF_SMALL_BURST = 'ip link set lo up && tc qdisc add dev lo root tbf rate 200kbit burst 4000 limit 2000000'

/** Runs `child` (a CommonJS script with `dgram` in scope) in a slowed namespace; resolves with its stdout. */
function inSlowNamespace(dgramModule: string, child: string, qdisc = TBF_1MBIT): Promise<string> {
  const script = `const dgram = require(${JSON.stringify(dgramModule)})\n${child}`
  return new Promise((resolve, reject) => {
    execFile('unshare', ['-rn', 'sh', '-c', `${qdisc} && exec "$0" -e "$1"`, process.execPath, script], { timeout: 30_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)))
  })
}

const moduleOf = (name: string) => (name === 'node:dgram' ? 'node:dgram' : FACADE)

// An unref()'d socket sends a burst that fills its send buffer, and the
// script ends: libuv's queued send requests keep the loop alive whatever
// the handle's ref, so every send still goes out and calls back.
const UNREF_CHILD = `
const rx = dgram.createSocket('udp4')
rx.bind(0, '127.0.0.1', () => {
  rx.unref()
  const tx = dgram.createSocket({ type: 'udp4', sendBufferSize: 4096 })
  tx.bind(0, '127.0.0.1', () => {
    tx.unref()
    let called = 0
    let queued = 0
    for (let i = 0; i < 60; i++) tx.send(Buffer.alloc(4000 + (i % 2)), rx.address().port, '127.0.0.1', (error) => {
      if (error === null) called++
    })
    process.nextTick(() => { queued = tx.getSendQueueCount() })
    process.on('exit', () => process.stdout.write(JSON.stringify({ called, queuedAfterTheTick: queued > 0 })))
  })
})
`

for (const impl of IMPLEMENTATIONS) {
  queueTest(`${impl.name}: an unref()'d socket with sends queued keeps the process alive until they went out`, async (t) => {
    const report = JSON.parse(await inSlowNamespace(moduleOf(impl.name), UNREF_CHILD)) as { called: number; queuedAfterTheTick: boolean }
    t.deepEqual(report, { called: 60, queuedAfterTheTick: true })
  })
}

// A burst of equal datagrams in one tick, through a shaper with a small
// queue: node:dgram's sends meet the send buffer one by one and wait in
// libuv's queue, so none is dropped. (The facade's batch once went as one
// UDP GSO buffer, checked against the send buffer once: 26 of 30 dropped.)
const BURST_CHILD = `
const rx = dgram.createSocket('udp4')
let received = 0
rx.on('message', () => received++)
rx.bind(0, '127.0.0.1', () => {
  const tx = dgram.createSocket({ type: 'udp4', sendBufferSize: 4096 })
  tx.bind(0, '127.0.0.1', () => {
    let ok = 0
    let failed = 0
    for (let i = 0; i < 30; i++) tx.send(Buffer.alloc(1000, i), rx.address().port, '127.0.0.1', (error) => (error ? failed++ : ok++))
    const started = Date.now()
    const check = setInterval(() => {
      if ((received < 30 || ok + failed < 30) && Date.now() - started < 10000) return
      clearInterval(check)
      process.stdout.write(JSON.stringify({ ok, failed, received }))
      tx.close()
      rx.close()
    }, 20)
  })
})
`

for (const impl of IMPLEMENTATIONS) {
  queueTest(`${impl.name}: a one-tick burst through a shaper with a small queue loses nothing (back-pressure per datagram)`, async (t) => {
    const report = JSON.parse(await inSlowNamespace(moduleOf(impl.name), BURST_CHILD, TBF_SMALL_QUEUE)) as { ok: number; failed: number; received: number }
    t.deepEqual(report, { ok: 30, failed: 0, received: 30 })
  })
}

// Sends that had to queue, one per turn of the event loop, each under its
// own AsyncLocalStorage store: each callback sees its own send's store.
const CONTEXT_CHILD = `
const { AsyncLocalStorage } = require('node:async_hooks')
const als = new AsyncLocalStorage()
const rx = dgram.createSocket('udp4')
rx.bind(0, '127.0.0.1', () => {
  const tx = dgram.createSocket({ type: 'udp4', sendBufferSize: 4096 })
  tx.bind(0, '127.0.0.1', async () => {
    const seen = []
    let queued = 0
    for (let i = 0; i < 12; i++) {
      als.run('req-' + i, () => tx.send(Buffer.alloc(1000 + (i % 2)), rx.address().port, '127.0.0.1', () => seen.push(i + ':' + (als.getStore() ?? 'none'))))
      await new Promise((resolve) => setImmediate(resolve))
      queued = Math.max(queued, tx.getSendQueueCount())
    }
    const started = Date.now()
    while (seen.length < 12 && Date.now() - started < 10000) await new Promise((resolve) => setTimeout(resolve, 20))
    process.stdout.write(JSON.stringify({ seen, someQueued: queued > 0 }))
    tx.close()
    rx.close()
  })
})
`

for (const impl of IMPLEMENTATIONS) {
  queueTest(`${impl.name}: the callback of a send that had to queue sees its send's async context`, async (t) => {
    const report = JSON.parse(await inSlowNamespace(moduleOf(impl.name), CONTEXT_CHILD, TBF_SMALL_BURST)) as { seen: string[]; someQueued: boolean }
    t.deepEqual(report, { seen: Array.from({ length: 12 }, (_, i) => `${i}:req-${i}`), someQueued: true })
  })
}
