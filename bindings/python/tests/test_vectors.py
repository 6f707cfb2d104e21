"""The shared vector suite (testdata/vectors) through the Python binding."""

import unittest

from helpers import b64, sealkit, vectors


class SecretboxVectors(unittest.TestCase):
    def test_decrypt(self):
        n = 0
        for v in vectors("secretbox"):
            if "ciphertext_b64" not in v or "key_b64" not in v:
                continue
            with self.subTest(v["desc"]):
                pt = sealkit.decrypt_secretbox(b64(v["ciphertext_b64"]),
                                               b64(v["key_b64"]))
                self.assertEqual(pt, v["plaintext_utf8"].encode())
                n += 1
        self.assertGreaterEqual(n, 3)

    def test_private_key_wrapping(self):
        for v in vectors("secretbox"):
            if "session_key_b64" not in v:
                continue
            ct = b64(v["ciphertext_b64"])
            want = b64(v["private_key_b64"])
            self.assertEqual(
                sealkit.decrypt_private_key(ct, b64(v["session_key_b64"])),
                want)

    def test_lengths(self):
        for v in vectors("secretbox"):
            if "ciphertext_len" not in v:
                continue
            ct = sealkit.encrypt_secretbox(v["plaintext_utf8"].encode(),
                                           b64(v["key_b64"]))
            self.assertEqual(len(ct), v["ciphertext_len"])

    def test_errors(self):
        with self.assertRaises(sealkit.InvalidLengthError) as cm:
            sealkit.encrypt_secretbox(b"x", bytes(16))
        self.assertEqual(str(cm.exception),
                         "invalid length: expected 32 bytes, got 16")
        with self.assertRaises(sealkit.TooShortError) as cm:
            sealkit.decrypt_secretbox(bytes(39), bytes(32))
        self.assertEqual(str(cm.exception), "ciphertext too short to be valid")


class BoxSealVectors(unittest.TestCase):
    def test_open(self):
        n = 0
        for v in vectors("box_seal"):
            if "ciphertext_b64" not in v:
                continue
            with self.subTest(v["desc"]):
                sk = b64(v["recipient_private_key_b64"])
                pk = b64(v["recipient_public_key_b64"])
                self.assertEqual(sealkit.public_key_from_private(sk), pk)
                pt = sealkit.box_seal_open(b64(v["ciphertext_b64"]), pk, sk)
                self.assertEqual(pt, bytes.fromhex(v["plaintext_hex"]))
                n += 1
        self.assertEqual(n, 2)

    def test_length(self):
        for v in vectors("box_seal"):
            if "ciphertext_len" in v:
                kp = sealkit.generate_keypair()
                ct = sealkit.box_seal(v["plaintext_utf8"].encode(),
                                      kp.public_key)
                self.assertEqual(len(ct), v["ciphertext_len"])


class HybridVectors(unittest.TestCase):
    def test_open(self):
        n = 0
        for v in vectors("hybrid"):
            if "seed_b64" not in v:
                continue
            with self.subTest(v["desc"]):
                seed = b64(v["seed_b64"])
                ct = b64(v["ciphertext_b64"])
                self.assertTrue(sealkit.is_hybrid_ciphertext(ct))
                self.assertEqual(sealkit.hybrid_open(ct, seed),
                                 v["plaintext_utf8"].encode())
                level = {"0x01": sealkit.Level.CAT1,
                         "0x02": sealkit.Level.CAT3,
                         "0x03": sealkit.Level.CAT5}.get(v.get("tag"))
                if level is not None:
                    self.assertEqual(sealkit.hybrid_public_key(seed, level),
                                     b64(v["public_key_b64"]))
                n += 1
        self.assertGreaterEqual(n, 1)

    def test_sizes(self):
        for v in vectors("hybrid"):
            if "cat1_pk_len" not in v:
                continue
            pt = bytes(32)
            for name, level in (("cat1", sealkit.Level.CAT1),
                                ("cat3", sealkit.Level.CAT3),
                                ("cat5", sealkit.Level.CAT5)):
                with self.subTest(name):
                    kp = sealkit.generate_hybrid_keypair(level)
                    self.assertEqual(len(kp.public_key), v[name + "_pk_len"])
                    self.assertEqual(len(kp.seed), v["sk_len"])
                    ct = sealkit.hybrid_seal(pt, kp.public_key, level)
                    self.assertEqual(len(ct), v[name + "_ct_len"])

    def test_is_hybrid(self):
        for v in vectors("hybrid"):
            if "is_hybrid" not in v:
                continue
            with self.subTest(v["desc"]):
                blob = bytes.fromhex(v["blob_hex"])
                self.assertEqual(sealkit.is_hybrid_ciphertext(blob),
                                 v["is_hybrid"])
                if "hybrid_open_error" in v:
                    with self.assertRaises(sealkit.TooShortError):
                        sealkit.hybrid_open(blob, bytes(32))


class KDFVectors(unittest.TestCase):
    def test_session_keys(self):
        n = 0
        for v in vectors("kdf"):
            if "session_key_b64" not in v:
                continue
            with self.subTest(v["desc"]):
                salt = b64(v["salt_b64"])
                self.assertEqual(
                    sealkit.derive_session_key(v["password_utf8"], salt),
                    b64(v["session_key_b64"]))
                self.assertEqual(sealkit.format_key_hash(salt), v["key_hash"])
                n += 1
        self.assertGreaterEqual(n, 4)

    def test_key_hash(self):
        for v in vectors("kdf"):
            if "key_hash" not in v:
                continue
            with self.subTest(v["desc"]):
                if v.get("error") == "InvalidKeyHash":
                    with self.assertRaises(sealkit.InvalidKeyHashError) as cm:
                        sealkit.parse_salt_from_key_hash(v["key_hash"])
                    self.assertEqual(
                        str(cm.exception),
                        "invalid key_hash format (expected `salt$argon2id`)")
                else:
                    self.assertEqual(
                        sealkit.parse_salt_from_key_hash(v["key_hash"]),
                        v["salt_b64"])

    def test_short_salt(self):
        for v in vectors("kdf"):
            if v.get("error") == "InvalidLength":
                with self.assertRaises(sealkit.InvalidLengthError) as cm:
                    sealkit.derive_session_key(v["password_utf8"],
                                               b64(v["salt_b64"]))
                self.assertEqual(str(cm.exception),
                                 "invalid length: expected 16 bytes, got 8")


class RecoveryVectors(unittest.TestCase):
    def test_decode(self):
        for v in vectors("recovery"):
            with self.subTest(v["desc"]):
                if "error" in v:
                    with self.assertRaises(
                            sealkit.InvalidRecoveryKeyError) as cm:
                        sealkit.recovery_key_to_secret(v["recovery_key"])
                    self.assertEqual(str(cm.exception),
                                     "invalid recovery key character")
                    continue
                self.assertEqual(
                    sealkit.recovery_key_to_secret(v["recovery_key"]),
                    bytes.fromhex(v["secret_hex"]))


class SignVectors(unittest.TestCase):
    def test_verify(self):
        n = 0
        for v in vectors("sign"):
            if "signature_b64" not in v:
                continue
            with self.subTest(v["desc"]):
                sk = b64(v["secret_key_b64"])
                pk = b64(v["public_key_b64"])
                sig = b64(v["signature_b64"])
                msg = v["message_utf8"].encode()
                self.assertEqual(sealkit.derive_signing_public_key(sk), pk)
                self.assertEqual(sealkit.verify(msg, v["context"], sig, pk),
                                 v["verify"])
                self.assertFalse(sealkit.verify(msg + b"!", v["context"],
                                                sig, pk))
                self.assertFalse(sealkit.verify(msg, v["context"] + "x",
                                                sig, pk))
                suite, level = sealkit.signature_posture(pk)
                self.assertEqual(sealkit.signature_posture_from_signature(
                    sig), (suite, level))
                n += 1
        self.assertGreaterEqual(n, 6)

    def test_unknown_tag(self):
        for v in vectors("sign"):
            if "secret_key_hex" not in v:
                continue
            sk = bytes.fromhex(v["secret_key_hex"])
            with self.assertRaises(sealkit.SignatureError) as cm:
                sealkit.sign(b"m", "ctx", sk)
            self.assertEqual(
                str(cm.exception),
                "signature: unknown or missing signature version tag")
            with self.assertRaises(sealkit.SignatureError):
                sealkit.verify(b"m", "ctx", sk, sk)


class AuthKeyVectors(unittest.TestCase):
    def test_derive(self):
        for v in vectors("authkey"):
            with self.subTest(v["desc"]):
                sk = bytes.fromhex(v["session_key"])
                if "password" in v:
                    self.assertEqual(sealkit.derive_session_key(
                        v["password"], v["salt_utf8"].encode()), sk)
                self.assertEqual(sealkit.derive_auth_key(sk),
                                 bytes.fromhex(v["auth_key"]))


class EncodingVectors(unittest.TestCase):
    def test_base64(self):
        for v in vectors("encoding"):
            with self.subTest(v["desc"]):
                raw = v["bytes_utf8"].encode()
                self.assertEqual(sealkit.encode_base64(raw), v["b64"])
                self.assertEqual(sealkit.decode_base64(v["b64"]), raw)

    def test_strict(self):
        # Python's decoder forgives missing padding with validate=False;
        # the crate's does not, and neither does the binding.
        with self.assertRaises(sealkit.Base64Error) as cm:
            sealkit.decode_base64("aGVsbG8")
        self.assertTrue(str(cm.exception).startswith("base64 decode: "))


if __name__ == "__main__":
    unittest.main()
