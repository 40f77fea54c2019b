#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Known answers for the keyer's IKE crypto, computed without the keyer.

    python3 keyer/tests/gen_vectors.py > keyer/tests/vectors_gen.h

Everything here follows the RFC text directly, with Python's hmac/hashlib
for the PRFs and the `cryptography` package only for the block ciphers and
AEADs (AES-CBC, 3DES-CBC, AES-GCM, ChaCha20-Poly1305) and x25519:

  * prf+, SKEYSEED, {SK_d..SK_pr}, rekey SKEYSEED   RFC 7296 2.13, 2.14, 2.18
  * CHILD SA KEYMAT with and without PFS             RFC 7296 2.17
  * AUTH with a shared secret                        RFC 7296 2.15
  * NAT_DETECTION_*_IP hash                          RFC 7296 2.23
  * whole IKE_AUTH messages with an SK payload       RFC 7296 3.14, RFC 5282,
                                                     RFC 7634
  * MODP group 14: the prime is rebuilt from its definition in RFC 3526
    (2^2048 - 2^1984 - 1 + 2^64 * ([2^1918 pi] + 124476), pi by Machin's
    formula) and g^x mod p computed with pow(); the exponent pair is chosen
    so the shared secret has a leading zero byte, which must be kept.

It also checks, before printing anything, the published vectors that
test_crypto.c copies from RFCs (7748, 5903, 4231, 8439, and the GCM paper),
the IKEv2 KDF CAVS example (SHA-1) that libreswan's CAVP test tool
prints, and NIST's SHA-256/384 IKEv2 KDF samples as NSS carries them, so
a typo in either place fails here.
"""
import hashlib
import hmac
import struct
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
try:
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # cryptography < 43
    TripleDES = algorithms.TripleDES

H = bytes.fromhex
HASH = {2: hashlib.sha1, 5: hashlib.sha256, 6: hashlib.sha384, 7: hashlib.sha512}
# ENCR id: (name, key bytes, salt bytes, block, iv bytes, icv bytes)
ENCR = {(12, 128): (16, 0, 16, 16, 0), (3, 0): (24, 0, 8, 8, 0),
        (20, 256): (32, 4, 1, 8, 16), (28, 0): (32, 4, 1, 8, 16)}
INTEG = {0: (0, 0), 2: (20, 12, hashlib.sha1), 12: (32, 16, hashlib.sha256)}


def prf(alg, key, data):
    return hmac.new(key, data, HASH[alg]).digest()


def prf_plus(alg, key, seed, length):
    out, t, n = b"", b"", 1
    while len(out) < length:
        t = prf(alg, key, t + seed + bytes([n]))
        out += t
        n += 1
    return out[:length]


def c_hex(b):
    return '"' + b.hex() + '"'


# ---- published vectors that test_crypto.c carries ---------------------------

def check_published():
    def xdh(priv, pub):
        k = x25519.X25519PrivateKey.from_private_bytes(H(priv))
        return k.exchange(x25519.X25519PublicKey.from_public_bytes(H(pub))).hex()
    assert xdh("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
               "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c") == \
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"
    assert xdh("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
               "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493") == \
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"
    a = x25519.X25519PrivateKey.from_private_bytes(
        H("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"))
    pub = a.public_key().public_bytes(serialization.Encoding.Raw,
                                      serialization.PublicFormat.Raw)
    assert pub.hex() == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
    assert xdh("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
               "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f") == \
        "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"

    def ecdh(curve, i, gi, r, gir):
        ki = ec.derive_private_key(int(i, 16), curve)
        n = ki.public_key().public_numbers()
        size = (curve.key_size + 7) // 8
        assert (n.x.to_bytes(size, "big") + n.y.to_bytes(size, "big")).hex() == gi
        kr = ec.derive_private_key(int(r, 16), curve)
        assert ki.exchange(ec.ECDH(), kr.public_key()).hex() == gir
    ecdh(ec.SECP256R1(),
         "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
         "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
         "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
         "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
         "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de")
    ecdh(ec.SECP384R1(),
         "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
         "e35b538041e649ee3faef896783ab194",
         "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
         "de3ac808acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f"
         "65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
         "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
         "e0308312916b8ed2960e4bd55a7448fc",
         "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
         "d603135569b9e9d09cf5d4a270f59746")

    k = b"\x0b" * 20
    assert prf(5, k, b"Hi There").hex() == \
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    assert prf(6, k, b"Hi There").hex() == \
        "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c" \
        "faea9ea9076ede7f4af152e8b2fa9cb6"
    assert prf(7, k, b"Hi There").hex() == \
        "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde" \
        "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"
    assert prf(5, b"Jefe", b"what do ya want for nothing?").hex() == \
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert prf(5, b"\xaa" * 131,
               b"Test Using Larger Than Block-Size Key - Hash Key First").hex() == \
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    assert prf(2, k, b"Hi There").hex() == "b617318655057264e28bc0b6fb378c8ef146be00"

    pt = (b"Ladies and Gentlemen of the class of '99: If I could offer you only"
          b" one tip for the future, sunscreen would be it.")
    ct = ChaCha20Poly1305(H("808182838485868788898a8b8c8d8e8f"
                            "909192939495969798999a9b9c9d9e9f")).encrypt(
        H("070000004041424344454647"), pt, H("50515253c0c1c2c3c4c5c6c7"))
    assert ct[:16].hex() == "d31a8d34648e60db7b86afbc53ef7ec2"
    assert ct[-16:].hex() == "1ae10b594f09e26a7e902ecbd0600691"

    p = H("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
    a = H("feedfacedeadbeeffeedfacedeadbeefabaddad2")
    c = AESGCM(H("feffe9928665731c6d6a8f9467308308")).encrypt(
        H("cafebabefacedbaddecaf888"), p, a)
    assert c[-16:].hex() == "5bc94fbc3221a5db94fae95ae7121a47"
    c = AESGCM(H("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
               ).encrypt(H("cafebabefacedbaddecaf888"), p, a)
    assert c[-16:].hex() == "76fc6ece0f4e1768cddf8853bb2d551b"

    # IKEv2 KDF CAVS example, SHA-1 (libreswan programs/cavp, "ikev2" test).
    ni, nr = H("32b50d5f4a3763f3"), H("9206a04b26564cb1")
    gir = H("4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52")
    girnew = H("863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330")
    spis = H("34c9e7c1888687853ff77d760d2b2199")
    skeyseed = prf(2, ni + nr, gir)
    assert skeyseed.hex() == "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7"
    dkm = prf_plus(2, skeyseed, ni + nr + spis, 132)
    assert dkm.hex().startswith("a14293677cc80ff8f9cc0eee30d895da9d8f4056")
    assert dkm.hex().endswith("a855e4249520a441a81157435a7a56cc4")
    sk_d = dkm[:20]
    assert prf_plus(2, sk_d, ni + nr, 132).hex().startswith("8059e3ee8810e6c3a91b")
    assert prf_plus(2, sk_d, girnew + ni + nr, 132).hex().endswith("d56fd74c")
    assert prf(2, sk_d, girnew + ni + nr).hex() == \
        "63e81194946ebd05df7df5ebf5d8750056bf1f1d"

    # NIST's IKEv2 KDF samples (SP 800-135 CAVS) for SHA-256 and SHA-384, as
    # NSS carries them (gtests/common/testvectors/ike-sha256-vectors.h and
    # ike-sha384-vectors.h, cases 6-8): SKEYSEED, 1056 bits of prf+, rekey.
    for alg, gir, ni, nr, spis, skeyseed, dkm_head, dkm_tail, girnew, rekey in NIST_KDF:
        ni, nr, gir, girnew = H(ni), H(nr), H(gir), H(girnew)
        sks = prf(alg, ni + nr, gir)
        assert sks.hex() == skeyseed
        dkm = prf_plus(alg, sks, ni + nr + H(spis), 132)
        assert dkm.hex().startswith(dkm_head) and dkm.hex().endswith(dkm_tail)
        assert prf(alg, dkm[:len(sks)], girnew + ni + nr).hex() == rekey


NIST_KDF = [
    (5, "0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29",
     "3f302be1abcb28e1", "8c332ee006064c9b", "40dac39e1e1a86408619a1cf9a6e4c07",
     "5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe",
     "0b137d669b0947d7d026d593f0305ad4", "a4ab55e90f8986d12d4aad",
     "25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616c",
     "2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff2398"),
    (6, "d3288cd87565101e88fe3bad918f31939d8dd26ff1071f8b2d7f447524e58d7c",
     "fd1b572a8e735591", "6013b0ef88dacd3d", "2116ad07ce61f74924880e55f11a65b7",
     "69fe7a1ac94adaeb711295f5fe004b1a8d6a0b65d05692758ce8ad2f7a45f59d"
     "7d0b596f51f7dfcf3330061888f6a94f",
     "4f904c2025c90c817ea5ff9b662a6fdb", "fdb33c4d484c001721d4",
     "3358f620539473aee8d07e779764c4c6a9aabddc79a28e136b3bac021dbde44a",
     "e0548c1682e13bce454026b3b1bdf42985b24e4e7408095a7c529de38c3d1fcb"
     "04c9fe6868042a34c9614c6c99e3fcea"),
]


# ---- RFC 3526 group 14 ------------------------------------------------------

def machin_pi(bits):
    one = 1 << (bits + 32)

    def atan_inv(x):
        total = term = one // x
        n, sign = 1, 1
        while term:
            term //= x * x
            n += 2
            sign = -sign
            total += sign * (term // n)
        return total
    return (16 * atan_inv(5) - 4 * atan_inv(239)) >> 32


def modp2048():
    p = 2**2048 - 2**1984 - 1 + 2**64 * ((machin_pi(1918)) + 124476)
    hx = "%0512x" % p
    assert hx.startswith("ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1")
    assert hx.endswith("15728e5a8aacaa68ffffffffffffffff")
    return p


# ---- IKE SA, CHILD SA, AUTH, NAT-D, SK --------------------------------------

NI = bytes(range(0x10, 0x30))          # 32-byte nonces
NR = bytes(range(0x80, 0xa0))
GIR = H("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")  # RFC 7748 6.1
GIR_NEW = H("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de")  # RFC 5903 8.1
SPII, SPIR = 0x0123456789abcdef, 0xfedcba9876543210
# name, prf, encr, encr bits, integ
SUITES = [("sha1-3des", 2, 3, 0, 2), ("sha256-aes128cbc", 5, 12, 128, 12),
          ("sha384-aes256gcm16", 6, 20, 256, 0), ("sha512-chacha", 7, 28, 0, 0)]


def ike_keys(prf_id, encr, bits, integ):
    plen = HASH[prf_id]().digest_size
    klen, salt = ENCR[(encr, bits)][0:2]
    alen = INTEG[integ][0]
    skeyseed = prf(prf_id, NI + NR, GIR)
    lens = [plen, alen, alen, klen + salt, klen + salt, plen, plen]
    km = prf_plus(prf_id, skeyseed, NI + NR + struct.pack(">QQ", SPII, SPIR), sum(lens))
    keys, off = [], 0
    for n in lens:
        keys.append(km[off:off + n])
        off += n
    return skeyseed, keys


def sk_message(encr, bits, integ, ke, ka, iv, inner_first, plain):
    klen, salt, block, ivlen, icvlen = ENCR[(encr, bits)]
    if not icvlen:
        icvlen = INTEG[integ][1]
    pad = (block - (len(plain) + 1) % block) % block
    body = plain + bytes(pad) + bytes([pad])
    sk_len = 4 + ivlen + len(body) + icvlen
    hdr = struct.pack(">QQBBBBII", SPII, SPIR, 46, 0x20, 35, 0x08, 1, 28 + sk_len)
    aad = hdr + struct.pack(">BBH", inner_first, 0, sk_len)
    if encr == 20:
        ct = AESGCM(ke[:klen]).encrypt(ke[klen:] + iv, body, aad)
    elif encr == 28:
        ct = ChaCha20Poly1305(ke[:klen]).encrypt(ke[klen:] + iv, body, aad)
    else:
        alg = algorithms.AES(ke) if encr == 12 else TripleDES(ke)
        e = Cipher(alg, modes.CBC(iv)).encryptor()
        ct = e.update(body) + e.finalize()
        mac = hmac.new(ka, aad + iv + ct, INTEG[integ][2]).digest()[:icvlen]
        ct += mac
    return aad + iv + ct


def main():
    check_published()
    out = sys.stdout
    out.write("/* SPDX-License-Identifier: GPL-2.0 */\n"
              "/* Generated by tests/gen_vectors.py (see its header for how); do not edit. */\n\n")
    out.write("#define GEN_NI %s\n#define GEN_NR %s\n" % (c_hex(NI), c_hex(NR)))
    out.write("#define GEN_GIR %s\n#define GEN_GIR_NEW %s\n" % (c_hex(GIR), c_hex(GIR_NEW)))
    out.write("#define GEN_SPII 0x%016xULL\n#define GEN_SPIR 0x%016xULL\n\n" % (SPII, SPIR))

    out.write("static const struct kdf_vector {\n\tconst char *name;\n"
              "\tuint16_t prf, encr, encr_bits, integ;\n"
              "\tconst char *skeyseed, *sk[7], *rekey_skeyseed;\n} kdf_vectors[] = {\n")
    all_keys = {}
    for name, p, e, b, i in SUITES:
        skeyseed, keys = ike_keys(p, e, b, i)
        all_keys[name] = keys
        rekey = prf(p, keys[0], GIR_NEW + NI + NR)
        out.write("\t{ \"%s\", %d, %d, %d, %d,\n\t  %s,\n\t  { %s },\n\t  %s },\n" % (
            name, p, e, b, i, c_hex(skeyseed),
            ",\n\t    ".join(c_hex(k) for k in keys), c_hex(rekey)))
    out.write("};\n\n")

    out.write("static const struct child_vector {\n\tconst char *name;\n\tuint16_t prf;\n"
              "\tconst char *sk_d;\n\tbool pfs;\n\tsize_t enc_len, integ_len;\n"
              "\tconst char *keymat;\n} child_vectors[] = {\n")
    for name, suite, pfs, el, il in [("aes256gcm16", "sha384-aes256gcm16", False, 36, 0),
                                     ("aes128-sha256-pfs", "sha256-aes128cbc", True, 16, 32),
                                     ("3des-sha1", "sha1-3des", False, 24, 20)]:
        p = [s for s in SUITES if s[0] == suite][0][1]
        sk_d = all_keys[suite][0]
        seed = (GIR_NEW if pfs else b"") + NI + NR
        km = prf_plus(p, sk_d, seed, 2 * (el + il))
        out.write("\t{ \"%s\", %d, %s, %s, %d, %d,\n\t  %s },\n" % (
            name, p, c_hex(sk_d), "true" if pfs else "false", el, il, c_hex(km)))
    out.write("};\n\n")

    # AUTH: initiator side, SK_pi of the sha256 suite.
    sk_pi = all_keys["sha256-aes128cbc"][5]
    real_msg = bytes((i * 7) & 0xff for i in range(300))
    id_body = b"\x02\x00\x00\x00" + b"gw1.example.net"
    psk = b"kvti test psk"
    inner = prf(5, psk, b"Key Pad for IKEv2")
    auth = prf(5, inner, real_msg + NR + prf(5, sk_pi, id_body))
    out.write("#define GEN_AUTH_PSK \"%s\"\n#define GEN_AUTH_ID %s\n#define GEN_AUTH %s\n\n"
              % (psk.decode(), c_hex(id_body), c_hex(auth)))

    natd = hashlib.sha1(struct.pack(">QQ", SPII, 0) + bytes([192, 0, 2, 1]) +
                        struct.pack(">H", 500)).digest()
    out.write("#define GEN_NATD %s\n\n" % c_hex(natd))

    # SK: an IKE_AUTH request from the initiator with IDi and AUTH inside.
    idi = struct.pack(">BBH", 39, 0, 4 + len(id_body)) + id_body
    authp = struct.pack(">BBH", 0, 0, 12) + b"\x02\x00\x00\x00" + bytes(range(4))
    plain = idi + authp
    out.write("#define GEN_SK_PLAIN %s\n\n" % c_hex(plain))
    out.write("static const struct sk_vector {\n\tconst char *name;\n"
              "\tuint16_t encr, encr_bits, integ;\n\tconst char *ei, *ai, *iv, *msg;\n"
              "} sk_vectors[] = {\n")
    for name, p, e, b, i in SUITES:
        keys = all_keys[name]
        ivlen = ENCR[(e, b)][3]
        iv = bytes(range(0xa0, 0xa0 + ivlen))
        msg = sk_message(e, b, i, keys[3], keys[1], iv, 35, plain)
        out.write("\t{ \"%s\", %d, %d, %d,\n\t  %s,\n\t  %s,\n\t  %s,\n\t  %s },\n" % (
            name, e, b, i, c_hex(keys[3]), c_hex(keys[1]), c_hex(iv), c_hex(msg)))
    out.write("};\n\n")

    # MODP 2048 with a leading zero in g^xr.
    p = modp2048()
    x = int.from_bytes(hashlib.sha256(b"kvti x").digest(), "big")
    gx = pow(2, x, p)
    for i in range(100000):
        r = int.from_bytes(hashlib.sha256(b"kvti r %d" % i).digest(), "big")
        gr = pow(2, r, p)
        if pow(gr, x, p) < 1 << 2040:
            break
    shared = pow(gr, x, p).to_bytes(256, "big")
    out.write("#define GEN_MODP_X %s\n#define GEN_MODP_GX %s\n#define GEN_MODP_GR %s\n"
              "#define GEN_MODP_SHARED %s\n" % (
                  c_hex(x.to_bytes(32, "big")), c_hex(gx.to_bytes(256, "big")),
                  c_hex(gr.to_bytes(256, "big")), c_hex(shared)))


if __name__ == "__main__":
    main()
