/** Helpers the loopback specs share: waiting with a deadline, handles closed at teardown. */
import type { ExecutionContext } from 'ava'

import { Loop, UDP } from '../../index.js'

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits until `done()` holds, polling; throws after `ms`. */
export async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await sleep(2)
  }
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A handle closed when the test ends. */
export function handle(t: ExecutionContext, loop: Loop, family?: number): UDP {
  const udp = new UDP(loop, family)
  t.teardown(() => {
    if (!udp.closed) udp.close()
  })
  return udp
}
