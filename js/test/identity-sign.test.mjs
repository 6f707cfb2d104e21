// identity.js with real signatures: a bundle signed by a user handle's
// identity key in the SDK (signAsUser) opens with openBundle, and every
// tampering — a stripped PQ key, another user id, an older version,
// another identity key — is refused with its code. The bundle Go signed
// (identity/testdata/vectors.json "signed") verifies here too.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import init from "../crypto.js";
import * as sdk from "../index.js";
import { checkBundle, decodeBundle, encodeBundle, openBundle, signBundle } from "../identity.js";

const vectors = JSON.parse(readFileSync(new URL("../../identity/testdata/vectors.json", import.meta.url), "utf8"));
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const USER = "0123456789abcdef0123456789abcdef";

test.before(async () => { await init(); });
test.after(() => { sdk.terminate(); });

test("a bundle signed in the SDK opens, and tampering is refused", async () => {
  const acc = await sdk.makeAccount("a password", "id@example.test");
  const other = await sdk.makeAccount("another password", "other@example.test");
  const fields = { userId: USER, publicKey: acc.request.public_key, pqPublicKey: acc.request.pq_public_key, identityKey: acc.identityPublicKey, version: 2 };
  const signed = await signBundle(acc.user, fields);
  const opened = await openBundle(signed, USER, null);
  assert.equal(opened.publicKey, fields.publicKey);
  assert.equal(opened.pqPublicKey, fields.pqPublicKey);
  assert.equal(opened.identityKey, fields.identityKey);
  assert.equal(opened.version, 2);
  const pin = { fingerprint: opened.fingerprint, version: 2 };
  assert.equal((await checkBundle(signed, USER, pin)).status, "ok");
  assert.equal((await checkBundle(signed, USER, null)).status, "new");

  const { signature } = decodeBundle(unb64(signed));
  const stripped = encodeBundle({ ...fields, pqPublicKey: "" });
  assert.equal((await checkBundle(b64(new Uint8Array([...stripped, ...signature])), USER, null)).status, "signature");
  const raised = encodeBundle({ ...fields, version: 3 });
  assert.equal((await checkBundle(b64(new Uint8Array([...raised, ...signature])), USER, pin)).status, "signature");
  assert.equal((await checkBundle(signed, "ffffffffffffffffffffffffffffffff", null)).status, "user");
  assert.equal((await checkBundle(signed, USER, { ...pin, version: 3 })).status, "rollback");
  // The whole bundle remade by another identity key (its own keys inside): it verifies, but not against the pin.
  const forged = await signBundle(other.user, { ...fields, publicKey: other.request.public_key, identityKey: other.identityPublicKey });
  assert.equal((await checkBundle(forged, USER, null)).status, "new");
  assert.equal((await checkBundle(forged, USER, pin)).status, "changed");
  // Signed by another key but naming this one: the signature fails.
  const wrongSigner = await signBundle(other.user, fields);
  assert.equal((await checkBundle(wrongSigner, USER, null)).status, "signature");
  for (const h of [acc.user, acc.session, acc.userKey, other.user, other.session, other.userKey]) await sdk.release(h).catch(() => {});
});

test("the bundle Go signed verifies", async () => {
  const b = await openBundle(vectors.signed.bundle, vectors.signed.user_id, null);
  assert.equal(b.version, 7);
  assert.equal(unb64(b.identityKey).length, 1985);
});
