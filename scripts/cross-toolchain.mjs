// Makes napi-rs's cross toolchain for a Linux gnu target (gcc and a glibc
// 2.17 sysroot; x86_64-unknown-linux-gnu unless a triple is given, or
// aarch64-unknown-linux-gnu) available to `napi build --use-napi-cross`, so
// that the published Linux gnu binary runs on glibc >= 2.17 rather than
// needing the build machine's glibc.
//
//   node scripts/cross-toolchain.mjs [x86_64-unknown-linux-gnu | aarch64-unknown-linux-gnu]
//
// napi's own download step decompresses with @napi-rs/lzma, whose native
// binding npm skips on Node 20 (its engines ask for 22+). The toolchain is
// an ordinary registry package, so fetch it with `npm pack` and unpack it
// with the system's tar and xz into the folder napi looks in; napi then
// sees it is there and skips its own download.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const PACKAGES = {
  'x86_64-unknown-linux-gnu': '@napi-rs/cross-toolchain-x64-target-x86_64',
  'aarch64-unknown-linux-gnu': '@napi-rs/cross-toolchain-x64-target-aarch64',
}
const triple = process.argv[2] ?? 'x86_64-unknown-linux-gnu'
if (!(triple in PACKAGES)) {
  console.error(`cross-toolchain: no toolchain known for ${triple} (${Object.keys(PACKAGES).join(', ')})`)
  process.exit(2)
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`cross-toolchain: not needed on ${process.platform}-${process.arch}`)
  process.exit(0)
}
const { version } = JSON.parse(readFileSync(require.resolve('@napi-rs/cross-toolchain/package.json'), 'utf8'))
const dest = join(homedir(), '.napi-rs', 'cross-toolchain', version, triple)
if (existsSync(join(dest, 'package.json'))) process.exit(0)

const work = mkdtempSync(join(tmpdir(), 'napi-cross-'))
try {
  // The toolchain package is versioned apart from @napi-rs/cross-toolchain
  // (a registry may hold 1.0.0 while the CLI wants 1.0.5): take the newest
  // one published; it is a gcc and a glibc 2.17 sysroot either way.
  const name = PACKAGES[triple]
  const published = JSON.parse(execFileSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8' }))
  const spec = `${name}@${[published].flat().pop()}`
  console.log(`cross-toolchain: fetching ${spec} (once per machine)`)
  const tgz = execFileSync('npm', ['pack', spec, '--silent'], { cwd: work, encoding: 'utf8' }).trim().split('\n').pop()
  execFileSync('tar', ['-xzf', join(work, tgz), '-C', work])
  mkdirSync(dest, { recursive: true })
  execFileSync('tar', ['-xJf', join(work, 'package', `${triple}.tar.xz`), '-C', dest])
  if (!existsSync(join(dest, 'package.json'))) throw new Error(`unexpected toolchain layout in ${dest}`)
} catch (error) {
  rmSync(dest, { recursive: true, force: true })
  throw error
} finally {
  rmSync(work, { recursive: true, force: true })
}
