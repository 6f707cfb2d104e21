// Malformed input: the compat functions throw the crate's exact message as
// a plain string (texts from malformed_test.go and sealtext_test.go), the
// coded exports throw an Error with the matching code and the same text,
// and the SDK rejects with a SealkitError of that code and text.

import test from "node:test";
import assert from "node:assert/strict";
import init, * as c from "../crypto.js";
import { codedExports } from "../crypto.js";
import * as sdk from "../index.js";
import { ErrorCode, SealkitError, toSealkitError, codeForMessage, serializeError } from "../errors.js";

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const short = b64(new Uint8Array(16));

function thrown(f, label = "") {
  let r;
  try {
    r = f();
  } catch (e) {
    return e;
  }
  assert.fail(`${label}: expected a throw, got ${typeof r}`);
}

await init();
const key = c.generateKey();
const kp = c.generateKeyPair();
const hk = c.generateHybridKeyPair();
const rk = c.generateRecoveryKey().recoveryKey;
// A secretbox holding `text` (a JS string of byte values 0–255).
const boxOf = (bytes) => c.encryptSecretbox(b64(bytes), key);
const nonUtf8 = boxOf(Buffer.from("ab\xc0", "latin1"));
const lowOrder = b64(new Uint8Array(32)); // the all-zero point

// [name, args, code, exact crate text]
const cases = [
  // base64 (malformed_test.go TestMalformedTextInputs)
  ["decryptSecretbox", ["aGVsbG8", key], "BASE64", "base64 decode: Invalid padding"],
  ["decryptSecretbox", ["aGVsbG8=\n", key], "BASE64", "base64 decode: Invalid symbol 10, offset 8."],
  ["decryptSecretbox", ["aGVsbG9=", key], "BASE64", "base64 decode: Invalid last symbol 57, offset 6."],
  ["decryptSecretbox", ["AAAAA", key], "BASE64", "base64 decode: Invalid input length: 5"],
  ["decryptSecretbox", ["-_8=", key], "BASE64", "base64 decode: Invalid symbol 45, offset 0."],
  ["decryptSecretbox", ["aGVs bG8=", key], "BASE64", "base64 decode: Invalid symbol 32, offset 4."],
  ["encryptSecretbox", ["not base64!", key], "BASE64", "base64 decode: Invalid symbol 32, offset 3."],
  ["boxSeal", ["aGVsbG8=", kp.publicKey + "\n"], "BASE64", "base64 decode: Invalid symbol 10, offset 44."],
  ["boxSeal", ["aGVsbG8=", kp.publicKey.slice(0, 43)], "BASE64", "base64 decode: Invalid padding"],
  // error order (sealtext_test.go TestErrorOrder)
  ["decryptSecretbox", ["a", "%%%%"], "BASE64", "base64 decode: Invalid input length: 1"],
  ["decryptSecretbox", ["AAAA", "AAA=\n"], "BASE64", "base64 decode: Invalid symbol 10, offset 4."],
  ["decryptSecretbox", ["AAAA", short], "INVALID_LENGTH", "invalid length: expected 32 bytes, got 16"],
  ["decryptSecretbox", ["AAAA", key], "TOO_SHORT", "ciphertext too short to be valid"],
  ["encryptSecretboxString", ["", short], "INVALID_LENGTH", "invalid length: expected 32 bytes, got 16"],
  ["boxSealOpen", ["AAAA", short, "-_-_"], "BASE64", "base64 decode: Invalid symbol 45, offset 0."],
  ["boxSealOpen", ["AAAA", short, kp.privateKey], "INVALID_LENGTH", "invalid length: expected 32 bytes, got 16"],
  ["boxSealOpen", ["AAAA", kp.publicKey, kp.privateKey], "TOO_SHORT", "ciphertext too short to be valid"],
  ["sealForUser", ["", kp.publicKey, short], "INVALID_LENGTH", "invalid length: expected 1216 bytes, got 16"],
  ["sealForUserWithLevel", ["", kp.publicKey, short, "cat5"], "INVALID_LENGTH", "invalid length: expected 1600 bytes, got 16"],
  ["sealForUserWithLevel", ["", kp.publicKey, hk.publicKey, "cat2"], "HYBRID", 'hybrid KEM: unknown security level "cat2" (want cat1, cat3 or cat5)'],
  ["deriveSessionKey", ["pw", "AAAAAAAAAAA="], "INVALID_LENGTH", "invalid length: expected 16 bytes, got 8"],
  ["recoveryKeyToSecret", ["AAAA"], "INVALID_RECOVERY_KEY", "invalid recovery key character"],
  ["recoveryKeyToSecret", ["I" + rk.slice(1)], "INVALID_RECOVERY_KEY", "invalid recovery key character"],
  ["parseSaltFromKeyHash", ["a$b$argon2id"], "INVALID_KEY_HASH", "invalid key_hash format (expected `salt$argon2id`)"],
  ["parseSaltFromKeyHash", [""], "INVALID_KEY_HASH", "invalid key_hash format (expected `salt$argon2id`)"],
  // authentication, UTF-8, low-order keys
  ["decryptSecretbox", [boxOf(new Uint8Array(5)), c.generateKey()], "DECRYPTION", "decryption failed: invalid ciphertext or wrong key"],
  ["decryptPrivateKey", [c.encryptPrivateKey(kp.privateKey, key), c.generateKey()], "DECRYPTION", "decryption failed: invalid ciphertext or wrong key"],
  ["decryptSecretboxToString", [nonUtf8, key], "UTF8", "UTF-8: invalid utf-8 sequence of 1 bytes from index 2"],
  ["decryptPrivateKey", [boxOf(Buffer.from("abc\xf0\x9f\x92", "latin1")), key], "UTF8", "UTF-8: incomplete utf-8 byte sequence from index 3"],
  ["decryptPrivateKey", [boxOf(Buffer.from("\xed\xa0\x80", "latin1")), key], "UTF8", "UTF-8: invalid utf-8 sequence of 1 bytes from index 0"],
  ["decryptPrivateKeyWithRecovery", [nonUtf8, key], "UTF8", "UTF-8: invalid utf-8 sequence of 1 bytes from index 2"],
  ["boxSeal", ["aGVsbG8=", lowOrder], "LOW_ORDER_KEY", "invalid public key: low-order X25519 point (all-zero shared secret)"],
  ["sealForUser", ["aGVsbG8=", lowOrder], "LOW_ORDER_KEY", "invalid public key: low-order X25519 point (all-zero shared secret)"],
];

test("compat functions throw the crate's text as a plain string", () => {
  for (const [name, args, , text] of cases) {
    const e = thrown(() => c[name](...args), name);
    assert.equal(typeof e, "string", `${name}: ${e}`);
    assert.equal(e, text, name);
  }
});

test("codedExports throw an Error with the code and the crate's text", () => {
  const coded = codedExports();
  for (const [name, args, code, text] of cases) {
    const e = thrown(() => coded[name](...args), name);
    assert.ok(e instanceof Error, name);
    assert.equal(e.code, code, `${name}: ${text}`);
    assert.equal(e.message, text, name);
  }
});

test("the SDK's generic call rejects with a SealkitError", async () => {
  for (const [name, args, code, text] of cases) {
    await assert.rejects(sdk.call(name, ...args), (e) => {
      assert.ok(e instanceof SealkitError, name);
      assert.equal(e.name, "SealkitError");
      assert.equal(e.code, code, name);
      assert.equal(e.message, text, name);
      return true;
    });
  }
});

test("getDirectCrypto throws SealkitError instances", async () => {
  const d = await sdk.getDirectCrypto();
  for (const [name, args, code, text] of cases) {
    const e = thrown(() => d[name](...args), name);
    assert.ok(e instanceof SealkitError, name);
    assert.equal(e.code, code, name);
    assert.equal(e.message, text, name);
  }
});

test("a message classifies to the code the core reports", () => {
  for (const [, , code, text] of cases) assert.equal(codeForMessage(text), code, text);
  assert.equal(codeForMessage("something else"), ErrorCode.INTERNAL);
  assert.equal(toSealkitError(cases[0][3]).code, "BASE64");
});

test("non-string arguments: compat throws an Error with code INVALID_ARGUMENT", () => {
  for (const f of [() => c.decryptSecretbox(1, key), () => c.sealForUser(new Uint8Array(3), kp.publicKey),
    () => c.sealForUserWithLevel("", kp.publicKey, null), () => c.encryptSecretboxString(undefined, key)]) {
    const e = thrown(f);
    assert.ok(e instanceof Error);
    assert.equal(e.code, "INVALID_ARGUMENT");
    assert.match(e.message, /^invalid argument: \w+ must be a string$/);
  }
});

test("ErrorCode lists the core's and the SDK's codes and is frozen", () => {
  assert.deepEqual(Object.keys(ErrorCode).sort(), [
    "BASE64", "DECRYPTION", "HYBRID", "INTERNAL", "INVALID_ARGUMENT", "INVALID_KEY_HASH", "INVALID_LENGTH",
    "INVALID_RECOVERY_KEY", "KDF", "LOAD", "LOW_ORDER_KEY", "NOT_READY", "SIGNATURE", "TOO_SHORT", "UNKNOWN_HANDLE", "UNSUPPORTED", "UTF8", "WORKER",
  ]);
  for (const [k, v] of Object.entries(ErrorCode)) assert.equal(k, v);
  assert.ok(Object.isFrozen(ErrorCode));
  assert.ok(Object.isFrozen(sdk.ErrorCode));
  assert.equal(sdk.SealkitError, SealkitError);
});

test("toSealkitError and serializeError", () => {
  const fromWorker = toSealkitError({ code: "DECRYPTION", message: "decryption failed: invalid ciphertext or wrong key" });
  assert.ok(fromWorker instanceof SealkitError && fromWorker instanceof Error);
  assert.equal(fromWorker.code, "DECRYPTION");
  assert.equal(toSealkitError({ code: "NO_SUCH_CODE", message: "x" }).code, "INTERNAL");
  assert.equal(toSealkitError(new TypeError("boom"), "WORKER").code, "WORKER");
  assert.equal(toSealkitError(42).code, "INTERNAL");
  const same = new SealkitError("LOAD", "m");
  assert.equal(toSealkitError(same), same);
  assert.deepEqual(serializeError(same), { code: "LOAD", message: "m" });
  assert.equal(new SealkitError("BOGUS", "m").code, "INTERNAL");
  const goErr = thrown(() => codedExports().decryptSecretbox("AAAA", short));
  assert.deepEqual(serializeError(goErr), { code: "INVALID_LENGTH", message: "invalid length: expected 32 bytes, got 16" });
});

test("SDK errors: codes for high-level calls, no secrets in messages", async () => {
  const secret = "correct horse battery staple";
  const ct = await sdk.encrypt(secret, key);
  for (const [promise, code] of [
    [sdk.decrypt(ct, c.generateKey()), "DECRYPTION"],
    [sdk.decrypt(ct, short), "INVALID_LENGTH"],
    [sdk.decrypt("AAAAA", key), "BASE64"],
    [sdk.decrypt(nonUtf8, key), "UTF8"],
    [sdk.encrypt(new Uint8Array(2), key), "INVALID_ARGUMENT"],
    [sdk.encrypt(secret, short), "INVALID_LENGTH"],
    [sdk.seal(secret, lowOrder), "LOW_ORDER_KEY"],
    [sdk.seal(42, kp.publicKey), "INVALID_ARGUMENT"],
    [sdk.seal(secret, kp.publicKey, short), "INVALID_LENGTH"],
    [sdk.seal(secret, kp.publicKey, hk.publicKey, "cat9"), "HYBRID"],
    [sdk.unseal("AAAA", kp.publicKey, kp.privateKey), "TOO_SHORT"],
    [sdk.unsealBytes(ct, kp.publicKey, kp.privateKey), "DECRYPTION"],
    [sdk.deriveSessionKey(secret, "AAAAAAAAAAA="), "INVALID_LENGTH"],
    [sdk.deriveSessionKey(secret, 7), "INVALID_ARGUMENT"],
    [sdk.generateHybridKeypair("cat2"), "INVALID_ARGUMENT"],
    [sdk.generateHybridKeypair("constructor"), "INVALID_ARGUMENT"],
    [sdk.call("noSuchFunction"), "INVALID_ARGUMENT"],
    [sdk.call("toString"), "INVALID_ARGUMENT"],
  ]) {
    await assert.rejects(promise, (e) => {
      assert.ok(e instanceof SealkitError);
      assert.equal(e.code, code, e.message);
      assert.ok(!e.message.includes(secret) && !e.message.includes(key) && !e.message.includes(kp.privateKey), e.message);
      return true;
    });
  }
});

test("unseal reports non-UTF-8 plaintext with Rust's text, matching the core", async () => {
  for (const bytes of [[0x61, 0x62, 0xc0], [0x61, 0x62, 0x63, 0xf0, 0x9f, 0x92], [0xed, 0xa0, 0x80], [0xe0, 0x80], [0xf0, 0x9f, 0x41],
    [0xf4, 0x90, 0x80, 0x80], [0xc2], [0xe2, 0x82, 0x28], [0xf0, 0x9f, 0x98, 0x41], [0xff], [0x80]]) {
    const pt = new Uint8Array(bytes);
    const want = thrown(() => c.decryptSecretboxToString(boxOf(pt), key));
    assert.match(want, /^UTF-8: /);
    const blob = await sdk.seal(pt, kp.publicKey);
    await assert.rejects(sdk.unseal(blob, kp.publicKey, kp.privateKey), (e) => {
      assert.equal(e.code, "UTF8");
      assert.equal(e.message, want, Buffer.from(pt).toString("hex"));
      return true;
    });
    assert.deepEqual(await sdk.unsealBytes(blob, kp.publicKey, kp.privateKey), pt);
  }
});
