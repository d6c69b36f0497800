/**
 * The binding's send, try_send and try_send_many for one handle, by the
 * handle's number (plain functions: a class method of the binding costs
 * about 3.5k instructions more per call).
 *
 * The binding parses each destination given in full and keeps the last one;
 * when the caller passes the same address values again (a reply loop, a
 * stream to one peer), the `…Again` functions (and try_send_many with no
 * destinations) send there without copying the host string out of JS or
 * parsing it again.
 *
 * User code can run while a send's arguments are checked (an element's
 * getter, a Proxy's trap) and send elsewhere, which moves the last
 * destination. So `parts` hands back the last destination's own tuple, and
 * a send goes the short way only while that tuple is still the last one:
 * every change of the last destination replaces it. No user code runs
 * from that test to the binding's call, or after the call.
 */
import { addressParts } from './address'
import { handleSend, handleSendAgain, handleTrySend, handleTrySendAgain, handleTrySendMany } from './hot-exports'
import type { Label } from './label'

/** A destination taken apart for the binding: `null` host is the connected peer. */
type DestinationParts = [host: string | null, port: number, flowinfo: number, scopeId: number | undefined]

const CONNECTED: DestinationParts = [null, 0, 0, undefined]
// No last destination (distinct from CONNECTED: the connected peer is not kept).
const NONE: DestinationParts = [null, 0, 0, undefined]

/** try_send_many's destinations as the binding takes them (a scope id of -1: none). */
type Destinations = NonNullable<Parameters<typeof handleTrySendMany>[1]>

/** The parts of `address`, or of the connected peer for `null`; throws as `addressParts`. */
function destinationParts(address: unknown, what: Label): DestinationParts {
  return address === null ? CONNECTED : addressParts(address, what)
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
  // The tuple the binding took the last destination from; NONE when there
  // is none. Replaced at every change of the last destination.
  #parts: DestinationParts = NONE

  constructor(id: number) {
    this.#id = id
  }

  /** The handle's number, for the binding's functions that take it. */
  get id(): number {
    return this.#id
  }

  /**
   * The checked parts of `address` (`null`: the connected peer), named
   * `what` in errors; the last destination's own tuple when `address` gives
   * its parts, which `send`, `trySend` and `trySendMany` then send to
   * without handing them over again, unless the last destination changed
   * meanwhile. Throws as `addressParts`.
   */
  parts(address: unknown, what: Label = 'address'): DestinationParts {
    const last = this.#parts
    // A getter among the elements that sent elsewhere replaced #parts.
    return this.#same(address) && this.#parts === last ? last : destinationParts(address, what)
  }

  /** `send` to `parts` (from `parts(address)`); the bytes sent, a negative code or SEND_QUEUED. */
  send(address: unknown, parts: DestinationParts, bytes: Uint8Array, hasCallback: boolean): number {
    if (parts === this.#parts) return handleSendAgain(this.#id, bytes, hasCallback)
    const frozen = this.#forget(address, parts)
    const result = handleSend(this.#id, parts[0], parts[1], parts[2], parts[3], bytes, hasCallback)
    this.#remember(address, parts, frozen)
    return result
  }

  /** `try_send` to `parts` (from `parts(address)`); the bytes sent. */
  trySend(address: unknown, parts: DestinationParts, bytes: Uint8Array): number {
    if (parts === this.#parts) return handleTrySendAgain(this.#id, bytes)
    const frozen = this.#forget(address, parts)
    const result = handleTrySend(this.#id, parts[0], parts[1], parts[2], parts[3], bytes)
    this.#remember(address, parts, frozen)
    return result
  }

  /**
   * try_send_many's binding call. `parts` (from `parts(address)`) when its
   * messages all go to `address`, else null: then `dests` are handed over
   * and nothing is kept.
   */
  trySendMany(
    address: unknown,
    parts: DestinationParts | null,
    dests: Destinations,
    layout: Uint32Array,
    count: number,
    packed: Uint8Array,
    views: readonly Uint8Array[],
  ): number {
    if (parts === null) return handleTrySendMany(this.#id, dests, layout, count, packed, views)
    if (parts === this.#parts) return handleTrySendMany(this.#id, null, layout, count, packed, views)
    const frozen = this.#forget(address, parts)
    const sent = handleTrySendMany(this.#id, dests, layout, count, packed, views)
    this.#remember(address, parts, frozen)
    return sent
  }

  // True when checking `address` would give the parts of the last
  // destination the binding parsed (its elements equal them, the omitted
  // ones their defaults). Each element is read once; nothing here throws.
  #same(address: unknown): boolean {
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

  // Before a call that hands the binding `parts` in full (which it keeps as
  // soon as it has parsed them): whether `address` is frozen, asked first
  // (on a Proxy it runs traps, which may send elsewhere or throw, and
  // neither may happen once the binding took the datagram: a throw would
  // lose a taken send's callback), then no last destination until
  // #remember. Only for a full send: Object.isFrozen is a call into the
  // runtime.
  #forget(address: unknown, parts: DestinationParts): boolean {
    const frozen = parts[0] !== null && Object.isFrozen(address)
    this.#host = null
    this.#frozenAddress = null
    this.#parts = NONE
    return frozen
  }

  // The binding took `parts` without throwing: unless they are the
  // connected peer (which it does not keep), its last destination now.
  #remember(address: unknown, parts: DestinationParts, frozen: boolean): void {
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

// True when each element of `array` is a plain value, not a getter.
function plainElements(array: unknown[]): boolean {
  for (let i = 0; i < array.length; i++) {
    const element = Object.getOwnPropertyDescriptor(array, i)
    if (element === undefined || !('value' in element)) return false
  }
  return true
}
