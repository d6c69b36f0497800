# Runs argv[1:] with descriptors for open(): an unbound IPv4 UDP socket, a
# bound IPv6 one, and the read end of a pipe (not a socket), their numbers in
# COMPAT_FD_V4, COMPAT_FD_V6_BOUND, COMPAT_FD_PIPE. Both sides of a scenario
# get the same kinds of descriptor this way.
import os
import socket
import sys

v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
v6.bind(("::1", 40090))
r, w = os.pipe()
fds = {"COMPAT_FD_V4": v4.detach(), "COMPAT_FD_V6_BOUND": v6.detach(), "COMPAT_FD_PIPE": r}
for name, fd in fds.items():
    os.set_inheritable(fd, True)
    os.environ[name] = str(fd)
os.execv(sys.argv[1], sys.argv[1:])
