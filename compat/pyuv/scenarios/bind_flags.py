# bind flags and their errors.
from common import *

handles = []


def new(*args):
    h = pyuv.UDP(loop, *args)
    handles.append(h)
    return h


step("ipv6only on v6", lambda: new().bind(("::", 40020), pyuv.UV_UDP_IPV6ONLY))
step("v4 beside ipv6only v6", lambda: new().bind(("0.0.0.0", 40020)))
step("ipv6only on v4", lambda: new().bind(("127.0.0.1", 40021), pyuv.UV_UDP_IPV6ONLY))
step("unknown flag bit", lambda: new().bind(("127.0.0.1", 40022), 8))
step("partial flag", lambda: new().bind(("127.0.0.1", 40023), pyuv.UV_UDP_PARTIAL))
step("reuseaddr first", lambda: new().bind(("127.0.0.1", 40024), pyuv.UV_UDP_REUSEADDR))
step("reuseaddr second", lambda: new().bind(("127.0.0.1", 40024), pyuv.UV_UDP_REUSEADDR))
step("no reuse first", lambda: new().bind(("127.0.0.1", 40025)))
step("no reuse second", lambda: new().bind(("127.0.0.1", 40025)))
step("reuseport first", lambda: new().bind(("127.0.0.1", 40026), pyuv.UV_UDP_REUSEPORT))
step("reuseport second", lambda: new().bind(("127.0.0.1", 40026), pyuv.UV_UDP_REUSEPORT))
step("not local v4", lambda: new().bind(("203.0.113.9", 40027)))
step("not local v6", lambda: new().bind(("2001:db8::99", 40027)))
step("negative flags", lambda: new().bind(("127.0.0.1", 40028), -1))
step("constants", lambda: [pyuv.UV_UDP_IPV6ONLY, pyuv.UV_UDP_PARTIAL, pyuv.UV_UDP_REUSEADDR, pyuv.UV_JOIN_GROUP, pyuv.UV_LEAVE_GROUP])
step("reuseport constant", lambda: attr(pyuv, "UV_UDP_REUSEPORT"))

for h in handles:
    h.close()
loop.run()
done()
