/**
 * Running a fixture (fixtures/*.cjs) in a child process and reading what it
 * reports: the one way the specs that need a process of their own (what could
 * crash or hang, a descriptor limit, a fresh heap, a network namespace) start
 * it, bound it, collect its output and parse its last line.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Readable } from 'node:stream'

import type { ExecutionContext } from 'ava'

export const FIXTURES = join(process.cwd(), '__test__', 'fixtures')

// Set-up scripts for a private network namespace (`unshare -rn`) whose lo has
// a token-bucket qdisc, so that sends really queue: the datagrams it holds
// stay charged to the sender (on plain loopback a send never blocks; see
// send.spec.ts).

/** 25 MB/s through lo: sends of 60 KB fill their send buffers and queue. */
export const TBF_200MBIT = 'ip link set lo up && tc qdisc add dev lo root tbf rate 200mbit burst 256kb limit 4mb'
/** 125 KB/s through lo, bursts of 100 KB. */
export const TBF_1MBIT = 'ip link set lo up && tc qdisc add dev lo root tbf rate 1mbit burst 100kb limit 10mb'

export interface ChildRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  /** The last 8000 characters of it. */
  stderr: string
  /** From the spawn to the close. */
  ms: number
  /** Date.now() at the close. */
  exitedAt: number
}

export interface Child {
  process: ChildProcessByStdio<null, Readable, Readable>
  /** Resolves once the child has closed (or rejects when it could not start). */
  done: Promise<ChildRun>
}

/** Starts `command args` in FIXTURES, stdin ignored, stdout and stderr collected; SIGKILLed after `ms`. */
export function start(command: string, args: string[], ms: number, env: NodeJS.ProcessEnv = process.env): Child {
  const started = Date.now()
  const child = spawn(command, args, { cwd: FIXTURES, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const done = new Promise<ChildRun>((resolve, reject) => {
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-8000)))
    const timer = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const exitedAt = Date.now()
      resolve({ code, signal, stdout, stderr, ms: exitedAt - started, exitedAt })
    })
  })
  return { process: child, done }
}

/** Runs `command args` in FIXTURES; SIGKILLed after `ms`. */
export function run(command: string, args: string[], ms: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  return start(command, args, ms, env).done
}

/**
 * Runs fixtures/`script` with `args` under this node, in a private network
 * namespace after `setup` (a shell command list, e.g. TBF_200MBIT); SIGKILLed
 * after `ms`.
 */
export function inNamespace(setup: string, script: string, args: string[], ms: number, env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  return run('unshare', ['-rn', 'sh', '-c', `${setup} && exec "$0" "$@"`, process.execPath, join(FIXTURES, script), ...args], ms, env)
}

/** How the child ended and what it wrote: for assertion messages. */
export function outputOf(result: ChildRun): string {
  return `exit ${result.code} ${result.signal ?? ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
}

/**
 * The child's last stdout line, parsed; fails the test with its output when
 * it is not a JSON object (so that `if (!out) return` after it never passes
 * quietly).
 */
export function report<T>(t: ExecutionContext, result: ChildRun): T | undefined {
  const line = result.stdout.trim().split('\n').pop() ?? ''
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    value = undefined
  }
  if (typeof value === 'object' && value !== null) return value as T
  t.fail(`no JSON report (exit ${result.code}, signal ${result.signal}):\n${result.stdout}\n${result.stderr}`)
  return undefined
}
