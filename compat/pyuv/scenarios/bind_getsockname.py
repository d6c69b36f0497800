# bind and getsockname in both families, with scope ids, flowinfo and zones.
from common import *

handles = []


def new(family=None):
    h = pyuv.UDP(loop) if family is None else pyuv.UDP(loop, family)
    handles.append(h)
    return h


u = new()
step("no socket getsockname", u.getsockname)
step("bind v4", lambda: u.bind(("127.0.0.1", 40001)))
step("v4 getsockname", u.getsockname)
u6 = new()
step("bind v6", lambda: u6.bind(("::1", 40001)))
step("v6 getsockname", u6.getsockname)
uw = new()
step("bind empty host", lambda: uw.bind(("", 40002)))
step("empty host getsockname", uw.getsockname)
uany6 = new()
step("bind v6 wildcard", lambda: uany6.bind(("::", 40009)))
step("v6 wildcard getsockname", uany6.getsockname)
ul = new()
step("bind link-local with scope id", lambda: ul.bind(("fe80::1", 40003, 0, IFINDEX)))
step("link-local scope id getsockname", ul.getsockname)
ul2 = new()
step("bind link-local without scope id", lambda: ul2.bind(("fe80::1", 40004)))
ul3 = new()
step("bind link-local zone", lambda: ul3.bind(("fe80::1%" + IFNAME, 40005)))
step("link-local zone getsockname", ul3.getsockname)
u7 = new()
step("bind v6 three-tuple", lambda: u7.bind(("2001:db8::1", 40006, 0)))
step("v6 three-tuple getsockname", u7.getsockname)
ufail = new()
step("bind in use", lambda: ufail.bind(("127.0.0.1", 40001)))
step("getsockname after failed bind", ufail.getsockname)
step("family after failed bind", lambda: ufail.family)
made4 = new(AF_INET)
step("made v4 getsockname", made4.getsockname)
made6 = new(AF_INET6)
step("made v6 getsockname", made6.getsockname)
step("bind invalid ip", lambda: new().bind(("not-an-ip", 40008)))
step("bind hostname", lambda: new().bind(("localhost", 40008)))
step("bind port out of range", lambda: new().bind(("127.0.0.1", 70000)))
step("bind one-tuple", lambda: new().bind(("127.0.0.1",)))

for h in handles:
    h.close()
loop.run()
done()
