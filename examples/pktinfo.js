// start_recv(callback, { pktinfo: true }): a socket bound to the wildcard
// learns, for each datagram, the address it was sent to and the interface
// it came in on (IP_PKTINFO / IPV6_RECVPKTINFO): the sixth argument
// { local_address, interface_index }. Useful to answer from the right
// address on a multi-homed host. Runs on loopback, no root needed (on Linux
// all of 127.0.0.0/8 is local, so 127.0.0.2 needs no setup).
//
//   node examples/pktinfo.js
'use strict'
const { Loop, UDP, AF_INET, AF_INET6 } = require('..')

const loop = Loop.default_loop()
const EXPECTED = 4
let seen = 0

function closeAll() {
  for (const handle of loop.handles) if (!handle.closed) handle.close()
}
setTimeout(closeAll, 2000).unref() // in case a datagram never comes

function report(handle, address, flags, data, error, info) {
  if (error !== null) return console.error('receive failed:', error)
  console.log(
    `${JSON.stringify(data.toString())} from ${address[0]}: ` +
      `sent to ${info.local_address}, in on interface ${info.interface_index}`,
  )
  if (++seen === EXPECTED) closeAll()
}

const v4 = new UDP(loop, AF_INET)
v4.bind(['0.0.0.0', 0])
v4.start_recv(report, { pktinfo: true })

const v6 = new UDP(loop, AF_INET6)
v6.bind(['::', 0]) // dual-stack: IPv4 arrives as ::ffff:a.b.c.d
v6.start_recv(report, { pktinfo: true })

const tx4 = new UDP(loop, AF_INET)
const tx6 = new UDP(loop, AF_INET6)
tx4.send(['127.0.0.1', v4.getsockname()[1]], Buffer.from('to 127.0.0.1'))
tx4.send(['127.0.0.2', v4.getsockname()[1]], Buffer.from('to 127.0.0.2'))
tx6.send(['::1', v6.getsockname()[1]], Buffer.from('to ::1'))
tx4.send(['127.0.0.1', v6.getsockname()[1]], Buffer.from('IPv4 to a dual-stack socket'))

loop.run().then(() => console.log('done'))
