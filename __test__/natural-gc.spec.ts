// Issue 9, A with natural GC: handles of an unreferenced `new Loop()` stay
// alive while active when V8 collects on its own (no --expose-gc, no gc()
// call). The forced-GC twin is in event-loop.spec.ts. The child
// (fixtures/unreferenced-loop-natural-gc.cjs) makes garbage between echoes
// until a PerformanceObserver has seen a full collection; a young generation
// of 1 MiB (--max-semi-space-size=1) promotes that garbage quickly, so that
// full collections come within milliseconds rather than seconds.
import { spawn } from 'node:child_process'
import { join } from 'node:path'

import test from 'ava'

const FIXTURES = join(process.cwd(), '__test__', 'fixtures')

interface Report {
  echoes: number
  sendCallbacks: number
  fullGCsBetweenEchoes: number
  failure: string | null
  fullGCs: number
  minorGCs: number
  ms: number
  expected: { echoes: number; sendCallbacks: number; fullGCsBetweenEchoes: number }
  timedOut?: boolean
}

test('handles of an unreferenced new Loop() survive natural GC while active: a full GC between each of 20 echoes, 20 of 20 echoes, every send callback', async (t) => {
  const result = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-semi-space-size=1', join(FIXTURES, 'unreferenced-loop-natural-gc.cjs')], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), 70_000)
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
  t.log(`${out.fullGCs} full and ${out.minorGCs} young-generation collections in ${out.ms} ms`)
  t.is(out.failure, null)
  t.deepEqual({ echoes: out.echoes, sendCallbacks: out.sendCallbacks, fullGCsBetweenEchoes: out.fullGCsBetweenEchoes }, out.expected)
})
