/**
 * The differential suite of compat/pyuv under ava: each scenario runs on
 * pyuv 1.4.0 (built from its sdist, cached) and on uv-udp inside a network
 * namespace made for this file, and fails on any difference that the
 * README's "pyuv differs" table does not list (or on a row of the table that
 * no longer differs). Whether it runs is decided where the tests are
 * declared (support/capability.ts's needs): without Linux, root or `ip` each
 * scenario is reported as skipped with the reason in its title, and with
 * CI=true it fails instead (but for not being on Linux); without python3, a
 * C compiler or what compat/pyuv/build.sh needs it is a skip, in CI too (a
 * missing tool, not a missing privilege). pyuv is built (or found in its
 * cache) when this file loads, so that the decision can be made.
 */
import test from 'ava'

import {
  type Namespace,
  describeDivergence,
  documentedDifferences,
  judge,
  makeNamespace,
  prepare,
  runScenario,
  scenarioNames,
} from '../compat/pyuv/run.mjs'

import { needs } from './support/capability.js'

const ready = prepare()
const scenarioTest = needs(
  ready.ok ? { ok: true } : { ok: false, reason: `pyuv differential suite ${ready.reason}`, platform: process.platform !== 'linux' },
  { requiredInCI: !(!ready.ok && ready.toolchain === true) },
)
let ns: Namespace | undefined

test.before(() => {
  if (ready.ok) ns = makeNamespace()
})

test.after.always(() => {
  ns?.delete()
})

const documented = documentedDifferences()

test('the README lists the pyuv differs rows the comparer reads', (t) => {
  t.true(documented.size > 0)
})

for (const name of scenarioNames()) {
  // One at a time: the scenarios use fixed ports inside the one namespace.
  scenarioTest.serial(`pyuv 1.4 and uv-udp agree on ${name}, but for the README's table`, (t) => {
    if (!ready.ok || ns === undefined) throw new Error('declared without pyuv or its namespace')
    const { found, undocumented, stale } = judge(name, runScenario(ns, ready.python, name), documented)
    t.log(`${found.length} documented divergence(s)`)
    t.deepEqual(undocumented.map(describeDivergence), [], 'divergences not in the README table')
    t.deepEqual(stale, [], 'rows of the README table that no longer differ')
  })
}
