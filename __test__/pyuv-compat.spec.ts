/**
 * The differential suite of compat/pyuv under ava: each scenario runs on
 * pyuv 1.4.0 (built from its sdist, cached) and on uv-udp inside a network
 * namespace made for this file, and fails on any difference that the
 * README's "pyuv differs" table does not list (or on a row of the table that
 * no longer differs). Without python3, a C compiler or root it is skipped,
 * with the reason printed.
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

let ready: ReturnType<typeof prepare> | undefined
let ns: Namespace | undefined

test.before(() => {
  ready = prepare()
  if (ready.ok) ns = makeNamespace()
  else console.log(`pyuv differential suite skipped: ${ready.reason}`)
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
  test.serial(`pyuv 1.4 and uv-udp agree on ${name}, but for the README's table`, (t) => {
    if (!ready?.ok || ns === undefined) {
      t.log(`skipped: ${ready && !ready.ok ? ready.reason : 'not prepared'}`)
      t.pass()
      return
    }
    const { found, undocumented, stale } = judge(name, runScenario(ns, ready.python, name), documented)
    t.log(`${found.length} documented divergence(s)`)
    t.deepEqual(undocumented.map(describeDivergence), [], 'divergences not in the README table')
    t.deepEqual(stale, [], 'rows of the README table that no longer differ')
  })
}
