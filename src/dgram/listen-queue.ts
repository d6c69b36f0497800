/**
 * What waits for a socket's bind: sends, connects and a close made while the
 * bind resolves its address. Run in order on `'listening'`; dropped if the
 * bind fails (Node watches `errorMonitor`, so an `'error'` listener is not
 * needed for that).
 */
import { EventEmitter } from 'node:events'

export class ListenQueue {
  #entries: (() => void)[] | undefined = undefined
  readonly #emitter: EventEmitter

  constructor(emitter: EventEmitter) {
    this.#emitter = emitter
  }

  /** True while a bind is resolving and something waits for it. */
  get waiting(): boolean {
    return this.#entries !== undefined
  }

  /** How many entries wait. */
  get length(): number {
    return this.#entries?.length ?? 0
  }

  /** Runs `entry` once the socket listens. */
  push(entry: () => void): void {
    if (this.#entries === undefined) {
      this.#entries = []
      const onListenError = () => {
        this.#emitter.removeListener('listening', onListenSuccess)
        this.#entries = undefined
      }
      const onListenSuccess = () => {
        this.#emitter.removeListener(EventEmitter.errorMonitor, onListenError)
        const entries = this.#entries ?? []
        this.#entries = undefined
        for (const queued of entries) queued()
      }
      this.#emitter.once(EventEmitter.errorMonitor, onListenError)
      this.#emitter.once('listening', onListenSuccess)
    }
    this.#entries.push(entry)
  }
}
