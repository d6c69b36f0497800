/**
 * try_send_many on a real link (issue 10, B): a run of equal datagrams
 * larger than the link's MTU allows unfragmented must still arrive, as
 * `send` would send each one (fragmented); UDP GSO may never turn such a
 * datagram into an error. Two namespaces joined by two veth links: one of
 * Ethernet's 1500 bytes, one of 1280 (where 1400-byte runs, which fit a
 * 1500-byte MTU and so are sent as GSO, are refused by the kernel and must
 * go datagram by datagram).
 */
import { fixture, netnsTest, withHosts } from './netns/harness.js'

const SCRIPT = fixture('gso-mtu.mjs')

netnsTest('try_send_many runs of 1473, 3000 and 9000-byte datagrams over a 1500-MTU link all arrive, and 1400-byte runs over a 1280-MTU link', async (t) => {
  await withHosts(t, { hosts: ['A', 'B'], links: [{ a: 'A', b: 'B' }, { a: 'A', b: 'B', ifA: 'small', ifB: 'small' }] }, async (hosts) => {
    for (const host of ['A', 'B']) await hosts.ip(host, ['link', 'set', 'small', 'mtu', '1280'])
    const wide = hosts.iface('B', 'toA')
    const small = hosts.iface('B', 'small')
    t.truthy(wide.ipv4 && wide.ipv6 && small.ipv4)
    const binds = [
      [wide.ipv4, 5000],
      [wide.ipv6, 5000, 0, 0],
      [small.ipv4, 5001],
    ]
    const runs: [unknown, number, number][] = [
      [binds[0], 1472, 20],
      [binds[0], 1473, 20],
      [binds[0], 3000, 20],
      [binds[0], 9000, 20],
      [binds[1], 1452, 10],
      [binds[1], 1453, 10],
      [binds[1], 9000, 10],
      [binds[2], 1200, 20],
      [binds[2], 1400, 20],
    ]
    const expected: Record<string, number> = {}
    for (const [address, size, count] of runs) {
      const key = `${binds.indexOf(address as (typeof binds)[number])}:${size}`
      expected[key] = (expected[key] ?? 0) + count
    }
    const total = runs.reduce((n, [, , count]) => n + count, 0)
    const receiver = hosts.start('B', SCRIPT, ['recv', { binds, expect: total }], { timeoutMs: 15_000 })
    await receiver.line((_line, json) => json?.event === 'ready')
    const sender = await hosts.run('A', SCRIPT, ['send', { runs }], { timeoutMs: 10_000 })
    t.is(sender.code, 0, sender.stderr)
    const sent = JSON.parse(sender.stdout.trim().split('\n').pop() ?? '{}')
    t.is(sent.sent, total, `every datagram sent: ${sender.stdout}`)
    t.deepEqual(
      sent.errors.filter((code: string) => code !== 'EAGAIN'),
      [],
      'no error but would-block',
    )
    const received = await receiver.done
    const out = JSON.parse(received.stdout.trim().split('\n').pop() ?? '{}')
    t.deepEqual(out.got, expected, 'every datagram arrived, whole')
    t.is(out.bad, 0, 'no datagram reassembled wrong')
  })
})
