// The v2 key cache in Node. Node (20) has no IndexedDB, so — rather than a
// stand-in — this tests the pure entry functions (sealEntry, openEntry:
// the key derivation, the entry format and what the additional data binds)
// and that the storage functions degrade without IndexedDB. Storage, the
// server's secret and the copied-profile property are tested in Chromium
// against the real accounts handlers (internal/jstest/keycache2_test.go).

import test from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import {
  sealEntry, openEntry, writeKeyCache, readKeyCache, clearKeyCacheV2, keyCacheV2Supported,
} from "../keycache.js";
import { SealkitError } from "../errors.js";

const bytes = (n, fill) => new Uint8Array(n).fill(fill);
const keys = { privateKey: bytes(32, 1), pqSeed: bytes(32, 2), publicKey: bytes(32, 3), pqPublicKey: bytes(1216, 4) };
const deviceSecret = bytes(32, 0xd0);
const serverSecret = bytes(32, 0x5e);
const userId = "user-1";
const written = 1_800_000_000;
const b64 = (u) => Buffer.from(u).toString("base64");

test("Node has no IndexedDB: the storage functions degrade, nothing thrown", async () => {
  assert.equal(typeof globalThis.indexedDB, "undefined");
  assert.equal(keyCacheV2Supported(), false);
  const fetch = () => { throw new Error("must not be called without IndexedDB"); };
  assert.equal(await writeKeyCache({ userId, keys, secretUrl: "/k", fetch }), false);
  assert.equal(await readKeyCache({ userId, secretUrl: "/k", fetch }), null);
  await clearKeyCacheV2();
});

test("round trip, and the entry's shape", async () => {
  const e = await sealEntry({ deviceSecret, serverSecret, userId, written, keys });
  assert.deepEqual(Object.keys(e).sort(), ["ct", "id", "iv", "userId", "v", "written"]);
  assert.equal(e.v, 2);
  assert.equal(e.userId, userId);
  assert.equal(e.written, written);
  assert.equal(Buffer.from(e.id, "base64").length, 16);
  assert.equal(Buffer.from(e.iv, "base64").length, 12);
  // 4 × (2-byte length + key) + 16-byte tag
  assert.equal(Buffer.from(e.ct, "base64").length, 8 + 32 * 3 + 1216 + 16);
  const back = await openEntry(e, { deviceSecret, serverSecret, userId });
  assert.deepEqual(back, keys);
  // Two seals of the same keys differ (random id and iv).
  const e2 = await sealEntry({ deviceSecret, serverSecret, userId, written, keys });
  assert.notEqual(e2.id, e.id);
  assert.notEqual(e2.ct, e.ct);
});

test("the key is HKDF-SHA256(deviceSecret ‖ serverSecret, salt = id, info 'sealkit keycache v2')", async () => {
  const id = bytes(16, 7);
  const iv = bytes(12, 9);
  const e = await sealEntry({ deviceSecret, serverSecret, userId, written, keys, id, iv });
  // Recompute independently with node:crypto's WebCrypto.
  const ikm = new Uint8Array([...deviceSecret, ...serverSecret]);
  const base = await webcrypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const k = await webcrypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: id, info: new TextEncoder().encode("sealkit keycache v2") }, base, 256);
  const aes = await webcrypto.subtle.importKey("raw", k, "AES-GCM", false, ["decrypt"]);
  const aad = new TextEncoder().encode(JSON.stringify(["sealkit keycache v2", 2, b64(id), userId, written]));
  const pt = new Uint8Array(await webcrypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad }, aes, Buffer.from(e.ct, "base64")));
  const want = [];
  for (const f of ["privateKey", "pqSeed", "publicKey", "pqPublicKey"]) want.push(keys[f].length >> 8, keys[f].length & 0xff, ...keys[f]);
  assert.deepEqual(pt, new Uint8Array(want));
  assert.equal(e.id, b64(id));
  assert.equal(e.iv, b64(iv));
});

test("each secret is needed: the device's alone or the server's alone opens nothing", async () => {
  const e = await sealEntry({ deviceSecret, serverSecret, userId, written, keys });
  const other = bytes(32, 0x77);
  assert.equal(await openEntry(e, { deviceSecret: other, serverSecret, userId }), null);
  assert.equal(await openEntry(e, { deviceSecret, serverSecret: other, userId }), null);
  // Swapping the halves changes the HKDF input too.
  assert.equal(await openEntry(e, { deviceSecret: serverSecret, serverSecret: deviceSecret, userId }), null);
});

test("the additional data binds v, id, userId and written; ct and iv are authenticated", async () => {
  const e = await sealEntry({ deviceSecret, serverSecret, userId, written, keys });
  const open = (x, uid = userId) => openEntry(x, { deviceSecret, serverSecret, userId: uid });
  assert.equal(await open({ ...e, userId: "user-2" }, "user-2"), null, "userId rewritten");
  assert.equal(await open(e, "user-2"), null, "another user asks");
  assert.equal(await open({ ...e, written: written + 1 }), null, "written rewritten");
  assert.equal(await open({ ...e, id: b64(bytes(16, 1)) }), null, "id rewritten");
  assert.equal(await open({ ...e, iv: b64(bytes(12, 1)) }), null, "iv rewritten");
  const ct = Buffer.from(e.ct, "base64");
  ct[0] ^= 1;
  assert.equal(await open({ ...e, ct: ct.toString("base64") }), null, "ct altered");
  assert.equal(await open({ ...e, v: 1 }), null, "v rewritten");
  for (const bad of [null, 7, "x", {}, { ...e, iv: "!!" }, { ...e, id: b64(bytes(15, 0)) }, { ...e, written: -1 }, { ...e, written: 1.5 }]) {
    assert.equal(await open(bad), null);
  }
});

test("invalid arguments reject with INVALID_ARGUMENT and say what is expected", async () => {
  const bad = async (p, re) => {
    await assert.rejects(sealEntry({ deviceSecret, serverSecret, userId, written, keys, ...p }), (e) => {
      assert.ok(e instanceof SealkitError);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, re);
      return true;
    });
  };
  await bad({ deviceSecret: bytes(31, 0) }, /deviceSecret must be a Uint8Array of 32 bytes/);
  await bad({ serverSecret: "abc" }, /serverSecret/);
  await bad({ userId: "" }, /userId/);
  await bad({ written: 0 }, /written must be unix seconds/);
  await bad({ keys: { ...keys, privateKey: b64(keys.privateKey) } }, /keys\.privateKey must be a Uint8Array/);
  await bad({ keys: { ...keys, pqSeed: bytes(64, 0) } }, /keys\.pqSeed must be 32 bytes, not 64/);
  await bad({ keys: { ...keys, pqPublicKey: new Uint8Array(0) } }, /keys\.pqPublicKey must be 1 to 4096 bytes/);
  await bad({ keys: { privateKey: keys.privateKey } }, /keys\.pqSeed/);
  await assert.rejects(readKeyCache({ userId }), /secretUrl must be the URL of the server's key-cache endpoint/);
  await assert.rejects(readKeyCache({ userId, secretUrl: "/k", fetch: 1 }), /fetch must be a function/);
  await assert.rejects(writeKeyCache({ userId, secretUrl: "/k", keys: {} }), /keys\.privateKey/);
  await assert.rejects(clearKeyCacheV2({ name: "" }), /name must be a non-empty string/);
});

test("the opened keys are copies: zeroing them leaves a second open intact", async () => {
  const e = await sealEntry({ deviceSecret, serverSecret, userId, written, keys });
  const a = await openEntry(e, { deviceSecret, serverSecret, userId });
  a.privateKey.fill(0);
  const b = await openEntry(e, { deviceSecret, serverSecret, userId });
  assert.deepEqual(b.privateKey, keys.privateKey);
});
