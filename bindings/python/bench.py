#!/usr/bin/env python3
"""Time per call of the Python binding, and of PyNaCl (Debian's
python3-nacl, over libsodium) for the operations both have.

    python3 bindings/python/bench.py [--json]

Prints one line per operation: name, ns/op. The plaintext is 64 bytes
(the size of a wrapped key or a short field), so the numbers are mostly
the cost of crossing into the library, which is what a binding adds.
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sealkit  # noqa: E402


def per_call(fn, min_time=0.3):
    n = 1
    while True:
        t0 = time.perf_counter_ns()
        for _ in range(n):
            fn()
        dt = time.perf_counter_ns() - t0
        if dt >= min_time * 1e9:
            return dt / n
        n *= 2 if dt < min_time * 1e8 else 10 if n < 10 else 2


def main():
    pt = bytes(64)
    key = sealkit.generate_key()
    ct = sealkit.encrypt_secretbox(pt, key)
    kp = sealkit.generate_keypair()
    sealed = sealkit.box_seal(pt, kp.public_key)
    hk = sealkit.generate_hybrid_keypair()
    hct = sealkit.hybrid_seal(pt, hk.public_key)
    rows = [
        ("sealkit.generate_key", lambda: sealkit.generate_key()),
        ("sealkit.encrypt_secretbox 64B",
         lambda: sealkit.encrypt_secretbox(pt, key)),
        ("sealkit.decrypt_secretbox 64B",
         lambda: sealkit.decrypt_secretbox(ct, key)),
        ("sealkit.box_seal 64B", lambda: sealkit.box_seal(pt, kp.public_key)),
        ("sealkit.box_seal_open 64B",
         lambda: sealkit.box_seal_open(sealed, kp.public_key,
                                       kp.private_key)),
        ("sealkit.hybrid_seal cat3 64B",
         lambda: sealkit.hybrid_seal(pt, hk.public_key)),
        ("sealkit.hybrid_open cat3 64B",
         lambda: sealkit.hybrid_open(hct, hk.seed)),
    ]
    try:
        import nacl.public
        import nacl.secret
        import nacl.utils
        box = nacl.secret.SecretBox(key)
        nct = bytes(box.encrypt(pt))
        sk = nacl.public.PrivateKey(kp.private_key)
        sbox = nacl.public.SealedBox(sk.public_key)
        obox = nacl.public.SealedBox(sk)
        rows += [
            ("pynacl.random 32", lambda: nacl.utils.random(32)),
            ("pynacl.SecretBox.encrypt 64B", lambda: box.encrypt(pt)),
            ("pynacl.SecretBox.decrypt 64B", lambda: box.decrypt(nct)),
            ("pynacl.SealedBox.encrypt 64B", lambda: sbox.encrypt(pt)),
            ("pynacl.SealedBox.decrypt 64B", lambda: obox.decrypt(sealed)),
        ]
    except ImportError:
        pass  # PyNaCl not installed for this python3
    results = [(name, per_call(fn)) for name, fn in rows]
    if "--json" in sys.argv:
        print(json.dumps({name: round(ns) for name, ns in results}))
    else:
        for name, ns in results:
            print("%-34s %10.0f ns/op" % (name, ns))


if __name__ == "__main__":
    main()
