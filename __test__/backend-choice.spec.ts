// src/backend.ts: which driver a runtime gets. Each case loads the emitted
// module in a child Node whose identity is faked before the load (Bun's or
// Deno's version entry, Windows as the platform, UV_UDP_BACKEND): only Node
// on Linux or macOS without the override gets 'uv'. No socket is made.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import test from 'ava'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The backend a child Node chooses after running `fake`, with `env` for UV_UDP_BACKEND. */
function chosen(fake: string, backendEnv: string | undefined): string {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.UV_UDP_BACKEND
  if (backendEnv !== undefined) env.UV_UDP_BACKEND = backendEnv
  // The binding is loaded first, for real (it picks its file by platform).
  const script = `require('./binding.js'); ${fake}; process.stdout.write(require('./src/backend.js').backend)`
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 })
  if (result.status !== 0) throw new Error(`child failed (${result.status ?? result.signal}): ${result.stderr}`)
  return result.stdout
}

const version = (name: string) => `Object.defineProperty(process.versions, '${name}', { value: '1.0.0', enumerable: true, configurable: true })`

test("Node on this platform, no override: 'uv'", (t) => {
  t.is(chosen('', undefined), 'uv')
})

test("UV_UDP_BACKEND=reactor forces 'reactor'; any other value leaves 'uv'", (t) => {
  t.is(chosen('', 'reactor'), 'reactor')
  t.is(chosen('', 'uv'), 'uv')
  t.is(chosen('', ''), 'uv')
})

test("a runtime that reports a Bun version gets 'reactor'", (t) => {
  t.is(chosen(version('bun'), undefined), 'reactor')
})

test("a runtime that reports a Deno version gets 'reactor'", (t) => {
  t.is(chosen(version('deno'), undefined), 'reactor')
})

test("Windows gets 'reactor'", (t) => {
  t.is(chosen(`Object.defineProperty(process, 'platform', { value: 'win32' })`, undefined), 'reactor')
})
