// Wrong uses the published typings must reject. Each `@ts-expect-error` names
// the error tsc must give for the line below it, and why; types.spec.ts also
// compiles this file with the directives removed and checks that exactly these
// lines fail, each with its code.
import { Loop, UDP, UVError, errno, type Address, type Address4, type RecvCallback } from 'uv-udp'

const loop = Loop.default_loop()
const udp = new UDP(loop)
const buf = Buffer.from('x')

// --- Address tuples of the wrong shape
// @ts-expect-error TS2345: a host alone is not an address
udp.bind(['127.0.0.1'])
// @ts-expect-error TS2345: five elements is no address shape
udp.bind(['::1', 1, 2, 3, 4])
// @ts-expect-error TS2322: the host is a string, not a number
udp.bind([1, 2])
// @ts-expect-error TS2322: the port is a number, not a string
udp.bind(['127.0.0.1', '53'])
// @ts-expect-error TS2345: an address is a tuple, not a string
udp.send('127.0.0.1:53', buf)
// @ts-expect-error TS2353: nor an object
udp.send({ host: '127.0.0.1', port: 53 }, buf)
// @ts-expect-error TS2322: getsockname may be IPv6: narrow before taking it as IPv4
const local: Address4 = udp.getsockname()
// @ts-expect-error TS2322: try_send_many messages are [address, data] pairs
udp.try_send_many([[['127.0.0.1', 53]]])

// --- Strings (and other non-bytes) as data
// @ts-expect-error TS2345: a string is not data: use Buffer.from
udp.send(['127.0.0.1', 53], 'hi')
// @ts-expect-error TS2345: nor is a number
udp.send(['127.0.0.1', 53], 42)
// @ts-expect-error TS2322: nor an array of strings
udp.send(['127.0.0.1', 53], ['a', 'b'])
// @ts-expect-error TS2345: try_send takes one view, not a string
udp.try_send(['127.0.0.1', 53], 'hi')
// @ts-expect-error TS2345: try_send takes one view, not an array of them
udp.try_send(['127.0.0.1', 53], [buf, buf])
// @ts-expect-error TS2322: try_send_many data must be bytes
udp.try_send_many([[['127.0.0.1', 53], 'hi']])

// --- Numbers as booleans
// @ts-expect-error TS2345: set_broadcast takes a boolean
udp.set_broadcast(1)
// @ts-expect-error TS2345: set_multicast_loop takes a boolean
udp.set_multicast_loop(0)
// @ts-expect-error TS2322: ref is a boolean
udp.ref = 1
// @ts-expect-error TS2322: pktinfo is a boolean
udp.start_recv(() => {}, { pktinfo: 1 })

// --- Other argument types
// @ts-expect-error TS2345: the family is a number (AF_INET6), not a name
new UDP(loop, 'inet6')
// @ts-expect-error TS2554: a handle needs its loop
new UDP()
// @ts-expect-error TS2345: the membership is UV_JOIN_GROUP or UV_LEAVE_GROUP, not a boolean
udp.set_membership('239.1.2.3', true)
// @ts-expect-error TS2345: the ttl is a number
udp.set_ttl('64')
// @ts-expect-error TS2554: connect needs an address, or null to disconnect
udp.connect()
// @ts-expect-error TS2345: strerror takes the numeric code
errno.strerror('EAGAIN')
// @ts-expect-error TS2345: a UVError is made from a numeric code
new UVError('EINVAL')

// --- Callbacks of the wrong arity or types
// @ts-expect-error TS2345: a send callback gets (handle, error): a third parameter is never passed
udp.send(['127.0.0.1', 53], buf, (_handle: UDP, _error: number | null, _extra: string) => {})
// @ts-expect-error TS2345: the send error is a number or null, not a string
udp.send(['127.0.0.1', 53], buf, (_handle: UDP, _error: string) => {})
// @ts-expect-error TS2345: a receive callback gets at most six parameters
udp.start_recv((_h: UDP, _a: Address | null, _f: number, _d: Buffer | null, _e: number | null, _p: unknown, _extra: number) => {})
// @ts-expect-error TS2345: the received address is a tuple or null, not a string
udp.start_recv((_handle: UDP, _address: string) => {})
// @ts-expect-error TS2345: the received data is a Buffer or null, not a string
udp.start_recv((_handle: UDP, _address: Address | null, _flags: number, _data: string) => {})
// @ts-expect-error TS2345: a close callback gets (handle) only
udp.close((_handle: UDP, _error: number) => {})
const onRead: RecvCallback = (_handle, _address, _flags, data) => {
  // @ts-expect-error TS18047: data is null when the read failed: check it first
  console.log(data.length)
}
udp.start_recv(onRead)

// --- Read-only properties
// @ts-expect-error TS2540: family is read-only
udp.family = 2
// @ts-expect-error TS2540: send_queue_size is read-only
udp.send_queue_size = 0
// @ts-expect-error TS2540: closed is read-only
udp.closed = true
// @ts-expect-error TS2540: loop is read-only
udp.loop = null
// @ts-expect-error TS2540: recv_dropped is read-only
udp.recv_dropped = 0
