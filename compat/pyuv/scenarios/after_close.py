# What a handle answers after close(): in the close callback and later.
from common import *

MEMBERS = [
    ("closed", lambda h: h.closed),
    ("active", lambda h: h.active),
    ("ref", lambda h: h.ref),
    ("set ref", lambda h: setattr(h, "ref", False)),
    ("ref after set", lambda h: h.ref),
    ("send_queue_size", lambda h: h.send_queue_size),
    ("send_queue_count", lambda h: attr(h, "send_queue_count")),
    ("loop is None", lambda h: h.loop is None),
    ("family", lambda h: h.family),
    ("send_buffer_size", lambda h: h.send_buffer_size),
    ("receive_buffer_size", lambda h: h.receive_buffer_size),
    ("fileno", lambda h: h.fileno()),
    ("getsockname", lambda h: h.getsockname()),
    ("bind", lambda h: h.bind(("127.0.0.1", 40100))),
    ("send", lambda h: h.send(("127.0.0.1", 40100), b"x")),
    ("try_send", lambda h: h.try_send(("127.0.0.1", 40100), b"x")),
    ("start_recv", lambda h: h.start_recv(lambda *a: None)),
    ("stop_recv", lambda h: h.stop_recv()),
    ("set_ttl", lambda h: h.set_ttl(5)),
    ("set_broadcast", lambda h: h.set_broadcast(True)),
    ("set_membership", lambda h: h.set_membership("239.1.1.1", pyuv.UV_JOIN_GROUP)),
    ("close again", lambda h: h.close()),
]


def check(h, when):
    for name, fn in MEMBERS:
        step("%s %s" % (when, name), lambda: fn(h))


h = pyuv.UDP(loop)
h.bind(("127.0.0.1", 40101))
h.send(("127.0.0.1", 40101), b"pending", lambda h, e: event("send cb", errno_name(e)))
h.close(lambda h: (event("close cb"), check(h, "in close cb")))
check(h, "right after close")
loop.run()
check(h, "after loop")


def closed_args():
    try:
        h.bind(("127.0.0.1", 40100))
    except pyuv.error.HandleClosedError as e:
        return [type(a).__name__ for a in e.args]


step("HandleClosedError args", closed_args)
done()
