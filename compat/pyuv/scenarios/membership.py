# set_membership: joins, leaves, and their errors, both families, unbound.
from common import *

handles = []


def new(*args):
    h = pyuv.UDP(loop, *args)
    handles.append(h)
    return h


J, L = pyuv.UV_JOIN_GROUP, pyuv.UV_LEAVE_GROUP
v4 = new()
v4.bind(("0.0.0.0", 40060))
step("v4 join", lambda: v4.set_membership("239.1.2.3", J))
step("v4 join again", lambda: v4.set_membership("239.1.2.3", J))
step("v4 leave", lambda: v4.set_membership("239.1.2.3", L))
step("v4 leave never joined", lambda: v4.set_membership("239.1.2.4", L))
step("v4 join on interface", lambda: v4.set_membership("239.1.2.5", J, "198.51.100.1"))
step("v4 join on non-local interface", lambda: v4.set_membership("239.1.2.6", J, "203.0.113.9"))
step("v4 join on bad interface", lambda: v4.set_membership("239.1.2.6", J, "not-an-ip"))
step("v4 join on v6 interface", lambda: v4.set_membership("239.1.2.6", J, "::1"))
step("v4 join unicast group", lambda: v4.set_membership("127.0.0.1", J))
step("v4 join bad group", lambda: v4.set_membership("not-an-ip", J))
step("v4 bad membership", lambda: v4.set_membership("239.1.2.7", 5))
step("v4 negative membership", lambda: v4.set_membership("239.1.2.7", -1))
step("v4 join v6 group", lambda: v4.set_membership("ff02::1:3", J))
v6 = new()
v6.bind(("::", 40061))
step("v6 join", lambda: v6.set_membership("ff02::1:3", J, "::%" + IFNAME))
step("v6 leave", lambda: v6.set_membership("ff02::1:3", L, "::%" + IFNAME))
step("v6 leave never joined", lambda: v6.set_membership("ff02::1:4", L, "::%" + IFNAME))
step("v6 join default interface", lambda: v6.set_membership("ff0e::1:3", J))
step("v6 join v4 group", lambda: v6.set_membership("239.1.2.8", J))
step("v6 join unicast group", lambda: v6.set_membership("2001:db8::1", J))
u = new()
step("unbound join", lambda: u.set_membership("239.1.2.9", J))
step("unbound join getsockname", lambda: anyport(u.getsockname()))
m = new(AF_INET)
step("made join", lambda: m.set_membership("239.1.2.10", J))
step("made join getsockname", lambda: anyport(m.getsockname()))

for h in handles:
    h.close()
loop.run()
done()
