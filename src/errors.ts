/** The error classes of the API, shaped like pyuv's and Node's. */
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

/**
 * Rethrows an error of the native binding as the API's class: `uv:<code>`
 * becomes `UDPError`, `type:<text>` a `TypeError` (prefixed with the
 * `argument` it is about, when given); anything else (a panic caught in
 * Rust) stays as it is.
 */
export function fromNative(error: unknown, argument?: string): unknown {
  if (!(error instanceof Error)) return error
  const { message } = error
  if (message.startsWith('uv:')) return new UDPError(Number(message.slice(3)))
  if (message.startsWith('type:')) return new TypeError(argument ? `${argument}: ${message.slice(5)}` : message.slice(5))
  return error
}
