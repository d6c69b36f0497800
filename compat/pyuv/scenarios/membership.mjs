// set_membership: joins, leaves, and their errors, both families, unbound.
import { AF_INET, IFNAME, UDP, anyport, done, loop, step, uv } from './common.mjs'

const handles = []
function make(...args) {
  const h = new UDP(loop, ...args)
  handles.push(h)
  return h
}

const J = uv.UV_JOIN_GROUP
const L = uv.UV_LEAVE_GROUP
const v4 = make()
v4.bind(['0.0.0.0', 40060])
step('v4 join', () => v4.set_membership('239.1.2.3', J))
step('v4 join again', () => v4.set_membership('239.1.2.3', J))
step('v4 leave', () => v4.set_membership('239.1.2.3', L))
step('v4 leave never joined', () => v4.set_membership('239.1.2.4', L))
step('v4 join on interface', () => v4.set_membership('239.1.2.5', J, '198.51.100.1'))
step('v4 join on non-local interface', () => v4.set_membership('239.1.2.6', J, '203.0.113.9'))
step('v4 join on bad interface', () => v4.set_membership('239.1.2.6', J, 'not-an-ip'))
step('v4 join on v6 interface', () => v4.set_membership('239.1.2.6', J, '::1'))
step('v4 join unicast group', () => v4.set_membership('127.0.0.1', J))
step('v4 join bad group', () => v4.set_membership('not-an-ip', J))
step('v4 bad membership', () => v4.set_membership('239.1.2.7', 5))
step('v4 negative membership', () => v4.set_membership('239.1.2.7', -1))
step('v4 join v6 group', () => v4.set_membership('ff02::1:3', J))
const v6 = make()
v6.bind(['::', 40061])
step('v6 join', () => v6.set_membership('ff02::1:3', J, `::%${IFNAME}`))
step('v6 leave', () => v6.set_membership('ff02::1:3', L, `::%${IFNAME}`))
step('v6 leave never joined', () => v6.set_membership('ff02::1:4', L, `::%${IFNAME}`))
step('v6 join default interface', () => v6.set_membership('ff0e::1:3', J))
step('v6 join v4 group', () => v6.set_membership('239.1.2.8', J))
step('v6 join unicast group', () => v6.set_membership('2001:db8::1', J))
const u = make()
step('unbound join', () => u.set_membership('239.1.2.9', J))
step('unbound join getsockname', () => anyport(u.getsockname()))
const m = make(AF_INET)
step('made join', () => m.set_membership('239.1.2.10', J))
step('made join getsockname', () => anyport(m.getsockname()))

for (const h of handles) h.close()
await loop.run()
done()
