# send_queue_size / send_queue_count: fresh, while sends wait, in callbacks.
from common import *

tx = pyuv.UDP(loop)
tx.bind(("127.0.0.1", 40120))
rx = pyuv.UDP(loop)
rx.bind(("127.0.0.1", 40121))
rx.start_recv(lambda *a: None)
step("fresh size", lambda: tx.send_queue_size)
step("fresh count", lambda: attr(tx, "send_queue_count"))


def cb(i):
    def done_cb(h, e):
        event("send cb", i, errno_name(e), h.send_queue_size)
        counts.append(getattr(h, "send_queue_count", "missing"))
        if i == 3:
            tx.close()
            rx.close()
    return done_cb


for i, size in enumerate((10, 20, 30, 40)):
    tx.send(("127.0.0.1", 40121), b"x" * size, cb(i))
step("size after four sends", lambda: tx.send_queue_size)
step("count after four sends", lambda: attr(tx, "send_queue_count"))
step("active with sends pending", lambda: tx.active)
counts = []
loop.run()
step("counts in callbacks", lambda: counts if "missing" not in counts else attr(tx, "send_queue_count"))
done()
