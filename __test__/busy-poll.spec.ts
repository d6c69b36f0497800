/**
 * Opt-in busy polling on the 'uv' driver (UV_UDP_BUSY_POLL_US, off by
 * default; crates/node/src/driver/spin.rs): each send keeps the JS thread's
 * loop polling without sleeping for the window after it. Each case runs
 * fixtures/busy-poll.cjs in a process of its own (the variable is read once
 * per process), which echoes 200 datagrams and reports, through the
 * `__testBusyPolling` hook, when the loop was kept polling.
 */
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { linux, needs } from './support/capability.js'
import { FIXTURES, outputOf, report as childReport, run } from './support/child.js'

interface Report {
  backend: string
  before: boolean
  afterTrySend: boolean
  afterSend: boolean
  echoes: number
  pollingInCallbacks: number
  stoppedAfterMs: number
  stillPolling: boolean
  timerRan: boolean
}

const ROUNDS = 200
/** The window the first case asks for: 10 ms, the most the variable gives. */
const WINDOW_US = 10_000

async function runWith(t: ExecutionContext, env: Record<string, string | undefined>): Promise<Report | undefined> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, UV_UDP_TEST_HOOKS: '1' }
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name]
    else childEnv[name] = value
  }
  const result = await run(process.execPath, [join(FIXTURES, 'busy-poll.cjs')], 30_000, childEnv)
  t.is(result.signal, null, outputOf(result))
  t.is(result.code, 0, outputOf(result))
  const report = childReport<Report>(t, result)
  if (report) {
    t.is(report.echoes, ROUNDS, 'every echo came back')
    t.true(report.timerRan, 'a 1 ms timer ran')
    t.false(report.before, 'nothing polls before the first send')
  }
  return report
}

test("with UV_UDP_BUSY_POLL_US, each send keeps the 'uv' loop polling for the window after it, timers run, the process exits by itself", async (t) => {
  const report = await runWith(t, { UV_UDP_BUSY_POLL_US: String(WINDOW_US), UV_UDP_BACKEND: undefined })
  if (!report) return
  if (report.backend !== 'uv') {
    // No 'uv' driver on this host (Windows): nothing to poll.
    t.false(report.afterSend || report.afterTrySend || report.pollingInCallbacks > 0)
    return
  }
  t.true(report.afterTrySend, 'try_send started polling')
  t.true(report.afterSend, 'send started polling')
  // Each echo arrives within the window of the send it answers (a 2-core
  // machine under the suite's load may still stall a process past 10 ms).
  t.true(report.pollingInCallbacks >= ROUNDS * 0.9, `${report.pollingInCallbacks} of ${ROUNDS} echoes arrived while polling`)
  t.false(report.stillPolling, 'polling stopped')
  const windowMs = WINDOW_US / 1000
  t.true(report.stoppedAfterMs >= windowMs * 0.95, `stopped ${report.stoppedAfterMs.toFixed(2)} ms after the last send (window ${windowMs} ms)`)
  t.true(report.stoppedAfterMs < windowMs + 500, `stopped ${report.stoppedAfterMs.toFixed(2)} ms after the last send (window ${windowMs} ms)`)
})

for (const value of [undefined, '0', 'fifty', '']) {
  test(`without busy polling (UV_UDP_BUSY_POLL_US ${value === undefined ? 'unset' : JSON.stringify(value)}), no send keeps the loop polling`, async (t) => {
    const report = await runWith(t, { UV_UDP_BUSY_POLL_US: value, UV_UDP_BACKEND: undefined })
    if (!report) return
    t.false(report.afterTrySend)
    t.false(report.afterSend)
    t.is(report.pollingInCallbacks, 0)
  })
}

test('the reactor driver never busy-polls, even with UV_UDP_BUSY_POLL_US', async (t) => {
  const report = await runWith(t, { UV_UDP_BUSY_POLL_US: String(WINDOW_US), UV_UDP_BACKEND: 'reactor' })
  if (!report) return
  t.is(report.backend, 'reactor')
  t.false(report.afterTrySend)
  t.false(report.afterSend)
  t.is(report.pollingInCallbacks, 0)
})

// The idle handle is one more libuv handle of each worker's loop: workers
// terminated (or exiting) while they send, with busy polling on, must still
// tear down cleanly (fixtures/hardening-worker.cjs, as faults.spec runs it
// without the variable).
needs(linux('counting descriptors in /proc/self/fd'), { requiredInCI: false })(
  'workers terminated while sending with busy polling on: no crash, no hang, their sockets closed',
  async (t) => {
    const env: NodeJS.ProcessEnv = { ...process.env, UV_UDP_BUSY_POLL_US: String(WINDOW_US) }
    delete env.UV_UDP_BACKEND
    const result = await run(process.execPath, [join(FIXTURES, 'hardening-worker.cjs')], 60_000, env)
    t.is(result.signal, null, outputOf(result))
    t.is(result.code, 0, outputOf(result))
    const out = childReport<{ before: number; after: number; rounds: { state: string; events: string[]; mainStillReceives: boolean }[] }>(t, result)
    if (!out) return
    t.is(out.rounds.length, 8)
    t.true(
      out.rounds.every((round) => round.state === 'busy' && round.mainStillReceives && !round.events.some((e) => e.startsWith('error'))),
      JSON.stringify(out.rounds),
    )
    t.is(out.after, out.before, 'descriptors back to the count before')
  },
)
