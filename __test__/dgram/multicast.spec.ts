/**
 * Multicast and broadcast, for real, inside a network namespace this spec
 * makes (`dgramtest-<pid>-<n>`: only a loopback, with multicast on and a
 * route for 224.0.0.0/4), so nothing sent can leave it; deleted after each
 * test, even on failure. Needs Linux and root, decided as for every other
 * namespace spec (netns/harness.ts's canUseNetns, support/capability.ts's
 * needs): without them the tests are skipped with the reason in the title;
 * with CI=true a missing root or `ip` fails them instead, while not being on
 * Linux stays a skip (macOS and Windows runners). The link-local test shares
 * the namespace (a veth pair with fe80:: addresses).
 */
import { execFile, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import type { ExecutionContext } from 'ava'

import { canUseNetns } from '../netns/harness.js'
import { needs } from '../support/capability.js'

import { type DgramModule, type Implementation, IMPLEMENTATIONS } from './support.js'

const execFileAsync = promisify(execFile)
const REPO = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE = fileURLToPath(new URL('fixtures/multicast.cjs', import.meta.url))
const LINK_LOCAL = fileURLToPath(new URL('fixtures/link-local.cjs', import.meta.url))
const ZONES = fileURLToPath(new URL('fixtures/zones.cjs', import.meta.url))

const netnsTest = needs(canUseNetns())

/** One namespace test per implementation, same title, same body (support.ts's `both`, declared through `netnsTest`). */
function bothInNamespace(title: string, body: (t: ExecutionContext, dgram: DgramModule, impl: Implementation) => Promise<void>): void {
  for (const impl of IMPLEMENTATIONS) netnsTest(`${impl.name}: ${title}`, (t) => body(t, impl.dgram, impl))
}
let counter = 0

/** A namespace with a multicast-capable loopback, deleted at teardown. */
function namespace(t: ExecutionContext): string {
  const name = `dgramtest-${process.pid}-${counter++}`
  const ip = (...args: string[]) => {
    const result = spawnSync('ip', args, { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`)
  }
  ip('netns', 'add', name)
  t.teardown(() => {
    spawnSync('ip', ['netns', 'del', name])
  })
  ip('-n', name, 'link', 'set', 'lo', 'up')
  ip('-n', name, 'link', 'set', 'lo', 'multicast', 'on')
  ip('-n', name, 'route', 'add', '224.0.0.0/4', 'dev', 'lo')
  // Two link-local hosts' interfaces: a veth pair, both ends here.
  ip('-n', name, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb')
  for (const [dev, address] of [['va', 'fe80::a/64'], ['vb', 'fe80::b/64']]) {
    ip('-n', name, 'link', 'set', dev, 'up')
    ip('-n', name, 'address', 'add', address, 'dev', dev, 'nodad')
  }
  return name
}

bothInNamespace('multicast: a member hears the group until it leaves; broadcast needs setBroadcast', async (t, _dgram, impl) => {
  const ns = namespace(t)
  const { stdout } = await execFileAsync('ip', ['netns', 'exec', ns, process.execPath, FIXTURE, impl.name], { cwd: REPO, timeout: 20_000 })
  t.deepEqual(JSON.parse(stdout.trim()), {
    joined: 12,
    afterJoin: [['to the group', '127.0.0.1']],
    dropTwice: 'EADDRNOTAVAIL dropMembership',
    left: 13,
    afterLeave: [],
    noBroadcast: 'EACCES send',
    broadcast: 5,
    afterBroadcast: [['bcast', '127.0.0.1']],
  })
})

bothInNamespace('IPv6 link-local: rinfo and address() carry the zone (the peer\'s: where it came in)', async (t, _dgram, impl) => {
  const ns = namespace(t)
  const { stdout } = await execFileAsync('ip', ['netns', 'exec', ns, process.execPath, LINK_LOCAL, impl.name], { cwd: REPO, timeout: 20_000 })
  t.deepEqual(JSON.parse(stdout.trim()), {
    // Sent out of va, it comes in on vb: the peer is fe80::a on vb's link.
    rinfo: { address: 'fe80::a%vb', family: 'IPv6', port: true, size: 10 },
    sender: { address: 'fe80::a%va', family: 'IPv6', port: 0 },
    receiver: { address: 'fe80::b%vb', family: 'IPv6', port: 0 },
  })
})

// README, differences table (IPv6 zones): uv-udp/dgram reads every
// address's zone as the pyuv API does (a name or an index; an unknown name
// is ENODEV), where Node's handle refuses a numeric zone in bind and a
// zone without an address in addMembership, and ignores an unknown one.
bothInNamespace('IPv6 zones in bind and addMembership: read as the pyuv API reads them (README, differences)', async (t, _dgram, impl) => {
  const ns = namespace(t)
  const { stdout } = await execFileAsync('ip', ['netns', 'exec', ns, process.execPath, ZONES, impl.name], { cwd: REPO, timeout: 20_000 })
  t.deepEqual(
    JSON.parse(stdout.trim()),
    impl.name === 'node:dgram'
      ? { numericZoneBind: 'EINVAL', joinZoneOnly: 'EINVAL', joinUnknownZone: 'ok' }
      : { numericZoneBind: 'fe80::b%vb', joinZoneOnly: 'ok', joinUnknownZone: 'ENODEV' },
  )
})
