// GitHub issue 6, "Hardening": bad input.
//
// A generated matrix: every method and setter of the contract, every argument
// position (and every element of an address tuple, of start_recv's options and
// of a try_send_many message), against undefined, null, NaN, Infinity, -1,
// 1.5, 2**32, '', 'x', {}, [], a Symbol, a BigInt, a detached ArrayBuffer (and
// a view of one), a huge array, a huge sparse array and objects whose getters
// throw. Each call must either succeed as the README's API reference says or throw the documented
// TypeError / RangeError / UDPError; none may crash, hang or panic.
//
// The matrix runs in child processes (fixtures/hardening-matrix.cjs) so that a
// crash or a hang is caught and pinned to its case instead of taking the test
// worker down: a case that kills its process is recorded as a crash, one that
// makes no progress for HANG_MS as a hang, and the next process starts at the
// next case. The children run in a private network namespace (unshare -rn,
// 224.0.0.0/4 routed to lo) because the multicast members join groups.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import test from 'ava'

import { AF_INET, AF_INET6, AF_UNSPEC, Loop, UDP, UDPError, errno } from '../index.js'
import { needs, privateNamespace } from './support/capability.js'

const FIXTURES = join(process.cwd(), '__test__', 'fixtures')
const MATRIX = join(FIXTURES, 'hardening-matrix.cjs')
const BINDING = join(process.cwd(), 'binding.js')

/** No output from a matrix child for this long: the current case hangs. */
const HANG_MS = 3000

// ---------------------------------------------------------------- the namespace

const NETNS_SETUP = 'ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo'
const namespace = privateNamespace(NETNS_SETUP, 'the multicast members of the matrix (they join groups)')
const netnsAvailable = namespace.ok
if (!netnsAvailable) {
  // The multicast members would join groups on the machine's own network.
  process.env.UV_MATRIX_NO_MULTICAST = '1'
  console.log('bad-input.spec: no private network namespace (unshare -rn, ip): the multicast members are left out of the matrix')
}

interface MatrixCase {
  index: number
  member: string
  position: string
  kind: string
  names: string
  value: string
  allowed: string[]
}

interface MatrixResult {
  index: number
  outcome: string
  message: string
  ms: number
  events: string[]
  uncaught: string[]
}

const require = createRequire(import.meta.url)
const matrix = require(MATRIX) as { cases: () => MatrixCase[] }
const CASES = matrix.cases()

// ---------------------------------------------------------------- running the matrix

/** Runs the matrix from case `first` in one child; resolves when it ends or is killed. */
function runFrom(first: number, results: Map<number, MatrixResult>): Promise<number> {
  return new Promise((resolve, reject) => {
    const command = netnsAvailable ? 'unshare' : process.execPath
    const args = netnsAvailable
      ? ['-rn', 'sh', '-c', `${NETNS_SETUP} && exec "$0" "$1" "$2"`, process.execPath, MATRIX, String(first)]
      : [MATRIX, String(first)]
    const child = spawn(command, args, { cwd: FIXTURES, stdio: ['ignore', 'pipe', 'pipe'] })
    let current = -1
    let buffered = ''
    let stderr = ''
    let hung = false
    let watchdog: NodeJS.Timeout | undefined
    const arm = () => {
      clearTimeout(watchdog)
      watchdog = setTimeout(() => {
        hung = true
        child.kill('SIGKILL')
      }, HANG_MS)
    }
    arm()
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)))
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      arm()
      buffered += chunk
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        if (line.startsWith('S ')) current = Number(line.slice(2))
        else if (line.startsWith('R ')) {
          const result = JSON.parse(line.slice(2)) as MatrixResult
          results.set(result.index, result)
          current = -1
        }
      }
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(watchdog)
      if (current >= 0) {
        const outcome = hung ? `hang (no progress for ${HANG_MS} ms)` : `crash (exit code ${code}, signal ${signal})`
        results.set(current, { index: current, outcome, message: stderr.trim().slice(-600), ms: NaN, events: [], uncaught: [] })
        resolve(current + 1)
      } else if (code !== 0) {
        reject(new Error(`the matrix runner failed outside any case (exit code ${code}, signal ${signal}): ${stderr}`))
      } else resolve(CASES.length)
    })
  })
}

let matrixRun: Promise<Map<number, MatrixResult>> | undefined
/** Every case's result, the matrix being run once for all the tests of this file. */
function matrixResults(): Promise<Map<number, MatrixResult>> {
  matrixRun ??= (async () => {
    const results = new Map<number, MatrixResult>()
    let next = 0
    while (next < CASES.length) next = await runFrom(next, results)
    return results
  })()
  return matrixRun
}

// ---------------------------------------------------------------- one test per member and argument position

const positions = new Map<string, MatrixCase[]>()
for (const c of CASES) {
  const key = `${c.member}: ${c.position}`
  positions.set(key, [...(positions.get(key) ?? []), c])
}

/** What a case did beyond its outcome that the contract forbids, if anything. */
function sideEffectProblems(c: MatrixCase, r: MatrixResult): string[] {
  const problems: string[] = []
  if (r.uncaught.length > 0) problems.push(`uncaught: ${r.uncaught.join('; ')}`)
  for (const event of r.events) if (event.startsWith('close callbacks')) problems.push(event)
  const callbacks = r.events.filter((e) => e.startsWith('send callback'))
  if (c.member.startsWith('send(') && c.position !== 'callback') {
    // The callback runs exactly once when send() returned, never when it threw.
    const expected = r.outcome === 'ok' ? 1 : 0
    if (callbacks.length !== expected) problems.push(`${callbacks.length} send callbacks, expected ${expected}: ${callbacks.join(', ')}`)
    if (r.outcome === 'ok' && c.value.startsWith('a huge array') && callbacks[0] !== `send callback ${errno.UV_EMSGSIZE}`) {
      problems.push(`a 100,000-byte gathered datagram must reach the callback as UV_EMSGSIZE, got ${callbacks[0]}`)
    }
  }
  if (c.member.startsWith('close(') && r.outcome !== 'ok' && !r.events.includes('still open after the refused close')) {
    problems.push('a close() that threw left the handle closed')
  }
  return problems
}

/** The problems of `cases` against their results, in three lists. */
async function check(cases: MatrixCase[], label: (c: MatrixCase) => string) {
  const results = await matrixResults()
  const wrong: string[] = []
  const unnamed: string[] = []
  const effects: string[] = []
  for (const c of cases) {
    const r = results.get(c.index)
    if (r === undefined) {
      wrong.push(`${label(c)}: no result`)
      continue
    }
    if (!c.allowed.includes(r.outcome)) {
      wrong.push(`${label(c)}: ${r.outcome}${r.message ? ` (${r.message.split('\n')[0]})` : ''}; allowed: ${c.allowed.join(' | ')}`)
    }
    if ((r.outcome === 'TypeError' || r.outcome === 'RangeError') && c.names !== '' && !r.message.includes(c.names)) {
      unnamed.push(`${label(c)}: ${r.outcome} '${r.message}' does not name ${c.names}`)
    }
    for (const problem of sideEffectProblems(c, r)) effects.push(`${label(c)}: ${problem}`)
    if (r.ms > 1000) effects.push(`${label(c)}: the call took ${Math.round(r.ms)} ms`)
  }
  return { wrong, unnamed, effects }
}

// The values whose getters throw get tests of their own (below): one cause
// would otherwise fail every position's test.
const HOSTILE = ['an object whose getters throw', 'an array whose element getters throw']

for (const [key, group] of positions) {
  test(`${key} — each bad value works as the contract says or throws the documented error; nothing crashes or hangs`, async (t) => {
    const { wrong, unnamed, effects } = await check(
      group.filter((c) => !HOSTILE.includes(c.value)),
      (c) => c.value,
    )
    t.deepEqual(wrong, [], 'outcomes outside the contract')
    t.deepEqual(unnamed, [], 'TypeError / RangeError messages that do not name the argument')
    t.deepEqual(effects, [], 'callbacks, exceptions or timings the contract forbids')
  })
}

test('an object whose getters throw is refused with TypeError wherever an object is the wrong type (its getters are not run)', async (t) => {
  const { wrong, unnamed, effects } = await check(
    CASES.filter((c) => c.value === HOSTILE[0]),
    (c) => `${c.member}: ${c.position}`,
  )
  t.deepEqual(wrong, [], 'outcomes outside the contract')
  t.deepEqual(unnamed, [], 'TypeError messages that do not name the argument')
  t.deepEqual(effects, [], 'callbacks, exceptions or timings the contract forbids')
})

test('an array whose element getters throw is refused with TypeError or lets its own exception through, in every position', async (t) => {
  const { wrong, unnamed, effects } = await check(
    CASES.filter((c) => c.value === HOSTILE[1]),
    (c) => `${c.member}: ${c.position}`,
  )
  t.deepEqual(wrong, [], 'outcomes outside the contract')
  t.deepEqual(unnamed, [], 'TypeError messages that do not name the argument')
  t.deepEqual(effects, [], 'callbacks, exceptions or timings the contract forbids')
})

needs(namespace)('the matrix covers the multicast members (needs a private network namespace)', (t) => {
  t.true(CASES.some((c) => c.member.startsWith('set_membership')))
  t.true(CASES.some((c) => c.member.startsWith('set_source_membership')))
})

// ---------------------------------------------------------------- targeted cases

interface NodeRun {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/**
 * Runs `node -e script`, killed after `ms`. Asynchronous on purpose: a
 * spawnSync would stall this worker and trip the matrix's hang watchdog.
 */
function runNode(script: string, ms: number, env: NodeJS.ProcessEnv = process.env): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('error', reject)
    child.on('close', (status, signal) => {
      clearTimeout(timer)
      resolve({ status, signal, stdout, stderr })
    })
  })
}

test('a family that is not exactly AF_UNSPEC, AF_INET or AF_INET6 throws UDPError UV_EINVAL, never truncated to one of them', (t) => {
  const loop = new Loop()
  // Numbers that a conversion to int32 would turn into 0 (AF_UNSPEC) or 2 (AF_INET).
  for (const family of [NaN, Infinity, -Infinity, 2 ** 32, 2 ** 32 + AF_INET, AF_INET + 0.5, AF_INET6 + 2 ** 32, 1e300, AF_UNSPEC + 0.25]) {
    let made: UDP | undefined
    const error = t.throws(
      () => {
        made = new UDP(loop, family)
      },
      { instanceOf: UDPError },
      `new UDP(loop, ${family})`,
    )
    if (made && !made.closed) made.close()
    t.is(error?.errno, errno.UV_EINVAL, `new UDP(loop, ${family})`)
    t.is(error?.code, 'EINVAL', `new UDP(loop, ${family})`)
  }
})

test('send with a huge sparse array as data throws TypeError at once (no walk over 2**32-1 holes)', async (t) => {
  // Run where a hang cannot stall this worker: the matrix child has the same
  // case and is killed after HANG_MS; this test bounds the time on its own.
  const script = `
    const { Loop, UDP } = require(${JSON.stringify(join(process.cwd(), 'index.js'))})
    const udp = new UDP(new Loop())
    const started = Date.now()
    let outcome
    try { udp.send(['127.0.0.1', 9], new Array(${2 ** 32 - 1})); outcome = 'returned' }
    catch (e) { outcome = e.constructor.name + ': ' + e.message }
    udp.close()
    process.stdout.write(JSON.stringify({ outcome, ms: Date.now() - started }))
  `
  const run = await runNode(script, 5000)
  t.is(run.signal, null, `killed after 5 s: send() walked the sparse array (${run.stderr})`)
  if (run.signal !== null) return
  const { outcome, ms } = JSON.parse(run.stdout) as { outcome: string; ms: number }
  t.true(outcome.startsWith('TypeError: data'), outcome)
  t.true(ms < 500, `${ms} ms`)
})

// A panic in the core must become a thrown JS error, never an abort. No
// well-formed input reaches a Rust panic (see the report of issue 6), so the
// addon has a test hook, `__testPanic(message)` in binding.js, inert unless
// the process runs with UV_UDP_TEST_HOOKS=1.
const PANIC_CHILD = `
const binding = require(${JSON.stringify(BINDING)})
const { Loop, UDP } = require(${JSON.stringify(join(process.cwd(), 'index.js'))})
const out = { hook: typeof binding.__testPanic, calls: [] }
if (out.hook === 'function') {
  for (let i = 0; i < 3; i++) {
    try {
      binding.__testPanic('deliberate panic ' + i)
      out.calls.push({ returned: true })
    } catch (e) {
      out.calls.push({ isError: e instanceof Error, name: e && e.constructor && e.constructor.name, message: String(e && e.message) })
    }
  }
}
// The process carries on: a datagram still goes round.
const loop = new Loop()
const a = new UDP(loop); a.bind(['127.0.0.1', 0])
const b = new UDP(loop)
a.start_recv((_h, _peer, _flags, data) => {
  out.echo = String(data)
  a.close(); b.close()
  process.stdout.write(JSON.stringify(out))
})
b.send(a.getsockname(), Buffer.from('after the panics'))
setTimeout(() => { process.stdout.write(JSON.stringify(out)); process.exit(3) }, 3000).unref()
`

test('a panic inside the addon becomes a thrown Error and the process carries on (test hook, UV_UDP_TEST_HOOKS=1)', async (t) => {
  const run = await runNode(PANIC_CHILD, 10_000, { ...process.env, UV_UDP_TEST_HOOKS: '1', RUST_BACKTRACE: '0' })
  t.is(run.signal, null, `the process died: ${run.signal}\n${run.stderr}`)
  t.is(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout || '{}') as {
    hook: string
    calls: { returned?: boolean; isError?: boolean; name?: string; message?: string }[]
    echo?: string
  }
  t.is(out.hook, 'function', 'binding.js exports __testPanic')
  t.is(out.calls.length, 3)
  out.calls.forEach((call, i) => {
    t.true(call.isError, `call ${i}: ${JSON.stringify(call)}`)
    t.is(call.name, 'Error', `call ${i}`)
    t.true(call.message?.includes(`deliberate panic ${i}`), `call ${i}: ${call.message}`)
  })
  t.is(out.echo, 'after the panics')
})

test('the panic test hook is inert without UV_UDP_TEST_HOOKS=1: it throws an Error and panics nothing', async (t) => {
  const env = { ...process.env }
  delete env.UV_UDP_TEST_HOOKS
  const run = await runNode(
    `const b = require(${JSON.stringify(BINDING)}); try { b.__testPanic('x'); console.log('returned') } catch (e) { console.log(e.constructor.name + ': ' + e.message) }`,
    10_000,
    env,
  )
  t.is(run.status, 0, run.stderr)
  t.regex(run.stdout, /^Error: /)
  t.false(run.stderr.includes('panicked'), run.stderr)
})
