// IPv6 link-local unicast: fe80:: addresses exist once per link, so each one
// needs its interface, given as a zone ('fe80::1%eth0') or as scope_id, the
// 4th element of the address tuple. A received link-local peer comes with
// the scope_id of the interface it arrived on, so replying to it just works.
//
// This example makes its link, a veth pair (va <-> vb), in a network
// namespace of its own (Linux, root): it re-runs itself under
// `unshare --net`, and the namespace ends with it. Both ends are in that one
// namespace; __test__/networks.spec.ts does the same between two hosts.
//
//   sudo node examples/link-local.js
'use strict'
const { execFileSync, spawnSync } = require('node:child_process')
const { writeFileSync } = require('node:fs')
const os = require('node:os')

if (process.argv[2] !== '--in-namespace') {
  if (process.platform !== 'linux' || process.getuid() !== 0) {
    console.error('link-local.js needs Linux and root: it makes its own network namespace and')
    console.error('a veth pair in it. Run: sudo node examples/link-local.js')
    process.exit(1)
  }
  const run = spawnSync('unshare', ['--net', process.execPath, __filename, '--in-namespace'], { stdio: 'inherit' })
  process.exit(run.status ?? 1)
}

// In the namespace: a veth pair, its fe80:: addresses usable at once (no DAD).
writeFileSync('/proc/sys/net/ipv6/conf/default/accept_dad', '0')
execFileSync('ip', ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb'])
execFileSync('ip', ['link', 'set', 'va', 'up'])
execFileSync('ip', ['link', 'set', 'vb', 'up'])

const { Loop, UDP, AF_INET6 } = require('..')

function linkLocal(ifname) {
  for (let i = 0; i < 100; i++) {
    const found = (os.networkInterfaces()[ifname] ?? []).find((a) => a.address.startsWith('fe80:'))
    if (found) return { address: found.address, scope_id: found.scopeid }
    execFileSync('sleep', ['0.02'])
  }
  throw new Error(`${ifname} has no fe80:: address`)
}
const a = linkLocal('va')
const b = linkLocal('vb')
console.log(`va: ${a.address} (scope_id ${a.scope_id}), vb: ${b.address} (scope_id ${b.scope_id})`)

const loop = Loop.default_loop()

// The server binds to vb's address, zone and all, and echoes.
const server = new UDP(loop, AF_INET6)
server.bind([`${b.address}%vb`, 0])
const port = server.getsockname()[1]
console.log('server: bound to', server.getsockname())
server.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('server: receive failed:', error)
  console.log(`server: ${JSON.stringify(data.toString())} from`, address) // [ip, port, flowinfo, scope_id]
  handle.send(address, Buffer.concat([Buffer.from('echo: '), data]))
})

const client = new UDP(loop, AF_INET6)
client.bind([`${a.address}%va`, 0])
let replies = 0
client.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('client: receive failed:', error)
  console.log(`client: ${JSON.stringify(data.toString())} from`, address)
  if (++replies === 2) {
    client.close()
    server.close(() => console.log('done'))
  }
})
client.send([`${b.address}%va`, port], Buffer.from('with a zone')) // the interface by name
client.send([b.address, port, 0, a.scope_id], Buffer.from('with a scope_id')) // or by index
