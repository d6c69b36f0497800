// try_send and UV_EAGAIN, oversize datagrams, the other family, broadcast
// without set_broadcast, bad data; where each error shows (throw or callback).
import { AF_INET, UDP, done, errnoName, event, loop, norm, step } from './common.mjs'

const rx = new UDP(loop)
rx.bind(['127.0.0.1', 40040])
const rx6 = new UDP(loop)
rx6.bind(['::1', 40041])
const got = []
rx.start_recv((h, a, f, d) => got.push(norm(d)))
rx6.start_recv((h, a, f, d) => got.push(norm(d)))
const tx = new UDP(loop)
tx.bind(['127.0.0.1', 40042])
const tx6 = new UDP(loop)
tx6.bind(['::', 40043])

const cb = (what) => (h, e) => event('send cb', what, errnoName(e))
const b = (s) => Buffer.from(s)

step('try_send', () => tx.try_send(['127.0.0.1', 40040], b('try')))
step('try_send list', () => tx.try_send(['127.0.0.1', 40040], [b('a'), b('b')]))
step('try_send empty', () => tx.try_send(['127.0.0.1', 40040], Buffer.alloc(0)))
step('try_send oversize', () => tx.try_send(['127.0.0.1', 40040], Buffer.alloc(70000, 'x')))
step('try_send v6 on v4', () => tx.try_send(['::1', 40041], b('x')))
step('try_send v4 on dual-stack', () => tx6.try_send(['127.0.0.1', 40040], b('mapped')))
step('try_send bad data', () => tx.try_send(['127.0.0.1', 40040], 5))
step('send', () => tx.send(['127.0.0.1', 40040], b('sent'), cb('plain')))
step('try_send while a send is pending', () => tx.try_send(['127.0.0.1', 40040], b('x')))
step('send oversize', () => tx.send(['127.0.0.1', 40040], Buffer.alloc(70000, 'x'), cb('oversize')))
step('send v6 on v4', () => tx.send(['::1', 40041], b('x'), cb('v6 on v4')))
step('send broadcast without set_broadcast', () => tx.send(['255.255.255.255', 40040], b('x'), cb('broadcast')))
step('send subnet broadcast without set_broadcast', () =>
  new UDP(loop, AF_INET).send(['198.51.100.255', 40040], b('x'), cb('subnet broadcast')),
)
step('send bad data', () => tx.send(['127.0.0.1', 40040], 5))
step('send empty list', () => tx.send(['127.0.0.1', 40040], []))
step('send list with bad item', () => tx.send(['127.0.0.1', 40040], [b('a'), 5]))
step('send bad callback', () => tx.send(['127.0.0.1', 40040], b('x'), 5))
step('send str', () => tx.send(['127.0.0.1', 40040], 'text'))
step('send bytearray', () => tx.send(['127.0.0.1', 40040], new Uint8Array(b('ba')), cb('bytearray')))
step('send hostname', () => tx.send(['localhost', 40040], b('x')))
step('send port 0', () => tx.send(['127.0.0.1', 0], b('x'), cb('port 0')))

setTimeout(() => {
  event('received', got.map((x) => x.bytes).sort())
  for (const h of [rx, rx6, tx, tx6]) h.close()
}, 300)
await loop.run()
done()
