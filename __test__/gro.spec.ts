// UDP GRO on the receive path (Linux): the kernel may hand several datagrams
// of one flow as one message; every datagram must still reach the callback
// alone, exact and in order, on both drivers, whatever the receiver does in
// between (stop_recv with coalesced messages queued, slow callbacks,
// pktinfo). Each scenario runs in a child (fixtures/gro.cjs) with the test
// hooks on, whose coalesced-message counter proves that the kernel did
// coalesce, so a receiver that never got GRO cannot pass for one that
// splits correctly.
//
// GRO is never turned off on a socket once on: a message coalesced before
// the switch would arrive after it without its segment size. The stop-start
// scenario fails (datagrams of 6400 B where 100 B were sent, on 'uv') if
// stop_recv turns GRO off; checked by hand.
import { join } from 'node:path'

import { linux, needs } from './support/capability.js'
import { FIXTURES, report, run } from './support/child.js'
import { backend } from '../index.js'

interface Report {
  scenario: string
  backend: string
  received: number
  expected: number
  coalesced: number
  coalescedAfterWarmup: number
  maxTurnMs: number
  maxTurnCallbacks: number
  problems: string[]
  error?: string
}

function gro(scenario: string, env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [join(FIXTURES, 'gro.cjs'), scenario], 90_000, { ...process.env, UV_UDP_TEST_HOOKS: '1', ...env })
}

/**
 * The most receive callbacks one turn of the event loop may run while a slow
 * callback drains coalesced bursts: the budget reads the clock at most every
 * 32 datagrams (delivery-budget.ts), so a cost that jumps runs over by at
 * most that many; twice it, for the turn's own slice.
 */
const MAX_TURN_CALLBACKS = 64

const scenarios: [string, string][] = [
  ['plain', 'bursts of 100 x 100 B and a 37 B datagram arrive one by one, exact, in order'],
  ['stop-start', 'stop_recv with coalesced bursts queued, start_recv later: nothing merged, nothing lost'],
  ['slow', 'a callback that turns slow (1 ms) with coalesced bursts queued: exact, and no loop turn runs more than ~32 callbacks'],
  ['pktinfo', 'pktinfo: every datagram of a coalesced message reports its destination and interface'],
]

for (const [scenario, title] of scenarios) {
  needs(linux('UDP GRO is Linux'))(`GRO: ${title}`, async (t) => {
    t.timeout(120_000)
    const result = await gro(scenario)
    const out = report<Report>(t, result)
    if (!out) return
    t.is(out.error, undefined)
    t.is(out.backend, backend)
    t.deepEqual(out.problems, [])
    t.true(out.expected > 0)
    t.is(out.received, out.expected)
    t.true(out.coalescedAfterWarmup > 0, `the kernel coalesced ${out.coalescedAfterWarmup} messages after the warm-up (${out.coalesced} in all)`)
    t.log(
      `${out.backend}: ${out.received} datagrams, ${out.coalesced} coalesced messages split` +
        (scenario === 'slow' ? `; longest loop turn ${out.maxTurnMs} ms, ${out.maxTurnCallbacks} callbacks` : ''),
    )
    if (scenario === 'slow') {
      // 505 datagrams were queued, coalesced: a driver that delivered whole
      // reads ran ~200 callbacks of 1 ms in one turn here (2,048 in the
      // review's repro, 2,059 ms); counted in callbacks, not ms, so that a
      // loaded machine cannot fail it.
      t.true(out.maxTurnCallbacks <= MAX_TURN_CALLBACKS, `one loop turn ran ${out.maxTurnCallbacks} receive callbacks (bound ${MAX_TURN_CALLBACKS})`)
    }
  })
}

needs(linux('UDP GRO is Linux'))('GRO: UV_UDP_GRO=0 keeps it off (nothing coalesced), and every datagram arrives exact', async (t) => {
  t.timeout(120_000)
  const out = report<Report>(t, await gro('plain', { UV_UDP_GRO: '0' }))
  if (!out) return
  t.is(out.error, undefined)
  t.deepEqual(out.problems, [])
  t.is(out.received, out.expected)
  t.is(out.coalesced, 0)
})

// An adopted socket (open(fd)), made by python3 (fixtures/gro-adopted.py)
// with receive options whose control messages Linux puts before UDP_GRO's
// (timestamps, the mark): uv-udp does not turn GRO on for it (its options
// are its owner's), and where its owner did, every coalesced message is
// still split, with its packet info. With the 96-byte control room of the
// first version, the owner-GRO case got 1000 B datagrams flagged partial,
// without packet info: checked by hand.
interface AdoptedReport {
  backend: string
  expected: number
  received: number
  kinds: Record<string, number>
  coalesced: number | null
  problems: string[]
  groAfter: boolean
  ownerGro: boolean
  error?: string
}

for (const ownerGro of [false, true]) {
  needs(linux('UDP GRO is Linux'))(
    `GRO: an adopted socket with timestamps and marks, GRO ${ownerGro ? 'on by its owner: split exact' : 'off: left off'}, pktinfo on every datagram`,
    async (t) => {
      t.timeout(60_000)
      const result = await run('python3', [join(FIXTURES, 'gro-adopted.py'), ownerGro ? '1' : '0'], 45_000, {
        ...process.env,
        NODE: process.execPath,
        UV_UDP_TEST_HOOKS: '1',
      })
      const out = report<AdoptedReport>(t, result)
      if (!out) return
      t.is(out.error, undefined)
      t.is(out.backend, backend)
      t.deepEqual(out.problems, [])
      t.deepEqual(out.kinds, { '100 B, flags 0, 127.0.0.1 if>0': out.expected })
      t.is(out.groAfter, ownerGro, ownerGro ? 'GRO stays on' : 'uv-udp did not turn GRO on for an adopted socket')
      if (ownerGro) t.true((out.coalesced ?? 0) > 0, 'the kernel coalesced, and uv-udp split')
      else t.is(out.coalesced, 0)
    },
  )
}
