// Throughput rows measured in turns: on this shared VM a library's rate
// moves by tens of percent from one spell to the next (the host's other
// guests, where the scheduler puts this process and the load generator),
// so rows measured one after the other, a few seconds each, compared the
// machine's spells as much as the libraries. In turns, each library runs a
// warm-up slice (not kept), then TURNS slices interleaved with the others',
// the order reversed every other turn; a slow spell then falls on every
// library alike. As bench/pingpong.js's pingpongInTurns does for round trips.
'use strict'

/**
 * Runs `measure(lib, seconds)` for each of `libs`: a warm-up slice of
 * `warmup` seconds each, not kept, then `turns` turns of `seconds / turns`
 * each, the order reversed every other turn. Resolves with a Map from each
 * library to its kept slices' results, in the order they ran.
 */
async function inTurns(libs, measure, { seconds, turns, warmup }) {
  const kept = new Map(libs.map((lib) => [lib, []]))
  if (warmup > 0) {
    for (const lib of libs) await measure(lib, warmup)
  }
  for (let turn = 0; turn < turns; turn++) {
    const order = turn % 2 === 0 ? libs : [...libs].reverse()
    for (const lib of order) kept.get(lib).push(await measure(lib, seconds / turns))
  }
  return kept
}

/** The slices' numeric fields summed, field by field (counts, seconds, CPU time). */
function sum(slices) {
  const total = {}
  for (const slice of slices) {
    for (const [key, value] of Object.entries(slice)) {
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value
    }
  }
  return total
}

module.exports = { inTurns, sum }
