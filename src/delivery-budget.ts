/**
 * How long one handle's receive callbacks may run before the rest of what
 * was read waits for the next turn of the event loop (issue D: a slow
 * callback under a flood must not starve timers and other I/O).
 *
 * Time is spent in slices of TURN_BUDGET_MS. With the reactor a slice is a
 * turn of the event loop (Node's threadsafe-function dispatch may hand JS
 * many batches in one turn); with `'uv'` it is one read (the binding stops
 * reading for the poll callback once its own budget is spent) or one run of
 * held datagrams.
 *
 * The clock costs about 100 ns a read on the VMs this was measured on, as
 * much as delivering a small datagram, so it is read every `checkEvery`
 * datagrams: at most CHECK_EVERY, fewer as callbacks get slower, so that
 * the interval stays within a quarter of the budget. On `'uv'` a read
 * shorter than one interval (a ping-pong's one datagram) never reads the
 * clock (one exactly as long reads it once, before its last datagram). A cost that jumps between readings can run over the budget by at
 * most one interval's callbacks (32, as many as one read held before
 * reads could bring a GRO message of up to 128).
 */
import { backend } from './backend'
import { TURN_BUDGET_MS } from './delivery'

/** The most datagrams delivered between two readings of the clock. */
export const CHECK_EVERY = 32

export class DeliveryBudget {
  // When the slice started (-1: not yet timed), and the last reading.
  #started = -1
  #last = 0
  // Datagrams between two readings, and those from the last reading to the
  // next (the first interval of a slice is measured from its start).
  #checkEvery = CHECK_EVERY
  #interval = CHECK_EVERY
  // spent() calls until the next reading (each call precedes a datagram).
  #untilCheck = CHECK_EVERY

  /**
   * A read of `count` datagrams is about to be delivered. `'uv'`: the read
   * is a slice of its own, timed from now if it is longer than one interval
   * (a shorter one never reads the clock). Reactor: the turn's slice starts
   * with its first read.
   */
  beginRead(count: number): void {
    if (backend === 'reactor') {
      if (this.#started < 0) this.#start(performance.now(), 1)
    } else if (count > this.#checkEvery) {
      this.#start(performance.now(), 1)
    } else {
      this.#started = -1
      this.#untilCheck = this.#checkEvery
    }
  }

  /** Held datagrams are about to be delivered (`'uv'`: a slice of their own). */
  beginHeld(): void {
    if (backend === 'uv' || this.#started < 0) this.#start(performance.now(), 1)
  }

  /**
   * Called before each datagram: true once the slice's time is spent.
   * Kept this small so that V8 inlines it into the receive loop at little
   * cost to that loop's inlining budget: the clock is read in #check,
   * once per interval.
   */
  spent(): boolean {
    return --this.#untilCheck <= 0 && this.#check()
  }

  // The clock read at the end of an interval: the next interval sized from
  // the last one's cost per datagram; true once the slice's time is spent.
  #check(): boolean {
    const now = performance.now()
    if (this.#started < 0) {
      // A 'uv' read that reached an interval untimed: timed from here. Such
      // short reads say nothing of the cost, so the interval grows back
      // (else reads of one datagram after a slow spell would each read
      // the clock for ever).
      this.#checkEvery = Math.min(CHECK_EVERY, this.#checkEvery * 2)
      this.#start(now, 0)
      return false
    }
    const perDatagram = (now - this.#last) / this.#interval
    const fits = perDatagram > 0 ? Math.floor(TURN_BUDGET_MS / 4 / perDatagram) : CHECK_EVERY
    this.#checkEvery = Math.max(1, Math.min(CHECK_EVERY, fits))
    this.#last = now
    this.#interval = this.#checkEvery
    this.#untilCheck = this.#checkEvery
    return now - this.#started > TURN_BUDGET_MS
  }

  // Starts the slice at `now`; `ahead` is 1 when the next spent() call
  // precedes the slice's first datagram, 0 when it follows a datagram.
  #start(now: number, ahead: number): void {
    this.#started = now
    this.#last = now
    this.#interval = this.#checkEvery
    this.#untilCheck = this.#checkEvery + ahead
    // The reactor's slice is the turn: the next one starts after it.
    if (backend === 'reactor') {
      setImmediate(() => {
        this.#started = -1
      })
    }
  }
}
