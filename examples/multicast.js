// IPv4 multicast: a member joins a group on one interface, a sender picks the
// interface its datagrams leave by, and once the member leaves the group it
// hears nothing more.
//
// Multicast must never leave the machine, so this example runs in a network
// namespace of its own (Linux, root): it re-runs itself under `unshare --net`,
// where the only interface is loopback, and the namespace ends with it.
//
//   sudo node examples/multicast.js
'use strict'
const { execFileSync, spawnSync } = require('node:child_process')

if (process.argv[2] !== '--in-namespace') {
  if (process.platform !== 'linux' || process.getuid() !== 0) {
    console.error('multicast.js needs Linux and root: it makes its own network namespace so that')
    console.error('no multicast leaves it. Run: sudo node examples/multicast.js')
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
const GROUP = '239.1.2.3'
const IFACE = '127.0.0.1' // an interface, named by one of its addresses

const member = new UDP(loop)
member.bind(['0.0.0.0', 0], UV_UDP_REUSEADDR)
member.set_membership(GROUP, UV_JOIN_GROUP, IFACE)
member.start_recv((handle, address, flags, data, error) => {
  if (error !== null) return console.error('member: receive failed:', error)
  console.log(`member: ${JSON.stringify(data.toString())} from ${address.join(':')}`)
})
const port = member.getsockname()[1]

const sender = new UDP(loop, AF_INET)
sender.set_multicast_interface(IFACE) // leave by this interface
sender.set_multicast_ttl(1) // and go no further than one hop

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const send = (text) => new Promise((resolve) => sender.send([GROUP, port], Buffer.from(text), (handle, error) => resolve(error)))

;(async () => {
  await send('hello, group')
  await wait(100)
  member.set_membership(GROUP, UV_LEAVE_GROUP, IFACE)
  console.log('member: left the group')
  await send('anyone there?')
  await wait(100)
  member.close()
  sender.close(() => console.log('done: nothing arrived after leaving'))
})()
