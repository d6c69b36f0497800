// family, and sockets made early (new UDP(loop, family)).
import { AF_INET, AF_INET6, AF_UNSPEC, UDP, done, loop, step } from './common.mjs'

const handles = []
function make(...args) {
  const h = new UDP(loop, ...args)
  handles.push(h)
  return h
}

step('unspec family', () => make().family)
step('inet family', () => make(AF_INET).family)
step('inet6 family', () => make(AF_INET6).family)
step('explicit unspec family', () => make(AF_UNSPEC).family)
step('bad family', () => make(12345))
step('negative family', () => make(-1))
const a = make(AF_INET)
step('early inet bind v4', () => a.bind(['127.0.0.1', 40010]))
step('early inet getsockname', () => a.getsockname())
step('early inet bind v6', () => make(AF_INET).bind(['::1', 40011]))
const b = make(AF_INET6)
step('early inet6 bind v6', () => b.bind(['::1', 40012]))
step('early inet6 getsockname', () => b.getsockname())
step('early inet6 bind v4', () => make(AF_INET6).bind(['127.0.0.1', 40013]))
const c = make()
step('unspec bind v6 then family', () => (c.bind(['::1', 40014]), c.family))
const d = make(AF_INET)
step('early inet fileno is a number', () => d.fileno() >= 0)
step('bind twice', () => a.bind(['127.0.0.1', 40015]))

for (const h of handles) h.close()
await loop.run()
done()
