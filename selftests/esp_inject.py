#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Capture ESP frames leaving an interface, and send them again, changed or not.

usage: esp_inject.py capture IFACE N FILE
           Prints "ready", saves the next N outgoing IPv4 ESP frames to FILE,
           and prints one line per frame: "frame I spi 0xSPI seq SEQ df 0|1".
       esp_inject.py send IFACE FILE [--order 3,1,2] [--count N]
                                     [--seq-add N] [--flip-ct] [--flip-icv]
           Sends the saved frames (in --order, 1-based; default all in order),
           the whole sequence COUNT times.  --seq-add adds N to each ESP
           sequence number (a number the receiver has not seen, so the replay
           check passes and authentication must fail); --flip-ct flips a
           ciphertext bit, --flip-icv the last bit of the ICV.
Runs inside the sender's namespace: IPv4 outer, Ethernet (veth), no VLANs.
"""
import socket
import struct
import sys

ETH_P_ALL, PACKET_OUTGOING = 0x0003, 4


def open_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((iface, 0))
    return s


def esp_offset(frame):
    if frame[12:14] != b"\x08\x00" or frame[14 + 9] != 50:
        return None
    return 14 + (frame[14] & 0x0f) * 4


def capture(iface, n, path):
    s = open_socket(iface)
    # generous: only a failure waits it out, and the debug kernel under a
    # loaded host can take many seconds to start the ping that sends
    s.settimeout(120)
    print("ready", flush=True)
    frames = []
    while len(frames) < n:
        data, addr = s.recvfrom(65535)
        if addr[2] != PACKET_OUTGOING or esp_offset(data) is None:
            continue
        frames.append(data)
        esp = esp_offset(data)
        spi, seq = struct.unpack("!II", data[esp:esp + 8])
        df = (struct.unpack("!H", data[14 + 6:14 + 8])[0] >> 14) & 1
        print(f"frame {len(frames)} spi 0x{spi:08x} seq {seq} df {df}", flush=True)
    with open(path, "wb") as f:
        for fr in frames:
            f.write(struct.pack("!I", len(fr)) + fr)
    return 0


def send(iface, path, args):
    order, count, seq_add, flip_ct, flip_icv = None, 1, 0, False, False
    while args:
        if args[0] == "--order":
            order, args = [int(x) for x in args[1].split(",")], args[2:]
        elif args[0] == "--count":
            count, args = int(args[1]), args[2:]
        elif args[0] == "--seq-add":
            seq_add, args = int(args[1], 0), args[2:]
        elif args[0] == "--flip-ct":
            flip_ct, args = True, args[1:]
        elif args[0] == "--flip-icv":
            flip_icv, args = True, args[1:]
        else:
            print(__doc__, file=sys.stderr)
            return 2
    frames = []
    with open(path, "rb") as f:
        data = f.read()
    while data:
        n = struct.unpack("!I", data[:4])[0]
        frames.append(bytearray(data[4:4 + n]))
        data = data[4 + n:]
    order = order or list(range(1, len(frames) + 1))
    s = open_socket(iface)
    for _ in range(count):
        for i in order:
            fr = bytearray(frames[i - 1])
            esp = esp_offset(fr)
            if seq_add:
                seq = struct.unpack("!I", fr[esp + 4:esp + 8])[0]
                fr[esp + 4:esp + 8] = struct.pack("!I", (seq + seq_add) & 0xffffffff)
            if flip_ct:
                fr[esp + 20] ^= 0x01
            if flip_icv:
                fr[-1] ^= 0x01
            s.send(bytes(fr))
    print(f"sent {count * len(order)}", flush=True)
    return 0


def main(argv):
    if len(argv) == 4 and argv[0] == "capture":
        return capture(argv[1], int(argv[2]), argv[3])
    if len(argv) >= 3 and argv[0] == "send":
        return send(argv[1], argv[2], argv[3:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
