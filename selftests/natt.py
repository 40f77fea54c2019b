#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP sockets and captures for natt.sh (ESP in UDP, RFC 3948).

usage: natt.py hold [--encap] ADDR[,ADDR...] PORT [-- CMD... ]...
           Opens a UDP socket bound to each ADDR:PORT (IPv6 ones V6ONLY;
           with --encap it sets UDP_ENCAP ESPINUDP, as an XFRM peer does),
           then runs each CMD in turn with "{fd0}", "{fd1}"... ("{fd}" is
           "{fd0}") replaced by the sockets' fds, which it inherits, and
           prints "rc=N" for each, and its output as "out" lines.  Then
           prints "ready" and receives until killed: "recv HEX from ADDR"
           for each datagram, which it sends back as an echo.
       natt.py refuse CMD...
           Runs CMD with "{fd}" replaced by each of four sockets kvti must
           refuse, printing "CASE rc=N OUTPUT": busy (UDP on port 4501 with
           UDP_ENCAP set), tcp (a TCP socket), unbound (UDP), v6 (UDP on
           [::]:4503).
       natt.py send ADDR PORT HEX[,HEX...] [--wait S]
           Sends each datagram in turn; with --wait, waits S seconds for an
           answer to the last and prints "reply HEX" (exit 1 without one).
       natt.py capture IFACE N SECONDS [4|6]
           Counts the IP frames on IFACE (both directions; IPv4 or IPv6
           only if given), after printing
           "ready", until N ESP-in-UDP frames were seen or SECONDS passed:
           "esp=N espinudp=N marker=N csum_zero=N csum_ok=N csum_bad=N" -
           raw ESP, UDP datagrams carrying ESP (non-zero first word), with
           the non-ESP marker, and the UDP checksums of the ESP ones (zero;
           right; wrong).
"""
import select
import socket
import struct
import subprocess
import sys
import time

SOL_UDP = 17
UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2
ETH_P_ALL = 0x0003


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_socket(addr, port, encap=False):
    fam = family(addr)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    if encap:
        s.setsockopt(SOL_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    return s


def run(cmd, fds):
    """Runs cmd with {fdN} replaced; returns "rc=N" and its output lines."""
    subst = {"{fd}": str(fds[0])}
    subst.update({f"{{fd{i}}}": str(fd) for i, fd in enumerate(fds)})
    for key, val in subst.items():
        cmd = [c.replace(key, val) for c in cmd]
    r = subprocess.run(cmd, pass_fds=fds, capture_output=True, text=True)
    return f"rc={r.returncode}", (r.stdout + r.stderr).splitlines()


def hold(args):
    encap = args[0] == "--encap"
    if encap:
        args = args[1:]
    port = int(args[1])
    socks = [udp_socket(a, port, encap) for a in args[0].split(",")]
    cmds, cur = [], None
    for a in args[2:]:
        if a == "--":
            cur = []
            cmds.append(cur)
        else:
            cur.append(a)
    for cmd in cmds:
        rc, lines = run(cmd, [s.fileno() for s in socks])
        print(rc, flush=True)
        for line in lines:
            print(f"out {line}", flush=True)
    print("ready", flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            data, peer = s.recvfrom(65535)
            print(f"recv {data.hex()} from {peer[0]}", flush=True)
            s.sendto(data, peer)


def refuse(cmd):
    busy = udp_socket("0.0.0.0", 4501, encap=True)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    unbound = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v6 = udp_socket("::", 4503)
    for name, s in (("busy", busy), ("tcp", tcp), ("unbound", unbound), ("v6", v6)):
        rc, lines = run(cmd, [s.fileno()])
        print(name, rc, " ".join(lines), flush=True)
    return 0


def send(args):
    addr, port = args[0], int(args[1])
    wait = float(args[4]) if len(args) > 4 and args[3] == "--wait" else 0
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    for data in args[2].split(","):
        s.sendto(bytes.fromhex(data), (addr, port))
    if not wait:
        return 0
    s.settimeout(wait)
    try:
        reply = s.recv(65535)
    except socket.timeout:
        return 1
    print(f"reply {reply.hex()}")
    return 0


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return total


def capture(args):
    iface, want, seconds = args[0], int(args[1]), float(args[2])
    # Only one outer family when asked: the other tunnels' traffic (vti6's
    # router solicitations, say) may cross the same link meanwhile.
    only = {"4": b"\x08\x00", "6": b"\x86\xdd"}.get(args[3] if len(args) > 3 else "")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    n = dict(esp=0, espinudp=0, marker=0, csum_zero=0, csum_ok=0, csum_bad=0)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end and n["espinudp"] < want:
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            f = s.recv(65535)
        except socket.timeout:
            break
        etype = f[12:14]
        if only and etype != only:
            continue
        if etype == b"\x08\x00":
            ihl = (f[14] & 0x0f) * 4
            proto, l4 = f[14 + 9], 14 + ihl
            pseudo = None
        elif etype == b"\x86\xdd":
            proto, l4 = f[14 + 6], 14 + 40
            plen = struct.unpack("!H", f[18:20])[0]
            pseudo = f[22:54] + struct.pack("!IxxxB", plen, 17)
        else:
            continue
        if proto == 50:
            n["esp"] += 1
        if proto != 17 or len(f) < l4 + 12:
            continue
        ulen = struct.unpack("!H", f[l4 + 4:l4 + 6])[0]
        udp = f[l4:l4 + ulen]
        if f[l4 + 8:l4 + 12] == b"\0\0\0\0":
            n["marker"] += 1
            continue
        if ulen < 16:
            continue
        n["espinudp"] += 1
        if udp[6:8] == b"\0\0":
            n["csum_zero"] += 1
        elif pseudo is not None and csum16(pseudo + udp) == 0xffff:
            n["csum_ok"] += 1
        else:
            n["csum_bad"] += 1
    print(" ".join(f"{k}={v}" for k, v in n.items()), flush=True)
    return 0


def main(argv):
    if argv and argv[0] == "hold":
        return hold(argv[1:])
    if argv and argv[0] == "refuse":
        return refuse(argv[1:])
    if argv and argv[0] == "send":
        return send(argv[1:])
    if argv and argv[0] == "capture":
        return capture(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
