#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Refresh the fuzzers' seed corpus from a real exchange: run tests/keyers.sh
# (two test-built keyers over loopback, decoupled backend: IKE_SA_INIT with
# INVALID_KE_PAYLOAD and COOKIE-less retries, IKE_AUTH with three proposal
# sets over IPv4 and IPv6, wrong PSK, proposal mismatches, DELETE and
# liveness INFORMATIONALs, INITIAL_CONTACT after a restart) with
# KVTI_KEYER_DUMP set (dump.c), and keep one datagram per kind: exchange,
# request or response, the payload types in order and the SA payload's
# proposal count.  Decrypted inner chains are kept the same way.
#
# usage: keyer/fuzz/capture.sh   (after make -C keyer test has built tests/bin)
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
keyer=$dir/..
D=$(mktemp -d /tmp/keyer-capture.XXXXXX)
trap 'rm -rf "$D"' EXIT
KVTI_KEYER_DUMP=$D sh "$keyer/tests/keyers.sh" "$keyer/tests/bin/kvti-keyer" \
	"$keyer/tests/bin/keyer-ctl" >"$D/keyers.log" 2>&1 ||
	{ tail -n 20 "$D/keyers.log"; echo "capture: keyers.sh failed" >&2; exit 1; }
python3 - "$D" "$dir/corpus" <<'EOP'
import hashlib, os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
EXCH = {34: "init", 35: "auth", 36: "child", 37: "info"}

def chain(data, first, off):
    types, t = [], first
    while t and off + 4 <= len(data):
        nxt, plen = data[off], struct.unpack(">H", data[off + 2:off + 4])[0]
        body = data[off + 4:off + plen]
        if t == 33:	# SA: count the proposals
            n, o = 0, 0
            while o + 8 <= len(body):
                n, o = n + 1, o + struct.unpack(">H", body[o + 2:o + 4])[0] or len(body)
            types.append("sa%d" % n)
        elif t == 41 and len(body) >= 4:
            types.append("n%d" % struct.unpack(">H", body[2:4])[0])
        else:
            types.append(str(t))
        if t == 46 or plen < 4:
            types.append("sk%d" % nxt)
            break
        off, t = off + plen, nxt
    return types

kept = {}
for f in sorted(os.listdir(src)):
    if not f.endswith(".bin"):
        continue
    data = open(os.path.join(src, f), "rb").read()
    if f.startswith("msg-"):
        if len(data) < 28:
            continue
        kind = "msg"
        ex = EXCH.get(data[18], "x%d" % data[18])
        rr = "resp" if data[19] & 0x20 else "req"
        key = (kind, ex, rr, tuple(chain(data, data[16], 28)))
        name = "%s-%s" % (ex, rr)
    else:
        kind = "inner"
        key = (kind, tuple(chain(data, data[0], 1)))
        name = "chain"
    if key not in kept:
        kept[key] = (name, data)
for (kind, *_), (name, data) in sorted(kept.items()):
    os.makedirs(os.path.join(dst, kind), exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:10]
    open(os.path.join(dst, kind, "%s-%s.bin" % (name, h)), "wb").write(data)
print("capture: %d messages, %d inner chains kept" %
      (sum(k[0] == "msg" for k in kept), sum(k[0] == "inner" for k in kept)))
EOP
