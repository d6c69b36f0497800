/**
 * `connect` as `node:dgram` reads it: its overloads, the connect of the
 * handle with Node's errors, and how the outcome is reported (`'connect'`,
 * or the error to the callback or as `'error'`, on the next tick).
 */
import process from 'node:process'

import { errno } from '../errno'
import type { UDP } from '../udp'

import { familyOf } from './bind'
import { codeOf, errnoException, exceptionWithHostPort } from './errors'
import { validatePort, validateString } from './validate'

/** `connect`'s callback: called once connected, or with the error. */
export type ConnectCallback = (error?: Error) => void

/**
 * `connect(port, address?, callback?)` or `connect(port, callback)`, checked
 * as Node checks them. The callback is as given: Node hands any truthy one
 * to `once('connect', ...)`, which throws when it is no function.
 */
export function connectArguments(port: unknown, address: unknown, callback: unknown): { port: number; address: string; callback: unknown } {
  const checkedPort = validatePort(port, 'Port', false)
  let host: unknown = address
  let cb: unknown = callback
  if (typeof host === 'function') {
    cb = host
    host = ''
  } else if (host === undefined) {
    host = ''
  }
  validateString(host, 'address')
  return { port: checkedPort, address: host, callback: cb }
}

/** Connects `udp` to `ip` (the lookup's answer for `address`) unless the lookup failed; returns the error, if any. */
export function connectHandle(udp: UDP, family: 4 | 6, ex: Error | null, ip: string, address: string, port: number): Error | null {
  if (ex !== null) return ex
  let code = 0
  if (familyOf(ip) !== family) code = errno.UV_EINVAL
  else {
    try {
      udp.connect([ip, port])
    } catch (thrown) {
      code = codeOf(thrown)
    }
  }
  return code === 0 ? null : exceptionWithHostPort(code, 'connect', address, port)
}

/** Reports a failed connect on the next tick: to `callback` (no longer a `'connect'` listener) if given, else as `'error'`. */
export function reportConnectError(socket: NodeJS.EventEmitter, error: Error, callback: ConnectCallback | undefined): void {
  process.nextTick(() => {
    if (callback) {
      socket.removeListener('connect', callback)
      callback(error)
    } else {
      socket.emit('error', error)
    }
  })
}

/** `disconnect()` on the handle, with Node's error. */
export function disconnectHandle(udp: UDP): void {
  try {
    udp.connect(null)
  } catch (error) {
    throw errnoException(codeOf(error), 'connect')
  }
}
