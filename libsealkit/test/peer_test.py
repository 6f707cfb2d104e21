#!/usr/bin/env python3
"""Drives the C peer (build/test/peer) through the peer protocol: for every
format it produces a bundle (empty and non-empty plaintext), consumes it
back, checks the result, then checks that a tampered bundle is refused and
that malformed requests get an error line, never a crash.

Usage: peer_test.py <command...>  (the peer, possibly under valgrind)."""
import base64
import json
import os
import subprocess
import sys

FORMATS = ["secretbox", "box_seal", "hybrid-cat1", "hybrid-cat3", "hybrid-cat5",
           "private-key", "recovery", "session-key", "sign-cat2", "sign-cat3", "sign-cat5"]
TAMPER = {"sign-cat2": "signature", "sign-cat3": "signature", "sign-cat5": "signature",
          "session-key": "salt"}

peer = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
failures = 0


def ask(req):
    peer.stdin.write((req if isinstance(req, str) else json.dumps(req)) + "\n")
    peer.stdin.flush()
    line = peer.stdout.readline()
    if not line:
        raise SystemExit("peer closed its output (crashed?)")
    reply = json.loads(line)
    if ("ok" in reply) == ("error" in reply):
        raise SystemExit("reply has neither or both of ok and error: " + line)
    return reply


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg, file=sys.stderr)


b64 = lambda b: base64.b64encode(b).decode()
for fmt in FORMATS:
    for pt in [b"", os.urandom(1000)]:
        if fmt == "session-key":
            pt = pt[:20] or b"pw"
        r = ask({"op": "produce", "format": fmt, "plaintext": b64(pt)})
        if "ok" not in r:
            fail(f"{fmt}: produce: {r}")
            continue
        bundle = r["ok"]
        got = ask({"op": "consume", "format": fmt, "bundle": bundle})
        if fmt.startswith("sign-"):
            ok = got.get("ok") == {"valid": True}
        elif fmt == "session-key":
            ok = got.get("ok") == {"session_key": bundle["session_key"]}
        else:
            ok = got.get("ok") == {"plaintext": b64(pt)}
        if not ok:
            fail(f"{fmt}: consume gave {got}")
        # Tamper: flip a bit in the ciphertext (or signature, or salt).
        key = TAMPER.get(fmt, "ciphertext")
        raw = bytearray(base64.b64decode(bundle[key]))
        raw[len(raw) // 2] ^= 0x10
        bad = dict(bundle, **{key: b64(bytes(raw))})
        got = ask({"op": "consume", "format": fmt, "bundle": bad})
        if fmt.startswith("sign-"):
            ok = got.get("ok") == {"valid": False}
        elif fmt == "session-key":
            ok = "ok" in got and got["ok"]["session_key"] != bundle["session_key"]
        else:
            ok = got.get("error") == "decryption failed: invalid ciphertext or wrong key"
        if not ok:
            fail(f"{fmt}: tampered bundle gave {got}")

# Malformed requests: an error line each, and the peer keeps going.
for req in ["not json", "[]", '{"op":"produce"}', '{"op":"dance","format":"secretbox"}',
            '{"op":"produce","format":"nope","plaintext":""}',
            '{"op":"produce","format":"secretbox","plaintext":"***"}',
            '{"op":"consume","format":"secretbox","bundle":{}}',
            '{"op":"consume","format":"secretbox","bundle":{"key":"AAAA","ciphertext":"AAAA"}}',
            '{"op":"consume","format":"hybrid-cat3","bundle":{"ciphertext":"AQ==","public_key":"","private_key":"","pq_secret_key":""}}',
            '{"op":"consume","format":"sign-cat3","bundle":{"message":"","context":"x","signature":"","public_key":""}}']:
    r = ask(req)
    if "error" not in r or not r["error"]:
        fail(f"{req!r} gave {r}")
r = ask({"op": "produce", "format": "secretbox", "plaintext": "***"})
if r.get("error") != "base64 decode: Invalid symbol 42, offset 0.":
    fail(f"bad base64 gave {r}")
r = ask('{"op":"consume","format":"secretbox","bundle":{"key":"AAAA","ciphertext":"AAAA"}}')
if r.get("error") != "invalid length: expected 32 bytes, got 3":
    fail(f"short key gave {r}")

peer.stdin.close()
rc = peer.wait()
if rc != 0:
    fail(f"peer exited with {rc}")
print(f"peer_test: {len(FORMATS)} formats, {'FAILED' if failures else 'all passed'}")
sys.exit(1 if failures else 0)
