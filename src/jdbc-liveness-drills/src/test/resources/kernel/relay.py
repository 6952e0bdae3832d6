#!/usr/bin/env python3
"""A TCP relay for drills: listen on HOST:PORT (0 = any free port), forward every connection to TARGET:TPORT.

Prints "ready <port>" once listening, and exits when its stdin closes (its parent, the drill, is gone). Each
connection gets two threads copying bytes; a half-close is passed on. Run inside a network namespace with
`ip netns exec NS python3 relay.py ...` to put one end of a path behind a veth pair.
"""
import socket
import sys
import threading


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        try:
            src.close()
        except OSError:
            pass


def serve(listener, target):
    while True:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(target, timeout=10)
            upstream.settimeout(None)
        except OSError:
            client.close()
            continue
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


def main():
    host, port, thost, tport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(64)
    print("ready", listener.getsockname()[1], flush=True)
    threading.Thread(target=serve, args=(listener, (thost, tport)), daemon=True).start()
    sys.stdin.read()  # until the drill closes our stdin or dies


if __name__ == "__main__":
    main()
