#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Make an AEAD asynchronous for a test, and take that away again.

usage: cryptoalg.py async NAME    instantiate pcrypt(NAME); print the
                                  instance's driver name
       cryptoalg.py del DRIVER    unregister that instance (crypto_user)
       cryptoalg.py warm NAME...  instantiate each AEAD now, waiting out
                                  cryptomgr's self-tests (debug kernel)

pcrypt completes every request later, from a padata worker, so an SA whose
algorithm is the printed driver name takes the -EINPROGRESS path on every
packet.  The kernel registers the instance under NAME with a higher
priority than the synchronous drivers, so from then on anyone asking for
NAME by its generic name gets pcrypt too -- including native XFRM states
created meanwhile, whose async receive path in 6.1 moves a device reference
from the lower device to the xfrm interface (xfrm_input() holds skb->dev,
xfrmi_rcv_cb() changes skb->dev, the resume puts the new one), which leaks
the veth.  Tests therefore create native states before "async" and "del"
the instance as soon as they are done with it.
"""
import errno
import os
import socket
import struct
import sys
import time

NETLINK_CRYPTO = 21
CRYPTO_MSG_DELALG = 0x11
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2


def drivers(name):
    """Driver names of the pcrypt instances registered under NAME."""
    out, cur = [], {}
    with open("/proc/crypto") as f:
        for line in f.read().split("\n") + [""]:
            if not line.strip():
                if cur.get("name") == name and \
                        cur.get("driver", "").startswith("pcrypt("):
                    out.append(cur["driver"])
                cur = {}
                continue
            k, _, v = line.partition(":")
            cur[k.strip()] = v.strip()
    return out


def make_async(name):
    if not drivers(name):
        s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
        try:
            # The instance is built and registered, then the bind looks
            # for "pcrypt(NAME)" by name and does not find it: ENOENT.
            s.bind(("aead", "pcrypt(%s)" % name))
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise
        finally:
            s.close()
    for _ in range(50):
        d = drivers(name)
        if d:
            print(d[0])
            return 0
        time.sleep(0.1)
    print("cryptoalg: no pcrypt instance of %s appeared" % name,
          file=sys.stderr)
    return 1


def delete(driver):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_CRYPTO)
    # struct crypto_user_alg: name, driver name, module name (64 each),
    # type, mask, refcnt, flags
    body = struct.pack("64s64s64sIIII", b"", driver.encode(), b"",
                       0, 0, 0, 0)
    err = 0
    # The last user (an SA) lets go after an RCU grace period and a
    # workqueue turn: EBUSY until then.
    for _ in range(100):
        hdr = struct.pack("=IHHII", 16 + len(body), CRYPTO_MSG_DELALG,
                          NLM_F_REQUEST | NLM_F_ACK, 1, 0)
        s.send(hdr + body)
        msg = s.recv(4096)
        _, typ, _, _, _ = struct.unpack_from("=IHHII", msg)
        err = -struct.unpack_from("=i", msg, 16)[0] if typ == NLMSG_ERROR \
            else 0
        if err != errno.EBUSY:
            break
        time.sleep(0.1)
    if err:
        print("cryptoalg: delete %s: %s" % (driver, os.strerror(err)),
              file=sys.stderr)
        return 1
    return 0


def warm(names):
    """The first user of an AEAD template waits while cryptomgr builds and
    self-tests the instance, 60 s at most; on the debug kernel under TCG
    that can run out (ETIMEDOUT, EAGAIN) and fail whatever asked first.
    Ask here, as often as it takes, so tests find them ready."""
    bad = 0
    for name in names:
        t0 = time.time()
        while True:
            s = None
            try:
                s = socket.socket(socket.AF_ALG, socket.SOCK_SEQPACKET, 0)
                s.bind(("aead", name))
                print("cryptoalg: %s ready after %.1f s" % (name, time.time() - t0))
                break
            except OSError as e:
                if e.errno in (errno.ETIMEDOUT, errno.EAGAIN, errno.EINTR) \
                        and time.time() - t0 < 600:
                    continue
                print("cryptoalg: %s: %s" % (name, os.strerror(e.errno)),
                      file=sys.stderr)
                bad = 1
                break
            finally:
                if s:
                    s.close()
    return bad


def main(argv):
    if len(argv) >= 2 and argv[0] == "warm":
        return warm(argv[1:])
    if len(argv) == 2 and argv[0] == "async":
        return make_async(argv[1])
    if len(argv) == 2 and argv[0] == "del":
        return delete(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
