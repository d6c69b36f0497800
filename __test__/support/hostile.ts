/** What the hostile-callback specs share: a seeded generator and datagram lengths that identify a datagram. */
import { detach } from './detach.js'

/** A small seeded generator (mulberry32), so that a failing draw can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/** Datagram i's length: 0 to 1,199 bytes, distinct within any 1,200 in a row. */
export const lengthOf = (i: number): number => (i * 7) % 1200

/** True when `seen` are lengths of datagrams 0..sent-1 (by {@link lengthOf}), in order, some left out. */
export function inSentOrder(seen: readonly number[], sent: number): boolean {
  let k = 0
  return seen.every((length) => {
    while (k < sent && lengthOf(k) !== length) k++
    return k++ < sent
  })
}

/** How often each action was drawn. */
export interface Actions {
  scribble: number
  detach: number
  leave: number
}

/**
 * One draw of what a hostile receive callback does with `data`: 10% write
 * one random byte over all of `data.buffer` but `data`'s own bytes, 3%
 * detach `data.buffer` (support/detach.ts), 5% `leave()` (stop receiving, to come
 * back later; the caller says how), else nothing.
 */
export function act(data: Buffer, next: () => number, actions: Actions, leave: () => void): void {
  const roll = next()
  const memory = data.buffer as ArrayBuffer
  if (roll < 0.1) {
    actions.scribble++
    const value = Math.floor(next() * 256)
    new Uint8Array(memory, 0, data.byteOffset).fill(value)
    new Uint8Array(memory, data.byteOffset + data.byteLength).fill(value)
  } else if (roll < 0.13) {
    actions.detach++
    // Received memory is untransferable: detached as native code (or
    // Node 22's transfer()) would.
    detach(memory)
  } else if (roll < 0.18) {
    actions.leave++
    leave()
  }
}
