#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""What IPsec crosses a link, a line per IPv4 packet, for the NAT tests.

usage: wire.py IFACE FILE    (runs until killed; FILE is appended, flushed)

Each line: KIND SRC SPORT DST DPORT LEN, KIND one of
  esp        IP protocol 50 (ports 0)
  esp-udp    ESP in UDP (RFC 3948): to or from 4500, no non-ESP marker
  keepalive  a NAT-keepalive: a one-byte 0xff UDP payload
  ike        IKE on 500, or on 4500 behind the non-ESP marker
Anything else is not written.
"""
import socket
import struct
import sys


def kind(ip):
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    if proto == 50:
        return "esp", src, 0, dst, 0, len(ip) - ihl
    if proto != 17 or len(ip) < ihl + 8:
        return None
    sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
    data = ip[ihl + 8:]
    if data == b"\xff":
        return "keepalive", src, sport, dst, dport, 1
    if 500 in (sport, dport):
        return "ike", src, sport, dst, dport, len(data)
    if 4500 in (sport, dport):
        k = "ike" if data[:4] == b"\0\0\0\0" else "esp-udp"
        return k, src, sport, dst, dport, len(data)
    return None


def main():
    iface, path = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    with open(path, "a", buffering=1) as f:
        while True:
            frame = s.recv(65535)
            if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
                continue
            k = kind(frame[14:])
            if k:
                f.write("%s %s %d %s %d %d\n" % k)


if __name__ == "__main__":
    main()
