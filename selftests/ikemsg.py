# SPDX-License-Identifier: GPL-2.0
"""IKEv2 requests built by hand for tests (RFC 7296 section 3), and what
an answer to one says.  Only what the tests need: an IKE_SA_INIT request
with one IKE proposal, a KE payload of random bytes for x25519 (enough to
be answered or refused; nothing is ever derived from it), a nonce, and a
COOKIE notify first when one is given (2.6).

Users: keyer/tests/keyers.sh (admission and COOKIE answers) and
selftests/admission.sh (the IKE_SA_INIT flood); run them with this
directory on PYTHONPATH.
"""
import os
import struct

PL_SA, PL_KE, PL_NOTIFY, PL_NONCE = 33, 34, 41, 40
EXCH_IKE_SA_INIT = 34
N_COOKIE = 16390


def aes256gcm16(prf):
    """ENCR_AES_GCM_16 with a 256-bit key, the given PRF, x25519."""
    return [(1, 20, struct.pack("!HH", 0x800e, 256)), (2, prf, b""), (4, 31, b"")]


# ENCR_CHACHA20_POLY1305, PRF_HMAC_SHA2_256, x25519
CHACHA_SHA256 = [(1, 28, b""), (2, 5, b""), (4, 31, b"")]


def sa_init(ispi, ni=None, cookie=None, xf=CHACHA_SHA256):
    """IKE_SA_INIT request: [N(COOKIE)], SA, KE, Ni.  @xf: (transform
    type, id, attribute bytes) of the one proposal."""
    ni = os.urandom(32) if ni is None else ni
    xfs = b""
    for i, (t, tid, attr) in enumerate(xf):
        more = 3 if i + 1 < len(xf) else 0
        xfs += struct.pack("!BBHBBH", more, 0, 8 + len(attr), t, 0, tid) + attr
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(xfs), 1, 1, 0, len(xf)) + xfs
    sa = struct.pack("!BBH", PL_KE, 0, 4 + len(prop)) + prop
    ke = struct.pack("!BBHHH", PL_NONCE, 0, 8 + 32, 31, 0) + os.urandom(32)
    no = struct.pack("!BBH", 0, 0, 4 + len(ni)) + ni
    body, first = sa + ke + no, PL_SA
    if cookie is not None:
        body = struct.pack("!BBHBBH", PL_SA, 0, 8 + len(cookie), 0, 0, N_COOKIE) + cookie + body
        first = PL_NOTIFY
    return struct.pack("!QQBBBBII", ispi, 0, first, 0x20, EXCH_IKE_SA_INIT, 8, 0,
                       28 + len(body)) + body


def answer(m):
    """("answered", None) for an SA payload first, ("cookie", data) for
    N(COOKIE), ("refused", None) for anything else, (None, None) for a
    datagram too short to be an answer."""
    if len(m) < 36:
        return None, None
    if m[16] == PL_SA:
        return "answered", None
    if m[16] == PL_NOTIFY and struct.unpack("!H", m[34:36])[0] == N_COOKIE:
        return "cookie", m[36:]
    return "refused", None


def ispi_of(m):
    return struct.unpack("!Q", m[:8])[0]
