/**
 * Errors shaped as `node:dgram`'s: the `ERR_*` errors Node throws for bad
 * arguments and states (same class, `code`, message), and the system errors
 * of a failed call (`errno`, `code`, `syscall`, `address`, `port`, and
 * Node's `'<syscall> <CODE> <address>:<port>'` message).
 */
import { getSystemErrorName, inspect } from 'node:util'

import { errno as uvErrno } from '../errno'
import { UDPError } from '../errors'

/** An error with one of Node's `ERR_*` codes; `toString()` reads `Name [CODE]: message`, as Node's. */
export interface NodeError extends Error {
  readonly code: string
}

type ErrorBase = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor

/**
 * Writes `Name [CODE]` into the error's stack header, as Node's own errors
 * read there (and so in an uncaught error's report, `console.log` and
 * `util.inspect`): V8 formats the stack when it is first read, with the
 * name of that moment (Node's addCodeToName). Then the name is the
 * class's again, or `name` as an own property.
 */
function addCodeToName(error: Error, name: string, code: string, ownName: boolean): void {
  error.name = `${name} [${code}]`
  // Read for its side effect: the stack is formatted now, with that name.
  void error.stack
  if (ownName) Object.defineProperty(error, 'name', { value: name, enumerable: false, writable: true, configurable: true })
  else delete (error as { name?: string }).name
}

function nodeError(Base: ErrorBase, code: string, message: string): NodeError {
  const error = new Base(message) as Error & { code: string }
  addCodeToName(error, Base.name, code, false)
  error.code = code
  Object.defineProperty(error, 'toString', {
    value(this: Error) {
      return `${this.name} [${code}]: ${this.message}`
    },
    enumerable: false,
    configurable: true,
    writable: true,
  })
  return error
}

/** Node's description of a value of the wrong type ("type number (5)", "an instance of Object", ...). */
export function determineSpecificType(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`
    case 'number':
      if (value === 0) return 1 / value === -Infinity ? 'type number (-0)' : 'type number (0)'
      return `type number (${String(value)})`
    case 'boolean':
      return `type boolean (${String(value)})`
    case 'symbol':
      return `type symbol (${String(value)})`
    case 'function':
      return `function ${(value as { name: string }).name}`
    case 'object': {
      // Node's own test, as written there: a constructor that is a truthy
      // primitive makes `in` throw a TypeError, in Node as here.
      const ctor = (value as { constructor?: { name?: unknown } }).constructor
      if (ctor && 'name' in ctor) return `an instance of ${ctor.name as string}`
      return inspect(value, { depth: -1 })
    }
    default: {
      // 'string', the one type left (null and undefined are handled above).
      const full = value as string
      const text = full.length > 28 ? `${full.slice(0, 25)}...` : full
      return text.includes("'") ? `type string (${JSON.stringify(text)})` : `type string ('${text}')`
    }
  }
}

// Node's kTypes: names written as types ("of type string"), not instances.
const TYPE_NAMES = new Set(['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'])

function formatList(items: readonly string[], type: string): string {
  if (items.length <= 1) return items.join('')
  if (items.length === 2) return `${items[0]} ${type} ${items[1]}`
  return `${items.slice(0, -1).join(', ')}, ${type} ${items[items.length - 1]}`
}

/** `ERR_INVALID_ARG_TYPE` (TypeError): `name` must be one of `expected`, with Node's wording. */
export function invalidArgType(name: string, expected: string | readonly string[], actual: unknown): NodeError {
  const list = typeof expected === 'string' ? [expected] : expected
  let message = 'The '
  if (name.endsWith(' argument')) message += `${name} `
  else message += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `
  message += 'must be '
  const types: string[] = []
  const instances: string[] = []
  const other: string[] = []
  for (const value of list) {
    if (TYPE_NAMES.has(value)) types.push(value.toLowerCase())
    else if (/^[A-Z][a-zA-Z0-9]*$/.test(value)) instances.push(value)
    else other.push(value)
  }
  if (instances.length > 0) {
    const at = types.indexOf('object')
    if (at !== -1) {
      types.splice(at, 1)
      instances.push('Object')
    }
  }
  if (types.length > 0) {
    message += `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types, 'or')}`
    if (instances.length > 0 || other.length > 0) message += ' or '
  }
  if (instances.length > 0) {
    message += `an instance of ${formatList(instances, 'or')}`
    if (other.length > 0) message += ' or '
  }
  if (other.length > 0) {
    if (other.length > 1) message += `one of ${formatList(other, 'or')}`
    else message += `${other[0].toLowerCase() !== other[0] ? 'an ' : ''}${other[0]}`
  }
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `${message}. Received ${determineSpecificType(actual)}`)
}

/** `ERR_OUT_OF_RANGE` (RangeError). */
export function outOfRange(name: string, range: string, input: number): NodeError {
  const received = Number.isInteger(input) && Math.abs(input) > 2 ** 32 ? separated(String(input)) : inspect(input)
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${received}`)
}

function separated(digits: string): string {
  let out = ''
  let i = digits.length
  const start = digits[0] === '-' ? 1 : 0
  for (; i >= start + 4; i -= 3) out = `_${digits.slice(i - 3, i)}${out}`
  return `${digits.slice(0, i)}${out}`
}

/** `ERR_SOCKET_BAD_PORT` (RangeError). */
export function badPort(name: string, port: unknown, allowZero: boolean): NodeError {
  const operator = allowZero ? '>=' : '>'
  return nodeError(RangeError, 'ERR_SOCKET_BAD_PORT', `${name} should be ${operator} 0 and < 65536. Received ${determineSpecificType(port)}.`)
}

/** `ERR_BUFFER_OUT_OF_BOUNDS` (RangeError). */
export function bufferOutOfBounds(name: string): NodeError {
  return nodeError(RangeError, 'ERR_BUFFER_OUT_OF_BOUNDS', `"${name}" is outside of buffer bounds`)
}

/** `ERR_MISSING_ARGS` (TypeError), for one argument. */
export function missingArgs(name: string): NodeError {
  return nodeError(TypeError, 'ERR_MISSING_ARGS', `The "${name}" argument must be specified`)
}

/** `ERR_INVALID_FD_TYPE` (TypeError). */
export function invalidFdType(type: string): NodeError {
  return nodeError(TypeError, 'ERR_INVALID_FD_TYPE', `Unsupported fd type: ${type}`)
}

export const socketBadType = (): NodeError =>
  nodeError(TypeError, 'ERR_SOCKET_BAD_TYPE', 'Bad socket type specified. Valid types are: udp4, udp6')
export const socketAlreadyBound = (): NodeError => nodeError(Error, 'ERR_SOCKET_ALREADY_BOUND', 'Socket is already bound')
export const socketBadBufferSize = (): NodeError =>
  nodeError(TypeError, 'ERR_SOCKET_BAD_BUFFER_SIZE', 'Buffer size must be a positive integer')
export const socketIsConnected = (): NodeError => nodeError(Error, 'ERR_SOCKET_DGRAM_IS_CONNECTED', 'Already connected')
export const socketNotConnected = (): NodeError => nodeError(Error, 'ERR_SOCKET_DGRAM_NOT_CONNECTED', 'Not connected')
export const socketNotRunning = (): NodeError => nodeError(Error, 'ERR_SOCKET_DGRAM_NOT_RUNNING', 'Not running')

/** A failed system call, as Node reports it: `errno` (negative), `code`, `syscall`, maybe `address` and `port`. */
export interface SystemCallError extends Error {
  errno: number
  code: string
  syscall: string
  address?: string
  port?: number
}

/** Node's `ErrnoException`: message `'<syscall> <CODE>'`. */
export function errnoException(err: number, syscall: string): SystemCallError {
  const code = getSystemErrorName(err)
  const error = new Error(`${syscall} ${code}`) as SystemCallError
  error.errno = err
  error.code = code
  error.syscall = syscall
  return error
}

/** Node's `ExceptionWithHostPort`: message `'<syscall> <CODE> <address>:<port>'` (port only when > 0). */
export function exceptionWithHostPort(err: number, syscall: string, address: string | null | undefined, port: unknown): SystemCallError {
  const code = getSystemErrorName(err)
  let details = ''
  if (port && Number(port) > 0) details = ` ${String(address)}:${String(port)}`
  else if (address) details = ` ${address}`
  const error = new Error(`${syscall} ${code}${details}`) as Error & Record<string, unknown>
  error.errno = err
  error.code = code
  error.syscall = syscall
  error.address = address
  if (port) error.port = port
  return error as unknown as SystemCallError
}

/** What `ERR_SOCKET_BUFFER_SIZE` carries as `info`. */
export interface BufferSizeContext {
  errno: number
  code: string
  message: string
  syscall: string
}

/** `ERR_SOCKET_BUFFER_SIZE`: a `SystemError` whose `info` is the failed libuv call. */
export function socketBufferSize(err: number, syscall: string): NodeError & { info: BufferSizeContext; errno: number; syscall: string } {
  const context: BufferSizeContext = { errno: err, code: getSystemErrorName(err), message: uvErrno.strerror(err), syscall }
  const error = new Error(
    `Could not get or set buffer size: ${syscall} returned ${context.code} (${context.message})`,
  ) as Error & { code: string; info: BufferSizeContext; errno: number; syscall: string }
  addCodeToName(error, 'SystemError', 'ERR_SOCKET_BUFFER_SIZE', true)
  error.code = 'ERR_SOCKET_BUFFER_SIZE'
  Object.defineProperties(error, {
    info: { value: context, enumerable: true, configurable: true, writable: false },
    errno: {
      get: () => context.errno,
      set: (value: number) => {
        context.errno = value
      },
      enumerable: true,
      configurable: true,
    },
    syscall: {
      get: () => context.syscall,
      set: (value: string) => {
        context.syscall = value
      },
      enumerable: true,
      configurable: true,
    },
    toString: {
      value(this: Error) {
        return `${this.name} [ERR_SOCKET_BUFFER_SIZE]: ${this.message}`
      },
      enumerable: false,
      configurable: true,
      writable: true,
    },
  })
  return error
}

/** The code of an error the `UDP` handle threw; a bad IP literal or value is `EINVAL`, as libuv reports it to Node. */
export function codeOf(error: unknown): number {
  if (error instanceof UDPError) return error.errno
  if (error instanceof TypeError || error instanceof RangeError) return uvErrno.UV_EINVAL
  throw error
}
