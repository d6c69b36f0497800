/**
 * The error builders behind uv-udp/dgram's errors (src/dgram/errors.ts)
 * against the ones node:dgram throws with, Node's own `internal/errors`,
 * for generated inputs: every expected-type list a caller could pass (types,
 * classes, other words, in either order, with 'object' among classes),
 * values of every kind (odd constructors, long and quoted strings, -0,
 * NaN, large integers), bounds, ports and addresses of system errors, and
 * the SystemError of a buffer size. The dgram specs reach each builder only
 * with the fixed arguments of its callers; these reach the rest, so a
 * change to the wording of a case no caller makes today still fails here.
 *
 * Node's side runs in a child (`node --expose-internals`, which only the
 * child needs); the inputs and what is compared of each result are in
 * fixtures/error-cases.cjs, shared by both sides.
 */
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'

import test from 'ava'

const require = createRequire(import.meta.url)
const FIXTURES = join(import.meta.dirname, 'fixtures')
const { cases } = require('./fixtures/error-cases.cjs') as { cases: (builders: unknown) => [string, unknown][] }
const ours: unknown = require('../../src/dgram/errors.js')

test("the facade's error builders give what Node's internal/errors give, case by case", (t) => {
  const child = spawnSync(process.execPath, ['--expose-internals', join(FIXTURES, 'node-errors.cjs')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  t.is(child.status, 0, child.stderr)
  const node = JSON.parse(child.stdout) as [string, unknown][]
  // Through JSON as Node's side was: undefined fields and -0 read alike.
  const uv = JSON.parse(JSON.stringify(cases(ours))) as [string, unknown][]
  t.true(node.length > 600, `${node.length} cases`)
  t.deepEqual(
    uv.map(([label]) => label),
    node.map(([label]) => label),
  )
  const differing = uv.flatMap(([label, outcome], i) => (JSON.stringify(outcome) === JSON.stringify(node[i][1]) ? [] : [{ label, uv: outcome, node: node[i][1] }]))
  t.deepEqual(differing.slice(0, 5), [], `${differing.length} of ${uv.length} cases differ`)
})
