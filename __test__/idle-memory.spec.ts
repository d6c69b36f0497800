// Issue 9, E: receive memory per idle handle stays small after a burst.
//
// In a fresh node (fixtures/idle-memory.cjs, so that nothing else of the
// suite is in its RSS): 200 receiving handles, then a burst of 8 datagrams
// of 60,000 bytes to each (every one received), then idle. RSS after the
// burst (GC'd, every handle still open and receiving) minus RSS before it
// (the 200 handles already open and receiving), divided by 200, is at most
// 256 KiB. A receive buffer kept per handle at the size of its largest read
// (8 x 64 KiB slots) would be twice that. node:dgram is run the same way
// for reference (logged, not asserted).
//
// Both RSS readings are taken after the C heap's free pages are given back
// (the addon's __testTrimHeap hook, glibc's malloc_trim(0)), where the C
// library has the call: how much freed memory glibc keeps after a burst
// depends on allocation order, not on the handles (26 KiB per handle in most
// runs, up to 268 KiB in others, the difference all free chunks in [heap]).
// A trim releases no live allocation, so memory a handle keeps still counts.
// The untrimmed figure is logged.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import type { ExecutionContext } from 'ava'

import { needs, type Capability } from './support/capability.js'
import { type ChildRun, FIXTURES, report as childReport, run as runChild } from './support/child.js'
import { backend } from '../index.js'

const HANDLES = 200
const DATAGRAMS = 8
const SIZE = 60_000
const BUDGET_KIB = 256
/** Descriptors the child needs: the sockets, Node's own, the reactor's, and room. */
const FDS_NEEDED = 512

interface Report {
  library: string
  backend: string
  received: number
  burstMs: number
  rss: { baseline: number; peak: number; idle: number }
  trimmed: boolean
  untrimmed: { baseline: number; idle: number }
  perHandleKiB: number
  untrimmedPerHandleKiB: number
  fds: { baseline: number | null; idle: number | null }
  error?: string
}

/** The hard descriptor limit allows FDS_NEEDED (the child raises its soft limit to it). */
function descriptors(): Capability {
  if (process.platform === 'win32') return { ok: false, platform: true, reason: 'the descriptor limit is set with sh ulimit (this is Windows)' }
  const hard = spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()
  if (hard === 'unlimited' || Number(hard) >= FDS_NEEDED) return { ok: true }
  return { ok: false, reason: `${HANDLES} sockets need ${FDS_NEEDED} descriptors; the hard limit is ${hard}` }
}

function run(library: string): Promise<ChildRun> {
  const script = `ulimit -n ${FDS_NEEDED} && exec "$0" --expose-gc "$@"`
  const args = [join(FIXTURES, 'idle-memory.cjs'), library, String(HANDLES), String(DATAGRAMS), String(SIZE)]
  return runChild('sh', ['-c', script, process.execPath, ...args], 90_000, { ...process.env, UV_UDP_TEST_HOOKS: '1' })
}

async function measure(t: ExecutionContext, library: string): Promise<Report | undefined> {
  const result = await run(library)
  t.is(result.signal, null, `killed after ${result.ms} ms: ${result.stderr}`)
  t.is(result.code, 0, `${result.stdout}\n${result.stderr}`)
  const report = childReport<Report>(t, result)
  if (!report) return undefined
  const mib = (bytes: number) => (bytes / 1048576).toFixed(1)
  t.log(
    `${library === 'uv-udp' ? `uv-udp (${report.backend})` : library}: RSS ${mib(report.rss.baseline)} MiB with ${HANDLES} handles receiving, peak ${mib(report.rss.peak)} in the burst, ` +
      `${mib(report.rss.idle)} idle after it: ${report.perHandleKiB.toFixed(1)} KiB per handle` +
      `${report.trimmed ? ` (C heap trimmed; untrimmed ${report.untrimmedPerHandleKiB.toFixed(1)} KiB)` : ' (C heap not trimmable here)'}; ` +
      `${report.received} datagrams in ${report.burstMs} ms; ` +
      `descriptors ${report.fds.baseline} -> ${report.fds.idle}; child ${result.ms} ms`,
  )
  return report
}

needs(descriptors())(
  `${HANDLES} receiving handles each given a burst of ${DATAGRAMS} x ${SIZE} B, then idle: RSS growth per handle <= ${BUDGET_KIB} KiB`,
  async (t) => {
    t.timeout(180_000)
    const report = await measure(t, 'uv-udp')
    if (!report) return
    t.is(report.error, undefined)
    t.is(report.backend, backend)
    if (process.platform === 'linux' && process.report.getReport !== undefined) {
      // glibc Linux always trims; anywhere else the raw RSS is what is measured.
      const header = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
      if (header?.glibcVersionRuntime !== undefined) t.true(report.trimmed, 'the C heap was trimmed before each reading')
    }
    t.is(report.received, HANDLES * DATAGRAMS, 'every datagram of the burst was received')
    t.true(report.perHandleKiB <= BUDGET_KIB, `${report.perHandleKiB.toFixed(1)} KiB per idle handle after the burst (budget ${BUDGET_KIB} KiB)`)
    if (report.fds.baseline !== null) t.is(report.fds.idle, report.fds.baseline, 'no descriptor was opened by the burst')
    // The same measurement of node:dgram, to show what the method itself reads.
    await measure(t, 'node:dgram')
  },
)
