// Issue 9, F with sends really queued: a busy JS thread, then close().
//
// event-loop.spec.ts checks F on plain loopback, where every send completes
// at once. Here the child (fixtures/busy-close-queued.cjs) runs in a private
// network namespace whose lo has a tbf qdisc, so that most of 60 sends of
// 60,000 bytes wait in uv-udp's queue; the JS thread is busy for 100 ms
// (the reactor drains meanwhile, the 'uv' driver cannot), then closes the
// sender. Every callback runs once, in call order, with success or
// UV_ECANCELED; the sends reporting success are exactly the datagrams that
// arrived, and some were cancelled (the queue was real).
import { needs, privateNamespace } from './support/capability.js'
import { TBF_200MBIT, inNamespace, outputOf, report } from './support/child.js'
import { backend } from '../index.js'

const queueTest = needs(privateNamespace(TBF_200MBIT, 'a real send queue (a tbf qdisc on lo)'))

interface Report {
  backend: string
  sends: number
  queuedBeforeBusy: number
  closed: boolean
  order: number[]
  succeeded: number[]
  cancelled: number
  other: number[]
  arrived: number[]
  foreign: number
  receiverDropped: number
  error?: string
}

queueTest('a busy JS thread then close() with sends queued: every callback once, in order; the sends reporting success are exactly the datagrams that arrived, the rest UV_ECANCELED', async (t) => {
  const result = await inNamespace(TBF_200MBIT, 'busy-close-queued.cjs', [], 40_000)
  const output = outputOf(result)
  t.is(result.signal, null, output)
  t.is(result.code, 0, output)
  const out = report<Report>(t, result)
  if (!out) return
  t.is(out.error, undefined, output)
  t.log(`${backend}: ${out.queuedBeforeBusy} send callbacks pending before the busy spell; ${out.succeeded.length} succeeded, ${out.cancelled} cancelled, ${out.arrived.length} arrived`)
  t.is(out.backend, backend)
  t.true(out.closed, 'the close callback ran')
  t.deepEqual(out.order, [...Array(out.sends).keys()], 'every send callback ran once, in call order')
  t.deepEqual(out.other, [], 'each outcome is success or UV_ECANCELED')
  t.true(out.cancelled > 0, 'sends were still queued at close(): the queue was real')
  t.deepEqual(out.succeeded, out.arrived, 'the sends reporting success are exactly the datagrams that arrived')
  t.is(out.succeeded.length + out.cancelled, out.sends)
  t.is(out.foreign + out.receiverDropped, 0)
})
