// The receive rows' receivers and slices, shared by bench/run.js and
// bench/receive-share.js: a new socket of each library, bound to loopback
// with a 4 MiB receive buffer, under the GSO blaster (bench/udpload.c).
'use strict'
const dgram = require('node:dgram')

const { Loop, UDP } = require('..')
const facade = require('../dgram')
const load = require('./load')

/** The receive buffer every receiver asks for (the C drainers too). */
const RCVBUF = 4 << 20

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function uvReceiver(onDatagram) {
  const udp = new UDP(Loop.default_loop())
  udp.bind(['127.0.0.1', 0])
  udp.receive_buffer_size = RCVBUF
  udp.start_recv(onDatagram)
  return { port: udp.getsockname()[1], close: () => udp.close(), dropped: () => udp.recv_dropped }
}

// The same code for node:dgram and uv-udp/dgram (the drop-in facade).
async function dgramReceiver(onDatagram, lib = dgram) {
  const socket = lib.createSocket({ type: 'udp4', recvBufferSize: RCVBUF })
  socket.on('message', onDatagram)
  await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve))
  return { port: socket.address().port, close: () => socket.close(), dropped: () => 0 }
}

/** Each library's receiver: `(onDatagram) => { port, close, dropped }` (maybe a promise). */
const receivers = {
  'uv-udp': uvReceiver,
  dgram: dgramReceiver,
  'uv-udp/dgram': (onDatagram) => dgramReceiver(onDatagram, facade),
}

/**
 * One slice of a receive row: a new receiver of `lib` under the blaster
 * (`size` bytes) for `seconds`; what it received, the blaster's report, and
 * this process's CPU time (user + system, µs) meanwhile.
 */
async function receiveSlice(lib, size, seconds) {
  let received = 0
  const receiver = await receivers[lib](() => { received++ })
  const cpu = process.cpuUsage()
  const [report] = await load.runLoad(['blast', '127.0.0.1', String(receiver.port), String(size), String(seconds)], seconds + 30)
  await sleep(200) // let what is already queued reach the callback
  const used = process.cpuUsage(cpu)
  const dropped = receiver.dropped()
  receiver.close()
  return { received, seconds: report.seconds, sent: report.sent, cpu_us: used.user + used.system, dropped }
}

module.exports = { RCVBUF, receivers, receiveSlice }
