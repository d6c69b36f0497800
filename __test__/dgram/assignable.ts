/**
 * Type-level proof, checked by `npm run typecheck` (tsc, strict): a
 * uv-udp/dgram socket goes wherever @types/node's `dgram.Socket` is
 * expected, its `createSocket` takes what Node's takes, and code written
 * against node:dgram compiles unchanged against uv-udp/dgram.
 */
import type * as nodeDgram from 'node:dgram'
import { lookup } from 'node:dns'

import dgram, { createSocket, type RemoteInfo, type Socket } from '../../dgram.js'

export function assignable(socket: Socket): nodeDgram.Socket {
  return socket
}

export function nodeOptions(options: nodeDgram.SocketOptions): Socket {
  return createSocket(options)
}

export function nodeRemoteInfo(rinfo: RemoteInfo): nodeDgram.RemoteInfo {
  return rinfo
}

export function sameCode(): void {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true, lookup }, (msg, rinfo) => {
    const text: string = msg.toString()
    const port: number = rinfo.port
    void text
    void port
  })
  socket.on('message', (msg: Buffer, rinfo: nodeDgram.RemoteInfo) => socket.send(msg, rinfo.port, rinfo.address))
  socket.on('error', (err: Error) => socket.close())
  socket.once('listening', () => socket.address().port)
  socket.on('custom', (value: number) => value)
  socket.bind(0, '127.0.0.1', () => socket.setBroadcast(true))
  socket.bind({ port: 0, exclusive: true })
  socket.send('a', 1234, 'localhost', (error: Error | null, bytes: number) => void [error, bytes])
  socket.send(Buffer.from('abc'), 1, 2, 1234, '127.0.0.1')
  socket.send([Buffer.from('a'), new Uint16Array(2), 'c'], 1234)
  socket.connect(1234, () => socket.send('x'))
  const bytes: number = socket.trySend('x', 1234, '127.0.0.1')
  const sent: number = socket.sendMany([[Buffer.from('x'), 1234, '127.0.0.1']])
  void [bytes, sent]
  const ttl: number = socket.setTTL(64)
  void ttl
  socket.unref().ref()
}
