// Counting a benchmark process's instructions with valgrind's callgrind,
// shared by bench/instructions.js and bench/receive-instructions.js.
'use strict'
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

/** Whether valgrind runs here. */
const haveValgrind = () => spawnSync('valgrind', ['--version']).status === 0

/**
 * Instructions of `node --single-threaded script child lib n` (every
 * thread; --single-threaded because V8's helper threads move the count by
 * up to 20% between runs; fixed hash and random seeds because V8's start-up
 * search for a hash seed's primes moves it by about 2%).
 */
function countInstructions(script, lib, n) {
  const out = path.join(os.tmpdir(), `uv-udp-callgrind.${process.pid}.${path.basename(script)}.${lib.replace('/', '-')}.${n}`)
  try {
    const run = spawnSync(
      'valgrind',
      ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded', '--hash-seed=1', '--random-seed=1', script, 'child', lib, String(n)],
      { encoding: 'utf8', timeout: 600_000 },
    )
    if (run.status !== 0) throw new Error(`callgrind ${lib} ${n} exited with ${run.status}: ${run.stderr.slice(-2000)}`)
    const total = /^summary:\s+(\d+)/m.exec(fs.readFileSync(out, 'utf8'))
    if (!total) throw new Error(`no summary line in ${out}`)
    return Number(total[1])
  } finally {
    fs.rmSync(out, { force: true })
  }
}

/**
 * The steady-state instructions of one unit (a round trip, a datagram, a
 * send) of `script`'s child for `lib`: it runs `few` and `many` steps of
 * `unitsPerStep` units in fresh processes, and the difference cancels
 * start-up and warm-up.
 */
function perUnit(script, lib, few, many, unitsPerStep) {
  return Math.round((countInstructions(script, lib, many) - countInstructions(script, lib, few)) / ((many - few) * unitsPerStep))
}

/** The machine line of the JSON output. */
const machine = () => ({ cpus: os.cpus().length, model: os.cpus()[0]?.model, kernel: os.release(), node: process.version })

/**
 * A counting script's entry: `child <lib> <n>` runs `child(lib, n)` (the
 * process counted), anything else `main()` (the one that counts), when
 * valgrind is there.
 */
function runScript(child, main) {
  if (process.argv[2] !== 'child') {
    if (haveValgrind()) main()
    else console.log('valgrind is not installed (apt-get install valgrind): nothing counted')
    return
  }
  child(process.argv[3], Number(process.argv[4])).catch((error) => {
    console.error(error)
    process.exit(1)
  })
}

module.exports = { countInstructions, perUnit, machine, runScript }
