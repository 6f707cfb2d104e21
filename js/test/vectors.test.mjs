// The shared test vectors (testdata/vectors/*.json) through the compat
// functions of crypto.js, entry by entry with the semantics of the Go
// tests in vectors_test.go. Fixed-randomness entries cannot be re-sealed
// from JavaScript (no API takes randomness), so their ciphertexts are
// opened and fresh seals are checked for size and round trip.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import init, * as c from "../crypto.js";

const vectorDir = new URL("../../testdata/vectors/", import.meta.url);
function load(name) {
  const file = JSON.parse(readFileSync(new URL(`${name}.json`, vectorDir), "utf8"));
  assert.ok(file.vectors.length > 0, `${name}: no vectors`);
  return file.vectors;
}

const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const hex = (s) => new Uint8Array(Buffer.from(s, "hex"));
const utf8b64 = (s) => Buffer.from(s, "utf8").toString("base64");

function plaintextB64(v) {
  if ("plaintext_hex" in v) return b64(hex(v.plaintext_hex));
  if ("plaintext_b64" in v) return v.plaintext_b64;
  return utf8b64(v.plaintext_utf8);
}

// thrown runs f and returns what it threw, failing if it returned.
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}

test.before(async () => {
  await init();
});

// Every entry of a file must be handled by exactly one branch; a new kind
// of entry fails the test instead of passing silently.
function eachVector(name, handle) {
  for (const v of load(name)) {
    test(`${name}: ${v.desc}`, () => {
      const handled = handle(v);
      assert.equal(handled, true, `unhandled ${name} vector`);
    });
  }
}

eachVector("encoding", (v) => {
  assert.equal(Buffer.from(v.bytes_utf8, "utf8").toString("base64"), v.b64);
  const key = c.generateKey();
  // The core decodes the vector's base64 and encodes its output the same way.
  assert.equal(c.decryptSecretbox(c.encryptSecretbox(v.b64, key), key), v.b64);
  assert.equal(c.decryptSecretbox(c.encryptSecretboxString(v.bytes_utf8, key), key), v.b64);
  assert.equal(c.decryptSecretboxToString(c.encryptSecretbox(v.b64, key), key), v.bytes_utf8);
  const kp = c.generateKeyPair();
  assert.equal(c.boxSealOpen(c.boxSeal(v.b64, kp.publicKey), kp.publicKey, kp.privateKey), v.b64);
  assert.equal(c.unsealFromUser(c.sealForUser(v.b64, kp.publicKey), kp.publicKey, kp.privateKey), v.b64);
  return true;
});

eachVector("secretbox", (v) => {
  if (v.error === "InvalidLength") {
    const got = unb64(v.key_b64).length;
    const want = `invalid length: expected 32 bytes, got ${got}`;
    assert.equal(thrown(() => c.encryptSecretbox("eA==", v.key_b64)), want);
    assert.equal(thrown(() => c.encryptSecretboxString("x", v.key_b64)), want);
    assert.equal(thrown(() => c.decryptSecretbox(b64(new Uint8Array(64)), v.key_b64)), want);
    assert.equal(thrown(() => c.decryptSecretboxToString(b64(new Uint8Array(64)), v.key_b64)), want);
    return true;
  }
  if (v.error === "TooShort / Base64") {
    const key = b64(new Uint8Array(32).fill(1));
    for (let n = 0; n < 40; n++) {
      assert.equal(thrown(() => c.decryptSecretbox(b64(new Uint8Array(n)), key)), "ciphertext too short to be valid", `${n} bytes`);
    }
    assert.equal(thrown(() => c.decryptSecretbox("invalid", key)), "base64 decode: Invalid padding");
    return true;
  }
  if ("ciphertext_len" in v) {
    for (const ct of [c.encryptSecretboxString(v.plaintext_utf8, v.key_b64), c.encryptSecretbox(plaintextB64(v), v.key_b64)]) {
      assert.equal(unb64(ct).length, v.ciphertext_len);
      assert.equal(c.decryptSecretboxToString(ct, v.key_b64), v.plaintext_utf8);
    }
    return true;
  }
  if ("private_key_b64" in v) {
    const { ciphertext_b64: ct, session_key_b64: sk } = v;
    assert.deepEqual(unb64(ct).subarray(0, 24), hex(v.nonce_hex));
    assert.equal(c.decryptPrivateKey(ct, sk), v.private_key_b64);
    assert.equal(c.decryptPrivateKeyWithRecovery(ct, sk), v.private_key_b64);
    assert.equal(c.decryptSecretboxToString(ct, sk), v.plaintext_utf8);
    // Fresh wraps: same size (random nonce), same contents.
    for (const [wrap, open] of [[c.encryptPrivateKey, c.decryptPrivateKey], [c.encryptPrivateKeyForRecovery, c.decryptPrivateKeyWithRecovery]]) {
      const fresh = wrap(v.private_key_b64, sk);
      assert.notEqual(fresh, ct);
      assert.equal(unb64(fresh).length, unb64(ct).length);
      assert.equal(open(fresh, sk), v.private_key_b64);
    }
    return true;
  }
  // A fixed-nonce ciphertext.
  assert.equal(b64(hex(v.ciphertext_hex)), v.ciphertext_b64);
  assert.deepEqual(unb64(v.ciphertext_b64).subarray(0, 24), hex(v.nonce_hex));
  assert.equal(c.decryptSecretbox(v.ciphertext_b64, v.key_b64), plaintextB64(v));
  assert.equal(c.decryptSecretboxToString(v.ciphertext_b64, v.key_b64), v.plaintext_utf8);
  const fresh = c.encryptSecretbox(plaintextB64(v), v.key_b64);
  assert.equal(unb64(fresh).length, unb64(v.ciphertext_b64).length);
  assert.equal(c.decryptSecretbox(fresh, v.key_b64), plaintextB64(v));
  // One flipped bit anywhere fails authentication.
  const bad = unb64(v.ciphertext_b64);
  bad[bad.length - 1] ^= 1;
  assert.equal(thrown(() => c.decryptSecretbox(b64(bad), v.key_b64)), "decryption failed: invalid ciphertext or wrong key");
  return true;
});

eachVector("box_seal", (v) => {
  const pt = plaintextB64(v);
  if ("ciphertext_len" in v) {
    const kp = c.generateKeyPair();
    for (const ct of [c.boxSeal(pt, kp.publicKey), c.sealForUser(pt, kp.publicKey), c.sealForUser(pt, kp.publicKey, null)]) {
      assert.equal(unb64(ct).length, v.ciphertext_len);
      assert.equal(c.boxSealOpen(ct, kp.publicKey, kp.privateKey), pt);
    }
    return true;
  }
  const { ciphertext_b64: ct, recipient_public_key_b64: pub, recipient_private_key_b64: priv } = v;
  assert.deepEqual(unb64(ct).subarray(0, 32), hex(v.ephemeral_public_hex));
  assert.equal(c.boxSealOpen(ct, pub, priv), pt);
  // The unified unseal, with and without a PQ seed: box seals never look hybrid.
  assert.equal(c.isHybridCiphertext(ct), false);
  for (const seed of [undefined, null, b64(new Uint8Array(32))]) {
    assert.equal(c.unsealFromUser(ct, pub, priv, seed), pt);
  }
  // The vector's key pair seals too.
  assert.equal(c.boxSealOpen(c.boxSeal(pt, pub), pub, priv), pt);
  assert.equal(thrown(() => c.boxSealOpen(ct, pub, b64(new Uint8Array(32).fill(0x12)))), "decryption failed: invalid ciphertext or wrong key");
  return true;
});

const levels = [["cat1", "generateHybridKeyPair512", 0x01], ["cat3", "generateHybridKeyPair", 0x02], ["cat5", "generateHybridKeyPair1024", 0x03]];

eachVector("hybrid", (v) => {
  if ("seed_b64" in v) {
    const pt = plaintextB64(v);
    const ct = v.ciphertext_b64;
    assert.equal(unb64(ct).length, v.ciphertext_len);
    assert.equal(unb64(ct)[0], Number(v.tag));
    assert.equal(unb64(v.public_key_b64).length, v.public_key_len);
    assert.equal(c.isHybridCiphertext(ct), true);
    // Opens with the seed whatever X25519 pair is passed beside it.
    const kp = c.generateKeyPair();
    assert.equal(c.unsealFromUser(ct, kp.publicKey, kp.privateKey, v.seed_b64), pt);
    // Without the seed it is tried as a box seal and fails.
    assert.equal(thrown(() => c.unsealFromUser(ct, kp.publicKey, kp.privateKey)), "decryption failed: invalid ciphertext or wrong key");
    // The vector's public key belongs to the seed: a fresh seal to it opens.
    const fresh = c.sealForUser(pt, kp.publicKey, v.public_key_b64);
    assert.equal(unb64(fresh).length, v.ciphertext_len);
    assert.equal(c.unsealFromUser(fresh, kp.publicKey, kp.privateKey, v.seed_b64), pt);
    return true;
  }
  if ("cat1_ct_len" in v) {
    const pt = b64(new Uint8Array(32));
    const kp = c.generateKeyPair();
    for (const [level, gen, tag] of levels) {
      const hk = c[gen]();
      assert.equal(unb64(hk.publicKey).length, v[`${level}_pk_len`], level);
      assert.equal(unb64(hk.secretKey).length, v.sk_len, level);
      const ct = c.sealForUserWithLevel(pt, kp.publicKey, hk.publicKey, level);
      assert.equal(unb64(ct).length, v[`${level}_ct_len`], level);
      assert.equal(unb64(ct)[0], tag, level);
      assert.equal(c.isHybridCiphertext(ct), true, level);
      assert.equal(c.unsealFromUser(ct, kp.publicKey, kp.privateKey, hk.secretKey), pt, level);
    }
    return true;
  }
  if ("ciphertext_len" in v) {
    const kp = c.generateKeyPair();
    const hk = c.generateHybridKeyPair();
    for (const ct of [c.sealForUser(plaintextB64(v), kp.publicKey, hk.publicKey), c.sealForUserWithLevel(plaintextB64(v), kp.publicKey, hk.publicKey, "")]) {
      assert.equal(unb64(ct).length, v.ciphertext_len);
      assert.equal(c.unsealFromUser(ct, kp.publicKey, kp.privateKey, hk.secretKey), plaintextB64(v));
    }
    return true;
  }
  if ("min_cat1_len" in v) {
    for (const [n, want] of [[v.min_cat1_len - 1, v.len_840_is_hybrid], [v.min_cat1_len, v.len_841_is_hybrid]]) {
      const blob = new Uint8Array(n);
      blob[0] = 0x01;
      assert.equal(c.isHybridCiphertext(b64(blob)), want, `0x01 + ${n - 1} bytes`);
    }
    return true;
  }
  if ("blob_hex" in v) {
    const blob = b64(hex(v.blob_hex));
    assert.equal(c.isHybridCiphertext(blob), v.is_hybrid);
    // No hybridOpen export: through unsealFromUser a blob that is not
    // hybrid is opened as a box seal, whose own checks reject it.
    const kp = c.generateKeyPair();
    const want = hex(v.blob_hex).length < 48 ? "ciphertext too short to be valid" : "decryption failed: invalid ciphertext or wrong key";
    assert.equal(thrown(() => c.unsealFromUser(blob, kp.publicKey, kp.privateKey, b64(new Uint8Array(32)))), want);
    return true;
  }
  return false;
});

eachVector("kdf", (v) => {
  if (v.error === "InvalidKeyHash") {
    assert.equal(thrown(() => c.parseSaltFromKeyHash(v.key_hash)), "invalid key_hash format (expected `salt$argon2id`)");
    return true;
  }
  if (v.error === "InvalidLength") {
    assert.equal(thrown(() => c.deriveSessionKey(v.password_utf8, v.salt_b64)), `invalid length: expected 16 bytes, got ${unb64(v.salt_b64).length}`);
    return true;
  }
  if ("session_key_b64" in v) {
    assert.equal(v.key_hash, `${v.salt_b64}$argon2id`);
    assert.equal(c.parseSaltFromKeyHash(v.key_hash), v.salt_b64);
    assert.equal(c.deriveSessionKey(v.password_utf8, v.salt_b64), v.session_key_b64);
    assert.equal(b64(hex(v.session_key_hex)), v.session_key_b64);
    return true;
  }
  assert.equal(c.parseSaltFromKeyHash(v.key_hash), v.salt_b64);
  return true;
});

eachVector("recovery", (v) => {
  if (v.error) {
    assert.equal(thrown(() => c.recoveryKeyToSecret(v.recovery_key)), "invalid recovery key character");
    return true;
  }
  assert.equal(c.recoveryKeyToSecret(v.recovery_key), v.recovery_secret_b64);
  assert.equal(b64(hex(v.secret_hex)), v.recovery_secret_b64);
  // Decoding strips dashes and upper-cases.
  assert.equal(c.recoveryKeyToSecret(v.recovery_key.replaceAll("-", "").toLowerCase()), v.recovery_secret_b64);
  if (v.reencoded) assert.equal(c.recoveryKeyToSecret(v.reencoded), v.recovery_secret_b64);
  // The secret wraps a private key.
  const kp = c.generateKeyPair();
  const wrapped = c.encryptPrivateKeyForRecovery(kp.privateKey, v.recovery_secret_b64);
  assert.equal(c.decryptPrivateKeyWithRecovery(wrapped, c.recoveryKeyToSecret(v.recovery_key)), kp.privateKey);
  return true;
});
