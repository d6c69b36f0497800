// bind flags and their errors.
import { UDP, attr, done, loop, step, uv } from './common.mjs'

const handles = []
function make(...args) {
  const h = new UDP(loop, ...args)
  handles.push(h)
  return h
}

step('ipv6only on v6', () => make().bind(['::', 40020], uv.UV_UDP_IPV6ONLY))
step('v4 beside ipv6only v6', () => make().bind(['0.0.0.0', 40020]))
step('ipv6only on v4', () => make().bind(['127.0.0.1', 40021], uv.UV_UDP_IPV6ONLY))
step('unknown flag bit', () => make().bind(['127.0.0.1', 40022], 8))
step('partial flag', () => make().bind(['127.0.0.1', 40023], uv.UV_UDP_PARTIAL))
step('reuseaddr first', () => make().bind(['127.0.0.1', 40024], uv.UV_UDP_REUSEADDR))
step('reuseaddr second', () => make().bind(['127.0.0.1', 40024], uv.UV_UDP_REUSEADDR))
step('no reuse first', () => make().bind(['127.0.0.1', 40025]))
step('no reuse second', () => make().bind(['127.0.0.1', 40025]))
step('reuseport first', () => make().bind(['127.0.0.1', 40026], uv.UV_UDP_REUSEPORT))
step('reuseport second', () => make().bind(['127.0.0.1', 40026], uv.UV_UDP_REUSEPORT))
step('not local v4', () => make().bind(['203.0.113.9', 40027]))
step('not local v6', () => make().bind(['2001:db8::99', 40027]))
step('negative flags', () => make().bind(['127.0.0.1', 40028], -1))
step('constants', () => [uv.UV_UDP_IPV6ONLY, uv.UV_UDP_PARTIAL, uv.UV_UDP_REUSEADDR, uv.UV_JOIN_GROUP, uv.UV_LEAVE_GROUP])
step('reuseport constant', () => attr(uv, 'UV_UDP_REUSEPORT'))

for (const h of handles) h.close()
await loop.run()
done()
