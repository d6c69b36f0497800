# try_send and UV_EAGAIN, oversize datagrams, the other family, broadcast
# without set_broadcast, bad data; where each error shows (raise or callback).
from common import *

rx = pyuv.UDP(loop)
rx.bind(("127.0.0.1", 40040))
rx6 = pyuv.UDP(loop)
rx6.bind(("::1", 40041))
got = []
rx.start_recv(lambda h, a, f, d, e: got.append(norm(d)))
rx6.start_recv(lambda h, a, f, d, e: got.append(norm(d)))
tx = pyuv.UDP(loop)
tx.bind(("127.0.0.1", 40042))
tx6 = pyuv.UDP(loop)
tx6.bind(("::", 40043))


def cb(what):
    return lambda h, e: event("send cb", what, errno_name(e))


step("try_send", lambda: tx.try_send(("127.0.0.1", 40040), b"try"))
step("try_send list", lambda: tx.try_send(("127.0.0.1", 40040), [b"a", b"b"]))
step("try_send empty", lambda: tx.try_send(("127.0.0.1", 40040), b""))
step("try_send oversize", lambda: tx.try_send(("127.0.0.1", 40040), b"x" * 70000))
step("try_send v6 on v4", lambda: tx.try_send(("::1", 40041), b"x"))
step("try_send v4 on dual-stack", lambda: tx6.try_send(("127.0.0.1", 40040), b"mapped"))
step("try_send bad data", lambda: tx.try_send(("127.0.0.1", 40040), 5))
step("send", lambda: tx.send(("127.0.0.1", 40040), b"sent", cb("plain")))
step("try_send while a send is pending", lambda: tx.try_send(("127.0.0.1", 40040), b"x"))
step("send oversize", lambda: tx.send(("127.0.0.1", 40040), b"x" * 70000, cb("oversize")))
step("send v6 on v4", lambda: tx.send(("::1", 40041), b"x", cb("v6 on v4")))
step("send broadcast without set_broadcast", lambda: tx.send(("255.255.255.255", 40040), b"x", cb("broadcast")))
step("send subnet broadcast without set_broadcast",
     lambda: pyuv.UDP(loop, AF_INET).send(("198.51.100.255", 40040), b"x", cb("subnet broadcast")))
step("send bad data", lambda: tx.send(("127.0.0.1", 40040), 5))
step("send empty list", lambda: tx.send(("127.0.0.1", 40040), []))
step("send list with bad item", lambda: tx.send(("127.0.0.1", 40040), [b"a", 5]))
step("send bad callback", lambda: tx.send(("127.0.0.1", 40040), b"x", 5))
step("send str", lambda: tx.send(("127.0.0.1", 40040), "text"))
step("send bytearray", lambda: tx.send(("127.0.0.1", 40040), bytearray(b"ba"), cb("bytearray")))
step("send hostname", lambda: tx.send(("localhost", 40040), b"x"))
step("send port 0", lambda: tx.send(("127.0.0.1", 0), b"x", cb("port 0")))


def finish(timer):
    timer.close()
    event("received", sorted(x["bytes"] for x in got))
    for h in (rx, rx6, tx, tx6):
        h.close()


timer = pyuv.Timer(loop)
timer.start(finish, 0.3, 0)
loop.run()
done()
