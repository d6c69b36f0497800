// Issue 9, F with sends really queued: a busy JS thread, then close().
//
// event-loop.spec.ts checks F on plain loopback, where every send completes
// at once. Here the child (fixtures/busy-close-queued.cjs) runs in a private
// network namespace whose lo has a tbf qdisc, so that most of 60 sends of
// 60,000 bytes wait in uv-udp's queue; the JS thread is busy for 100 ms
// (the reactor drains meanwhile, the 'uv' driver cannot), then closes the
// sender. Every callback runs once, in call order, with success or
// UV_ECANCELED; the sends reporting success are exactly the datagrams that
// arrived, and some were cancelled (the queue was real).
import { spawn } from 'node:child_process'
import { join } from 'node:path'

import { needs, privateNamespace } from './support/capability.js'
import { backend } from '../index.js'

const FIXTURES = join(process.cwd(), '__test__', 'fixtures')
const TBF = 'ip link set lo up && tc qdisc add dev lo root tbf rate 200mbit burst 256kb limit 4mb'
const queueTest = needs(privateNamespace(TBF, 'a real send queue (a tbf qdisc on lo)'))

interface Report {
  backend: string
  sends: number
  queuedBeforeBusy: number
  closed: boolean
  order: number[]
  succeeded: number[]
  cancelled: number
  other: number[]
  arrived: number[]
  foreign: number
  receiverDropped: number
  error?: string
}

queueTest('a busy JS thread then close() with sends queued: every callback once, in order; the sends reporting success are exactly the datagrams that arrived, the rest UV_ECANCELED', async (t) => {
  const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('unshare', ['-rn', 'sh', '-c', `${TBF} && exec "$0" "$1"`, process.execPath, join(FIXTURES, 'busy-close-queued.cjs')], {
      cwd: FIXTURES,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
  const output = `exit ${result.code} ${result.signal ?? ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
  t.is(result.signal, null, output)
  t.is(result.code, 0, output)
  let out: Report
  try {
    out = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as Report
  } catch {
    return t.fail(`no report line:\n${output}`)
  }
  t.is(out.error, undefined, output)
  t.log(`${backend}: ${out.queuedBeforeBusy} send callbacks pending before the busy spell; ${out.succeeded.length} succeeded, ${out.cancelled} cancelled, ${out.arrived.length} arrived`)
  t.is(out.backend, backend)
  t.true(out.closed, 'the close callback ran')
  t.deepEqual(out.order, [...Array(out.sends).keys()], 'every send callback ran once, in call order')
  t.deepEqual(out.other, [], 'each outcome is success or UV_ECANCELED')
  t.true(out.cancelled > 0, 'sends were still queued at close(): the queue was real')
  t.deepEqual(out.succeeded, out.arrived, 'the sends reporting success are exactly the datagrams that arrived')
  t.is(out.succeeded.length + out.cancelled, out.sends)
  t.is(out.foreign + out.receiverDropped, 0)
})
