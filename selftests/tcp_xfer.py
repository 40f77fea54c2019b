#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP transfer whose content is checked end to end.

usage: tcp_xfer.py recv ADDR PORT     accept one connection, print sha256 of all bytes
       tcp_xfer.py send ADDR PORT N   send N pseudo-random bytes (fixed seed),
                                      print their sha256
Both print "<hex digest> <byte count>"; equal lines mean the bytes crossed intact.
"""
import hashlib
import random
import socket
import sys


def main(argv):
    if len(argv) == 3 and argv[0] == "recv":
        fam = socket.AF_INET6 if ":" in argv[1] else socket.AF_INET
        srv = socket.socket(fam, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind((argv[1], int(argv[2])))
        srv.listen(1)
        srv.settimeout(60)
        print("ready", flush=True)
        conn, _ = srv.accept()
        conn.settimeout(60)
        h, n = hashlib.sha256(), 0
        while True:
            b = conn.recv(65536)
            if not b:
                break
            h.update(b)
            n += len(b)
        print(h.hexdigest(), n, flush=True)
        return 0
    if len(argv) == 4 and argv[0] == "send":
        rnd = random.Random(7)
        total = int(argv[3])
        data = rnd.randbytes(total)
        fam = socket.AF_INET6 if ":" in argv[1] else socket.AF_INET
        c = socket.create_connection((argv[1], int(argv[2])), timeout=60)
        c.sendall(data)
        c.close()
        print(hashlib.sha256(data).hexdigest(), total, flush=True)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
