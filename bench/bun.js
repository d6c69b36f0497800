// Run by bench/run.js under Bun (from the `bun` devDependency): uv-udp and
// Bun.udpSocket side by side in one Bun process. Prints one JSON line.
// Load comes from the same udpload program as the Node scenarios.
'use strict'

const { Loop, UDP, errno } = require('..')
const load = require('./load')

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const BATCH = 64
const loop = Loop.default_loop()
const now = () => Number(process.hrtime.bigint()) / 1e9
const immediate = () => new Promise((resolve) => setImmediate(resolve))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const runLoad = (args, onLine) => load.runLoad(args, SECONDS + 30, onLine)

async function receive(lib, size) {
  let received = 0
  let port
  let close
  if (lib === 'uv-udp') {
    const udp = new UDP(loop)
    udp.bind(['127.0.0.1', 0])
    udp.receive_buffer_size = 4 << 20
    udp.start_recv(() => { received++ })
    port = udp.getsockname()[1]
    close = () => udp.close()
  } else {
    const socket = await Bun.udpSocket({ hostname: '127.0.0.1', socket: { data() { received++ } } })
    port = socket.port
    close = () => socket.close()
  }
  const [report] = await runLoad(['blast', '127.0.0.1', String(port), String(size), String(SECONDS)])
  await sleep(200)
  close()
  return received / report.seconds
}

async function send(lib, size) {
  let port
  const counted = runLoad(['count', '0', String(SECONDS + 2)], (line) => { if (line.ready) port = line.port })
  while (port === undefined) await sleep(10)
  const payload = Buffer.alloc(size, 7)
  let sent = 0
  let burst
  let close
  if (lib === 'uv-udp') {
    const udp = new UDP(loop)
    const messages = Array.from({ length: BATCH }, () => [['127.0.0.1', port], payload])
    burst = () => {
      try {
        return udp.try_send_many(messages)
      } catch (error) {
        if (error.errno !== errno.UV_EAGAIN) throw error
        return 0
      }
    }
    close = () => udp.close()
  } else {
    const socket = await Bun.udpSocket({})
    const flat = []
    for (let i = 0; i < BATCH; i++) flat.push(payload, port, '127.0.0.1')
    burst = () => socket.sendMany(flat)
    close = () => socket.close()
  }
  const start = now()
  while (now() < start + SECONDS) {
    sent += burst()
    await immediate()
  }
  const seconds = now() - start
  close()
  const lines = await counted
  return { rate: sent / seconds, received: lines.find((line) => 'received' in line).received }
}

async function main() {
  const results = {}
  for (const size of [64, 1200]) {
    results[`receive ${size} B`] = { 'uv-udp': await receive('uv-udp', size), 'Bun.udpSocket': await receive('bun', size) }
    const uv = await send('uv-udp', size)
    const bun = await send('bun', size)
    results[`send batches of 64, ${size} B`] = { 'uv-udp': uv.rate, 'Bun.udpSocket': bun.rate, received: { 'uv-udp': uv.received, 'Bun.udpSocket': bun.received } }
  }
  console.log(JSON.stringify({ bun: Bun.version, results }))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
