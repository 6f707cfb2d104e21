// @sealkit/sdk/identity.js: signed identity bundles, pins and safety
// numbers (docs/PROTOCOL.md §10) — what lets a page seal to another user's
// keys without trusting the server that lists them.
//
//   const signed = await signBundle(user, { userId, publicKey, pqPublicKey, identityKey, version: 1 });
//   const r = await checkBundle(member.identity_bundle, member.user_id, pins[member.user_id]);
//   if (r.status === "ok" || r.status === "new") seal to r.keys (and pin r.pin when "new")
//   const number = await safetyNumber(myId, myIdentityKey, theirId, theirIdentityKey);
//
// The bundle's layout is Go's package identity, byte for byte; the
// signature is the SDK's composite signature (verifySignature, made in the
// worker by signAsUser). Nothing here holds a private key.

import * as core from "./index.js";

/** The first byte of a bundle of this layout. */
export const BUNDLE_FORMAT = 0x01;
/** The signing context of a bundle. */
export const BUNDLE_CONTEXT = "sealkit/v1/identity-bundle";
/** The hash prefix of a safety number's halves. */
export const SAFETY_CONTEXT = "sealkit/v1/safety-number";

const MAX_USER_ID = 64;
const X25519_SIZE = 32;
const MAX_KEY = 8192;
const MAX_SIGNATURE = 8192;

/** A bundle that is not one, or does not verify: `code` says which check failed. */
export class IdentityError extends Error {
  /**
   * @param {"malformed"|"signature"|"user"|"changed"|"rollback"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "IdentityError";
    this.code = code;
  }
}

function fromB64(s, what) {
  if (typeof s !== "string") throw new IdentityError("malformed", `${what}: not base64`);
  let bin;
  try {
    bin = atob(s);
  } catch {
    throw new IdentityError("malformed", `${what}: not base64`);
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toB64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function validUserId(id) {
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_USER_ID) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/**
 * The canonical bytes of a bundle (what is signed).
 * @param {{userId: string, publicKey: string, pqPublicKey?: string | null, identityKey: string, version: number}} b keys in base64
 * @returns {Uint8Array}
 */
export function encodeBundle(b) {
  const x = fromB64(b?.publicKey, "publicKey");
  const pq = b?.pqPublicKey ? fromB64(b.pqPublicKey, "pqPublicKey") : new Uint8Array(0);
  const id = fromB64(b?.identityKey, "identityKey");
  const v = b?.version;
  if (!validUserId(b?.userId)) throw new IdentityError("malformed", "userId: 1–64 printable ASCII characters");
  if (x.length !== X25519_SIZE) throw new IdentityError("malformed", "publicKey: 32 bytes");
  if (pq.length > MAX_KEY) throw new IdentityError("malformed", "pqPublicKey: too long");
  if (id.length === 0 || id.length > MAX_KEY) throw new IdentityError("malformed", "identityKey: 1–8192 bytes");
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new IdentityError("malformed", "version: 1 to 2^32-1");
  const user = new TextEncoder().encode(b.userId);
  const out = new Uint8Array(2 + user.length + 6 + x.length + pq.length + id.length + 4);
  const dv = new DataView(out.buffer);
  let o = 0;
  out[o++] = BUNDLE_FORMAT;
  out[o++] = user.length;
  out.set(user, o);
  o += user.length;
  for (const k of [x, pq, id]) {
    dv.setUint16(o, k.length);
    o += 2;
    out.set(k, o);
    o += k.length;
  }
  dv.setUint32(o, v);
  return out;
}

/**
 * Parses a signed bundle without verifying it. Throws IdentityError
 * "malformed" for anything but a well-formed bundle of this format.
 * @param {Uint8Array} signed
 * @returns {{bundle: {userId: string, publicKey: string, pqPublicKey: string, identityKey: string, version: number}, message: Uint8Array, signature: Uint8Array}}
 */
export function decodeBundle(signed) {
  const bad = (what) => new IdentityError("malformed", `not an identity bundle: ${what}`);
  if (!(signed instanceof Uint8Array)) throw bad("bytes");
  if (signed.length < 2 || signed[0] !== BUNDLE_FORMAT) throw bad("format byte");
  const dv = new DataView(signed.buffer, signed.byteOffset, signed.byteLength);
  let o = 2;
  const n = signed[1];
  if (o + n > signed.length) throw bad("user id");
  let userId = "";
  for (let i = 0; i < n; i++) userId += String.fromCharCode(signed[o + i]);
  o += n;
  const keys = [];
  for (let i = 0; i < 3; i++) {
    if (o + 2 > signed.length) throw bad("key length");
    const len = dv.getUint16(o);
    o += 2;
    if (o + len > signed.length) throw bad("key");
    keys.push(signed.subarray(o, o + len));
    o += len;
  }
  if (o + 4 > signed.length) throw bad("version");
  const version = dv.getUint32(o);
  o += 4;
  const [x, pq, id] = keys;
  if (!validUserId(userId) || x.length !== X25519_SIZE || id.length === 0 || version === 0) throw bad("fields");
  const sigLen = signed.length - o;
  if (sigLen === 0 || sigLen > MAX_SIGNATURE) throw bad("signature length");
  return {
    bundle: { userId, publicKey: toB64(x), pqPublicKey: pq.length ? toB64(pq) : "", identityKey: toB64(id), version },
    message: signed.slice(0, o),
    signature: signed.slice(o),
  };
}

/** SHA-256 of an identity key (base64 in, base64 out): what a pin keeps. */
export async function fingerprint(identityKeyB64) {
  const digest = await crypto.subtle.digest("SHA-256", fromB64(identityKeyB64, "identityKey"));
  return toB64(new Uint8Array(digest));
}

/**
 * Signs a bundle with the user's identity key (in the worker: signAsUser)
 * and returns the signed bundle, base64: what PUT /api/me/identity takes.
 * @param {string} user the user handle
 * @param {{userId: string, publicKey: string, pqPublicKey?: string | null, identityKey: string, version: number}} bundle
 * @returns {Promise<string>}
 */
export async function signBundle(user, bundle) {
  const message = encodeBundle(bundle);
  const signature = fromB64(await core.signAsUser(user, message, BUNDLE_CONTEXT), "signature");
  const out = new Uint8Array(message.length + signature.length);
  out.set(message);
  out.set(signature, message.length);
  return toB64(out);
}

/**
 * Verifies a signed bundle (base64) for userId against a pin and returns
 * its keys, or throws IdentityError: "malformed", "user" (another user's
 * bundle), "signature" (does not verify under its own identity key),
 * "changed" (the identity key is not the pinned one), "rollback" (its
 * version is below the pinned one). A null pin accepts any identity key
 * (trust on first use: pin the result).
 *
 * @param {string} signedB64
 * @param {string} userId
 * @param {{fingerprint: string, version: number} | null | undefined} pin
 * @returns {Promise<{userId: string, publicKey: string, pqPublicKey: string, identityKey: string, version: number, fingerprint: string}>}
 */
export async function openBundle(signedB64, userId, pin) {
  const { bundle, message, signature } = decodeBundle(fromB64(signedB64, "identity_bundle"));
  if (bundle.userId !== String(userId)) throw new IdentityError("user", "the key bundle is another user's");
  let ok = false;
  try {
    ok = await core.verifySignature(message, BUNDLE_CONTEXT, toB64(signature), bundle.identityKey);
  } catch {
    ok = false;
  }
  if (ok !== true) throw new IdentityError("signature", "the key bundle's signature does not verify");
  const fp = await fingerprint(bundle.identityKey);
  if (pin) {
    // An older version is a rollback whatever its key: a key the contact
    // had before must never look like a new one to accept.
    if (bundle.version < Number(pin.version)) throw new IdentityError("rollback", "the key bundle is older than one seen before");
    if (!equalBytes(fromB64(pin.fingerprint, "pin"), fromB64(fp, "fingerprint"))) {
      throw new IdentityError("changed", "the identity key is not the one seen before");
    }
  }
  return { ...bundle, fingerprint: fp };
}

/**
 * openBundle as a status instead of a throw, for lists: "ok" (verified
 * and matches the pin), "new" (verified, no pin yet: pin it), "missing"
 * (no bundle: the account has not set an identity), or the IdentityError
 * code. `bundle` is set for "ok" and "new" only — the only two whose keys
 * may be sealed to.
 *
 * @returns {Promise<{status: "ok"|"new"|"missing"|"malformed"|"signature"|"user"|"changed"|"rollback", bundle?: Awaited<ReturnType<typeof openBundle>>}>}
 */
export async function checkBundle(signedB64, userId, pin) {
  if (typeof signedB64 !== "string" || signedB64 === "") return { status: "missing" };
  try {
    const bundle = await openBundle(signedB64, userId, pin);
    return { status: pin ? "ok" : "new", bundle };
  } catch (err) {
    if (err instanceof IdentityError) return { status: err.code };
    throw err;
  }
}

// half: one user's 30 digits (Go identity.half).
async function half(userId, identityKey) {
  const ctx = new TextEncoder().encode(SAFETY_CONTEXT);
  const id = new TextEncoder().encode(userId);
  const out = new Uint8Array(ctx.length + 1 + id.length + 2 + identityKey.length);
  let o = 0;
  out.set(ctx, o);
  o += ctx.length;
  out[o++] = id.length;
  out.set(id, o);
  o += id.length;
  out[o++] = identityKey.length >> 8;
  out[o++] = identityKey.length & 0xff;
  out.set(identityKey, o);
  const sum = new Uint8Array(await crypto.subtle.digest("SHA-512", out));
  let digits = "";
  for (let i = 0; i < 6; i++) {
    let v = 0n;
    for (let j = 0; j < 5; j++) v = (v << 8n) | BigInt(sum[i * 5 + j]);
    digits += String(v % 100000n).padStart(5, "0");
  }
  return digits;
}

/**
 * The safety number two users compare aloud: 60 digits in 12 groups of 5
 * separated by spaces, the same on both sides (Go identity.SafetyNumber;
 * docs/PROTOCOL.md §10.4).
 * @param {string} userA @param {string} keyA identity key, base64
 * @param {string} userB @param {string} keyB identity key, base64
 * @returns {Promise<string>}
 */
export async function safetyNumber(userA, keyA, userB, keyB) {
  if (!validUserId(userA) || !validUserId(userB)) throw new IdentityError("malformed", "safety number: user ids");
  const ka = fromB64(keyA, "keyA");
  const kb = fromB64(keyB, "keyB");
  if (!ka.length || !kb.length || ka.length > MAX_KEY || kb.length > MAX_KEY) throw new IdentityError("malformed", "safety number: keys");
  let [a, b] = await Promise.all([half(userA, ka), half(userB, kb)]);
  if (userB < userA) [a, b] = [b, a];
  const digits = a + b;
  const groups = [];
  for (let i = 0; i < 60; i += 5) groups.push(digits.slice(i, i + 5));
  return groups.join(" ");
}
