/**
 * worker_threads: every JS thread has its own default loop and its own
 * handles. Four workers each send and receive at once against the main
 * thread's echo server; one is terminated in the middle of receiving a
 * stream. Nothing may crash, its socket must be closed with it (port free,
 * descriptor gone, none leaked), the other workers must finish and exit on
 * their own, and a program doing all this must then exit by itself.
 *
 * The scenario lives in fixtures/worker-scenario.cjs (the workers in
 * fixtures/worker-udp.cjs), so that the child-process variant
 * (fixtures/worker-main.cjs) runs exactly the same code.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import test, { type ExecutionContext } from 'ava'

const HERE = dirname(fileURLToPath(import.meta.url))
const INDEX = join(HERE, '..', 'index.js')
const FIXTURES = join(HERE, 'fixtures')

interface WorkerReport {
  exitCode: number | undefined
  port?: number
  fd?: number
  type?: string
  echoes?: number
  sendErrors?: number
  recvErrors?: number
  streamed?: number
  handles?: number
}

interface Report {
  rounds: number
  workers: Record<string, WorkerReport>
  victim: {
    id: number
    port?: number
    fd?: number
    fdBefore?: string | null
    fdAfter?: string | null
    exitCode?: number
    streamedSeen?: number
    portFree?: boolean
    freedMs?: number
  }
  workerErrors: string[]
  fdsBefore: number | null
  fdsAfter: number | null
  echoed: number
  handlesAfter: number
  error?: string
  ms: number
  finishedAt?: number
}

const { scenario, WORKERS, VICTIM, STREAMED_BEFORE_TERMINATE } = createRequire(import.meta.url)(join(FIXTURES, 'worker-scenario.cjs')) as {
  scenario(options: { index: string; rounds?: number; timeoutMs?: number }): Promise<Report>
  WORKERS: number
  VICTIM: number
  STREAMED_BEFORE_TERMINATE: number
}

/** Descriptors the run may hold on to beyond what it started with (none expected; a little slack). */
const FD_SLACK = 2

function checkReport(t: ExecutionContext, report: Report): void {
  const dump = JSON.stringify(report, null, 2)
  t.is(report.error, undefined, dump)
  t.deepEqual(report.workerErrors, [], 'no worker raised an error')
  for (let id = 0; id < WORKERS; id++) {
    const worker = report.workers[id]
    t.is(worker.echoes, report.rounds, `worker ${id} received every echo while sending`)
    t.is(worker.sendErrors, 0, `worker ${id} send errors`)
    t.is(worker.recvErrors, 0, `worker ${id} receive errors`)
    if (id === VICTIM) continue
    t.is(worker.type, 'done', `worker ${id} finished`)
    t.is(worker.handles, 0, `worker ${id} closed its handle`)
    t.is(worker.exitCode, 0, `worker ${id} exited on its own`)
  }
  t.is(report.echoed, WORKERS * report.rounds)
  const victim = report.victim
  t.true((victim.streamedSeen ?? 0) >= STREAMED_BEFORE_TERMINATE, `the victim was receiving when terminated (${victim.streamedSeen} datagrams)`)
  t.is(victim.exitCode, 1, 'terminate() resolves with exit code 1')
  t.true(victim.portFree, `the victim's port can be bound again (checked for ${victim.freedMs} ms)`)
  if (process.platform === 'linux') {
    t.regex(String(victim.fdBefore), /^socket:\[\d+\]$/, 'the victim fileno() was a socket')
    t.not(victim.fdAfter, victim.fdBefore, `descriptor ${victim.fd} no longer names the victim's socket`)
    t.true(report.fdsBefore !== null && report.fdsAfter !== null)
    t.true(
      report.fdsAfter! <= report.fdsBefore! + FD_SLACK,
      `open descriptors before the workers: ${report.fdsBefore}, after: ${report.fdsAfter}`,
    )
  } else {
    t.log(`descriptor checks need /proc (this is ${process.platform}); the port check stands`)
  }
  t.is(report.handlesAfter, 0, "the main loop's handles are all closed")
}

test('four workers each receive and send at once; terminating one mid-receive neither crashes nor leaks its socket', async (t) => {
  const report = await scenario({ index: INDEX })
  t.log(`${report.ms} ms; victim terminated after ${report.victim.streamedSeen} streamed datagrams, socket freed in ${report.victim.freedMs} ms`)
  checkReport(t, report)
})

test('after the workers, one terminated mid-receive, the main process exits on its own with code 0', async (t) => {
  const child = spawn(process.execPath, [join(FIXTURES, 'worker-main.cjs')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  )
  const exitedAt = Date.now()
  clearTimeout(timer)
  const output = `exit ${code} ${signal ?? ''}\nstdout: ${stdout}\nstderr: ${stderr}`
  t.is(signal, null, `killed: it did not exit on its own within 20 s\n${output}`)
  t.is(code, 0, output)
  t.notRegex(stderr, /panick|FATAL|Segmentation|Assertion|Abort/i, output)
  const line = stdout.trim().split('\n').at(-1) ?? ''
  let report: Report
  try {
    report = JSON.parse(line) as Report
  } catch {
    return t.fail(`no report line:\n${output}`)
  }
  checkReport(t, report)
  // Exits promptly once its work is done: nothing of uv-udp keeps it alive.
  t.true(exitedAt - report.finishedAt! < 3000, `exited ${exitedAt - report.finishedAt!} ms after finishing`)
})
