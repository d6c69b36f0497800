// GitHub issue 6, "Hardening": faults and lifecycles.
//
// close() with sends queued (a real queue, in a namespace), inside a receive
// callback, inside a send callback and twice in a row; stop_recv/start_recv
// 10,000 times; 100,000 handles created, bound and closed; GC of unclosed
// handles; open(fd) closing its fd exactly once; EMFILE; ICMP errors that must
// stay quiet; workers terminated mid-receive; process.exit() with I/O in flight.
//
// What could crash or hang the process runs in a child (fixtures/hardening-*.cjs).
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { AF_INET6, type Address, HandleClosedError, Loop, UDP, errno } from '../index.js'
import { linux, needs, privateNamespace } from './support/capability.js'
import { FIXTURES, TBF_1MBIT, inNamespace, report, run } from './support/child.js'

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const immediate = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Rejects when `promise` has not settled within `ms`. */
function within<T>(ms: number, promise: Promise<T>, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Waits until `done()` holds, polling; throws after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(2)
  }
}

/** A handle closed when the test ends. */
function handle(t: ExecutionContext, loop: Loop, family?: number): UDP {
  const udp = family === undefined ? new UDP(loop) : new UDP(loop, family)
  t.teardown(() => {
    if (!udp.closed) udp.close()
  })
  return udp
}

const openFds = () => readdirSync('/proc/self/fd').length
/** Tests that count descriptors in /proc/self/fd (here or in their fixture), or use bash's /dev/udp and ulimit. */
const procTest = needs(linux('counting descriptors in /proc/self/fd'), { requiredInCI: false })

// A real send queue needs a qdisc that holds packets: a child in its own
// network namespace whose lo has a token-bucket filter (see send.spec.ts).
/** Tests that need a send queue: skipped with the reason, or failed with CI=true (support/capability.ts). */
const queueTest = needs(privateNamespace(TBF_1MBIT, 'a real send queue (a tbf qdisc on lo)'))

interface SendLogEntry {
  event: 'send' | 'close'
  i?: number
  error?: number | null
  sameHandle?: boolean
}

/** Checks a send/close log: each send callback once, in call order, all before the close callback. */
function checkCancelledLog(t: ExecutionContext, log: SendLogEntry[], sent: number, ECANCELED: number): void {
  const closeAt = log.findIndex((e) => e.event === 'close')
  t.not(closeAt, -1, 'the close callback ran')
  t.is(log.filter((e) => e.event === 'close').length, 1, 'the close callback ran once')
  t.is(closeAt, log.length - 1, 'nothing ran after the close callback')
  const sends = log.filter((e) => e.event === 'send')
  t.deepEqual(
    sends.map((e) => e.i),
    [...Array(sent).keys()],
    'every send callback ran exactly once, in call order, before the close callback',
  )
  t.true(
    sends.every((e) => e.sameHandle !== false),
    'callbacks get the handle',
  )
  const cancelled = sends.filter((e) => e.error === ECANCELED).length
  t.true(cancelled > 0, 'the queued sends completed with UV_ECANCELED')
  // Once one is cancelled, every later one is (they were queued behind it).
  const firstCancelled = sends.findIndex((e) => e.error === ECANCELED)
  t.true(
    sends.slice(firstCancelled).every((e) => e.error === ECANCELED),
    JSON.stringify(sends.map((e) => e.error)),
  )
  t.true(
    sends.slice(0, firstCancelled).every((e) => e.error === null),
    'the sends that went out before close() report success',
  )
}

// ---------------------------------------------------------------- close with sends queued

queueTest('close() with sends queued: every pending send callback runs exactly once with UV_ECANCELED, before the close callback', async (t) => {
  const result = await inNamespace(TBF_1MBIT, 'hardening-queue.cjs', ['close-with-queue'], 20_000)
  t.is(result.signal, null, result.stderr)
  const out = report<{
    sent: number
    before: { count: number; size: number; active: boolean }
    syncAfterClose: number
    closeCalls: number
    log: SendLogEntry[]
    ECANCELED: number
    error?: string
  }>(t, result)
  if (!out) return
  t.is(out.error, undefined)
  t.log(`${out.sent} sends, ${out.before.count} queued (${out.before.size} bytes) at close()`)
  t.true(out.before.count >= 20, 'a real queue: at least 20 sends were queued')
  t.is(out.before.size, out.before.count * 65000, 'send_queue_size counts the queued bytes')
  t.true(out.before.active, 'a handle with queued sends is active')
  t.is(out.syncAfterClose, 0, 'no callback ran synchronously inside close()')
  t.is(out.closeCalls, 1)
  t.is(out.ECANCELED, errno.UV_ECANCELED)
  checkCancelledLog(t, out.log, out.sent, out.ECANCELED)
})

queueTest('close() inside the callback of a send that went out, with sends queued behind it: the rest complete with UV_ECANCELED, once each, then the close callback', async (t) => {
  const result = await inNamespace(TBF_1MBIT, 'hardening-queue.cjs', ['close-in-send-callback'], 20_000)
  t.is(result.signal, null, result.stderr)
  const out = report<{ sent: number; queuedAtStart: number; closedFrom: number; closeError: string | null; log: SendLogEntry[]; ECANCELED: number }>(
    t,
    result,
  )
  if (!out) return
  t.true(out.queuedAtStart >= 20, `${out.queuedAtStart} queued`)
  t.is(out.closeError, null)
  t.true(out.closedFrom >= 0, 'a send callback closed the handle')
  checkCancelledLog(t, out.log, out.sent, out.ECANCELED)
})

queueTest('process.exit() from a receive callback with sends queued and datagrams arriving: exit code 0, no crash, no hang', async (t) => {
  const result = await inNamespace(TBF_1MBIT, 'hardening-queue.cjs', ['exit-with-queue'], 20_000)
  t.is(result.signal, null, `killed: ${result.stderr}`)
  t.is(result.code, 0, `${result.stdout}\n${result.stderr}`)
  const out = report<{ queued: number; received: number }>(t, result)
  t.true((out?.queued ?? 0) > 0, 'sends were queued at exit')
  t.true(result.ms < 10_000, `${result.ms} ms`)
})

// libuv's send requests keep uv_run going whatever the handle's ref (pyuv's
// loop.run() returns after their callbacks): an unreferenced handle's
// queued sends all go out and call back, run() waits for them, and then
// the process exits on its own. (A review found the process exiting with
// 17 of 20 sends still queued, their callbacks never run.)
queueTest('ref = false with sends queued: every callback runs, loop.run() resolves after them, then the process exits', async (t) => {
  const result = await inNamespace(TBF_1MBIT, 'hardening-queue.cjs', ['unref-with-queue'], 20_000)
  t.is(result.signal, null, `killed (kept alive after its sends?): ${result.stderr}`)
  t.is(result.code, 0, `${result.stdout}\n${result.stderr}`)
  const out = report<{ sent: number; queued: number; called: number; atRun: number; errors: number }>(t, result)
  if (!out) return
  t.true(out.queued >= 6, `${out.queued} queued`)
  t.is(out.called, out.sent)
  t.is(out.atRun, out.sent)
  t.is(out.errors, 0)
})

// ---------------------------------------------------------------- close in callbacks, twice

test('close() inside a receive callback: no receive callback after it, the close callback runs once', async (t) => {
  const loop = new Loop()
  const rx = new UDP(loop)
  rx.bind(['127.0.0.1', 0])
  const tx = handle(t, loop)
  // A burst that arrives in one batch, so the rest of the batch is pending.
  for (let i = 0; i < 64; i++) tx.send(rx.getsockname(), Buffer.from([i]))
  await sleep(50)
  const seen: number[] = []
  let closes = 0
  let afterClose = 0
  const closed = new Promise<void>((resolve) => {
    rx.start_recv((h, _peer, _flags, data) => {
      if (h.closed) {
        afterClose++
        return
      }
      seen.push(data![0])
      h.close(() => {
        closes++
        resolve()
      })
    })
  })
  await within(3000, closed, 'the close callback')
  for (let i = 0; i < 10; i++) tx.send(['127.0.0.1', 9], Buffer.from('x'))
  await sleep(100)
  t.deepEqual(seen, [0], 'one datagram, then the handle was closed')
  t.is(afterClose, 0, 'no receive callback after close()')
  t.is(closes, 1)
  t.is(rx.loop, null)
  t.false(loop.handles.includes(rx))
})

test('close() twice in a row: the second throws HandleClosedError and its callback never runs; the first callback runs once', async (t) => {
  const loop = new Loop()
  const udp = new UDP(loop)
  udp.bind(['127.0.0.1', 0])
  const calls: string[] = []
  udp.close(() => calls.push('first'))
  const error = t.throws(() => udp.close(() => calls.push('second')), { instanceOf: HandleClosedError })
  t.is(error?.code, 'EBADF')
  t.is(error?.errno, errno.UV_EBADF)
  await until(() => calls.length > 0, 2000, 'the close callback')
  await sleep(50)
  t.deepEqual(calls, ['first'])
})

test('close() inside the close callback throws HandleClosedError; inside a send callback of an unqueued send it works', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  const a = new UDP(loop)
  a.bind(['127.0.0.1', 0])
  let inner: unknown
  await within(
    2000,
    new Promise<void>((resolve) =>
      a.close((h) => {
        try {
          h.close()
        } catch (error) {
          inner = error
        }
        resolve()
      }),
    ),
    'the close callback',
  )
  t.true(inner instanceof HandleClosedError)

  const b = new UDP(loop)
  const events: string[] = []
  await within(
    2000,
    new Promise<void>((resolve) => {
      b.send(rx.getsockname(), Buffer.from('1'), (h, error) => {
        events.push(`send 1 ${error}`)
        h.close(() => {
          events.push('close')
          resolve()
        })
      })
      b.send(rx.getsockname(), Buffer.from('2'), (_h, error) => events.push(`send 2 ${error}`))
    }),
    'the close callback',
  )
  await sleep(50)
  // The second send went out at once (loopback never blocks): it succeeded.
  t.deepEqual(events, ['send 1 null', 'send 2 null', 'close'])
})

// ---------------------------------------------------------------- stop_recv / start_recv

procTest.serial('stop_recv()/start_recv() 10,000 times on one handle with traffic: every datagram arrives once, in order; nothing after stop_recv; no descriptor leak', async (t) => {
  const loop = new Loop()
  const rx = handle(t, loop)
  rx.bind(['127.0.0.1', 0])
  rx.receive_buffer_size = 1 << 20
  const tx = handle(t, loop)
  tx.bind(['127.0.0.1', 0])
  const to = rx.getsockname()
  let receiving = false
  const got: number[] = []
  let outOfTurn = 0
  let errors = 0
  const onRecv = (_h: UDP, _peer: Address | null, _flags: number, data: Buffer | null, error: number | null) => {
    if (!receiving) outOfTurn++
    if (error !== null || data === null) errors++
    else got.push(data.readUInt32BE(0))
  }
  // The reactor starts with the first receive of the process: before counting.
  const warm = new UDP(loop)
  warm.start_recv(() => {})
  await new Promise<void>((resolve) => warm.close(() => resolve()))
  const before = openFds()
  const started = Date.now()
  const TOGGLES = 10_000
  const DATAGRAMS = 2000
  let sent = 0
  for (let i = 0; i < TOGGLES; i++) {
    rx.start_recv(onRecv)
    receiving = true
    if (i % (TOGGLES / DATAGRAMS) === 0) {
      const data = Buffer.alloc(4)
      data.writeUInt32BE(sent++)
      tx.send(to, data)
    }
    // Every 50 toggles, let the reactor and the callbacks run while receiving.
    if (i % 50 === 49) await immediate()
    rx.stop_recv()
    receiving = false
  }
  const toggleMs = Date.now() - started
  rx.start_recv(onRecv)
  receiving = true
  await until(() => got.length >= sent, 5000, `${sent} datagrams (got ${got.length})`)
  await sleep(50)
  t.log(`${TOGGLES} start/stop pairs with ${sent} datagrams in ${toggleMs} ms`)
  t.is(outOfTurn, 0, 'no receive callback while stopped')
  t.is(errors, 0)
  t.is(got.length, sent, 'each datagram once')
  t.deepEqual(got, [...Array(sent).keys()], 'in order')
  t.is(rx.recv_dropped, 0)
  t.is(openFds(), before, 'no descriptor leaked')
  t.true(rx.active)
})

// ---------------------------------------------------------------- many handles, GC, open(fd)

const HANDLES = Number(process.env.UV_HANDLES_COUNT ?? 100_000)

procTest(`${HANDLES.toLocaleString('en')} handles created, bound and closed: the open descriptors return to their starting count`, async (t) => {
  const result = await run(process.execPath, ['--expose-gc', join(FIXTURES, 'hardening-handles.cjs'), String(HANDLES)], 60_000)
  t.is(result.signal, null, `killed after ${result.ms} ms: ${result.stderr}`)
  t.is(result.code, 0, result.stderr)
  const out = report<{
    count: number
    closeCallbacks: number
    before: number
    peakFds: number
    after: number
    handlesLeft: number
    ms: { total: number; create: number; bind: number; close: number }
    rssMiB: { before: number; after: number }
  }>(t, result)
  if (!out) return
  t.log(
    `${out.count} handles in ${out.ms.total} ms (new UDP ${out.ms.create} ms, bind ${out.ms.bind} ms, close ${out.ms.close} ms); ` +
      `descriptors ${out.before} -> peak ${out.peakFds} -> ${out.after}; RSS ${out.rssMiB.before} -> ${out.rssMiB.after} MiB`,
  )
  t.is(out.count, HANDLES)
  t.is(out.closeCallbacks, HANDLES, 'every close callback ran')
  t.is(out.after, out.before, 'descriptors back to the starting count')
  t.is(out.handlesLeft, 0, 'the loop lists no handle')
})

procTest('handles dropped without close() (idle, bound, sent, received then stopped, connected) are closed by GC (--expose-gc)', async (t) => {
  const result = await run(process.execPath, ['--expose-gc', join(FIXTURES, 'hardening-gc.cjs')], 30_000)
  t.is(result.signal, null, result.stderr)
  t.is(result.code, 0, result.stderr)
  const out = report<{ made: number; callbacks: number; before: number; during: number; after: number; rounds: number; handles: number; works: boolean }>(
    t,
    result,
  )
  if (!out) return
  t.log(`descriptors ${out.before} -> ${out.during} -> ${out.after} after ${out.rounds} GC rounds`)
  t.is(out.callbacks, out.made / 5, 'the send callbacks ran')
  t.true(out.during >= out.before + out.made, 'the handles had their sockets')
  t.is(out.after, out.before, 'GC closed every socket')
  t.is(out.handles, 0, 'the loop no longer lists them')
  t.true(out.works)
})

procTest('open(fd) then close() closes that descriptor exactly once: a later socket that gets the same number is untouched, even after GC', async (t) => {
  const result = await run(
    'bash',
    ['-c', 'exec 7<>/dev/udp/127.0.0.1/9 && exec "$0" --expose-gc "$1" 7', process.execPath, join(FIXTURES, 'hardening-openfd.cjs')],
    20_000,
  )
  t.is(result.signal, null, result.stderr)
  t.is(result.code, 0, result.stderr)
  const out = report<{
    fd: number
    original: string
    busyOpen: string
    afterFailedOpen: string
    fileno: number
    afterClose: string
    reused: string
    reusedAfterGc: string
    received: string
    error?: string
  }>(t, result)
  if (!out) return
  t.is(out.error, undefined)
  t.regex(out.original, /^socket:/)
  t.is(out.busyOpen, 'EBUSY', 'open() on a handle that has a socket: UV_EBUSY')
  t.is(out.afterFailedOpen, out.original, 'a failed open() leaves the descriptor open')
  t.is(out.fileno, out.fd)
  t.regex(out.afterClose, /^closed/, 'close() closed the adopted descriptor')
  t.regex(out.reused, /^socket:/)
  t.not(out.reused, out.original)
  t.is(out.reusedAfterGc, out.reused, 'the descriptor now belongs to the later socket and stays open')
  t.is(out.received, 'still mine')
})

// ---------------------------------------------------------------- EMFILE

procTest('at the descriptor limit, new UDP, bind and start_recv (the reactor) throw UV_EMFILE; after closing some, handles work again', async (t) => {
  const result = await run(
    'bash',
    ['-c', 'ulimit -n 64 && UV_UDP_BACKEND=reactor exec "$0" "$1" reactor', process.execPath, join(FIXTURES, 'hardening-emfile.cjs')],
    20_000,
  )
  t.is(result.signal, null, result.stderr)
  t.is(result.code, 0, `${result.stdout}\n${result.stderr}`)
  interface Outcome {
    class?: string
    code?: string
    errno?: number
    message?: string
  }
  const out = report<{
    reactor: { attempts: { free: number; ok?: boolean; error?: Outcome }[]; echo: string }
    constructor: { made: number; error: Outcome | null }
    bind: { error: Outcome | null }
    bindAfterClosing: boolean | Outcome
    again: { made: number; error: Outcome | null }
    echo: string
  }>(t, result)
  if (!out) return
  const emfile = { class: 'UDPError', code: 'EMFILE', errno: errno.UV_EMFILE }
  // The reactor at the limit.
  const attempts = out.reactor.attempts
  t.true(attempts.length > 1 && attempts[0].ok === undefined, `start_recv with no descriptor free: ${JSON.stringify(attempts)}`)
  for (const attempt of attempts.slice(0, -1)) t.deepEqual(attempt.error, emfile, `start_recv with ${attempt.free} free`)
  t.true(attempts[attempts.length - 1].ok, 'start_recv works once enough descriptors are free')
  t.is(out.reactor.echo, 'reactor started')
  // Sockets at the limit.
  t.true(out.constructor.made > 0)
  t.deepEqual(out.constructor.error, emfile, 'new UDP(loop, AF_INET)')
  t.deepEqual(out.bind.error, emfile, 'bind on an AF_UNSPEC handle')
  t.is(out.bindAfterClosing, true, 'the handle whose bind failed binds once descriptors are free')
  t.true(out.again.made > 0)
  t.deepEqual(out.again.error, emfile)
  t.is(out.echo, 'carries on')
})

// The 'uv' driver polls on Node's own loop: a uv_poll_t needs no descriptor,
// and the one socket serves reads and writes (no dup), so start_recv works
// with none free.
test("at the descriptor limit, start_recv on the 'uv' driver needs no descriptor: it works with none free, and a datagram goes round", async (t) => {
  const result = await run(
    'bash',
    ['-c', 'ulimit -n 64 && UV_UDP_BACKEND= exec "$0" "$1" reactor', process.execPath, join(FIXTURES, 'hardening-emfile.cjs')],
    20_000,
  )
  t.is(result.signal, null, result.stderr)
  t.is(result.code, 0, `${result.stdout}\n${result.stderr}`)
  const out = report<{ backend: string; reactor: { attempts: { free: number; ok?: boolean }[]; echo: string } }>(t, result)
  if (!out) return
  t.is(out.backend, 'uv')
  t.deepEqual(out.reactor.attempts, [{ free: 0, ok: true }])
  t.is(out.reactor.echo, 'reactor started')
})

// ---------------------------------------------------------------- ICMP errors stay quiet

for (const { name, host, family } of [
  { name: 'IPv4', host: '127.0.0.1', family: undefined },
  { name: 'IPv6', host: '::1', family: AF_INET6 },
]) {
  test(`${name}: sending to a closed port does not break the socket's later sends or receives (no error callback: IP_RECVERR is off)`, async (t) => {
    const loop = new Loop()
    // A port nobody listens on: bound, then closed.
    const gone = new UDP(loop, family)
    gone.bind([host, 0])
    const closedPort = gone.getsockname()[1]
    await new Promise<void>((resolve) => gone.close(() => resolve()))

    const a = handle(t, loop)
    a.bind([host, 0])
    const b = handle(t, loop)
    b.bind([host, 0])
    const errorsA: number[] = []
    const dataA: string[] = []
    a.start_recv((_h, _peer, _flags, data, error) => (error === null ? dataA.push(String(data)) : errorsA.push(error)))
    const dataB: string[] = []
    b.start_recv((_h, _peer, _flags, data) => dataB.push(String(data)))
    const sendErrors: (number | null)[] = []
    for (let i = 0; i < 20; i++) a.send([host, closedPort], Buffer.from('void'), (_h, error) => sendErrors.push(error))
    await until(() => sendErrors.length === 20, 2000, 'the send callbacks')
    await sleep(50) // the ICMP errors are back by now
    // try_send first: while a send's callback is pending it refuses (UV_EAGAIN).
    for (let i = 0; i < 10; i++) t.is(a.try_send(b.getsockname(), Buffer.from(`t${i}`)), 2)
    for (let i = 0; i < 10; i++) {
      a.send(b.getsockname(), Buffer.from(`a${i}`))
      b.send(a.getsockname(), Buffer.from(`b${i}`))
    }
    await until(() => dataA.length === 10 && dataB.length === 20, 3000, 'the later datagrams')
    t.deepEqual(errorsA, [], 'no receive error callback')
    t.true(
      sendErrors.every((e) => e === null),
      JSON.stringify(sendErrors),
    )
    t.deepEqual(dataA, [...Array(10).keys()].map((i) => `b${i}`))
  })
}

// libuv treats EPOLLERR on a receiving socket as readable: recvmsg returns
// the pending error (ECONNREFUSED on a connected socket whose peer's port is
// closed) and the receive callback gets it at once. Left pending, the error
// would fail whatever touches the socket next: a later send, long after.
test('a connected, receiving socket whose peer is gone gets UV_ECONNREFUSED in its receive callback at once; later sends and receives work when the peer is back', async (t) => {
  const loop = new Loop()
  const gone = new UDP(loop)
  gone.bind(['127.0.0.1', 0])
  const peerPort = gone.getsockname()[1]
  await new Promise<void>((resolve) => gone.close(() => resolve()))
  const a = handle(t, loop)
  a.bind(['127.0.0.1', 0])
  const recvErrors: number[] = []
  const data: string[] = []
  a.start_recv((_h, _peer, _flags, d, error) => (error === null ? data.push(String(d)) : recvErrors.push(error)))
  a.connect(['127.0.0.1', peerPort])
  let first: number | null | undefined
  a.send(null, Buffer.from('void'), (_h, error) => (first = error))
  await until(() => first !== undefined, 2000, 'the send callback')
  t.is(first, null, 'the datagram itself went out')
  // The ICMP port unreachable is back within microseconds on loopback.
  await until(() => recvErrors.length > 0, 2000, 'the receive error')
  t.deepEqual(recvErrors, [errno.UV_ECONNREFUSED], 'the receive callback got UV_ECONNREFUSED (libuv: EPOLLERR wakes the reader)')

  // The peer comes back on its port: both ways work, no stale error.
  // (Not connect(null) here: on Linux a socket bound to port 0 loses its
  // port when disconnected, as with libuv and node:dgram.)
  const back = handle(t, loop)
  back.bind(['127.0.0.1', peerPort])
  const backGot: string[] = []
  back.start_recv((_h, _peer, _flags, d) => backGot.push(String(d)))
  let sent: number | null | undefined
  a.send(null, Buffer.from('again'), (_h, error) => (sent = error))
  back.send(a.getsockname(), Buffer.from('back'))
  await until(() => data.length === 1 && backGot.length === 1 && sent !== undefined, 3000, 'datagrams both ways').catch((error: Error) => {
    throw new Error(`${error.message}: a got ${JSON.stringify(data)}, the peer got ${JSON.stringify(backGot)}, send callback ${sent}`)
  })
  t.is(sent, null, 'a later send does not fail with a stale UV_ECONNREFUSED')
  t.deepEqual(data, ['back'])
  t.deepEqual(backGot, ['again'])
  t.deepEqual(recvErrors, [errno.UV_ECONNREFUSED])
  t.true(a.active)
})

// ---------------------------------------------------------------- workers

procTest('workers terminated (or exiting) mid-receive and mid-send: no crash, no hang, their sockets are closed, the main thread keeps receiving', async (t) => {
  const result = await run(process.execPath, [join(FIXTURES, 'hardening-worker.cjs')], 60_000)
  t.is(result.signal, null, `killed after ${result.ms} ms: ${result.stderr}`)
  t.is(result.code, 0, result.stderr)
  const out = report<{
    before: number
    after: number
    rounds: { exitItself: boolean; state: string; events: string[]; stopMs: number; mainStillReceives: boolean }[]
  }>(t, result)
  if (!out) return
  // fixtures/hardening-worker.cjs: 8 rounds, every fourth worker exits by itself.
  t.deepEqual(
    out.rounds.map((r) => r.exitItself),
    [false, false, false, true, false, false, false, true],
    'every round ran: six workers terminated, two exiting by themselves',
  )
  for (const [i, round] of out.rounds.entries()) {
    t.is(round.state, 'busy', `round ${i}: the worker was receiving and sending`)
    t.true(round.mainStillReceives, `round ${i}: the main thread still receives`)
    t.false(
      round.events.some((e) => e.startsWith('error')),
      `round ${i}: ${round.events.join(', ')}`,
    )
    t.deepEqual(round.events, [round.exitItself ? 'exit 0' : 'exit 1'], `round ${i}`)
  }
  t.is(out.after, out.before, 'the workers’ sockets are closed (descriptors back to the count before)')
  t.log(`${out.rounds.length} workers in ${result.ms} ms`)
})
