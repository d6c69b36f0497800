/**
 * Host names resolved as `node:dgram` resolves them: `dns.lookup` (or the
 * socket's `lookup` option) with the socket's family, and `127.0.0.1` /
 * `::1` when no address is given.
 */
import dns from 'node:dns'
import { isIP } from 'node:net'

/** The `lookup` option: `dns.lookup`'s shape, called with the socket's family (4 or 6). */
export type LookupFunction = (
  hostname: string,
  family: number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
) => void

/** A lookup's outcome: an error, or the address to use. */
export type LookupCallback = (err: Error | null, address: string) => void

/** A socket's resolver: its `lookup` bound to its family and default host. */
export class Resolver {
  readonly #lookup: LookupFunction | null
  readonly #family: 4 | 6
  readonly #loopback: string
  // The last literal seen: a stream of sends to one peer checks it once.
  #lastLiteral = ''

  /** `lookup` is the socket's option; `undefined` means `dns.lookup`. */
  constructor(family: 4 | 6, lookup: LookupFunction | undefined) {
    this.#lookup = lookup ?? null
    this.#family = family
    this.#loopback = family === 4 ? '127.0.0.1' : '::1'
  }

  /**
   * Whether `address` needs no asynchronous resolution: with `dns.lookup`,
   * an IP literal (or nothing, the loopback) resolves to itself on the next
   * tick, so the caller may batch such sends on one tick instead.
   */
  literal(address: string | null | undefined): string | null {
    if (this.#lookup !== null) return null
    if (!address) return this.#loopback
    if (address === this.#lastLiteral) return address
    if (isIP(address) === 0) return null
    this.#lastLiteral = address
    return address
  }

  /**
   * Resolves `address` as Node's `lookup4` / `lookup6` do; `callback` runs
   * later. Any falsy error (a `lookup` option that answers
   * `cb(undefined, ip)`) is success, as Node tests `if (err)`.
   */
  resolve(address: string | null | undefined, callback: LookupCallback): void {
    const host = address || this.#loopback
    const done = (err: Error | null | undefined, ip: string) => callback(err || null, ip)
    if (this.#lookup !== null) this.#lookup(host, this.#family, done)
    else dns.lookup(host, this.#family, done)
  }
}
