// `npm run check:targets`: type-checks and lints the Rust crates, tests
// included, for every target the package ships (package.json napi.targets),
// so that each platform's cfg branches compile before the release workflow
// builds them for real. `cargo clippy --target T` needs no linker, only the
// target's standard library, which this script adds with rustup when it is
// missing (that download comes from static.rust-lang.org, not a registry:
// hence a script of its own, outside `npm test`).
//
//   node scripts/check-targets.mjs [target ...]     default: every target
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const root = new URL('..', import.meta.url)
const targets = process.argv.length > 2 ? process.argv.slice(2) : JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).napi.targets
const installed = new Set(execFileSync('rustup', ['target', 'list', '--installed'], { encoding: 'utf8' }).split('\n').filter(Boolean))

const failed = []
for (const target of targets) {
  if (!installed.has(target)) {
    console.log(`rustup target add ${target}`)
    if (spawnSync('rustup', ['target', 'add', target], { stdio: 'inherit' }).status !== 0) {
      failed.push(`${target} (its standard library could not be installed)`)
      continue
    }
  }
  console.log(`cargo clippy --target ${target}`)
  const run = spawnSync('cargo', ['clippy', '--target', target, '--workspace', '--all-targets', '--', '-D', 'warnings'], { cwd: root, stdio: 'inherit' })
  if (run.status !== 0) failed.push(target)
}
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`)
  process.exit(1)
}
console.log(`clean on ${targets.length} targets: ${targets.join(', ')}`)
