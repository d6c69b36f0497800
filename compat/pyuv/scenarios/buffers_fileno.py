# Buffer sizes and fileno.
from common import *

h = pyuv.UDP(loop)
h.bind(("127.0.0.1", 40070))
step("fileno is a number", lambda: isinstance(h.fileno(), int) and h.fileno() >= 0)
for name in ("send_buffer_size", "receive_buffer_size"):
    for v in (65536, 4096, 0, 1, -1, 1.5, 1 << 31):
        step("set %s %r" % (name, v), lambda: setattr(h, name, v))
        step("%s after %r" % (name, v), lambda: getattr(h, name))
h.close()
loop.run()
done()
