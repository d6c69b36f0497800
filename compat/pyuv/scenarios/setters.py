# Every setter with valid and invalid values, on both families, and before
# a socket exists.
from common import *

handles = []


def new(*args):
    h = pyuv.UDP(loop, *args)
    handles.append(h)
    return h


none = new()
for name, call in [
    ("set_ttl", lambda h: h.set_ttl(1)),
    ("set_multicast_ttl", lambda h: h.set_multicast_ttl(1)),
    ("set_broadcast", lambda h: h.set_broadcast(True)),
    ("set_multicast_loop", lambda h: h.set_multicast_loop(True)),
    ("set_multicast_interface", lambda h: h.set_multicast_interface("127.0.0.1")),
    ("fileno", lambda h: h.fileno()),
    ("send_buffer_size", lambda h: h.send_buffer_size),
    ("receive_buffer_size", lambda h: h.receive_buffer_size),
    ("set send_buffer_size", lambda h: setattr(h, "send_buffer_size", 65536)),
    ("stop_recv", lambda h: h.stop_recv()),
]:
    step("no socket " + name, lambda: call(none))

for fam, label, addr in ((AF_INET, "v4", ("127.0.0.1", 40050)), (AF_INET6, "v6", ("::1", 40051))):
    h = new()
    h.bind(addr)
    for v in (1, 64, 255, 0, 256, -1, 1 << 31, 1 << 32, 1.5, float("nan"), float("inf")):
        step("%s set_ttl %r" % (label, v), lambda: h.set_ttl(v))
    for v in (0, 1, 255, 256, -1, 1 << 32, 1.5):
        step("%s set_multicast_ttl %r" % (label, v), lambda: h.set_multicast_ttl(v))
    for v in (True, False, 1, 0, None, "yes"):
        step("%s set_broadcast %r" % (label, v), lambda: h.set_broadcast(v))
        step("%s set_multicast_loop %r" % (label, v), lambda: h.set_multicast_loop(v))
    for v in ("127.0.0.1", "198.51.100.1", "0.0.0.0", "", "::1", "::", "::%" + IFNAME, "%" + IFNAME,
              "fe80::1%" + IFNAME, "203.0.113.9", "not-an-ip", 5):
        step("%s set_multicast_interface %r" % (label, v), lambda: h.set_multicast_interface(v))
    step("%s set_multicast_interface omitted" % label, lambda: h.set_multicast_interface())

for h in handles:
    h.close()
loop.run()
done()
