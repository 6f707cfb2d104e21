// The handle API (index.js deriveLoginKeys … releaseAll, keystore.js,
// worker.js replication) against the base64 API's results: in-thread, in
// one worker and in a pool of three (shim.mjs's worker_threads stand-in
// for Worker). The pool tests send requests straight to each worker, so
// that every handle is shown to be served by every worker, and look into
// each worker's key store (the shim's test-only probe) to see released
// bytes zeroed.

import test from "node:test";
import assert from "node:assert/strict";
import * as sdk from "../index.js";
import { SealkitError, deriveAuthKey } from "../index.js";
import { sealToMember } from "../share.js";
import { ShimWorker } from "./shim.mjs";

const PASSWORD = "pw";
const KEY_HASH = "AAAAAAAAAAAAAAAAAAAAAA==$argon2id";
const SESSION = "AJBZudYL2fBbhNXy8d16Ac/QtBQsRQyYtxRx470vJWE="; // deriveSessionKey("pw", zero salt), kdf.json

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const isCode = (code) => (e) => {
  assert.ok(e instanceof SealkitError, String(e));
  assert.equal(e.code, code, e.message);
  return true;
};
const HANDLE = /^sk1\.[A-Za-z0-9_-]{22}$/;

test.before(() => { globalThis.Worker = ShimWorker; });
test.after(() => { sdk.terminate(); delete globalThis.Worker; });

// account makes a user's keys with the base64 API and its record as the
// server keeps it (wrapped under SESSION).
async function account() {
  const kp = await sdk.generateKeypair();
  const hk = await sdk.generateHybridKeypair();
  const me = {
    user_id: 7,
    public_key: kp.publicKey,
    pq_public_key: hk.publicKey,
    encrypted_private_key: await sdk.call("encryptPrivateKey", kp.privateKey, SESSION),
    encrypted_pq_private_key: await sdk.call("encryptPrivateKey", hk.secretKey, SESSION),
    toJSON() { return "functions and other fields are not sent"; },
  };
  return { kp, hk, me };
}

// roundTrips runs every call of the handle API once and checks it against
// the base64 API. Returns the handles it left alive.
async function roundTrips() {
  const { kp, hk, me } = await account();

  const login = await sdk.deriveLoginKeys(PASSWORD, KEY_HASH);
  assert.deepEqual(Object.keys(login).sort(), ["authKey", "session"]);
  assert.match(login.session, HANDLE);
  assert.equal(login.authKey, await deriveAuthKey(SESSION));
  assert.equal(await sdk.exportKey(login.session), SESSION);

  const unlocked = await sdk.unlockUser(login.session, me);
  assert.match(unlocked.user, HANDLE);
  assert.equal(unlocked.publicKey, kp.publicKey);
  assert.equal(unlocked.pqPublicKey, hk.publicKey);
  assert.deepEqual(await sdk.exportKey(unlocked.user),
    { publicKey: kp.publicKey, privateKey: kp.privateKey, pqSecretKey: hk.secretKey, pqPublicKey: hk.publicKey, signingKey: null, identityPublicKey: null });
  // An account without a signing key: the handle opens, and cannot sign.
  assert.equal(unlocked.identityPublicKey, null);
  const user = unlocked.user;

  // The transition aid: a base64 session key (KeyChain's) imported as a
  // session handle opens the same account; a wrong length is refused.
  const imported = await sdk.importSessionKey(SESSION);
  assert.match(imported, HANDLE);
  assert.equal(await sdk.exportKey(imported), SESSION);
  const viaImport = await sdk.unlockUser(imported, me);
  assert.deepEqual(await sdk.exportKey(viaImport.user), await sdk.exportKey(unlocked.user));
  await assert.rejects(sdk.importSessionKey("AAAA"), isCode("INVALID_LENGTH"));
  await assert.rejects(sdk.importSessionKey(""), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.importSessionKey(42), isCode("INVALID_ARGUMENT"));
  assert.equal(await sdk.release(viaImport.user), true);
  assert.equal(await sdk.release(imported), true);

  // A text sealed to the user (an announcement) opens with the user handle.
  assert.equal(await sdk.unsealText(unlocked.user, await sdk.seal("announced ✓", kp.publicKey, hk.publicKey)), "announced ✓");
  assert.equal(await sdk.unsealText(unlocked.user, await sdk.seal("classic", kp.publicKey)), "classic");
  await assert.rejects(sdk.unsealText(unlocked.user, await sdk.seal(new Uint8Array([0xff]), kp.publicKey)), isCode("UTF8"));
  await assert.rejects(sdk.unsealText(login.session, "AAAA"), isCode("INVALID_ARGUMENT"));

  // A resource key sealed as share.js seals it (raw bytes), and as
  // account.js seals the user key (its base64 text): both open.
  const rk = await sdk.generateKey();
  const key = await sdk.openKey(user, await sealToMember(rk, me));
  assert.equal(await sdk.exportKey(key), rk);
  const asText = await sdk.openKey(user, await sdk.seal(rk, kp.publicKey, hk.publicKey));
  assert.equal(await sdk.exportKey(asText), rk);
  const classic = await sdk.openKey(user, await sealToMember(rk, { public_key: kp.publicKey }));
  assert.equal(await sdk.exportKey(classic), rk);

  // Text.
  const ct = await sdk.encryptText(key, "hëllo ✓");
  assert.equal(await sdk.decrypt(ct, rk), "hëllo ✓");
  assert.equal(await sdk.decryptText(key, await sdk.encrypt("from the base64 API", rk)), "from the base64 API");

  // Batches with good and bad items.
  const other = await sdk.generateKey();
  const otherKey = await sdk.openKey(user, await sealToMember(other, me));
  const texts = await sdk.decryptTexts(key, [ct, "AAAA", await sdk.encrypt("two", rk), await sdk.encrypt("other key", other), 42]);
  assert.equal(texts.length, 5);
  assert.deepEqual(texts[0], { text: "hëllo ✓" });
  assert.ok(isCode("TOO_SHORT")(texts[1].error));
  assert.deepEqual(texts[2], { text: "two" });
  assert.ok(isCode("DECRYPTION")(texts[3].error));
  assert.equal(texts[3].error.message, "decryption failed: invalid ciphertext or wrong key");
  assert.ok(isCode("INVALID_ARGUMENT")(texts[4].error));
  const many = await sdk.decryptMany([
    { key, ciphertext: ct },
    { key: otherKey, ciphertext: await sdk.encrypt("other key", other) },
    { key: "sk1.AAAAAAAAAAAAAAAAAAAAAA", ciphertext: ct },
    { key: otherKey, ciphertext: ct },
    null,
  ]);
  assert.deepEqual(many.slice(0, 2), [{ text: "hëllo ✓" }, { text: "other key" }]);
  assert.ok(isCode("UNKNOWN_HANDLE")(many[2].error));
  assert.ok(isCode("DECRYPTION")(many[3].error));
  assert.ok(isCode("INVALID_ARGUMENT")(many[4].error));
  // openTexts: keys and texts in one go, no handle made.
  const ot = await sdk.openTexts(user, [
    { sealed: await sealToMember(rk, me), ciphertexts: [ct, null, ""] },
    { sealed: await sealToMember(other, me), ciphertexts: [await sdk.encrypt("other key", other)] },
    { sealed: await sealToMember(rk, me), ciphertexts: [await sdk.encrypt("other key", other)] },
    { sealed: "AAAA", ciphertexts: [] },
    { sealed: await sealToMember(rk, me) },
    null,
  ]);
  assert.deepEqual(ot.slice(0, 2), [{ texts: ["hëllo ✓", null, null] }, { texts: ["other key"] }]);
  assert.ok(isCode("DECRYPTION")(ot[2].error));
  assert.ok(ot[3].error instanceof SealkitError);
  assert.ok(isCode("INVALID_ARGUMENT")(ot[4].error));
  assert.ok(isCode("INVALID_ARGUMENT")(ot[5].error));
  await assert.rejects(sdk.openTexts("sk1.AAAAAAAAAAAAAAAAAAAAAA", [{ sealed: "x", ciphertexts: [] }]), isCode("UNKNOWN_HANDLE"));

  const stranger = await sdk.generateKeypair();
  const opened = await sdk.openKeys(user, [await sealToMember(rk, me), "AAAA", await sealToMember(rk, { public_key: stranger.publicKey }), await sdk.seal(new Uint8Array(31), kp.publicKey)]);
  assert.equal(opened.length, 4);
  assert.match(opened[0].handle, HANDLE);
  assert.equal(await sdk.exportKey(opened[0].handle), rk);
  assert.ok(opened[1].error instanceof SealkitError);
  assert.ok(isCode("DECRYPTION")(opened[2].error));
  assert.ok(isCode("INVALID_LENGTH")(opened[3].error));

  // Sealing to members: each copy opens to the key with the base64 API.
  const pqMember = { user_id: "a", public_key: kp.publicKey, pq_public_key: hk.publicKey, extra: () => 1 };
  const boxMember = { user_id: 2, public_key: stranger.publicKey, pq_public_key: null };
  const copies = await sdk.sealKey(key, [pqMember, boxMember]);
  assert.deepEqual(copies.map((c) => c.user_id), ["a", 2]);
  assert.equal(await sdk.call("isHybridCiphertext", copies[0].encrypted_key), true);
  assert.equal(await sdk.call("isHybridCiphertext", copies[1].encrypted_key), false);
  assert.equal(await sdk.call("unsealFromUser", copies[0].encrypted_key, kp.publicKey, kp.privateKey, hk.secretKey), rk);
  assert.equal(await sdk.call("unsealFromUser", copies[1].encrypted_key, stranger.publicKey, stranger.privateKey), rk);
  const cat5 = await sdk.generateHybridKeypair("cat5");
  const [c5] = await sdk.sealKey(key, [{ user_id: 3, public_key: kp.publicKey, pq_public_key: cat5.publicKey }], "cat5");
  assert.equal(await sdk.call("unsealFromUser", c5.encrypted_key, kp.publicKey, kp.privateKey, cat5.secretKey), rk);

  // Bytes, transferred both ways.
  const plain = new Uint8Array([0, 1, 2, 250, 255]);
  const blob = await sdk.encryptBytes(key, plain);
  assert.equal(plain.byteLength, 0, "the plaintext's buffer was not transferred");
  assert.ok(blob instanceof Uint8Array);
  assert.equal(blob.length, 24 + 16 + 5);
  assert.equal(await sdk.call("decryptSecretbox", b64(blob), rk), b64([0, 1, 2, 250, 255]));
  const back = await sdk.decryptBytes(key, blob);
  assert.equal(blob.byteLength, 0);
  assert.deepEqual(back, new Uint8Array([0, 1, 2, 250, 255]));
  const fromB64 = Buffer.from(await sdk.call("encryptSecretbox", b64([9, 8, 7]), rk), "base64");
  assert.deepEqual(await sdk.decryptBytes(key, new Uint8Array(fromB64)), new Uint8Array([9, 8, 7]));
  await assert.rejects(sdk.decryptBytes(key, new Uint8Array(10)), isCode("TOO_SHORT"));

  // New keys.
  const fresh = await sdk.newKey();
  const freshB64 = await sdk.exportKey(fresh);
  assert.equal(Buffer.from(freshB64, "base64").length, 32);
  assert.equal(await sdk.decrypt(await sdk.encryptText(fresh, "new"), freshB64), "new");

  // Misuse.
  await assert.rejects(sdk.decryptText("sk1.AAAAAAAAAAAAAAAAAAAAAA", ct), isCode("UNKNOWN_HANDLE"));
  await assert.rejects(sdk.decryptText("not a handle", ct), isCode("UNKNOWN_HANDLE"));
  await assert.rejects(sdk.decryptText(42, ct), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.decryptText(user, ct), isCode("INVALID_ARGUMENT")); // a user handle is not a key
  await assert.rejects(sdk.unlockUser(key, me), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.openKey(login.session, ct), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.encryptText(key, new Uint8Array(1)), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.decryptTexts(key, "not an array"), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.deriveLoginKeys(PASSWORD, "no dollar"), isCode("INVALID_KEY_HASH"));
  await assert.rejects(sdk.deriveLoginKeys("", KEY_HASH), isCode("INVALID_ARGUMENT"));

  // Release: unknown afterwards, once.
  assert.equal(await sdk.release(asText), true);
  assert.equal(await sdk.release(asText), false);
  await assert.rejects(sdk.exportKey(asText), isCode("UNKNOWN_HANDLE"));

  return { session: login.session, user, key, otherKey, fresh, classic, rk, me, kp, hk, ct };
}

test("in-thread: every call round-trips against the base64 API", async () => {
  sdk.terminate();
  assert.deepEqual(await sdk.loadCrypto(undefined, { worker: false }), { mode: "direct" });
  const h = await roundTrips();
  await sdk.releaseAll();
  await assert.rejects(sdk.decryptText(h.key, h.ct), isCode("UNKNOWN_HANDLE"));
  sdk.terminate();
});

test("one worker: every call round-trips against the base64 API; the page gets no key byte", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, {}), { mode: "worker" });
  const [w] = ShimWorker.instances.slice(n);
  const received = [];
  w.addEventListener("message", (e) => received.push(e.data));
  const h = await roundTrips();

  // What the page received for the handle API's calls, except exportKey's
  // answers (the one way out, which roundTrips used on purpose): none of
  // the secrets. (roundTrips also uses the base64 API, whose answers do
  // carry keys, to check results.)
  const handleIds = new Set(w.requests.filter((m) => m.h !== undefined && m.h !== "exportKey").map((m) => m.id));
  assert.ok(handleIds.size > 20);
  const seen = JSON.stringify(received.filter((m) => handleIds.has(m.id)), (k, v) => (v instanceof Uint8Array ? b64(v) : v));
  for (const [what, secret] of [["session key", SESSION], ["resource key", h.rk], ["private key", h.kp.privateKey], ["hybrid seed", h.hk.secretKey]]) {
    assert.ok(!seen.includes(secret), `the page received the ${what} outside exportKey`);
    assert.ok(!seen.includes(Buffer.from(secret, "base64").toString("hex")), `the page received the ${what} (hex)`);
  }

  // releaseAll zeroes every entry the worker stored.
  await sdk.releaseAll();
  const entries = await w.inspect();
  assert.ok(entries.length >= 8, `${entries.length} entries`);
  for (const e of entries) for (const [k, s] of Object.entries(e.secrets)) assert.ok(s.zero, `${e.kind} ${k} not zeroed`);
  await assert.rejects(sdk.decryptText(h.key, h.ct), isCode("UNKNOWN_HANDLE"));
});

test("makeAccount: the request of account.js makeAccountKeys, its keys kept in the worker", async () => {
  const email = "new@example.test";
  const acc = await sdk.makeAccount("a new password ✓", email, { level: "cat1" });
  for (const h of [acc.session, acc.user, acc.userKey]) assert.match(h, HANDLE);
  const r = acc.request;
  assert.deepEqual(Object.keys(r).sort(), ["auth_key", "encrypted_email", "encrypted_pq_private_key", "encrypted_private_key",
    "encrypted_signing_key", "encrypted_user_key", "identity_public_key", "key_hash", "pq_public_key", "public_key"]);
  assert.equal(acc.identityPublicKey, r.identity_public_key);
  assert.equal(acc.publicKey, r.public_key);
  assert.equal(acc.pqPublicKey, r.pq_public_key);
  assert.equal(Buffer.from(r.pq_public_key, "base64").length, 800 + 32); // ML-KEM-512 (cat1) + X25519
  const salt = await sdk.call("parseSaltFromKeyHash", r.key_hash);
  assert.equal(r.key_hash, `${salt}$argon2id`);
  const session = await sdk.deriveSessionKey("a new password ✓", salt);
  assert.equal(await sdk.exportKey(acc.session), session);
  assert.equal(r.auth_key, await deriveAuthKey(session));
  const privateKey = await sdk.call("decryptPrivateKey", r.encrypted_private_key, session);
  const pqSecretKey = await sdk.call("decryptPrivateKey", r.encrypted_pq_private_key, session);
  const signingKey = await sdk.call("decryptPrivateKey", r.encrypted_signing_key, session);
  assert.equal(await sdk.call("deriveSigningPublicKey", signingKey), r.identity_public_key);
  assert.deepEqual(await sdk.exportKey(acc.user),
    { publicKey: r.public_key, privateKey, pqSecretKey, pqPublicKey: r.pq_public_key, signingKey, identityPublicKey: r.identity_public_key });
  // As account.js openUserKey reads it: the user key's base64 text.
  const userKey = await sdk.unseal(r.encrypted_user_key, r.public_key, privateKey, pqSecretKey);
  assert.equal(await sdk.exportKey(acc.userKey), userKey);
  assert.equal(await sdk.decrypt(r.encrypted_email, userKey), email);
  // …and openKey reads the same seal to the same key.
  assert.equal(await sdk.exportKey(await sdk.openKey(acc.user, r.encrypted_user_key)), userKey);
  assert.equal(await sdk.decryptText(acc.userKey, r.encrypted_email), email);
  await assert.rejects(sdk.makeAccount("pw", ""), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.makeAccount("pw", email, { level: "cat2" }), isCode("INVALID_ARGUMENT"));
  // A wrong session key does not unlock.
  const { me } = await account(); // wrapped under SESSION, not acc's
  await assert.rejects(sdk.unlockUser(acc.session, me), isCode("DECRYPTION"));
  await sdk.releaseAll();
});

// onWorker sends one request straight to one worker of the pool (the
// pool's own listener ignores the unknown id) and resolves to its reply.
let nextId = 1e9;
function onWorker(w, h, args) {
  const id = nextId++;
  return new Promise((resolve) => {
    const listen = (e) => {
      if (e.data?.id !== id) return;
      w.removeEventListener("message", listen);
      resolve(e.data);
    };
    w.addEventListener("message", listen);
    w.postMessage({ id, h, args });
  });
}

test("a pool of three: every worker serves every handle; release reaches every worker and zeroes the bytes", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 3 }), { mode: "worker" });
  const pool = ShimWorker.instances.slice(n);
  assert.equal(pool.length, 3);

  const h = await roundTrips(); // sequential calls: mostly on the first worker
  const { me, rk, kp } = h;
  // Three handles made at once, one by each worker.
  const sealed = await Promise.all([1, 2, 3].map(() => sealToMember(rk, me)));
  const before = pool.map((w) => w.requests.length);
  const made = await Promise.all(sealed.map((s) => sdk.openKey(h.user, s)));
  assert.deepEqual(pool.map((w, i) => w.requests.length - before[i]), [1, 1, 1]);
  const ct = await sdk.encrypt("served by every worker", rk);
  const handles = [h.session, h.user, h.key, h.fresh, ...made];
  for (const handle of [h.key, h.fresh, h.otherKey, ...made]) {
    for (const [i, w] of pool.entries()) {
      const want = handle === h.fresh || handle === h.otherKey ? "DECRYPTION" : null;
      const reply = await onWorker(w, "decryptText", [handle, ct]);
      if (want) assert.equal(reply.error?.code, want, `worker ${i}`);
      else assert.deepEqual(reply, { id: reply.id, result: "served by every worker" }, `worker ${i}`);
    }
  }
  for (const [i, w] of pool.entries()) {
    const reply = await onWorker(w, "openKey", [h.user, sealed[0]]);
    assert.match(reply.result, HANDLE, `worker ${i} cannot use the user handle`);
    const r2 = await onWorker(w, "unlockUser", [h.session, { ...me, toJSON: undefined }]);
    assert.equal(r2.result?.publicKey, kp.publicKey, `worker ${i} cannot use the session handle`);
  }
  // A handle made by the third worker, used through the API's batch
  // (split over the workers).
  const list = Array.from({ length: 30 }, (_, i) => ({ key: made[i % 3], ciphertext: ct }));
  assert.deepEqual(await sdk.decryptMany(list), list.map(() => ({ text: "served by every worker" })));
  const opened = await sdk.openKeys(h.user, Array.from({ length: 24 }, (_, i) => sealed[i % 3]));
  assert.equal(opened.length, 24);
  for (const o of opened) assert.match(o.handle, HANDLE);

  // release: unknown on every worker, its bytes zeroed in every worker.
  assert.equal(await sdk.release(made[2]), true);
  for (const [i, w] of pool.entries()) {
    assert.equal((await onWorker(w, "decryptText", [made[2], ct])).error?.code, "UNKNOWN_HANDLE", `worker ${i}`);
    const entries = (await w.inspect()).filter((e) => e.handle === made[2]);
    assert.equal(entries.length, 1, `worker ${i} stored ${made[2]} ${entries.length} times`);
    assert.deepEqual(entries[0].secrets, { key: { length: 32, zero: true } }, `worker ${i}`);
  }
  assert.equal(await sdk.decryptText(made[1], ct), "served by every worker");

  // releaseAll (logout): every handle unknown everywhere, every entry zeroed.
  await sdk.releaseAll();
  for (const [i, w] of pool.entries()) {
    for (const handle of handles) {
      assert.equal((await onWorker(w, "exportKey", [handle])).error?.code, "UNKNOWN_HANDLE", `worker ${i}`);
    }
    const entries = await w.inspect();
    assert.ok(entries.length > handles.length, `worker ${i}: ${entries.length} entries`);
    for (const e of entries) for (const [k, s] of Object.entries(e.secrets)) assert.ok(s.zero, `worker ${i}: ${e.kind} ${k} not zeroed`);
  }
});

test("handles die with the pool; release never loads; {exportKeys: false} keeps every key in", async () => {
  const key = await sdk.newKey();
  sdk.terminate();
  assert.equal(await sdk.release(key), false); // nothing loaded: nothing to release
  await sdk.releaseAll();
  await assert.rejects(sdk.decryptText(key, "AAAA"), isCode("UNKNOWN_HANDLE")); // a new load
  sdk.terminate();
  await sdk.loadCrypto(undefined, { workers: 2, exportKeys: false });
  const k2 = await sdk.newKey();
  await assert.rejects(sdk.exportKey(k2), isCode("UNSUPPORTED"));
  assert.equal(await sdk.decryptText(k2, await sdk.encryptText(k2, "still usable")), "still usable");
  sdk.terminate();
  await sdk.loadCrypto(undefined, { worker: false, exportKeys: false });
  await assert.rejects(sdk.exportKey(await sdk.newKey()), isCode("UNSUPPORTED"));
  sdk.terminate();
});

test("the key cache from the worker: options checked; without IndexedDB nothing is stored or found", async () => {
  await sdk.loadCrypto(undefined, { workers: 1 });
  const { user } = await sdk.makeAccount("pw", "a@b.test");
  const options = { userId: "u1", secretUrl: "http://127.0.0.1:9/api/auth/key-cache" };
  await assert.rejects(sdk.cacheUser(user, null), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.openCachedUser("u1"), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.cacheUser("sk1.AAAAAAAAAAAAAAAAAAAAAA", options), isCode("UNKNOWN_HANDLE"));
  // Node has no IndexedDB: keycache.js degrades instead of throwing.
  assert.equal(await sdk.cacheUser(user, options), false);
  assert.equal(await sdk.openCachedUser(options), null);
  await sdk.releaseAll();
  sdk.terminate();
});
