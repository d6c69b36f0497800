/**
 * Broadcast: set_broadcast and the '<broadcast>' address.
 *
 * Broadcast is sent only inside network namespaces the test makes (see
 * netns/harness.ts): hosts A (198.51.100.1) and B (198.51.100.2) on a veth
 * link 198.51.100.0/24. A's only non-lo interface is the veth and it has a
 * default route through it, so the limited broadcast 255.255.255.255 leaves
 * by the veth and nowhere else. The UDP side runs in fixtures/netns-udp.mjs
 * inside the namespaces.
 */
import test from 'ava'

import { UV_UDP_REUSEADDR, errno } from '../index.js'
import { netnsTest, withHosts, type TopologySpec } from './netns/harness.js'
import { failures, finished, payloads, ready, runScript, startScript, step, tagged } from './netns/script.js'

const TOPOLOGY: TopologySpec = {
  hosts: { A: { routes: [['route', 'add', 'default', 'dev', 'toB']] }, B: {} },
  links: [{ a: 'A', b: 'B', ipv4: ['198.51.100.1/24', '198.51.100.2/24'] }],
}

function sorted<T>(values: readonly T[]): T[] {
  return [...values].sort()
}

netnsTest('with set_broadcast(true) datagrams to the subnet broadcast and to <broadcast> reach the other host', async (t) => {
  await withHosts(t, TOPOLOGY, async (hosts) => {
    const a = hosts.iface('A', 'B')
    t.is(a.broadcast4, '198.51.100.255')
    const receiver = startScript(hosts, 'B', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.recv('rx'),
      step.ready(),
      step.await('sent'),
      step.expect(6, 3000),
    ])
    const port = (await ready(receiver)).rx
    const sender = await runScript(hosts, 'A', [
      step.new('tx', 'inet'),
      step.call('tx', 'set_broadcast', true),
      step.send('tx', ['198.51.100.255', port], 'subnet', 3),
      step.send('tx', ['<broadcast>', port], 'limited', 3),
      step.call('tx', 'getsockname'),
    ])
    receiver.send('sent')
    const got = await finished(receiver)
    t.deepEqual(failures(sender), [])
    t.deepEqual(failures(got), [])
    t.deepEqual(
      sender.sends.map((s) => s.errors),
      [Array(3).fill(null), Array(3).fill(null)],
      'every send succeeded',
    )
    t.deepEqual(sorted(payloads(got)), sorted([...tagged('subnet', 3), ...tagged('limited', 3)]))
    const from = sender.steps.find((s) => s.method === 'getsockname')?.value as [string, number]
    for (const r of got.received) t.deepEqual(r.from, ['198.51.100.1', from[1]], `from of ${r.data}`)
  })
})

netnsTest('without set_broadcast(true) a send to a broadcast address calls back with UV_EACCES instead of throwing', async (t) => {
  await withHosts(t, TOPOLOGY, async (hosts) => {
    const receiver = startScript(hosts, 'B', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.recv('rx'),
      step.ready(),
      step.await('sent'),
      step.expect(1, 300), // anything that got through
    ])
    const port = (await ready(receiver)).rx
    const sender = await runScript(hosts, 'A', [
      step.new('tx', 'inet'),
      // Never enabled.
      step.send('tx', ['198.51.100.255', port], 'subnet', 2),
      step.send('tx', ['<broadcast>', port], 'limited', 2),
      // Enabled, then disabled again.
      step.call('tx', 'set_broadcast', true),
      step.call('tx', 'set_broadcast', false),
      step.send('tx', ['198.51.100.255', port], 'again', 1),
      step.send('tx', ['<broadcast>', port], 'again', 1),
    ])
    receiver.send('sent')
    const got = await finished(receiver)
    t.deepEqual(failures(sender), [], 'send did not throw')
    const eacces = errno.UV_EACCES
    t.is(eacces, -13)
    t.deepEqual(
      sender.sends.map((s) => s.errors),
      [
        [eacces, eacces],
        [eacces, eacces],
        [eacces],
        [eacces],
      ],
    )
    t.deepEqual(payloads(got), [], 'nothing was broadcast')
  })
})
