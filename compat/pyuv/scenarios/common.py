"""What every pyuv scenario shares: steps recorded as normalized JSON.

A step's value is {"ok": value} or {"raise": class name, "errno": "UV_..."};
tuples become lists, bytes {"bytes": latin-1 text}, ports from the kernel
(ephemeral) "port>0". Printed once, keys sorted, as common.mjs does.
"""
import json
import os
import socket
import sys

import pyuv

out = {}
events = []
# Ports the kernel picked: reported as "port>0" so both sides compare.
ephemeral = set()


def norm(value):
    if isinstance(value, tuple) or isinstance(value, list):
        return [norm(v) for v in value]
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"bytes": bytes(value).decode("latin-1")}
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    return value


def address(addr):
    """An address tuple, its port as "port>0" when the kernel chose it."""
    if addr is None:
        return None
    addr = list(addr)
    if addr[1] in ephemeral:
        addr[1] = "port>0"
    return norm(addr)


def error(e):
    # HandleClosedError's args differ (a row of the README table, shown by
    # after_close's "HandleClosedError args" step): the class is what counts.
    if isinstance(e, pyuv.error.HandleClosedError):
        return {"raise": "HandleClosedError"}
    if isinstance(e, pyuv.error.UVError):
        code = e.args[0]
        return {"raise": type(e).__name__, "errno": pyuv.errno.errorcode.get(code, code)}
    return {"raise": type(e).__name__}


def errno_name(code):
    return None if code is None else pyuv.errno.errorcode.get(code, code)


def step(name, fn):
    try:
        out[name] = {"ok": norm(fn())}
    except Exception as e:
        out[name] = error(e)
    return out[name]


def event(*items):
    events.append(norm(list(items)))


def bound_port(handle):
    """Remembers the handle's port as ephemeral (kernel-chosen)."""
    port = handle.getsockname()[1]
    ephemeral.add(port)
    return port


def attr(obj, name):
    """A member that may not exist in pyuv: {"missing": name}."""
    if not hasattr(obj, name):
        raise AttributeError(name)
    return getattr(obj, name)


def done():
    if events:
        out["events"] = events
    sys.stdout.write(json.dumps(out, sort_keys=True) + "\n")


loop = pyuv.Loop.default_loop()
AF_INET = socket.AF_INET
AF_INET6 = socket.AF_INET6
AF_UNSPEC = socket.AF_UNSPEC
# The namespace the runner made: a dummy link with these addresses.
IFNAME = os.environ.get("COMPAT_IFNAME", "d0")
IFINDEX = int(os.environ.get("COMPAT_IFINDEX", "0"))


def anyport(addr):
    """An address whose port the kernel chose: the port as "port>0"."""
    addr = list(addr)
    if addr[1] != 0:
        addr[1] = "port>0"
    return norm(addr)
