# Ping-pong shapes: v4, v6, an IPv4 peer of a dual-stack socket, gathered
# and empty datagrams, NUL bytes; the order of send and receive callbacks.
from common import *

server = pyuv.UDP(loop)
server.bind(("0.0.0.0", 40030))
server6 = pyuv.UDP(loop)
server6.bind(("::", 40031))
client = pyuv.UDP(loop)
client.bind(("127.0.0.1", 40032))
client6 = pyuv.UDP(loop)
client6.bind(("::1", 40033))
# One ping at a time: the next goes once the previous pong is in, so the
# order of every callback is fixed.
PINGS = [
    (client, ("127.0.0.1", 40030), b"PING", "v4"),
    (client, ("127.0.0.1", 40030), [b"PIN\x00G", b"\n"], "gathered"),
    (client, ("127.0.0.1", 40030), b"", "empty"),
    (client6, ("::1", 40031), b"PING6", "v6"),
    (client6, ("::1", 40031, 0, 0), [b"", b""], "empty gathered"),
    (client, ("127.0.0.1", 40031), b"dual", "v4 to dual-stack"),
]
state = {"next": 0}


def on_server(handle, addr, flags, data, error):
    event("server recv", addr, flags, data, errno_name(error))
    handle.send(addr, [b"PO", b"NG", data], lambda h, e: event("server send cb", errno_name(e)))


def ping():
    handle, addr, data, what = PINGS[state["next"]]
    state["next"] += 1
    handle.send(addr, data, lambda h, e: event("client send cb", what, errno_name(e)))


def on_client(handle, addr, flags, data, error):
    event("client recv", addr, flags, data, errno_name(error))
    if state["next"] < len(PINGS):
        ping()
    else:
        for h in (server, server6, client, client6):
            h.close(lambda h: event("close cb"))


server.start_recv(on_server)
server6.start_recv(on_server)
client.start_recv(on_client)
client6.start_recv(on_client)
step("active while receiving", lambda: [server.active, client.active])
ping()
loop.run()
done()
