/** libuv's error codes with this platform's values, as pyuv's `errno` module. */
import { uvErrors } from '../binding'

/** `UV_*` codes, plus `errorcode` (code → `'UV_…'` name) and `strerror(code)`. */
export interface Errno {
  readonly [name: `UV_${string}`]: number
  /** Code → name, e.g. `-98` → `'UV_EADDRINUSE'`. */
  readonly errorcode: Readonly<Record<number, string>>
  /** libuv's message for a code, e.g. `'address already in use'`. */
  strerror(code: number): string
}

const codes: Record<string, number> = {}
const names: Record<number, string> = {}
const messages = new Map<number, string>()
for (const [name, code, message] of uvErrors()) {
  codes[`UV_${name}`] = code
  names[code] = `UV_${name}`
  messages.set(code, message)
}

/** libuv's error codes and their messages. */
export const errno: Errno = Object.freeze({
  ...codes,
  errorcode: Object.freeze(names),
  strerror(code: number): string {
    return messages.get(code) ?? `Unknown system error ${code}`
  },
}) as Errno
