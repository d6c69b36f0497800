// `npm run test:soak`: the soak (__test__/soak.spec.ts) on its own, after
// the other specs. Its throughput floor is a measure of how much of the
// machine the soak got: run beside the other spec files (two at a time on
// a 2-core machine), what it carried depended on which files ran with it.
// Everything else is package.json's ava configuration.
import { readFileSync } from 'node:fs'

const { ava } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))

export default { ...ava, files: ['__test__/soak.spec.ts'] }
