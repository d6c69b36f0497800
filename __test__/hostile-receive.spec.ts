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

const BURSTS = 40
const PER_BURST = 50
const deadline = 10_000

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Datagram i's length: 0 to 1,199 bytes, distinct within any 1,200 in a row. */
const lengthOf = (i: number) => (i * 7) % 1200

for (const seed of [1, 2, 3]) {
  test(`a callback that writes over, detaches, stops and restarts at random (seed ${seed}): every datagram delivered in order with its length and sender, or counted dropped`, async (t) => {
    const next = random(seed)
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
    const actions = { scribble: 0, detach: 0, restart: 0 }
    const onRecv = (_udp: unknown, peer: unknown, flags: number, data: Buffer | null, error: number | null) => {
      if (error !== null || data === null) return
      delivered.push(data.length)
      if (flags !== 0 || JSON.stringify(peer) !== JSON.stringify(from)) wrongSender.push([peer, flags])
      const roll = next()
      const memory = data.buffer as ArrayBuffer
      if (roll < 0.1) {
        actions.scribble++
        const value = Math.floor(next() * 256)
        new Uint8Array(memory, 0, data.byteOffset).fill(value)
        new Uint8Array(memory, data.byteOffset + data.byteLength).fill(value)
      } else if (roll < 0.13) {
        actions.detach++
        structuredClone(memory, { transfer: [memory] })
      } else if (roll < 0.18) {
        actions.restart++
        rx.stop_recv()
        setImmediate(() => {
          if (!rx.closed) rx.start_recv(onRecv)
        })
      }
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
    const inOrder = (() => {
      let k = 0
      for (const length of delivered) {
        while (k < sent && lengthOf(k) !== length) k++
        if (k === sent) return false
        k++
      }
      return true
    })()
    t.true(inOrder, 'every delivered length matches a sent datagram, in order')
    t.true(actions.scribble > 0 && actions.detach > 0 && actions.restart > 0, JSON.stringify(actions))
    t.log(`sent ${sent}, delivered ${delivered.length}, dropped ${rx.recv_dropped}, ${JSON.stringify(actions)}`)
  })
}
