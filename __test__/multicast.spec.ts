/**
 * Multicast: set_membership, set_multicast_interface, set_multicast_loop,
 * set_multicast_ttl.
 *
 * Every test that sends multicast does it inside network namespaces it makes
 * (see netns/harness.ts), never in the machine's own namespace, and runs the
 * UDP side in the scripted fixture fixtures/netns-udp.mjs there. Tests that
 * only set options or leave a group never joined send nothing and run here,
 * in-process.
 *
 * Loopback: IPv4 multicast loops over `lo` in a namespace (lo with the
 * MULTICAST flag and 224.0.0.0/4 dev lo). IPv6 multicast cannot: the kernel
 * turns every IPv6 route through lo into a reject route (ip6_route_info_create),
 * so sends to ff0x:: on lo are dropped as "no route". Joining and leaving IPv6
 * groups on lo works and is tested on lo; IPv6 delivery is tested over a veth
 * pair between two namespaces. Likewise set_multicast_loop(false) has no
 * effect on lo (the datagram comes back through lo's own transmit path), so
 * it is tested over a veth pair too.
 */
import test from 'ava'

import {
  AF_INET,
  AF_INET6,
  Loop,
  UDP,
  UDPError,
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
  UV_UDP_REUSEADDR,
  errno,
} from '../index.js'
import { netnsTest, withHosts, type Hosts, type TopologySpec } from './netns/harness.js'
import { failures, finished, payloads, portOf, ready, runScript, startScript, step, tagged, type ScriptResult } from './netns/script.js'

const TWO_HOSTS: TopologySpec = { hosts: ['A', 'B'], links: [{ a: 'A', b: 'B' }] }

function sorted<T>(values: readonly T[]): T[] {
  return [...values].sort()
}

function addressesOf(hosts: Hosts) {
  const a = hosts.iface('A', 'B')
  const b = hosts.iface('B', 'A')
  return { a, b }
}

function closeAll(t: { teardown(fn: () => void): void }, ...handles: UDP[]): void {
  t.teardown(() => {
    for (const handle of handles) if (!handle.closed) handle.close()
  })
}

/** The step results of one method, in order. */
function resultsOf(result: ScriptResult, method: string) {
  return result.steps.filter((s) => s.method === method)
}

// ---------------------------------------------------------------------------
// Inside a namespace, over loopback

netnsTest('IPv4 multicast over loopback reaches a member until it leaves the group', async (t) => {
  await withHosts(t, 'single', async (hosts) => {
    const group = '239.1.2.3'
    const result = await runScript(hosts, 'H', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', group, UV_JOIN_GROUP, '127.0.0.1'),
      step.recv('rx'),
      step.new('tx', 'inet'),
      step.call('tx', 'set_multicast_interface', '127.0.0.1'),
      step.call('tx', 'set_multicast_loop', true),
      step.phase('joined'),
      step.send('tx', [group, portOf('rx')], 'joined', 5),
      step.expect(5, 3000),
      step.call('tx', 'getsockname'),
      step.call('rx', 'set_membership', group, UV_LEAVE_GROUP, '127.0.0.1'),
      step.phase('left'),
      step.send('tx', [group, portOf('rx')], 'left', 5),
      step.expect(1, 500),
      // Leaving again: no longer a member.
      step.call('rx', 'set_membership', group, UV_LEAVE_GROUP, '127.0.0.1'),
    ])
    const leaves = resultsOf(result, 'set_membership')
    t.deepEqual(
      leaves.map((s) => s.ok),
      [true, true, false],
      'join, leave, leave again',
    )
    t.like(leaves[2].error, { name: 'UDPError', errno: errno.UV_EADDRNOTAVAIL, code: 'EADDRNOTAVAIL' })
    t.deepEqual(
      result.steps.filter((s) => !s.ok && s.method !== 'set_membership'),
      [],
    )
    t.deepEqual(result.sends.map((s) => s.errors), [Array(5).fill(null), Array(5).fill(null)], 'every send succeeded')
    t.deepEqual(payloads(result, { phase: 'joined' }), tagged('joined', 5))
    const sender = resultsOf(result, 'getsockname')[0].value as [string, number]
    for (const r of result.received) t.deepEqual(r.from, ['127.0.0.1', sender[1]])
    t.deepEqual(payloads(result, { phase: 'left' }), [], 'nothing arrives after UV_LEAVE_GROUP')
  })
})

netnsTest('IPv6 groups are joined and left on lo with the %lo and ::%lo selectors', async (t) => {
  await withHosts(t, 'single', async (hosts) => {
    const result = await runScript(hosts, 'H', [
      step.new('s', 'inet6'),
      step.call('s', 'bind', ['::', 0], UV_UDP_REUSEADDR),
      step.call('s', 'set_membership', 'ff02::db8:1', UV_JOIN_GROUP, '%lo'),
      step.call('s', 'set_membership', 'ff0e::db8:1', UV_JOIN_GROUP, '::%lo'),
      step.call('s', 'set_membership', 'ff02::db8:1', UV_LEAVE_GROUP, '%lo'),
      step.call('s', 'set_membership', 'ff0e::db8:1', UV_LEAVE_GROUP, '::%lo'),
      step.call('s', 'set_membership', 'ff0e::db8:1', UV_LEAVE_GROUP, '::%lo'),
    ])
    const membership = resultsOf(result, 'set_membership')
    t.deepEqual(
      membership.map((s) => s.ok),
      [true, true, true, true, false],
      JSON.stringify(membership),
    )
    t.like(membership[4].error, { name: 'UDPError', errno: errno.UV_EADDRNOTAVAIL, code: 'EADDRNOTAVAIL' })
  })
})

// ---------------------------------------------------------------------------
// In-process: no datagram is sent

test('leaving an IPv4 group never joined throws UDPError UV_EADDRNOTAVAIL', (t) => {
  const handle = new UDP(new Loop())
  closeAll(t, handle)
  handle.bind(['127.0.0.1', 0])
  const error = t.throws(() => handle.set_membership('239.1.2.9', UV_LEAVE_GROUP, '127.0.0.1'), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EADDRNOTAVAIL)
  t.is(error?.code, 'EADDRNOTAVAIL')
})

test('leaving an IPv6 group never joined throws UDPError UV_EADDRNOTAVAIL', (t) => {
  const handle = new UDP(new Loop())
  closeAll(t, handle)
  handle.bind(['::1', 0])
  const error = t.throws(() => handle.set_membership('ff0e::db8:9', UV_LEAVE_GROUP, '::%lo'), { instanceOf: UDPError })
  t.is(error?.errno, errno.UV_EADDRNOTAVAIL)
  t.is(error?.code, 'EADDRNOTAVAIL')
})

test('set_multicast_ttl accepts 0 through 255 and throws UDPError UV_EINVAL outside it', (t) => {
  const loop = new Loop()
  const v4 = new UDP(loop, AF_INET)
  const v6 = new UDP(loop, AF_INET6)
  closeAll(t, v4, v6)
  for (const handle of [v4, v6]) {
    for (const ttl of [0, 1, 2, 64, 128, 254, 255]) t.notThrows(() => handle.set_multicast_ttl(ttl), `ttl ${ttl}`)
    for (const ttl of [-1, 256, 1000]) {
      const error = t.throws(() => handle.set_multicast_ttl(ttl), { instanceOf: UDPError }, `ttl ${ttl}`)
      t.is(error?.errno, errno.UV_EINVAL, `ttl ${ttl}`)
    }
  }
})

test('set_multicast_interface as libuv: IPv4 on an IPv6 socket is taken (dual stack), IPv6 on an IPv4 socket is UV_ENOPROTOOPT, a non-literal UV_EINVAL', (t) => {
  const loop = new Loop()
  const v4 = new UDP(loop, AF_INET)
  const v6 = new UDP(loop, AF_INET6)
  closeAll(t, v4, v6)
  t.notThrows(() => v6.set_multicast_interface('127.0.0.1'), 'IP_MULTICAST_IF on an IPv6 socket')
  const refused = t.throws(() => v4.set_multicast_interface('::1'), { instanceOf: UDPError })
  // The kernel's answer, passed on as libuv does: Linux's is ENOPROTOOPT.
  if (process.platform === 'linux') {
    t.is(refused?.errno, errno.UV_ENOPROTOOPT)
    t.is(refused?.code, 'ENOPROTOOPT')
  }
  for (const handle of [v4, v6]) {
    for (const iface of ['', '%lo', 'not-an-ip', '<broadcast>']) {
      const error = t.throws(() => handle.set_multicast_interface(iface), { instanceOf: UDPError }, iface)
      t.is(error?.errno, errno.UV_EINVAL, iface)
      t.is(error?.code, 'EINVAL', iface)
    }
  }
  t.notThrows(() => v4.set_multicast_interface('127.0.0.1'))
  t.notThrows(() => v4.set_multicast_interface(), 'omitted: the OS default')
  t.notThrows(() => v6.set_multicast_interface('::%lo'))
  t.notThrows(() => v6.set_multicast_interface(undefined), 'undefined: the OS default')
})

// ---------------------------------------------------------------------------
// Two namespaces joined by a veth pair: A (198.51.100.1, 2001:db8:1::1) and
// B (198.51.100.2, 2001:db8:1::2)

netnsTest('IPv4 multicast between two hosts reaches the member that joined on its interface address', async (t) => {
  await withHosts(t, TWO_HOSTS, async (hosts) => {
    const { a, b } = addressesOf(hosts)
    const group = '239.1.2.3'
    const receiver = startScript(hosts, 'B', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', group, UV_JOIN_GROUP, b.ipv4),
      step.recv('rx'),
      step.ready(),
      step.await('sent'),
      step.expect(5, 3000),
      step.sleep(100), // strays
    ])
    const port = (await ready(receiver)).rx
    const sender = await runScript(hosts, 'A', [
      step.new('tx', 'inet'),
      step.call('tx', 'set_multicast_interface', a.ipv4),
      // A group B did not join, sent first: it must not show up.
      step.send('tx', ['239.1.2.4', port], 'other', 3),
      step.send('tx', [group, port], 'group', 5),
      step.call('tx', 'getsockname'),
    ])
    receiver.send('sent')
    const got = await finished(receiver)
    t.deepEqual(failures(sender), [])
    t.deepEqual(failures(got), [])
    t.deepEqual(sender.sends.map((s) => s.errors), [Array(3).fill(null), Array(5).fill(null)])
    t.deepEqual(payloads(got), tagged('group', 5))
    const from = resultsOf(sender, 'getsockname')[0].value as [string, number]
    for (const r of got.received) t.deepEqual(r.from, [a.ipv4, from[1]])
  })
})

netnsTest('set_multicast_loop(false) stops a member seeing its own datagrams; the other host still gets them', async (t) => {
  await withHosts(t, TWO_HOSTS, async (hosts) => {
    const { a, b } = addressesOf(hosts)
    const group = '239.1.2.5'
    const other = startScript(hosts, 'B', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', group, UV_JOIN_GROUP, b.ipv4),
      step.recv('rx'),
      step.ready(),
      step.await('sent'),
      step.expect(10, 3000),
    ])
    const port = (await ready(other)).rx
    // A sends from the very socket that joined the group, on the same port.
    const self = await runScript(hosts, 'A', [
      step.new('m'),
      step.call('m', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
      step.call('m', 'set_membership', group, UV_JOIN_GROUP, a.ipv4),
      step.call('m', 'set_multicast_interface', a.ipv4),
      step.recv('m'),
      step.call('m', 'set_multicast_loop', true),
      step.phase('loop on'),
      step.send('m', [group, port], 'on', 5),
      step.expect(5, 2000),
      step.call('m', 'set_multicast_loop', false),
      step.phase('loop off'),
      step.send('m', [group, port], 'off', 5),
      step.expect(1, 500),
    ])
    other.send('sent')
    const seen = await finished(other)
    t.deepEqual(failures(self), [])
    t.deepEqual(failures(seen), [])
    t.deepEqual(payloads(self, { phase: 'loop on' }), tagged('on', 5), 'loop on: the member sees its own datagrams')
    t.deepEqual(payloads(self, { phase: 'loop off' }), [], 'loop off: it does not')
    t.deepEqual(sorted(payloads(seen)), sorted([...tagged('on', 5), ...tagged('off', 5)]), 'B got all ten')
  })
})

netnsTest('multicast TTL 0 keeps datagrams on the sending host while TTL 1 reaches the next host', async (t) => {
  await withHosts(t, TWO_HOSTS, async (hosts) => {
    const { a, b } = addressesOf(hosts)
    const group = '239.1.2.6'
    const far = startScript(hosts, 'B', [
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', 0], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', group, UV_JOIN_GROUP, b.ipv4),
      step.recv('rx'),
      step.ready(),
      step.await('sent'),
      step.expect(3, 3000),
      step.sleep(100), // strays
    ])
    const port = (await ready(far)).rx
    const near = await runScript(hosts, 'A', [
      // A local member on the same port sees both TTLs (multicast loop).
      step.new('rx'),
      step.call('rx', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', group, UV_JOIN_GROUP, a.ipv4),
      step.recv('rx'),
      step.new('tx', 'inet'),
      step.call('tx', 'set_multicast_interface', a.ipv4),
      step.call('tx', 'set_multicast_loop', true),
      step.call('tx', 'set_multicast_ttl', 0),
      step.send('tx', [group, port], 'ttl0', 3),
      step.call('tx', 'set_multicast_ttl', 1),
      step.send('tx', [group, port], 'ttl1', 3),
      step.expect(6, 3000),
    ])
    far.send('sent')
    const got = await finished(far)
    t.deepEqual(failures(near), [])
    t.deepEqual(failures(got), [])
    t.deepEqual(near.sends.map((s) => s.errors), [Array(3).fill(null), Array(3).fill(null)])
    t.deepEqual(sorted(payloads(near)), sorted([...tagged('ttl0', 3), ...tagged('ttl1', 3)]), 'both TTLs loop back locally')
    t.deepEqual(payloads(got), tagged('ttl1', 3), 'only TTL 1 leaves the host')
  })
})

netnsTest('IPv6 multicast over a veth pair reaches a member of ff02:: and ff0e:: groups until it leaves', async (t) => {
  await withHosts(t, TWO_HOSTS, async (hosts) => {
    const { a, b } = addressesOf(hosts)
    const linkGroup = 'ff02::db8:1'
    const globalGroup = 'ff0e::db8:1'
    const receiver = startScript(hosts, 'B', [
      step.new('rx', 'inet6'),
      step.call('rx', 'bind', ['::', 0], UV_UDP_REUSEADDR),
      step.call('rx', 'set_membership', linkGroup, UV_JOIN_GROUP, `%${b.name}`),
      step.call('rx', 'set_membership', globalGroup, UV_JOIN_GROUP, `::%${b.name}`),
      step.recv('rx'),
      step.phase('joined'),
      step.ready('joined'),
      step.await('sent'),
      step.expect(8, 3000),
      step.call('rx', 'set_membership', linkGroup, UV_LEAVE_GROUP, `%${b.name}`),
      step.call('rx', 'set_membership', globalGroup, UV_LEAVE_GROUP, `::%${b.name}`),
      step.phase('left'),
      step.ready('left'),
      step.await('sent again'),
      step.expect(1, 300), // anything that got through
    ])
    const port = (await ready(receiver, 'joined')).rx
    const sender = startScript(hosts, 'A', [
      step.new('tx', 'inet6'),
      step.call('tx', 'set_multicast_interface', `::%${a.name}`),
      step.send('tx', [linkGroup, port], 'link', 3),
      step.send('tx', [globalGroup, port], 'global', 3),
      // No multicast interface: the zone of the destination picks it.
      step.new('zone', 'inet6'),
      step.send('zone', [`${linkGroup}%${a.name}`, port], 'zone', 2),
      step.call('tx', 'getsockname'),
      step.call('zone', 'getsockname'),
      step.ready('sent'),
      step.await('go'),
      step.send('tx', [linkGroup, port], 'after', 2),
      step.send('tx', [globalGroup, port], 'after', 2),
    ])
    await ready(sender, 'sent')
    receiver.send('sent')
    await ready(receiver, 'left')
    sender.send('go')
    const sent = await finished(sender)
    receiver.send('sent again')
    const got = await finished(receiver)
    t.deepEqual(failures(sent), [])
    t.deepEqual(failures(got), [])
    t.deepEqual(
      sent.sends.map((s) => s.errors),
      [Array(3).fill(null), Array(3).fill(null), Array(2).fill(null), Array(2).fill(null), Array(2).fill(null)],
    )
    t.deepEqual(sorted(payloads(got, { phase: 'joined' })), sorted([...tagged('link', 3), ...tagged('global', 3), ...tagged('zone', 2)]))
    t.deepEqual(payloads(got, { phase: 'left' }), [], 'nothing arrives after UV_LEAVE_GROUP')
    const [txPort, zonePort] = resultsOf(sent, 'getsockname').map((s) => (s.value as [string, number])[1])
    for (const r of got.received) {
      const tag = r.data?.split('#')[0]
      // Link-scope groups are sent from A's fe80:: address, reported with B's
      // interface as scope_id; the global-scope group from its global address.
      if (tag === 'link') t.deepEqual(r.from, [a.linkLocal, txPort, 0, b.ifindex], `from of ${r.data}`)
      if (tag === 'zone') t.deepEqual(r.from, [a.linkLocal, zonePort, 0, b.ifindex], `from of ${r.data}`)
      if (tag === 'global') t.deepEqual(r.from, [a.ipv6, txPort, 0, 0], `from of ${r.data}`)
    }
  })
})
