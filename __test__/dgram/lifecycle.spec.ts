/** close, 'close', asyncDispose, ref / unref and what keeps the process alive. */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { both, listening, nextEvent, socket, thrown } from './support.js'

const execFileAsync = promisify(execFile)
const FIXTURE = fileURLToPath(new URL('fixtures/alive.cjs', import.meta.url))
const REPO = fileURLToPath(new URL('../..', import.meta.url))

both('close emits close on the next tick, after the callback is added; returns the socket', async (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.bind(0, '127.0.0.1')
  await listening(s)
  const order: string[] = []
  s.on('close', () => order.push('listener'))
  t.is(s.close(() => order.push('callback')), s)
  t.deepEqual(order, [])
  await new Promise<void>((resolve) => process.nextTick(resolve))
  t.deepEqual(order, ['listener', 'callback'])
})

both('close of a never bound socket emits close', async (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.close()
  await nextEvent(s, ['close'])
  t.pass()
})

both('a second close throws ERR_SOCKET_DGRAM_NOT_RUNNING; so do address and the membership calls', async (t, dgram) => {
  const s = dgram.createSocket('udp4')
  s.bind(0, '127.0.0.1')
  await listening(s)
  s.close()
  const expected = { name: 'Error', code: 'ERR_SOCKET_DGRAM_NOT_RUNNING', message: 'Not running' }
  t.deepEqual(thrown(t, () => s.close()), expected)
  t.deepEqual(thrown(t, () => s.address()), expected)
  t.deepEqual(thrown(t, () => s.remoteAddress()), expected)
  t.deepEqual(thrown(t, () => s.addMembership('224.0.0.114')), expected)
  t.deepEqual(thrown(t, () => s.setMulticastInterface('127.0.0.1')), expected)
  t.deepEqual(thrown(t, () => s.addSourceSpecificMembership('127.0.0.1', '232.1.1.1')), expected)
  // ref and unref on a closed socket do nothing, as in Node.
  t.is(s.ref(), s)
  t.is(s.unref(), s)
})

both('close while a send waits for its bind: the send is dropped, close follows the bind', async (t, dgram) => {
  const s = dgram.createSocket('udp4')
  const events: string[] = []
  for (const event of ['listening', 'close', 'error']) s.on(event, () => events.push(event))
  let sent = false
  s.send('x', 9, '127.0.0.1', () => {
    sent = true
  })
  s.close()
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.deepEqual(events, ['listening', 'close'])
  t.false(sent)
})

both('Symbol.asyncDispose closes and resolves on close; a second dispose resolves at once', async (t, dgram) => {
  const s = dgram.createSocket('udp4') as ReturnType<typeof dgram.createSocket> & { [Symbol.asyncDispose](): Promise<void> }
  s.bind(0, '127.0.0.1')
  await listening(s)
  let closed = false
  s.on('close', () => {
    closed = true
  })
  await s[Symbol.asyncDispose]()
  t.true(closed)
  await s[Symbol.asyncDispose]()
  t.like(thrown(t, () => s.address()), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' })
})

// Node's is an anonymous async function awaiting the close: it settles one
// microtask after the 'close' event's first, and reads as an AsyncFunction named ''.
both('Symbol.asyncDispose is an anonymous async function, settling on the same microtask as Node\'s', async (t, dgram) => {
  const s = dgram.createSocket('udp4') as ReturnType<typeof dgram.createSocket> & { [Symbol.asyncDispose](): Promise<void> }
  const dispose = s[Symbol.asyncDispose]
  t.is(dispose.constructor.name, 'AsyncFunction')
  t.is(dispose.name, '')
  await listening(s.bind(0, '127.0.0.1'))
  const order: string[] = []
  const settled = s[Symbol.asyncDispose]().then(() => order.push('disposed'))
  s.once('close', () => {
    // Microtasks counted from the 'close' event on.
    let tick = 0
    const next = (): void => {
      order.push(`microtask ${tick}`)
      if (++tick < 4) queueMicrotask(next)
    }
    queueMicrotask(next)
  })
  await settled
  await new Promise((resolve) => setImmediate(resolve))
  t.deepEqual(order, ['microtask 0', 'disposed', 'microtask 1', 'microtask 2', 'microtask 3'])
})

both('ref and unref return the socket', (t, dgram) => {
  const s = socket(t, dgram)
  t.is(s.unref(), s)
  t.is(s.ref(), s)
})

const scenarios: [string, string, 'exits' | 'stays'][] = [
  ['an unbound socket does not keep the process alive', 'unbound', 'exits'],
  ['a bound socket keeps the process alive', 'bound', 'stays'],
  ['an unref()ed bound socket does not', 'bound-unref', 'exits'],
  ['unref() before bind holds once bound', 'unref-then-bind', 'exits'],
  ['ref() again after unref() keeps it alive', 'unref-ref', 'stays'],
  ['a closed socket does not', 'bound-closed', 'exits'],
]
for (const [title, scenario, outcome] of scenarios) {
  both(`${title} (${scenario})`, async (t, _dgram, impl) => {
    const { stdout } = await execFileAsync(process.execPath, [FIXTURE, impl.name, scenario], { cwd: REPO, timeout: 10_000 })
    t.is(stdout.trim(), outcome)
  })
}
