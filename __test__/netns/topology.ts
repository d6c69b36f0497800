/**
 * The multi-host topology of `__test__/networks.spec.ts`, built with the
 * namespace harness (harness.ts): five hosts, one switch, a router.
 *
 * ```
 *                 198.51.100.0/24, 2001:db8:1::/64 (the LAN)
 *        A:lan .1 ────┐
 *        B:lan .2 ────┼── S (switch: a bridge, no addresses)
 *        C:lan .3 ────┘
 *
 *        A:toC 203.0.113.1 ─────── C:toA 203.0.113.2      2001:db8:2::/64
 *        B:toR 192.0.2.1/26 ───── R:toB 192.0.2.2/26      2001:db8:3::/64
 *        R:toD 192.0.2.65/26 ──── D:toR 192.0.2.66/26     2001:db8:4::/64
 * ```
 *
 * - A and B share one link, the LAN; A has a second link of its own to C, so
 *   A is multi-homed and `set_multicast_interface` or a zone picks between
 *   two real links.
 * - C is on the LAN too. Source-specific multicast needs two sources whose
 *   datagrams reach B's interface directly: multicast is not routed across A
 *   (that takes a multicast routing daemon), so C reaches B over the switch,
 *   the same segment as A. Only then does B's source filter, and nothing
 *   else, decide whether C's datagrams are delivered. A join on C's A–C
 *   interface (`toA`) does not cover its LAN interface, so traffic A sends on
 *   the LAN does not reach C's `toA` members.
 * - R forwards (IPv4 and IPv6) between B and D; B routes D's subnets via R,
 *   D has R as its default route. A datagram from B to D takes two hops.
 * - A has a default route out of the LAN, so the limited broadcast
 *   255.255.255.255 leaves A by the LAN and nowhere else.
 *
 * Every address is from the documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) or the kernel's fe80::.
 * Nothing can leave these namespaces: none of them is linked to the
 * machine's own namespace.
 */
import { createHosts, type Hosts, type Iface, type TopologySpec } from './harness.js'

export const NETWORKS: TopologySpec = {
  hosts: {
    A: { routes: [['route', 'add', 'default', 'dev', 'lan']] },
    B: {
      routes: [
        ['route', 'add', '192.0.2.64/26', 'via', '192.0.2.2'],
        ['-6', 'route', 'add', '2001:db8:4::/64', 'via', '2001:db8:3::2'],
      ],
    },
    C: {},
    S: { switch: true },
    R: { forwarding: true },
    D: {
      routes: [
        ['route', 'add', 'default', 'via', '192.0.2.65'],
        ['-6', 'route', 'add', 'default', 'via', '2001:db8:4::1'],
      ],
    },
  },
  links: [
    { a: 'A', b: 'S', ifA: 'lan', ipv4: ['198.51.100.1/24', null], ipv6: ['2001:db8:1::1/64', null] },
    { a: 'B', b: 'S', ifA: 'lan', ipv4: ['198.51.100.2/24', null], ipv6: ['2001:db8:1::2/64', null] },
    { a: 'C', b: 'S', ifA: 'lan', ipv4: ['198.51.100.3/24', null], ipv6: ['2001:db8:1::3/64', null] },
    { a: 'A', b: 'C', ipv4: ['203.0.113.1/24', '203.0.113.2/24'], ipv6: ['2001:db8:2::1/64', '2001:db8:2::2/64'] },
    { a: 'B', b: 'R', ipv4: ['192.0.2.1/26', '192.0.2.2/26'], ipv6: ['2001:db8:3::1/64', '2001:db8:3::2/64'] },
    { a: 'R', b: 'D', ipv4: ['192.0.2.65/26', '192.0.2.66/26'], ipv6: ['2001:db8:4::1/64', '2001:db8:4::2/64'] },
  ],
}

/** An interface that has IPv4, IPv6 and link-local addresses. */
export type Nic = Iface & { ipv4: string; ipv6: string; linkLocal: string; broadcast4: string }

/** The built topology, with each host's interfaces by role. */
export interface Networks {
  readonly hosts: Hosts
  readonly A: { readonly lan: Nic; readonly toC: Nic }
  readonly B: { readonly lan: Nic; readonly toR: Nic }
  readonly C: { readonly lan: Nic; readonly toA: Nic }
  readonly R: { readonly toB: Nic; readonly toD: Nic }
  readonly D: { readonly toR: Nic }
  /** Kills what runs inside and deletes every namespace. Idempotent. */
  destroy(): Promise<void>
}

function nic(hosts: Hosts, host: string, name: string): Nic {
  const found = hosts.iface(host, name)
  if (!found.ipv4 || !found.ipv6 || !found.linkLocal || !found.broadcast4) {
    throw new Error(`${host}:${name} lacks an address: ${JSON.stringify(found)}`)
  }
  return found as Nic
}

/** Builds the A, B, C, S, R, D topology (root only; see harness.ts). */
export async function createNetworks(): Promise<Networks> {
  const hosts = await createHosts(NETWORKS)
  try {
    return {
      hosts,
      A: { lan: nic(hosts, 'A', 'lan'), toC: nic(hosts, 'A', 'toC') },
      B: { lan: nic(hosts, 'B', 'lan'), toR: nic(hosts, 'B', 'toR') },
      C: { lan: nic(hosts, 'C', 'lan'), toA: nic(hosts, 'C', 'toA') },
      R: { toB: nic(hosts, 'R', 'toB'), toD: nic(hosts, 'R', 'toD') },
      D: { toR: nic(hosts, 'D', 'toR') },
      destroy: () => hosts.destroy(),
    }
  } catch (error) {
    await hosts.destroy()
    throw error
  }
}
