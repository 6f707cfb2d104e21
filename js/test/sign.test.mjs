// Composite signatures in JavaScript: the compat functions of crypto.js
// (the crate's wasm names) over the shared vectors, and the SDK's
// verifySignature and identity signing key on the user handle —
// makeAccount, unlockUser, addSigningKey, signAsUser, rewrapUser,
// makeRecovery/recoverUser, exportKey, release — in-thread and in a pool
// of workers (shim.mjs), where the bytes of a released key are seen
// zeroed. The key cache's entry format with a signing key is checked with
// keycache.js's pure entry functions (Node has no IndexedDB).

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import init, * as c from "../crypto.js";
import * as sdk from "../index.js";
import { SealkitError } from "../index.js";
import { sealEntry, openEntry } from "../keycache.js";
import { ShimWorker } from "./shim.mjs";
// The interop peer: noble's ML-DSA and Ed25519, nothing of sealkit's.
import { ml_dsa44, ml_dsa65, ml_dsa87 } from "@noble/post-quantum/ml-dsa.js";
import { ed25519 } from "@noble/curves/ed25519.js";

const vectors = JSON.parse(readFileSync(new URL("../../testdata/vectors/sign.json", import.meta.url), "utf8")).vectors;
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const utf8 = (s) => new TextEncoder().encode(s);
const CTX = "metamorphic/sign/v1";
const PASSWORD = "pw";
const KEY_HASH = "AAAAAAAAAAAAAAAAAAAAAA==$argon2id";
const SESSION = "AJBZudYL2fBbhNXy8d16Ac/QtBQsRQyYtxRx470vJWE="; // deriveSessionKey("pw", zero salt), kdf.json
const isCode = (code) => (e) => {
  assert.ok(e instanceof SealkitError, String(e));
  assert.equal(e.code, code, e.message);
  return true;
};
function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail("expected a throw");
}
// The browser build leaves these out (internal/sign/*_wasm.go).
const notInBrowser = new Set([0x13, 0x14]);

test.before(async () => { await init(); });
test.after(() => { sdk.terminate(); delete globalThis.Worker; });

test("compat: every sign.json vector through the wasm module", () => {
  let n = 0;
  for (const v of vectors) {
    if ("framed_hex" in v || !("secret_key_b64" in v || "secret_key_hex" in v)) continue;
    n++;
    if ("error" in v) {
      const sk = b64(Buffer.from(v.secret_key_hex, "hex"));
      // The crate's wasm throws its Display text as a plain string.
      assert.equal(thrown(() => c.sign("", CTX, sk)), "signature: unknown or missing signature version tag");
      const blob = b64(new Uint8Array(100).fill(9));
      assert.equal(thrown(() => c.verify("", CTX, blob, blob)), "signature: unknown or missing signature version tag");
      continue;
    }
    const sk = unb64(v.secret_key_b64);
    if (notInBrowser.has(sk[0])) {
      assert.match(String(thrown(() => c.deriveSigningPublicKey(v.secret_key_b64))), /^signature: .* not in the browser build$/);
      if (v.signature_b64) {
        assert.match(String(thrown(() => c.verify(b64(utf8(v.message_utf8)), v.context, v.signature_b64, v.public_key_b64))),
          /not in the browser build/);
        // Posture needs no algorithm.
        assert.equal(c.signaturePosture(v.public_key_b64).suite, "hybrid_matched");
      }
      continue;
    }
    const pk = c.deriveSigningPublicKey(v.secret_key_b64);
    assert.equal(unb64(pk).length, v.public_key_len);
    if (v.ed25519_public_key_b64) assert.equal(b64(unb64(pk).subarray(1, 33)), v.ed25519_public_key_b64);
    if (v.public_key_b64) assert.equal(pk, v.public_key_b64);
    const msg = b64(utf8(v.message_utf8 ?? "checkpoint"));
    const ctx = v.context ?? CTX;
    if (v.signature_b64) {
      assert.equal(c.verify(msg, ctx, v.signature_b64, pk), true, v.desc);
      const bad = unb64(v.signature_b64);
      bad[bad.length - 1] ^= 1;
      assert.equal(c.verify(msg, ctx, b64(bad), pk), false);
    }
    const sig = c.sign(msg, ctx, v.secret_key_b64);
    if (v.signature_len) assert.equal(unb64(sig).length, v.signature_len);
    assert.equal(c.verify(msg, ctx, sig, pk), true);
    assert.equal(c.verify(msg, ctx + "!", sig, pk), false);
  }
  assert.equal(n, 14);
  const posture = vectors.find((v) => "blob_hex" in v);
  for (const blob of [b64(Buffer.from(posture.blob_hex, "hex")), ""]) {
    assert.equal(thrown(() => c.signaturePosture(blob)), "signature: unknown or missing signature version tag");
    assert.equal(thrown(() => c.signaturePostureFromSignature(blob)), "signature: unknown or missing signature version tag");
  }
});

test("compat: key pairs, posture, and the crate's errors", () => {
  for (const [level, tag, pkLen] of [["cat2", 1, 1345], ["", 2, 1985], ["CAT3", 2, 1985], ["cat5", 3, 2625]]) {
    const kp = c.generateSigningKeyPair(level);
    assert.deepEqual(Object.keys(kp), ["publicKey", "secretKey"]);
    assert.equal(unb64(kp.publicKey)[0], tag);
    assert.equal(unb64(kp.publicKey).length, pkLen);
    assert.equal(unb64(kp.secretKey).length, 65);
  }
  const pure = c.generateSigningKeyPairSuite("pure_cnsa2", "cat5");
  assert.deepEqual(c.signaturePosture(pure.publicKey), { suite: "pure_cnsa2", level: "cat5" });
  const sig = c.sign(b64(utf8("m")), "", pure.secretKey);
  assert.deepEqual(c.signaturePostureFromSignature(sig), { suite: "pure_cnsa2", level: "cat5" });
  assert.equal(c.verify(b64(utf8("m")), "", sig, pure.publicKey), true);
  assert.equal(thrown(() => c.generateSigningKeyPairSuite("pure", "cat3")), "signature: PureCnsa2 signatures are Cat-5 (ML-DSA-87) only in v0.7.0");
  assert.match(String(thrown(() => c.generateSigningKeyPairSuite("matched", "cat3"))), /not in the browser build/);
  // HybridMatched Cat-2 is the Hybrid Cat-2 layout.
  assert.equal(unb64(c.generateSigningKeyPairSuite("hybrid-matched", "cat2").publicKey)[0], 1);
  assert.equal(thrown(() => c.sign("not base64", "", pure.secretKey)), "base64 decode: Invalid symbol 32, offset 3.");
  assert.equal(thrown(() => c.sign("", "", "AgA=")), "invalid length: expected 65 bytes, got 2");
  // verify: a new-suite signature against another key is false, not an error.
  const hy = c.generateSigningKeyPair("");
  assert.equal(c.verify(b64(utf8("m")), "", sig, hy.publicKey), false);
  assert.equal(thrown(() => c.verify("", "", "", hy.publicKey)), "signature: unknown or missing signature version tag");
  assert.equal(thrown(() => c.verify("", "", sig, "@@@@")), "base64 decode: Invalid symbol 64, offset 0.");
  assert.equal(thrown(() => c.signaturePosture("AgA=")), "invalid length: expected 1985 bytes, got 2");
});

// noble's side of the composite layout (wire-format.md §5.1), written
// from the spec: the framing, the per-tag split, and each component by
// noble. Tag → [Ed25519 part?, ML-DSA].
const nobleLayouts = { 0x01: [true, ml_dsa44], 0x02: [true, ml_dsa65], 0x03: [true, ml_dsa87], 0x10: [false, ml_dsa87] };
function frame(context, message) {
  const ctx = utf8(context);
  const out = new Uint8Array(8 + ctx.length + message.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(ctx.length));
  out.set(ctx, 8);
  out.set(message, 8 + ctx.length);
  return out;
}
const cat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
function nobleKeys(sk) {
  const [ed, dsa] = nobleLayouts[sk[0]];
  const edSeed = ed ? sk.subarray(1, 33) : null;
  const xi = sk.subarray(ed ? 33 : 1);
  const m = dsa.keygen(xi);
  return { ed, dsa, edSeed, m, pk: cat([sk[0]], ed ? ed25519.getPublicKey(edSeed) : [], m.publicKey) };
}
function nobleSign(sk, message, context) {
  const { ed, dsa, edSeed, m } = nobleKeys(sk);
  const framed = frame(context, message);
  // noble's ML-DSA sign is pure FIPS 204 with an empty context, hedged.
  return cat([sk[0]], ed ? ed25519.sign(framed, edSeed) : [], dsa.sign(framed, m.secretKey));
}
// Each component checked by noble on its own; both must hold.
function nobleVerify(sig, message, context, pk) {
  const [ed, dsa] = nobleLayouts[pk[0]];
  const framed = frame(context, message);
  const edOK = !ed || ed25519.verify(sig.subarray(1, 65), framed, pk.subarray(1, 33));
  const dsaOK = dsa.verify(sig.subarray(ed ? 65 : 1), framed, pk.subarray(ed ? 33 : 1));
  return { edOK, dsaOK };
}

test("interop with noble, both ways: noble signs, sealkit-wasm verifies; sealkit signs, noble verifies each component", () => {
  for (const [level, suite] of [["cat2", "hybrid"], ["cat3", "hybrid"], ["cat5", "hybrid"], ["cat5", "pure"]]) {
    for (let i = 0; i < 5; i++) {
      const kp = c.generateSigningKeyPairSuite(suite, level);
      const sk = unb64(kp.secretKey);
      // The same secret key gives the same public key on both sides.
      const nk = nobleKeys(sk);
      assert.equal(b64(nk.pk), kp.publicKey);
      const msg = crypto.getRandomValues(new Uint8Array(i * 37));
      const ctx = i % 2 ? CTX : `ctx ✓ ${i}`;
      // noble → sealkit
      const nsig = nobleSign(sk, msg, ctx);
      assert.equal(c.verify(b64(msg), ctx, b64(nsig), kp.publicKey), true);
      assert.equal(c.verify(b64(msg), ctx + "x", b64(nsig), kp.publicKey), false);
      // sealkit → noble, component by component
      const ssig = unb64(c.sign(b64(msg), ctx, kp.secretKey));
      assert.deepEqual(nobleVerify(ssig, msg, ctx, nk.pk), { edOK: true, dsaOK: true });
      assert.deepEqual(nobleVerify(ssig, msg, ctx + "x", nk.pk), { edOK: !nk.ed, dsaOK: false });
      // Strict AND: one good half does not pass. A noble signature whose
      // Ed25519 part is replaced by a valid one of another message fails.
      if (nk.ed) {
        const other = nobleSign(sk, utf8("another message"), ctx);
        const mixed = cat(other.subarray(0, 65), nsig.subarray(65));
        assert.deepEqual(nobleVerify(mixed, msg, ctx, nk.pk), { edOK: false, dsaOK: true });
        assert.equal(c.verify(b64(msg), ctx, b64(mixed), kp.publicKey), false);
        const mixed2 = cat(nsig.subarray(0, 65), other.subarray(65));
        assert.equal(c.verify(b64(msg), ctx, b64(mixed2), kp.publicKey), false);
      }
    }
  }
  // The vectors' fixed signatures verify under noble too.
  for (const v of vectors.filter((x) => x.signature_b64 && nobleLayouts[unb64(x.signature_b64)[0]])) {
    assert.deepEqual(nobleVerify(unb64(v.signature_b64), utf8(v.message_utf8), v.context, unb64(v.public_key_b64)), { edOK: true, dsaOK: true });
  }
});

test("verifySignature: true, false, and errors for what is not signature data", async () => {
  const kp = await sdk.call("generateSigningKeyPair", "cat3");
  const msg = utf8("an identity bundle");
  const sig = await sdk.call("sign", b64(msg), CTX, kp.secretKey);
  assert.equal(await sdk.verifySignature(msg, CTX, sig, kp.publicKey), true);
  assert.equal(await sdk.verifySignature(msg, sdk.SIGN_CONTEXT_V1, sig, kp.publicKey), true);
  assert.equal(await sdk.verifySignature(utf8("another"), CTX, sig, kp.publicKey), false);
  assert.equal(await sdk.verifySignature(msg, "", sig, kp.publicKey), false);
  const other = await sdk.call("generateSigningKeyPair", "cat3");
  assert.equal(await sdk.verifySignature(msg, CTX, sig, other.publicKey), false);
  await assert.rejects(sdk.verifySignature(msg, CTX, "not base64", kp.publicKey), isCode("BASE64"));
  await assert.rejects(sdk.verifySignature(msg, CTX, b64(new Uint8Array(100).fill(9)), kp.publicKey), isCode("SIGNATURE"));
  await assert.rejects(sdk.verifySignature("a string", CTX, sig, kp.publicKey), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.verifySignature(msg, 7, sig, kp.publicKey), isCode("INVALID_ARGUMENT"));
});

// An account as the server keeps it, wrapped under SESSION, with or
// without an identity signing key.
async function account(withSigning) {
  const kp = await sdk.generateKeypair();
  const hk = await sdk.generateHybridKeypair();
  const me = {
    public_key: kp.publicKey,
    pq_public_key: hk.publicKey,
    encrypted_private_key: await sdk.call("encryptPrivateKey", kp.privateKey, SESSION),
    encrypted_pq_private_key: await sdk.call("encryptPrivateKey", hk.secretKey, SESSION),
  };
  let sk = null;
  if (withSigning) {
    sk = await sdk.call("generateSigningKeyPair", "cat3");
    me.identity_public_key = sk.publicKey;
    me.encrypted_signing_key = await sdk.call("encryptPrivateKey", sk.secretKey, SESSION);
  }
  return { kp, hk, sk, me };
}

// signs checks that `user` signs as `identityPublicKey`.
async function signs(user, identityPublicKey) {
  const msg = utf8(`statement ${Math.random()}`);
  const sig = await sdk.signAsUser(user, msg, CTX);
  assert.equal(unb64(sig).length, 3374);
  assert.equal(await sdk.verifySignature(msg, CTX, sig, identityPublicKey), true);
  assert.equal(await sdk.verifySignature(msg, "other", sig, identityPublicKey), false);
}

async function identityFlows() {
  // A new account: the signing key is made in the worker, its wrap opens
  // under the session key, and the handle signs.
  const acc = await sdk.makeAccount("a password", "id@example.test");
  assert.equal(acc.identityPublicKey, acc.request.identity_public_key);
  assert.equal(unb64(acc.identityPublicKey).length, 1985);
  await signs(acc.user, acc.identityPublicKey);
  const session = await sdk.exportKey(acc.session);
  const me = { ...acc.request };
  const imported = await sdk.importSessionKey(session);
  const unlocked = await sdk.unlockUser(imported, me);
  assert.equal(unlocked.identityPublicKey, acc.identityPublicKey);
  await signs(unlocked.user, acc.identityPublicKey);
  // A record whose identity_public_key is another key is refused.
  const other = await sdk.call("generateSigningKeyPair", "cat3");
  await assert.rejects(sdk.unlockUser(imported, { ...me, identity_public_key: other.publicKey }), isCode("SIGNATURE"));
  // A wrap that does not open under the session rejects as the others do.
  await assert.rejects(sdk.unlockUser(imported, { ...me, encrypted_signing_key: await sdk.call("encryptPrivateKey", other.secretKey, (await account()).kp.privateKey) }),
    isCode("DECRYPTION"));

  // Password change: the signing key moves to the new password.
  const rewrapped = await sdk.rewrapUser(acc.user, PASSWORD);
  assert.ok(rewrapped.encrypted_signing_key);
  const login = await sdk.deriveLoginKeys(PASSWORD, rewrapped.key_hash);
  const after = await sdk.unlockUser(login.session, { ...me, ...rewrapped });
  assert.equal(after.identityPublicKey, acc.identityPublicKey);
  await signs(after.user, acc.identityPublicKey);

  // Recovery: the recovery wraps carry it too.
  const { recovery, request } = await sdk.makeRecovery(acc.user);
  assert.ok(request.recovery_encrypted_signing_key);
  const typed = await sdk.openRecovery(await sdk.exportRecoveryKey(recovery));
  const recovered = await sdk.recoverUser(typed.recovery, { ...me, ...request });
  assert.equal(recovered.identityPublicKey, acc.identityPublicKey);
  await signs(recovered.user, acc.identityPublicKey);
  await assert.rejects(sdk.recoverUser(typed.recovery, { ...me, ...request, identity_public_key: other.publicKey }), isCode("SIGNATURE"));

  // exportKey (the one way out) shows it, as the other private keys.
  const exported = await sdk.exportKey(acc.user);
  assert.equal(await sdk.call("deriveSigningPublicKey", exported.signingKey), acc.identityPublicKey);
  assert.equal(exported.identityPublicKey, acc.identityPublicKey);

  // An account made before signatures: it opens, cannot sign, and
  // addSigningKey gives it a key at unlock.
  const old = await account(false);
  const s = await sdk.importSessionKey(SESSION);
  const u = await sdk.unlockUser(s, old.me);
  assert.equal(u.identityPublicKey, null);
  await assert.rejects(sdk.signAsUser(u.user, utf8("m"), CTX), isCode("INVALID_ARGUMENT"));
  assert.equal((await sdk.rewrapUser(u.user, PASSWORD)).encrypted_signing_key, undefined);
  assert.equal((await sdk.makeRecovery(u.user)).request.recovery_encrypted_signing_key, undefined);
  // The session must be the user's: another account's session is refused.
  const foreign = await sdk.makeAccount("x", "f@example.test");
  await assert.rejects(sdk.addSigningKey(u.user, foreign.session, old.me), isCode("DECRYPTION"));
  await assert.rejects(sdk.addSigningKey(u.user, s, (await account(false)).me), isCode("INVALID_ARGUMENT"));
  const added = await sdk.addSigningKey(u.user, s, old.me);
  assert.deepEqual(Object.keys(added).sort(), ["encryptedSigningKey", "identityPublicKey"]);
  await signs(u.user, added.identityPublicKey);
  await assert.rejects(sdk.addSigningKey(u.user, s, old.me), isCode("INVALID_ARGUMENT"));
  // The next unlock opens the new wrap to the same identity.
  const next = await sdk.unlockUser(s, { ...old.me, identity_public_key: added.identityPublicKey, encrypted_signing_key: added.encryptedSigningKey });
  assert.equal(next.identityPublicKey, added.identityPublicKey);
  await signs(next.user, added.identityPublicKey);
  await assert.rejects(sdk.signAsUser(next.user, "not bytes", CTX), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.signAsUser(next.user, utf8("m"), null), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.signAsUser(s, utf8("m"), CTX), isCode("INVALID_ARGUMENT"));
  return { user: u.user, identityPublicKey: added.identityPublicKey, acc };
}

test("in-thread: the identity signing key through every user operation", async () => {
  sdk.terminate();
  await sdk.loadCrypto(undefined, { worker: false });
  await identityFlows();
  await sdk.releaseAll();
});

test("a pool of three: the signing key is made, added and signed with on every worker; release zeroes it", async () => {
  sdk.terminate();
  globalThis.Worker = ShimWorker;
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 3 }), { mode: "worker" });
  const pool = ShimWorker.instances.slice(n);
  const { user, identityPublicKey } = await identityFlows();
  // Several signatures at once reach every worker: each holds the key
  // addSigningKey added (replicated as an update of the handle).
  const before = pool.map((w) => w.requests.length);
  await Promise.all([1, 2, 3, 4, 5, 6].map(() => signs(user, identityPublicKey)));
  assert.ok(pool.every((w, i) => w.requests.length > before[i]), "every worker signed");
  await sdk.releaseAll();
  for (const w of pool) {
    const seen = await w.inspect();
    const signing = seen.filter((e) => e.kind === "user" && e.secrets.signingKey);
    assert.ok(signing.length > 0);
    for (const e of signing) assert.ok(e.secrets.signingKey.zero, "a released signing key is zeroed");
  }
});

test("key cache v2 entries carry the signing key; entries without one still open", async () => {
  const deviceSecret = new Uint8Array(32).fill(1);
  const serverSecret = new Uint8Array(32).fill(2);
  const base = {
    privateKey: new Uint8Array(32).fill(3), pqSeed: new Uint8Array(32).fill(4),
    publicKey: new Uint8Array(32).fill(5), pqPublicKey: new Uint8Array(1216).fill(6),
  };
  const p = { deviceSecret, serverSecret, userId: "u", written: 1_800_000_000 };
  const withKey = { ...base, signingKey: new Uint8Array(65).fill(7) };
  const e = await sealEntry({ ...p, keys: withKey });
  assert.deepEqual(await openEntry(e, p), withKey);
  const old = await sealEntry({ ...p, keys: base });
  assert.deepEqual(await openEntry(old, p), base);
  await assert.rejects(sealEntry({ ...p, keys: { ...base, signingKey: new Uint8Array(64) } }), isCode("INVALID_ARGUMENT"));
});
