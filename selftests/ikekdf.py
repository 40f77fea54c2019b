#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The keyer's KDF against a real strongSwan exchange (strongswan.sh).

    ikekdf.py sniff IFACE FILE
        Record every IKE datagram (UDP 500/4500) seen on IFACE into FILE until
        killed (AF_PACKET; the guest has no tcpdump).

    ikekdf.py list SNIFF
        One line per IKE message in SNIFF: source address, exchange type,
        "request" or "response", message ID (rekey.sh's responder-only check).

    ikekdf.py check SNIFF KEYMAT-LOG XFRM-STATE KDFCHECK IKE-PROP ESP-PROP KVTI-ADDR
        Take the last IKE_SA_INIT exchange in SNIFF (SPIs, Ni, Nr from the wire),
        the DH shared secret charon logged (KEYMAT-LOG: a filelog with ike = 4
        and chd = 4), run the keyer's derivation (keyer/tests/bin/kdfcheck) on
        them, and compare SKEYSEED, SK_d..SK_pr and the CHILD SA keys with what
        charon logged, and the CHILD SA keys with the ones XFRM holds
        (XFRM-STATE: `ip -o xfrm state` on charon's side).  Prints one line per
        comparison, naming the value and its length, never the value itself;
        exits 1 on any mismatch or anything missing.
"""
import re
import socket
import struct
import subprocess
import sys


def sniff(iface, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    with open(path, "ab", buffering=0) as f:
        while True:
            frame = s.recv(65535)
            if ike_of(frame) is not None:
                f.write(struct.pack("!I", len(frame)) + frame)


def ike_of(frame):
    """(src, IKE message) of an Ethernet frame carrying IKE over IPv4, else None."""
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    if ip[9] != 17 or len(ip) < ihl + 8:
        return None
    sport, dport = struct.unpack("!HH", ip[ihl:ihl + 4])
    data = ip[ihl + 8:]
    if 4500 in (sport, dport):
        if data[:4] != b"\0\0\0\0":
            return None
        data = data[4:]
    elif 500 not in (sport, dport):
        return None
    if len(data) < 28:
        return None
    return socket.inet_ntoa(ip[12:16]), data


def payloads(msg):
    out, t, off = {}, msg[16], 28
    while t and off + 4 <= len(msg):
        nxt, ln = msg[off], struct.unpack("!H", msg[off + 2:off + 4])[0]
        out.setdefault(t, msg[off + 4:off + ln])
        if t == 46 or ln < 4:
            break
        off, t = off + ln, nxt
    return out


def last_init(path):
    frames = open(path, "rb").read()
    reqs, done, off = {}, None, 0
    while off + 4 <= len(frames):
        n = struct.unpack("!I", frames[off:off + 4])[0]
        got = ike_of(frames[off + 4:off + 4 + n])
        off += 4 + n
        if not got or got[1][18] != 34:
            continue
        src, m = got
        ispi, rspi = m[:8], m[8:16]
        pl = payloads(m)
        if not m[19] & 0x20 and 40 in pl:
            reqs[ispi] = (src, pl[40])
        elif m[19] & 0x20 and 40 in pl and rspi != bytes(8) and ispi in reqs:
            done = (reqs[ispi][0], ispi, rspi, reqs[ispi][1], pl[40])
    return done


def charon_values(path):
    """name -> bytes for every %B charon logged (the last one of each name)."""
    vals, lines = {}, open(path, errors="replace").read().splitlines()
    head = re.compile(r"\] (.+?) => (\d+) bytes @")
    # The log runs across IKE SAs: only what the last one derived counts, from
    # its DH secret on (an AEAD logs no Sk_ai; an older SA's must not stand in).
    dh = [n for n, l in enumerate(lines) if re.search(
        r"\] (shared Diffie Hellman secret|DH secret|key exchange secret) =>", l)]
    lines = lines[dh[-1]:] if dh else lines
    # The hexdump's lines may or may not repeat the log prefix: find the
    # offset that must come next.
    row = re.compile(r"(?:^|\s)(\d+): ((?:[0-9A-Fa-f]{2} ?)+)")
    i = 0
    while i < len(lines):
        m = head.search(lines[i])
        i += 1
        if not m:
            continue
        name, n, data = m.group(1), int(m.group(2)), b""
        while len(data) < n and i < len(lines):
            r = row.search(lines[i])
            if not r or int(r.group(1)) != len(data):
                break
            tokens = r.group(2).split()[:min(16, n - len(data))]
            data += bytes.fromhex("".join(tokens))
            i += 1
        if len(data) == n:
            vals[name] = data
    return vals


def xfrm_keys(path, src):
    """(direction from SRC or to it) -> concatenated keys of the ESP state."""
    keys = {}
    for line in open(path):
        m = re.match(r"src (\S+) dst (\S+)", line)
        if not m:
            continue
        k = dict((a.group(1), bytes.fromhex(a.group(2))) for a in
                 re.finditer(r"\b(aead|enc|auth-trunc|auth) \S+ 0x([0-9a-f]+)", line))
        # iproute2 prints the integrity key first: put it after the cipher's.
        keys["out" if m.group(1) == src else "in"] = k.get("aead", b"") + \
            k.get("enc", b"") + k.get("auth-trunc", k.get("auth", b""))
    return keys


def check(sniff_file, keymat, xfrm, kdfcheck, ike, esp, kvti):
    init = last_init(sniff_file)
    theirs = charon_values(keymat)
    # charon 5.9 names it so; later versions "key exchange secret".
    for name in ("shared Diffie Hellman secret", "key exchange secret"):
        if name in theirs:
            theirs["DH secret"] = theirs[name]
    if not init or "DH secret" not in theirs:
        print("missing: %s" % ("IKE_SA_INIT exchange on the wire" if not init
                               else "charon's DH secret in its log"))
        print("charon logged: %s" % ", ".join(sorted(theirs)))
        # The shape of its hexdumps, digits masked: what the parser missed.
        shown = 0
        for line in open(keymat, errors="replace"):
            if " bytes @ " in line or (shown and shown < 3):
                print("  " + re.sub(r"[0-9A-Fa-f]", "x", line.rstrip())[:100])
                shown += 1
            if shown >= 3:
                break
        return 1
    src, spii, spir, ni, nr = init
    feed = "ni=%s\nnr=%s\nspii=%s\nspir=%s\ngir=%s\n" % (
        ni.hex(), nr.hex(), spii.hex(), spir.hex(), theirs["DH secret"].hex())
    r = subprocess.run([kdfcheck, ike, esp], input=feed, capture_output=True, text=True)
    if r.returncode:
        print("kdfcheck failed: " + r.stderr.strip())
        return 1
    ours = dict((k, bytes.fromhex(v)) for k, v in
                (l.split("=", 1) for l in r.stdout.split()))
    pairs = [("skeyseed", "SKEYSEED")] + \
        [("sk_" + n, "Sk_%s secret" % n) for n in ("d", "ai", "ar", "ei", "er", "pi", "pr")] + \
        [("child_ei", "encryption initiator key"), ("child_er", "encryption responder key"),
         ("child_ai", "integrity initiator key"), ("child_ar", "integrity responder key")]
    bad = 0
    for mine, name in pairs:
        if name not in theirs and not ours[mine]:
            continue	# no integrity key with an AEAD: charon logs none either
        same = theirs.get(name) == ours[mine]
        bad += not same
        print("%s %s (%d bytes) vs charon's '%s'" % ("match" if same else "MISMATCH",
                                                    mine, len(ours[mine]), name))
    # XFRM's state from kvti's address carries kvti's outbound traffic.
    initiator = src == kvti
    xk = xfrm_keys(xfrm, kvti)
    i2r, r2i = ("child_ei", "child_ai"), ("child_er", "child_ar")
    for d, (e, a) in (("out", i2r if initiator else r2i), ("in", r2i if initiator else i2r)):
        want = ours[e] + ours[a]
        same = xk.get(d) == want
        bad += not same
        print("%s %s|%s (%d bytes) vs XFRM's state %s kvti" % (
            "match" if same else "MISMATCH", e, a, len(want), "from" if d == "out" else "to"))
    print("kvti %s; SPIs %s/%s" % ("initiated" if initiator else "responded",
                                   spii.hex(), spir.hex()))
    return 1 if bad else 0


def listing(path):
    frames = open(path, "rb").read()
    off = 0
    while off + 4 <= len(frames):
        n = struct.unpack("!I", frames[off:off + 4])[0]
        got = ike_of(frames[off + 4:off + 4 + n])
        off += 4 + n
        if got is None:
            continue
        src, msg = got
        print("%s %d %s %d" % (src, msg[18], "response" if msg[19] & 0x20 else "request",
                               struct.unpack("!I", msg[20:24])[0]))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "sniff":
        sniff(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "list":
        sys.exit(listing(sys.argv[2]))
    else:
        sys.exit(check(*sys.argv[2:9]))
