/**
 * Tests that need something the machine may lack (root, a network namespace,
 * Linux) are declared through `needs(capability)`, so that whether they run is
 * decided where the test is declared, and a test that cannot run is reported
 * by ava as skipped, with the reason in its title: never as passed.
 *
 * With CI=true (scripts/ci.mjs, the one definition of "in CI") a capability
 * that is required in CI (root, namespaces; the default) may not be missing:
 * the test is declared and fails with the reason instead of skipping. Only
 * platform facts (Linux-only kernel behaviour on macOS, `platform: true`) and
 * capabilities declared `requiredInCI: false` stay skips in CI.
 */
import { spawnSync } from 'node:child_process'

import test, { type ExecutionContext } from 'ava'

import { inCI } from '../../scripts/ci.mjs'

export { inCI }

export interface Capability {
  ok: boolean
  /** Why not, when not ok: becomes part of the skipped test's title. */
  reason?: string
  /**
   * Missing because of what the platform is (not Linux, Windows): a fact
   * about the machine, so it stays a skip even in CI; the release workflow
   * runs the Linux-only tests on its Linux runners.
   */
  platform?: boolean
}

type Implementation = (t: ExecutionContext) => unknown

export interface Declare {
  (title: string, implementation: Implementation): void
  serial(title: string, implementation: Implementation): void
}

/** A capability that holds only on Linux. */
export function linux(what: string): Capability {
  return process.platform === 'linux' ? { ok: true } : { ok: false, platform: true, reason: `${what} is Linux behaviour (this is ${process.platform})` }
}

/** A capability that holds where descriptors are file descriptors (not Windows, whose fileno() is a SOCKET). */
export function posix(what: string): Capability {
  return process.platform !== 'win32' ? { ok: true } : { ok: false, platform: true, reason: `${what} needs POSIX file descriptors (this is Windows)` }
}

/**
 * `test` when `capability` holds; otherwise `test.skip` with the reason in the
 * title, or, when `requiredInCI` and CI=true, a test that fails with the reason.
 */
export function needs(capability: Capability, options: { requiredInCI: boolean } = { requiredInCI: true }): Declare {
  if (capability.ok) {
    const declare = ((title, implementation) => test(title, implementation)) as Declare
    declare.serial = (title, implementation) => test.serial(title, implementation)
    return declare
  }
  const reason = capability.reason ?? 'not available here'
  if (inCI && options.requiredInCI && !capability.platform) {
    const failing: Implementation = (t) => t.fail(`CI=true, and this test needs what is missing: ${reason}`)
    const declare = ((title: string) => test(title, failing)) as unknown as Declare
    declare.serial = (title) => test.serial(title, failing)
    return declare
  }
  const declare = ((title, implementation) => test.skip(`${title} [skipped: ${reason}]`, implementation)) as Declare
  declare.serial = (title, implementation) => test.serial.skip(`${title} [skipped: ${reason}]`, implementation)
  return declare
}

/**
 * Whether `sh -c script` succeeds inside a private user + network namespace
 * (`unshare -rn`): an ordinary user can make one where the kernel allows
 * unprivileged user namespaces.
 */
export function privateNamespace(script: string, what: string): Capability {
  if (process.platform !== 'linux') return { ok: false, platform: true, reason: `${what} needs a Linux network namespace (this is ${process.platform})` }
  const probe = spawnSync('unshare', ['-rn', 'sh', '-c', script], { encoding: 'utf8', timeout: 5000 })
  if (probe.status === 0) return { ok: true }
  const why = (probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop() || `exit ${probe.status}`
  return { ok: false, reason: `${what} needs a private network namespace (unshare -rn: ${why})` }
}
