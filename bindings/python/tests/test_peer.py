"""peer.py speaks the matrix's protocol: every format produced and consumed
by the Python peer itself, a tampered bundle refused, bad requests answered
with an error line rather than a crash."""

import base64
import json
import os
import subprocess
import sys
import unittest

import helpers  # noqa: F401  (puts the package on sys.path)

PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "peer.py")
FORMATS = ("secretbox", "box_seal", "hybrid-cat1", "hybrid-cat3",
           "hybrid-cat5", "private-key", "recovery", "session-key",
           "sign-cat2", "sign-cat3", "sign-cat5")
TAMPER = {"session-key": "salt"}
for f in ("sign-cat2", "sign-cat3", "sign-cat5"):
    TAMPER[f] = "signature"


class Peer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([sys.executable, PEER],
                                    stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdin.close()
        cls.proc.wait(timeout=30)
        cls.proc.stdout.close()

    def ask(self, req):
        line = req if isinstance(req, str) else json.dumps(req)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def test_every_format(self):
        pt = "pässword ✓".encode()
        for fmt in FORMATS:
            with self.subTest(fmt):
                r = self.ask({"op": "produce", "format": fmt,
                              "plaintext": base64.b64encode(pt).decode()})
                self.assertIn("ok", r, r)
                bundle = r["ok"]
                r = self.ask({"op": "consume", "format": fmt,
                              "bundle": bundle})
                self.assertIn("ok", r, r)
                if fmt == "session-key":
                    self.assertEqual(r["ok"]["session_key"],
                                     bundle["session_key"])
                elif fmt.startswith("sign-"):
                    self.assertIs(r["ok"]["valid"], True)
                else:
                    self.assertEqual(base64.b64decode(r["ok"]["plaintext"]),
                                     pt)
                # One byte flipped (for session-key: the salt cut short).
                field = TAMPER.get(fmt, "ciphertext")
                raw = bytearray(base64.b64decode(bundle[field]))
                if fmt == "session-key":
                    raw = raw[:-1]
                else:
                    raw[len(raw) // 2] ^= 0x40
                bad = dict(bundle, **{field: base64.b64encode(raw).decode()})
                r = self.ask({"op": "consume", "format": fmt, "bundle": bad})
                if fmt.startswith("sign-"):
                    self.assertEqual(r, {"ok": {"valid": False}})
                else:
                    self.assertIn("error", r, r)

    def test_bad_requests(self):
        for req in ("not json", "[]", {"op": "produce", "format": "nope",
                                       "plaintext": ""},
                    {"op": "produce", "format": "secretbox",
                     "plaintext": "!!"},
                    {"op": "consume", "format": "secretbox", "bundle": {}},
                    {"op": "consume", "format": "secretbox",
                     "bundle": {"key": "AAAA", "ciphertext": "AAAA"}},
                    {"op": "fly"}):
            with self.subTest(req):
                r = self.ask(req)
                self.assertIn("error", r)
                self.assertIsInstance(r["error"], str)
        r = self.ask({"op": "consume", "format": "secretbox", "bundle": {
            "key": base64.b64encode(bytes(32)).decode(),
            "ciphertext": base64.b64encode(bytes(40)).decode()}})
        self.assertEqual(
            r, {"error": "decryption failed: invalid ciphertext or wrong key"})


if __name__ == "__main__":
    unittest.main()
