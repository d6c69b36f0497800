/**
 * A receive callback that does everything a careless or hostile one can do
 * to the memory and the handle it is given, chosen at random (seeded): write
 * over all of `data.buffer` but its own bytes, detach it, stop receiving and
 * start again a turn later. Whatever it does, the handle must not throw,
 * must not crash, must report each datagram it delivers with the length and
 * sender it was sent with, in order, and must account for every datagram
 * sent: delivered, or counted in `recv_dropped` (the rest of a read whose
 * memory was detached). Both drivers run it.
 */
import test from 'ava'

import { Loop } from '../index.js'
import type { Address4 } from '../index.js'

import { handle, sleep, until } from './support/handles.js'
import { type Actions, act, inSentOrder, lengthOf, seeded } from './support/hostile.js'

const BURSTS = 40
const PER_BURST = 50
const deadline = 10_000

for (const seed of [1, 2, 3]) {
  test(`a callback that writes over, detaches, stops and restarts at random (seed ${seed}): every datagram delivered in order with its length and sender, or counted dropped`, async (t) => {
    const next = seeded(seed)
    const loop = Loop.default_loop()
    const rx = handle(t, loop)
    rx.bind(['127.0.0.1', 0])
    rx.receive_buffer_size = 1 << 20
    const tx = handle(t, loop)
    tx.bind(['127.0.0.1', 0])
    const to = rx.getsockname() as Address4
    const from = tx.getsockname()
    const uncaught: unknown[] = []
    const onUncaught = (error: unknown) => uncaught.push(error)
    process.on('uncaughtException', onUncaught)
    t.teardown(() => process.off('uncaughtException', onUncaught))

    const delivered: number[] = []
    const wrongSender: unknown[] = []
    const actions: Actions = { scribble: 0, detach: 0, leave: 0 }
    const onRecv = (_udp: unknown, peer: unknown, flags: number, data: Buffer | null, error: number | null) => {
      if (error !== null || data === null) return
      delivered.push(data.length)
      if (flags !== 0 || JSON.stringify(peer) !== JSON.stringify(from)) wrongSender.push([peer, flags])
      act(data, next, actions, () => {
        rx.stop_recv()
        setImmediate(() => {
          if (!rx.closed) rx.start_recv(onRecv)
        })
      })
    }
    rx.start_recv(onRecv)

    let sent = 0
    for (let burst = 0; burst < BURSTS; burst++) {
      for (let i = 0; i < PER_BURST; i++) {
        tx.send(to, Buffer.alloc(lengthOf(sent), sent & 0xff))
        sent++
      }
      await until(() => delivered.length + rx.recv_dropped >= sent, deadline, `burst ${burst}: ${sent} datagrams delivered or dropped`)
    }
    await sleep(20)

    t.deepEqual(uncaught, [])
    t.deepEqual(wrongSender, [])
    t.is(delivered.length + rx.recv_dropped, sent, 'each datagram delivered or counted dropped, none twice')
    // In order, with their lengths: the delivered lengths are the sent ones
    // with the dropped left out.
    t.true(inSentOrder(delivered, sent), 'every delivered length matches a sent datagram, in order')
    t.true(actions.scribble > 0 && actions.detach > 0 && actions.leave > 0, JSON.stringify(actions))
    t.log(`sent ${sent}, delivered ${delivered.length}, dropped ${rx.recv_dropped}, ${JSON.stringify(actions)}`)
  })
}
