// Source-specific multicast (IGMPv3 / MLDv2): a member of group 232.1.1.1
// that accepts one source only. Two senders, 127.0.0.1 and 127.0.0.2, send
// to the group; only the second one's datagram arrives.
//
// Multicast must never leave the machine, so this example runs in a network
// namespace of its own (Linux, root): it re-runs itself under `unshare --net`,
// where the only interface is loopback, and the namespace ends with it.
//
//   sudo node examples/ssm.js
'use strict'
const { execFileSync, spawnSync } = require('node:child_process')

if (process.argv[2] !== '--in-namespace') {
  if (process.platform !== 'linux' || process.getuid() !== 0) {
    console.error('ssm.js needs Linux and root: it makes its own network namespace so that')
    console.error('no multicast leaves it. Run: sudo node examples/ssm.js')
    process.exit(1)
  }
  const run = spawnSync('unshare', ['--net', process.execPath, __filename, '--in-namespace'], { stdio: 'inherit' })
  process.exit(run.status ?? 1)
}

// In the namespace: loopback up, and able to carry multicast.
execFileSync('ip', ['link', 'set', 'lo', 'up', 'multicast', 'on'])
execFileSync('ip', ['route', 'add', '224.0.0.0/4', 'dev', 'lo'])

const { Loop, UDP, AF_INET, UV_JOIN_GROUP, UV_LEAVE_GROUP, UV_UDP_REUSEADDR } = require('..')

const loop = Loop.default_loop()
const GROUP = '232.1.1.1' // 232.0.0.0/8 is IPv4's source-specific range
const IFACE = '127.0.0.1'
const SOURCE = '127.0.0.2' // the one source this member accepts

const member = new UDP(loop, AF_INET)
member.bind(['0.0.0.0', 0], UV_UDP_REUSEADDR)
// libuv's argument order: group, interface, source, membership.
member.set_source_membership(GROUP, IFACE, SOURCE, UV_JOIN_GROUP)
member.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('member: receive failed:', error)
  console.log(`member: ${JSON.stringify(data.toString())} from ${address[0]}`)
})
const port = member.getsockname()[1]

let pending = 2
for (const from of ['127.0.0.1', '127.0.0.2']) {
  const sender = new UDP(loop, AF_INET)
  sender.bind([from, 0]) // the datagram's source address
  sender.set_multicast_interface(IFACE)
  sender.send([GROUP, port], Buffer.from(`sent by ${from}`), () => {
    console.log(`${from}: sent`)
    sender.close()
    if (--pending === 0) setTimeout(done, 100)
  })
}

function done() {
  member.set_source_membership(GROUP, IFACE, SOURCE, UV_LEAVE_GROUP)
  member.close(() => console.log('done: only the datagram of the chosen source arrived'))
}
