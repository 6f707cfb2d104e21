// identity.js: the bundle encoding and the safety number against the
// vectors Go's package identity writes (identity/testdata/vectors.json),
// and the decoder's refusals. Signing and verifying through the worker
// are covered by identity-sign.test.mjs once the SDK has signatures.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { decodeBundle, encodeBundle, fingerprint, IdentityError, safetyNumber, checkBundle } from "../identity.js";

const vectors = JSON.parse(readFileSync(new URL("../../identity/testdata/vectors.json", import.meta.url), "utf8"));
const hex = (u8) => Buffer.from(u8).toString("hex");

test("bundle encoding matches Go's vectors", () => {
  for (const v of vectors.bundles) {
    const enc = encodeBundle({ userId: v.user_id, publicKey: v.x25519, pqPublicKey: v.hybrid, identityKey: v.identity_key, version: v.version });
    assert.equal(hex(enc), v.encoded, v.user_id);
    const signed = new Uint8Array([...enc, 9, 9]);
    const { bundle, message, signature } = decodeBundle(signed);
    assert.equal(hex(message), v.encoded);
    assert.deepEqual([...signature], [9, 9]);
    assert.deepEqual(bundle, { userId: v.user_id, publicKey: v.x25519, pqPublicKey: v.hybrid, identityKey: v.identity_key, version: v.version });
  }
});

test("safety numbers match Go's vectors, on both sides", async () => {
  for (const v of vectors.safety_numbers) {
    assert.equal(await safetyNumber(v.user_a, v.key_a, v.user_b, v.key_b), v.number);
    assert.equal(await safetyNumber(v.user_b, v.key_b, v.user_a, v.key_a), v.number);
  }
  assert.match(vectors.safety_numbers[0].number, /^(\d{5} ){11}\d{5}$/);
});

test("decodeBundle refuses what is not a bundle", () => {
  const v = vectors.bundles[0];
  const enc = Buffer.from(v.encoded, "hex");
  const cases = {
    empty: new Uint8Array(0),
    "format byte": new Uint8Array([2, ...enc.subarray(1), 1]),
    "no signature": new Uint8Array(enc),
    truncated: new Uint8Array(enc.subarray(0, 40)),
    "long user length": new Uint8Array([1, 200, 1, 2, 3]),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assert.throws(() => decodeBundle(bytes), (e) => e instanceof IdentityError && e.code === "malformed", name);
  }
  assert.throws(() => encodeBundle({ userId: "a b", publicKey: v.x25519, identityKey: v.identity_key, version: 1 }), IdentityError);
  assert.throws(() => encodeBundle({ userId: "a", publicKey: v.x25519, identityKey: v.identity_key, version: 0 }), IdentityError);
});

test("checkBundle: missing and malformed bundles are never sealable", async () => {
  assert.deepEqual(await checkBundle("", "a", null), { status: "missing" });
  assert.deepEqual(await checkBundle(undefined, "a", null), { status: "missing" });
  assert.deepEqual(await checkBundle("AQ==", "a", null), { status: "malformed" });
  assert.deepEqual(await checkBundle("!!", "a", null), { status: "malformed" });
  assert.equal((await fingerprint(vectors.bundles[0].identity_key)).length, 44);
});
