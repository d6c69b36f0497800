/**
 * The published typings, as a TypeScript user compiles against them: the
 * packed package is installed into a fresh project and tsc (strict, NodeNext,
 * @types/node) checks __test__/types/usage.mts (every correct use, `await
 * using` included, must compile) and __test__/types/misuse.mts (every wrong
 * use must be rejected, each for the reason its `@ts-expect-error` names).
 * Then, at runtime, `Symbol.asyncDispose` does what `await using` relies on.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import test from 'ava'

import { Loop, UDP, HandleClosedError, type Address4 } from '../index.js'
import { REPO, TSC, makeProject, run, type Project, type RunResult } from './fixtures/smoke-project.js'

const TYPES = join(dirname(fileURLToPath(import.meta.url)), 'types')

interface Diagnostic {
  file: string
  line: number
  code: string
  message: string
}

function diagnostics(result: RunResult): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const match of result.stdout.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    out.push({ file: match[1].replaceAll('\\', '/'), line: Number(match[2]), code: match[3], message: match[4] })
  }
  return out
}

function show(list: Diagnostic[]): string {
  return list.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('\n')
}

/** `// @ts-expect-error TSnnnn: why` lines of misuse.mts: the line below each, and its code. */
function expectations(source: string): { line: number; code: string; why: string }[] {
  const out: { line: number; code: string; why: string }[] = []
  source.split('\n').forEach((text, index) => {
    const match = /\/\/ @ts-expect-error (TS\d+): (.*)$/.exec(text)
    if (match) out.push({ line: index + 2, code: match[1], why: match[2] })
  })
  return out
}

let project: Project | undefined
let setupError: unknown
let withDirectives: Promise<RunResult> | undefined
let withoutDirectives: Promise<RunResult> | undefined

test.before(async () => {
  try {
    project = await makeProject('types')
    if (project.install.code !== 0) throw new Error(`npm install failed: ${project.install.stderr}`)
    // @types/node as the user's project has it.
    symlinkSync(join(REPO, 'node_modules', '@types'), join(project.dir, 'node_modules', '@types'), 'junction')
    const types = join(project.dir, 'types')
    cpSync(TYPES, types, { recursive: true })
    // The same file with every directive blanked out (line numbers kept).
    const stripped = join(project.dir, 'stripped')
    mkdirSync(stripped)
    const source = readFileSync(join(TYPES, 'misuse.mts'), 'utf8')
    writeFileSync(join(stripped, 'misuse.mts'), source.replace(/^\s*\/\/ @ts-expect-error .*$/gm, ''))
    writeFileSync(join(stripped, 'tsconfig.json'), JSON.stringify({ extends: '../types/tsconfig.json', files: ['misuse.mts'] }))
    const tsc = (dir: string) => run(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: project!.dir, env: project!.env, timeout: 90_000 })
    withDirectives = tsc(types)
    withoutDirectives = tsc(stripped)
    await Promise.all([withDirectives, withoutDirectives])
  } catch (error) {
    setupError = error
  }
})

test.after.always(() => project?.dispose())

function ready(t: { fail(message: string): void }): boolean {
  if (project && withDirectives && withoutDirectives) return true
  t.fail(`setup failed: ${setupError instanceof Error ? setupError.stack : String(setupError)}`)
  return false
}

test('the typings resolve from the installed package: only its .d.ts files, no sources', (t) => {
  if (!ready(t)) return
  const files = project!.rootPack.files.map((file) => file.path)
  t.true(files.includes('index.d.ts'))
  t.deepEqual(
    files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
    [],
    'no TypeScript sources shipped: tsc can only use the declarations',
  )
})

test('every correct use compiles under strict NodeNext, await using included', async (t) => {
  if (!ready(t)) return
  const result = await withDirectives!
  const errors = diagnostics(result).filter((d) => d.file.endsWith('usage.mts'))
  t.deepEqual(errors, [], show(errors))
  t.notRegex(result.stdout, /error TS/, result.stdout)
})

test('every wrong use is rejected: no @ts-expect-error in misuse.mts goes unused', async (t) => {
  if (!ready(t)) return
  const result = await withDirectives!
  const errors = diagnostics(result).filter((d) => d.file.endsWith('misuse.mts'))
  t.deepEqual(errors, [], `TS2578 means a wrong use compiled:\n${show(errors)}`)
  t.is(result.code, 0, result.stdout + result.stderr)
})

test('each wrong use fails for its stated reason: without the directives exactly those lines fail, with those codes', async (t) => {
  if (!ready(t)) return
  const result = await withoutDirectives!
  const expected = expectations(readFileSync(join(TYPES, 'misuse.mts'), 'utf8'))
  t.true(expected.length >= 30, `${expected.length} wrong uses`)
  const found = diagnostics(result).filter((d) => d.file.endsWith('misuse.mts'))
  const mismatches = expected
    .filter(({ line, code }) => !found.some((d) => d.line === line && d.code === code))
    .map(({ line, code, why }) => {
      const here = found.filter((d) => d.line === line)
      return `line ${line} (${why}): expected ${code}, got ${here.length ? show(here) : 'no error'}`
    })
  t.deepEqual(mismatches, [], mismatches.join('\n'))
  const lines = new Set(expected.map((e) => e.line))
  const unexpected = found.filter((d) => !lines.has(d.line))
  t.deepEqual(unexpected, [], `errors on lines that carry no expectation:\n${show(unexpected)}`)
})

// ---------------------------------------------------------------------------
// Symbol.asyncDispose at runtime (what `await using` calls)

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer))
}

test('udp[Symbol.asyncDispose]() closes the handle and resolves after the close callback', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  t.is(typeof udp[Symbol.asyncDispose], 'function')
  const disposing = udp[Symbol.asyncDispose]()
  t.true(disposing instanceof Promise)
  t.true(udp.closed, 'closed from the call on')
  t.not(udp.loop, null, 'the close callback has not run yet')
  await within(2000, disposing)
  t.is(udp.loop, null, 'resolved after the close callback')
  t.deepEqual(loop.handles, [])
  t.throws(() => udp.getsockname(), { instanceOf: HandleClosedError })
})

test('udp[Symbol.asyncDispose]() on a receiving handle stops it and lets the loop finish', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  let received = 0
  udp.start_recv(() => received++)
  t.true(udp.active)
  await within(2000, udp[Symbol.asyncDispose]())
  t.false(udp.active)
  await within(2000, loop.run())
  t.deepEqual(loop.handles, [])
  t.is(received, 0)
})

test('udp[Symbol.asyncDispose]() resolves only after every send callback of the handle has run', async (t) => {
  const loop = new Loop()
  const server = new UDP(loop)
  server.bind(['127.0.0.1', 0])
  const target = server.getsockname() as Address4
  const udp = new UDP(loop)
  const outcomes: (number | null)[] = []
  udp.send(target, Buffer.from('one'), (_handle, error) => outcomes.push(error))
  await within(2000, udp[Symbol.asyncDispose]())
  t.is(outcomes.length, 1, 'the send callback ran exactly once before dispose resolved')
  server.close()
  await within(2000, loop.run())
})

test("udp[Symbol.asyncDispose]() on an already closed handle resolves, as node:dgram's socket does", async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.close()
  await t.notThrowsAsync(within(2000, udp[Symbol.asyncDispose]()))
  await within(2000, loop.run())
})
