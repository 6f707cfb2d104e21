"""Speed per target, Python: libsealkit through ctypes next to PyNaCl
(Debian's python3-nacl, over the system libsodium) on the same operations
and sizes as bench.c. Run by `make bench-targets` (internal/benchtargets)
with SEALKIT_LIB set; prints one JSON line per operation:
  {"impl": "python-ctypes"|"python-binding"|"pynacl", "op": "…", "ns": …}
"python-ctypes" calls the C functions directly (the floor of any ctypes
binding); "python-binding" goes through bindings/python's sealkit module
when it is importable (its exceptions and conversions included)."""
import ctypes
import json
import os
import sys
import time

import nacl.public
import nacl.secret
import nacl.utils

MIN_S = float(sys.argv[1]) if len(sys.argv) > 1 else 0.5

lib = ctypes.CDLL(os.environ["SEALKIT_LIB"])
P = ctypes.POINTER
u8p = P(ctypes.c_uint8)
for name, nin in (("sealkit_encrypt_secretbox", 2), ("sealkit_decrypt_secretbox", 2), ("sealkit_box_seal_open", 3)):
    f = getattr(lib, name)
    f.restype = ctypes.c_int
    f.argtypes = [ctypes.c_char_p, ctypes.c_size_t] * nin + [P(u8p), P(ctypes.c_size_t), P(ctypes.c_char_p)]
lib.sealkit_free.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
lib.sealkit_free.restype = None


def call(f, *ins):
    """Calls a sealkit function with byte inputs; returns the output bytes."""
    out, out_len = u8p(), ctypes.c_size_t()
    args = []
    for b in ins:
        args += [b, len(b)]
    rc = f(*args, ctypes.byref(out), ctypes.byref(out_len), None)
    if rc != 0:
        raise RuntimeError(f"{f.__name__}: status {rc}")
    try:
        return ctypes.string_at(out, out_len.value)
    finally:
        lib.sealkit_free(out, out_len.value)


def bench(impl, op, fn):
    fn()
    n, batch, t0 = 0, 1, time.perf_counter()
    while True:
        for _ in range(batch):
            fn()
        n += batch
        el = time.perf_counter() - t0
        if el >= MIN_S:
            break
        batch = min(batch * 2, 1 << 16)
    print(json.dumps({"impl": impl, "op": op, "ns": round(el / n * 1e9, 1)}), flush=True)


binding = None
try:
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python"))
    import sealkit as binding  # noqa: E402
    binding.encrypt_secretbox, binding.decrypt_secretbox, binding.box_seal_open
except Exception as e:  # the binding is optional here
    print(f"bench.py: no bindings/python sealkit module ({e}); timing ctypes only", file=sys.stderr)
    binding = None

key = nacl.utils.random(32)


def reject():
    try:
        call(lib.sealkit_decrypt_secretbox, b"\0", key)
    except RuntimeError:
        return
    raise AssertionError("a 1-byte ciphertext opened")


# The crossing alone: refused before any crypto (TOO_SHORT).
bench("python-ctypes", "reject 1-byte ciphertext", reject)
if binding:
    def reject_binding():
        try:
            binding.decrypt_secretbox(b"\0", key)
        except Exception:
            return
        raise AssertionError("a 1-byte ciphertext opened")
    bench("python-binding", "reject 1-byte ciphertext", reject_binding)
for size, label in ((1024, "1KiB"), (1 << 20, "1MiB")):
    pt = nacl.utils.random(size)
    ct = call(lib.sealkit_encrypt_secretbox, pt, key)
    box = nacl.secret.SecretBox(key)
    bench("python-ctypes", f"secretbox encrypt {label}", lambda: call(lib.sealkit_encrypt_secretbox, pt, key))
    if binding:
        bench("python-binding", f"secretbox encrypt {label}", lambda: binding.encrypt_secretbox(pt, key))
    bench("pynacl", f"secretbox encrypt {label}", lambda: box.encrypt(pt))
    bench("python-ctypes", f"secretbox decrypt {label}", lambda: call(lib.sealkit_decrypt_secretbox, ct, key))
    if binding:
        bench("python-binding", f"secretbox decrypt {label}", lambda: binding.decrypt_secretbox(ct, key))
    bench("pynacl", f"secretbox decrypt {label}", lambda: box.decrypt(ct))

sk = nacl.public.PrivateKey.generate()
pk = bytes(sk.public_key)
msg = nacl.utils.random(1024)
sealed = nacl.public.SealedBox(sk.public_key).encrypt(msg)
skb = bytes(sk)
assert call(lib.sealkit_box_seal_open, sealed, pk, skb) == msg
bench("python-ctypes", "box seal open 1KiB", lambda: call(lib.sealkit_box_seal_open, sealed, pk, skb))
if binding:
    bench("python-binding", "box seal open 1KiB", lambda: binding.box_seal_open(sealed, pk, skb))
opener = nacl.public.SealedBox(sk)
bench("pynacl", "box seal open 1KiB", lambda: opener.decrypt(sealed))
