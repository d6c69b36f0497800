import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { Loop, UDP, type Address4 } from '../index.js'
import { linux, needs } from './support/capability.js'

// ava runs test files with the project directory as the working directory.
const fixtures = join(process.cwd(), '__test__', 'fixtures')

// ---------------------------------------------------------------- helpers

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Closes `handles` when the test ends, if the test did not. */
function closeLater(t: ExecutionContext, ...handles: UDP[]): void {
  t.teardown(() => {
    for (const udp of handles) if (!udp.closed) udp.close()
  })
}

/** Whether `promise` has settled by now (after letting pending microtasks run). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false
  void promise.then(
    () => (done = true),
    () => (done = true),
  )
  await immediate()
  return done
}

interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/** A running fixture: `exited` settles when it ends; it is killed at teardown if still alive. */
interface Child {
  process: ChildProcess
  exited: Promise<ChildResult>
  stdout: () => string
  alive: () => boolean
}

function runFixture(t: ExecutionContext, script: string, nodeArgs: string[] = []): Child {
  const start = Date.now()
  const child = spawn(process.execPath, [...nodeArgs, join(fixtures, script)], {
    cwd: fixtures,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const alive = () => child.exitCode === null && child.signalCode === null
  t.teardown(() => {
    if (alive()) child.kill('SIGKILL')
  })
  const exited = new Promise<ChildResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - start }))
  })
  return { process: child, exited, stdout: () => stdout, alive }
}

/** Resolves once the child has printed `text`. */
async function waitForOutput(child: Child, text: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!child.stdout().includes(text)) {
    if (!child.alive()) throw new Error(`child exited before printing ${text}`)
    if (Date.now() > deadline) throw new Error(`child did not print ${text} within ${ms} ms`)
    await sleep(10)
  }
}

// ---------------------------------------------------------------- close

test('close runs its callback once, later, with the handle; then loop is null and the handle leaves loop.handles', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  t.true(loop.handles.includes(udp))
  t.is(udp.loop, loop)
  t.false(udp.closed)

  const calls: UDP[] = []
  let afterCallback: { loop: Loop | null; listed: boolean } | undefined
  const closedCallback = new Promise<void>((resolve) => {
    udp.close((handle) => {
      calls.push(handle)
      // Right after the callback returns: loop is null, the handle is gone.
      queueMicrotask(() => {
        afterCallback = { loop: udp.loop, listed: loop.handles.includes(udp) }
        resolve()
      })
    })
  })
  // Synchronously after close(): closed, but the callback has not run.
  t.true(udp.closed)
  t.false(udp.active)
  t.deepEqual(calls, [])
  t.is(udp.loop, loop, 'loop stays the Loop until the close callback has run')
  t.true(loop.handles.includes(udp), 'the handle is listed until the close callback has run')

  await within(2000, closedCallback, 'close callback')
  t.is(calls.length, 1)
  t.is(calls[0], udp)
  t.deepEqual(afterCallback, { loop: null, listed: false })
  t.true(udp.closed)

  await sleep(50)
  t.is(calls.length, 1, 'the close callback ran exactly once')
  t.is(udp.loop, null)
  t.deepEqual(loop.handles, [])
})

test('close without a callback still removes the handle from loop.handles', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.close()
  t.true(udp.closed)
  await within(2000, loop.run(), 'loop.run')
  await immediate()
  t.is(udp.loop, null)
  t.deepEqual(loop.handles, [])
})

test('send callbacks not yet run at close() run before the close callback, in call order, with null: loopback took every send, so close() cancels none', async (t) => {
  const loop = new Loop()
  const receiver = new UDP(loop)
  receiver.bind(['127.0.0.1', 0])
  const target = receiver.getsockname()
  const sender = new UDP(loop)
  closeLater(t, receiver, sender)

  const events: string[] = []
  const statuses: (number | null)[] = []
  const payload = Buffer.alloc(1000, 0x62)
  const COUNT = 64
  for (let i = 0; i < COUNT; i++) {
    sender.send(target, payload, (handle, error) => {
      t.is(handle, sender)
      events.push(`send ${i}`)
      statuses.push(error)
    })
  }
  const closed = new Promise<void>((resolve) => {
    sender.close(() => {
      events.push('close')
      resolve()
    })
  })
  t.deepEqual(events, [], 'no callback runs synchronously')
  await within(2000, closed, 'close callback')
  t.deepEqual(events, [...Array.from({ length: COUNT }, (_, i) => `send ${i}`), 'close'])
  // Loopback never blocks (send.spec.ts): every send went out at once, and a
  // send the kernel took keeps its outcome. Queued sends cancelled by close()
  // are faults.spec.ts's (a tbf qdisc makes them queue).
  t.deepEqual(statuses, Array(COUNT).fill(null))
  receiver.close()
  await within(2000, loop.run(), 'loop.run')
})

// ---------------------------------------------------------------- Loop

test('Loop.default_loop returns the same Loop each time; new Loop is another with its own handles', (t) => {
  const a = Loop.default_loop()
  t.true(a instanceof Loop)
  t.is(Loop.default_loop(), a)
  const b = new Loop()
  t.not(b, a)
  t.not(new Loop(), b)

  const inB = new UDP(b)
  const other = new Loop()
  const inOther = new UDP(other)
  closeLater(t, inB, inOther)
  t.is(inB.loop, b)
  t.true(b.handles.includes(inB))
  t.false(b.handles.includes(inOther))
  t.false(a.handles.includes(inB))
  t.deepEqual(other.handles, [inOther])

  // handles is a copy.
  const copy = b.handles
  copy.length = 0
  t.true(b.handles.includes(inB))
})

test('loop.run resolves once all its handles are closed', async (t) => {
  const loop = new Loop()
  const a = new UDP(loop)
  const b = new UDP(loop)
  closeLater(t, a, b)
  a.bind(['127.0.0.1', 0])
  b.bind(['127.0.0.1', 0])
  a.start_recv(() => {})
  b.start_recv(() => {})
  const run = loop.run()
  setTimeout(() => {
    a.close()
    b.close()
  }, 50)
  await within(2000, run, 'loop.run')
  t.true(a.closed && b.closed)
  await immediate()
  t.deepEqual(loop.handles, [])
})

test('loop.run does not resolve while a referenced handle is receiving', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  closeLater(t, udp)
  udp.bind(['127.0.0.1', 0])
  udp.start_recv(() => {})
  t.true(udp.ref)
  t.true(udp.active)
  const run = loop.run()
  await sleep(200)
  t.false(await settled(run), 'run() resolved while a ref’d handle was receiving')
  udp.close()
  await within(2000, run, 'loop.run after close')
  t.pass()
})

test('loop.run resolves while a handle with ref = false is receiving', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  closeLater(t, udp)
  udp.bind(['127.0.0.1', 0])
  udp.start_recv(() => {})
  udp.ref = false
  t.false(udp.ref)
  await within(2000, loop.run(), 'loop.run')
  t.true(udp.active)
  udp.close()
})

// ---------------------------------------------------------------- callbacks

test('stop_recv inside a receive callback stops further callbacks', async (t) => {
  const loop = new Loop()
  const receiver = new UDP(loop)
  const sender = new UDP(loop)
  closeLater(t, receiver, sender)
  receiver.bind(['127.0.0.1', 0])
  const target = receiver.getsockname()
  let calls = 0
  const first = new Promise<void>((resolve) => {
    receiver.start_recv((handle) => {
      calls++
      handle.stop_recv()
      resolve()
    })
  })
  for (let i = 0; i < 8; i++) sender.send(target, Buffer.from(`datagram ${i}`))
  await within(2000, first, 'first datagram')
  await sleep(200)
  t.is(calls, 1)
  t.false(receiver.active)
  sender.close()
  receiver.close()
  await within(2000, loop.run(), 'loop.run')
})

test('an exception thrown by a send callback reaches loop.excepthook', async (t) => {
  const loop = new Loop()
  const receiver = new UDP(loop)
  const sender = new UDP(loop)
  closeLater(t, receiver, sender)
  receiver.bind(['127.0.0.1', 0])
  const boom = new Error('boom from the send callback')
  const caught = new Promise<unknown>((resolve) => {
    loop.excepthook = resolve
  })
  let afterward: number | null | undefined
  const second = new Promise<void>((resolve) => {
    sender.send(receiver.getsockname(), Buffer.from('x'), () => {
      throw boom
    })
    sender.send(receiver.getsockname(), Buffer.from('y'), (_h, error) => {
      afterward = error
      resolve()
    })
  })
  t.is(await within(2000, caught, 'excepthook'), boom)
  await within(2000, second, 'the next send callback')
  t.is(afterward, null, 'the next callback still runs')
  sender.close()
  receiver.close()
  await within(2000, loop.run(), 'loop.run')
})

test('an exception thrown by a receive callback reaches loop.excepthook and receiving goes on', async (t) => {
  const loop = new Loop()
  const receiver = new UDP(loop)
  const sender = new UDP(loop)
  closeLater(t, receiver, sender)
  receiver.bind(['127.0.0.1', 0])
  const errors: unknown[] = []
  loop.excepthook = (error) => errors.push(error)
  let calls = 0
  const two = new Promise<void>((resolve) => {
    receiver.start_recv(() => {
      calls++
      if (calls === 2) resolve()
      throw new Error(`recv ${calls}`)
    })
  })
  sender.send(receiver.getsockname(), Buffer.from('a'))
  sender.send(receiver.getsockname(), Buffer.from('b'))
  await within(2000, two, 'two datagrams')
  await immediate()
  t.deepEqual(
    errors.map((e) => (e as Error).message),
    ['recv 1', 'recv 2'],
  )
  sender.close()
  receiver.close()
  await within(2000, loop.run(), 'loop.run')
})

test('a subclass of UDP works and its callbacks receive the subclass instance', async (t) => {
  class MyUDP extends UDP {
    readonly label = 'mine'
    greet(): string {
      return `${this.label}:${(this.getsockname() as Address4)[1]}`
    }
  }
  const loop = new Loop()
  const server = new MyUDP(loop)
  const client = new MyUDP(loop)
  closeLater(t, server, client)
  t.true(server instanceof MyUDP)
  t.true(server instanceof UDP)
  server.bind(['127.0.0.1', 0])
  t.regex(server.greet(), /^mine:\d+$/)
  t.true(loop.handles.includes(server))

  const seen: { where: string; handle: UDP }[] = []
  const received = new Promise<void>((resolve) => {
    server.start_recv((handle, _peer, _flags, data) => {
      seen.push({ where: 'recv', handle })
      t.is(String(data), 'hi')
      resolve()
    })
  })
  const sent = new Promise<void>((resolve) => {
    client.send(server.getsockname(), Buffer.from('hi'), (handle) => {
      seen.push({ where: 'send', handle })
      resolve()
    })
  })
  await within(2000, Promise.all([received, sent]), 'send and receive')
  const closed = new Promise<void>((resolve) => {
    server.close((handle) => {
      seen.push({ where: 'close', handle })
      resolve()
    })
  })
  client.close()
  await within(2000, closed, 'close callback')
  for (const { where, handle } of seen) {
    t.true(handle instanceof MyUDP, where)
    t.is(handle, where === 'send' ? client : server, where)
    t.is((handle as MyUDP).label, 'mine', where)
  }
  t.deepEqual(seen.map((s) => s.where).sort(), ['close', 'recv', 'send'])
})

// ---------------------------------------------------------------- process lifetime

test('a process whose only handle is receiving with ref = false exits on its own', async (t) => {
  const child = runFixture(t, 'recv-unref.cjs')
  const result = await within(3000, child.exited, 'child exit')
  t.is(result.stdout, 'ready\n')
  t.is(result.stderr, '')
  t.is(result.signal, null)
  t.is(result.code, 0)
})

test('a process with a receiving handle with ref = true stays alive', async (t) => {
  const child = runFixture(t, 'recv-ref.cjs')
  await waitForOutput(child, 'ready', 3000)
  await sleep(1500)
  const alive = child.alive()
  child.process.kill('SIGKILL')
  t.true(alive, 'the process exited although a ref’d handle was receiving')
  const result = await within(3000, child.exited, 'child exit after kill')
  t.is(result.signal, 'SIGKILL')
})

test('a process that sends, receives the echo and closes everything exits with code 0', async (t) => {
  const child = runFixture(t, 'echo-once.cjs')
  const result = await within(3000, child.exited, 'child exit')
  t.is(result.stdout, 'echo PING\nclosed\n')
  t.is(result.stderr, '')
  t.is(result.signal, null)
  t.is(result.code, 0)
})

test('process.exit(0) from a timer with send callbacks pending and datagrams arriving exits with code 0 and no crash', async (t) => {
  const child = runFixture(t, 'exit-in-flight.cjs')
  const result = await within(3000, child.exited, 'child exit')
  t.regex(result.stdout, /^received \d+\n$/)
  t.is(result.stderr, '')
  t.is(result.signal, null)
  t.is(result.code, 0)
})

test('a process that closes all its handles and leaves nothing else pending exits promptly', async (t) => {
  const child = runFixture(t, 'close-all.cjs')
  const result = await within(2000, child.exited, 'child exit')
  t.is(result.stdout, 'all closed\n')
  t.is(result.stderr, '')
  t.is(result.code, 0)
})

// ---------------------------------------------------------------- garbage collection

needs(linux('counting descriptors in /proc/self/fd (fixtures/gc-unclosed.cjs)'), { requiredInCI: false })('a bound handle that becomes unreachable without close is collected and its socket closed', async (t) => {
  const child = runFixture(t, 'gc-unclosed.cjs', ['--expose-gc'])
  const result = await within(5000, child.exited, 'child exit')
  t.is(result.stderr, '')
  t.is(result.code, 0)
  const report = JSON.parse(result.stdout) as {
    before: number
    during: number
    after: number
    rounds: number
    handles: number
  }
  t.log(report)
  t.true(report.during >= report.before + 8, 'each bound handle holds a descriptor')
  t.true(report.after <= report.before, `descriptors leaked: ${report.after - report.before}`)
  t.is(report.handles, 0, 'collected handles leave loop.handles')
})
