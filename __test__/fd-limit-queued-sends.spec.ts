// Issue 9, C and J: queued sends under `ulimit -n 64`, with no descriptor free.
//
// One child (fixtures/fd-limit-queued-sends.cjs) in a private network
// namespace whose lo has a tbf qdisc, so that 60,000-byte sends fill the
// send buffer and are really queued (the kernel says EAGAIN). It holds every
// free descriptor (/dev/null) while it sends:
//
// C: before anything has started the driver. The 'uv' driver drains with a
//    uv_poll_t on Node's loop (no descriptor), so every send goes out. The
//    reactor needs descriptors to start (epoll, waker): the sends the kernel
//    refused complete with UV_EMFILE instead of waiting for ever. Either
//    way every callback runs, and once descriptors are free sends work.
// J: both sockets receiving, then each queues sends to the other with no
//    descriptor free: draining a receiving socket needs no duplicate
//    descriptor, so every send succeeds and every datagram arrives.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'

import { needs, privateNamespace } from './support/capability.js'
import { backend, errno } from '../index.js'

const FIXTURES = join(process.cwd(), '__test__', 'fixtures')
const SENDS = 40
const TBF = 'ip link set lo up && tc qdisc add dev lo root tbf rate 200mbit burst 256kb limit 4mb'
const queueTest = needs(privateNamespace(TBF, 'a real send queue (a tbf qdisc on lo)'))

interface Sends {
  queuedAfterSend: number
  callbacks: number
  outcomes: Record<string, number>
}

interface Report {
  backend: string
  c: { free: number; held: number; atLimit: Sends; afterFreeing: Sends }
  j: { held: number; fromA: Sends; fromB: Sends; received: { a: number; b: number; other: number } }
  error?: string
}

let once: Promise<{ report?: Report; output: string; ms: number }> | undefined

/** Runs the child once for both tests. */
function run(): Promise<{ report?: Report; output: string; ms: number }> {
  once ??= new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn('unshare', ['-rn', 'sh', '-c', `${TBF} && ulimit -n 64 && exec "$0" "$1"`, process.execPath, join(FIXTURES, 'fd-limit-queued-sends.cjs')], {
      cwd: FIXTURES,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const output = `exit ${code} ${signal ?? ''}\nstdout: ${stdout}\nstderr: ${stderr}`
      let report: Report | undefined
      try {
        if (code === 0) report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Report
      } catch {
        report = undefined
      }
      resolve({ report, output, ms: Date.now() - started })
    })
  })
  return once
}

async function report(t: ExecutionContext): Promise<Report | undefined> {
  const result = await run()
  if (!result.report) {
    t.fail(`the child failed:\n${result.output}`)
    return undefined
  }
  t.is(result.report.error, undefined, result.output)
  t.is(result.report.backend, backend)
  t.log(`child ${result.ms} ms`)
  return result.report
}

queueTest(`ulimit -n 64, no descriptor free, nothing started: every queued send's callback runs (${backend === 'uv' ? 'the uv driver needs no descriptor: all succeed' : 'the reactor cannot start: UV_EMFILE'}), and sends work once descriptors are free`, async (t) => {
  const out = await report(t)
  if (!out) return
  t.log(`${out.c.held} descriptors held; at the limit ${JSON.stringify(out.c.atLimit)}; after freeing ${JSON.stringify(out.c.afterFreeing)}`)
  t.true(out.c.held > 0, 'every free descriptor was held')
  t.is(out.c.atLimit.callbacks, SENDS, 'no send was left waiting: every callback ran')
  const { null: sent = 0, [String(errno.UV_EMFILE)]: emfile = 0, ...other } = out.c.atLimit.outcomes
  t.deepEqual(other, {}, 'each send succeeded or failed with UV_EMFILE')
  t.is(sent + emfile, SENDS)
  if (backend === 'uv') t.is(sent, SENDS, "the 'uv' driver drains with a uv_poll_t: no descriptor needed")
  else t.true(emfile > 0, 'the sends the kernel refused could not be drained without a reactor: UV_EMFILE')
  t.deepEqual(out.c.afterFreeing.outcomes, { null: SENDS }, 'with descriptors free, every queued send went out')
})

queueTest('ulimit -n 64, no descriptor free: two receiving sockets queue sends to each other; every send succeeds and every datagram arrives (no duplicate descriptor)', async (t) => {
  const out = await report(t)
  if (!out) return
  t.log(`${out.j.held} descriptors held; a -> b ${JSON.stringify(out.j.fromA)}; b -> a ${JSON.stringify(out.j.fromB)}; received ${JSON.stringify(out.j.received)}`)
  t.true(out.j.held > 0, 'every free descriptor was held')
  t.deepEqual(out.j.fromA.outcomes, { null: SENDS })
  t.deepEqual(out.j.fromB.outcomes, { null: SENDS })
  t.deepEqual({ a: out.j.received.a, b: out.j.received.b }, { a: SENDS, b: SENDS }, 'each socket received every datagram sent to it')
})
