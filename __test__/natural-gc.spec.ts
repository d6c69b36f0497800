// Issue 9, A with natural GC: handles of an unreferenced `new Loop()` stay
// alive while active when V8 collects on its own (no --expose-gc, no gc()
// call). The forced-GC twin is in event-loop.spec.ts. The child
// (fixtures/unreferenced-loop-natural-gc.cjs) makes garbage between echoes
// until a PerformanceObserver has seen a full collection; a young generation
// of 1 MiB (--max-semi-space-size=1) promotes that garbage quickly, so that
// full collections come within milliseconds rather than seconds.
import { join } from 'node:path'

import test from 'ava'

import { FIXTURES, outputOf, report, run } from './support/child.js'

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
  const result = await run(process.execPath, ['--max-semi-space-size=1', join(FIXTURES, 'unreferenced-loop-natural-gc.cjs')], 70_000)
  const output = outputOf(result)
  t.is(result.signal, null, output)
  t.is(result.code, 0, output)
  const out = report<Report>(t, result)
  if (!out) return
  t.log(`${out.fullGCs} full and ${out.minorGCs} young-generation collections in ${out.ms} ms`)
  t.is(out.failure, null)
  t.deepEqual({ echoes: out.echoes, sendCallbacks: out.sendCallbacks, fullGCsBetweenEchoes: out.fullGCsBetweenEchoes }, out.expected)
})
