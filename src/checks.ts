/** Argument checks shared by the handle's methods: JS types only (values are the core's). */
import { describe } from './address'

/** `TypeError` unless `value` is a function. */
export function checkCallback(value: unknown, what: string): void {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function, got ${describe(value)}`)
}

/** `TypeError` unless `value` is a boolean. */
export function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(value)}`)
  return value
}

/** An interface address: a string, or `undefined` / `null` for the OS default. */
export function checkInterface(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`)
  return value
}

/** `TypeError` unless `value` is a string. */
export function checkString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`)
  return value
}

/** A membership value: `TypeError` unless a number (its value is checked by the caller). */
export function checkNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describe(value)}`)
  return value
}

/**
 * A TTL: `TypeError` unless an integer. Its range is libuv's to check (an
 * integer outside it is `UDPError` `UV_EINVAL`, as in pyuv): what is passed on
 * keeps in range or out of it, clamped to what the binding's int takes.
 */
export function checkTtl(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describe(value)}`)
  if (!Number.isInteger(value)) throw new TypeError(`${what} must be an integer, got ${String(value)}`)
  return Math.min(Math.max(value, -1), 256)
}
