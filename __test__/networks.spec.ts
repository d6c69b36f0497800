/**
 * Real networks: multicast, IPv6 scopes, broadcast, TTL, port sharing,
 * source-specific multicast, packet info and connected handles, proven
 * between hosts of a multi-host topology the test builds itself.
 *
 * The topology (netns/topology.ts): hosts A, B and C on one switched LAN;
 * A's second link to C; router R between B and D. Every host is a network
 * namespace, every link a veth pair (the LAN's go to a bridge in switch
 * namespace S), every address from the documentation ranges or fe80::.
 * Nothing can leave: no namespace is linked to the machine's own. The UDP side
 * of each host is the scripted fixture fixtures/netns-udp.mjs, run inside the
 * host with `ip netns exec`; the test reads back what it sent and received.
 *
 * One topology serves the whole file (built once, ~0.2 s) and is always torn
 * down. Tests run concurrently in it without meeting: each has its own ports
 * (fixed, below the ephemeral range, so no socket of another test can hold
 * them) and its own groups.
 *
 * Without root the tests are reported as skipped, the reason in their titles;
 * with CI=true they fail instead (netnsTest, support/capability.ts).
 *
 * Covered elsewhere, not repeated here: set_multicast_loop(false) on a member
 * socket (multicast.spec.ts, over a veth pair), multicast TTL 0/1
 * (multicast.spec.ts), join/leave of IPv6 groups on lo (multicast.spec.ts).
 */
import test from 'ava'

import {
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  errno,
} from '../index.js'
import { canUseNetns, netnsTest } from './netns/harness.js'
import {
  buffer,
  failures,
  finished,
  payloads,
  ready,
  runScript,
  startScript,
  step,
  tagged,
  type Received,
  type ScriptResult,
  type StepResult,
} from './netns/script.js'
import { createNetworks, type Networks } from './netns/topology.js'

let built: Networks | undefined

test.before(async () => {
  if (canUseNetns().ok) built = await createNetworks()
})

test.after.always(async () => {
  await built?.destroy()
})

/** The topology (only netnsTest tests call this: they run only where it was built). */
function networks(): Networks {
  if (!built) throw new Error('the topology was not built')
  return built
}

function sorted<T>(values: readonly T[]): T[] {
  return [...values].sort()
}

/** The results of the `call` steps of `method`, in order. */
function calls(result: ScriptResult, method: string): StepResult[] {
  return result.steps.filter((s) => s.op === 'call' && s.method === method)
}

/** The value `getsockname` returned in a script (the n-th call). */
function sockname(result: ScriptResult, n = 0): [string, number] | [string, number, number, number] {
  return calls(result, 'getsockname')[n].value as [string, number]
}

function received(result: ScriptResult, filter: { phase?: string; sock?: string } = {}): Received[] {
  return result.received.filter((r) => (filter.phase === undefined || r.phase === filter.phase) && (filter.sock === undefined || r.sock === filter.sock))
}

/** Each `call` step as `{ method, value }` or `{ method, errno }`, for one readable deepEqual. */
function outcomes(result: ScriptResult): { method: string | undefined; value?: unknown; errno?: number; name?: string }[] {
  return result.steps
    .filter((s) => s.op === 'call')
    .map((s) => (s.ok ? { method: s.method, value: s.value } : { method: s.method, errno: s.error?.errno, name: s.error?.name }))
}

const none = (count: number): null[] => Array(count).fill(null)

// ---------------------------------------------------------------------------
// IPv4 multicast

netnsTest('IPv4 multicast from multi-homed A reaches only the member on the link set_multicast_interface picks', async (t) => {
  const net = networks()
  const { hosts, A, B, C } = net
  const group = '239.2.0.1'
  const port = 5101
  // B joins on its LAN address, C on its address on the A–C link.
  const member = (iface: string) => [
    step.new('rx'),
    step.call('rx', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
    step.call('rx', 'set_membership', group, UV_JOIN_GROUP, iface),
    step.recv('rx'),
    step.ready(),
    step.await('sent'),
    step.expect(3, 3000),
    step.sleep(100), // strays
  ]
  const onB = startScript(hosts, 'B', member(B.lan.ipv4))
  const onC = startScript(hosts, 'C', member(C.toA.ipv4))
  await Promise.all([ready(onB), ready(onC)])
  const sender = await runScript(hosts, 'A', [
    step.new('tx', 'inet'),
    step.call('tx', 'set_multicast_interface', A.lan.ipv4),
    step.send('tx', [group, port], 'lan', 3),
    step.call('tx', 'set_multicast_interface', A.toC.ipv4),
    step.send('tx', [group, port], 'toC', 3),
    step.call('tx', 'getsockname'),
  ])
  onB.send('sent')
  onC.send('sent')
  const [gotB, gotC] = await Promise.all([finished(onB), finished(onC)])
  t.deepEqual(failures(sender), [])
  t.deepEqual(failures(gotB), [])
  t.deepEqual(failures(gotC), [])
  t.deepEqual(sender.sends.map((s) => s.errors), [none(3), none(3)])
  const from = sockname(sender)[1]
  t.deepEqual(payloads(gotB), tagged('lan', 3), 'B got what A sent on the LAN, nothing of the A–C link')
  t.deepEqual(payloads(gotC), tagged('toC', 3), 'C got what A sent on the A–C link, nothing of the LAN')
  for (const r of gotB.received) t.deepEqual(r.from, [A.lan.ipv4, from])
  for (const r of gotC.received) t.deepEqual(r.from, [A.toC.ipv4, from])
})

netnsTest('IPv4 multicast reaches B while it is a member and no longer after it leaves the group', async (t) => {
  const net = networks()
  const { hosts, A, B } = net
  const group = '239.2.0.2'
  const port = 5102
  const receiver = startScript(hosts, 'B', [
    step.new('rx'),
    step.call('rx', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
    step.call('rx', 'set_membership', group, UV_JOIN_GROUP, B.lan.ipv4),
    step.recv('rx'),
    step.phase('joined'),
    step.ready('joined'),
    step.await('sent'),
    step.expect(3, 3000),
    step.call('rx', 'set_membership', group, UV_LEAVE_GROUP, B.lan.ipv4),
    step.phase('left'),
    step.ready('left'),
    step.await('sent again'),
    step.expect(1, 300), // anything that got through
  ])
  await ready(receiver, 'joined')
  const sender = startScript(hosts, 'A', [
    step.new('tx', 'inet'),
    step.call('tx', 'set_multicast_interface', A.lan.ipv4),
    step.send('tx', [group, port], 'member', 3),
    step.ready('sent'),
    step.await('go'),
    step.send('tx', [group, port], 'left', 3),
  ])
  await ready(sender, 'sent')
  receiver.send('sent')
  await ready(receiver, 'left')
  sender.send('go')
  const sent = await finished(sender)
  receiver.send('sent again')
  const got = await finished(receiver)
  t.deepEqual(failures(sent), [])
  t.deepEqual(failures(got), [], 'join and leave succeeded')
  t.deepEqual(sent.sends.map((s) => s.errors), [none(3), none(3)])
  t.deepEqual(payloads(got, { phase: 'joined' }), tagged('member', 3))
  t.deepEqual(payloads(got, { phase: 'left' }), [], 'nothing arrives after UV_LEAVE_GROUP')
})

// ---------------------------------------------------------------------------
// IPv6 multicast and link-local unicast

netnsTest('IPv6 multicast: the zone or scope_id of an ff02:: destination and the %ifname multicast interface of an ff0e:: group pick the link', async (t) => {
  // A link-scope destination (ff02::) takes its interface from the address:
  // a zone '%ifname' or the 4th tuple element, scope_id. A global-scope
  // group (ff0e::) has no zone (the kernel ignores a scope_id there, as for
  // any global address), so its link is set_multicast_interface's.
  const net = networks()
  const { hosts, A, B, C } = net
  const linkGroup = 'ff02::db8:21'
  const globalGroup = 'ff0e::db8:21'
  const port = 5103
  const member = (ifname: string) => [
    step.new('rx', 'inet6'),
    step.call('rx', 'bind', ['::', port], UV_UDP_REUSEADDR),
    step.call('rx', 'set_membership', linkGroup, UV_JOIN_GROUP, `%${ifname}`),
    step.call('rx', 'set_membership', globalGroup, UV_JOIN_GROUP, `::%${ifname}`),
    step.recv('rx'),
    step.ready(),
    step.await('sent'),
    step.expect(6, 3000),
    step.sleep(100), // strays
  ]
  const onB = startScript(hosts, 'B', member(B.lan.name))
  const onC = startScript(hosts, 'C', member(C.toA.name))
  await Promise.all([ready(onB), ready(onC)])
  const sender = await runScript(hosts, 'A', [
    step.new('tx', 'inet6'),
    step.send('tx', [`${linkGroup}%${A.lan.name}`, port], 'zone lan', 2),
    step.send('tx', [`${linkGroup}%${A.toC.name}`, port], 'zone toC', 2),
    step.send('tx', [linkGroup, port, 0, A.lan.ifindex], 'scope_id lan', 2),
    step.send('tx', [linkGroup, port, 0, A.toC.ifindex], 'scope_id toC', 2),
    step.call('tx', 'set_multicast_interface', `::%${A.lan.name}`),
    step.send('tx', [globalGroup, port], 'interface lan', 2),
    step.call('tx', 'set_multicast_interface', `::%${A.toC.name}`),
    step.send('tx', [globalGroup, port], 'interface toC', 2),
    step.call('tx', 'getsockname'),
  ])
  onB.send('sent')
  onC.send('sent')
  const [gotB, gotC] = await Promise.all([finished(onB), finished(onC)])
  t.deepEqual(failures(sender), [])
  t.deepEqual(failures(gotB), [])
  t.deepEqual(failures(gotC), [])
  t.deepEqual(sender.sends.map((s) => s.errors), Array(6).fill(none(2)))
  t.deepEqual(sorted(payloads(gotB)), sorted([...tagged('zone lan', 2), ...tagged('scope_id lan', 2), ...tagged('interface lan', 2)]))
  t.deepEqual(sorted(payloads(gotC)), sorted([...tagged('zone toC', 2), ...tagged('scope_id toC', 2), ...tagged('interface toC', 2)]))
  const from = sockname(sender)[1]
  // To ff02:: A sends from its fe80:: address, and the receiver reports it
  // with its own interface as scope_id; to ff0e:: from its global address.
  for (const [got, ours, theirs] of [
    [gotB, A.lan, B.lan],
    [gotC, A.toC, C.toA],
  ] as const) {
    for (const r of got.received) {
      const global = r.data?.startsWith('interface')
      t.deepEqual(r.from, global ? [ours.ipv6, from, 0, 0] : [ours.linkLocal, from, 0, theirs.ifindex], `from of ${r.data} on ${theirs.host}`)
    }
  }
})

netnsTest('link-local unicast: fe80::%ifname and a scope_id 4th element reach B, whose peer address carries the scope_id that replies reach A by', async (t) => {
  const net = networks()
  const { hosts, A, B } = net
  const port = 5104
  const server = startScript(hosts, 'B', [
    step.new('ll', 'inet6'),
    step.call('ll', 'bind', [`${B.lan.linkLocal}%${B.lan.name}`, port]),
    step.call('ll', 'getsockname'),
    step.recv('ll', { echo: true }),
    step.ready(),
    step.await('done'),
    step.sleep(100), // strays
  ])
  await ready(server)
  const client = await runScript(hosts, 'A', [
    step.new('tx', 'inet6'),
    step.call('tx', 'bind', ['::', 0]),
    step.recv('tx'),
    // B's address with the scope of the other link: it goes out to C, who
    // does not have it, and never reaches B.
    step.send('tx', [B.lan.linkLocal, port, 0, A.toC.ifindex], 'wrong link', 1),
    step.send('tx', [`${B.lan.linkLocal}%${A.lan.name}`, port], 'zone', 2),
    step.send('tx', [B.lan.linkLocal, port, 0, A.lan.ifindex], 'scope_id', 2),
    step.expect(4, 3000),
    step.sleep(100), // strays
    step.call('tx', 'getsockname'),
  ])
  server.send('done')
  const echoed = await finished(server)
  t.deepEqual(failures(client), [])
  t.deepEqual(failures(echoed), [])
  t.deepEqual(sockname(echoed), [B.lan.linkLocal, port, 0, B.lan.ifindex], 'bound with a zone: getsockname has its scope_id')
  t.deepEqual(client.sends.map((s) => s.errors), [none(1), none(2), none(2)])
  const clientPort = sockname(client)[1]
  t.deepEqual(sorted(payloads(echoed)), sorted([...tagged('zone', 2), ...tagged('scope_id', 2)]), 'the wrong link never reached B')
  for (const r of echoed.received) {
    t.deepEqual(r.from, [A.lan.linkLocal, clientPort, 0, B.lan.ifindex], `peer of ${r.data}: A's fe80:: with B's LAN interface`)
    t.is(r.echo, null, `the reply to ${r.data} was sent`)
  }
  t.deepEqual(sorted(payloads(client)), sorted([...tagged('echo:zone', 2), ...tagged('echo:scope_id', 2)]), 'every reply reached A')
  for (const r of client.received) t.deepEqual(r.from, [B.lan.linkLocal, port, 0, A.lan.ifindex], `peer of ${r.data}`)
})

// ---------------------------------------------------------------------------
// Broadcast and TTL

netnsTest('broadcast from A reaches every host of its LAN but not beyond R, and only with set_broadcast(true)', async (t) => {
  const net = networks()
  const { hosts, A } = net
  const port = 5105
  const listener = (expected: number, ms: number) => [
    step.new('rx'),
    step.call('rx', 'bind', ['0.0.0.0', port]),
    step.recv('rx'),
    step.ready(),
    step.await('sent'),
    step.expect(expected, ms),
    step.sleep(100), // strays
  ]
  const onB = startScript(hosts, 'B', listener(4, 3000))
  const onC = startScript(hosts, 'C', listener(4, 3000))
  const onD = startScript(hosts, 'D', listener(1, 300))
  await Promise.all([ready(onB), ready(onC), ready(onD)])
  const sender = await runScript(hosts, 'A', [
    step.new('tx', 'inet'),
    step.send('tx', [A.lan.broadcast4, port], 'subnet, not enabled', 1),
    step.send('tx', ['<broadcast>', port], 'limited, not enabled', 1),
    step.call('tx', 'set_broadcast', true),
    step.send('tx', [A.lan.broadcast4, port], 'subnet', 2),
    step.send('tx', ['<broadcast>', port], 'limited', 2),
    step.call('tx', 'getsockname'),
  ])
  for (const p of [onB, onC, onD]) p.send('sent')
  const [gotB, gotC, gotD] = await Promise.all([finished(onB), finished(onC), finished(onD)])
  for (const result of [sender, gotB, gotC, gotD]) t.deepEqual(failures(result), [], 'no step threw')
  const eacces = errno.UV_EACCES
  t.deepEqual(sender.sends.map((s) => s.errors), [[eacces], [eacces], none(2), none(2)], 'UV_EACCES through the callback until enabled')
  const from = sockname(sender)[1]
  for (const [host, got] of [
    ['B', gotB],
    ['C', gotC],
  ] as const) {
    t.deepEqual(sorted(payloads(got)), sorted([...tagged('subnet', 2), ...tagged('limited', 2)]), `${host} got both broadcasts`)
    for (const r of got.received) t.deepEqual(r.from, [A.lan.ipv4, from], `from of ${r.data} on ${host}`)
  }
  t.deepEqual(payloads(gotD), [], 'R does not forward broadcasts to D')
})

netnsTest('set_ttl(1) from B to D is dropped at router R while set_ttl(2) arrives, for IPv4 and IPv6', async (t) => {
  const net = networks()
  const { hosts, B, D } = net
  const port4 = 5106
  const port6 = 5107
  const receiver = startScript(hosts, 'D', [
    step.new('rx4', 'inet'),
    step.call('rx4', 'bind', ['0.0.0.0', port4]),
    step.new('rx6', 'inet6'),
    step.call('rx6', 'bind', ['::', port6]),
    step.recv('rx4'),
    step.recv('rx6'),
    step.ready(),
    step.await('sent'),
    step.expect(4, 3000),
    step.sleep(200), // strays
  ])
  await ready(receiver)
  const sender = await runScript(hosts, 'B', [
    step.new('tx4', 'inet'),
    step.call('tx4', 'set_ttl', 1),
    step.send('tx4', [D.toR.ipv4, port4], 'ttl 1', 2),
    step.call('tx4', 'set_ttl', 2),
    step.send('tx4', [D.toR.ipv4, port4], 'ttl 2', 2),
    step.new('tx6', 'inet6'),
    step.call('tx6', 'set_ttl', 1),
    step.send('tx6', [D.toR.ipv6, port6], 'hops 1', 2),
    step.call('tx6', 'set_ttl', 2),
    step.send('tx6', [D.toR.ipv6, port6], 'hops 2', 2),
    step.call('tx4', 'getsockname'),
    step.call('tx6', 'getsockname'),
  ])
  receiver.send('sent')
  const got = await finished(receiver)
  t.deepEqual(failures(sender), [])
  t.deepEqual(failures(got), [])
  t.deepEqual(sender.sends.map((s) => s.errors), Array(4).fill(none(2)))
  t.deepEqual(payloads(got, { sock: 'rx4' }), tagged('ttl 2', 2), 'IPv4: only TTL 2 crosses R')
  t.deepEqual(payloads(got, { sock: 'rx6' }), tagged('hops 2', 2), 'IPv6: only hop limit 2 crosses R')
  for (const r of received(got, { sock: 'rx4' })) t.deepEqual(r.from, [B.toR.ipv4, sockname(sender, 0)[1]])
  for (const r of received(got, { sock: 'rx6' })) t.deepEqual(r.from, [B.toR.ipv6, sockname(sender, 1)[1], 0, 0])
})

// ---------------------------------------------------------------------------
// Port sharing

netnsTest('UV_UDP_REUSEPORT: two sockets on one port both get a share of 1000 datagrams from 50 source ports', async (t) => {
  const net = networks()
  const { hosts, A, B } = net
  const port = 5108
  const receiver = startScript(hosts, 'B', [
    step.new('one'),
    step.call('one', 'bind', ['0.0.0.0', port], UV_UDP_REUSEPORT),
    step.new('two'),
    step.call('two', 'bind', ['0.0.0.0', port], UV_UDP_REUSEPORT),
    step.recv('one'),
    step.recv('two'),
    step.ready(),
    step.await('sent'),
    step.expect(1000, 8000),
    step.sleep(100), // strays
  ])
  await ready(receiver)
  // 20 rounds of one datagram from each of 50 handles, 10 ms apart: a round
  // fits the receive buffers many times over, so nothing is lost to pace.
  const sender = await runScript(hosts, 'A', [step.spray([B.lan.ipv4, port], 'share', 50, 20, { pauseMs: 10 })], { timeoutMs: 15_000 })
  receiver.send('sent')
  const got = await finished(receiver)
  t.deepEqual(failures(sender), [])
  t.deepEqual(failures(got), [])
  t.deepEqual(sender.steps[0].value, { sourcePorts: 50 }, '50 distinct source ports')
  t.deepEqual(sender.sends[0].errors, none(1000), 'every send succeeded')
  const one = received(got, { sock: 'one' })
  const two = received(got, { sock: 'two' })
  t.log(`shares: ${one.length} and ${two.length}`)
  t.true(one.length > 0, 'the first socket got a share')
  t.true(two.length > 0, 'the second socket got a share')
  t.is(one.length + two.length, 1000, 'together they got every datagram')
  t.is(new Set(got.received.map((r) => r.data)).size, 1000, 'each datagram once')
  for (const r of got.received) t.is(r.from?.[0], A.lan.ipv4)
})

netnsTest('UV_UDP_REUSEADDR: of two sockets on one port the last bound receives, and after it closes the first does', async (t) => {
  const net = networks()
  const { hosts, B } = net
  const port = 5109
  const receiver = startScript(hosts, 'B', [
    step.new('first'),
    step.call('first', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
    step.new('last'),
    step.call('last', 'bind', ['0.0.0.0', port], UV_UDP_REUSEADDR),
    step.recv('first'),
    step.recv('last'),
    step.phase('both bound'),
    step.ready('bound'),
    step.await('sent'),
    step.expect(5, 3000),
    step.sleep(100), // strays
    step.close('last'),
    step.phase('last closed'),
    step.ready('closed'),
    step.await('sent again'),
    step.expect(3, 3000),
    step.sleep(100), // strays
  ])
  await ready(receiver, 'bound')
  const sender = startScript(hosts, 'A', [
    step.new('tx', 'inet'),
    step.send('tx', [B.lan.ipv4, port], 'both', 5),
    step.ready('sent'),
    step.await('go'),
    step.send('tx', [B.lan.ipv4, port], 'one', 3),
  ])
  await ready(sender, 'sent')
  receiver.send('sent')
  await ready(receiver, 'closed')
  sender.send('go')
  const sent = await finished(sender)
  receiver.send('sent again')
  const got = await finished(receiver)
  t.deepEqual(failures(sent), [])
  t.deepEqual(failures(got), [])
  t.deepEqual(sent.sends.map((s) => s.errors), [none(5), none(3)])
  t.deepEqual(payloads(got, { phase: 'both bound', sock: 'last' }), tagged('both', 5), 'the last bound got all')
  t.deepEqual(payloads(got, { phase: 'both bound', sock: 'first' }), [], 'the first got none')
  t.deepEqual(payloads(got, { phase: 'last closed', sock: 'first' }), tagged('one', 3), 'then the first got all')
})

// ---------------------------------------------------------------------------
// Beyond pyuv: source-specific multicast

/**
 * Senders A and C both reach B's LAN directly (C is on the switch too), so
 * B's interface sees both sources and only B's source filter decides. B has
 * two sockets on the group's port: `ssm` joined for source A only, and
 * `asm`, an any-source member, the control that proves C's datagrams do reach
 * B. Then `asm` closes (the host's own IGMPv3/MLDv2 filter is now A only),
 * then `ssm` leaves. (A socket with no membership at all would get any group
 * traffic the host accepts, Linux's IP_MULTICAST_ALL default; so the control
 * is closed, not just taken out of the group.)
 */
const ssmFamilies = [
  {
    family: 'inet' as const,
    group: '232.2.0.1',
    port: 5110,
    wildcard: '0.0.0.0',
    address: (nic: Networks['B']['lan']) => nic.ipv4,
    // set_source_membership, set_membership and set_multicast_interface take an IPv4 interface address.
    iface: (nic: Networks['B']['lan']) => nic.ipv4,
  },
  {
    family: 'inet6' as const,
    group: 'ff3e::8000:21',
    port: 5111,
    wildcard: '::',
    address: (nic: Networks['B']['lan']) => nic.ipv6,
    iface: (nic: Networks['B']['lan']) => `::%${nic.name}`,
  },
]

for (const v of ssmFamilies) {
  netnsTest(`set_source_membership (${v.family === 'inet' ? 'IPv4' : 'IPv6'}): B's SSM member gets source A's datagrams and not source C's, until it leaves`, async (t) => {
    const net = networks()
    const { hosts, A, B, C } = net
    const { group, port } = v
    const receiver = startScript(hosts, 'B', [
      step.new('ssm', v.family),
      step.call('ssm', 'bind', [v.wildcard, port], UV_UDP_REUSEADDR),
      step.call('ssm', 'set_source_membership', group, v.iface(B.lan), v.address(A.lan), UV_JOIN_GROUP),
      step.new('asm', v.family),
      step.call('asm', 'bind', [v.wildcard, port], UV_UDP_REUSEADDR),
      step.call('asm', 'set_membership', group, UV_JOIN_GROUP, v.iface(B.lan)),
      step.recv('ssm'),
      step.recv('asm'),
      step.phase('both'),
      step.ready('both'),
      step.await('sent 1'),
      step.expect(9, 3000),
      step.sleep(100), // strays
      step.close('asm'),
      step.phase('ssm alone'),
      step.ready('ssm alone'),
      step.await('sent 2'),
      step.expect(3, 3000),
      step.sleep(100), // strays
      step.call('ssm', 'set_source_membership', group, v.iface(B.lan), v.address(A.lan), UV_LEAVE_GROUP),
      step.phase('left'),
      step.ready('left'),
      step.await('sent 3'),
      step.expect(1, 300), // anything that got through
    ])
    await ready(receiver, 'both')
    const source = (host: 'A' | 'C') => {
      const lan = host === 'A' ? A.lan : C.lan
      return startScript(hosts, host, [
        step.new('tx', v.family),
        step.call('tx', 'set_multicast_interface', v.iface(lan)),
        ...[1, 2, 3].flatMap((round) => [
          step.await(`go ${round}`),
          step.send('tx', [group, port], `${host}${round}`, 3),
          step.ready(`sent ${round}`),
        ]),
      ])
    }
    const senders = [source('A'), source('C')]
    const next = ['ssm alone', 'left']
    for (const round of [1, 2, 3]) {
      for (const s of senders) s.send(`go ${round}`)
      await Promise.all(senders.map((s) => ready(s, `sent ${round}`)))
      receiver.send(`sent ${round}`)
      if (round < 3) await ready(receiver, next[round - 1])
    }
    const [fromA, fromC] = await Promise.all(senders.map((s) => finished(s)))
    const got = await finished(receiver)
    for (const result of [fromA, fromC, got]) t.deepEqual(failures(result), [], 'no step threw')
    for (const result of [fromA, fromC]) t.deepEqual(result.sends.map((s) => s.errors), [none(3), none(3), none(3)])
    t.deepEqual(payloads(got, { phase: 'both', sock: 'ssm' }), tagged('A1', 3), 'the SSM member: source A only')
    t.deepEqual(sorted(payloads(got, { phase: 'both', sock: 'asm' })), sorted([...tagged('A1', 3), ...tagged('C1', 3)]), "the any-source member: C's datagrams do reach B")
    t.deepEqual(payloads(got, { phase: 'ssm alone' }), tagged('A2', 3), 'alone on the group, still source A only')
    t.deepEqual(payloads(got, { phase: 'left' }), [], 'nothing after leaving')
    for (const r of got.received) {
      const expected = r.data?.startsWith('A') ? v.address(A.lan) : v.address(C.lan)
      t.is(r.from?.[0], expected, `source of ${r.data}`)
    }
  })
}

// ---------------------------------------------------------------------------
// Beyond pyuv: packet info

netnsTest('start_recv with { pktinfo: true }: multi-homed A bound to the wildcard learns the address and interface each datagram came in on', async (t) => {
  const net = networks()
  const { hosts, A } = net
  const port4 = 5112
  const port6 = 5113
  const receiver = startScript(hosts, 'A', [
    step.new('v4', 'inet'),
    step.call('v4', 'bind', ['0.0.0.0', port4]),
    step.recv('v4', { pktinfo: true }),
    // Dual-stack: IPv6, and IPv4 as ::ffff:a.b.c.d.
    step.new('v6', 'inet6'),
    step.call('v6', 'bind', ['::', port6]),
    step.recv('v6', { pktinfo: true }),
    step.ready(),
    step.await('sent'),
    step.expect(10, 3000),
    step.sleep(100), // strays
  ])
  await ready(receiver)
  // B reaches A on the LAN, C on the A–C link.
  const senderOn = (host: 'B' | 'C', ours: Networks['A']['lan'], theirIfname: string) =>
    runScript(hosts, host, [
      step.new('tx4', 'inet'),
      step.call('tx4', 'set_broadcast', true),
      step.send('tx4', [ours.ipv4, port4], `${host} v4`),
      step.send('tx4', [ours.broadcast4, port4], `${host} broadcast`),
      step.send('tx4', [ours.ipv4, port6], `${host} mapped`),
      step.new('tx6', 'inet6'),
      step.send('tx6', [ours.ipv6, port6], `${host} v6`),
      step.send('tx6', [`${ours.linkLocal}%${theirIfname}`, port6], `${host} link-local`),
    ])
  const [fromB, fromC] = await Promise.all([senderOn('B', A.lan, 'lan'), senderOn('C', A.toC, 'toA')])
  receiver.send('sent')
  const got = await finished(receiver)
  for (const result of [fromB, fromC, got]) t.deepEqual(failures(result), [], 'no step threw')
  for (const result of [fromB, fromC]) t.deepEqual(result.sends.map((s) => s.errors), Array(5).fill(none(1)))
  const expected = (host: 'B' | 'C', nic: Networks['A']['lan']) => [
    { data: `${host} v4#0`, sock: 'v4', info: { local_address: nic.ipv4, interface_index: nic.ifindex } },
    { data: `${host} broadcast#0`, sock: 'v4', info: { local_address: nic.broadcast4, interface_index: nic.ifindex } },
    { data: `${host} mapped#0`, sock: 'v6', info: { local_address: `::ffff:${nic.ipv4}`, interface_index: nic.ifindex } },
    { data: `${host} v6#0`, sock: 'v6', info: { local_address: nic.ipv6, interface_index: nic.ifindex } },
    { data: `${host} link-local#0`, sock: 'v6', info: { local_address: nic.linkLocal, interface_index: nic.ifindex } },
  ]
  const byData = (a: { data: string | null }, b: { data: string | null }) => String(a.data).localeCompare(String(b.data))
  t.deepEqual(
    got.received.map((r) => ({ data: r.data, sock: r.sock, info: r.info })).sort(byData),
    [...expected('B', A.lan), ...expected('C', A.toC)].sort(byData),
  )
})

// ---------------------------------------------------------------------------
// Beyond pyuv: connect and getpeername

netnsTest('connect: A connected to B sends with null addresses, hears only B, reports B by getpeername, and connect(null) undoes it', async (t) => {
  const net = networks()
  const { hosts, A, B, C } = net
  const port = 5114
  const clientPort = 5115
  const peer = [B.lan.ipv4, port]
  const echo = startScript(hosts, 'B', [
    step.new('echo', 'inet'),
    step.call('echo', 'bind', ['0.0.0.0', port]),
    step.recv('echo', { echo: true }),
    step.ready(),
    step.await('done'),
  ])
  await ready(echo)
  // Bound to a port of its own: a handle that connect() bound implicitly
  // (port 0) gives its port back on connect(null), as with libuv on Linux.
  const client = startScript(hosts, 'A', [
    step.new('c', 'inet'),
    step.call('c', 'bind', ['0.0.0.0', clientPort]),
    step.call('c', 'getpeername'),
    step.call('c', 'connect', null),
    step.call('c', 'connect', peer),
    step.call('c', 'getpeername'),
    step.call('c', 'getsockname'),
    step.call('c', 'connect', peer),
    step.call('c', 'send', peer, buffer('x')),
    step.call('c', 'try_send', peer, buffer('x')),
    step.recv('c'),
    step.phase('connected'),
    step.send('c', null, 'send', 2),
    step.call('c', 'try_send', null, buffer('try_send')),
    step.call('c', 'try_send_many', [
      [null, buffer('many#0')],
      [null, buffer('many#1')],
    ]),
    step.expect(5, 3000),
    step.ready('connected'),
    step.await('C sent'),
    step.sleep(150), // C's datagrams have had time to arrive
    step.call('c', 'connect', null),
    step.call('c', 'getpeername'),
    step.call('c', 'getsockname'),
    step.call('c', 'connect', null),
    step.phase('disconnected'),
    step.ready('disconnected'),
    step.await('C sent again'),
    step.expect(2, 3000),
    step.send('c', peer, 'unconnected', 1),
    step.expect(3, 3000),
  ])
  await ready(client, 'connected')
  // C, also on the LAN, sends to A's connected port.
  const other = startScript(hosts, 'C', [
    step.new('tx', 'inet'),
    step.send('tx', [A.lan.ipv4, clientPort], 'while connected', 2),
    step.ready('sent'),
    step.await('go'),
    step.send('tx', [A.lan.ipv4, clientPort], 'disconnected', 2),
    step.call('tx', 'getsockname'),
  ])
  await ready(other, 'sent')
  client.send('C sent')
  await ready(client, 'disconnected')
  other.send('go')
  const fromC = await finished(other)
  client.send('C sent again')
  const got = await finished(client)
  echo.send('done')
  const echoed = await finished(echo)
  t.deepEqual(failures(fromC), [])
  t.deepEqual(failures(echoed), [])
  const ENOTCONN = { errno: errno.UV_ENOTCONN, name: 'UDPError' }
  const EISCONN = { errno: errno.UV_EISCONN, name: 'UDPError' }
  t.deepEqual(outcomes(got), [
    { method: 'bind', value: null },
    { method: 'getpeername', ...ENOTCONN },
    { method: 'connect', ...ENOTCONN },
    { method: 'connect', value: null },
    { method: 'getpeername', value: peer },
    { method: 'getsockname', value: [A.lan.ipv4, clientPort] },
    { method: 'connect', ...EISCONN },
    { method: 'send', ...EISCONN },
    { method: 'try_send', ...EISCONN },
    { method: 'try_send', value: 'try_send'.length },
    { method: 'try_send_many', value: 2 },
    { method: 'connect', value: null },
    { method: 'getpeername', ...ENOTCONN },
    { method: 'getsockname', value: ['0.0.0.0', clientPort] },
    { method: 'connect', ...ENOTCONN },
  ])
  t.deepEqual(got.sends.map((s) => s.errors), [none(2), none(1)])
  t.deepEqual(sorted(payloads(echoed)), sorted(['send#0', 'send#1', 'try_send', 'many#0', 'many#1', 'unconnected#0']), 'B got every send')
  for (const r of echoed.received) t.deepEqual(r.from, [A.lan.ipv4, clientPort], `from of ${r.data}`)
  t.deepEqual(
    sorted(payloads(got, { phase: 'connected' })),
    sorted(['echo:send#0', 'echo:send#1', 'echo:try_send', 'echo:many#0', 'echo:many#1']),
    "connected: B's replies, none of C's datagrams",
  )
  for (const r of received(got, { phase: 'connected' })) t.deepEqual(r.from, peer)
  t.deepEqual(sorted(payloads(got, { phase: 'disconnected' })), sorted([...tagged('disconnected', 2), 'echo:unconnected#0']), 'disconnected: C is heard again')
  const cPort = sockname(fromC)[1]
  for (const r of received(got, { phase: 'disconnected' })) {
    t.deepEqual(r.from, r.data?.startsWith('echo:') ? peer : [C.lan.ipv4, cPort], `from of ${r.data}`)
  }
})
