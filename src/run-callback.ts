/** Running a user's callback: what it throws goes to its loop (`excepthook`), or is rethrown uncaught. */
import type { Loop } from './loop'

/**
 * Calls `fn`; an exception goes to `loop`'s report, or, with no loop (a
 * handle whose close callback has run), surfaces as an uncaught exception on
 * the next tick.
 */
export function runCallback(loop: Loop | null, fn: () => void): void {
  try {
    fn()
  } catch (error) {
    if (loop) loop._report(error)
    else
      process.nextTick(() => {
        throw error
      })
  }
}
