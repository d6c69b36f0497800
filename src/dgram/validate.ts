/** Node's argument validators as `node:dgram` applies them, with Node's errors. */
import { badPort, invalidArgType, outOfRange } from './errors'

/** A port as Node takes it: a number or numeric string in 0..65535 (1.. unless `allowZero`); returns it as an int. */
export function validatePort(port: unknown, name = 'Port', allowZero = true): number {
  if (
    (typeof port !== 'number' && typeof port !== 'string') ||
    (typeof port === 'string' && port.trim().length === 0) ||
    +port !== +port >>> 0 ||
    +port > 0xffff ||
    // Strictly the number 0, as Node: the string '0' passes.
    (port === 0 && !allowZero)
  ) {
    throw badPort(name, port, allowZero)
  }
  return +port | 0
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw invalidArgType(name, 'string', value)
}

export function validateNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value)
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw invalidArgType(name, 'Function', value)
}

export function validateUint32(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number') throw invalidArgType(name, 'number', value)
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value)
  if (value < 0 || value > 4_294_967_295) throw outOfRange(name, '>= 0 && <= 4294967295', value)
}

export function validateAbortSignal(value: unknown, name: string): asserts value is AbortSignal | undefined {
  if (value !== undefined && (value === null || typeof value !== 'object' || !('aborted' in value))) {
    throw invalidArgType(name, 'AbortSignal', value)
  }
}

/**
 * Node's `isInt32`: `value === (value | 0)`. The cast is parenthesised:
 * written `value as number | 0` it is a type (`number | 0`), and the
 * emitted test was `value === value`, true for any fd but NaN.
 */
export function isInt32(value: unknown): value is number {
  return value === ((value as number) | 0)
}
