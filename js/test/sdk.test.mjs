// The SDK in Node: no Worker, so everything runs in-thread. Every
// high-level call round trips; the generic call reaches every export.

import test from "node:test";
import assert from "node:assert/strict";
import * as sdk from "../index.js";
import { SealkitError } from "../index.js";
import { bytesToBase64, base64ToBytes, utf8ErrorText } from "../ops.js";

const unb64 = (s) => Buffer.from(s, "base64");

test("a failed load rejects with LOAD and can be retried", async () => {
  assert.equal(typeof globalThis.Worker, "undefined");
  await assert.rejects(sdk.loadCrypto(new URL("../dist/no-such.wasm", import.meta.url)), (e) => e instanceof SealkitError && e.code === "LOAD");
  await assert.rejects(sdk.getDirectCrypto(new Uint8Array([1, 2, 3])), (e) => e.code === "LOAD");
});

test("{worker: true} without Worker rejects UNSUPPORTED", async () => {
  await assert.rejects(sdk.loadCrypto(undefined, { worker: true }), (e) => e instanceof SealkitError && e.code === "UNSUPPORTED");
});

test("loadCrypto: in-thread in Node, idempotent", async () => {
  const p = sdk.loadCrypto();
  assert.equal(sdk.loadCrypto(), p);
  assert.deepEqual(await p, { mode: "direct" });
  await sdk.ensureReady();
  assert.equal(sdk.loadCrypto(), p);
});

test("high-level round trips", async () => {
  const key = await sdk.generateKey();
  assert.equal(unb64(key).length, 32);
  for (const text of ["", "hello", "ünïcødé ✓ 🔐", "x".repeat(100000)]) {
    const ct = await sdk.encrypt(text, key);
    assert.equal(typeof ct, "string");
    assert.equal(await sdk.decrypt(ct, key), text);
    assert.equal(await sdk.call("decryptSecretboxToString", ct, key), text);
  }

  const kp = await sdk.generateKeypair();
  assert.deepEqual(Object.keys(kp), ["publicKey", "privateKey"]);
  const hks = {};
  for (const level of [undefined, "cat1", "cat3", "cat5", "CAT5", ""]) {
    const hk = await sdk.generateHybridKeypair(level);
    assert.deepEqual(Object.keys(hk), ["publicKey", "secretKey"]);
    const want = { cat1: 832, cat5: 1600, CAT5: 1600 }[level] ?? 1216;
    assert.equal(unb64(hk.publicKey).length, want, String(level));
    hks[level ?? "default"] = hk;
  }

  const text = "sealed ✓";
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  // Box seal, hybrid Cat-3 (sealForUser), and hybrid at each level.
  const recipients = [
    [undefined, undefined, undefined],
    [hks.cat3.publicKey, hks.cat3.secretKey, undefined],
    [hks.cat1.publicKey, hks.cat1.secretKey, "cat1"],
    [hks.cat5.publicKey, hks.cat5.secretKey, "cat5"],
  ];
  for (const [pqPub, pqSec, level] of recipients) {
    const blob = await sdk.seal(text, kp.publicKey, pqPub, level);
    assert.equal(await sdk.call("isHybridCiphertext", blob), pqPub !== undefined);
    assert.equal(await sdk.unseal(blob, kp.publicKey, kp.privateKey, pqSec), text);
    const got = await sdk.unsealBytes(await sdk.seal(bytes, kp.publicKey, pqPub, level), kp.publicKey, kp.privateKey, pqSec);
    assert.ok(got instanceof Uint8Array);
    assert.deepEqual(got, bytes);
  }
  // Other byte views and ArrayBuffers seal their bytes.
  const view = new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2);
  assert.deepEqual(await sdk.unsealBytes(await sdk.seal(view, kp.publicKey), kp.publicKey, kp.privateKey), new Uint8Array([8, 7]));
  assert.deepEqual(await sdk.unsealBytes(await sdk.seal(bytes.buffer, kp.publicKey), kp.publicKey, kp.privateKey), bytes);
  // A string seals its UTF-8 bytes: the compat API sees the same plaintext.
  const blob = await sdk.seal("é", kp.publicKey);
  assert.equal(await sdk.call("unsealFromUser", blob, kp.publicKey, kp.privateKey), Buffer.from("é").toString("base64"));
  // The caller's bytes are not consumed or changed.
  assert.deepEqual(bytes, new Uint8Array([0, 1, 2, 250, 255]));

  const salt = await sdk.generateSalt();
  assert.equal(unb64(salt).length, 16);
  const sk = await sdk.deriveSessionKey("password", "AAAAAAAAAAAAAAAAAAAAAA==");
  assert.equal(sk, "P1UeG0Pw0gTuo5X6g2XhcOHt/7eQJCro8ZYxBgBI7gI="); // kdf.json
});

test("call() reaches every export", async () => {
  const names = (await import("../crypto.js")).exportNames;
  const r = {};
  const key = await sdk.call("generateKey");
  const kp = await sdk.call("generateKeyPair");
  const hk = await sdk.call("generateHybridKeyPair");
  const rk = await sdk.call("generateRecoveryKey");
  const salt = await sdk.call("generateSalt");
  r.generateKey = key; r.generateKeyPair = kp; r.generateHybridKeyPair = hk; r.generateRecoveryKey = rk; r.generateSalt = salt;
  r.generateHybridKeyPair512 = await sdk.call("generateHybridKeyPair512");
  r.generateHybridKeyPair1024 = await sdk.call("generateHybridKeyPair1024");
  r.deriveSessionKey = await sdk.call("deriveSessionKey", "pw", salt);
  r.encryptSecretboxString = await sdk.call("encryptSecretboxString", "hi", key);
  r.decryptSecretboxToString = await sdk.call("decryptSecretboxToString", r.encryptSecretboxString, key);
  r.encryptSecretbox = await sdk.call("encryptSecretbox", "aGk=", key);
  r.decryptSecretbox = await sdk.call("decryptSecretbox", r.encryptSecretbox, key);
  r.boxSeal = await sdk.call("boxSeal", "aGk=", kp.publicKey);
  r.boxSealOpen = await sdk.call("boxSealOpen", r.boxSeal, kp.publicKey, kp.privateKey);
  r.sealForUser = await sdk.call("sealForUser", "aGk=", kp.publicKey, hk.publicKey);
  r.unsealFromUser = await sdk.call("unsealFromUser", r.sealForUser, kp.publicKey, kp.privateKey, hk.secretKey);
  r.sealForUserWithLevel = await sdk.call("sealForUserWithLevel", "aGk=", kp.publicKey, r.generateHybridKeyPair512.publicKey, "cat1");
  r.isHybridCiphertext = await sdk.call("isHybridCiphertext", r.sealForUserWithLevel);
  r.encryptPrivateKey = await sdk.call("encryptPrivateKey", kp.privateKey, r.deriveSessionKey);
  r.decryptPrivateKey = await sdk.call("decryptPrivateKey", r.encryptPrivateKey, r.deriveSessionKey);
  r.recoveryKeyToSecret = await sdk.call("recoveryKeyToSecret", rk.recoveryKey);
  r.encryptPrivateKeyForRecovery = await sdk.call("encryptPrivateKeyForRecovery", kp.privateKey, r.recoveryKeyToSecret);
  r.decryptPrivateKeyWithRecovery = await sdk.call("decryptPrivateKeyWithRecovery", r.encryptPrivateKeyForRecovery, rk.recoverySecretBase64);
  r.parseSaltFromKeyHash = await sdk.call("parseSaltFromKeyHash", `${salt}$argon2id`);
  r.generateSigningKeyPair = await sdk.call("generateSigningKeyPair", "cat2");
  r.generateSigningKeyPairSuite = await sdk.call("generateSigningKeyPairSuite", "pure", "cat5");
  r.deriveSigningPublicKey = await sdk.call("deriveSigningPublicKey", r.generateSigningKeyPair.secretKey);
  r.sign = await sdk.call("sign", "aGk=", "ctx", r.generateSigningKeyPair.secretKey);
  r.verify = await sdk.call("verify", "aGk=", "ctx", r.sign, r.deriveSigningPublicKey);
  r.signaturePosture = await sdk.call("signaturePosture", r.generateSigningKeyPairSuite.publicKey);
  r.signaturePostureFromSignature = await sdk.call("signaturePostureFromSignature", r.sign);
  assert.equal(r.deriveSigningPublicKey, r.generateSigningKeyPair.publicKey);
  assert.equal(r.verify, true);
  assert.deepEqual(r.signaturePosture, { suite: "pure_cnsa2", level: "cat5" });
  assert.deepEqual(r.signaturePostureFromSignature, { suite: "hybrid", level: "cat2" });
  assert.deepEqual(Object.keys(r).sort(), [...names].sort());
  assert.equal(r.decryptSecretboxToString, "hi");
  assert.equal(r.decryptSecretbox, "aGk=");
  assert.equal(r.boxSealOpen, "aGk=");
  assert.equal(r.unsealFromUser, "aGk=");
  assert.equal(r.isHybridCiphertext, true);
  assert.equal(r.decryptPrivateKey, kp.privateKey);
  assert.equal(r.recoveryKeyToSecret, rk.recoverySecretBase64);
  assert.equal(r.decryptPrivateKeyWithRecovery, kp.privateKey);
  assert.equal(r.parseSaltFromKeyHash, salt);
});

test("getDirectCrypto: synchronous, same instance, frozen", async () => {
  const d = await sdk.getDirectCrypto();
  assert.equal(await sdk.getDirectCrypto(), d);
  assert.ok(Object.isFrozen(d));
  const key = d.generateKey();
  assert.equal(typeof key, "string");
  assert.equal(d.decryptSecretboxToString(d.encryptSecretboxString("s", key), key), "s");
  assert.throws(() => d.decryptSecretbox("AAAA", key), (e) => e instanceof SealkitError && e.code === "TOO_SHORT");
});

test("terminate() in-thread: the next call loads again", async () => {
  const before = sdk.loadCrypto();
  sdk.terminate();
  const after = sdk.loadCrypto();
  assert.notEqual(after, before);
  assert.deepEqual(await after, { mode: "direct" });
  assert.equal(unb64(await sdk.generateKey()).length, 32);
});

test("ops helpers: base64 and Rust UTF-8 error texts", () => {
  for (const n of [0, 1, 2, 3, 0x8000, 0x8001, 100000]) {
    const b = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
    const s = bytesToBase64(b);
    assert.equal(s, Buffer.from(b).toString("base64"));
    assert.deepEqual(base64ToBytes(s), b);
  }
  assert.equal(utf8ErrorText(new Uint8Array([0x61, 0xc0])), "UTF-8: invalid utf-8 sequence of 1 bytes from index 1");
  assert.equal(utf8ErrorText(new Uint8Array([0xe2, 0x82])), "UTF-8: incomplete utf-8 byte sequence from index 0");
  assert.equal(utf8ErrorText(new Uint8Array([0xf0, 0x9f, 0x98, 0x41])), "UTF-8: invalid utf-8 sequence of 3 bytes from index 0");
  assert.equal(utf8ErrorText(new Uint8Array([0x41, 0xe2, 0x82, 0x41])), "UTF-8: invalid utf-8 sequence of 2 bytes from index 1");
});
