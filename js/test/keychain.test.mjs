// Group key statements (identity.js, docs/PROTOCOL.md §10.6): the key
// commitment the worker computes (keyCommitment) is Go's
// identity.KeyCommitment, the statement bytes are Go's (testdata
// vectors), and verifyChain refuses every way a lying server could
// present the chain: a truncated or stale tip, a broken link, a key of
// its own, a signature by someone else.

import test from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

import init from "../crypto.js";
import * as sdk from "../index.js";
import { ChainError, commitmentLabel, decodeStatement, encodeStatement, signStatement, verifyChain } from "../identity.js";

const vectors = JSON.parse(readFileSync(new URL("../../identity/testdata/keychain.json", import.meta.url), "utf8"));
const hex = (s) => new Uint8Array(Buffer.from(s, "hex"));
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const hmac = (key, label) => createHmac("sha256", key).update(Buffer.concat([Buffer.from("sealkit/v1/group-key-commitment"), Buffer.from([0]), Buffer.from(label)])).digest();
const GROUP = "fedcba9876543210fedcba9876543210";
const ALICE = "0123456789abcdef0123456789abcdef";

test.before(async () => { await init(); });
test.after(() => { sdk.terminate(); });

test("the commitment and the statement bytes are Go's", async () => {
  for (const c of vectors.commitments) {
    assert.equal(hmac(hex(c.key), c.label).toString("hex"), c.commitment, c.label);
  }
  // The worker's keyCommitment is that HMAC over the handle's key.
  const key = await sdk.newKey();
  const raw = unb64(await sdk.exportKey(key));
  assert.equal(await sdk.keyCommitment(key, "g/7"), b64(hmac(raw, "g/7")));
  await assert.rejects(sdk.keyCommitment(key, 7), (e) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(sdk.keyCommitment("sk1.nope", "g/7"), (e) => e.code === "UNKNOWN_HANDLE");
  for (const s of vectors.statements) {
    const fields = { groupId: s.group_id, version: s.version, commitment: b64(hex(s.commitment)), previous: b64(hex(s.previous)), signer: s.signer };
    const enc = encodeStatement(fields);
    assert.equal(Buffer.from(enc).toString("hex"), s.encoded);
    const withSig = new Uint8Array([...enc, 1, 2, 3]);
    assert.deepEqual(decodeStatement(withSig).statement, fields);
  }
  assert.throws(() => decodeStatement(hex(vectors.statements[0].encoded)), (e) => e.code === "malformed"); // no signature
});

test("verifyChain accepts the admin's chain and refuses a lying server's", async () => {
  const alice = await sdk.makeAccount("a password", "chain@example.test");
  const mallory = await sdk.makeAccount("another password", "mallory@example.test");
  const k1 = await sdk.newKey();
  const k2 = await sdk.newKey();
  const evil = await sdk.newKey();
  const s1 = await signStatement(alice.user, k1, { groupId: GROUP, version: 1, signer: ALICE, previous: null });
  const s2 = await signStatement(alice.user, k2, { groupId: GROUP, version: 2, signer: ALICE, previous: s1 });
  const keys = new Map([[1, k1], [2, k2]]);
  const opts = (over = {}) => ({
    groupId: GROUP, current: 2, minVersion: 0,
    identityKeyOf: (id) => (id === ALICE ? alice.identityPublicKey : null),
    keyOf: (v) => keys.get(v) || null, ...over,
  });
  const code = (c) => (e) => e instanceof ChainError && e.code === c;
  assert.equal(await verifyChain([s1, s2], opts()), 2);
  // The old version presented as current: with the chain (stale tip), or
  // truncated to it (below the version seen before).
  await assert.rejects(verifyChain([s1, s2], opts({ current: 1 })), code("stale"));
  await assert.rejects(verifyChain([s1], opts({ current: 1, minVersion: 2 })), code("rollback"));
  // A version of the server's own: no statement, a copied one, a key not committed to.
  await assert.rejects(verifyChain([s1, s2], opts({ current: 3 })), code("stale"));
  await assert.rejects(verifyChain([], opts()), code("missing"));
  await assert.rejects(verifyChain([s1, s2], opts({ keyOf: (v) => (v === 2 ? evil : keys.get(v)) })), code("commitment"));
  const forged = unb64(s2);
  forged[forged.length - 5] ^= 1;
  await assert.rejects(verifyChain([s1, b64(forged)], opts()), code("signature"));
  // Signed by someone not verified here, or by another key under the admin's name.
  const m2 = await signStatement(mallory.user, evil, { groupId: GROUP, version: 2, signer: "mallory", previous: s1 });
  await assert.rejects(verifyChain([s1, m2], opts()), code("signer"));
  const m2a = await signStatement(mallory.user, evil, { groupId: GROUP, version: 2, signer: ALICE, previous: s1 });
  await assert.rejects(verifyChain([s1, m2a], opts()), code("signature"));
  // Links: a skipped version, a wrong previous hash, another group's statement.
  const s3bad = await signStatement(alice.user, k2, { groupId: GROUP, version: 3, signer: ALICE, previous: s1 });
  await assert.rejects(verifyChain([s1, s2, s3bad], opts({ current: 3 })), code("broken"));
  await assert.rejects(verifyChain([s2], opts()), code("broken"));
  const other = await signStatement(alice.user, k1, { groupId: "another-group", version: 1, signer: ALICE, previous: null });
  await assert.rejects(verifyChain([other], opts({ current: 1 })), code("malformed"));
  assert.equal(commitmentLabel(GROUP, 2), GROUP + "/2");
});
