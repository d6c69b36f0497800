/**
 * The send side of a handle after the binding: the callbacks of sends whose
 * outcome is known, run in call order, and the sends taken from the binding
 * whose callback has not run yet (which still count in the queue's size).
 */
import type { NativeUdp } from '../binding'

import type { Fifo } from './fifo'
import { COMPLETED_WORDS } from './hot-exports'
import type { Loop } from './loop'
import { runCallbackWith } from './run-callback'

/** A send's callback: `error` is `null` on success. */
export type CompletionCallback<H> = (handle: H, error: number | null) => void

/** What the completions need of their handle: its flush, which the loop calls too. */
export interface FlushingHandle {
  _flushSends(): void
}

export class SendCompletions<H extends FlushingHandle> {
  readonly #handle: H
  readonly #native: NativeUdp
  // The handle's loop, whose excepthook gets what a callback throws.
  readonly #loop: Loop
  // The callbacks of sends, in call order (the handle pushes them); the
  // binding reports the outcomes of sends with a callback in the same order
  // (takeCompleted).
  readonly #callbacks: Fifo<CompletionCallback<H>>
  // Sends taken from the binding whose callback has not run yet: libuv takes
  // each off the queue just before its callback, so those still count in
  // send_queue_size/count while earlier callbacks run.
  #takenCount = 0
  #takenBytes = 0
  #completed = new Int32Array(256 * COMPLETED_WORDS)
  #scheduled = false
  #flushing = false

  constructor(handle: H, native: NativeUdp, loop: Loop, callbacks: Fifo<CompletionCallback<H>>) {
    this.#handle = handle
    this.#native = native
    this.#loop = loop
    this.#callbacks = callbacks
  }

  /** Sends taken from the binding whose callback has not run yet. */
  get takenCount(): number {
    return this.#takenCount
  }

  /** Their bytes. */
  get takenBytes(): number {
    return this.#takenBytes
  }

  /**
   * Runs the callbacks of the sends whose outcome is known, in call order,
   * each under the loop's report. Called from one of those callbacks, it
   * does nothing (the running flush takes what completes meanwhile).
   */
  run(): void {
    if (this.#flushing) return
    this.#flushing = true
    try {
      const handle = this.#handle
      const loop = this.#loop
      for (;;) {
        // None completed (n 0): no callback, and the break below.
        const n = this.#native.takeCompleted(this.#completed)
        // Not reentered (#flushing), so the array is not refilled until the
        // next takeCompleted below.
        const completed = this.#completed
        const words = n * COMPLETED_WORDS
        this.#takenCount = n
        this.#takenBytes = 0
        for (let i = 0; i < words; i += COMPLETED_WORDS) this.#takenBytes += completed[i + 1]
        for (let i = 0; i < words; i += COMPLETED_WORDS) {
          // One callback per outcome: the binding reports only sends that have one.
          const callback = this.#callbacks.shift() as CompletionCallback<H>
          const code = completed[i]
          this.#takenCount--
          this.#takenBytes -= completed[i + 1]
          runCallbackWith(loop, callback, handle, code === 0 ? null : code)
        }
        if (words < completed.length) break
      }
    } finally {
      this.#flushing = false
    }
  }

  /** The handle's flush on the next turn (once, however often asked before it). */
  schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#handle._flushSends()
    })
  }
}
