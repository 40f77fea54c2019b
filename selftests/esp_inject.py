#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture the next ESP frame leaving IFACE and send it again, changed or not.

usage: esp_inject.py IFACE [--count N] [--seq-add N] [--flip]
Prints "ready" once listening (start the traffic after that), then sends
the captured frame COUNT times (default 1).  --seq-add adds N to the ESP
sequence number (a number the receiver has not seen, so the replay check
passes and authentication must fail); --flip flips one ciphertext bit.
Runs inside the sender's namespace: IPv4 outer only, no VLANs.
"""
import socket
import struct
import sys

ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4


def main(argv):
    iface, count, seq_add, flip = argv[0], 1, 0, False
    args = argv[1:]
    while args:
        if args[0] == "--count":
            count, args = int(args[1]), args[2:]
        elif args[0] == "--seq-add":
            seq_add, args = int(args[1], 0), args[2:]
        elif args[0] == "--flip":
            flip, args = True, args[1:]
        else:
            print(__doc__, file=sys.stderr)
            return 2
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    s.settimeout(10)
    print("ready", flush=True)
    while True:
        data, addr = s.recvfrom(65535)
        if addr[2] != PACKET_OUTGOING or data[12:14] != b"\x08\x00":
            continue
        ihl = (data[14] & 0x0f) * 4
        if data[14 + 9] == 50:
            break
    frame = bytearray(data)
    esp = 14 + ihl
    if seq_add:
        seq = struct.unpack("!I", frame[esp + 4:esp + 8])[0]
        frame[esp + 4:esp + 8] = struct.pack("!I", (seq + seq_add) & 0xffffffff)
    if flip:
        frame[esp + 20] ^= 0x01
    for _ in range(count):
        s.send(bytes(frame))
    print(f"sent {count}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
