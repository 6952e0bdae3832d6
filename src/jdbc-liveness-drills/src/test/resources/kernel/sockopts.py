"""Reads the keepalive options of another process's TCP socket straight from the kernel.

usage: python3 sockopts.py PID LOCAL_PORT
Finds the ESTABLISHED socket with that local port in the process's network namespace, takes a duplicate of the
process's file descriptor with pidfd_getfd(2) (Linux 5.6+, needs ptrace rights: root), and asks the kernel with
getsockopt(2). Prints one JSON object. Independent of the JVM's own view of the socket.
"""
import ctypes
import json
import os
import socket
import sys

SYS_PIDFD_GETFD = 438


def inode_of(pid, port):
    for table in ("tcp", "tcp6"):
        with open("/proc/%d/net/%s" % (pid, table)) as f:
            next(f)
            for line in f:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    return fields[9]
    raise SystemExit("no ESTABLISHED socket with local port %d" % port)


def fd_of(pid, inode):
    target = "socket:[%s]" % inode
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            if os.readlink("/proc/%d/fd/%s" % (pid, name)) == target:
                return int(name)
        except OSError:
            continue
    raise SystemExit("process %d holds no fd for socket inode %s" % (pid, inode))


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    fd = fd_of(pid, inode_of(pid, port))
    pidfd = os.pidfd_open(pid)
    libc = ctypes.CDLL(None, use_errno=True)
    dup = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
    if dup < 0:
        raise SystemExit("pidfd_getfd failed: " + os.strerror(ctypes.get_errno()))
    s = socket.socket(fileno=dup)
    try:
        print(json.dumps({
            "so_keepalive": s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "tcp_keepidle": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "tcp_keepintvl": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "tcp_keepcnt": s.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
        }))
    finally:
        s.close()  # closes our duplicate only
        os.close(pidfd)


main()
