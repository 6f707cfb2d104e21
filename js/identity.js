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

// ---- group key statements (docs/PROTOCOL.md §10.6; Go identity/keychain.go) ----

/** The first byte of a group key statement of this layout. */
export const STATEMENT_FORMAT = 0x01;
/** The signing context of a group key statement. */
export const STATEMENT_CONTEXT = "sealkit/v1/group-key-statement";
const HASH = 32;
const ZEROS = toB64(new Uint8Array(HASH));

/** The label of a group key version's commitment: "<group id>/<version>". */
export function commitmentLabel(groupId, version) {
  return `${groupId}/${version}`;
}

/**
 * The canonical bytes of a statement (what is signed).
 * @param {{groupId: string, version: number, commitment: string, previous: string, signer: string}} s hashes in base64
 */
export function encodeStatement(s) {
  const com = fromB64(s?.commitment, "commitment");
  const prev = fromB64(s?.previous, "previous");
  const v = s?.version;
  if (!validUserId(s?.groupId)) throw new IdentityError("malformed", "groupId: 1–64 printable ASCII characters");
  if (!validUserId(s?.signer)) throw new IdentityError("malformed", "signer: 1–64 printable ASCII characters");
  if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw new IdentityError("malformed", "version: 1 to 2^32-1");
  if (com.length !== HASH || prev.length !== HASH) throw new IdentityError("malformed", "commitment, previous: 32 bytes");
  const g = new TextEncoder().encode(s.groupId);
  const u = new TextEncoder().encode(s.signer);
  const out = new Uint8Array(2 + g.length + 4 + 2 * HASH + 1 + u.length);
  let o = 0;
  out[o++] = STATEMENT_FORMAT;
  out[o++] = g.length;
  out.set(g, o);
  o += g.length;
  new DataView(out.buffer).setUint32(o, v);
  o += 4;
  out.set(com, o);
  out.set(prev, o + HASH);
  o += 2 * HASH;
  out[o++] = u.length;
  out.set(u, o);
  return out;
}

/**
 * Parses a signed statement without verifying it; throws IdentityError
 * "malformed" for anything else.
 * @param {Uint8Array} signed
 */
export function decodeStatement(signed) {
  const bad = (what) => new IdentityError("malformed", `not a group key statement: ${what}`);
  if (!(signed instanceof Uint8Array)) throw bad("bytes");
  if (signed.length < 2 || signed[0] !== STATEMENT_FORMAT) throw bad("format byte");
  const n = signed[1];
  let o = 2;
  if (o + n + 4 + 2 * HASH + 1 > signed.length) throw bad("truncated");
  const ascii = (a, b) => String.fromCharCode(...signed.subarray(a, b));
  const groupId = ascii(o, o + n);
  o += n;
  const version = new DataView(signed.buffer, signed.byteOffset, signed.byteLength).getUint32(o);
  o += 4;
  const commitment = toB64(signed.subarray(o, o + HASH));
  const previous = toB64(signed.subarray(o + HASH, o + 2 * HASH));
  o += 2 * HASH;
  const m = signed[o++];
  if (o + m > signed.length) throw bad("signer");
  const signer = ascii(o, o + m);
  o += m;
  if (!validUserId(groupId) || !validUserId(signer) || version === 0) throw bad("fields");
  const sigLen = signed.length - o;
  if (sigLen === 0 || sigLen > MAX_SIGNATURE) throw bad("signature length");
  return { statement: { groupId, version, commitment, previous, signer }, message: signed.slice(0, o), signature: signed.slice(o) };
}

/** SHA-256 of a signed statement (base64 in and out): the next one's `previous`. */
export async function statementHash(signedB64) {
  return toB64(new Uint8Array(await crypto.subtle.digest("SHA-256", fromB64(signedB64, "statement"))));
}

/**
 * Signs the statement of version `version` of a group's key (a key
 * handle): its commitment is computed in the worker (keyCommitment), the
 * signature with the user handle's identity key (signAsUser). `previous`
 * is the previous signed statement (base64), or null for the first.
 * @returns {Promise<string>} the signed statement, base64
 */
export async function signStatement(user, key, { groupId, version, signer, previous }) {
  const commitment = await core.keyCommitment(key, commitmentLabel(groupId, version));
  const message = encodeStatement({ groupId, version, commitment, previous: previous ? await statementHash(previous) : ZEROS, signer });
  const signature = fromB64(await core.signAsUser(user, message, STATEMENT_CONTEXT), "signature");
  const out = new Uint8Array(message.length + signature.length);
  out.set(message);
  out.set(signature, message.length);
  return toB64(out);
}

/** A chain that does not hold: `code` says which check failed. */
export class ChainError extends Error {
  /**
   * @param {"missing"|"malformed"|"broken"|"signer"|"signature"|"stale"|"rollback"|"commitment"} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "ChainError";
    this.code = code;
  }
}

/**
 * Verifies a group's key chain (signed statements, base64, in version
 * order) and returns its tip's version, or throws ChainError:
 *   "missing"    no statement at all;
 *   "malformed"  one is not a statement of this group;
 *   "broken"     versions not consecutive, or a `previous` that is not the
 *                hash of the statement before (the first one's: zeros);
 *   "signer"     the tip's signer has no verified identity key here
 *                (identityKeyOf gave none);
 *   "signature"  a statement whose signer is known does not verify;
 *   "stale"      the tip is not the version the server calls current;
 *   "rollback"   the tip is below `minVersion` (the highest seen before);
 *   "commitment" a key this user holds (keyOf) is not the one committed to.
 * The tip's signature vouches for the chain below it (each statement
 * hashes the one before); statements of signers no longer listed are
 * checked through that link only.
 *
 * @param {string[]} chain
 * @param {{groupId: string, current: number, minVersion?: number,
 *   identityKeyOf: (userId: string) => string | null,
 *   keyOf: (version: number) => string | null}} opts
 */
export async function verifyChain(chain, { groupId, current, minVersion = 0, identityKeyOf, keyOf }) {
  if (!Array.isArray(chain) || chain.length === 0) throw new ChainError("missing", "the group key has no signed statement");
  const decoded = chain.map((s) => {
    let d;
    try {
      d = decodeStatement(fromB64(s, "statement"));
    } catch {
      throw new ChainError("malformed", "a group key statement could not be read");
    }
    if (d.statement.groupId !== String(groupId)) throw new ChainError("malformed", "a group key statement of another group");
    return d;
  });
  for (let i = 0; i < decoded.length; i++) {
    const s = decoded[i].statement;
    const want = i === 0 ? ZEROS : await statementHash(chain[i - 1]);
    if ((i > 0 && s.version !== decoded[i - 1].statement.version + 1) || s.previous !== want) {
      throw new ChainError("broken", "the group key statements do not form a chain");
    }
  }
  const tip = decoded[decoded.length - 1].statement;
  if (tip.version < minVersion) throw new ChainError("rollback", "the group key is older than one seen before");
  if (tip.version !== Number(current)) throw new ChainError("stale", "the server's current group key is not the last one an admin signed");
  if (!identityKeyOf(tip.signer)) throw new ChainError("signer", "the last group key statement is signed by no one verified here");
  await Promise.all(decoded.map(async ({ statement, message, signature }) => {
    const idKey = identityKeyOf(statement.signer);
    if (idKey) {
      let ok = false;
      try {
        ok = await core.verifySignature(message, STATEMENT_CONTEXT, toB64(signature), idKey);
      } catch {
        ok = false;
      }
      if (ok !== true) throw new ChainError("signature", "a group key statement's signature does not verify");
    }
    const key = keyOf(statement.version);
    if (key && (await core.keyCommitment(key, commitmentLabel(groupId, statement.version))) !== statement.commitment) {
      throw new ChainError("commitment", "a group key is not the one its statement commits to");
    }
  }));
  return tip.version;
}
