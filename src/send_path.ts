/**
 * The binding's send and try_send for one handle, by the handle's number
 * (plain functions: a class method of the binding costs about 3.5k
 * instructions more per call).
 *
 * The binding parses each destination given in full and keeps the last one;
 * when the caller passes the same address values again (a reply loop, a
 * stream to one peer), the `…Again` functions send there without copying the
 * host string out of JS or parsing it again.
 */
import { addressParts } from './address'
import { handleSend, handleSendAgain, handleTrySend, handleTrySendAgain } from './hot-exports'

/** A destination taken apart for the binding: `null` host is the connected peer. */
type DestinationParts = [host: string | null, port: number, flowinfo: number, scopeId: number | undefined]

const CONNECTED: DestinationParts = [null, 0, 0, undefined]

/** The parts of `address`, or of the connected peer for `null`; throws as `addressParts`. */
export function destinationParts(address: unknown): DestinationParts {
  return address === null ? CONNECTED : addressParts(address)
}

export class SendPath {
  readonly #id: number
  // The checked parts of the last destination the binding parsed; #host
  // null: none.
  #host: string | null = null
  #port = 0
  #flowinfo = 0
  #scopeId: number | undefined
  // The address object those parts came from when it is frozen (a received
  // peer tuple, getsockname's): once its elements are known to be plain
  // values (#frozenPlain; an accessor could answer differently each read),
  // they cannot have changed, so the same object again is the same
  // destination without reading them (V8 reads a frozen array's elements
  // through its slow path, ~70 instructions each). null whenever #host is.
  #frozenAddress: unknown = null
  #frozenPlain = false
  // Changes whenever the last destination does (see `mark`).
  #mark = 0
  // The parts as the binding took them (lastParts: no array made per call).
  #parts: DestinationParts = CONNECTED

  constructor(id: number) {
    this.#id = id
  }

  /** The handle's number, for the binding's functions that take it. */
  get id(): number {
    return this.#id
  }

  /**
   * True when checking `address` would give the parts of the last
   * destination the binding parsed (its elements equal them, the omitted
   * ones their defaults). Each element is read once; nothing here throws.
   * An element's getter may send elsewhere meanwhile: callers compare
   * `mark` before and after.
   */
  same(address: unknown): boolean {
    if (address === this.#frozenAddress && address !== null) {
      if (this.#frozenPlain) return true
      // Checked once per remembered object, on its second send.
      if (plainElements(address as unknown[])) {
        this.#frozenPlain = true
        return true
      }
      // An accessor among them: compared by what it answers, as any array.
      this.#frozenAddress = null
    }
    if (this.#host === null || !Array.isArray(address)) return false
    const length = address.length
    // A shorter array's port is undefined, never a number: no match.
    if (length > 4 || address[0] !== this.#host || address[1] !== this.#port) return false
    if ((length > 2 ? address[2] : 0) !== this.#flowinfo) return false
    // Reads only within the array (no out-of-bounds load on the hot path).
    return (length > 3 ? address[3] : undefined) === this.#scopeId
  }

  /**
   * A number that changes whenever the last destination does: try_send_many
   * checks its messages before it sends, and a getter among them can send
   * elsewhere in between.
   */
  get mark(): number {
    return this.#mark
  }

  /** The parts of the last destination (after `same` said there is one); not to be changed. */
  lastParts(): DestinationParts {
    return this.#parts
  }

  /**
   * Forgets the last destination until `remember`: for a call that hands the
   * binding one in full, which it keeps as soon as it has parsed it.
   */
  forget(): void {
    this.#host = null
    this.#frozenAddress = null
    this.#mark++
  }

  /** `send` to the last parsed destination (after `same` said so). */
  sendAgain(bytes: Uint8Array, hasCallback: boolean): number {
    return handleSendAgain(this.#id, bytes, hasCallback)
  }

  /** `try_send` to the last parsed destination (after `same` said so). */
  trySendAgain(bytes: Uint8Array): number {
    return handleTrySendAgain(this.#id, bytes)
  }

  /** `send` to `parts`, checked from `address`; they become the last destination once the binding took them. */
  send(address: unknown, parts: DestinationParts, bytes: Uint8Array, hasCallback: boolean): number {
    const frozen = frozenAddress(address, parts)
    this.forget()
    const result = handleSend(this.#id, parts[0], parts[1], parts[2], parts[3], bytes, hasCallback)
    this.remember(address, parts, frozen)
    return result
  }

  /** `try_send` to `parts`, checked from `address`; remembered likewise. */
  trySend(address: unknown, parts: DestinationParts, bytes: Uint8Array): number {
    const frozen = frozenAddress(address, parts)
    this.forget()
    const result = handleTrySend(this.#id, parts[0], parts[1], parts[2], parts[3], bytes)
    this.remember(address, parts, frozen)
    return result
  }

  /**
   * The binding parsed `parts` (checked from `address`, `frozen` as
   * `frozenAddress` answered before the call) without throwing: unless they
   * are the connected peer (which it does not keep), its last destination
   * now. Runs no user code.
   */
  remember(address: unknown, parts: DestinationParts, frozen: boolean): void {
    this.#mark++
    if (parts[0] === null) return
    this.#host = parts[0]
    this.#port = parts[1]
    this.#flowinfo = parts[2]
    this.#scopeId = parts[3]
    this.#parts = parts
    this.#frozenPlain = false
    if (frozen) this.#frozenAddress = address
  }
}

/**
 * Whether `address` is frozen (a received or getsockname tuple), asked
 * before a full send hands its parts to the binding: on a Proxy it runs
 * traps, which may send elsewhere or throw, and neither may happen after
 * the binding took the datagram (a throw would lose a taken send's
 * callback). Only for a full send: a call into the runtime.
 */
export function frozenAddress(address: unknown, parts: DestinationParts): boolean {
  return parts[0] !== null && Object.isFrozen(address)
}

// True when each element of `array` is a plain value, not a getter.
function plainElements(array: unknown[]): boolean {
  for (let i = 0; i < array.length; i++) {
    const element = Object.getOwnPropertyDescriptor(array, i)
    if (element === undefined || !('value' in element)) return false
  }
  return true
}
