"""Round trips of every operation, and the properties callers rely on."""

import threading
import time
import unittest

from helpers import sealkit

LEVELS = (sealkit.Level.CAT1, sealkit.Level.CAT3, sealkit.Level.CAT5)
SIGN_LEVELS = (sealkit.SignLevel.CAT2, sealkit.SignLevel.CAT3,
               sealkit.SignLevel.CAT5)


class RoundTrip(unittest.TestCase):
    def test_secretbox(self):
        key = sealkit.generate_key()
        self.assertEqual(len(key), sealkit.KEY_SIZE)
        self.assertNotEqual(key, sealkit.generate_key())
        for pt in (b"", b"hello", bytes(range(256)) * 40):
            ct = sealkit.encrypt_secretbox(pt, key)
            self.assertEqual(len(ct), len(pt) + 40)
            self.assertEqual(sealkit.decrypt_secretbox(ct, key), pt)
        # bytearray and memoryview are accepted as bytes.
        ct = sealkit.encrypt_secretbox(bytearray(b"ba"), memoryview(key))
        self.assertEqual(sealkit.decrypt_secretbox(ct, bytearray(key)), b"ba")

    def test_box_seal(self):
        kp = sealkit.generate_keypair()
        self.assertIsInstance(kp, sealkit.KeyPair)
        self.assertEqual(sealkit.public_key_from_private(kp.private_key),
                         kp.public_key)
        ct = sealkit.box_seal(b"to you", kp.public_key)
        self.assertEqual(
            sealkit.box_seal_open(ct, kp.public_key, kp.private_key),
            b"to you")
        other = sealkit.generate_keypair()
        with self.assertRaises(sealkit.DecryptionError):
            sealkit.box_seal_open(ct, other.public_key, other.private_key)

    def test_hybrid(self):
        for level in LEVELS:
            with self.subTest(level):
                kp = sealkit.generate_hybrid_keypair(level)
                self.assertEqual(sealkit.hybrid_public_key(kp.seed, level),
                                 kp.public_key)
                ct = sealkit.hybrid_seal(b"pq", kp.public_key, level)
                self.assertTrue(sealkit.is_hybrid_ciphertext(ct))
                self.assertEqual(sealkit.hybrid_open(ct, kp.seed), b"pq")
        # Levels may be spelt as the crate spells them.
        kp = sealkit.generate_hybrid_keypair("CAT5")
        self.assertEqual(len(kp.public_key), 1568 + 32)

    def test_seal_for_user(self):
        x = sealkit.generate_keypair()
        for level in LEVELS:
            with self.subTest(level):
                pq = sealkit.generate_hybrid_keypair(level)
                ct = sealkit.seal_for_user(b"user", x.public_key,
                                           pq.public_key, level)
                self.assertTrue(sealkit.is_hybrid_ciphertext(ct))
                self.assertEqual(sealkit.unseal_from_user(
                    ct, x.public_key, x.private_key, pq.seed), b"user")
        ct = sealkit.seal_for_user(b"classic", x.public_key)
        self.assertFalse(sealkit.is_hybrid_ciphertext(ct))
        self.assertEqual(sealkit.unseal_from_user(
            ct, x.public_key, x.private_key), b"classic")

    def test_session_and_private_key(self):
        salt = sealkit.generate_salt()
        self.assertEqual(len(salt), sealkit.SALT_SIZE)
        sk = sealkit.derive_session_key("correct horse", salt)
        self.assertEqual(sk, sealkit.derive_session_key(b"correct horse",
                                                        salt))
        key_hash = sealkit.format_key_hash(salt)
        self.assertTrue(key_hash.endswith("$argon2id"))
        kp = sealkit.generate_keypair()
        wrapped = sealkit.encrypt_private_key(kp.private_key, sk)
        self.assertEqual(sealkit.decrypt_private_key(wrapped, sk),
                         kp.private_key)

    def test_recovery(self):
        rk = sealkit.generate_recovery_key()
        self.assertEqual(len(rk.key), 76)
        self.assertEqual(len(rk.secret), sealkit.RECOVERY_SECRET_SIZE)
        self.assertEqual(sealkit.recovery_key_to_secret(rk.key), rk.secret)
        kp = sealkit.generate_keypair()
        wrapped = sealkit.encrypt_private_key_for_recovery(kp.private_key,
                                                           rk.secret)
        self.assertEqual(
            sealkit.decrypt_private_key_with_recovery(wrapped, rk.secret),
            kp.private_key)

    def test_blind_index(self):
        key = sealkit.generate_key()
        a = sealkit.blind_index(key, b"value")
        self.assertEqual(a, sealkit.blind_index(key, b"value"))
        self.assertNotEqual(a, sealkit.blind_index(key, b"other"))
        self.assertEqual(sealkit.blind_index_email(key, "A@Example.com"),
                         sealkit.blind_index_email(key, "a@example.com"))

    def test_sign(self):
        for level in SIGN_LEVELS:
            with self.subTest(level):
                kp = sealkit.generate_signing_keypair(level)
                self.assertEqual(
                    sealkit.derive_signing_public_key(kp.secret_key),
                    kp.public_key)
                sig = sealkit.sign(b"msg", "ctx/v1", kp.secret_key)
                self.assertTrue(sealkit.verify(b"msg", "ctx/v1", sig,
                                               kp.public_key))
                self.assertFalse(sealkit.verify(b"msh", "ctx/v1", sig,
                                                kp.public_key))

    def test_sign_suites(self):
        S, L = sealkit.Suite, sealkit.SignLevel
        for suite, level in ((S.HYBRID, L.CAT2), (S.HYBRID_MATCHED, L.CAT3),
                             (S.HYBRID_MATCHED, L.CAT5),
                             (S.PURE_CNSA2, L.CAT5)):
            with self.subTest((suite, level)):
                kp = sealkit.generate_signing_keypair(level, suite)
                self.assertEqual(sealkit.signature_posture(kp.public_key),
                                 (suite, level))
                sig = sealkit.sign(b"m", sealkit.SIGN_CONTEXT_V1,
                                   kp.secret_key)
                self.assertTrue(sealkit.verify(
                    b"m", sealkit.SIGN_CONTEXT_V1, sig, kp.public_key))
        with self.assertRaises(sealkit.SignatureError):
            sealkit.generate_signing_keypair(L.CAT2, S.PURE_CNSA2)

    def test_threads(self):
        """Concurrent calls from many threads give correct results (the
        library is thread-safe and ctypes drops the GIL)."""
        key = sealkit.generate_key()
        failures = []

        def work(i):
            try:
                for j in range(50):
                    pt = b"%d/%d" % (i, j)
                    ct = sealkit.encrypt_secretbox(pt, key)
                    if sealkit.decrypt_secretbox(ct, key) != pt:
                        failures.append((i, j))
            except Exception as e:  # collected, asserted below
                failures.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])


class GIL(unittest.TestCase):
    def test_argon2id_does_not_hold_the_gil(self):
        """While Argon2id runs in one thread, another keeps running: the
        longest pause the main thread sees is far shorter than the call.
        (Were the GIL held, the pause would be the whole call.) Three
        tries, so that one bad scheduling moment on a busy machine does
        not fail it."""
        salt = sealkit.generate_salt()
        results = []
        for _ in range(3):
            span = {}

            def kdf():
                t0 = time.perf_counter()
                sealkit.derive_session_key("pw", salt)
                span["call"] = time.perf_counter() - t0

            t = threading.Thread(target=kdf)
            # The first gap runs from here, so a main thread that cannot
            # run until the call is over sees the whole call as one gap.
            last, gap = time.perf_counter(), 0.0
            t.start()
            while t.is_alive():
                now = time.perf_counter()
                gap, last = max(gap, now - last), now
            t.join()
            results.append((gap, span["call"]))
            if span["call"] > 0.02 and gap < span["call"] / 2:
                return
        self.fail("main thread paused (longest gap, call) = %r" % results)


if __name__ == "__main__":
    unittest.main()
