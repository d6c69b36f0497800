/**
 * Typed builders for the scripted fixture `__test__/fixtures/netns-udp.mjs`,
 * and the shape of what it prints. A script runs inside one namespace; the
 * test reads its JSON result and asserts on it.
 */
import { fixture, parseJson, type Hosts, type RunResult, type Started } from './harness.js'

/** The scripted UDP fixture. */
export const UDP_SCRIPT = fixture('netns-udp.mjs')

export type Step = Record<string, unknown> & { op: string }

/** `'$port:<sock>'`: the port `sock` is bound to, resolved inside the fixture. */
export const portOf = (sock: string): string => `$port:${sock}`

/** `Buffer.from(text)` inside the fixture, for `step.call` arguments (`try_send`, `try_send_many`). */
export const buffer = (text: string): { $buffer: string } => ({ $buffer: text })

export interface RecvOptions {
  /** `start_recv(cb, { pktinfo: true })`; each datagram's sixth argument is recorded as `info`. */
  pktinfo?: boolean
  /** Sends each datagram back to its sender as `'echo:<data>'`; the callback's error is recorded as `echo`. */
  echo?: boolean
}

export const step = {
  /** `new UDP(loop, family)`; family `'inet'`, `'inet6'` or omitted (AF_UNSPEC). */
  new: (sock: string, family?: 'inet' | 'inet6'): Step => ({ op: 'new', sock, family }),
  /** `sock[method](...args)`; the result or the thrown error is recorded. */
  call: (sock: string, method: string, ...args: unknown[]): Step => ({ op: 'call', sock, method, args }),
  /** `sock[prop] = value`. */
  set: (sock: string, prop: string, value: unknown): Step => ({ op: 'set', sock, prop, value }),
  /** `start_recv`, recording each datagram with the current phase. */
  recv: (sock: string, options: RecvOptions = {}): Step => ({ op: 'recv', sock, ...options }),
  /** `count` sends of `'<data>#<i>'` to `to` (`null`: a connected handle's peer); waits for every callback. */
  send: (sock: string, to: readonly unknown[] | null, data: string, count = 1): Step => ({ op: 'send', sock, to, data, count }),
  /**
   * `sources` fresh handles, each on its own port, send `count` rounds of one
   * datagram each, `'<data>#<source>.<round>'`, to `to`; each round waits for
   * its callbacks, then `pauseMs` (a paced burst of `sources * count` datagrams).
   */
  spray: (
    to: readonly unknown[],
    data: string,
    sources: number,
    count: number,
    options: { family?: 'inet' | 'inet6'; pauseMs?: number } = {},
  ): Step => ({ op: 'spray', to, data, sources, count, ...options }),
  /** Labels what is received from now on. */
  phase: (name: string): Step => ({ op: 'phase', name }),
  /** Waits until `count` datagrams arrived in this phase, at most `ms`. */
  expect: (count: number, ms = 2000, sock?: string): Step => ({ op: 'expect', count, ms, sock }),
  sleep: (ms: number): Step => ({ op: 'sleep', ms }),
  /** Prints `{"event":"ready","name":…,"ports":{…}}`. */
  ready: (name?: string): Step => ({ op: 'ready', name }),
  /** Waits for the line `label` on stdin (`Started.send(label)`). */
  await: (label: string): Step => ({ op: 'await', label }),
  close: (sock: string): Step => ({ op: 'close', sock }),
}

export interface ErrorInfo {
  name: string
  errno?: number
  code?: string
  message: string
}

export interface StepResult {
  op: string
  method?: string
  ok: boolean
  value?: unknown
  error?: ErrorInfo | null
}

export interface Received {
  sock: string
  phase: string
  from: [string, number] | [string, number, number, number] | null
  flags: number
  data: string | null
  error: number | null
  /** With `recv(sock, { pktinfo: true })`: the callback's sixth argument. */
  info?: { local_address: string; interface_index: number } | null
  /** With `recv(sock, { echo: true })`: the echo's send error (`null`: sent). */
  echo?: number | null | 'pending' | ErrorInfo
}

export interface SendRecord {
  sock: string
  phase: string
  to: unknown[] | null
  count: number
  errors: (number | null)[]
}

export interface ScriptResult {
  event: 'done' | 'timeout'
  steps: StepResult[]
  received: Received[]
  sends: SendRecord[]
}

export interface ScriptOptions {
  /** The fixture's own time limit (it prints what it has and exits). */
  timeoutMs?: number
}

function args(steps: readonly Step[], options: ScriptOptions): unknown[] {
  return [{ timeoutMs: options.timeoutMs ?? 10_000, steps }]
}

/** Runs a script to the end in `host` and returns its result. */
export async function runScript(hosts: Hosts, host: string, steps: readonly Step[], options: ScriptOptions = {}): Promise<ScriptResult> {
  const limit = (options.timeoutMs ?? 10_000) + 3000
  return result(await hosts.run(host, UDP_SCRIPT, args(steps, options), { timeoutMs: limit }))
}

/** Starts a script in `host`, for scripts that print `ready` lines or await stdin. */
export function startScript(hosts: Hosts, host: string, steps: readonly Step[], options: ScriptOptions = {}): Started {
  const limit = (options.timeoutMs ?? 10_000) + 3000
  return hosts.start(host, UDP_SCRIPT, args(steps, options), { timeoutMs: limit })
}

/** Waits for the `ready` line named `name` (or the first unnamed one) and returns its ports. */
export async function ready(started: Started, name?: string, timeoutMs = 10_000): Promise<Record<string, number>> {
  const line = await started.line((_text, json) => json?.event === 'ready' && (name === undefined || json.name === name), timeoutMs)
  return line.ports as Record<string, number>
}

/** The final result of a started script. */
export async function finished(started: Started): Promise<ScriptResult> {
  return result(await started.done)
}

function result(run: RunResult): ScriptResult {
  const out = parseJson<ScriptResult & { event: string }>(run)
  if (out.event !== 'done' && out.event !== 'timeout') {
    throw new Error(`fixture ended with ${out.event}: ${JSON.stringify(out)}\nstderr: ${run.stderr}`)
  }
  if (out.event === 'timeout') {
    throw new Error(`fixture hit its time limit: ${JSON.stringify(out)}\nstderr: ${run.stderr}`)
  }
  return out
}

/** The steps that failed, for a readable `t.deepEqual(failures(r), [])`. */
export function failures(result: ScriptResult): StepResult[] {
  return result.steps.filter((s) => !s.ok)
}

/** The payloads received, optionally only those of one phase or socket. */
export function payloads(result: ScriptResult, filter: { phase?: string; sock?: string } = {}): (string | null)[] {
  return result.received
    .filter((r) => (filter.phase === undefined || r.phase === filter.phase) && (filter.sock === undefined || r.sock === filter.sock))
    .map((r) => r.data)
}

/** `'<data>#0'` … `'<data>#<count-1>'`. */
export function tagged(data: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${data}#${i}`)
}
