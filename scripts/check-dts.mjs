// index.d.ts, dgram.d.ts (and src/**/*.d.ts) are committed, emitted by tsc from the sources.
// After `npm run build` has re-emitted them, any difference from the
// committed files means someone changed the sources without committing the
// typings (or hand-edited the typings). In CI that fails the run.
import { execFileSync } from 'node:child_process'

import { inCI } from './ci.mjs'

const changed = execFileSync('git', ['status', '--porcelain', '--', 'index.d.ts', 'dgram.d.ts', 'src/*.d.ts'], { encoding: 'utf8' }).trim()
if (changed === '') {
  console.log('typings: the committed .d.ts files match the sources')
} else if (inCI) {
  console.error(`typings are stale: commit the .d.ts files that \`npm run build\` emits:\n${changed}`)
  process.exit(1)
} else {
  console.warn(`typings differ from the committed ones (commit them before pushing):\n${changed}`)
}
