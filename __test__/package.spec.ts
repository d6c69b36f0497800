/**
 * The package as users get it: what `npm pack` ships, the per-platform binary
 * packages, napi's publish-time wiring, the glibc floor of the Linux binary,
 * and a fresh project that installs the packed tarballs (offline, no install
 * scripts, no Rust on PATH) and runs the smoke programs with `require`, with
 * `import`, and in type-checked TypeScript.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import { needs as declareIf } from './support/capability.js'

import {
  REPO,
  TSC,
  checkSmoke,
  makeProject,
  npm,
  platformSuffix,
  rootPackage,
  run,
  userEnv,
  which,
  type PackEntry,
  type Project,
  type RunResult,
} from './fixtures/smoke-project.js'

/** Every shipped target: its npm directory and the `os`, `cpu`, `libc` npm must match. */
const TARGETS: Record<string, { dir: string; os: string; cpu: string; libc?: string }> = {
  'x86_64-unknown-linux-gnu': { dir: 'linux-x64-gnu', os: 'linux', cpu: 'x64', libc: 'glibc' },
  'x86_64-unknown-linux-musl': { dir: 'linux-x64-musl', os: 'linux', cpu: 'x64', libc: 'musl' },
  'aarch64-unknown-linux-gnu': { dir: 'linux-arm64-gnu', os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'aarch64-unknown-linux-musl': { dir: 'linux-arm64-musl', os: 'linux', cpu: 'arm64', libc: 'musl' },
  'x86_64-apple-darwin': { dir: 'darwin-x64', os: 'darwin', cpu: 'x64' },
  'aarch64-apple-darwin': { dir: 'darwin-arm64', os: 'darwin', cpu: 'arm64' },
  'x86_64-pc-windows-msvc': { dir: 'win32-x64-msvc', os: 'win32', cpu: 'x64' },
  'aarch64-pc-windows-msvc': { dir: 'win32-arm64-msvc', os: 'win32', cpu: 'arm64' },
}

/** The newest glibc the linux gnu binaries may need (RHEL 8, Debian 10, Ubuntu 18.10). */
const GLIBC_FLOOR = '2.28'

const pkg = rootPackage()
const binaryName: string = pkg.napi.binaryName
const suffix = platformSuffix()
const nodeFile = `${binaryName}.${suffix}.node`

function json(file: string): Record<string, any> {
  return JSON.parse(readFileSync(file, 'utf8'))
}

function output(result: RunResult): string {
  return `exit ${result.code}${result.timedOut ? ' (timed out)' : ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`
}

// ---------------------------------------------------------------------------
// What the packages are made of

test('each target links its C runtime as an addon must: musl dynamically (else rustc drops the cdylib), MSVC statically', (t) => {
  // .cargo/config.toml; `npm run check:targets` and the release workflow compile them.
  const config = readFileSync(join(REPO, '.cargo', 'config.toml'), 'utf8')
  // The rustflags line of each [target.<triple>] section.
  const sections = new Map<string, string>()
  let current: string | null = null
  for (const line of config.split('\n').map((l) => l.trim())) {
    const header = /^\[target\.(.+)\]$/.exec(line)
    if (header) current = header[1]
    else if (current !== null && line.startsWith('rustflags')) sections.set(current, line.slice(line.indexOf('=') + 1).trim())
  }
  for (const target of Object.keys(TARGETS)) {
    const flags = sections.get(target)
    if (target.endsWith('-musl')) t.is(flags, '["-C", "target-feature=-crt-static"]', target)
    else if (target.endsWith('-msvc')) t.is(flags, '["-C", "target-feature=+crt-static"]', target)
    else t.is(flags, undefined, `${target} keeps rustc's default`)
  }
})

test('napi.targets lists every shipped target and npm/ has exactly one package per target', (t) => {
  t.deepEqual([...pkg.napi.targets].sort(), Object.keys(TARGETS).sort())
  const dirs = readdirSync(join(REPO, 'npm')).filter((entry) => statSync(join(REPO, 'npm', entry)).isDirectory())
  t.deepEqual(dirs.sort(), Object.values(TARGETS).map((target) => target.dir).sort())
})

for (const [triple, target] of Object.entries(TARGETS)) {
  test(`npm/${target.dir} is ${binaryName}-${target.dir} for ${triple}: os ${target.os}, cpu ${target.cpu}${target.libc ? `, libc ${target.libc}` : ''}`, (t) => {
    const manifest = json(join(REPO, 'npm', target.dir, 'package.json'))
    const file = `${binaryName}.${target.dir}.node`
    t.is(manifest.name, `${binaryName}-${target.dir}`)
    t.is(manifest.version, pkg.version)
    t.deepEqual(manifest.os, [target.os])
    t.deepEqual(manifest.cpu, [target.cpu])
    t.deepEqual(manifest.libc, target.libc === undefined ? undefined : [target.libc])
    t.is(manifest.main, file)
    t.deepEqual(manifest.files, [file])
    t.is(manifest.license, pkg.license)
    t.deepEqual(manifest.engines, pkg.engines)
    t.deepEqual(manifest.repository, pkg.repository)
    t.is(manifest.scripts, undefined, 'a binary package runs no scripts')
    t.is(manifest.dependencies, undefined)
  })
}

test('the root package ships the entry points, src/*.js, the typings and the binding loader: no tests, no Rust, no .node', async (t) => {
  const result = await npm(['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, env: userEnv(), timeout: 60_000 })
  t.is(result.code, 0, output(result))
  const entry = (JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as PackEntry[])[0]
  const files = entry.files.map((file) => file.path).sort()
  const sourcesIn = (dir: string) => readdirSync(join(REPO, dir)).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  const sources = [...sourcesIn('src'), ...sourcesIn('src/dgram').map((file) => `dgram/${file}`)]
  const expected = [
    'LICENSE',
    'README.md',
    'package.json',
    'index.js',
    'index.mjs',
    'index.d.ts',
    'binding.js',
    'binding.d.ts',
    'dgram.js',
    'dgram.mjs',
    'dgram.d.ts',
    ...sources.flatMap((file) => [`src/${file.slice(0, -3)}.js`, `src/${file.slice(0, -3)}.d.ts`]),
  ].sort()
  t.deepEqual(files, expected)
})

test('the root package has no dependencies and no install scripts: nothing to fetch or compile on install', (t) => {
  t.is(pkg.dependencies, undefined)
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) t.is(pkg.scripts?.[hook], undefined, hook)
  t.false(existsSync(join(REPO, 'binding.gyp')))
  t.is(pkg.gypfile, undefined)
  // The binary packages come as optionalDependencies, wired by `napi prepublish`.
  // If the repository carries them, they must match the targets.
  if (pkg.optionalDependencies !== undefined) {
    t.deepEqual(
      pkg.optionalDependencies,
      Object.fromEntries(Object.values(TARGETS).map((target) => [`${binaryName}-${target.dir}`, pkg.version])),
    )
  }
})

test('napi artifacts and napi prepublish put each binary in its package and wire them all as optionalDependencies', async (t) => {
  // A scratch copy of the release layout: the real binary for this platform,
  // placeholders for the others (they are only copied, never loaded).
  const root = mkdtempSync(join(tmpdir(), 'uv-udp-prepublish-'))
  t.teardown(() => rmSync(root, { recursive: true, force: true }))
  cpSync(join(REPO, 'package.json'), join(root, 'package.json'))
  cpSync(join(REPO, 'npm'), join(root, 'npm'), { recursive: true, filter: (source) => !source.endsWith('.node') })
  for (const [triple, target] of Object.entries(TARGETS)) {
    const dir = join(root, 'artifacts', `bindings-${triple}`)
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${binaryName}.${target.dir}.node`)
    if (target.dir === suffix && existsSync(join(REPO, nodeFile))) cpSync(join(REPO, nodeFile), file)
    else writeFileSync(file, `placeholder for ${triple}\n`)
  }
  const napi = join(REPO, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  const env = userEnv()
  const artifacts = await run(process.execPath, [napi, 'artifacts', '--output-dir', 'artifacts', '--npm-dir', 'npm'], { cwd: root, env })
  t.is(artifacts.code, 0, output(artifacts))
  for (const target of Object.values(TARGETS)) {
    t.true(existsSync(join(root, 'npm', target.dir, `${binaryName}.${target.dir}.node`)), `npm/${target.dir} got its binary`)
  }
  const prepublish = await run(process.execPath, [napi, 'prepublish', '-t', 'npm', '--skip-optional-publish', '--no-gh-release'], {
    cwd: root,
    env,
    timeout: 60_000,
  })
  t.is(prepublish.code, 0, output(prepublish))
  t.deepEqual(
    json(join(root, 'package.json')).optionalDependencies,
    Object.fromEntries(Object.values(TARGETS).map((target) => [`${binaryName}-${target.dir}`, pkg.version])),
  )
})

// ---------------------------------------------------------------------------
// The glibc floor

/** `GLIBC_x.y` versions a shared object needs, each with the symbols that need it. */
function glibcNeeds(file: string): Map<string, string[]> | string {
  const needs = new Map<string, string[]>()
  const add = (version: string, symbol: string) => needs.set(version, [...(needs.get(version) ?? []), symbol])
  const readelf = spawnSync('readelf', ['--dyn-syms', '--version-info', '-W', file], { encoding: 'utf8' })
  if (readelf.status === 0) {
    for (const match of readelf.stdout.matchAll(/\s(\S+?)@{1,2}GLIBC_([0-9.]+)/g)) add(match[2], match[1])
    // The version-needs section: what the dynamic loader actually checks.
    for (const match of readelf.stdout.matchAll(/Name: GLIBC_([0-9.]+)/g)) if (!needs.has(match[1])) add(match[1], '(version need)')
    return needs
  }
  const objdump = spawnSync('objdump', ['-T', file], { encoding: 'utf8' })
  if (objdump.status === 0) {
    for (const match of objdump.stdout.matchAll(/GLIBC_([0-9.]+)\)?\s+(\S+)\s*$/gm)) add(match[1], match[2])
    return needs
  }
  return `neither readelf nor objdump could read ${file}: ${readelf.error?.message ?? readelf.stderr} / ${objdump.error?.message ?? objdump.stderr}`
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

const gnuTest = declareIf(
  process.platform === 'linux' && suffix.endsWith('-gnu') ? { ok: true } : { ok: false, reason: `glibc symbol versions concern Linux gnu builds (this is ${suffix})` },
  { requiredInCI: false },
)
gnuTest(`the ${suffix} binary needs no glibc newer than ${GLIBC_FLOOR}`, (t) => {
  const file = join(REPO, nodeFile)
  t.true(existsSync(file), `${nodeFile} is built`)
  const needs = glibcNeeds(file)
  if (typeof needs === 'string') return t.fail(needs)
  const versions = [...needs.keys()].sort(compareVersions)
  t.true(versions.length > 0, 'found GLIBC_ symbol versions')
  const tooNew = versions.filter((version) => compareVersions(version, GLIBC_FLOOR) > 0)
  const report = tooNew.map((version) => `GLIBC_${version}: ${[...new Set(needs.get(version))].join(', ')}`).join('\n')
  t.deepEqual(tooNew, [], `highest is GLIBC_${versions.at(-1)}; symbols newer than ${GLIBC_FLOOR}:\n${report}`)
})

// ---------------------------------------------------------------------------
// A fresh project installs the tarballs and runs the smoke programs

let project: Project | undefined
let projectError: unknown

test.before(async () => {
  try {
    project = await makeProject('package')
  } catch (error) {
    projectError = error
  }
})

test.after.always(() => project?.dispose())

function installed(t: { fail(message: string): void }): Project | undefined {
  if (project === undefined) t.fail(`could not make the project: ${projectError instanceof Error ? projectError.stack : String(projectError)}`)
  return project
}

let compiled: Promise<RunResult> | undefined
/** tsc over smoke.mts and smoke.cts in the project, once: strict, NodeNext, the installed typings. */
function compileSmoke(project: Project): Promise<RunResult> {
  compiled ??= run(process.execPath, [TSC, '-p', project.dir], { cwd: project.dir, env: project.env, timeout: 60_000 })
  return compiled
}

test('the tarballs install offline, with install scripts off and no Rust toolchain on PATH', (t) => {
  const p = installed(t)
  if (!p) return
  t.is(which('cargo', p.env), null, 'cargo is not on PATH')
  t.is(which('rustc', p.env), null, 'rustc is not on PATH')
  t.is(p.install.code, 0, output(p.install))
  // Offline works because neither tarball depends on anything.
  const root = json(join(p.dir, 'node_modules', binaryName, 'package.json'))
  const platform = json(join(p.dir, 'node_modules', `${binaryName}-${suffix}`, 'package.json'))
  t.is(root.dependencies, undefined)
  t.is(platform.dependencies, undefined)
  t.deepEqual(Object.keys(json(join(p.dir, 'package.json')).dependencies).sort(), [binaryName, `${binaryName}-${suffix}`].sort())
  // The root package carries no binary; the platform package carries exactly one.
  const rootFiles = p.rootPack.files.map((file) => file.path)
  t.deepEqual(rootFiles.filter((file) => file.endsWith('.node')), [])
  t.deepEqual(p.platformPack.files.map((file) => file.path).sort(), ['README.md', nodeFile, 'package.json'].sort())
  t.true(existsSync(join(p.dir, 'node_modules', `${binaryName}-${suffix}`, nodeFile)))
})

test('require: smoke.cjs pingpongs on 127.0.0.1 with the installed binary and exits on its own', async (t) => {
  const p = installed(t)
  if (!p) return
  const result = await run(process.execPath, ['smoke.cjs'], { cwd: p.dir, env: p.env, timeout: 20_000 })
  checkSmoke(t, p, result, { runtime: 'node', module: 'cjs', lang: 'js', version: new RegExp(`^${process.version}$`) })
})

test('import: smoke.mjs pingpongs on 127.0.0.1 with the installed binary and exits on its own', async (t) => {
  const p = installed(t)
  if (!p) return
  const result = await run(process.execPath, ['smoke.mjs'], { cwd: p.dir, env: p.env, timeout: 20_000 })
  checkSmoke(t, p, result, { runtime: 'node', module: 'esm', lang: 'js', version: new RegExp(`^${process.version}$`) })
})

test('TypeScript: smoke.mts (import) and smoke.cts (require) type-check strictly against the installed typings', async (t) => {
  const p = installed(t)
  if (!p) return
  const result = await compileSmoke(p)
  t.is(result.code, 0, output(result))
  t.true(existsSync(join(p.dir, 'dist', 'smoke.mjs')))
  t.true(existsSync(join(p.dir, 'dist', 'smoke.cjs')))
})

for (const [file, module] of [
  ['smoke.mjs', 'esm'],
  ['smoke.cjs', 'cjs'],
] as const) {
  test(`TypeScript compiled by tsc: dist/${file} (${module === 'esm' ? 'import' : 'require'}) pingpongs on 127.0.0.1`, async (t) => {
    const p = installed(t)
    if (!p) return
    const tsc = await compileSmoke(p)
    if (tsc.code !== 0) return t.fail(`tsc failed:\n${output(tsc)}`)
    const result = await run(process.execPath, [join('dist', file)], { cwd: p.dir, env: p.env, timeout: 20_000 })
    checkSmoke(t, p, result, { runtime: 'node', module, lang: 'ts' })
  })
}

// ---------------------------------------------------------------------------
// The release workflow (it cannot run here: it is linted and checked for coverage)

const WORKFLOW = join(REPO, '.github', 'workflows', 'release.yml')

test('the release workflow is valid: action-validator accepts it', async (t) => {
  const validator = join(REPO, 'node_modules', '@action-validator', 'cli', 'cli.mjs')
  const result = await run(process.execPath, [validator, WORKFLOW], { cwd: REPO, timeout: 30_000 })
  t.is(result.code, 0, output(result))
})

test('the release workflow builds every napi target, runs npm test (typings check, runtime matrix) under Node 20, 22 and 24 on Linux, macOS and Windows, and publishes with provenance', (t) => {
  const workflow = readFileSync(WORKFLOW, 'utf8')
  for (const triple of pkg.napi.targets as string[]) {
    t.regex(workflow, new RegExp(`\\{ host: [a-z0-9.-]+, target: ${triple}, flags: `), `builds ${triple}`)
  }
  t.regex(workflow, /target: x86_64-unknown-linux-gnu, flags: --use-napi-cross/, 'linux gnu against the glibc 2.17 sysroot')
  t.regex(workflow, /host: \[ubuntu-latest, macos-latest, windows-latest\]/)
  t.regex(workflow, /node: \['20', '22', '24'\]/)
  // The whole npm test on each of them, the typings check and the runtime matrix included.
  t.regex(workflow, /run: npm test\n/, 'npm test on macOS and Windows')
  for (const step of ['npm run build', 'npm run test:rust', 'npm run test:runtimes', 'npm run typecheck', 'npm run check:dts', 'npm run test:ava']) {
    t.true(workflow.includes(step), `Linux runs ${step}`)
  }
  t.regex(workflow, /id-token: write/)
  t.regex(workflow, /napi prepublish -t npm/)
  t.regex(workflow, /npm publish --provenance/)
})
