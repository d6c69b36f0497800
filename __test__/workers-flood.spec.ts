// Issue 9: 100 worker threads created and terminated while receiving under a
// flood, with sends queued. In a child process (fixtures/workers-flood.cjs):
// four workers at a time each receive the main thread's flood and keep 32
// sends of 60,000 bytes waiting; each is terminated 0-20 ms after it has
// received 20 datagrams. Nothing may abort (a worker's loop closed while a
// uv-udp handle is still open on it aborts the process in uv_loop_close), no
// worker may raise an error, the process exits by itself with code 0, and
// the open descriptors (/proc/self/fd) are back to their count before the
// first worker.
//
// The sends are really queued (the kernel refusing them, EAGAIN) only where a
// qdisc holds packets: in a private network namespace with a tbf qdisc on lo.
// Without one the test still runs, the sends waiting only for their
// callbacks, and its title says so; with CI=true it fails instead.
import { join } from 'node:path'

import test from 'ava'

import { inCI, linux, privateNamespace } from './support/capability.js'
import { FIXTURES, TBF_200MBIT, inNamespace, outputOf, report, run } from './support/child.js'
import { backend } from '../index.js'

const WORKERS = 100
// 25 MB/s through lo: the workers' 60 KB sends fill their send buffers and queue.
const namespace = privateNamespace(TBF_200MBIT, 'queued sends (a tbf qdisc on lo)')
const onLinux = linux('counting descriptors in /proc/self/fd')
const title = `${WORKERS} workers created and terminated while receiving under a flood with sends queued: no abort, exit code 0, descriptors back to their starting count`

interface Report {
  backend: string
  workers: number
  exitCodes: Record<string, number>
  receivingWhenTerminated: number
  timedOut: number[]
  queued: { min: number; max: number }
  received: { min: number; max: number }
  sendErrors: number
  recvErrors: number
  workerErrors: string[]
  flooded: number
  floodRefused: number
  sunk: number
  fds: { before: number | null; peak: number | null; after: number | null }
  fdsGone: string[]
  fdsNew: string[]
  workersMs: number
  finishedAt: number
  error?: string
}

if (!onLinux.ok) {
  test.skip(`${title} [skipped: ${onLinux.reason}]`, () => {})
} else if (!namespace.ok && inCI) {
  test(title, (t) => t.fail(`CI=true, and queued sends need what is missing: ${namespace.reason}`))
} else {
  test(namespace.ok ? title : `${title} [sends wait only for their callbacks, not queued: ${namespace.reason}]`, async (t) => {
    t.timeout(90_000)
    const result = namespace.ok
      ? await inNamespace(TBF_200MBIT, 'workers-flood.cjs', [String(WORKERS)], 70_000)
      : await run(process.execPath, [join(FIXTURES, 'workers-flood.cjs'), String(WORKERS)], 70_000)
    const output = outputOf(result)
    t.is(result.signal, null, `killed after ${result.ms} ms: it did not exit on its own\n${output}`)
    t.is(result.code, 0, output)
    t.notRegex(result.stderr, /uv_loop_close|Assertion|Abort|FATAL|Segmentation|panick/i, output)
    const out = report<Report>(t, result)
    if (!out) return
    t.log(
      `${out.workers} workers in ${out.workersMs} ms (child ${result.ms} ms), exit codes ${JSON.stringify(out.exitCodes)}; ` +
        `sends waiting at the report ${out.queued.min}-${out.queued.max}, datagrams received per worker ${out.received.min}-${out.received.max}; ` +
        `flood ${out.flooded} sent, ${out.floodRefused} refused (EAGAIN); sink got ${out.sunk}; descriptors ${JSON.stringify(out.fds)}`,
    )
    t.is(out.error, undefined, output)
    t.is(out.backend, backend)
    t.deepEqual(out.workerErrors, [], 'no worker raised an error')
    t.is(out.workers, WORKERS)
    t.deepEqual(out.exitCodes, { 1: WORKERS }, 'every worker was terminated (terminate() resolves with exit code 1)')
    t.deepEqual(out.timedOut, [], 'every worker received the flood within 10 s')
    t.is(out.receivingWhenTerminated, WORKERS, 'every worker was receiving when terminated')
    t.true(out.queued.min > 0, 'every worker had sends waiting when it said it was receiving')
    t.is(out.sendErrors + out.recvErrors, 0, 'no send or receive error before termination')
    if (namespace.ok) t.true(out.floodRefused > 0, 'the qdisc held packets: send buffers filled (sends were really queued)')
    t.is(out.fds.after, out.fds.before, `descriptors back to their count before the first worker; gone: ${out.fdsGone.join(", ")}; new: ${out.fdsNew.join(", ")}`)
    // Exits promptly once done: nothing the workers left keeps it alive.
    t.true(result.exitedAt - out.finishedAt < 3000, `exited ${result.exitedAt - out.finishedAt} ms after finishing`)
  })
}
