/** pyuv's `Loop`, on Node's own event loop. */
import { describe } from './address'
import type { UDP } from './udp'

let defaultLoop: Loop | undefined

/**
 * A group of handles. Every loop runs on Node's event loop: callbacks come on
 * the JS thread that made the handle, never synchronously.
 */
export class Loop {
  /** The loop of this JS thread (the main thread, or each worker). */
  static default_loop(): Loop {
    defaultLoop ??= new Loop()
    return defaultLoop
  }

  /**
   * @internal True for a real `Loop` (a brand check: a Proxy of one, or an
   * object made from its prototype, is not one).
   */
  static _is(value: unknown): value is Loop {
    return typeof value === 'object' && value !== null && #handles in value
  }

  #excepthook: ((error: unknown) => void) | null = null

  /**
   * Where a callback's exception goes. `null` (the default): it surfaces as
   * an uncaught exception, as in any Node callback. A function or `null`;
   * anything else throws `TypeError`.
   */
  get excepthook(): ((error: unknown) => void) | null {
    return this.#excepthook
  }

  set excepthook(hook: ((error: unknown) => void) | null) {
    if (hook !== null && typeof hook !== 'function') {
      throw new TypeError(`excepthook must be a function or null, got ${describe(hook)}`)
    }
    this.#excepthook = hook
  }

  // Weak, so that an unreachable idle handle can be collected (and its
  // socket closed); the native side holds active handles strongly, as
  // libuv's loop holds active handles.
  #handles = new Set<WeakRef<UDP>>()
  // Closing handles keep run() going until their close callback ran, as
  // libuv's closing handles keep uv_run going.
  #closing = new Set<UDP>()
  // Handles with send callbacks pending.
  #sending = new Set<UDP>()
  #waiters: (() => void)[] = []
  #checkScheduled = false
  #forget = new FinalizationRegistry<WeakRef<UDP>>((ref) => this.#handles.delete(ref))

  /** Handles not yet fully closed (a copy). */
  get handles(): UDP[] {
    const out: UDP[] = []
    for (const ref of this.#handles) {
      const handle = ref.deref()
      if (handle) out.push(handle)
    }
    return out
  }

  /**
   * Resolves once none of the loop's handles is active and referenced. As
   * libuv's send requests keep `uv_run` going whatever their handle's ref,
   * a handle whose sends' callbacks have not all run counts as referenced.
   */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve)
      this.#scheduleCheck()
    })
  }

  /** @internal A new handle of this loop; returns its token for `_forget`. */
  _track(handle: UDP): WeakRef<UDP> {
    const ref = new WeakRef(handle)
    this.#handles.add(ref)
    this.#forget.register(handle, ref, ref)
    return ref
  }

  /** @internal close() was called; the close callback is pending. */
  _closing(handle: UDP): void {
    this.#closing.add(handle)
  }

  /** @internal The handle's close callback has run. */
  _forget(handle: UDP, ref: WeakRef<UDP>): void {
    this.#handles.delete(ref)
    this.#forget.unregister(ref)
    this.#closing.delete(handle)
    this.#sending.delete(handle)
    this._changed()
  }

  /** @internal A handle may have become inactive, or its `ref` changed. */
  _changed(): void {
    if (this.#waiters.length > 0) this.#scheduleCheck()
  }

  /** @internal A handle has send callbacks pending (`true`), or none any more. */
  _sending(handle: UDP, pending: boolean): void {
    if (pending) this.#sending.add(handle)
    else this.#sending.delete(handle)
  }

  /**
   * @internal Runs the callbacks of every completed send of this loop's
   * handles. Called before any receive callback: as libuv runs completed
   * writes before it polls for input, a reply is never seen before its
   * request's send callback.
   */
  _flushSends(): void {
    if (this.#sending.size === 0) return
    for (const handle of this.#sending) handle._flushSends()
  }

  /** @internal Hands a callback's exception to `excepthook`, or rethrows it uncaught. */
  _report(error: unknown): void {
    const hook = this.#excepthook
    if (hook !== null) {
      try {
        hook(error)
        return
      } catch (hookError) {
        error = hookError
      }
    }
    // Thrown from its own tick, so the rest of a batch is still delivered.
    process.nextTick(() => {
      throw error
    })
  }

  #scheduleCheck(): void {
    if (this.#checkScheduled) return
    this.#checkScheduled = true
    setImmediate(() => {
      this.#checkScheduled = false
      if (this.#closing.size > 0) return
      for (const ref of this.#handles) {
        const handle = ref.deref()
        if (handle !== undefined && handle.active && (handle.ref || handle.send_queue_count > 0)) return
      }
      const waiters = this.#waiters
      this.#waiters = []
      for (const resolve of waiters) resolve()
    })
  }
}
