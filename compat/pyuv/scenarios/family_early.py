# family, and sockets made early (UDP(loop, family)).
from common import *

handles = []


def new(*args):
    h = pyuv.UDP(loop, *args)
    handles.append(h)
    return h


step("unspec family", lambda: new().family)
step("inet family", lambda: new(AF_INET).family)
step("inet6 family", lambda: new(AF_INET6).family)
step("explicit unspec family", lambda: new(AF_UNSPEC).family)
step("bad family", lambda: new(12345))
step("negative family", lambda: new(-1))
a = new(AF_INET)
step("early inet bind v4", lambda: a.bind(("127.0.0.1", 40010)))
step("early inet getsockname", a.getsockname)
step("early inet bind v6", lambda: new(AF_INET).bind(("::1", 40011)))
b = new(AF_INET6)
step("early inet6 bind v6", lambda: b.bind(("::1", 40012)))
step("early inet6 getsockname", b.getsockname)
step("early inet6 bind v4", lambda: new(AF_INET6).bind(("127.0.0.1", 40013)))
c = new()
step("unspec bind v6 then family", lambda: (c.bind(("::1", 40014)), c.family)[1])
d = new(AF_INET)
step("early inet fileno is a number", lambda: d.fileno() >= 0)
step("bind twice", lambda: (a.bind(("127.0.0.1", 40015))))

for h in handles:
    h.close()
loop.run()
done()
