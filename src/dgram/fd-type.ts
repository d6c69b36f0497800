/** What kind of handle a descriptor is, in the names Node's `guessHandleType` uses, short of a socket's own type. */
import { fstatSync } from 'node:fs'
import { isatty } from 'node:tty'

/**
 * `'TTY'`, `'FILE'`, `'PIPE'`, `'UNKNOWN'`, or `'SOCKET'` for any socket:
 * JS cannot ask a socket's type and family, so `bind({ fd })` lets
 * `UDP.open()` tell a datagram socket from the others.
 */
export function descriptorKind(fd: number): string {
  let stat
  try {
    stat = fstatSync(fd)
  } catch {
    return 'UNKNOWN'
  }
  if (isatty(fd)) return 'TTY'
  if (stat.isFile() || stat.isCharacterDevice()) return 'FILE'
  if (stat.isFIFO()) return 'PIPE'
  if (stat.isSocket()) return 'SOCKET'
  return 'UNKNOWN'
}
