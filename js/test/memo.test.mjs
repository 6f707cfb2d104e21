// The key cache's memo of opened resource keys (keycache.js sealMemo,
// openMemo, writeKeyMemo; keystore.js openTexts/openKeys). Node has no
// IndexedDB, so storage and the server's half are tested in Chromium
// (internal/jstest/keycache2_test.go, "memo"); here: the record's format
// and what it binds, and that the key store looks seals up in a user
// entry's memo instead of opening them — counted on the real module's slot
// functions.

import test from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import * as c from "../crypto.js";
import { makeKeystore } from "../keystore.js";
import { MEMO_PAIR, openMemo, sealMemo, writeKeyMemo } from "../keycache.js";
import { SealkitError } from "../errors.js";

await c.default();

const bytes = (n, fill) => new Uint8Array(n).fill(fill);
const b64 = (u) => Buffer.from(u).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const deviceSecret = bytes(32, 0xd0);
const serverSecret = bytes(32, 0x5e);
const userId = "user-1";
const entryId = b64(bytes(16, 7));
const sha256 = async (s) => new Uint8Array(await webcrypto.subtle.digest("SHA-256", new TextEncoder().encode(s)));

function pairsOf(list) {
  const out = new Uint8Array(list.length * MEMO_PAIR);
  list.forEach(([hash, key], i) => {
    out.set(hash, i * MEMO_PAIR);
    out.set(key, i * MEMO_PAIR + 32);
  });
  return out;
}

test("memo: round trip; bound to the entry id and the user; each secret needed", async () => {
  const pairs = pairsOf([[bytes(32, 1), bytes(32, 2)], [bytes(32, 3), bytes(32, 4)]]);
  const rec = await sealMemo({ deviceSecret, serverSecret, userId, entryId, pairs });
  assert.deepEqual(Object.keys(rec).sort(), ["ct", "entry", "iv", "v"]);
  assert.equal(rec.v, 2);
  assert.equal(rec.entry, entryId);
  assert.equal(unb64(rec.ct).length, pairs.length + 16);
  assert.deepEqual(await openMemo(rec, { deviceSecret, serverSecret, userId, entryId }), pairs);

  const other = b64(bytes(16, 8));
  assert.equal(await openMemo(rec, { deviceSecret, serverSecret, userId, entryId: other }), null, "another entry's memo");
  assert.equal(await openMemo({ ...rec, entry: other }, { deviceSecret, serverSecret, userId, entryId: other }), null,
    "the entry id is in the additional data, not only in the record");
  assert.equal(await openMemo(rec, { deviceSecret, serverSecret, userId: "user-2", entryId }), null, "another user");
  assert.equal(await openMemo(rec, { deviceSecret, serverSecret: bytes(32, 0), userId, entryId }), null, "the device secret alone");
  assert.equal(await openMemo(rec, { deviceSecret: bytes(32, 0), serverSecret, userId, entryId }), null, "the server secret alone");
  const ct = unb64(rec.ct);
  ct[0] ^= 1;
  assert.equal(await openMemo({ ...rec, ct: b64(ct) }, { deviceSecret, serverSecret, userId, entryId }), null, "a flipped bit");
  for (const bad of [null, "x", {}, { ...rec, v: 1 }, { ...rec, iv: "!!" }, { ...rec, ct: b64(bytes(20, 0)) }]) {
    assert.equal(await openMemo(bad, { deviceSecret, serverSecret, userId, entryId }), null);
  }
});

test("memo: the key is HKDF-SHA256(deviceSecret ‖ serverSecret, salt = entry id, info 'sealkit keycache v2 memo')", async () => {
  const pairs = pairsOf([[bytes(32, 9), bytes(32, 10)]]);
  const iv = bytes(12, 4);
  const rec = await sealMemo({ deviceSecret, serverSecret, userId, entryId, pairs, iv });
  const base = await webcrypto.subtle.importKey("raw", new Uint8Array([...deviceSecret, ...serverSecret]), "HKDF", false, ["deriveBits"]);
  const k = await webcrypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: unb64(entryId), info: new TextEncoder().encode("sealkit keycache v2 memo") }, base, 256);
  const aes = await webcrypto.subtle.importKey("raw", k, "AES-GCM", false, ["decrypt"]);
  const aad = new TextEncoder().encode(JSON.stringify(["sealkit keycache v2 memo", 2, entryId, userId]));
  const pt = new Uint8Array(await webcrypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, aes, unb64(rec.ct)));
  assert.deepEqual(pt, pairs);
});

test("memo: invalid arguments reject with INVALID_ARGUMENT; without IndexedDB a write resolves false", async () => {
  const isInvalid = (e) => e instanceof SealkitError && e.code === "INVALID_ARGUMENT";
  const p = { deviceSecret, serverSecret, userId, entryId, pairs: new Uint8Array(64) };
  await assert.rejects(sealMemo({ ...p, pairs: new Uint8Array(65) }), isInvalid);
  await assert.rejects(sealMemo({ ...p, entryId: "short" }), isInvalid);
  await assert.rejects(sealMemo({ ...p, serverSecret: bytes(31, 0) }), isInvalid);
  await assert.rejects(sealMemo({ ...p, pairs: new Uint8Array(64 * 20001) }), isInvalid);
  await assert.rejects(writeKeyMemo({ userId, secretUrl: "/k", pairs: new Uint8Array(3), fetch() {} }), isInvalid);
  assert.equal(await writeKeyMemo({ userId, secretUrl: "/k", pairs: new Uint8Array(64), fetch() { throw new Error("no"); } }), false);
});

// A key store over the real module whose slot functions count their calls.
function countingStore() {
  const real = c.codedExports(c.slotNames);
  const calls = [];
  const slots = Object.fromEntries(c.slotNames.map((name) => [name, (...args) => {
    calls.push(name);
    return real[name](...args);
  }]));
  const store = makeKeystore(c.codedExports(), { slots });
  return { store, run: (name, ...args) => store.run(name, args, null), count: (name) => calls.filter((n) => n === name).length };
}

test("key store: openTexts and openKeys take a memo's keys without opening the seals, and add what they open", async () => {
  const { store, run, count } = countingStore();
  const kp = c.generateKeyPair();
  const hk = c.generateHybridKeyPair();
  const keys = [0, 1, 2].map(() => unb64(c.generateKey()));
  const sealed = keys.map((k) => c.sealForUser(b64(k), kp.publicKey, hk.publicKey));
  const texts = keys.map((k, i) => c.encryptSecretboxString(`text ${i}`, b64(k)));
  // The memo knows seals 0 and 1; seal 1 it maps to key 2 (as only a
  // holder of both secrets could write it): the lookup, not an open, decides.
  const memo = pairsOf([[await sha256(sealed[0]), keys[0]], [await sha256(sealed[1]), keys[2]]]);
  const entry = {
    kind: "user",
    secrets: { privateKey: unb64(kp.privateKey), pqSecretKey: unb64(hk.secretKey), memo },
    publicKey: kp.publicKey, pqPublicKey: hk.publicKey,
    caches: [{ userId: "7", secretUrl: "/api/auth/key-cache", name: "memo-test" }],
  };
  const handle = "sk1.AAAAAAAAAAAAAAAAAAAAAA";
  store.put(handle, entry);

  const out = await run("openTexts", handle, sealed.map((s, i) => ({ sealed: s, ciphertexts: [texts[i]] })));
  assert.deepEqual(out[0], { texts: ["text 0"] });
  assert.equal(out[1].error?.code, "DECRYPTION", "seal 1 took the memo's (other) key");
  assert.deepEqual(out[2], { texts: ["text 2"] });
  assert.equal(count("slotUnseal"), 1, "only seal 2, which the memo lacks, was opened");

  const opened = await run("openKeys", handle, [sealed[0], sealed[2]]);
  assert.equal(count("slotUnseal"), 1, "seal 2 is known now too");
  assert.equal(await run("decryptText", opened[0].handle, texts[0]), "text 0");
  assert.equal(await run("decryptText", opened[1].handle, texts[2]), "text 2");

  // Without a cache behind the handle nothing is hashed or kept.
  const plain = { kind: "user", secrets: { privateKey: unb64(kp.privateKey), pqSecretKey: unb64(hk.secretKey) }, publicKey: kp.publicKey, pqPublicKey: hk.publicKey };
  store.put("sk1.BBBBBBBBBBBBBBBBBBBBBB", plain);
  await run("openTexts", "sk1.BBBBBBBBBBBBBBBBBBBBBB", [{ sealed: sealed[0], ciphertexts: [texts[0]] }]);
  await run("openTexts", "sk1.BBBBBBBBBBBBBBBBBBBBBB", [{ sealed: sealed[0], ciphertexts: [texts[0]] }]);
  assert.equal(count("slotUnseal"), 3);

  // Release wipes the memo and the pairs not yet written.
  const fresh = entry.memoFresh ?? [];
  await run("release", handle);
  assert.ok(memo.every((b) => b === 0), "the memo is zeroed on release");
  assert.ok(fresh.every((p) => p.every((b) => b === 0)), "the unwritten pairs are zeroed on release");
  await new Promise((r) => setTimeout(r, 400)); // the scheduled write finds nothing to write
  assert.ok(memo.every((b) => b === 0));
});
