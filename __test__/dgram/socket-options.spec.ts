/**
 * Socket options: broadcast, TTLs, multicast loopback and interface, buffer
 * sizes, and the multicast membership calls' argument and error paths (none
 * of these tests sends multicast or joins a group: that needs a network
 * namespace, see multicast.spec.ts).
 */
import { both, listening, socket, thrown } from './support.js'

const EBADF = (syscall: string) => ({ name: 'Error', code: 'EBADF', errno: -9, syscall, message: `${syscall} EBADF` })
const EINVAL = (syscall: string) => ({ name: 'Error', code: 'EINVAL', errno: -22, syscall, message: `${syscall} EINVAL` })

both('before bind there is no socket: the setters throw EBADF', (t, dgram) => {
  const s = socket(t, dgram)
  t.deepEqual(thrown(t, () => s.setBroadcast(true)), EBADF('setBroadcast'))
  t.deepEqual(thrown(t, () => s.setTTL(64)), EBADF('setTTL'))
  t.deepEqual(thrown(t, () => s.setMulticastTTL(1)), EBADF('setMulticastTTL'))
  t.deepEqual(thrown(t, () => s.setMulticastLoopback(true)), EBADF('setMulticastLoopback'))
  t.deepEqual(thrown(t, () => s.setMulticastInterface('127.0.0.1')), EBADF('setMulticastInterface'))
})

both('once bound, the setters work and return what Node returns', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  t.is(s.setBroadcast(true), undefined)
  t.is(s.setBroadcast(false), undefined)
  t.is(s.setTTL(64), 64)
  t.is(s.setTTL(1.5), 1.5)
  t.is(s.setMulticastTTL(0), 0)
  t.is(s.setMulticastTTL(255), 255)
  t.is(s.setMulticastLoopback(true), true)
  t.is(s.setMulticastLoopback(0 as unknown as boolean), 0 as unknown as boolean)
  t.is(s.setMulticastInterface('127.0.0.1'), undefined)
})

both('TTLs out of range are EINVAL, checked before the socket; not numbers are ERR_INVALID_ARG_TYPE', async (t, dgram) => {
  const unbound = socket(t, dgram)
  t.deepEqual(thrown(t, () => unbound.setTTL(0)), EINVAL('setTTL'))
  t.deepEqual(thrown(t, () => unbound.setTTL(256)), EINVAL('setTTL'))
  t.deepEqual(thrown(t, () => unbound.setMulticastTTL(256)), EINVAL('setMulticastTTL'))
  t.deepEqual(thrown(t, () => unbound.setMulticastTTL(-1)), EINVAL('setMulticastTTL'))
  t.deepEqual(thrown(t, () => unbound.setTTL('64' as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "ttl" argument must be of type number. Received type string (\'64\')',
  })
  t.like(thrown(t, () => unbound.setMulticastTTL(null as never)), { code: 'ERR_INVALID_ARG_TYPE', message: 'The "ttl" argument must be of type number. Received null' })
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  t.deepEqual(thrown(t, () => s.setTTL(0)), EINVAL('setTTL'))
  t.deepEqual(thrown(t, () => s.setMulticastTTL(1000)), EINVAL('setMulticastTTL'))
})

both('setMulticastInterface takes a string; on udp4 a non-local address is EADDRNOTAVAIL', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  t.deepEqual(thrown(t, () => s.setMulticastInterface(1 as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "interfaceAddress" argument must be of type string. Received type number (1)',
  })
  t.like(thrown(t, () => s.setMulticastInterface('192.0.2.1')), { code: 'EADDRNOTAVAIL', syscall: 'setMulticastInterface' })
  t.like(thrown(t, () => s.setMulticastInterface('not an address')), { code: 'EINVAL', syscall: 'setMulticastInterface' })
})

both('addMembership / dropMembership: a missing group is ERR_MISSING_ARGS, a unicast one EINVAL', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  const missing = { name: 'TypeError', code: 'ERR_MISSING_ARGS', message: 'The "multicastAddress" argument must be specified' }
  t.deepEqual(thrown(t, () => (s.addMembership as (...args: unknown[]) => void)()), missing)
  t.deepEqual(thrown(t, () => s.dropMembership('')), missing)
  t.deepEqual(thrown(t, () => s.addMembership('127.0.0.1')), EINVAL('addMembership'))
  t.deepEqual(thrown(t, () => s.addMembership('not an address')), EINVAL('addMembership'))
  // Leaving: the kernel answers that a unicast "group" was never joined.
  t.like(thrown(t, () => s.dropMembership('127.0.0.1')), { code: 'EADDRNOTAVAIL', syscall: 'dropMembership' })
  t.deepEqual(thrown(t, () => s.dropMembership('not an address')), EINVAL('dropMembership'))
})

both('dropMembership of a group never joined is EADDRNOTAVAIL', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '0.0.0.0')
  await listening(s)
  t.deepEqual(thrown(t, () => s.dropMembership('239.255.0.77', '127.0.0.1')), {
    name: 'Error',
    code: 'EADDRNOTAVAIL',
    errno: -99,
    syscall: 'dropMembership',
    message: 'dropMembership EADDRNOTAVAIL',
  })
})

both("'' and '<broadcast>' are not addresses to a membership (libuv parses them with inet_pton): EINVAL, nothing joined", async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '0.0.0.0')
  await listening(s)
  for (const name of ['', '<broadcast>']) {
    t.deepEqual(thrown(t, () => s.addMembership('224.0.0.1', name)), EINVAL('addMembership'), `interface ${JSON.stringify(name)}`)
    t.deepEqual(thrown(t, () => s.dropMembership('224.0.0.1', name)), EINVAL('dropMembership'), `interface ${JSON.stringify(name)}`)
    t.deepEqual(thrown(t, () => s.addSourceSpecificMembership(name, '232.1.1.1')), EINVAL('addSourceSpecificMembership'), `source ${JSON.stringify(name)}`)
    t.deepEqual(thrown(t, () => s.addSourceSpecificMembership('127.0.0.1', '232.1.1.1', name)), EINVAL('addSourceSpecificMembership'), `interface ${JSON.stringify(name)}`)
    t.deepEqual(thrown(t, () => s.dropSourceSpecificMembership(name, '232.1.1.1')), EINVAL('dropSourceSpecificMembership'), `source ${JSON.stringify(name)}`)
  }
})

both('source-specific membership checks its string arguments', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '0.0.0.0')
  await listening(s)
  t.deepEqual(thrown(t, () => s.addSourceSpecificMembership(1 as never, '232.1.1.1')), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "sourceAddress" argument must be of type string. Received type number (1)',
  })
  t.deepEqual(thrown(t, () => s.dropSourceSpecificMembership('198.51.100.7', undefined as never)), {
    name: 'TypeError',
    code: 'ERR_INVALID_ARG_TYPE',
    message: 'The "groupAddress" argument must be of type string. Received undefined',
  })
  t.deepEqual(thrown(t, () => s.addSourceSpecificMembership('198.51.100.7', '127.0.0.1')), EINVAL('addSourceSpecificMembership'))
  t.like(thrown(t, () => s.dropSourceSpecificMembership('198.51.100.7', '232.1.1.1', '127.0.0.1')), {
    code: 'EINVAL',
    syscall: 'dropSourceSpecificMembership',
  })
})

both('buffer sizes: before bind ERR_SOCKET_BUFFER_SIZE (a SystemError with info)', (t, dgram) => {
  const s = socket(t, dgram)
  for (const [call, syscall] of [
    [() => s.getRecvBufferSize(), 'uv_recv_buffer_size'],
    [() => s.setSendBufferSize(8192), 'uv_send_buffer_size'],
  ] as const) {
    let error: (Error & { info?: unknown; errno?: unknown; syscall?: unknown; code?: unknown }) | undefined
    try {
      call()
    } catch (e) {
      error = e as Error
    }
    t.truthy(error)
    t.is(error?.name, 'SystemError')
    t.is(error?.code, 'ERR_SOCKET_BUFFER_SIZE')
    t.is(error?.message, `Could not get or set buffer size: ${syscall} returned EBADF (bad file descriptor)`)
    t.deepEqual(error?.info, { errno: -9, code: 'EBADF', message: 'bad file descriptor', syscall })
    t.is(error?.errno, -9)
    t.is(error?.syscall, syscall)
    t.is(String(error), `SystemError [ERR_SOCKET_BUFFER_SIZE]: Could not get or set buffer size: ${syscall} returned EBADF (bad file descriptor)`)
  }
})

both('buffer sizes: a size that is not a uint32 is ERR_SOCKET_BAD_BUFFER_SIZE', (t, dgram) => {
  const s = socket(t, dgram)
  const expected = { name: 'TypeError', code: 'ERR_SOCKET_BAD_BUFFER_SIZE', message: 'Buffer size must be a positive integer' }
  for (const size of [-1, 1.5, '1024', NaN, 2 ** 32, { valueOf: () => 1024 }]) t.deepEqual(thrown(t, () => s.setRecvBufferSize(size as number)), expected, String(size))
  // Node's test is `size >>> 0 !== size`: a BigInt throws V8's TypeError.
  for (const set of [() => s.setRecvBufferSize(4096n as unknown as number), () => s.setSendBufferSize(4096n as unknown as number)]) {
    t.deepEqual(thrown(t, set), { name: 'TypeError', message: 'Cannot mix BigInt and other types, use explicit conversions' })
  }
})

both('buffer sizes: set then get reads what the OS reports (Linux doubles it)', async (t, dgram) => {
  const s = socket(t, dgram)
  s.bind(0, '127.0.0.1')
  await listening(s)
  t.is(s.setRecvBufferSize(65536), undefined)
  s.setSendBufferSize(32768)
  const doubling = process.platform === 'linux' ? 2 : 1
  t.is(s.getRecvBufferSize(), 65536 * doubling)
  t.is(s.getSendBufferSize(), 32768 * doubling)
})

both('recvBufferSize and sendBufferSize options are applied when the socket binds', async (t, dgram) => {
  const s = socket(t, dgram, { type: 'udp4', recvBufferSize: 50000, sendBufferSize: 40000 })
  s.bind(0, '127.0.0.1')
  await listening(s)
  const doubling = process.platform === 'linux' ? 2 : 1
  t.is(s.getRecvBufferSize(), 50000 * doubling)
  t.is(s.getSendBufferSize(), 40000 * doubling)
})

both('toString of a Node error reads Name [CODE]: message', (t, dgram) => {
  const s = socket(t, dgram)
  let error: unknown
  try {
    s.send('x', 0)
  } catch (e) {
    error = e
  }
  t.is(String(error), 'RangeError [ERR_SOCKET_BAD_PORT]: Port should be > 0 and < 65536. Received type number (0).')
})
