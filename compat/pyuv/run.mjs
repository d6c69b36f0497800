// The differential suite: every scenario of scenarios/ runs twice, as a
// Python program on pyuv 1.4.0 and as a JS program on uv-udp, inside a
// network namespace made for the run; both print normalized JSON, and any
// step whose results differ must be a row of the README's "pyuv differs"
// table.
//
//   node compat/pyuv/run.mjs [scenario ...]     prints the report; exits 1 on
//                                               an undocumented divergence,
//                                               0 (with the reason) when it
//                                               cannot run here
//
// __test__/pyuv-compat.spec.ts runs the same functions under ava.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'

const HERE = dirname(fileURLToPath(import.meta.url))
export const SCENARIOS = join(HERE, 'scenarios')
const ROOT = join(HERE, '..', '..')
const README = join(ROOT, 'README.md')
const IP = ['/usr/sbin/ip', '/sbin/ip'].find((p) => existsSync(p)) ?? 'ip'
export const NETNS_PREFIX = 'pyuvtest-'
// Each program gets this long; the scenarios are bounded and take well under a second.
const PROGRAM_TIMEOUT_MS = 30_000

/** The scenario names: `scenarios/<name>.py` with a `<name>.mjs` beside it. */
export function scenarioNames() {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.py') && f !== 'common.py' && f !== 'with_fds.py')
    .map((f) => f.slice(0, -3))
    .filter((name) => existsSync(join(SCENARIOS, `${name}.mjs`)))
    .sort()
}

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: PROGRAM_TIMEOUT_MS, killSignal: 'SIGKILL', ...options })
}

function ip(...args) {
  const r = run(IP, args)
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`)
  return r.stdout
}

/**
 * Whether the suite can run here, and pyuv's python when it can: Linux,
 * root (for the namespace), python3, a C compiler, pyuv built (or cached).
 * `{ ok: false, reason }` otherwise, with `toolchain: true` when what is
 * missing is python3, a compiler or what build.sh needs.
 */
export function prepare() {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux network namespaces (this is ${process.platform})` }
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root to make a network namespace' }
  if (run(IP, ['-V']).status !== 0) return { ok: false, reason: "needs iproute2's ip" }
  // `toolchain`: what is missing is a tool to build pyuv, not root or a namespace.
  if (run('python3', ['--version']).status !== 0) return { ok: false, toolchain: true, reason: 'needs python3 (to build and run pyuv 1.4.0)' }
  if (run(process.env.CC ?? 'cc', ['--version']).status !== 0) return { ok: false, toolchain: true, reason: 'needs a C compiler (to build pyuv 1.4.0)' }
  const build = run('sh', [join(HERE, 'build.sh')], { timeout: 600_000 })
  if (build.status === 2) return { ok: false, toolchain: true, reason: build.stderr.trim().split('\n').pop() }
  if (build.status !== 0) throw new Error(`compat/pyuv/build.sh failed:\n${build.stderr}`)
  const python = build.stdout.trim().split('\n').pop()
  return { ok: true, python }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

/** Deletes namespaces of this suite whose run (pid) is gone. */
export function deleteStaleNamespaces() {
  const list = run(IP, ['netns', 'list']).stdout ?? ''
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0]
    const m = /^pyuvtest-(\d+)-/.exec(name)
    if (m && !pidAlive(Number(m[1]))) run(IP, ['netns', 'del', name])
  }
}

let counter = 0

/**
 * A namespace for one run: `lo` up with multicast and broadcast routed to it,
 * and a link `d0` (one end of a veth pair whose other end is here too) with 198.51.100.1/24, 2001:db8::1/64 and fe80::1/64.
 * Nothing in it is linked to the machine's own namespace.
 */
export function makeNamespace() {
  deleteStaleNamespaces()
  const name = `${NETNS_PREFIX}${process.pid}-${counter++}`
  ip('netns', 'add', name)
  try {
    const n = ['-n', name]
    ip(...n, 'link', 'set', 'lo', 'up')
    ip(...n, 'link', 'set', 'lo', 'multicast', 'on')
    ip(...n, 'route', 'add', '224.0.0.0/4', 'dev', 'lo')
    ip(...n, 'route', 'add', '255.255.255.255/32', 'dev', 'lo')
    // A veth pair with both ends here (no dummy module needed): d1 only
    // gives d0 a carrier.
    ip(...n, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1')
    ip(...n, 'link', 'set', 'd1', 'up')
    ip(...n, 'link', 'set', 'd0', 'up')
    ip(...n, 'addr', 'add', '198.51.100.1/24', 'broadcast', '198.51.100.255', 'dev', 'd0')
    ip(...n, '-6', 'addr', 'add', '2001:db8::1/64', 'dev', 'd0', 'nodad')
    ip(...n, '-6', 'addr', 'add', 'fe80::1/64', 'dev', 'd0', 'nodad')
    const [link] = JSON.parse(ip(...n, '-j', 'link', 'show', 'd0'))
    return {
      name,
      env: { COMPAT_IFNAME: 'd0', COMPAT_IFINDEX: String(link.ifindex) },
      delete: () => run(IP, ['netns', 'del', name]),
    }
  } catch (e) {
    run(IP, ['netns', 'del', name])
    throw e
  }
}

function runProgram(ns, python, argv) {
  const r = run(IP, ['netns', 'exec', ns.name, python, join(SCENARIOS, 'with_fds.py'), ...argv], {
    cwd: SCENARIOS,
    env: { ...process.env, ...ns.env, PYTHONDONTWRITEBYTECODE: '1' },
  })
  const lines = (r.stdout ?? '').trim().split('\n')
  try {
    return JSON.parse(lines[lines.length - 1])
  } catch {
    throw new Error(
      `${argv.join(' ')} printed no JSON (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`,
    )
  }
}

/** Runs one scenario on both sides: `{ pyuv, uvudp }`, each the printed JSON. */
export function runScenario(ns, python, name) {
  return {
    pyuv: runProgram(ns, python, [python, join(SCENARIOS, `${name}.py`)]),
    uvudp: runProgram(ns, python, [process.execPath, join(SCENARIOS, `${name}.mjs`)]),
  }
}

/** The steps (`scenario/step`) whose results differ, with both results. */
export function divergences(name, { pyuv, uvudp }) {
  const keys = [...new Set([...Object.keys(pyuv), ...Object.keys(uvudp)])].sort()
  return keys
    .filter((k) => !isDeepStrictEqual(pyuv[k], uvudp[k]))
    .map((k) => ({ key: `${name}/${k}`, pyuv: pyuv[k] ?? null, uvudp: uvudp[k] ?? null }))
}

/**
 * The steps the README's "pyuv differs" table documents: every backquoted
 * `scenario/step` in the first cell of its rows; `*` in one stands for any
 * text (`setters/* set_ttl 256`: both families).
 */
export function documentedDifferences(readme = readFileSync(README, 'utf8')) {
  const lines = readme.split('\n')
  const start = lines.findIndex((l) => /^#+ .*pyuv differs/i.test(l))
  if (start < 0) throw new Error('README.md has no "pyuv differs" section')
  const keys = new Set()
  for (const line of lines.slice(start + 1)) {
    if (/^#+ /.test(line)) break
    if (!line.startsWith('|')) continue
    const first = line.split('|')[1] ?? ''
    for (const m of first.matchAll(/`([^`]+)`/g)) if (/^[a-z0-9_]+\/./.test(m[1])) keys.add(m[1])
  }
  return keys
}

function matcher(pattern) {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`)
}

/**
 * Compares one scenario: `undocumented` are divergences the table lacks,
 * `stale` are entries of the table for this scenario that match none.
 */
export function judge(name, results, documented = documentedDifferences()) {
  const found = divergences(name, results)
  const patterns = [...documented].filter((k) => k.startsWith(`${name}/`)).map((k) => [k, matcher(k)])
  const undocumented = found.filter((d) => !patterns.some(([, re]) => re.test(d.key)))
  const stale = patterns.filter(([, re]) => !found.some((d) => re.test(d.key))).map(([k]) => k)
  return { found, undocumented, stale }
}

export function describeDivergence(d) {
  return `${d.key}\n    pyuv:   ${JSON.stringify(d.pyuv)}\n    uv-udp: ${JSON.stringify(d.uvudp)}`
}

async function main() {
  const ready = prepare()
  if (!ready.ok) {
    console.log(`pyuv differential suite skipped: ${ready.reason}`)
    return 0
  }
  const names = process.argv.length > 2 ? process.argv.slice(2) : scenarioNames()
  const ns = makeNamespace()
  let failed = 0
  try {
    const documented = documentedDifferences()
    for (const name of names) {
      const { found, undocumented, stale } = judge(name, runScenario(ns, ready.python, name), documented)
      const bad = undocumented.length + stale.length
      failed += bad > 0 ? 1 : 0
      console.log(`${bad > 0 ? 'FAIL' : 'ok  '} ${name}: ${found.length} divergence(s), ${undocumented.length} undocumented`)
      for (const d of undocumented) console.log(`  undocumented: ${describeDivergence(d)}`)
      for (const k of stale) console.log(`  documented but no longer differs: ${k}`)
      if (process.env.COMPAT_VERBOSE) for (const d of found) console.log(`  documented: ${describeDivergence(d)}`)
    }
  } finally {
    ns.delete()
  }
  console.log(`${names.length - failed} passed, ${failed} failed`)
  return failed > 0 ? 1 : 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = await main()
