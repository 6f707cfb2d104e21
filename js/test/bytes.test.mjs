// The bytes API (crypto.js encryptSecretboxBytes, decryptSecretboxBytes,
// boxSealOpenBytes, unsealFromUserBytes) against the base64 API on the
// real module: the same results and the same errors. Then the key store's
// slots (keystore.js over cmd/sealkit-wasm/slots.go): one slot per entry
// per thread, made on first use and reused, freed on release, releaseAll,
// a put over the entry and drop; results equal to the base64 API's.

import test from "node:test";
import assert from "node:assert/strict";
import * as c from "../crypto.js";
import { makeKeystore } from "../keystore.js";
import * as sdk from "../index.js";
import { ShimWorker } from "./shim.mjs";

await c.default();

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));

// outcome runs f and returns its result as bytes (a base64 result
// decoded), or what it threw.
function outcome(f) {
  try {
    const r = f();
    return { ok: typeof r === "string" ? unb64(r) : r };
  } catch (err) {
    return { threw: err instanceof Error ? { code: err.code, message: err.message } : err };
  }
}

function user(levelFn = c.generateHybridKeyPair) {
  const kp = c.generateKeyPair();
  const hk = levelFn();
  return { kp, hk, pk: unb64(kp.publicKey), sk: unb64(kp.privateKey), seed: unb64(hk.secretKey) };
}

test("secretbox bytes: the same blobs, plaintexts and errors as the base64 API", () => {
  const key = unb64(c.generateKey());
  for (const n of [0, 1, 64, 1 << 20]) {
    const pt = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    const ct = c.encryptSecretboxBytes(pt, key);
    assert.ok(ct instanceof Uint8Array);
    assert.equal(ct.length, n + 40);
    assert.equal(ct.buffer.byteLength, ct.length, "the result is a fresh array, not a view of the module's memory");
    assert.deepEqual(unb64(c.decryptSecretbox(b64(ct), b64(key))), pt);
    assert.deepEqual(c.decryptSecretboxBytes(unb64(c.encryptSecretbox(b64(pt), b64(key))), key), pt);
  }
  const good = c.encryptSecretboxBytes(new Uint8Array([1, 2, 3]), key);
  const flipped = good.slice();
  flipped[30] ^= 1;
  for (const [ct, k] of [[good, new Uint8Array(31)], [good, new Uint8Array(0)], [new Uint8Array(39), key], [flipped, key],
    [good, unb64(c.generateKey())], [new Uint8Array(0), key]]) {
    assert.deepEqual(outcome(() => c.decryptSecretboxBytes(ct, k)), outcome(() => c.decryptSecretbox(b64(ct), b64(k))));
  }
  assert.deepEqual(outcome(() => c.encryptSecretboxBytes(new Uint8Array(3), new Uint8Array(16))),
    outcome(() => c.encryptSecretbox(b64(new Uint8Array(3)), b64(new Uint8Array(16)))));
});

test("box and unseal bytes: the same plaintexts and errors as the base64 API, every level", () => {
  const pt = unb64(c.generateKey());
  for (const gen of [c.generateHybridKeyPair512, c.generateHybridKeyPair, c.generateHybridKeyPair1024]) {
    const u = user(gen);
    const box = unb64(c.sealForUser(b64(pt), u.kp.publicKey));
    const level = gen === c.generateHybridKeyPair512 ? "cat1" : gen === c.generateHybridKeyPair ? "cat3" : "cat5";
    const hybridLevel = unb64(c.sealForUserWithLevel(b64(pt), u.kp.publicKey, u.hk.publicKey, level));
    // sealForUser without a level is Cat-3 and takes only a Cat-3 key.
    const hybrid = level === "cat3" ? unb64(c.sealForUser(b64(pt), u.kp.publicKey, u.hk.publicKey)) : hybridLevel;
    const stranger = user();
    const tampered = hybridLevel.slice();
    tampered[tampered.length - 1] ^= 1;
    for (const ct of [box, hybrid, hybridLevel, tampered, new Uint8Array(0), new Uint8Array(80), unb64(c.sealForUser(b64(pt), stranger.kp.publicKey))]) {
      for (const [pk, sk, seed] of [[u.pk, u.sk, u.seed], [u.pk, u.sk, undefined], [u.pk, u.sk, null], [u.pk, u.sk, new Uint8Array(0)],
        [u.pk, u.sk, new Uint8Array(5)], [u.pk, new Uint8Array(31), u.seed], [new Uint8Array(3), u.sk, undefined], [stranger.pk, stranger.sk, stranger.seed]]) {
        const want = outcome(() => c.unsealFromUser(b64(ct), b64(pk), b64(sk), seed?.length ? b64(seed) : seed === null ? null : undefined));
        assert.deepEqual(outcome(() => c.unsealFromUserBytes(ct, pk, sk, seed)), want);
        assert.deepEqual(outcome(() => c.boxSealOpenBytes(ct, pk, sk)), outcome(() => c.boxSealOpen(b64(ct), b64(pk), b64(sk))));
      }
    }
    assert.deepEqual(c.unsealFromUserBytes(hybridLevel, u.pk, u.sk, u.seed), pt);
    assert.deepEqual(c.boxSealOpenBytes(box, u.pk, u.sk), pt);
  }
});

test("bytes API: anything but a Uint8Array is INVALID_ARGUMENT; coded errors through codedExports", () => {
  const key = new Uint8Array(32);
  for (const bad of ["AAAA", new ArrayBuffer(8), [1, 2], 7, null, undefined, new Uint16Array(4)]) {
    assert.throws(() => c.encryptSecretboxBytes(bad, key), (e) => e instanceof Error && e.code === "INVALID_ARGUMENT" && /plaintext must be a Uint8Array/.test(e.message));
    assert.throws(() => c.decryptSecretboxBytes(new Uint8Array(40), bad), (e) => e.code === "INVALID_ARGUMENT" && /key must be a Uint8Array/.test(e.message));
  }
  // The optional seed takes undefined and null only besides bytes.
  assert.throws(() => c.unsealFromUserBytes(new Uint8Array(80), key, key, "seed"), (e) => e.code === "INVALID_ARGUMENT");
  // The compatible module throws the crate's text; codedExports an Error with its code.
  assert.throws(() => c.decryptSecretboxBytes(new Uint8Array(3), key), (e) => e === "ciphertext too short to be valid");
  const coded = c.codedExports(c.bytesExportNames);
  assert.deepEqual(Object.keys(coded), [...c.bytesExportNames]);
  assert.throws(() => coded.decryptSecretboxBytes(new Uint8Array(3), key), (e) => e instanceof Error && e.code === "TOO_SHORT");
});

// A key store whose slot functions count their calls.
function countingStore() {
  const real = c.codedExports(c.slotNames);
  const calls = [];
  const slots = Object.fromEntries(c.slotNames.map((name) => [name, (...args) => {
    const r = real[name](...args);
    calls.push([name, name === "slotFree" ? args[0] : r]);
    return r;
  }]));
  const store = makeKeystore(c.codedExports(), { slots });
  const run = (name, ...args) => store.run(name, args, null);
  const count = (name) => calls.filter(([n]) => n === name).length;
  return { store, run, calls, count, real };
}

test("key store: one slot per entry, made on first use and reused; results equal the base64 API's", async () => {
  const { run, count, calls, real } = countingStore();
  const u = user();
  const session = await run("importSessionKey", c.deriveSessionKey("pw", "AAAAAAAAAAAAAAAAAAAAAA=="));
  const sessionB64 = await run("exportKey", session);
  const me = {
    public_key: u.kp.publicKey, pq_public_key: u.hk.publicKey,
    encrypted_private_key: c.encryptPrivateKey(u.kp.privateKey, sessionB64),
    encrypted_pq_private_key: c.encryptPrivateKey(u.hk.secretKey, sessionB64),
  };
  const { user: uh } = await run("unlockUser", session, me);
  assert.equal(count("slotUser"), 0, "a slot before any use");

  const rk = c.generateKey();
  const sealed = [c.sealForUser(rk, u.kp.publicKey, u.hk.publicKey), c.sealForUser(b64(unb64(rk)), u.kp.publicKey, u.hk.publicKey),
    c.sealForUserWithLevel(rk, u.kp.publicKey, u.hk.publicKey, "cat3"), c.sealForUser(rk, u.kp.publicKey)];
  const keys = [];
  for (const s of sealed) keys.push(await run("openKey", uh, s));
  const opened = await run("openKeys", uh, sealed);
  assert.equal(count("slotUser"), 1, "the user slot is made once");
  for (const h of [...keys, ...opened.map((o) => o.handle)]) assert.equal(await run("exportKey", h), rk);
  assert.equal(await run("unsealText", uh, c.sealForUser(b64(Buffer.from("hi ✓")), u.kp.publicKey, u.hk.publicKey)), "hi ✓");
  await assert.rejects(run("unsealText", uh, c.sealForUser(b64([0xff]), u.kp.publicKey)), (e) => e.code === "UTF8");
  await assert.rejects(run("openKey", uh, 42), (e) => e.code === "INVALID_ARGUMENT" && /ciphertextB64 must be a string/.test(e.message));

  const k = keys[0];
  const ct = await run("encryptText", k, "hëllo ✓\ud800");
  assert.equal(c.decryptSecretboxToString(ct, rk), c.decryptSecretboxToString(c.encryptSecretboxString("hëllo ✓\ud800", rk), rk));
  assert.equal(await run("decryptText", k, ct), "hëllo ✓\ufffd");
  for (const bad of ["AAAA", "no!", c.encryptSecretbox(b64([0xff]), rk), c.encryptSecretboxString("x", c.generateKey())]) {
    const want = outcome(() => c.codedExports().decryptSecretboxToString(bad, rk)).threw;
    await assert.rejects(run("decryptText", k, bad), (e) => e.code === want.code && e.message === want.message);
  }
  assert.deepEqual(await run("decryptTexts", k, [ct, "AAAA"]), [{ text: "hëllo ✓\ufffd" }, { error: { code: "TOO_SHORT", message: "ciphertext too short to be valid" } }]);
  const many = await run("decryptMany", keys.map((key) => ({ key, ciphertext: ct })));
  assert.deepEqual(many, keys.map(() => ({ text: "hëllo ✓\ufffd" })));
  const blob = await run("encryptBytes", k, new Uint8Array([1, 2, 3]));
  assert.deepEqual(unb64(c.decryptSecretbox(b64(blob), rk)), new Uint8Array([1, 2, 3]));
  assert.deepEqual(await run("decryptBytes", k, blob), new Uint8Array([1, 2, 3]));
  const [copy] = await run("sealKey", k, [{ user_id: 1, public_key: u.kp.publicKey, pq_public_key: u.hk.publicKey }]);
  assert.equal(c.unsealFromUser(copy.encrypted_key, u.kp.publicKey, u.kp.privateKey, u.hk.secretKey), rk);
  assert.equal(count("slotKey"), keys.length, "one key slot per key handle used");

  // release frees the slot; the handle is unknown afterwards.
  const slotOfK = calls.find(([n]) => n === "slotKey")[1];
  assert.equal(await run("release", k), true);
  assert.deepEqual(calls.at(-1), ["slotFree", slotOfK]);
  assert.equal(real.slotFree(slotOfK), false, "the slot was freed");
  await assert.rejects(run("decryptText", k, ct), (e) => e.code === "UNKNOWN_HANDLE");
  await assert.rejects(run("encryptBytes", k, new Uint8Array(1)), (e) => e.code === "UNKNOWN_HANDLE");

  // releaseAll frees every slot made.
  const live = calls.filter(([n]) => n === "slotKey" || n === "slotUser").map(([, id]) => id).filter((id) => id !== slotOfK);
  await run("releaseAll");
  for (const id of live) assert.equal(real.slotFree(id), false, `slot ${id} not freed by releaseAll`);
  await assert.rejects(run("unsealText", uh, sealed[0]), (e) => e.code === "UNKNOWN_HANDLE");
});

test("key store: a put over an entry and drop free its slot", async () => {
  const { store, run, calls, real } = countingStore();
  const rk = unb64(c.generateKey());
  const handle = "sk1.AAAAAAAAAAAAAAAAAAAAAA";
  store.put(handle, { kind: "key", secrets: { key: rk.slice() } });
  const ct = await run("encryptText", handle, "one");
  const first = calls.find(([n]) => n === "slotKey")[1];
  const other = unb64(c.generateKey());
  store.put(handle, { kind: "key", secrets: { key: other.slice() } });
  assert.equal(real.slotFree(first), false, "the put left the old slot");
  // The new entry gets its own slot with the new key.
  await assert.rejects(run("decryptText", handle, ct), (e) => e.code === "DECRYPTION");
  const second = calls.filter(([n]) => n === "slotKey")[1][1];
  store.drop([handle]);
  assert.equal(real.slotFree(second), false, "drop left the slot");
  await assert.rejects(run("decryptText", handle, ct), (e) => e.code === "UNKNOWN_HANDLE");
});

test("the SDK's call() reaches the bytes API in a worker, results transferred; never a slot", async () => {
  globalThis.Worker = ShimWorker;
  try {
    sdk.terminate();
    assert.deepEqual(await sdk.loadCrypto(undefined, {}), { mode: "worker" });
    const key = unb64(await sdk.generateKey());
    const ct = await sdk.call("encryptSecretboxBytes", new Uint8Array([5, 6]), key);
    assert.ok(ct instanceof Uint8Array);
    assert.deepEqual(await sdk.call("decryptSecretboxBytes", ct, key), new Uint8Array([5, 6]));
    await assert.rejects(sdk.call("decryptSecretboxBytes", new Uint8Array(3), key), (e) => e.code === "TOO_SHORT");
    for (const name of c.slotNames) {
      await assert.rejects(sdk.call(name, 1), (e) => e.code === "INVALID_ARGUMENT", name);
    }
    sdk.terminate();
    assert.deepEqual(await sdk.loadCrypto(undefined, { worker: false }), { mode: "direct" });
    assert.deepEqual(await sdk.call("decryptSecretboxBytes", ct, key), new Uint8Array([5, 6]));
    await assert.rejects(sdk.call("slotKey", key), (e) => e.code === "INVALID_ARGUMENT");
  } finally {
    sdk.terminate();
    delete globalThis.Worker;
  }
});
