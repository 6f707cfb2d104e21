// crypto.js as a drop-in for metamorphic-crypto's wasm-bindgen module: the
// export table of wire-format.md §6.1, result shapes, and every form of
// init(). Each init variant uses a fresh module instance (a query string
// on the import), since init() loads once per instance.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import init, * as c from "../crypto.js";

const wasmURL = new URL("../dist/sealkit.wasm", import.meta.url);
const unb64 = (s) => Buffer.from(s, "base64");
let fresh = 0;
const freshCrypto = () => import(`../crypto.js?instance=${++fresh}`);

// wire-format.md §6.1: the 21 rows marked 0.1 plus sealForUserWithLevel,
// generateHybridKeyPair512, generateHybridKeyPair1024 and the signature
// family, in table order, and sealkit's two posture functions.
const spec = [
  "deriveSessionKey", "encryptSecretboxString", "decryptSecretboxToString", "encryptSecretbox",
  "decryptSecretbox", "boxSeal", "boxSealOpen", "sealForUser", "unsealFromUser", "sealForUserWithLevel",
  "generateHybridKeyPair512", "generateHybridKeyPair", "generateHybridKeyPair1024", "isHybridCiphertext",
  "generateKey", "generateKeyPair", "generateSalt", "encryptPrivateKey", "decryptPrivateKey",
  "generateRecoveryKey", "recoveryKeyToSecret", "encryptPrivateKeyForRecovery",
  "decryptPrivateKeyWithRecovery", "parseSaltFromKeyHash",
  // The signature rows (0.5, 0.7), then sealkit's posture functions.
  "generateSigningKeyPair", "generateSigningKeyPairSuite", "deriveSigningPublicKey", "sign", "verify",
  "signaturePosture", "signaturePostureFromSignature",
];

test("before init: not ready, calls throw NOT_READY", async () => {
  const m = await freshCrypto();
  assert.equal(m.isReady(), false);
  for (const f of [() => m.generateKey(), () => m.codedExports().generateKey()]) {
    assert.throws(f, (e) => e instanceof Error && e.code === "NOT_READY");
  }
});

test("exportNames is the §6.1 list and every name is an exported function", async () => {
  await init();
  assert.equal(spec.length, 31);
  assert.deepEqual([...c.exportNames], spec);
  assert.ok(Object.isFrozen(c.exportNames));
  const coded = c.codedExports();
  assert.deepEqual(Object.keys(coded), spec);
  for (const name of spec) {
    assert.equal(typeof c[name], "function", name);
    assert.equal(typeof coded[name], "function", name);
  }
  // Nothing beyond the table, the bytes API, init and the loader helpers.
  const extra = Object.keys(c).filter((k) => !spec.includes(k)).sort();
  assert.deepEqual(extra, [
    "boxSealOpenBytes", "bytesExportNames", "codedExports", "decryptSecretboxBytes", "default",
    "encryptSecretboxBytes", "exportNames", "initSync", "isReady", "slotNames", "unsealFromUserBytes",
  ]);
  for (const name of c.bytesExportNames) assert.equal(typeof c[name], "function", name);
  assert.equal(c.isReady(), true);
});

test("result shapes", async () => {
  await init();
  const kp = c.generateKeyPair();
  assert.deepEqual(Object.keys(kp), ["publicKey", "privateKey"]);
  assert.equal(unb64(kp.publicKey).length, 32);
  assert.equal(unb64(kp.privateKey).length, 32);
  const rk = c.generateRecoveryKey();
  assert.deepEqual(Object.keys(rk), ["recoveryKey", "recoverySecretBase64"]);
  assert.match(rk.recoveryKey, /^([A-HJ-NP-Z2-9]{5}-){12}[A-HJ-NP-Z2-9]{4}$/);
  assert.equal(c.recoveryKeyToSecret(rk.recoveryKey), rk.recoverySecretBase64);
  for (const [name, pkLen] of [["generateHybridKeyPair512", 832], ["generateHybridKeyPair", 1216], ["generateHybridKeyPair1024", 1600]]) {
    const hk = c[name]();
    assert.deepEqual(Object.keys(hk), ["publicKey", "secretKey"], name);
    assert.equal(unb64(hk.publicKey).length, pkLen, name);
    assert.equal(unb64(hk.secretKey).length, 32, name);
  }
  assert.equal(unb64(c.generateKey()).length, 32);
  assert.equal(unb64(c.generateSalt()).length, 16);
  assert.notEqual(c.generateKey(), c.generateKey());
  for (const input of ["", "AAAA", "not base64", c.sealForUser("", kp.publicKey), c.sealForUser("", kp.publicKey, c.generateHybridKeyPair().publicKey)]) {
    assert.equal(typeof c.isHybridCiphertext(input), "boolean");
  }
  assert.equal(c.isHybridCiphertext(c.sealForUser("", kp.publicKey, c.generateHybridKeyPair().publicKey)), true);
  assert.equal(c.isHybridCiphertext("not base64"), false);
  assert.equal(typeof c.encryptSecretboxString("x", c.generateKey()), "string");
  const salt = c.generateSalt();
  assert.equal(c.parseSaltFromKeyHash(`${salt}$argon2id`), salt);
  // Optional PQ parameters take undefined, null or "" as None.
  for (const none of [undefined, null, ""]) {
    const ct = c.sealForUser("aGk=", kp.publicKey, none);
    assert.equal(unb64(ct).length, 48 + 2);
    assert.equal(c.unsealFromUser(ct, kp.publicKey, kp.privateKey, none), "aGk=");
  }
  // Level strings are case-insensitive; "" is cat3.
  const hk = c.generateHybridKeyPair1024();
  assert.equal(unb64(c.sealForUserWithLevel("", kp.publicKey, hk.publicKey, "CAT5"))[0], 0x03);
  assert.equal(unb64(c.sealForUserWithLevel("", kp.publicKey, c.generateHybridKeyPair().publicKey, ""))[0], 0x02);
});

test("init() twice returns the same promise and exports", async () => {
  const m = await freshCrypto();
  const p1 = m.default(wasmURL);
  const p2 = m.default("ignored.wasm");
  assert.equal(p1, p2);
  await p1;
  assert.equal(m.initSync(readFileSync(wasmURL)), await p1); // already loaded: no second instance
});

for (const [name, input] of [
  ["no argument (the default URL)", () => undefined],
  ["a URL", () => wasmURL],
  ["a file: URL string", () => wasmURL.href],
  ["bytes", () => readFileSync(wasmURL)],
  ["an ArrayBuffer", () => new Uint8Array(readFileSync(wasmURL)).buffer],
  ["a WebAssembly.Module", () => new WebAssembly.Module(readFileSync(wasmURL))],
  ["a promise of a Response", () => Promise.resolve(new Response(readFileSync(wasmURL), { headers: { "Content-Type": "application/wasm" } }))],
  ["a Response without the wasm type", () => new Response(readFileSync(wasmURL))],
  ["{module_or_path: URL}", () => ({ module_or_path: wasmURL })],
  ["{module_or_path: Module}", () => ({ module_or_path: new WebAssembly.Module(readFileSync(wasmURL)) })],
]) {
  test(`init with ${name}`, async () => {
    const m = await freshCrypto();
    await m.default(input());
    assert.equal(m.isReady(), true);
    const key = m.generateKey();
    assert.equal(m.decryptSecretboxToString(m.encryptSecretboxString("hi", key), key), "hi");
  });
}

for (const [name, input] of [["bytes", () => readFileSync(wasmURL)], ["a Module", () => new WebAssembly.Module(readFileSync(wasmURL))], ["{module}", () => ({ module: readFileSync(wasmURL) })]]) {
  test(`initSync with ${name}`, async () => {
    const m = await freshCrypto();
    const exportsObject = m.initSync(input());
    assert.equal(typeof exportsObject.generateKey, "function");
    assert.equal(m.isReady(), true);
    assert.equal(unb64(m.generateKey()).length, 32);
    assert.equal(m.initSync(input()), exportsObject);
  });
}

test("a failed init can be retried", async () => {
  const m = await freshCrypto();
  await assert.rejects(m.default(new URL("./no-such.wasm", wasmURL)));
  assert.equal(m.isReady(), false);
  await assert.rejects(m.default(new Uint8Array([0, 97, 115, 109, 9, 9, 9, 9])));
  await m.default(wasmURL);
  assert.equal(m.isReady(), true);
});
