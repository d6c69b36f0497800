/**
 * `send`'s overloads read as `node:dgram` reads them: which argument is the
 * offset, the port, the address or the callback depends on whether the socket
 * is connected and on the arguments' types. Throws Node's errors, in Node's
 * order.
 */
import type { AsyncResource } from 'node:async_hooks'

import { socketIsConnected } from './errors'
import { sliceBuffer, toData } from './payload'
import { validatePort, validateString } from './validate'

/** A send's callback: `bytes` is the datagram's size. */
export type SendCallback = (error: Error | null, bytes: number) => void

/**
 * A send, its arguments sorted out (`port` is 0 on a connected socket), and
 * what the socket's sender learns of it on its way: one object per send.
 */
export interface SendArguments {
  /** One view, or the parts of a list to gather (never empty). */
  data: Uint8Array | Uint8Array[]
  port: number
  address: string | undefined
  callback: SendCallback | undefined
  /** The IP literal it goes to, once resolved; null before (and when connected). */
  ip: string | null
  /**
   * The async context of the `send()` call, for its callback (set when it
   * has one and runs from a later shared tick or the handle's queue).
   */
  scope: AsyncResource | undefined
}

/** The arguments of `send(buffer, offset?, length?, port?, address?, callback?)`. */
export function sendArguments(
  connected: boolean,
  buffer: unknown,
  offset: unknown,
  length: unknown,
  port: unknown,
  address: unknown,
  callback: unknown,
): SendArguments {
  let payload: unknown = buffer
  if (!connected) {
    if (address || (port && typeof port !== 'function')) {
      payload = sliceBuffer(buffer, offset, length)
    } else {
      callback = port
      port = offset
      address = length
    }
  } else {
    if (typeof length === 'number') {
      payload = sliceBuffer(buffer, offset, length)
      if (typeof port === 'function') {
        callback = port
        port = null
      }
    } else {
      callback = offset
    }
    if (port || address) throw socketIsConnected()
  }
  const data = toData(payload)
  const checkedPort = connected ? 0 : validatePort(port, 'Port', false)
  if (typeof callback !== 'function') callback = undefined
  if (typeof address === 'function') {
    callback = address
    address = undefined
  } else if (address != null) {
    validateString(address, 'address')
  }
  return { data, port: checkedPort, address: address as string | undefined, callback: callback as SendCallback | undefined, ip: null, scope: undefined }
}
