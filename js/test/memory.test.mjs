// What stays in the WebAssembly module's linear memory after the secret
// operations of a registration and a login: the test runs them through
// crypto.js — as the SDK's worker does — and then scans every byte of the
// Go instance's memory for the password, the session key, the private
// keys, the hybrid seed, a per-resource key, the recovery secret and a
// decrypted plaintext, raw and as the base64 text that crossed the
// boundary. docs/ARCHITECTURE.md ("Key material in memory") states the
// promise this checks: the core leaves no copy of any of them in linear
// memory, and once a key handle is released, none of its slot's. Copies
// outside linear memory (the JavaScript strings the caller holds) are the
// caller's, and out of reach of this scan.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";

// crypto.js does not expose the instance; catch it as it is made, so that
// the scan reads the memory the functions actually ran in.
let instance = null;
const RealInstance = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(RealInstance, {
  construct(target, args, newTarget) {
    instance = Reflect.construct(target, args, newTarget);
    return instance;
  },
});
const c = await import("../crypto.js");
c.initSync(readFileSync(new URL("../dist/sealkit.wasm", import.meta.url)));
WebAssembly.Instance = RealInstance;

const unb64 = (s) => Buffer.from(s, "base64");

// count returns how many times needle occurs in the module's memory.
function count(needle) {
  const mem = Buffer.from(instance.exports.mem.buffer);
  let n = 0;
  for (let i = mem.indexOf(needle); i >= 0; i = mem.indexOf(needle, i + 1)) n++;
  return n;
}

// secret returns scan entries for a base64 secret: its bytes, and the
// base64 text that crossed the module's boundary.
const secret = (label, b64) => [[label, unb64(b64)], [label + " (base64)", Buffer.from(b64, "latin1")]];

test("no secret stays in linear memory after registration and login", (t) => {
  // A password no one else uses, so a hit cannot be a coincidence.
  const password = "sealkit memory scan " + randomBytes(12).toString("hex") + " ✓";
  const salt = c.generateSalt();

  // Registration: session key, key pairs, wrapped keys, a recovery key.
  const sessionKey = c.deriveSessionKey(password, salt);
  const kp = c.generateKeyPair();
  const hk = c.generateHybridKeyPair();
  const wrapped = c.encryptPrivateKey(kp.privateKey, sessionKey);
  const wrappedPQ = c.encryptPrivateKey(hk.secretKey, sessionKey);
  const rk = c.generateRecoveryKey();
  const recoveryWrapped = c.encryptPrivateKeyForRecovery(kp.privateKey, rk.recoverySecretBase64);
  const userKey = c.generateKey();
  const sealed = c.sealForUser(userKey, kp.publicKey, hk.publicKey);
  const boxed = c.sealForUser(userKey, kp.publicKey);
  const note = "a note no one else wrote " + randomBytes(12).toString("hex");
  const noteCt = c.encryptSecretboxString(note, userKey);

  // Login: derive again, unwrap, open what was sealed to the user.
  assert.equal(c.deriveSessionKey(password, salt), sessionKey);
  assert.equal(c.decryptPrivateKey(wrapped, sessionKey), kp.privateKey);
  assert.equal(c.decryptPrivateKey(wrappedPQ, sessionKey), hk.secretKey);
  assert.equal(c.unsealFromUser(sealed, kp.publicKey, kp.privateKey, hk.secretKey), userKey);
  assert.equal(c.unsealFromUser(boxed, kp.publicKey, kp.privateKey, hk.secretKey), userKey);
  assert.equal(c.boxSealOpen(boxed, kp.publicKey, kp.privateKey), userKey);
  assert.equal(c.decryptSecretboxToString(noteCt, userKey), note);
  assert.equal(c.decryptSecretbox(c.encryptSecretbox(userKey, sessionKey), sessionKey), userKey);
  // Recovery: the key text back to its secret, then the unwrap.
  assert.equal(c.recoveryKeyToSecret(rk.recoveryKey), rk.recoverySecretBase64);
  assert.equal(c.decryptPrivateKeyWithRecovery(recoveryWrapped, rk.recoverySecretBase64), kp.privateKey);

  // What the hybrid seed expands to (SHAKE256(seed)[0:96], wire-format
  // §3.3): ML-KEM's d and z, then the X25519 secret. The ML-KEM libraries
  // copy d and z into their key objects, which the core wipes too.
  const expanded = createHash("shake256", { outputLength: 96 }).update(unb64(hk.secretKey)).digest();
  const entries = [
    ["password", Buffer.from(password, "utf8")],
    ["decrypted note", Buffer.from(note, "utf8")],
    ...secret("session key", sessionKey),
    ...secret("X25519 private key", kp.privateKey),
    ...secret("hybrid seed", hk.secretKey),
    ["ML-KEM d", expanded.subarray(0, 32)],
    ["ML-KEM z", expanded.subarray(32, 64)],
    ["hybrid X25519 secret", expanded.subarray(64)],
    ...secret("per-resource key", userKey),
    ...secret("recovery secret", rk.recoverySecretBase64),
    ["recovery key", Buffer.from(rk.recoveryKey, "latin1")],
  ];
  const found = Object.fromEntries(entries.map(([label, bytes]) => [label, count(bytes)]));
  t.diagnostic(`copies in linear memory: ${JSON.stringify(found)}`);

  // The scan sees the module's memory: the export names in its data are
  // there.
  assert.ok(count(Buffer.from("decryptPrivateKeyWithRecovery")) > 0, "the scan does not see the module's data");
  assert.ok(instance.exports.mem.buffer.byteLength > 64 << 20, "memory smaller than Argon2's 64 MiB: not the module that derived");
  const left = Object.entries(found).filter(([, n]) => n > 0);
  assert.deepEqual(left, [], "secrets left in the module's linear memory");
});

// The key store's slots (keystore.js over cmd/sealkit-wasm/slots.go) hold
// keys in linear memory on purpose while their handles live: the X25519
// private key, the hybrid seed, the expanded ML-KEM key and resource keys.
// The scan first finds each of them there — so that it sees what the
// slots hold — and then, after release and after releaseAll, nowhere.
test("after release and releaseAll, no key of a handle stays in linear memory", async (t) => {
  const { makeKeystore } = await import("../keystore.js");
  const { ml_kem768 } = await import("@noble/post-quantum/ml-kem.js");
  const store = makeKeystore(c.codedExports(), { slots: c.codedExports(c.slotNames) });
  const run = (name, ...args) => store.run(name, args, null);

  const sessionKey = c.generateKey();
  const kp = c.generateKeyPair();
  const hk = c.generateHybridKeyPair();
  const me = {
    public_key: kp.publicKey,
    pq_public_key: hk.publicKey,
    encrypted_private_key: c.encryptPrivateKey(kp.privateKey, sessionKey),
    encrypted_pq_private_key: c.encryptPrivateKey(hk.secretKey, sessionKey),
  };
  // The expanded ML-KEM-768 key: d‖z = SHAKE256(seed)[0:64] (wire-format
  // §3.3); its secret vector ŝ is the first 1152 bytes of the FIPS 203
  // decapsulation key (12-bit coefficients), which Go keeps as uint16s.
  // The window is ŝ's first 16 coefficients as Go holds them.
  const expanded = createHash("shake256", { outputLength: 96 }).update(unb64(hk.secretKey)).digest();
  const dk = ml_kem768.keygen(new Uint8Array(expanded.subarray(0, 64))).secretKey;
  const window = Buffer.alloc(32);
  for (let i = 0; i < 16; i += 2) {
    const b = dk.subarray((i / 2) * 3, (i / 2) * 3 + 3);
    window.writeUInt16LE(b[0] | ((b[1] & 0x0f) << 8), 2 * i);
    window.writeUInt16LE((b[1] >> 4) | (b[2] << 4), 2 * i + 2);
  }

  // A round of every slot-backed call, leaving a user handle and a key
  // handle with their slots made.
  async function useHandles() {
    const session = await run("importSessionKey", sessionKey);
    const { user } = await run("unlockUser", session, me);
    const resourceKey = c.generateKey();
    const key = await run("openKey", user, c.sealForUser(resourceKey, kp.publicKey, hk.publicKey));
    const boxKey = await run("openKey", user, c.sealForUser(resourceKey, kp.publicKey));
    assert.equal(await run("unsealText", user, c.sealForUser("aGk=", kp.publicKey, hk.publicKey)), "hi");
    const ct = await run("encryptText", key, "note");
    assert.equal(await run("decryptText", boxKey, ct), "note");
    assert.deepEqual(await run("decryptBytes", key, await run("encryptBytes", key, new Uint8Array([1, 2]))), new Uint8Array([1, 2]));
    await run("sealKey", key, [{ user_id: 1, public_key: kp.publicKey, pq_public_key: hk.publicKey }]);
    await run("release", session);
    return { user, key, boxKey, resourceKey };
  }
  const scan = (resourceKey) => Object.fromEntries([
    ["X25519 private key", unb64(kp.privateKey)],
    ["hybrid seed", unb64(hk.secretKey)],
    ["expanded ML-KEM key (ŝ window)", window],
    ["ML-KEM d", expanded.subarray(0, 32)],
    ["ML-KEM z", expanded.subarray(32, 64)],
    ["hybrid X25519 secret", expanded.subarray(64)],
    ["resource key", unb64(resourceKey)],
  ].map(([label, bytes]) => [label, count(bytes)]));

  let h = await useHandles();
  const held = scan(h.resourceKey);
  t.diagnostic(`while the handles live: ${JSON.stringify(held)}`);
  for (const [label, n] of Object.entries(held)) assert.ok(n > 0, `${label} not found in a live slot: the scan does not see the slots`);
  await run("release", h.user);
  await run("release", h.key);
  await run("release", h.boxKey);
  const afterRelease = scan(h.resourceKey);
  t.diagnostic(`after release: ${JSON.stringify(afterRelease)}`);
  assert.deepEqual(Object.entries(afterRelease).filter(([, n]) => n > 0), [], "keys left in linear memory after release");

  h = await useHandles();
  assert.ok(scan(h.resourceKey)["resource key"] > 0);
  assert.ok(await run("releaseAll") >= 3);
  const afterAll = scan(h.resourceKey);
  t.diagnostic(`after releaseAll: ${JSON.stringify(afterAll)}`);
  assert.deepEqual(Object.entries(afterAll).filter(([, n]) => n > 0), [], "keys left in linear memory after releaseAll");
});

// Signing keys (issue 15). What sealkit holds is wiped: the composite
// secret key as decoded or passed as bytes (signBytes), its base64 text,
// and the key objects it can reach (the Ed25519 seed ‖ public key, the
// ML-DSA private key struct). What the standard library keeps out of
// reach is not: crypto/ed25519's cache of expanded keys and the private
// key struct crypto/mldsa copies out of its FIPS module, garbage that
// lingers until reused (docs/ARCHITECTURE.md, "Not wiped"). The scan
// asserts the first and reports the second.
test("signing: the composite secret key and its base64 text do not stay in linear memory", (t) => {
  const kp = c.generateSigningKeyPair("cat3");
  const sk = unb64(kp.secretKey);
  const msg = Buffer.from("a statement").toString("base64");
  const sig = c.sign(msg, "ctx", kp.secretKey);
  assert.equal(c.verify(msg, "ctx", sig, kp.publicKey), true);
  assert.equal(c.deriveSigningPublicKey(kp.secretKey), kp.publicKey);
  const slots = c.codedExports(c.slotNames);
  assert.equal(slots.signingPublicKeyBytes(new Uint8Array(sk)), kp.publicKey);
  assert.equal(c.verify(msg, "ctx", slots.signBytes(unb64(msg), "ctx", new Uint8Array(sk)), kp.publicKey), true);
  const found = {
    "signing secret key": count(sk),
    "signing secret key (base64)": count(Buffer.from(kp.secretKey, "latin1")),
  };
  const components = { "Ed25519 seed": count(sk.subarray(1, 33)), "ML-DSA seed": count(sk.subarray(33)) };
  t.diagnostic(`copies in linear memory: ${JSON.stringify(found)}; components in the standard library's unreachable copies: ${JSON.stringify(components)}`);
  assert.deepEqual(Object.entries(found).filter(([, n]) => n > 0), [], "the signing key left in linear memory");
});
