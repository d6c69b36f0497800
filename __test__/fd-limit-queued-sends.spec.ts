// Issue 9, C and J: queued sends under `ulimit -n 64`, with no descriptor free.
//
// One child (fixtures/fd-limit-queued-sends.cjs) in a private network
// namespace whose lo has a tbf qdisc, so that 60,000-byte sends fill the
// send buffer and are really queued (the kernel says EAGAIN). It holds every
// free descriptor (/dev/null) while it sends:
//
// C: before anything has started the driver. The 'uv' driver drains with a
//    uv_poll_t on Node's loop (no descriptor), so every send goes out. The
//    reactor needs descriptors to start (epoll, waker): the sends the kernel
//    refused complete with UV_EMFILE instead of waiting for ever. Either
//    way every callback runs, and once descriptors are free sends work.
// J: both sockets receiving, then each queues sends to the other with no
//    descriptor free: draining a receiving socket needs no duplicate
//    descriptor, so every send succeeds and every datagram arrives.
import type { ExecutionContext } from 'ava'

import { needs, privateNamespace } from './support/capability.js'
import { type ChildRun, TBF_200MBIT, inNamespace, outputOf, report as childReport } from './support/child.js'
import { backend, errno } from '../index.js'

const SENDS = 40
const queueTest = needs(privateNamespace(TBF_200MBIT, 'a real send queue (a tbf qdisc on lo)'))

interface Sends {
  queuedAfterSend: number
  callbacks: number
  outcomes: Record<string, number>
}

interface Report {
  backend: string
  c: { free: number; held: number; atLimit: Sends; afterFreeing: Sends }
  j: { held: number; fromA: Sends; fromB: Sends; received: { a: number; b: number; other: number } }
  error?: string
}

let once: Promise<ChildRun> | undefined

/** The child's report, checked: the child runs once for both tests. */
async function report(t: ExecutionContext): Promise<Report | undefined> {
  once ??= inNamespace(`${TBF_200MBIT} && ulimit -n 64`, 'fd-limit-queued-sends.cjs', [], 60_000)
  const result = await once
  const output = outputOf(result)
  if (result.code !== 0) {
    t.fail(`the child failed:\n${output}`)
    return undefined
  }
  const out = childReport<Report>(t, result)
  if (!out) return undefined
  t.is(out.error, undefined, output)
  t.is(out.backend, backend)
  t.log(`child ${result.ms} ms`)
  return out
}

queueTest(`ulimit -n 64, no descriptor free, nothing started: every queued send's callback runs (${backend === 'uv' ? 'the uv driver needs no descriptor: all succeed' : 'the reactor cannot start: UV_EMFILE'}), and sends work once descriptors are free`, async (t) => {
  const out = await report(t)
  if (!out) return
  t.log(`${out.c.held} descriptors held; at the limit ${JSON.stringify(out.c.atLimit)}; after freeing ${JSON.stringify(out.c.afterFreeing)}`)
  t.true(out.c.held > 0, 'every free descriptor was held')
  t.is(out.c.atLimit.callbacks, SENDS, 'no send was left waiting: every callback ran')
  const { null: sent = 0, [String(errno.UV_EMFILE)]: emfile = 0, ...other } = out.c.atLimit.outcomes
  t.deepEqual(other, {}, 'each send succeeded or failed with UV_EMFILE')
  t.is(sent + emfile, SENDS)
  if (backend === 'uv') t.is(sent, SENDS, "the 'uv' driver drains with a uv_poll_t: no descriptor needed")
  else t.true(emfile > 0, 'the sends the kernel refused could not be drained without a reactor: UV_EMFILE')
  t.deepEqual(out.c.afterFreeing.outcomes, { null: SENDS }, 'with descriptors free, every queued send went out')
})

queueTest('ulimit -n 64, no descriptor free: two receiving sockets queue sends to each other; every send succeeds and every datagram arrives (no duplicate descriptor)', async (t) => {
  const out = await report(t)
  if (!out) return
  t.log(`${out.j.held} descriptors held; a -> b ${JSON.stringify(out.j.fromA)}; b -> a ${JSON.stringify(out.j.fromB)}; received ${JSON.stringify(out.j.received)}`)
  t.true(out.j.held > 0, 'every free descriptor was held')
  t.deepEqual(out.j.fromA.outcomes, { null: SENDS })
  t.deepEqual(out.j.fromB.outcomes, { null: SENDS })
  t.deepEqual({ a: out.j.received.a, b: out.j.received.b }, { a: SENDS, b: SENDS }, 'each socket received every datagram sent to it')
})
