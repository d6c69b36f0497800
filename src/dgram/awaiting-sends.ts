/**
 * The sends a socket's handle queued, in call order: what each callback
 * needs (the callback if there is one, the address and port an error names,
 * the size success reports), in parallel ring buffers.
 *
 * Not one record per send in a long-lived queue: storing a young object
 * into a long-lived array costs V8's out-of-line write barrier on every
 * send (about a tenth of the facade's instructions per send over the pyuv
 * API's, docs/design-notes.md). The callback and the address are usually
 * long-lived (a function and a string literal), the port and the size are
 * small integers: no barrier for those.
 */
import type { SendCallback } from './send-arguments'

const INITIAL_CAPACITY = 64
// Emptied with a capacity above this, the buffers go back to the initial
// size: memory follows the live length after a burst.
const KEEP_CAPACITY = 4096

export class AwaitingSends {
  #callbacks: (SendCallback | undefined)[] = new Array<SendCallback | undefined>(INITIAL_CAPACITY).fill(undefined)
  #addresses: (string | undefined)[] = new Array<string | undefined>(INITIAL_CAPACITY).fill(undefined)
  #ports = new Int32Array(INITIAL_CAPACITY)
  #sizes = new Float64Array(INITIAL_CAPACITY)
  // Capacity - 1 (a power of two).
  #mask = INITIAL_CAPACITY - 1
  #head = 0
  #length = 0

  get length(): number {
    return this.#length
  }

  /** How many sends the buffers hold before they grow. */
  get capacity(): number {
    return this.#mask + 1
  }

  /** One more send, the newest (`callback` undefined for a send without one). */
  push(callback: SendCallback | undefined, address: string | undefined, port: number, size: number): void {
    if (this.#length > this.#mask) this.#grow()
    const i = (this.#head + this.#length) & this.#mask
    this.#callbacks[i] = callback
    this.#addresses[i] = address
    this.#ports[i] = port
    this.#sizes[i] = size
    this.#length++
  }

  /** The oldest send's callback (the queue is not empty). */
  callback(): SendCallback | undefined {
    return this.#callbacks[this.#head]
  }

  /** The oldest send's address, as given to `send`. */
  address(): string | undefined {
    return this.#addresses[this.#head]
  }

  /** The oldest send's port. */
  port(): number {
    return this.#ports[this.#head]
  }

  /** The oldest send's size in bytes. */
  size(): number {
    return this.#sizes[this.#head]
  }

  /** Forgets the oldest send (its callback and address are released). */
  drop(): void {
    const head = this.#head
    this.#callbacks[head] = undefined
    this.#addresses[head] = undefined
    this.#head = (head + 1) & this.#mask
    if (--this.#length === 0 && this.#mask >= KEEP_CAPACITY) this.#resize(INITIAL_CAPACITY)
  }

  #grow(): void {
    this.#resize((this.#mask + 1) * 2)
  }

  // New buffers of `capacity` (a power of two, at least the length), the
  // oldest send first.
  #resize(capacity: number): void {
    const callbacks = new Array<SendCallback | undefined>(capacity).fill(undefined)
    const addresses = new Array<string | undefined>(capacity).fill(undefined)
    const ports = new Int32Array(capacity)
    const sizes = new Float64Array(capacity)
    for (let n = 0; n < this.#length; n++) {
      const i = (this.#head + n) & this.#mask
      callbacks[n] = this.#callbacks[i]
      addresses[n] = this.#addresses[i]
      ports[n] = this.#ports[i]
      sizes[n] = this.#sizes[i]
    }
    this.#callbacks = callbacks
    this.#addresses = addresses
    this.#ports = ports
    this.#sizes = sizes
    this.#mask = capacity - 1
    this.#head = 0
  }
}
