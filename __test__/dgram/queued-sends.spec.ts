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

/** Runs `child` (a CommonJS script with `dgram` in scope) in the slowed namespace; resolves with its stdout. */
function inSlowNamespace(dgramModule: string, child: string): Promise<string> {
  const script = `const dgram = require(${JSON.stringify(dgramModule)})\n${child}`
  return new Promise((resolve, reject) => {
    execFile('unshare', ['-rn', 'sh', '-c', `${TBF_1MBIT} && exec "$0" -e "$1"`, process.execPath, script], { timeout: 30_000 },
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
