// Correct uses of the published typings: all of this must compile (strict).
// Never run; types.spec.ts compiles it against the packed package.
import {
  Loop,
  UDP,
  UVError,
  HandleError,
  UDPError,
  HandleClosedError,
  errno,
  AF_UNSPEC,
  AF_INET,
  AF_INET6,
  UV_UDP_IPV6ONLY,
  UV_UDP_PARTIAL,
  UV_UDP_REUSEADDR,
  UV_UDP_REUSEPORT,
  UV_JOIN_GROUP,
  UV_LEAVE_GROUP,
  type Address,
  type Address4,
  type Address6,
  type Data,
  type Errno,
  type RecvCallback,
  type RecvOptions,
  type PacketInfo,
  type SendCallback,
  type CloseCallback,
} from 'uv-udp'
import uvUdp from 'uv-udp'
import type * as NodeDgram from 'node:dgram'
import dgram, { createSocket as createDgramSocket, type RemoteInfo as DgramRemoteInfo } from 'uv-udp/dgram'

// Module shape: named and default exports agree.
const sameClass: typeof UDP = uvUdp.UDP
const constants: number[] = [AF_UNSPEC, AF_INET, AF_INET6, UV_UDP_IPV6ONLY, UV_UDP_PARTIAL, UV_UDP_REUSEADDR, UV_UDP_REUSEPORT, UV_JOIN_GROUP, UV_LEAVE_GROUP]

// Loop
const loop: Loop = Loop.default_loop()
const other = new Loop()
const handles: UDP[] = loop.handles
const done: Promise<void> = other.run()
loop.excepthook = (error: unknown) => console.error(error)
loop.excepthook = null

// Addresses: the three input shapes, the two output shapes.
const v4: Address4 = ['127.0.0.1', 9999]
const v6: Address6 = ['::1', 9999, 0, 0]
const v6flow: Address = ['fe80::1%eth0', 9999, 0]
const anyAddress: Address[] = [v4, v6, v6flow, ['', 0], ['<broadcast>', 9]]

// UDP
const udp = new UDP(loop)
const udp6 = new UDP(loop, AF_INET6)
class Subclass extends UDP {
  greet(): string {
    return 'hi'
  }
}
new Subclass(loop).greet()
udp.bind(['0.0.0.0', 0])
udp6.bind(['::', 0, 0, 0], UV_UDP_IPV6ONLY | UV_UDP_REUSEADDR)
udp.open(3)

const name: Address4 | Address6 = udp.getsockname()
if (name.length === 2) {
  const [host, port]: [string, number] = name
} else {
  const [host, port, flowinfo, scope_id]: [string, number, number, number] = name
}

// send: every kind of data, gathered arrays, callbacks of any arity up to two.
const payloads: Data[] = [Buffer.from('x'), new Uint8Array(1), new Float64Array(1), new DataView(new ArrayBuffer(1)), new ArrayBuffer(1)]
udp.send(v4, Buffer.from('hello'))
udp.send(v6, new Uint8Array([1, 2, 3]), (handle: UDP, error: number | null) => {
  if (error !== null) console.log(errno.errorcode[error], errno.strerror(error))
})
udp.send(v4, [Buffer.from('a'), new Uint8Array([98])] as const, () => {})
udp.send(v4, payloads, (handle) => handle.close())
const onSent: SendCallback = (_handle, error) => void error
udp.send(v4, new ArrayBuffer(4), onSent)
const sent: number = udp.try_send(v4, Buffer.from('now'))

// start_recv: full and short callbacks, narrowing the nullable arguments.
const onRead: RecvCallback = (handle, address, flags, data, error) => {
  if (error !== null) return
  if (address === null || data === null) return
  const truncated: boolean = (flags & UV_UDP_PARTIAL) !== 0
  handle.send(address, data)
}
udp.start_recv(onRead)
udp.stop_recv()
udp.start_recv((_handle, _address, _flags, data) => console.log(data?.byteLength))
udp.stop_recv()
const options: RecvOptions = { pktinfo: true }
udp.start_recv((_handle, _address, _flags, _data, _error, info?: PacketInfo) => {
  if (info) console.log(info.local_address, info.interface_index)
}, options)

// Options and properties.
udp.set_membership('239.1.2.3', UV_JOIN_GROUP)
udp.set_membership('239.1.2.3', UV_LEAVE_GROUP, '0.0.0.0')
udp6.set_membership('ff02::1', UV_JOIN_GROUP, '::%lo')
udp.set_multicast_interface()
udp.set_multicast_interface('127.0.0.1')
udp.set_multicast_ttl(1)
udp.set_multicast_loop(false)
udp.set_broadcast(true)
udp.set_ttl(64)
const fd: number = udp.fileno()
udp.send_buffer_size = 1 << 20
udp.receive_buffer_size = 1 << 20
const sizes: number[] = [udp.send_buffer_size, udp.receive_buffer_size, udp.send_queue_size, udp.send_queue_count, udp.family, udp.recv_dropped]
const flags: boolean[] = [udp.closed, udp.active, udp.ref]
udp.ref = false
const owner: Loop | null = udp.loop

// Beyond pyuv.
udp.connect(v4)
udp.send(null, Buffer.from('to the peer'))
udp.try_send(null, Buffer.from('to the peer'))
const peer: Address4 | Address6 = udp.getpeername()
udp.connect(null)
const many: number = udp.try_send_many([
  [v4, Buffer.from('a')],
  [v6, new Uint8Array(2)],
])
udp.set_source_membership('232.1.1.1', undefined, '192.0.2.1', UV_JOIN_GROUP)
udp.set_source_membership('232.1.1.1', '0.0.0.0', '192.0.2.1', UV_LEAVE_GROUP)

// close
const onClose: CloseCallback = (handle) => console.log(handle.closed)
udp.close(onClose)
udp6.close()

// Errors
try {
  udp.bind(v4)
} catch (e) {
  if (e instanceof UDPError) {
    const code: number = e.errno
    const text: string = e.code
    const [n, message]: [number, string] = e.args
    const isHandleError: HandleError = e
    const isUVError: UVError = e
    const isError: Error = e
  }
  if (e instanceof HandleClosedError) console.log(e.code)
}
const table: Errno = errno
const eagain: number = errno.UV_EAGAIN
const named: string | undefined = errno.errorcode[errno.UV_EADDRINUSE]
const text: string = errno.strerror(errno.UV_EINVAL)
const made: UVError = new UVError(errno.UV_EINVAL)

// `await using`: Symbol.asyncDispose closes the handle at the end of the block.
export async function scoped(): Promise<void> {
  await using handle = new UDP(loop)
  handle.bind(['127.0.0.1', 0])
  const disposer: () => Promise<void> = handle[Symbol.asyncDispose]
  const asDisposable: AsyncDisposable = handle
}

// uv-udp/dgram, as published: a socket goes where @types/node's dgram.Socket
// is expected, and node:dgram code compiles against it unchanged.
export const asNodeSocket: NodeDgram.Socket = dgram.createSocket('udp4')
export function dgramUsage(options: NodeDgram.SocketOptions): number {
  const socket = createDgramSocket(options, (msg: Buffer, rinfo: DgramRemoteInfo) => {
    const local: string | undefined = rinfo.local
    void [msg.length, local, rinfo.interface]
  })
  socket.bind(0, '127.0.0.1', () => socket.send('hi', socket.address().port, 'localhost'))
  socket.on('error', (error: Error) => socket.close())
  return socket.trySend(Buffer.from('x'), 1234, '127.0.0.1') + socket.sendMany([['y', 1234]])
}
