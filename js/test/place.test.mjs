// Ciphertext bound to its place (docs/PROTOCOL.md): the handle ops'
// optional `place` against testdata/vectors/place.json (the place keys
// Go derives: a blob sealed natively under a vector's place key opens
// through the SDK at its place, and the SDK's blobs open under it), a
// moved blob failing with DECRYPTION in every op, and bad places refused —
// in-thread and in a worker (shim.mjs). The place key is derived in the
// worker's core: the page never gets it (exportKey gives the resource key).

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as sdk from "../index.js";
import { SealkitError } from "../index.js";
import { sealToMember } from "../share.js";
import { ShimWorker } from "./shim.mjs";

const file = JSON.parse(readFileSync(new URL("../../testdata/vectors/place.json", import.meta.url), "utf8"));
const hexB64 = (hex) => Buffer.from(hex, "hex").toString("base64");
const isCode = (code) => (e) => {
  assert.ok(e instanceof SealkitError, String(e));
  assert.equal(e.code, code, e.message);
  return true;
};

test.before(() => { globalThis.Worker = ShimWorker; });
test.after(() => { sdk.terminate(); delete globalThis.Worker; });

// keyHandle opens a key handle for known key bytes (base64), as the app
// does: sealed to a fresh user, opened with its user handle.
async function userHandle() {
  const kp = await sdk.generateKeypair();
  const hk = await sdk.generateHybridKeypair();
  const session = await sdk.importSessionKey(await sdk.generateKey());
  const s = await sdk.exportKey(session);
  const me = {
    public_key: kp.publicKey, pq_public_key: hk.publicKey,
    encrypted_private_key: await sdk.call("encryptPrivateKey", kp.privateKey, s),
    encrypted_pq_private_key: await sdk.call("encryptPrivateKey", hk.secretKey, s),
  };
  const { user } = await sdk.unlockUser(session, me);
  return { user, me };
}

async function places() {
  const { user, me } = await userHandle();
  for (const v of file.vectors) {
    const keyB64 = hexB64(v.key);
    const placeKeyB64 = hexB64(v.place_key);
    const sealed = await sealToMember(keyB64, me);
    const key = await sdk.openKey(user, sealed);

    // Go ⇄ SDK: sealed under the vector's place key by the base64 API
    // (as Go's EncryptSecretbox would), opened by the handle at the place…
    const native = await sdk.encrypt("at " + v.place, placeKeyB64);
    assert.equal(await sdk.decryptText(key, native, v.place), "at " + v.place, v.desc);
    // …and the handle's blob opens under the place key.
    const mine = await sdk.encryptText(key, "x ✓", v.place);
    assert.equal(await sdk.decrypt(mine, placeKeyB64), "x ✓", v.desc);
    assert.equal(Buffer.from(mine, "base64").length, 40 + Buffer.byteLength("x ✓"), "no bytes added");

    // Moved: another place, no place, or the resource key itself.
    await assert.rejects(sdk.decryptText(key, mine, v.place + "/elsewhere"), isCode("DECRYPTION"));
    await assert.rejects(sdk.decryptText(key, mine), isCode("DECRYPTION"));
    await assert.rejects(sdk.decrypt(mine, keyB64), isCode("DECRYPTION"));
    const plainBlob = await sdk.encryptText(key, "unplaced");
    await assert.rejects(sdk.decryptText(key, plainBlob, v.place), isCode("DECRYPTION"));
    assert.equal(await sdk.decryptText(key, plainBlob), "unplaced", "calls without a place still work");

    // The batch ops, per ciphertext.
    const batch = await sdk.decryptTexts(key, [{ ciphertext: mine, place: v.place }, { ciphertext: mine, place: "x" }, plainBlob, mine]);
    assert.equal(batch[0].text, "x ✓");
    assert.equal(batch[1].error.code, "DECRYPTION");
    assert.equal(batch[2].text, "unplaced");
    assert.equal(batch[3].error.code, "DECRYPTION");
    const many = await sdk.decryptMany([{ key, ciphertext: mine, place: v.place }, { key, ciphertext: mine, place: "habit/other/name" }]);
    assert.equal(many[0].text, "x ✓");
    assert.equal(many[1].error.code, "DECRYPTION");
    const opened = await sdk.openTexts(user, [
      { sealed, ciphertexts: [{ ciphertext: mine, place: v.place }, null, plainBlob, { ciphertext: null, place: v.place }] },
      { sealed, ciphertexts: [{ ciphertext: mine, place: "habit/other/name" }] },
    ]);
    assert.deepEqual(opened[0].texts, ["x ✓", null, "unplaced", null]);
    assert.equal(opened[1].error.code, "DECRYPTION");

    // Bytes.
    const bytes = await sdk.encryptBytes(key, new Uint8Array([1, 2, 3]), v.place);
    assert.deepEqual([...await sdk.decryptBytes(key, bytes.slice(), v.place)], [1, 2, 3]);
    await assert.rejects(sdk.decryptBytes(key, bytes.slice(), v.place + "!"), isCode("DECRYPTION"));
    assert.equal(await sdk.call("decryptSecretbox", Buffer.from(bytes).toString("base64"), placeKeyB64), "AQID");

    // The page gets the resource key, never a place key.
    assert.equal(await sdk.exportKey(key), keyB64);
    await sdk.release(key);
  }

  // Bad places: INVALID_ARGUMENT, nothing sealed.
  const key = await sdk.newKey();
  for (const p of [...file.invalid_places, 7, {}]) {
    await assert.rejects(sdk.encryptText(key, "x", p), isCode("INVALID_ARGUMENT"), JSON.stringify(p));
  }
  const bad = await sdk.decryptTexts(key, [{ ciphertext: "AAAA", place: "" }]);
  assert.equal(bad[0].error.code, "INVALID_ARGUMENT");
  await sdk.releaseAll();
}

test("in-thread: place keys as Go derives them; a moved blob does not open", async () => {
  sdk.terminate();
  assert.deepEqual(await sdk.loadCrypto(undefined, { worker: false }), { mode: "direct" });
  await places();
  sdk.terminate();
});

test("in a worker: place keys as Go derives them; a moved blob does not open", async () => {
  sdk.terminate();
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 2 }), { mode: "worker" });
  await places();
  sdk.terminate();
});
