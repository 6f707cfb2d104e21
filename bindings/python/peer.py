#!/usr/bin/env python3
"""The Python target of the cross-target matrix (issue 16).

Reads JSON requests, one a line, on stdin and writes one JSON line per
request on stdout:

    {"op":"produce","format":F,"plaintext":b64} -> {"ok":{bundle}}
    {"op":"consume","format":F,"bundle":{bundle}} -> {"ok":{result}}
    any failure -> {"error":"<the crate's text>"}

The bundle fields per format are the matrix's (internal/jstest/
matrix_test.go, matrixBundleFields): bytes as standard base64, the recovery
key and the signing context as text. The result of a consume is
{"plaintext":b64}, {"session_key":b64} for session-key (deterministic: the
consumer recomputes it) or {"valid":bool} for signatures.
"""

import base64
import binascii
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sealkit  # noqa: E402

FORMATS = ("secretbox", "box_seal", "hybrid-cat1", "hybrid-cat3",
           "hybrid-cat5", "private-key", "recovery", "session-key",
           "sign-cat2", "sign-cat3", "sign-cat5")


class PeerError(Exception):
    """A request the peer refuses before any cryptography."""


def enc(b):
    return base64.b64encode(b).decode("ascii")


def dec(bundle, field):
    v = bundle.get(field) if isinstance(bundle, dict) else None
    if not isinstance(v, str):
        raise PeerError("bundle: no string field %r" % field)
    try:
        return base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        raise PeerError("bundle: field %r is not standard base64" % field)


def text(bundle, field):
    v = bundle.get(field) if isinstance(bundle, dict) else None
    if not isinstance(v, str):
        raise PeerError("bundle: no string field %r" % field)
    return v


def produce(fmt, pt):
    if fmt == "secretbox":
        key = sealkit.generate_key()
        return {"key": enc(key),
                "ciphertext": enc(sealkit.encrypt_secretbox(pt, key))}
    if fmt == "box_seal":
        kp = sealkit.generate_keypair()
        return {"public_key": enc(kp.public_key),
                "private_key": enc(kp.private_key),
                "ciphertext": enc(sealkit.box_seal(pt, kp.public_key))}
    if fmt.startswith("hybrid-"):
        level = fmt[len("hybrid-"):]  # "cat1", as the crate spells it
        kp = sealkit.generate_keypair()
        pq = sealkit.generate_hybrid_keypair(level)
        ct = sealkit.seal_for_user(pt, kp.public_key, pq.public_key, level)
        return {"public_key": enc(kp.public_key),
                "private_key": enc(kp.private_key),
                "pq_public_key": enc(pq.public_key),
                "pq_secret_key": enc(pq.seed), "ciphertext": enc(ct)}
    if fmt == "private-key":
        key = sealkit.generate_key()
        return {"session_key": enc(key),
                "ciphertext": enc(sealkit.encrypt_private_key(pt, key))}
    if fmt == "recovery":
        rk = sealkit.generate_recovery_key()
        ct = sealkit.encrypt_private_key_for_recovery(pt, rk.secret)
        return {"recovery_key": rk.key, "ciphertext": enc(ct)}
    if fmt == "session-key":
        try:
            password = pt.decode("utf-8")
        except UnicodeDecodeError:
            raise PeerError("session-key: the password is not UTF-8")
        salt = sealkit.generate_salt()
        return {"password": enc(pt), "salt": enc(salt),
                "session_key": enc(sealkit.derive_session_key(password,
                                                              salt))}
    if fmt.startswith("sign-"):
        kp = sealkit.generate_signing_keypair(
            fmt[len("sign-"):])
        ctx = sealkit.SIGN_CONTEXT_V1
        return {"public_key": enc(kp.public_key), "message": enc(pt),
                "context": ctx,
                "signature": enc(sealkit.sign(pt, ctx, kp.secret_key))}
    raise PeerError("unknown format " + str(fmt))


def consume(fmt, b):
    if fmt == "secretbox":
        pt = sealkit.decrypt_secretbox(dec(b, "ciphertext"), dec(b, "key"))
    elif fmt == "box_seal":
        pt = sealkit.box_seal_open(dec(b, "ciphertext"), dec(b, "public_key"),
                                   dec(b, "private_key"))
    elif fmt in ("hybrid-cat1", "hybrid-cat3", "hybrid-cat5"):
        pt = sealkit.unseal_from_user(
            dec(b, "ciphertext"), dec(b, "public_key"),
            dec(b, "private_key"), dec(b, "pq_secret_key"))
    elif fmt == "private-key":
        pt = sealkit.decrypt_private_key(dec(b, "ciphertext"),
                                         dec(b, "session_key"))
    elif fmt == "recovery":
        secret = sealkit.recovery_key_to_secret(text(b, "recovery_key"))
        pt = sealkit.decrypt_private_key_with_recovery(dec(b, "ciphertext"),
                                                       secret)
    elif fmt == "session-key":
        try:
            password = dec(b, "password").decode("utf-8")
        except UnicodeDecodeError:
            raise PeerError("session-key: the password is not base64 of UTF-8")
        return {"session_key": enc(sealkit.derive_session_key(
            password, dec(b, "salt")))}
    elif fmt in ("sign-cat2", "sign-cat3", "sign-cat5"):
        return {"valid": sealkit.verify(dec(b, "message"), text(b, "context"),
                                        dec(b, "signature"),
                                        dec(b, "public_key"))}
    else:
        raise PeerError("unknown format " + str(fmt))
    return {"plaintext": enc(pt)}


def handle(line):
    try:
        req = json.loads(line)
        if not isinstance(req, dict):
            raise PeerError("request: not a JSON object")
        op, fmt = req.get("op"), req.get("format")
        if op == "produce":
            pt = req.get("plaintext")
            if not isinstance(pt, str):
                raise PeerError("request: no plaintext")
            try:
                pt = base64.b64decode(pt, validate=True)
            except (binascii.Error, ValueError):
                raise PeerError("request: plaintext is not standard base64")
            return {"ok": produce(fmt, pt)}
        if op == "consume":
            return {"ok": consume(fmt, req.get("bundle"))}
        raise PeerError("unknown op " + str(op))
    except (sealkit.SealkitError, PeerError) as e:
        return {"error": str(e)}
    except ValueError as e:  # bad JSON
        return {"error": "request: " + str(e)}
    except Exception as e:  # a bug here must not end the peer's session
        return {"error": "peer: " + type(e).__name__}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        sys.stdout.write(json.dumps(handle(line)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
