#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP transfer whose content is checked end to end.

usage: tcp_xfer.py recv ADDR PORT     accept one connection, print sha256 of all bytes
       tcp_xfer.py send ADDR PORT N   send N pseudo-random bytes (fixed seed),
                                      print their sha256
Both print "<hex digest> <byte count>"; equal lines mean the bytes crossed intact.

       tcp_xfer.py serve PORT         answer every connection on PORT (IPv4 and
                                      IPv6) with "<hex digest> <byte count>" of
                                      what it received, until killed
       tcp_xfer.py check PORT N ADDR...  send N bytes to each ADDR's server in
                                      turn; print "ADDR ok" or "ADDR FAIL why"
                                      per address; exit 1 if any failed
One server and one checking process per round instead of a pair of
processes per transfer: a Python start costs about a second under TCG.
"""
import hashlib
import random
import socket
import sys
import threading


def digest_of(conn):
    h, n = hashlib.sha256(), 0
    while True:
        b = conn.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    return "%s %d" % (h.hexdigest(), n)


def serve_one(conn):
    with conn:
        conn.settimeout(60)
        try:
            conn.sendall((digest_of(conn) + "\n").encode())
        except OSError:
            pass


def serve(port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(8)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve_one, args=(conn,), daemon=True).start()


def check(port, total, addrs):
    data = random.Random(7).randbytes(total)
    want = "%s %d" % (hashlib.sha256(data).hexdigest(), total)
    failed = 0
    for addr in addrs:
        try:
            with socket.create_connection((addr, port), timeout=60) as c:
                c.sendall(data)
                c.shutdown(socket.SHUT_WR)
                got = c.makefile().readline().strip()
            why = None if got == want else "received %r, sent %r" % (got, want)
        except OSError as e:
            why = str(e)
        if why:
            failed = 1
            print(addr, "FAIL", why, flush=True)
        else:
            print(addr, "ok", flush=True)
    return failed


def main(argv):
    if len(argv) == 2 and argv[0] == "serve":
        return serve(int(argv[1]))
    if len(argv) >= 4 and argv[0] == "check":
        return check(int(argv[1]), int(argv[2]), argv[3:])
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
        print(digest_of(conn), flush=True)
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
