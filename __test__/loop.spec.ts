// Loop (src/loop.ts): what a loop accepts, when run() resolves, which
// handles it lists, and where a callback's exception goes.
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { AF_INET, Loop, UDP } from '../index.js'

import { type ChildRun, run } from './support/child.js'
import { handle, sleep, until, within } from './support/handles.js'

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Whether `promise` has settled after a few turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  for (let i = 0; i < 5; i++) await immediate()
  return done
}

test('new UDP refuses anything but a real Loop with a TypeError that says what it got', (t) => {
  const loop = new Loop()
  const trap = () => {
    throw new Error('a trap ran')
  }
  const cases: [unknown, string][] = [
    [null, 'null'],
    [undefined, 'undefined undefined'],
    [5, 'number 5'],
    ['loop', 'a string'],
    [{}, 'an object'],
    [Object.create(Loop.prototype), 'an object'],
    [new Proxy(loop, {}), 'an object'],
    [new Proxy(loop, { get: trap, has: trap, getPrototypeOf: trap }), 'an object'],
    [Loop, 'a function'],
  ]
  for (const [value, described] of cases) {
    const error = t.throws(() => new UDP(value as Loop), { instanceOf: TypeError })
    t.is(error?.message, `loop must be a Loop, got ${described}`)
  }
  // A real loop, the default one included, is one.
  t.notThrows(() => handle(t, loop))
  t.notThrows(() => handle(t, Loop.default_loop()))
})

test('excepthook is null at first, takes a function or null, and refuses anything else with a TypeError', (t) => {
  const loop = new Loop()
  t.is(loop.excepthook, null)
  const hook = () => {}
  loop.excepthook = hook
  t.is(loop.excepthook, hook)
  for (const [value, described] of [
    [5, 'number 5'],
    ['hook', 'a string'],
    [{}, 'an object'],
    [undefined, 'undefined undefined'],
  ] as const) {
    const error = t.throws(() => {
      loop.excepthook = value as unknown as null
    }, { instanceOf: TypeError })
    t.is(error?.message, `excepthook must be a function or null, got ${described}`)
    t.is(loop.excepthook, hook, 'a refused value changes nothing')
  }
  loop.excepthook = null
  t.is(loop.excepthook, null)
})

test('loop.run resolves while a handle is open but idle (bound, not receiving, nothing to send)', async (t) => {
  const loop = new Loop()
  const udp = handle(t, loop, AF_INET)
  udp.bind(['127.0.0.1', 0])
  t.false(udp.active)
  await within(2000, loop.run(), 'run() with an idle handle')
  t.deepEqual(loop.handles, [udp])
})

test('loop.run can be called again and again: each call resolves once the loop is idle again', async (t) => {
  const loop = new Loop()
  const udp = handle(t, loop, AF_INET)
  udp.bind(['127.0.0.1', 0])
  await within(2000, loop.run(), 'the first run()')
  await within(2000, loop.run(), 'the second run()')
  udp.start_recv(() => {})
  const third = loop.run()
  const fourth = loop.run()
  t.false(await settled(third), 'run() resolved while a handle is receiving')
  udp.stop_recv()
  await within(2000, Promise.all([third, fourth]), 'run() after stop_recv')
  udp.start_recv(() => {})
  const fifth = loop.run()
  t.false(await settled(fifth))
  udp.close()
  await within(2000, fifth, 'run() after close')
})

test('a handle that is collected unclosed leaves loop.handles, and run() is not held up by it', async (t) => {
  const { setFlagsFromString } = await import('node:v8')
  const { runInNewContext } = await import('node:vm')
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const loop = new Loop()
  const kept = handle(t, loop, AF_INET)
  ;(() => {
    const dropped = new UDP(loop, AF_INET)
    dropped.bind(['127.0.0.1', 0])
  })()
  t.is(loop.handles.length, 2)
  // A WeakRef's target lives at least until the current job ends.
  await immediate()
  gc()
  t.deepEqual(loop.handles, [kept])
  await within(2000, loop.run(), 'run() after the collection')
  await sleep(10)
  t.deepEqual(loop.handles, [kept])
})

/** Runs `source` (CommonJS, with `Loop`, `UDP` in scope) in a child node process. */
function child(source: string): Promise<ChildRun> {
  const index = join(process.cwd(), 'index.js')
  const script = `'use strict'\nconst { Loop, UDP } = require(${JSON.stringify(index)})\n${source}`
  return run(process.execPath, ['-e', script], 10_000)
}

// Three datagrams wait in the kernel, so that one read delivers them together;
// the first callback throws.
const throwingReceiver = (setup: string) => `
const loop = new Loop()
${setup}
const rx = new UDP(loop)
rx.bind(['127.0.0.1', 0])
const tx = new UDP(loop)
let sent = 0
for (const text of ['a', 'b', 'c']) tx.send(rx.getsockname(), Buffer.from(text), () => {
  if (++sent < 3) return
  setTimeout(() => {
    const got = []
    rx.start_recv((_h, _peer, _flags, data) => {
      got.push(String(data))
      if (got.length === 1) throw new Error('thrown by the callback')
      if (got.length === 3) {
        console.log('delivered ' + got.join(''))
        rx.close()
        tx.close()
      }
    })
  }, 20)
})
`

test('with no excepthook, a callback’s exception surfaces uncaught, as itself, and the rest of the batch is still delivered', async (t) => {
  const result = await child(`
const uncaught = []
process.on('uncaughtException', (error) => uncaught.push(error))
process.on('exit', () => console.log('uncaught ' + uncaught.map((e) => e instanceof Error ? e.message : String(e)).join('|')))
${throwingReceiver('')}`)
  t.is(result.stderr, '')
  t.is(result.code, 0)
  t.is(result.stdout, 'delivered abc\nuncaught thrown by the callback\n')
})

test('with no excepthook and no handler, a callback’s exception ends the process as an uncaught exception', async (t) => {
  const result = await child(throwingReceiver(''))
  t.is(result.code, 1)
  t.regex(result.stderr, /Error: thrown by the callback/)
})

test('an excepthook that throws: its own exception surfaces uncaught, once, and delivery goes on', async (t) => {
  const result = await child(`
const uncaught = []
const hooked = []
process.on('uncaughtException', (error) => uncaught.push(error))
process.on('exit', () => console.log('hooked ' + hooked.join('|') + '; uncaught ' + uncaught.map((e) => e instanceof Error ? e.message : String(e)).join('|')))
${throwingReceiver(`loop.excepthook = (error) => {
  hooked.push(error.message)
  throw new Error('thrown by the hook')
}`)}`)
  t.is(result.stderr, '')
  t.is(result.code, 0)
  t.is(result.stdout, 'delivered abc\nhooked thrown by the callback; uncaught thrown by the hook\n')
})

test('an excepthook set to null again: exceptions go back to surfacing uncaught', async (t) => {
  const result = await child(`
const uncaught = []
process.on('uncaughtException', (error) => uncaught.push(error))
process.on('exit', () => console.log('uncaught ' + uncaught.map((e) => e instanceof Error ? e.message : String(e)).join('|')))
${throwingReceiver(`loop.excepthook = () => { throw new Error('the hook ran') }
loop.excepthook = null`)}`)
  t.is(result.stderr, '')
  t.is(result.code, 0)
  t.is(result.stdout, 'delivered abc\nuncaught thrown by the callback\n')
})

/**
 * 200 round trips, one at a time: `from` sends n to `to`, and when `back`
 * receives n, n's send callback must have run already; then the next. Fails
 * with the first round that went wrong (`seen` names what `back` received).
 */
async function repliesAfterSendCallbacks(t: ExecutionContext, from: UDP, to: UDP, back: UDP, seen: string): Promise<void> {
  const wrong: string[] = []
  let sendDone = -1
  let round = 0
  const rounds = 200
  const next = () => {
    const n = round
    const data = Buffer.alloc(4)
    data.writeUInt32BE(n)
    from.send(to.getsockname(), data, (_h, error) => {
      if (error !== null) wrong.push(`send ${n}: ${error}`)
      sendDone = n
    })
  }
  back.start_recv((_h, _peer, _flags, data) => {
    const n = data!.readUInt32BE(0)
    if (sendDone < n) wrong.push(`${seen} ${n} before its send callback`)
    round++
    if (round < rounds) next()
  })
  next()
  await until(() => round >= rounds || wrong.length > 0, 10_000, `${rounds} round trips`)
  t.deepEqual(wrong, [])
}

test('a reply is never seen before its request’s send callback, over many round trips', async (t) => {
  const loop = new Loop()
  const a = handle(t, loop, AF_INET)
  a.bind(['127.0.0.1', 0])
  const b = handle(t, loop, AF_INET)
  b.bind(['127.0.0.1', 0])
  b.start_recv((h, peer, _flags, data) => {
    if (peer !== null && data !== null) h.send(peer, data)
  })
  await repliesAfterSendCallbacks(t, a, b, a, 'reply')
})

test('across handles of one loop: a reply that one handle receives is never seen before the send callback of another handle’s request', async (t) => {
  const loop = new Loop()
  // a sends the request to b; b forwards it to c; c's receive callback must
  // come after a's send callback, as libuv runs completed writes before it polls.
  const a = handle(t, loop, AF_INET)
  a.bind(['127.0.0.1', 0])
  const b = handle(t, loop, AF_INET)
  b.bind(['127.0.0.1', 0])
  const c = handle(t, loop, AF_INET)
  c.bind(['127.0.0.1', 0])
  b.start_recv((h, _peer, _flags, data) => {
    if (data !== null) h.send(c.getsockname(), data)
  })
  await repliesAfterSendCallbacks(t, a, b, c, 'forwarded')
})
