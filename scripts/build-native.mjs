// `npm run build:native`: the release build of the addon for this machine.
// On Linux x64 it links against napi-rs's glibc 2.17 sysroot (--use-napi-cross)
// so the binary runs on old distributions too (the package spec checks the
// highest GLIBC_ symbol version). Extra arguments go to `napi build`.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = ['build', '--platform', '--release', '--manifest-path', 'crates/node/Cargo.toml', '--package', 'uv-udp-node',
  '--output-dir', '.', '--js', 'binding.js', '--dts', 'binding.d.ts', ...process.argv.slice(2)]
const hostBuild = !args.includes('--target') && !args.includes('-t')
if (hostBuild && process.platform === 'linux' && process.arch === 'x64') {
  execFileSync(process.execPath, ['scripts/cross-toolchain.mjs'], { cwd: root, stdio: 'inherit' })
  args.push('--use-napi-cross')
}
execFileSync(process.execPath, ['node_modules/@napi-rs/cli/dist/cli.js', ...args], { cwd: root, stdio: 'inherit' })
