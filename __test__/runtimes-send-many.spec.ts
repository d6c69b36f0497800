// try_send_many under Bun, where src/send-many.ts hands the binding every
// datagram as its own view (Bun's napi reads views for less than its
// TypedArray set copies them), and under Node and Deno (V8), where small
// datagrams are copied into one area: the same fixture, the same bytes
// received.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

const FIXTURE = join(process.cwd(), '__test__', 'fixtures', 'send-many-check.cjs')
const BUN = join(process.cwd(), 'node_modules', 'bun', 'bin', 'bun.exe')
const DENO = join(process.cwd(), 'node_modules', 'deno', 'deno')

const runtimes: [name: string, bin: string, args: string[]][] = [
  ['Node', process.execPath, []],
  ['Bun', BUN, ['--no-install']],
  // As runtimes.spec runs Deno: the addon needs --allow-ffi, the sockets --allow-net; nothing fetched.
  ['Deno', DENO, ['run', '--allow-all', '--no-remote', '--cached-only', '--node-modules-dir=manual']],
]

for (const [name, bin, args] of runtimes) {
  test(`try_send_many under ${name}: 40 datagrams of mixed sizes and view types to two receivers arrive byte for byte`, (t) => {
    if (!existsSync(bin)) {
      t.fail(`${bin} is not installed (npm install installs it)`)
      return
    }
    const denoDir = mkdtempSync(join(tmpdir(), 'uv-udp-deno-'))
    t.teardown(() => rmSync(denoDir, { recursive: true, force: true }))
    const env = { ...process.env, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' }
    const run = spawnSync(bin, [...args, FIXTURE], { encoding: 'utf8', timeout: 30_000, env })
    t.is(run.status, 0, `exit ${run.status}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`)
    const line = run.stdout.trim().split('\n').pop() ?? '{}'
    t.like(JSON.parse(line), { runtime: name.toLowerCase(), sent: 40, arrived: true, same: true }, line)
  })
}
