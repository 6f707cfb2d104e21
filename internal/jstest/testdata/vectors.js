// Runs every entry of the shared vectors (testdata/vectors/*.json, served
// under /vectors/) through the SDK's worker: sdk.call(name, ...args), i.e.
// the exports of the WebAssembly module (and verifySignature). The semantics follow the Go
// tests of the same files (vectors_test.go). The public API takes no
// caller randomness, so the fixed-nonce ciphertexts are checked by opening
// them, and fresh encryptions by length and round trip.

import { pageReady, pageFailed, describe, bytesToB64, b64ToBytes } from "./harness.js";
import * as sdk from "/sdk/index.js";

const c = (name, ...args) => sdk.call(name, ...args);

const enc = new TextEncoder();
function hexToBytes(h) {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}
function bytesToHex(b) {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}
const fill = (n, v) => bytesToB64(new Uint8Array(n).fill(v));

class Mismatch extends Error {}
function eq(what, got, want) {
  if (got !== want) throw new Mismatch(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

// fails expects p to reject with a SealkitError of the code, and of the
// exact message (or, for a RegExp, a matching one).
async function fails(what, p, code, message) {
  let err;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  if (err === undefined) throw new Mismatch(`${what}: succeeded, want ${code}`);
  if (!(err instanceof sdk.SealkitError)) throw new Mismatch(`${what}: threw ${describe(err)}, not a SealkitError`);
  eq(`${what}: code`, err.code, code);
  if (message instanceof RegExp) {
    if (!message.test(err.message)) throw new Mismatch(`${what}: message ${JSON.stringify(err.message)} does not match ${message}`);
  } else {
    eq(`${what}: message`, err.message, message);
  }
}

function plaintext(v) {
  if ("plaintext_hex" in v) return hexToBytes(v.plaintext_hex);
  if ("plaintext_b64" in v) return b64ToBytes(v.plaintext_b64);
  return enc.encode(v.plaintext_utf8);
}

const invalidLength = (want, got) => `invalid length: expected ${want} bytes, got ${got}`;
const tooShort = "ciphertext too short to be valid";

// A secretbox round trip of fresh randomness: length and opening.
async function secretboxRoundTrip(ptB64, key) {
  const ct = await c("encryptSecretbox", ptB64, key);
  eq("fresh ciphertext length", b64ToBytes(ct).length, 40 + b64ToBytes(ptB64).length);
  eq("fresh ciphertext opens", await c("decryptSecretbox", ct, key), ptB64);
  return ct;
}

const runners = {
  // sealkit's own auth key (docs/PROTOCOL.md §2): the SDK's Web Crypto
  // HKDF, and, for the password vector, the worker's Argon2id before it.
  async authkey(v) {
    const sk = bytesToB64(hexToBytes(v.session_key));
    if (v.password !== undefined) {
      eq("deriveSessionKey", await sdk.deriveSessionKey(v.password, bytesToB64(enc.encode(v.salt_utf8))), sk);
    }
    eq("deriveAuthKey", await sdk.deriveAuthKey(sk), bytesToB64(hexToBytes(v.auth_key)));
  },

  async encoding(v) {
    const key = fill(32, 7);
    const ct = await c("encryptSecretbox", v.b64, key);
    eq("decryptSecretbox (encode)", await c("decryptSecretbox", ct, key), v.b64);
    eq("decryptSecretboxToString (decode)", await c("decryptSecretboxToString", ct, key), v.bytes_utf8);
    const ct2 = await c("encryptSecretboxString", v.bytes_utf8, key);
    eq("encryptSecretboxString → decryptSecretbox", await c("decryptSecretbox", ct2, key), v.b64);
  },

  async secretbox(v) {
    if (v.error === "InvalidLength") {
      const n = b64ToBytes(v.key_b64).length;
      await fails("encrypt with short key", c("encryptSecretbox", "eA==", v.key_b64), "INVALID_LENGTH", invalidLength(32, n));
      await fails("decrypt with short key", c("decryptSecretbox", fill(64, 0), v.key_b64), "INVALID_LENGTH", invalidLength(32, n));
      return;
    }
    if (v.error === "TooShort / Base64") {
      const key = fill(32, 1);
      for (let n = 0; n < 40; n++) await fails(`${n}-byte blob`, c("decryptSecretbox", fill(n, 0), key), "TOO_SHORT", tooShort);
      await fails("decrypt of 'invalid'", c("decryptSecretbox", "invalid", key), "BASE64", /^base64 decode: /);
      return;
    }
    if (v.error !== undefined) throw new Mismatch(`unknown error kind ${v.error}`);
    if ("ciphertext_len" in v) {
      const ct = await secretboxRoundTrip(bytesToB64(plaintext(v)), v.key_b64);
      eq("ciphertext_len", b64ToBytes(ct).length, v.ciphertext_len);
      return;
    }
    if ("private_key_b64" in v) {
      eq("decryptPrivateKey", await c("decryptPrivateKey", v.ciphertext_b64, v.session_key_b64), v.private_key_b64);
      eq("decryptPrivateKeyWithRecovery", await c("decryptPrivateKeyWithRecovery", v.ciphertext_b64, v.session_key_b64), v.private_key_b64);
      eq("inner plaintext", await c("decryptSecretboxToString", v.ciphertext_b64, v.session_key_b64), v.plaintext_utf8);
      eq("nonce prefix", bytesToHex(b64ToBytes(v.ciphertext_b64).subarray(0, 24)), v.nonce_hex);
      for (const [wrap, unwrap] of [["encryptPrivateKey", "decryptPrivateKey"], ["encryptPrivateKeyForRecovery", "decryptPrivateKeyWithRecovery"]]) {
        const ct = await c(wrap, v.private_key_b64, v.session_key_b64);
        eq(`${wrap} length`, b64ToBytes(ct).length, b64ToBytes(v.ciphertext_b64).length);
        eq(`${wrap} → ${unwrap}`, await c(unwrap, ct, v.session_key_b64), v.private_key_b64);
      }
      return;
    }
    const pt = bytesToB64(plaintext(v));
    eq("decryptSecretbox of the vector", await c("decryptSecretbox", v.ciphertext_b64, v.key_b64), pt);
    eq("nonce prefix", bytesToHex(b64ToBytes(v.ciphertext_b64).subarray(0, 24)), v.nonce_hex);
    if ("plaintext_utf8" in v) eq("decryptSecretboxToString", await c("decryptSecretboxToString", v.ciphertext_b64, v.key_b64), v.plaintext_utf8);
    await secretboxRoundTrip(pt, v.key_b64);
  },

  async box_seal(v) {
    const pt = bytesToB64(plaintext(v));
    if ("ciphertext_len" in v) {
      const kp = await c("generateKeyPair");
      const ct = await c("boxSeal", pt, kp.publicKey);
      eq("ciphertext_len", b64ToBytes(ct).length, v.ciphertext_len);
      eq("boxSealOpen", await c("boxSealOpen", ct, kp.publicKey, kp.privateKey), pt);
      return;
    }
    const pub = v.recipient_public_key_b64, priv = v.recipient_private_key_b64;
    eq("boxSealOpen of the vector", await c("boxSealOpen", v.ciphertext_b64, pub, priv), pt);
    eq("ephemeral public key prefix", bytesToHex(b64ToBytes(v.ciphertext_b64).subarray(0, 32)), v.ephemeral_public_hex);
    eq("unsealFromUser without seed", await c("unsealFromUser", v.ciphertext_b64, pub, priv, undefined), pt);
    eq("unsealFromUser with a seed", await c("unsealFromUser", v.ciphertext_b64, pub, priv, fill(32, 0)), pt);
    const ct = await c("boxSeal", pt, pub);
    eq("fresh box seal length", b64ToBytes(ct).length, 48 + b64ToBytes(pt).length);
    eq("fresh box seal opens", await c("boxSealOpen", ct, pub, priv), pt);
  },

  async kdf(v) {
    if (v.error === "InvalidKeyHash") {
      await fails("parseSaltFromKeyHash", c("parseSaltFromKeyHash", v.key_hash), "INVALID_KEY_HASH", "invalid key_hash format (expected `salt$argon2id`)");
      return;
    }
    if (v.error === "InvalidLength") {
      await fails("deriveSessionKey", c("deriveSessionKey", v.password_utf8, v.salt_b64), "INVALID_LENGTH", invalidLength(16, b64ToBytes(v.salt_b64).length));
      return;
    }
    if (v.error !== undefined) throw new Mismatch(`unknown error kind ${v.error}`);
    if ("session_key_b64" in v) {
      eq("deriveSessionKey", await c("deriveSessionKey", v.password_utf8, v.salt_b64), v.session_key_b64);
    }
    eq("parseSaltFromKeyHash", await c("parseSaltFromKeyHash", v.key_hash), v.salt_b64);
  },

  async recovery(v) {
    if (v.error !== undefined) {
      await fails("recoveryKeyToSecret", c("recoveryKeyToSecret", v.recovery_key), "INVALID_RECOVERY_KEY", "invalid recovery key character");
      return;
    }
    const forms = [v.recovery_key, v.recovery_key.toLowerCase(), v.recovery_key.replaceAll("-", "")];
    if (v.reencoded) forms.push(v.reencoded);
    for (const form of forms) eq(`recoveryKeyToSecret(${form})`, await c("recoveryKeyToSecret", form), v.recovery_secret_b64);
    eq("secret bytes", bytesToHex(b64ToBytes(v.recovery_secret_b64)), v.secret_hex);
    const { privateKey } = await c("generateKeyPair");
    const ct = await c("encryptPrivateKeyForRecovery", privateKey, v.recovery_secret_b64);
    if (await c("decryptPrivateKeyWithRecovery", ct, v.recovery_secret_b64) !== privateKey) throw new Mismatch("recovery wrap round trip failed");
  },

  async hybrid(v) {
    if ("seed_b64" in v) {
      const pt = bytesToB64(plaintext(v));
      const ct = b64ToBytes(v.ciphertext_b64);
      eq("ciphertext_len", ct.length, v.ciphertext_len);
      eq("tag", "0x" + ct[0].toString(16).padStart(2, "0"), v.tag);
      eq("public_key_len", b64ToBytes(v.public_key_b64).length, v.public_key_len);
      eq("isHybridCiphertext", await c("isHybridCiphertext", v.ciphertext_b64), true);
      const kp = await c("generateKeyPair"); // any X25519 pair: the hybrid open comes first
      eq("unsealFromUser of the vector", await c("unsealFromUser", v.ciphertext_b64, kp.publicKey, kp.privateKey, v.seed_b64), pt);
      // The vector's public key belongs to its seed: a fresh seal to it opens.
      const fresh = await c("sealForUser", pt, kp.publicKey, v.public_key_b64);
      eq("fresh seal length", b64ToBytes(fresh).length, v.ciphertext_len);
      eq("fresh seal to the vector's key opens with its seed", await c("unsealFromUser", fresh, kp.publicKey, kp.privateKey, v.seed_b64), pt);
      return;
    }
    if ("cat1_ct_len" in v) {
      const pt = fill(32, 0);
      const kp = await c("generateKeyPair");
      for (const [level, gen, tag] of [["cat1", "generateHybridKeyPair512", 1], ["cat3", "generateHybridKeyPair", 2], ["cat5", "generateHybridKeyPair1024", 3]]) {
        const hk = await c(gen);
        eq(`${level} pk length`, b64ToBytes(hk.publicKey).length, v[`${level}_pk_len`]);
        eq(`${level} sk length`, b64ToBytes(hk.secretKey).length, v.sk_len);
        const ct = b64ToBytes(await c("sealForUserWithLevel", pt, kp.publicKey, hk.publicKey, level));
        eq(`${level} ct length`, ct.length, v[`${level}_ct_len`]);
        eq(`${level} tag`, ct[0], tag);
        eq(`${level} opens`, await c("unsealFromUser", bytesToB64(ct), kp.publicKey, kp.privateKey, hk.secretKey), pt);
      }
      return;
    }
    if ("ciphertext_len" in v) {
      const kp = await c("generateKeyPair");
      const hk = await c("generateHybridKeyPair");
      const pt = bytesToB64(plaintext(v));
      const ct = await c("sealForUser", pt, kp.publicKey, hk.publicKey);
      eq("ciphertext_len", b64ToBytes(ct).length, v.ciphertext_len);
      eq("opens", await c("unsealFromUser", ct, kp.publicKey, kp.privateKey, hk.secretKey), pt);
      return;
    }
    if ("min_cat1_len" in v) {
      for (const [n, want] of [[v.min_cat1_len - 1, v.len_840_is_hybrid], [v.min_cat1_len, v.len_841_is_hybrid]]) {
        const blob = new Uint8Array(n);
        blob[0] = 1;
        eq(`isHybridCiphertext(0x01 + ${n - 1} zero bytes)`, await c("isHybridCiphertext", bytesToB64(blob)), want);
      }
      return;
    }
    if ("blob_hex" in v) {
      // hybrid_open_error (HybridOpen → TooShort) has no JavaScript export
      // to reach it (wire-format.md §6.1: no raw hybridOpen).
      eq("isHybridCiphertext", await c("isHybridCiphertext", bytesToB64(hexToBytes(v.blob_hex))), v.is_hybrid);
      return;
    }
    throw new Mismatch("unhandled vector shape");
  },

  // Composite signatures (wire-format.md §5.1): the framing through
  // verifySignature's own bytes, derived keys, the fixed signatures of
  // another implementation, fresh ones. The browser build has no Ed448 or
  // P-521 (tags 0x13, 0x14): those reject with SIGNATURE.
  async sign(v) {
    const unknown = "signature: unknown or missing signature version tag";
    if ("framed_hex" in v) {
      // The framing is checked where it is observable: a signature made
      // over the message under the context verifies, and under the framed
      // bytes as a message with an empty context it does not.
      const kp = await c("generateSigningKeyPair", "cat2");
      const msg = bytesToB64(enc.encode(v.message_utf8));
      const sig = await c("sign", msg, v.context, kp.secretKey);
      eq("verify", await c("verify", msg, v.context, sig, kp.publicKey), true);
      eq("verify(framed, \"\")", await c("verify", bytesToB64(hexToBytes(v.framed_hex)), "", sig, kp.publicKey), false);
      return;
    }
    if ("secret_key_hex" in v) {
      await fails("sign", c("sign", "", "", bytesToB64(hexToBytes(v.secret_key_hex))), "SIGNATURE", unknown);
      await fails("verify", c("verify", "", "", fill(100, 9), fill(100, 9)), "SIGNATURE", unknown);
      return;
    }
    if ("blob_hex" in v) {
      await fails("signaturePosture", c("signaturePosture", bytesToB64(hexToBytes(v.blob_hex))), "SIGNATURE", unknown);
      await fails("signaturePosture(empty)", c("signaturePosture", ""), "SIGNATURE", unknown);
      return;
    }
    if (!("secret_key_b64" in v)) {
      eq("SIGN_CONTEXT_V1", sdk.SIGN_CONTEXT_V1, v.context);
      return;
    }
    const tag = b64ToBytes(v.secret_key_b64)[0];
    if (tag === 0x13 || tag === 0x14) {
      await fails("deriveSigningPublicKey", c("deriveSigningPublicKey", v.secret_key_b64), "SIGNATURE", /not in the browser build$/);
      if ("signature_b64" in v) {
        await fails("verifySignature", sdk.verifySignature(enc.encode(v.message_utf8), v.context, v.signature_b64, v.public_key_b64),
          "SIGNATURE", /not in the browser build$/);
      }
      return;
    }
    const pk = await c("deriveSigningPublicKey", v.secret_key_b64);
    eq("public key length", b64ToBytes(pk).length, v.public_key_len);
    if ("ed25519_public_key_b64" in v) eq("Ed25519 half", bytesToB64(b64ToBytes(pk).subarray(1, 33)), v.ed25519_public_key_b64);
    if ("public_key_b64" in v) eq("public key", pk, v.public_key_b64);
    const msg = enc.encode(v.message_utf8 ?? "checkpoint");
    const ctx = v.context ?? sdk.SIGN_CONTEXT_V1;
    if ("signature_b64" in v) {
      eq("verifySignature(vector)", await sdk.verifySignature(msg, ctx, v.signature_b64, pk), v.verify);
      const bad = b64ToBytes(v.signature_b64);
      bad[bad.length - 1] ^= 1;
      eq("verifySignature(flipped)", await sdk.verifySignature(msg, ctx, bytesToB64(bad), pk), false);
    }
    const sig = await c("sign", bytesToB64(msg), ctx, v.secret_key_b64);
    if ("signature_len" in v) eq("signature length", b64ToBytes(sig).length, v.signature_len);
    eq("verifySignature(fresh)", await sdk.verifySignature(msg, ctx, sig, pk), true);
  },
};

async function runVectors(files) {
  const results = [];
  for (const file of files) {
    const res = await fetch(`/vectors/${file}.json`);
    if (!res.ok) throw new Error(`GET /vectors/${file}.json: HTTP ${res.status}`);
    const { vectors } = await res.json();
    const run = runners[file];
    for (const v of vectors) {
      const r = { file, desc: v.desc, ok: false };
      try {
        if (!run) throw new Mismatch(`no runner for ${file}`);
        await run(v);
        r.ok = true;
      } catch (e) {
        r.detail = describe(e);
      }
      results.push(r);
    }
  }
  return results;
}

globalThis.sealkitTest = Object.freeze({ runVectors });

try {
  const { mode } = await sdk.loadCrypto();
  pageReady({ mode });
} catch (e) {
  pageFailed(e);
}
