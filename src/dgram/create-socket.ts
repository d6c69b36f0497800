/** `node:dgram`'s `createSocket`. */
import type { SocketOptions, SocketType } from './options'
import { type MessageListener, Socket } from './socket'

/** A `udp4` or `udp6` socket; `listener` is added as a `'message'` listener. */
export function createSocket(type: SocketType | SocketOptions, listener?: MessageListener): Socket {
  return new Socket(type, listener)
}
