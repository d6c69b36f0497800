// npm run mutate: mutation testing, by hand, not in CI (it takes long).
//
//   npm run mutate                          every group below, one after another
//   npm run mutate -- --ts                  only src/*.ts (StrykerJS)
//   npm run mutate -- --rust                only crates/core (cargo-mutants)
//   npm run mutate -- src/address.ts crates/core/src/address.rs   only these files
//   npm run mutate -- src/udp.ts:1-200      a line range of one file (Stryker's file:from-to)
//   npm run mutate -- --report              only print the scores of the last runs
//
// Tools: StrykerJS (@stryker-mutator/core, a devDependency: `npm install`) and
// cargo-mutants (`cargo install cargo-mutants --locked`). Every run is under
// `nice -n 19`: it is CPU heavy and meant for a machine that does other work.
//
// Scoped by file, so that one run fits in well under an hour on a 2-core machine: each
// TypeScript file is mutated against the specs that exercise it (Stryker's
// command runner runs them once per mutant; there is no ava runner, so no
// per-test coverage), each Rust file against `cargo test -p uv-udp-core`.
// Specs that need a network namespace (root) are listed only where nothing
// else reaches the code (dgram/multicast, below). Every listed spec must pass
// on the unmutated tree: a failing baseline aborts Stryker.
//
// The score of a file is killed / (killed + survived + no coverage), timeouts
// counted as killed; mutants that do not compile do not count (Stryker's and
// cargo-mutants' own definitions). docs/mutation.md records the scores.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const ROOT = join(import.meta.dirname, '..')
const REPORTS = join(ROOT, 'reports', 'mutation')

/** Specs that each TypeScript file is mutated against. */
const TS = {
  'src/address.ts': ['boundary', 'contract', 'bind', 'send', 'recv', 'properties', 'address-checks'],
  'src/backend.ts': ['backend-choice', 'event-loop'],
  'src/buffer-view.ts': ['buffer-view', 'batch-maker', 'recv'],
  'src/checks.ts': ['bind', 'send', 'send-many', 'recv', 'multicast', 'bad-input'],
  'src/constants.ts': ['contract'],
  'src/data.ts': ['contract', 'send', 'send-many', 'bad-input'],
  'src/delivery.ts': ['batch-maker', 'contract', 'recv', 'lifecycle', 'close-and-run', 'recv-batch', 'header-overwrite', 'hostile-receive'],
  'src/delivery-budget.ts': ['delivery-budget', 'gro', 'flood-lateness', 'recv'],
  'src/errno.ts': ['contract', 'errors'],
  'src/errors.ts': ['boundary', 'contract', 'errors', 'bind'],
  'src/fifo.ts': ['fifo', 'udp-paths', 'send'],
  'src/loop.ts': ['lifecycle', 'close-and-run', 'recv', 'loop'],
  // dgram/message: the facade's sink (datagrams to one function, not to the
  // pyuv callback) is reached only through uv-udp/dgram.
  'src/receive-delivery.ts': ['receive-delivery', 'recv-batch', 'udp-paths', 'recv', 'delivery-budget', 'gro', 'lifecycle', 'close-and-run', 'dgram/message', 'header-overwrite', 'hostile-receive'],
  'src/run-callback.ts': ['loop', 'lifecycle', 'recv'],
  'src/send-completions.ts': ['udp-paths', 'send', 'lifecycle', 'close-and-run', 'loop'],
  'src/send-many.ts': ['send-many', 'runtimes-send-many', 'close-in-getter', 'bad-input', 'dgram/extras'],
  'src/send_path.ts': ['send-shortcut', 'repeat-paths', 'send', 'udp-paths', 'bad-input', 'contract'],
  'src/socket-calls.ts': ['socket-call-arguments', 'boundary', 'errors', 'bind', 'contract', 'multicast', 'recv', 'bad-input'],
  'src/udp.ts': ['udp-paths', 'send-shortcut', 'contract', 'send', 'send-many', 'recv', 'errors', 'lifecycle', 'close-and-run', 'loop'],
  // uv-udp/dgram: its specs live under __test__/dgram/ ('dgram/send' is
  // __test__/dgram/send.spec.ts), each test run against node:dgram and
  // uv-udp/dgram. dgram/multicast needs a network namespace (root): it is
  // listed only where nothing else reaches the code; dgram/module only loads
  // the package.
  // scoped() names a zone: only dgram/multicast's namespace has a scoped peer.
  'src/dgram/address-info.ts': ['dgram/bind', 'dgram/connect', 'dgram/multicast'],
  'src/dgram/awaiting-sends.ts': ['awaiting-sends', 'dgram/send', 'dgram/send-paths'],
  'src/dgram/bind.ts': ['dgram/bind', 'dgram/extras'],
  'src/dgram/connecting.ts': ['dgram/connect'],
  'src/dgram/create-socket.ts': ['dgram/create-socket'],
  // dgram/multicast (a namespace: root) holds the only scoped IPv6 sender.
  'src/dgram/emit-message.ts': ['dgram/message', 'dgram/extras', 'dgram/multicast'],
  'src/dgram/errors.ts': ['dgram/error-builders', 'dgram/error-wording', 'dgram/create-socket', 'dgram/send', 'dgram/bind', 'dgram/connect', 'dgram/socket-options', 'dgram/extras', 'dgram/differences'],
  'src/dgram/fd-type.ts': ['dgram/bind'],
  'src/dgram/listen-queue.ts': ['dgram/lifecycle', 'dgram/send', 'dgram/connect', 'dgram/bind'],
  'src/dgram/lookup.ts': ['dgram/send', 'dgram/bind', 'dgram/connect'],
  'src/dgram/options.ts': ['dgram/create-socket', 'dgram/socket-options'],
  'src/dgram/payload.ts': ['dgram/send', 'dgram/extras'],
  'src/dgram/send-arguments.ts': ['dgram/send', 'dgram/connect'],
  'src/dgram/sending.ts': ['dgram/send-paths', 'dgram/send', 'dgram/extras', 'dgram/connect', 'dgram/differences'],
  'src/dgram/socket-handles.ts': ['dgram/create-socket', 'dgram/socket-options', 'dgram/extras'],
  'src/dgram/socket-options.ts': ['dgram/socket-options', 'dgram/differences', 'dgram/connect', 'dgram/bind', 'dgram/lifecycle'],
  'src/dgram/socket.ts': ['dgram/bind', 'dgram/message', 'dgram/send', 'dgram/send-paths', 'dgram/connect', 'dgram/lifecycle', 'dgram/create-socket', 'dgram/socket-options', 'dgram/extras', 'dgram/differences'],
  'src/dgram/validate.ts': ['dgram/create-socket', 'dgram/error-wording', 'dgram/send', 'dgram/connect', 'dgram/socket-options', 'dgram/extras'],
}

/**
 * Files whose code differs by driver: their specs run on both, 'uv' then
 * `UV_UDP_BACKEND=reactor` (a mutant is killed if either run fails). The
 * others run on the default driver only ('uv'), which is half the time.
 */
const BOTH_DRIVERS = new Set(['src/delivery-budget.ts', 'src/receive-delivery.ts', 'src/send-completions.ts'])

/**
 * Files whose quick specs (FIRST) also run on the reactor, their other
 * specs on 'uv' only: a few lines differ by driver, and the quick specs
 * reach them, at a fraction of the time of running everything twice.
 */
const FIRST_ON_BOTH_DRIVERS = new Set(['src/udp.ts'])

/**
 * Quick specs run alone before the others (in their own ava run): a mutant
 * they kill costs a second, not the slow specs' time. Each is also in TS.
 */
const FIRST = {
  'src/backend.ts': ['backend-choice'],
  'src/delivery-budget.ts': ['delivery-budget'],
  'src/fifo.ts': ['fifo'],
  'src/receive-delivery.ts': ['receive-delivery', 'udp-paths'],
  'src/send-completions.ts': ['udp-paths'],
  'src/send_path.ts': ['send-shortcut', 'send-many'],
  'src/socket-calls.ts': ['socket-call-arguments', 'errors'],
  'src/udp.ts': ['udp-paths', 'send-shortcut'],
  'src/dgram/address-info.ts': ['dgram/bind'],
  'src/dgram/awaiting-sends.ts': ['awaiting-sends'],
  'src/dgram/bind.ts': ['dgram/bind'],
  'src/dgram/emit-message.ts': ['dgram/message'],
  'src/dgram/errors.ts': ['dgram/error-builders', 'dgram/error-wording'],
  'src/dgram/listen-queue.ts': ['dgram/send'],
  'src/dgram/lookup.ts': ['dgram/send'],
  'src/dgram/options.ts': ['dgram/create-socket'],
  'src/dgram/payload.ts': ['dgram/send'],
  'src/dgram/send-arguments.ts': ['dgram/send'],
  'src/dgram/sending.ts': ['dgram/send-paths'],
  'src/dgram/socket-handles.ts': ['dgram/create-socket'],
  'src/dgram/socket-options.ts': ['dgram/socket-options'],
  'src/dgram/socket.ts': ['dgram/bind'],
  'src/dgram/validate.ts': ['dgram/create-socket'],
}

/**
 * Stryker's allowance past 1.5 x the baseline before a mutant counts as a
 * timeout (killed). 10 s unless listed: files whose specs are quick, and
 * whose mutants fail fast (their specs wait with deadlines), need less.
 */
const TIMEOUT_MS = {
  'src/backend.ts': 5_000,
  'src/constants.ts': 5_000,
  'src/fifo.ts': 5_000,
  'src/socket-calls.ts': 5_000,
  'src/send_path.ts': 5_000,
  // The dgram specs take 1-3 s: a mutant that leaves a callback unrun is
  // given up on 2 s later.
  'src/dgram/': 2_000,
}

/** The core files mutated by cargo-mutants: the ones that hold state, and the address parser. */
const RUST = ['crates/core/src/send_requests.rs', 'crates/core/src/recv_queue.rs', 'crates/core/src/address.rs']

function run(command, args, options = {}) {
  console.log(`$ nice -n 19 ${command} ${args.join(' ')}`)
  const result = spawnSync('nice', ['-n', '19', command, ...args], { cwd: ROOT, stdio: 'inherit', ...options })
  if (result.error) throw result.error
  return result.status
}

function name(target) {
  return target.replace(/[/.:-]/g, '_')
}

function mutateTs(target) {
  const [file] = target.split(':')
  const specs = TS[file]
  if (!specs) throw new Error(`no specs are listed for ${file} in scripts/mutate.mjs`)
  mkdirSync(REPORTS, { recursive: true })
  const report = join(REPORTS, `${name(target)}.json`)
  const ava = (list) =>
    [
      'node',
      'node_modules/ava/entrypoints/cli.mjs',
      '--no-cache',
      // A mutant is killed by its first failing test: the others need not run.
      '--fail-fast',
      ...list.map((s) => `__test__/${s}.spec.ts`),
    ].join(' ')
  const first = FIRST[file] ?? []
  const rest = specs.filter((s) => !first.includes(s))
  // The quick specs on every driver first, then the others.
  const both = (list) => [ava(list), `UV_UDP_BACKEND=reactor ${ava(list)}`]
  const firstRuns = first.length ? (BOTH_DRIVERS.has(file) || FIRST_ON_BOTH_DRIVERS.has(file) ? both(first) : [ava(first)]) : []
  const restRuns = rest.length ? (BOTH_DRIVERS.has(file) ? both(rest) : [ava(rest)]) : []
  const command = [...firstRuns, ...restRuns].join(' && ')
  const config = {
    $schema: './node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    mutate: [target],
    testRunner: 'command',
    commandRunner: { command },
    // The specs import the emitted JavaScript (index.js, src/*.js): emit it
    // from the instrumented sources once, in the sandbox (whose node_modules
    // is linked here: Stryker would link it only after the build command).
    symlinkNodeModules: false,
    buildCommand: `node ${join(ROOT, 'scripts', 'mutate.mjs')} --sandbox-build`,
    // The native binary and the generated loader are not in git but are needed.
    ignorePatterns: ['target', 'runtimes/node_modules', 'reports', 'bench', 'docs', 'npm', '!*.node', '!binding.js', '!binding.d.ts'],
    concurrency: 1,
    // A mutant that makes a test wait for a callback forever is killed by
    // Stryker after 1.5 x the baseline + timeoutMS (counted as killed: Timeout).
    timeoutMS: TIMEOUT_MS[file] ?? Object.entries(TIMEOUT_MS).find(([prefix]) => prefix.endsWith('/') && file.startsWith(prefix))?.[1] ?? 10_000,
    reporters: ['clear-text', 'progress', 'json'],
    jsonReporter: { fileName: report },
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
  }
  const configFile = join(ROOT, '.stryker-tmp', `${name(target)}.conf.json`)
  mkdirSync(join(ROOT, '.stryker-tmp'), { recursive: true })
  writeFileSync(configFile, JSON.stringify(config, null, 2))
  return run('node', ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', configFile])
}

function mutateRust(files) {
  const check = spawnSync('cargo', ['mutants', '--version'], { encoding: 'utf8' })
  if (check.status !== 0) throw new Error('cargo-mutants is missing: cargo install cargo-mutants --locked')
  const out = join(ROOT, 'target', 'mutants')
  return run('cargo', ['mutants', '-p', 'uv-udp-core', ...files.flatMap((f) => ['-f', f]), '-j', '1', '-o', out])
}

/** Per-file scores from the last Stryker JSON reports and cargo-mutants outcome lists. */
function scores() {
  const rows = []
  for (const file of Object.keys(TS)) {
    for (const target of [file]) {
      const path = join(REPORTS, `${name(target)}.json`)
      if (!existsSync(path)) continue
      const json = JSON.parse(readFileSync(path, 'utf8'))
      const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, CompileError: 0, RuntimeError: 0, Ignored: 0 }
      for (const [, entry] of Object.entries(json.files)) for (const m of entry.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1
      const killed = counts.Killed + counts.Timeout
      const missed = counts.Survived + counts.NoCoverage
      rows.push({ file: target, tool: 'StrykerJS', killed, missed, other: counts.CompileError + counts.RuntimeError })
    }
  }
  const dir = join(ROOT, 'target', 'mutants', 'mutants.out')
  if (existsSync(dir)) {
    const lines = (list) => (existsSync(join(dir, list)) ? readFileSync(join(dir, list), 'utf8').split('\n').filter(Boolean) : [])
    const byFile = new Map()
    const count = (list, key) => {
      for (const line of lines(list)) {
        const file = line.slice(0, line.indexOf(':'))
        const row = byFile.get(file) ?? { file, tool: 'cargo-mutants', killed: 0, missed: 0, other: 0 }
        row[key]++
        byFile.set(file, row)
      }
    }
    count('caught.txt', 'killed')
    count('timeout.txt', 'killed')
    count('missed.txt', 'missed')
    count('unviable.txt', 'other')
    rows.push(...byFile.values())
  }
  console.log('\n| file | tool | killed | survived | not counted (no compile) | score |')
  console.log('| --- | --- | ---: | ---: | ---: | ---: |')
  for (const r of rows) {
    const score = r.killed + r.missed === 0 ? '-' : `${((100 * r.killed) / (r.killed + r.missed)).toFixed(1)}%`
    console.log(`| \`${r.file}\` | ${r.tool} | ${r.killed} | ${r.missed} | ${r.other} | ${score} |`)
  }
}

const args = process.argv.slice(2)
if (args.includes('--sandbox-build')) {
  // In a Stryker sandbox (the current directory): link node_modules, emit the JavaScript.
  symlinkSync(join(ROOT, 'node_modules'), 'node_modules')
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
  process.exit(tsc.status ?? 1)
}
if (!args.includes('--report')) {
  const files = args.filter((a) => !a.startsWith('--'))
  const tsFiles = files.length ? files.filter((f) => /\.ts(:|$)/.test(f)) : args.includes('--rust') ? [] : Object.keys(TS)
  const rustFiles = files.length ? files.filter((f) => f.endsWith('.rs')) : args.includes('--ts') ? [] : RUST
  let failed = 0
  for (const file of tsFiles) if (mutateTs(file) !== 0) failed++
  if (rustFiles.length && mutateRust(rustFiles) > 3) failed++ // cargo-mutants: 2 = some missed, 3 = timeouts
  if (failed) console.error(`${failed} mutation run(s) could not complete`)
}
scores()
