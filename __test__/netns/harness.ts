/**
 * Network-namespace test harness (Linux, root, iproute2).
 *
 * Multicast and broadcast must never leave the machine, and in the machine's
 * own namespace the default route would carry them off it. So every test that
 * sends multicast or broadcast builds its own namespaces here, joined by veth
 * pairs, runs small fixture programs inside them (`ip netns exec`), and tears
 * them down again. Addresses come from the documentation ranges only
 * (198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24, 2001:db8::/32) plus the
 * kernel's own fe80:: link-local addresses.
 *
 * Namespace names are `uvudp-t<pid>-<counter>-<host>`: unique per test run
 * (ava runs spec files in parallel processes), and a namespace whose pid is no
 * longer alive is stale and deleted by the next `createHosts`.
 *
 * Not a spec: ava only runs `__test__/**\/*.spec.ts`.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { ExecutionContext } from 'ava'

import { needs, type Capability, type Declare } from '../support/capability.js'

/** Every namespace this harness makes starts with this. */
export const NETNS_PREFIX = 'uvudp-t'

const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : existsSync('/sbin/ip') ? '/sbin/ip' : 'ip'
const SYSCTL = existsSync('/usr/sbin/sysctl') ? '/usr/sbin/sysctl' : existsSync('/sbin/sysctl') ? '/sbin/sysctl' : 'sysctl'

/** The directory of the fixture programs (`__test__/fixtures`). */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')

/** Absolute path of a fixture program, e.g. `fixture('netns-udp.mjs')`. */
export function fixture(name: string): string {
  return join(FIXTURES, name)
}

// ---------------------------------------------------------------------------
// Capability check

let capability: Capability | undefined

/**
 * Whether this process may create network namespaces: Linux, root, iproute2,
 * and a probe namespace can actually be added and deleted. Cached.
 */
export function canUseNetns(): Capability {
  if (capability) return capability
  capability = probe()
  return capability
}

function probe(): Capability {
  if (process.platform !== 'linux') return { ok: false, platform: true, reason: `network namespaces need Linux (this is ${process.platform})` }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'network namespaces need root (uid 0); run the tests as root' }
  }
  const version = spawnSync(IP, ['-V'], { encoding: 'utf8' })
  if (version.error || version.status !== 0) return { ok: false, reason: `iproute2 'ip' not usable: ${version.error?.message ?? version.stderr}` }
  const name = `${NETNS_PREFIX}${process.pid}-probe`
  const add = spawnSync(IP, ['netns', 'add', name], { encoding: 'utf8' })
  if (add.status !== 0) return { ok: false, reason: `'ip netns add' failed: ${(add.stderr || add.error?.message || '').trim()}` }
  spawnSync(IP, ['netns', 'del', name])
  return { ok: true }
}

/**
 * Declares a test that needs network namespaces (see support/capability.ts):
 * without them it is reported as skipped with the reason in its title, and
 * with CI=true it fails instead. Decided where the test is declared.
 */
export const netnsTest: Declare = needs(canUseNetns())

// ---------------------------------------------------------------------------
// Running commands

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

interface CaptureOptions {
  input?: string
  timeoutMs?: number
}

function capture(command: string, argv: readonly string[], options: CaptureOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 10_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(error), timedOut })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

async function must(command: string, argv: readonly string[], options: CaptureOptions = {}): Promise<RunResult> {
  const result = await capture(command, argv, options)
  if (result.code !== 0) {
    const text = options.input ? `\n  input:\n${options.input.replace(/^/gm, '    ')}` : ''
    throw new Error(`${command} ${argv.join(' ')} failed (${result.code ?? result.signal}): ${result.stderr.trim()}${text}`)
  }
  return result
}

/** The last line of `stdout` that parses as JSON; throws with stderr otherwise. */
export function parseJson<T = any>(result: RunResult): T {
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '')
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]) as T
    } catch {
      // not JSON; keep looking
    }
  }
  throw new Error(
    `no JSON result (exit ${result.code ?? result.signal}${result.timedOut ? ', timed out' : ''})\n` +
      `stdout: ${result.stdout}\nstderr: ${result.stderr}`,
  )
}

// ---------------------------------------------------------------------------
// Topology

/** One host: a namespace. */
export interface HostSpec {
  /** Turn on IPv4 and IPv6 forwarding inside (a router). */
  forwarding?: boolean
  /**
   * Loopback multicast: `lo` gets the MULTICAST flag and `224.0.0.0/4 dev lo`.
   * IPv6 multicast cannot be looped over `lo` (the kernel turns any IPv6
   * route through lo into a reject route), so use a veth pair for IPv6.
   */
  loopbackMulticast?: boolean
  /**
   * ip(8) commands run inside the namespace after the links are up, without
   * the leading `ip`, e.g. `['route', 'add', 'default', 'dev', 'toB']` or
   * `['-6', 'route', 'add', '2001:db8:2::/64', 'via', '2001:db8:1::1']`.
   */
  routes?: readonly (readonly string[])[]
  /** Extra sysctls inside the namespace, e.g. `{ 'net.ipv4.conf.all.rp_filter': 0 }`. */
  sysctls?: Readonly<Record<string, string | number>>
  /**
   * A layer-2 switch rather than a host: every veth of this namespace
   * becomes a port of one bridge `br0` (no STP, no forwarding delay, no
   * multicast snooping, so it floods multicast and broadcast to every port
   * like a hub). It has no addresses and IPv6 is off in it: it is part of the
   * link, not a host on it, so the hosts linked to it share one segment.
   */
  switch?: boolean
}

/** A veth pair between hosts `a` and `b`. */
export interface LinkSpec {
  a: string
  b: string
  /** Interface names; default `to<peer>` (at most 15 characters). */
  ifA?: string
  ifB?: string
  /**
   * IPv4 addresses with prefix, `[a, b]`; default: link i uses the i-th of
   * 198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24 with .1 for a and .2 for b.
   * `null`: no IPv4 on this link; a `null` end: none on that end. The end at
   * a switch never has one, and a link to a switch has no default: give the
   * other end's address explicitly (`['198.51.100.1/24', null]`).
   */
  ipv4?: readonly [string | null, string | null] | null
  /** IPv6 addresses with prefix; default `2001:db8:<i+1>::1/64` and `::2/64`. `null`: none. As for `ipv4`. */
  ipv6?: readonly [string | null, string | null] | null
}

export interface TopologySpec {
  hosts: Readonly<Record<string, HostSpec>> | readonly string[]
  links?: readonly LinkSpec[]
}

/** One interface inside a host's namespace. */
export interface Iface {
  host: string
  name: string
  /** The host at the other end of the veth (undefined for lo). */
  peer?: string
  /** ifindex inside the namespace. */
  ifindex: number
  /** IPv4 address without prefix (undefined when none). */
  ipv4?: string
  prefix4?: number
  /** The subnet's broadcast address, e.g. 198.51.100.255. */
  broadcast4?: string
  ipv6?: string
  prefix6?: number
  /** The kernel's fe80:: address (without zone). */
  linkLocal?: string
  mac?: string
}

const DEFAULT_V4 = ['198.51.100', '203.0.113', '192.0.2']

let counter = 0
const live = new Set<Hosts>()
let exitHook = false

function registerExitHook(): void {
  if (exitHook) return
  exitHook = true
  // Last resort if a test process ends without its teardown: delete what is
  // left, synchronously.
  process.on('exit', () => {
    for (const hosts of live) {
      for (const ns of hosts.namespaces()) spawnSync(IP, ['netns', 'del', ns])
    }
  })
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Deletes namespaces with the harness prefix whose creating process is gone. */
export async function deleteStaleNamespaces(): Promise<string[]> {
  const list = await capture(IP, ['netns', 'list'])
  const stale: string[] = []
  for (const line of list.stdout.split('\n')) {
    const name = line.trim().split(/\s+/)[0]
    if (!name || !name.startsWith(NETNS_PREFIX)) continue
    const pid = Number.parseInt(name.slice(NETNS_PREFIX.length), 10)
    if (!Number.isInteger(pid) || pid === process.pid || !pidAlive(pid)) {
      if (pid === process.pid && [...live].some((hosts) => hosts.namespaces().includes(name))) continue
      stale.push(name)
    }
  }
  await Promise.all(stale.map((name) => capture(IP, ['netns', 'del', name])))
  return stale
}

function broadcastOf(address: string, prefix: number): string {
  const n = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0)
  const hostBits = 32 - prefix
  const b = hostBits === 0 ? n : (Math.floor(n / 2 ** hostBits) + 1) * 2 ** hostBits - 1
  return [24, 16, 8, 0].map((shift) => Math.floor(b / 2 ** shift) % 256).join('.')
}

function splitPrefix(value: string): [string, number] {
  const [address, prefix] = value.split('/')
  return [address, Number(prefix)]
}

/** A process started inside a namespace. */
export interface Started {
  readonly pid: number | undefined
  /** The next stdout line that satisfies `match` (parsed as JSON when possible); rejects after `timeoutMs`. */
  line(match?: (line: string, json: any) => boolean, timeoutMs?: number): Promise<any>
  /** Writes a line to its stdin. */
  send(line: string): void
  /** Resolves once it exited (or was killed after its time limit). */
  readonly done: Promise<RunResult>
  kill(): void
}

/** A built topology. */
export class Hosts {
  readonly id: string
  readonly #ns = new Map<string, string>()
  readonly #ifaces = new Map<string, Iface[]>()
  readonly #procs = new Set<Started>()
  #destroyed: Promise<void> | undefined

  /** @internal */
  constructor(id: string, hostNames: readonly string[]) {
    this.id = id
    for (const host of hostNames) {
      this.#ns.set(host, `${id}-${host}`)
      this.#ifaces.set(host, [])
    }
  }

  /** Host names, in spec order. */
  get hosts(): string[] {
    return [...this.#ns.keys()]
  }

  /** Namespace names. */
  namespaces(): string[] {
    return [...this.#ns.values()]
  }

  /** The namespace of `host`. */
  ns(host: string): string {
    const ns = this.#ns.get(host)
    if (ns === undefined) throw new Error(`no host ${host}`)
    return ns
  }

  /** All interfaces of `host` (lo first). */
  ifaces(host: string): Iface[] {
    this.ns(host)
    return this.#ifaces.get(host)!
  }

  /** The interface of `host` named `name`, or the one facing host `name`. */
  iface(host: string, name: string): Iface {
    const found = this.ifaces(host).find((i) => i.name === name) ?? this.ifaces(host).find((i) => i.peer === name)
    if (!found) throw new Error(`host ${host} has no interface ${name}`)
    return found
  }

  /** @internal */
  _setIfaces(host: string, ifaces: Iface[]): void {
    this.#ifaces.set(host, ifaces)
  }

  /** Runs `argv` inside the namespace of `host` (`ip netns exec`). */
  exec(host: string, argv: readonly string[], options: CaptureOptions = {}): Promise<RunResult> {
    return capture(IP, ['netns', 'exec', this.ns(host), ...argv], options)
  }

  /** Runs an ip(8) command inside the namespace of `host` (`ip -n ns ...`); throws on failure. */
  ip(host: string, argv: readonly string[]): Promise<RunResult> {
    return must(IP, ['-n', this.ns(host), ...argv])
  }

  /**
   * Runs `node <script> ...args` inside the namespace of `host`; strings are
   * passed as they are, anything else as JSON. Resolves with the exit code
   * and output; a run over `timeoutMs` (default 10 s) is killed.
   */
  async run(
    host: string,
    script: string,
    args: readonly unknown[] = [],
    options: { timeoutMs?: number; input?: string } = {},
  ): Promise<RunResult> {
    const started = this.start(host, script, args, options)
    if (options.input !== undefined) started.send(options.input)
    return started.done
  }

  /** Starts `node <script> ...args` inside the namespace of `host`, for talking to it while it runs. */
  start(host: string, script: string, args: readonly unknown[] = [], options: { timeoutMs?: number } = {}): Started {
    if (this.#destroyed) throw new Error('hosts destroyed')
    const argv = ['netns', 'exec', this.ns(host), process.execPath, script, ...args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))]
    const child = spawn(IP, argv, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let pending = ''
    let timedOut = false
    let exited = false
    const lines: string[] = []
    const waiters: (() => void)[] = []
    const wake = () => {
      for (const w of waiters.splice(0)) w()
    }
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      pending += chunk
      let nl: number
      while ((nl = pending.indexOf('\n')) >= 0) {
        lines.push(pending.slice(0, nl))
        pending = pending.slice(nl + 1)
      }
      wake()
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.stdin.on('error', () => {})
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 10_000)
    const done = new Promise<RunResult>((resolve) => {
      child.on('error', (error) => {
        stderr += String(error)
      })
      child.on('close', (code, signal) => {
        clearTimeout(timer)
        exited = true
        if (pending) lines.push(pending)
        pending = ''
        wake()
        this.#procs.delete(started)
        resolve({ code, signal, stdout, stderr, timedOut })
      })
    })
    let read = 0
    const started: Started = {
      pid: child.pid,
      done,
      send: (line) => {
        if (!exited) child.stdin.write(line.endsWith('\n') ? line : `${line}\n`)
      },
      kill: () => {
        if (!exited) child.kill('SIGKILL')
      },
      line: (match = () => true, timeoutMs = 5_000) =>
        new Promise((resolve, reject) => {
          let settled = false
          const deadline = setTimeout(() => {
            settled = true
            reject(new Error(`no matching line within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`))
          }, timeoutMs)
          const check = () => {
            if (settled) return
            while (read < lines.length) {
              const text = lines[read++]
              let json: any
              try {
                json = JSON.parse(text)
              } catch {
                json = undefined
              }
              if (match(text, json)) {
                clearTimeout(deadline)
                resolve(json ?? text)
                return
              }
            }
            if (exited) {
              clearTimeout(deadline)
              reject(new Error(`exited without a matching line; stdout: ${stdout}\nstderr: ${stderr}`))
              return
            }
            waiters.push(check)
          }
          check()
        }),
    }
    this.#procs.add(started)
    return started
  }

  /** Kills what still runs inside and deletes the namespaces (and with them the veths). Idempotent. */
  destroy(): Promise<void> {
    this.#destroyed ??= (async () => {
      const procs = [...this.#procs]
      for (const p of procs) p.kill()
      await Promise.all(procs.map((p) => p.done))
      await Promise.all(this.namespaces().map((ns) => capture(IP, ['netns', 'del', ns])))
      live.delete(this)
    })()
    return this.#destroyed
  }
}

type Pair = readonly [string | null, string | null] | null

function buildLinks(spec: TopologySpec, hostSpecs: Readonly<Record<string, HostSpec>>) {
  const hostNames = Object.keys(hostSpecs)
  return (spec.links ?? []).map((link, i) => {
    for (const end of [link.a, link.b]) if (!hostNames.includes(end)) throw new Error(`link ${i}: no host ${end}`)
    const ifA = link.ifA ?? `to${link.b}`
    const ifB = link.ifB ?? `to${link.a}`
    for (const name of [ifA, ifB]) if (name.length > 15) throw new Error(`interface name ${name} is longer than 15`)
    const switched = [Boolean(hostSpecs[link.a].switch), Boolean(hostSpecs[link.b].switch)] as const
    const check = (pair: Pair, what: string): Pair => {
      switched.forEach((isSwitch, end) => {
        if (isSwitch && pair?.[end]) throw new Error(`link ${i}: the ${what} end at switch ${end ? link.b : link.a} cannot have an address`)
      })
      return pair
    }
    let ipv4: Pair | undefined = link.ipv4
    if (ipv4 === undefined) {
      const base = DEFAULT_V4[i]
      if (switched[0] || switched[1]) throw new Error(`link ${i}: a link to a switch needs explicit ipv4 addresses (or null)`)
      if (base === undefined) throw new Error(`link ${i}: give ipv4 addresses explicitly (only ${DEFAULT_V4.length} default subnets)`)
      ipv4 = [`${base}.1/24`, `${base}.2/24`]
    }
    let ipv6: Pair | undefined = link.ipv6
    if (ipv6 === undefined) {
      if (switched[0] || switched[1]) throw new Error(`link ${i}: a link to a switch needs explicit ipv6 addresses (or null)`)
      ipv6 = [`2001:db8:${i + 1}::1/64`, `2001:db8:${i + 1}::2/64`]
    }
    return { a: link.a, b: link.b, ifA, ifB, ipv4: check(ipv4, 'ipv4'), ipv6: check(ipv6, 'ipv6') }
  })
}

/** The bridge of a switch host. */
export const SWITCH_BRIDGE = 'br0'

/**
 * Builds the namespaces, veth pairs, addresses, forwarding and routes of
 * `spec`, waits until every veth's fe80:: address is usable, and returns the
 * topology. On failure everything made so far is deleted again.
 */
export async function createHosts(spec: TopologySpec): Promise<Hosts> {
  const can = canUseNetns()
  if (!can.ok) throw new Error(`network namespaces unavailable: ${can.reason}`)
  const hostSpecs: Record<string, HostSpec> = Array.isArray(spec.hosts)
    ? Object.fromEntries((spec.hosts as readonly string[]).map((h) => [h, {}]))
    : { ...(spec.hosts as Record<string, HostSpec>) }
  const hostNames = Object.keys(hostSpecs)
  for (const host of hostNames) {
    if (!/^[A-Za-z0-9_]{1,12}$/.test(host)) throw new Error(`bad host name ${JSON.stringify(host)}`)
  }
  const links = buildLinks(spec, hostSpecs)

  await deleteStaleNamespaces()
  registerExitHook()
  const id = `${NETNS_PREFIX}${process.pid}-${++counter}`
  const hosts = new Hosts(id, hostNames)
  live.add(hosts)
  try {
    // 1. The namespaces, then the veth pairs straight into them (so their
    //    names never meet in the machine's own namespace).
    const global = hosts.namespaces().map((ns) => `netns add ${ns}`)
    // Distinct ifindexes for the two ends: a veth whose ifindex equals its
    // peer's (both 2 in fresh namespaces) gets its carrier through the
    // kernel's rate-limited linkwatch, up to a second late.
    links.forEach((link, i) => {
      global.push(
        `link add ${link.ifA} index ${10 + 2 * i} netns ${hosts.ns(link.a)} type veth ` +
          `peer name ${link.ifB} index ${11 + 2 * i} netns ${hosts.ns(link.b)}`,
      )
    })
    // 2. Sysctls, before any link is up: no IPv6 DAD, so the link-local
    //    addresses are usable at once; forwarding for routers.
    await must(IP, ['-batch', '-'], { input: global.join('\n') + '\n' })
    await Promise.all(
      hostNames.map((host) => {
        const h = hostSpecs[host]
        const settings: Record<string, string | number> = {
          'net.ipv6.conf.all.accept_dad': 0,
          'net.ipv6.conf.default.accept_dad': 0,
        }
        for (const link of links) {
          if (link.a === host) settings[`net.ipv6.conf.${link.ifA}.accept_dad`] = 0
          if (link.b === host) settings[`net.ipv6.conf.${link.ifB}.accept_dad`] = 0
        }
        if (h.forwarding) {
          settings['net.ipv4.ip_forward'] = 1
          settings['net.ipv6.conf.all.forwarding'] = 1
        }
        if (h.switch) {
          // No IPv6 on the ports nor on the bridge: a switch sends nothing
          // of its own (no router or neighbour solicitations, no MLD).
          settings['net.ipv6.conf.all.disable_ipv6'] = 1
          settings['net.ipv6.conf.default.disable_ipv6'] = 1
        }
        Object.assign(settings, h.sysctls ?? {})
        const argv = Object.entries(settings).map(([key, value]) => `${key}=${value}`)
        return must(IP, ['netns', 'exec', hosts.ns(host), SYSCTL, '-q', '-w', ...argv])
      }),
    )
    // 3. Per namespace, one ip batch: lo, addresses, links up; then routes.
    await Promise.all(
      hostNames.map(async (host) => {
        const h = hostSpecs[host]
        const batch = ['link set lo up']
        if (h.loopbackMulticast) batch.push('link set lo multicast on', 'route add 224.0.0.0/4 dev lo')
        if (h.switch) {
          batch.push(
            `link add ${SWITCH_BRIDGE} type bridge stp_state 0 forward_delay 0 mcast_snooping 0`,
            `link set ${SWITCH_BRIDGE} up`,
          )
        }
        for (const link of links) {
          for (const [end, dev, index] of [
            [link.a, link.ifA, 0],
            [link.b, link.ifB, 1],
          ] as const) {
            if (end !== host) continue
            if (h.switch) batch.push(`link set ${dev} master ${SWITCH_BRIDGE}`)
            if (link.ipv4?.[index]) batch.push(`addr add ${link.ipv4[index]} broadcast + dev ${dev}`)
            if (link.ipv6?.[index]) batch.push(`addr add ${link.ipv6[index]} dev ${dev} nodad`)
            batch.push(`link set ${dev} up`)
          }
        }
        await must(IP, ['-n', hosts.ns(host), '-batch', '-'], { input: batch.join('\n') + '\n' })
      }),
    )
    // Routes after every link is up (a route via a peer needs the link).
    await Promise.all(
      hostNames.map(async (host) => {
        for (const route of hostSpecs[host].routes ?? []) await must(IP, ['-n', hosts.ns(host), ...route])
      }),
    )
    // 4. Wait until each veth has a non-tentative fe80:: address, and each
    //    switch port forwards (bounded).
    await Promise.all(hostNames.map((host) => (hostSpecs[host].switch ? settleSwitch(hosts, host) : settle(hosts, host, links))))
    return hosts
  } catch (error) {
    await hosts.destroy()
    throw error
  }
}

interface IpAddrJson {
  ifindex: number
  ifname: string
  flags?: string[]
  address?: string
  addr_info?: { family: string; local: string; prefixlen: number; scope: string; tentative?: boolean; dadfailed?: boolean }[]
}

interface IpLinkJson {
  ifname: string
  flags?: string[]
  linkinfo?: { info_slave_kind?: string; info_slave_data?: { state?: string } }
}

/** Waits until every port of a switch's bridge is up and forwarding. */
async function settleSwitch(hosts: Hosts, host: string): Promise<void> {
  const deadline = Date.now() + 3_000
  for (;;) {
    const out = await must(IP, ['-j', '-d', '-n', hosts.ns(host), 'link', 'show', 'master', SWITCH_BRIDGE])
    const ports = JSON.parse(out.stdout || '[]') as IpLinkJson[]
    const waiting = ports.filter((p) => p.flags?.includes('NO-CARRIER') || p.linkinfo?.info_slave_data?.state !== 'forwarding')
    const list = await must(IP, ['-j', '-n', hosts.ns(host), 'link', 'show'])
    hosts._setIfaces(
      host,
      (JSON.parse(list.stdout) as (IpLinkJson & { ifindex: number; address?: string })[]).map((l) => ({
        host,
        name: l.ifname,
        ifindex: l.ifindex,
        mac: l.address,
      })),
    )
    if (waiting.length === 0) return
    if (Date.now() > deadline) {
      throw new Error(`${host}: switch ports not forwarding after 3 s: ${waiting.map((p) => `${p.ifname} ${p.linkinfo?.info_slave_data?.state}`).join(', ')}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function settle(hosts: Hosts, host: string, links: ReturnType<typeof buildLinks>): Promise<void> {
  const wanted = new Map<string, string | undefined>()
  for (const link of links) {
    if (link.a === host) wanted.set(link.ifA, link.b)
    if (link.b === host) wanted.set(link.ifB, link.a)
  }
  const deadline = Date.now() + 3_000
  for (;;) {
    const out = await must(IP, ['-j', '-n', hosts.ns(host), 'addr', 'show'])
    const list = JSON.parse(out.stdout) as IpAddrJson[]
    const ifaces: Iface[] = []
    let ready = true
    for (const entry of list) {
      const info = entry.addr_info ?? []
      const v4 = info.find((a) => a.family === 'inet')
      const v6 = info.find((a) => a.family === 'inet6' && a.scope === 'global')
      const ll = info.find((a) => a.family === 'inet6' && a.scope === 'link')
      if (wanted.has(entry.ifname)) {
        if (entry.flags?.includes('NO-CARRIER') || !ll || ll.tentative || info.some((a) => a.family === 'inet6' && a.tentative)) ready = false
      }
      ifaces.push({
        host,
        name: entry.ifname,
        peer: wanted.get(entry.ifname),
        ifindex: entry.ifindex,
        ipv4: v4?.local,
        prefix4: v4?.prefixlen,
        broadcast4: v4 ? broadcastOf(v4.local, v4.prefixlen) : undefined,
        ipv6: v6?.local,
        prefix6: v6?.prefixlen,
        linkLocal: ll?.local,
        mac: entry.address,
      })
    }
    hosts._setIfaces(host, ifaces)
    if (ready) return
    if (Date.now() > deadline) {
      throw new Error(`${host}: link-local addresses still tentative after 3 s:\n${(await capture(IP, ['-n', hosts.ns(host), '-6', 'addr'])).stdout}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/**
 * One namespace, host `H` (or `name`), for multicast over loopback: `lo` up
 * with the MULTICAST flag and a `224.0.0.0/4 dev lo` route. (IPv6 multicast
 * cannot loop over lo on Linux; see `HostSpec.loopbackMulticast`.)
 */
export function createSingleHost(name = 'H'): Promise<Hosts> {
  return createHosts({ hosts: { [name]: { loopbackMulticast: true } } })
}

/**
 * Builds a topology for one test and always destroys it: on teardown and
 * when `body` settles (a try/finally), so even a failed assertion or a thrown
 * error leaves nothing behind.
 */
export async function withHosts<T>(t: ExecutionContext, spec: TopologySpec | 'single', body: (hosts: Hosts) => Promise<T>): Promise<T> {
  const hosts = spec === 'single' ? await createSingleHost() : await createHosts(spec)
  t.teardown(() => hosts.destroy())
  try {
    return await body(hosts)
  } finally {
    await hosts.destroy()
  }
}
