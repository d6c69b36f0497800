/**
 * `try_send_many`: its messages checked, their small datagrams copied back
 * to back into one reused area, and the lot handed to the binding in one
 * call. Handing it an array of views cost about 600 instructions per
 * datagram (the binding reads each element and each view through V8's
 * API); copying a small datagram here costs a fraction of that.
 *
 * A small datagram's bytes are the ones its view holds when its message is
 * checked (a getter of a later message that changes them changes nothing
 * sent); a longer one's are read by the send, after every check.
 *
 * A call whose messages all go to the handle's last destination (that of
 * its last `send`, `try_send` or one-destination `try_send_many`, see
 * `SendPath`) hands the binding no destination at all: converting and
 * parsing one cost about 3k instructions a call, more than sending eight
 * small datagrams.
 */
import { type Address, addressParts, describe } from './address'
import { type Data, copyBytes, viewBytes, viewLength } from './data'
import { fromNative } from './errors'
import { SEND_MANY_LARGE, SEND_MANY_PACKED_MAX } from './hot-exports'
import type { SendPath } from './send_path'

/** A destination as `handleTrySendMany` takes it: a `null` host is the connected peer, -1 no scope id. */
type Destination = [host: string | null, port: number, flowinfo: number, scopeId: number]

const CONNECTED: Destination = [null, 0, 0, -1]

// The areas start at a size that holds a usual burst (64 datagrams of up
// to 1 KiB) and grow for a larger call. One grown past the KEEP_ sizes is
// dropped after its call, so a single huge call does not hold its memory.
const START_BYTES = 64 * 1024
const KEEP_BYTES = 1024 * 1024
const START_WORDS = 2 * 64
const KEEP_WORDS = 2 * 4096

// The longest datagram copied into the area. Under Bun every datagram goes
// as its own view instead: its napi reads an array of views for less than
// JavaScriptCore's TypedArray set takes to copy them (alternating runs of
// 20,000 calls of 64 datagrams to a sink that does not read: 0.87-0.92 µs
// a datagram of 1200 B copied against 0.77-0.85 as views, 0.71-0.76 against
// 0.68-0.70 at 64 B). Under Node and Deno (V8) the copy is the cheaper.
const PACKED_MAX = (process.versions as NodeJS.ProcessVersions & { bun?: string }).bun === undefined ? SEND_MANY_PACKED_MAX : -1

// The arrays handed to the binding are made without a prototype and filled
// by index, so that no user code (a patched Array.prototype.push, an
// accessor on Array.prototype's indices) runs while the binding reads them
// and holds the views it has read so far. The views not copied: none (most
// calls), or such a list.
const setPrototypeOf = Object.setPrototypeOf
function plainList<T>(): T[] {
  return setPrototypeOf([], null) as T[]
}
const NO_VIEWS: readonly Uint8Array[] = Object.freeze(plainList<Uint8Array>())

// The reused areas, or null while a call holds them: a getter that calls
// try_send_many from inside another call gets areas of its own.
let spareBytes: Uint8Array | null = null
let spareLayout: Uint32Array | null = null

// Grown copies of the areas, made without any method or getter the caller
// could patch (the intrinsic `set`, element stores).
function grownBytes(bytes: Uint8Array, needed: number): Uint8Array {
  const grown = new Uint8Array(Math.max(needed, 2 * bytes.length))
  copyBytes(grown, bytes, 0)
  return grown
}

function grownLayout(layout: Uint32Array, needed: number): Uint32Array {
  const grown = new Uint32Array(Math.max(needed, 2 * layout.length))
  for (let i = 0; i < layout.length; i++) grown[i] = layout[i]
  return grown
}

// The binding's form of a destination's parts.
function destination(parts: readonly [string | null, number, number, number | undefined]): Destination {
  return [parts[0], parts[1], parts[2], parts[3] ?? -1]
}

/**
 * Sends `[address, data]` messages on `path`'s handle in order until one
 * would block; how many it sent. Every message is checked before any is sent.
 */
export function trySendMany(path: SendPath, messages: ReadonlyArray<readonly [address: Address | null, data: Data]>): number {
  if (!Array.isArray(messages)) throw new TypeError(`messages must be an array, got ${describe(messages)}`)
  const count = messages.length
  let bytes = spareBytes ?? new Uint8Array(START_BYTES)
  let layout = spareLayout ?? new Uint32Array(START_WORDS)
  spareBytes = null
  spareLayout = null
  try {
    const dests = plainList<Destination>()
    let destCount = 0
    let large: Uint8Array[] | null = null
    let views = 0
    let used = 0
    // Consecutive messages to the same address object share one parsed
    // destination: the usual burst costs one address conversion, not one each.
    let previous: unknown
    // The first message's address and its parts (from `path`, which knows
    // whether they are the last destination's).
    let firstAddress: unknown = null
    let firstParts: ReturnType<SendPath['parts']> | null = null
    // Labels, their index moved along: no string per message unless one is refused.
    const label = { name: 'messages', index: 0, part: 'data' }
    const addressLabel = { name: 'messages', index: 0, part: 'address' }
    for (let i = 0; i < count; i++) {
      const message: unknown = messages[i]
      if (!Array.isArray(message) || message.length !== 2) {
        throw new TypeError(`messages[${i}] must be an [address, data] pair, got ${describe(message)}`)
      }
      const address: unknown = message[0]
      if (i === 0 || address !== previous) {
        if (address === null) dests[destCount++] = CONNECTED
        else {
          addressLabel.index = i
          const parts = i === 0 ? path.parts(address, addressLabel) : addressParts(address, addressLabel)
          if (i === 0) {
            firstAddress = address
            firstParts = parts
          }
          dests[destCount++] = destination(parts)
        }
        previous = address
      }
      label.index = i
      const view = viewBytes(message[1], label)
      const length = viewLength()
      if (2 * i + 2 > layout.length) layout = grownLayout(layout, 2 * i + 2)
      layout[2 * i] = destCount - 1
      if (length > PACKED_MAX) {
        // Longer than any UDP datagram (the kernel refuses it), or under Bun: not copied.
        layout[2 * i + 1] = SEND_MANY_LARGE
        if (large === null) large = plainList<Uint8Array>()
        large[views++] = view
        continue
      }
      layout[2 * i + 1] = length
      // A view that a shrunk resizable buffer left out of bounds has no
      // bytes (and `set` would refuse it): an empty datagram, as `try_send`.
      if (length === 0) continue
      if (used + length > bytes.length) bytes = grownBytes(bytes, used + length)
      copyBytes(bytes, view, used)
      used += length
    }
    const longViews = large ?? NO_VIEWS
    try {
      // One destination: `path` sends to it the short way or keeps it.
      return path.trySendMany(firstAddress, destCount === 1 ? firstParts : null, dests, layout, count, bytes, longViews)
    } catch (error) {
      throw fromNative(error, 'messages')
    }
  } finally {
    if (bytes.length <= KEEP_BYTES) spareBytes = bytes
    if (layout.length <= KEEP_WORDS) spareLayout = layout
  }
}
