"""Bad input: a SealkitError subclass with the crate's text, never a crash,
and nothing returned. Each call here crosses into the C library with input
an attacker or a lying server could send."""

import os
import random
import unittest

from helpers import sealkit


class BadInput(unittest.TestCase):
    def assertFails(self, cls, text, fn, *args):
        with self.assertRaises(cls) as cm:
            fn(*args)
        e = cm.exception
        self.assertIsInstance(e, sealkit.SealkitError)
        if cls is not sealkit.SealkitError:
            self.assertEqual(e.code, cls.code)
        self.assertIsInstance(e.status, int)
        self.assertNotEqual(e.status, 0)
        if text is not None:
            self.assertEqual(str(e), text)
        return e

    def test_wrong_key_sizes(self):
        for n in (0, 16, 31, 33, 64):
            with self.subTest(n):
                self.assertFails(
                    sealkit.InvalidLengthError,
                    "invalid length: expected 32 bytes, got %d" % n,
                    sealkit.encrypt_secretbox, b"x", bytes(n))
                self.assertFails(
                    sealkit.InvalidLengthError,
                    "invalid length: expected 32 bytes, got %d" % n,
                    sealkit.box_seal, b"x", bytes(n))
                self.assertFails(
                    sealkit.InvalidLengthError,
                    "invalid length: expected 32 bytes, got %d" % n,
                    sealkit.hybrid_open, sealkit.hybrid_seal(
                        b"x", sealkit.generate_hybrid_keypair().public_key),
                    bytes(n))

    def test_tampering(self):
        key = sealkit.generate_key()
        ct = bytearray(sealkit.encrypt_secretbox(b"secret text", key))
        for i in range(len(ct)):
            bad = bytearray(ct)
            bad[i] ^= 0x01
            e = self.assertFails(
                sealkit.DecryptionError,
                "decryption failed: invalid ciphertext or wrong key",
                sealkit.decrypt_secretbox, bytes(bad), key)
            self.assertNotIn("secret", str(e))
        for n in range(0, 40):
            self.assertFails(sealkit.TooShortError,
                             "ciphertext too short to be valid",
                             sealkit.decrypt_secretbox, bytes(ct[:n]), key)

    def test_hybrid_garbage(self):
        kp = sealkit.generate_hybrid_keypair()
        ct = sealkit.hybrid_seal(b"x", kp.public_key)
        bad = b"\x7f" + ct[1:]
        e = self.assertFails(sealkit.HybridError, None,
                             sealkit.hybrid_open, bad, kp.seed)
        self.assertTrue(str(e).startswith("hybrid KEM: "))
        self.assertFails(sealkit.InvalidLengthError, None,
                         sealkit.hybrid_seal, b"x", kp.public_key[:-1])
        # A public key of the wrong level for the requested seal.
        self.assertFails(sealkit.SealkitError, None, sealkit.hybrid_seal,
                         b"x", kp.public_key, sealkit.Level.CAT5)

    def test_low_order_key(self):
        self.assertFails(
            sealkit.LowOrderKeyError,
            "invalid public key: low-order X25519 point "
            "(all-zero shared secret)",
            sealkit.box_seal, b"x", bytes(32))

    def test_unknown_level(self):
        with self.assertRaises(sealkit.InvalidArgumentError):
            sealkit.generate_hybrid_keypair("cat2")
        with self.assertRaises(sealkit.InvalidArgumentError):
            sealkit.generate_signing_keypair("cat1")
        with self.assertRaises(TypeError):
            sealkit.generate_hybrid_keypair(3.0)
        # An int outside the enum reaches the library, which refuses it
        # with the crate's text.
        e = self.assertFails(sealkit.HybridError, None,
                             sealkit.generate_hybrid_keypair, 7)
        self.assertTrue(str(e).startswith("hybrid KEM: "), str(e))
        self.assertFails(sealkit.SignatureError, None,
                         sealkit.generate_signing_keypair, 4)

    def test_wrong_types(self):
        with self.assertRaises(TypeError):
            sealkit.encrypt_secretbox(None, sealkit.generate_key())
        with self.assertRaises(TypeError):
            sealkit.encrypt_secretbox(b"x", 12)
        # Text only where the crate takes text: a base64 key is not a key.
        with self.assertRaises(TypeError):
            sealkit.encrypt_secretbox("hello", sealkit.generate_key())
        with self.assertRaises(TypeError):
            sealkit.decrypt_secretbox(b"x" * 40, "A" * 32)

    def test_recovery_and_key_hash(self):
        self.assertFails(sealkit.InvalidRecoveryKeyError,
                         "invalid recovery key character",
                         sealkit.recovery_key_to_secret, "not a key")
        self.assertFails(sealkit.InvalidKeyHashError, None,
                         sealkit.parse_salt_from_key_hash, "a$b$c")

    def test_signature_garbage(self):
        kp = sealkit.generate_signing_keypair()
        sig = sealkit.sign(b"m", "c", kp.secret_key)
        self.assertFalse(sealkit.verify(b"m", "c", sig[:-1], kp.public_key))
        self.assertFails(sealkit.SignatureError,
                         "signature: unknown or missing signature version tag",
                         sealkit.verify, b"m", "c", b"", kp.public_key)
        self.assertFails(sealkit.InvalidLengthError,
                         "invalid length: expected 65 bytes, got 5",
                         sealkit.sign, b"m", "c", kp.secret_key[:5])

    def test_random_garbage(self):
        """Random blobs into every decoder: only SealkitErrors come out."""
        rng = random.Random(16)
        kp = sealkit.generate_keypair()
        hk = sealkit.generate_hybrid_keypair()
        sk = sealkit.generate_signing_keypair()
        for _ in range(300):
            blob = bytes(rng.getrandbits(8)
                         for _ in range(rng.choice((0, 1, 39, 40, 48, 900,
                                                    1200, 1700))))
            calls = (
                (sealkit.decrypt_secretbox, blob, bytes(32)),
                (sealkit.box_seal_open, blob, kp.public_key, kp.private_key),
                (sealkit.hybrid_open, blob, hk.seed),
                (sealkit.unseal_from_user, blob, kp.public_key,
                 kp.private_key, hk.seed),
                (sealkit.decrypt_private_key, blob, bytes(32)),
                (sealkit.recovery_key_to_secret, blob),
                (sealkit.derive_signing_public_key, blob),
                (sealkit.verify, b"m", "c", blob, sk.public_key),
            )
            for fn, *args in calls:
                try:
                    fn(*args)
                except sealkit.SealkitError:
                    pass

    def test_error_is_catchable_as_value_error(self):
        with self.assertRaises(ValueError):
            sealkit.decrypt_secretbox(bytes(40), bytes(32))


class Loading(unittest.TestCase):
    def test_missing_library_says_make_lib(self):
        import subprocess
        import sys
        here = os.path.dirname(os.path.abspath(__file__))
        env = dict(os.environ, SEALKIT_LIB="/nonexistent/libsealkit.so")
        r = subprocess.run(
            [sys.executable, "-c", "import sealkit"],
            cwd=os.path.join(here, ".."), env=env,
            capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("LibraryNotFoundError", r.stderr)
        self.assertIn("make lib", r.stderr)


if __name__ == "__main__":
    unittest.main()
