/** The error classes of the API, shaped like pyuv's and Node's. */
import { ErrorKind } from '../binding'

import { errno } from './errno'

/** An error of libuv: `errno` is the negative code, `code` its name. */
export class UVError extends Error {
  /** The negative libuv code, as in Node's errors. */
  readonly errno: number
  /** The code's name without `UV_`, e.g. `'EADDRINUSE'`. */
  readonly code: string
  /** pyuv's `args`: `[errno, message]`. */
  readonly args: [number, string]

  constructor(code: number, message: string = errno.strerror(code)) {
    super(message)
    this.name = new.target.name
    this.errno = code
    this.code = (errno.errorcode[code] ?? 'UV_UNKNOWN').slice(3)
    this.args = [code, message]
  }
}

/** An error of a handle. */
export class HandleError extends UVError {}

/** An error of a UDP handle's operation. */
export class UDPError extends HandleError {}

/** The handle was closed: its operations throw this afterwards (the README lists the members that still answer). */
export class HandleClosedError extends HandleError {
  constructor() {
    super(errno.UV_EBADF, 'Handle is closed')
  }
}

/** What the binding throws: an `Error` with its kind and, for `ErrorKind.Uv`, the libuv code. */
interface NativeError extends Error {
  readonly kind?: unknown
  readonly errno?: unknown
}

/**
 * Rethrows an error of the native binding as the API's class, by the kind
 * and code it carries (`crates/node/src/thrown.rs`), never by its text:
 * `ErrorKind.Uv` becomes `UDPError(errno)`, `ErrorKind.InvalidArgument` a
 * `TypeError` with the error's message (prefixed with the `argument` it is
 * about, when given), `ErrorKind.Closed` a `HandleClosedError`; anything else (a panic caught in Rust) stays as it is.
 */
export function fromNative(error: unknown, argument?: string): unknown {
  if (!(error instanceof Error)) return error
  const { kind, errno } = error as NativeError
  if (kind === ErrorKind.Uv && typeof errno === 'number') return new UDPError(errno)
  if (kind === ErrorKind.InvalidArgument) return new TypeError(argument ? `${argument}: ${error.message}` : error.message)
  if (kind === ErrorKind.Closed) return new HandleClosedError()
  return error
}
