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
  problems: string[]
  error?: string
}

function gro(scenario: string, env: NodeJS.ProcessEnv = {}) {
  return run(process.execPath, [join(FIXTURES, 'gro.cjs'), scenario], 90_000, { ...process.env, UV_UDP_TEST_HOOKS: '1', ...env })
}

const scenarios: [string, string][] = [
  ['plain', 'bursts of 100 x 100 B and a 37 B datagram arrive one by one, exact, in order'],
  ['stop-start', 'stop_recv with coalesced bursts queued, start_recv later: nothing merged, nothing lost'],
  ['slow', 'a callback that works 300 us per datagram, with coalesced bursts queued: exact'],
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
    t.log(`${out.backend}: ${out.received} datagrams, ${out.coalesced} coalesced messages split`)
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
