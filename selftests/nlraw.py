#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one hand-made request to the kvti generic netlink family.

The tool refuses bad input before the kernel sees it; this helper does not,
so tests can prove that the kernel refuses it too.

usage: nlraw.py [--dump] CMD [ATTR=TYPE:VALUE ...]
       nlraw.py --listen SECONDS   print events of the "events" group, each
                                   line ending in AT=<seconds since boot>
  CMD   a kvti command name without KVTI_CMD_ (TUNNEL_NEW) or a number
  ATTR  an attribute name without KVTI_A_ (IFNAME) or a number
  TYPE  u8 u16 u32 u64 str (NUL-terminated) ip (4 or 16 bytes) hex flag
Prints the kernel's extack message and the offending attribute to stderr;
exit status 0 on success, 1 when the kernel refused, 2 on usage error.
"""
import errno
import ipaddress
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "uapi", "linux", "kvti.h")


def enum_values(prefix):
    """Numbers of the KVTI_<prefix>* names, read from the uapi header."""
    text = open(HEADER).read()
    names = {}
    for body in re.findall(r"enum \w+ \{(.*?)\};", text, re.S):
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        n = 0
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                item, val = [x.strip() for x in item.split("=")]
                n = int(val, 0)
            names[item] = n
            n += 1
    return {k[len(prefix):]: v for k, v in names.items() if k.startswith(prefix)}


CMDS = enum_values("KVTI_CMD_")
ATTRS = enum_values("KVTI_A_")


def attr(atype, payload):
    length = 4 + len(payload)
    return struct.pack("HH", length, atype) + payload + b"\0" * ((4 - length % 4) % 4)


def encode(spec):
    name, _, val = spec.partition("=")
    kind, _, raw = val.partition(":")
    atype = int(name) if name.isdigit() else ATTRS[name]
    if kind == "u8":
        data = struct.pack("B", int(raw, 0))
    elif kind == "u16":
        data = struct.pack("H", int(raw, 0))
    elif kind == "u32":
        data = struct.pack("I", int(raw, 0))
    elif kind == "u64":
        data = struct.pack("Q", int(raw, 0))
    elif kind == "str":
        data = raw.encode() + b"\0"
    elif kind == "ip":
        data = ipaddress.ip_address(raw).packed
    elif kind == "hex":
        data = bytes.fromhex(raw)
    elif kind == "flag":
        data = b""
    else:
        raise ValueError(kind)
    return attr(atype, data)


def request(sock, ftype, flags, cmd, payload, seq):
    hdr = struct.pack("BBH", cmd, 1, 0)
    msg = hdr + payload
    nl = struct.pack("IHHII", 16 + len(msg), ftype, flags, seq, 0)
    sock.send(nl + msg)


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, atype = struct.unpack("HH", data[:4])
        if length < 4:
            break
        out[atype & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def receive(sock, sent):
    """Returns (error, message, bad attribute name, replies)."""
    replies = []
    while True:
        buf = sock.recv(65536)
        while buf:
            length, mtype, flags, _, _ = struct.unpack("IHHII", buf[:16])
            body = buf[16:length]
            buf = buf[(length + 3) & ~3:]
            if mtype == NLMSG_DONE:
                return 0, "", "", replies
            if mtype != NLMSG_ERROR:
                replies.append(parse_attrs(body[4:]))
                continue
            err = -struct.unpack("i", body[:4])[0]
            echoed = 16 if flags & 0x100 else struct.unpack("I", body[4:8])[0]
            tlvs = parse_attrs(body[4 + ((echoed + 3) & ~3):]) if flags & NLM_F_ACK_TLVS else {}
            msg = tlvs.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
            bad = ""
            if NLMSGERR_ATTR_OFFS in tlvs:
                off = struct.unpack("I", tlvs[NLMSGERR_ATTR_OFFS])[0]
                if 20 <= off < len(sent):
                    atype = struct.unpack("H", sent[off + 2:off + 4])[0] & 0x3fff
                    names = {v: k for k, v in ATTRS.items()}
                    bad = "KVTI_A_" + names.get(atype, str(atype))
            return err, msg, bad, replies


CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP = 1


def family(sock):
    """Returns (family id, events group id) or None."""
    request(sock, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, CTRL_CMD_GETFAMILY,
            attr(CTRL_ATTR_FAMILY_NAME, b"kvti\0"), 1)
    err, _, _, replies = receive(sock, b"")
    if err or not replies:
        return None
    fid = struct.unpack("H", replies[0][CTRL_ATTR_FAMILY_ID][:2])[0]
    grp = None
    for g in parse_attrs(replies[0].get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
        ga = parse_attrs(g)
        if ga.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == b"events":
            grp = struct.unpack("I", ga[CTRL_ATTR_MCAST_GRP_ID])[0]
    return fid, grp


def family_id(sock):
    f = family(sock)
    return f[0] if f else None


def describe(cmd, attrs):
    """One line per event: command name and decoded attributes."""
    cmds = {v: k for k, v in CMDS.items()}
    names = {v: k for k, v in ATTRS.items()}
    out = [cmds.get(cmd, str(cmd))]
    for k, v in sorted(attrs.items()):
        n = names.get(k, str(k))
        if n == "IFNAME":
            val = v.rstrip(b"\0").decode()
        elif n in ("LOCAL", "REMOTE", "SA_SRC") and len(v) in (4, 16):
            val = str(ipaddress.ip_address(v))
        elif n == "SA_SPI" and len(v) == 4:
            val = "0x%08x" % struct.unpack("I", v)[0]
        elif len(v) == 4:
            val = str(struct.unpack("I", v)[0])
        elif len(v) == 1:
            val = str(v[0])
        elif not v:
            val = None
        else:
            val = v.hex()
        out.append(n if val is None else f"{n}={val}")
    return " ".join(out)


def listen(seconds):
    import select
    import time
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    f = family(sock)
    if not f or f[1] is None:
        print("nlraw: genl family kvti not found", file=sys.stderr)
        return 1
    sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, f[1])
    print("listening", flush=True)
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([sock], [], [], max(0, end - time.time()))
        if not r:
            break
        buf = sock.recv(65536)
        while len(buf) >= 20:
            length = struct.unpack("I", buf[:4])[0]
            cmd = buf[16]
            # AT=: seconds since boot (as /proc/uptime), for tests that
            # judge when an event came rather than how long they slept
            print("%s AT=%.3f" % (describe(cmd, parse_attrs(buf[20:length])),
                                  time.clock_gettime(time.CLOCK_BOOTTIME)),
                  flush=True)
            buf = buf[(length + 3) & ~3:]
    return 0


def main(argv):
    dump = False
    if len(argv) == 2 and argv[0] == "--listen":
        return listen(float(argv[1]))
    if argv and argv[0] == "--dump":
        dump, argv = True, argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cmd = int(argv[0]) if argv[0].isdigit() else CMDS[argv[0]]
        payload = b"".join(encode(a) for a in argv[1:])
    except (KeyError, ValueError) as e:
        print(f"nlraw: bad argument: {e}", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    fid = family_id(sock)
    if fid is None:
        print("nlraw: genl family kvti not found", file=sys.stderr)
        return 1
    flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
    request(sock, fid, flags, cmd, payload, 2)
    sent = struct.pack("IHHII", 16 + 4 + len(payload), fid, flags, 2, 0) + \
        struct.pack("BBH", cmd, 1, 0) + payload
    err, msg, bad, replies = receive(sock, sent)
    for r in replies:
        print(" ".join(f"{k}={v.hex()}" for k, v in sorted(r.items())))
    if err:
        print(f"Error: {os.strerror(err)} ({errno.errorcode.get(err, err)})"
              f"{': ' + msg if msg else ''}{' [' + bad + ']' if bad else ''}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
