// The key store behind the SDK's handle API: key material that the page
// names by an opaque handle ("sk1." and 22 base64url characters of 16
// random bytes) and never holds. worker.js keeps one store per crypto
// worker — the keys live only in the worker's memory, out of reach of a
// script injected into the page — and index.js keeps one in the page
// thread for the in-thread ({worker: false}) mode, where they are in the
// page's memory like any other value and nothing is protected.
//
// An entry is {kind, secrets, publicKey?, pqPublicKey?}:
//   session  secrets.key: the 32-byte Argon2id session key
//   user     secrets.privateKey: the X25519 private key (32 bytes),
//            secrets.pqSecretKey: the hybrid seed (absent for an account
//            without a PQ key pair), secrets.signingKey: the identity
//            signing secret key (a composite signing key, Hybrid Cat-3 by
//            default, 65 bytes; absent for an account made before
//            signatures until addSigningKey); publicKey, pqPublicKey,
//            identityPublicKey (base64; identityPublicKey is null without
//            a signing key, and is always derived here from the secret key,
//            never taken from the server's word); secrets.memo: the key
//            cache's memo of opened resource keys (keycache.js writeKeyMemo)
//            when the handle came from or went into the key cache, and
//            caches: those caches' options (openTexts adds the keys it
//            opens to their memo)
//   key      secrets.key: a 32-byte secretbox key (a resource key)
//   recovery secrets.secret: a recovery key's 32-byte secret,
//            secrets.text: the key as shown (UTF-8), when this store made
//            it (exportRecoveryKey gives it out, the one key meant for the
//            user's eyes)
// The secrets are Uint8Arrays; release() overwrites them with zeros before
// forgetting them.
//
// Key slots. A user or key entry is used through a slot of the
// WebAssembly core (cmd/sealkit-wasm/slots.go, crypto.js slotNames): on
// its first use in this thread the entry's bytes are copied into the
// core once (entry.slot: the slot's number), and every later call names
// the slot instead of passing the key. The core keeps what it derives
// from the key for the slot's life — a user slot's ML-KEM decapsulation
// key, expanded from the hybrid seed once instead of on every open — and
// no key crosses into the core as base64 text on these paths. Each
// thread makes its own slots (replication sends the entry's bytes, never
// a slot); release, releaseAll, a put over an entry and drop free the
// slot, which wipes it in the core, expanded keys included. Session
// entries are used once per login and go through the base64 API: those
// strings are the worker's own and cannot be wiped (JavaScript strings
// are immutable); they die with the call.
//
// Every operation takes a context {created: [], updated: []} first: the
// handles it made, and the existing handles whose entry it changed. run() drops them again if the operation fails, and hands them to
// `replicate` (worker.js: to the sibling workers of a pool) before the
// operation's result goes out, so that the next call, on any worker, finds
// them. Internal module: its shape may change between versions.

import { ErrorCode, SealkitError, serializeError } from "./errors.js";
import { bytesToBase64, base64ToBytes, decodeUtf8, makeOps } from "./ops.js";
import { deriveAuthKey, deriveRecoveryAuthKey } from "./authkey.js";
import { MEMO_MAX_PAIRS, MEMO_PAIR, readKeyCache, writeKeyCache, writeKeyMemo } from "./keycache.js";

export const HANDLE_PREFIX = "sk1.";

// The HMAC prefix of a key commitment (keyCommitment).
const COMMITMENT_CONTEXT = new TextEncoder().encode("sealkit/v1/group-key-commitment");
const KEY_SIZE = 32;
const kinds = new Set(["session", "user", "key", "recovery"]);

// A test-only observer: a function installed as this global in the
// thread that loads this module, before it loads (the Node tests' worker
// shim does), sees every entry stored, so that a test can check that
// release() zeroes the bytes. A page cannot reach a worker's global.
const probe = typeof globalThis.__sealkitKeystoreProbe === "function" ? globalThis.__sealkitKeystoreProbe : null;

function invalid(what) {
  return new SealkitError(ErrorCode.INVALID_ARGUMENT, `invalid argument: ${what}`);
}

function requireString(value, what) {
  if (typeof value !== "string" || value === "") throw invalid(`${what} must be a non-empty string`);
}

function newHandle() {
  const r = new Uint8Array(16);
  globalThis.crypto.getRandomValues(r);
  return HANDLE_PREFIX + bytesToBase64(r).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// keyBytes: the bytes of a resource key as a seal holds it — its 32 raw
// bytes (share.js sealToMember, the app's group and habit keys) or its
// base64 text (account.js's encrypted_user_key).
function keyBytes(plain) {
  if (plain.length === KEY_SIZE) return plain;
  if (plain.length === 44) {
    let raw = null;
    try {
      raw = base64ToBytes(String.fromCharCode.apply(null, plain));
    } catch {
      raw = null;
    }
    plain.fill(0);
    if (raw && raw.length === KEY_SIZE) return raw;
    raw?.fill(0);
  } else {
    plain.fill(0);
  }
  throw new SealkitError(ErrorCode.INVALID_LENGTH, `invalid length: expected ${KEY_SIZE} bytes, got ${plain.length}`);
}

function asBytes(v, what) {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw invalid(`${what} must be a Uint8Array`);
}

// cacheOptions: what crosses into the key cache from a call's options
// (plain data only: a fetch function cannot be sent to a worker).
function cacheOptions(options) {
  if (options === null || typeof options !== "object") throw invalid("options must be {userId, secretUrl, name?}");
  const { userId, secretUrl, name } = options;
  return name === undefined ? { userId, secretUrl } : { userId, secretUrl, name };
}

function requireArray(v, what) {
  if (!Array.isArray(v)) throw invalid(`${what} must be an array`);
  return v;
}

const encoder = new TextEncoder();
// How long after a batch its fresh memo pairs are written (the page renders first).
const MEMO_WRITE_DELAY_MS = 200;

// The identity signing key's level: Hybrid Cat-3 (Ed25519 + ML-DSA-65,
// tag 0x02), the crate's default.
const SIGNING_LEVEL = "cat3";

const present = (v) => v !== undefined && v !== null && v !== "";

// The fields of a user entry that are not secret.
const userPub = (publicKey, pqPublicKey, identityPublicKey) => ({ publicKey, pqPublicKey, identityPublicKey: identityPublicKey ?? null });

// What a user operation returns about the user handle.
const userInfo = (user, e) => ({ user, publicKey: e.publicKey, pqPublicKey: e.pqPublicKey ?? null, identityPublicKey: e.identityPublicKey ?? null });

// placeArg: an operation's optional place (docs/PROTOCOL.md, "Ciphertext
// bound to its place"): undefined or null for none, else a non-empty
// string; the core checks the rest (sealkit.ValidPlace) and derives the
// place key from the key's slot, so that it never leaves the core.
function placeArg(place) {
  if (place === undefined || place === null) return undefined;
  if (typeof place !== "string" || place === "") throw invalid("place must be a non-empty string");
  return place;
}

// textItem: one ciphertext of decryptTexts or openTexts, given as base64
// text or as {ciphertext, place}: [ciphertext, place].
function textItem(ct) {
  if (ct !== null && typeof ct === "object") return [ct.ciphertext, placeArg(ct.place)];
  return [ct, undefined];
}

/**
 * A key store over `api`, an object of coded exports (crypto.js
 * codedExports(), or index.js's in-thread wrappers), and `options.slots`,
 * the coded slot functions of the same module instance
 * (codedExports(slotNames)).
 *
 * @param {Record<string, Function>} api
 * @param {{slots: Record<string, Function>, exportKeys?: boolean}} options
 *   exportKeys: false makes exportKey fail with UNSUPPORTED
 */
export function makeKeystore(api, options) {
  const exportKeys = options?.exportKeys !== false;
  const slots = options?.slots;
  if (!slots || typeof slots.slotFree !== "function") throw new TypeError("makeKeystore: options.slots (crypto.js codedExports(slotNames)) is required");
  const entries = new Map(); // handle → entry
  const ops = makeOps(api);

  function store(handle, entry) {
    entries.set(handle, entry);
    probe?.(handle, entry);
  }

  function add(ctx, kind, secrets, pub) {
    let handle;
    do handle = newHandle(); while (entries.has(handle));
    const entry = { kind, secrets, ...pub };
    store(handle, entry);
    ctx.created.push(handle);
    return handle;
  }

  function wipe(entry) {
    if (entry.slot) {
      slots.slotFree(entry.slot); // wipes the slot in the core
      entry.slot = 0;
    }
    for (const b of Object.values(entry.secrets)) b?.fill(0);
    for (const b of entry.memoFresh ?? []) b.fill(0);
    entry.memoFresh = undefined;
    entry.memoIndex = undefined;
  }

  // userSlot and keySlot return the entry's slot, made on first use.
  const userSlot = (e) => (e.slot ||= slots.slotUser(e.secrets.privateKey, e.publicKey, e.secrets.pqSecretKey));
  const keySlot = (handle) => {
    const e = get(handle, "key");
    return (e.slot ||= slots.slotKey(e.secrets.key));
  };

  function remove(handle) {
    const e = entries.get(handle);
    if (!e) return false;
    entries.delete(handle);
    wipe(e);
    return true;
  }

  function get(handle, kind) {
    if (typeof handle !== "string") throw invalid(`${kind ?? "key"} handle must be a string`);
    const e = entries.get(handle);
    if (!e) throw new SealkitError(ErrorCode.UNKNOWN_HANDLE, "sealkit: unknown key handle (released, or not from this load)");
    if (kind && e.kind !== kind) throw invalid(`not a ${kind} handle`);
    return e;
  }

  const b64 = (bytes) => bytesToBase64(bytes);

  // identityOf derives the public key of an identity signing key and, when
  // the account record names one (`claimed`), checks that it is the same:
  // a record whose identity_public_key does not belong to its wrapped
  // signing key (a server that mixes accounts up, or lies) is refused.
  function identityOf(signingKey, claimed) {
    const pk = slots.signingPublicKeyBytes(signingKey);
    if (present(claimed) && claimed !== pk) {
      throw new SealkitError(ErrorCode.SIGNATURE, "signature: the account's identity_public_key does not match its signing key");
    }
    return pk;
  }

  // openSecrets unwraps each named wrap with `open` (a crate unwrap over
  // base64 text) into bytes; absent optional wraps stay absent. On a
  // failure every key already opened is wiped.
  function openSecrets(open, wraps) {
    const out = {};
    try {
      for (const [name, [wrapped, required]] of Object.entries(wraps)) {
        if (!required && !present(wrapped)) continue;
        out[name] = base64ToBytes(open(wrapped));
      }
      return out;
    } catch (err) {
      for (const b of Object.values(out)) b.fill(0);
      throw err;
    }
  }

  // The memo of opened resource keys (keycache.js, writeKeyMemo): a user
  // entry's secrets.memo, looked up by the SHA-256 of a seal's base64
  // text. memoIndex maps that hash (base64) to the pair's offset; built on
  // first use, dropped with the entry. memoFresh: the pairs this thread
  // opened since its last memo write.
  function memoIndex(u) {
    if (!u.memoIndex) {
      u.memoIndex = new Map(); // hash (base64) → the 64-byte pair
      for (const arr of [u.secrets.memo, ...(u.memoFresh ?? [])]) {
        for (let off = 0; arr && off + MEMO_PAIR <= arr.length; off += MEMO_PAIR) {
          u.memoIndex.set(bytesToBase64(arr.subarray(off, off + 32)), arr.subarray(off, off + MEMO_PAIR));
        }
      }
    }
    return u.memoIndex;
  }

  function memoLookup(u, hash) {
    if (!hash || (!u.secrets.memo?.length && !u.memoFresh?.length)) return null;
    return memoIndex(u).get(bytesToBase64(hash))?.slice(32) ?? null;
  }

  // sealHashes: the SHA-256 of each seal's text, or nulls where WebCrypto
  // is missing (no memo then) or the item is not a string.
  async function sealHashes(u, seals) {
    const subtle = globalThis.crypto?.subtle;
    if (!u.caches?.length && !u.secrets.memo?.length) return seals.map(() => null);
    if (typeof subtle?.digest !== "function") return seals.map(() => null);
    return Promise.all(seals.map(async (s) => (typeof s === "string" && s !== "" ? new Uint8Array(await subtle.digest("SHA-256", encoder.encode(s))) : null)));
  }

  function memoAdd(u, hash, key) {
    if (!hash || !u.caches?.length) return;
    const pair = new Uint8Array(MEMO_PAIR);
    pair.set(hash, 0);
    pair.set(key, 32);
    (u.memoFresh ||= []).push(pair);
    u.memoIndex?.set(bytesToBase64(hash), pair);
    scheduleMemoWrite(u);
  }

  // scheduleMemoWrite writes this thread's fresh pairs into the memo of
  // every cache the handle came from or went into, a moment after the
  // batch that opened them (off the page's critical path); the pairs then
  // join secrets.memo, so that a later batch on this thread finds them too.
  function scheduleMemoWrite(u) {
    if (u.memoTimer) return;
    u.memoTimer = setTimeout(async () => {
      u.memoTimer = undefined;
      const fresh = u.memoFresh ?? [];
      u.memoFresh = undefined;
      if (fresh.length === 0 || u.secrets.privateKey.every((b) => b === 0)) return; // released meanwhile
      const old = u.secrets.memo ?? new Uint8Array(0);
      const pairs = new Uint8Array(old.length + fresh.length * MEMO_PAIR);
      fresh.forEach((pair, i) => pairs.set(pair, i * MEMO_PAIR));
      pairs.set(old, fresh.length * MEMO_PAIR);
      for (const pair of fresh) pair.fill(0);
      old.fill(0);
      u.secrets.memo = pairs;
      u.memoIndex = undefined;
      await writeMemos(u.caches ?? [], pairs);
    }, MEMO_WRITE_DELAY_MS);
  }

  // writeMemos writes a copy of `pairs` (the newest first; the memo keeps
  // at most MEMO_MAX_PAIRS) into each cache's memo, then wipes the copy:
  // the entry's own array may be replaced and wiped meanwhile.
  async function writeMemos(caches, pairs) {
    const copy = pairs.slice(0, Math.min(pairs.length, MEMO_MAX_PAIRS * MEMO_PAIR));
    try {
      for (const c of caches) {
        try {
          await writeKeyMemo({ ...c, pairs: copy });
        } catch { /* an optimisation: the next load opens these again */ }
      }
    } finally {
      copy.fill(0);
    }
  }

  // openSealed: the 32-byte key of a seal — from the memo when it is
  // there, else a hybrid open that the memo then keeps.
  function openSealed(u, sealedB64, hash) {
    const known = memoLookup(u, hash);
    if (known) return known;
    const key = keyBytes(slots.slotUnseal(userSlot(u), sealedB64));
    memoAdd(u, hash, key);
    return key;
  }

  // perItem runs f for each item: {…result} or {error: {code, message}}.
  const perItem = (items, f) => items.map((item, i) => {
    try {
      return f(item, i);
    } catch (err) {
      return { error: serializeError(err) };
    }
  });

  const handleOps = {
    async deriveLoginKeys(ctx, password, keyHash) {
      requireString(password, "password");
      requireString(keyHash, "key hash");
      const sessionB64 = api.deriveSessionKey(password, api.parseSaltFromKeyHash(keyHash));
      const authKey = await deriveAuthKey(sessionB64);
      return { session: add(ctx, "session", { key: base64ToBytes(sessionB64) }), authKey };
    },

    // me.encrypted_signing_key, when present, is unwrapped too (the same
    // wrap as the private keys'); the identity public key is derived from
    // it and must equal me.identity_public_key when the record has one.
    unlockUser(ctx, session, me) {
      const s = b64(get(session, "session").secrets.key);
      if (me === null || typeof me !== "object") throw invalid("me must be the account record");
      requireString(me.public_key, "me.public_key");
      const secrets = openSecrets((w) => api.decryptPrivateKey(w, s), {
        privateKey: [me.encrypted_private_key, true],
        pqSecretKey: [me.encrypted_pq_private_key, false],
        signingKey: [me.encrypted_signing_key, false],
      });
      let identityPublicKey = null;
      try {
        if (secrets.signingKey) identityPublicKey = identityOf(secrets.signingKey, me.identity_public_key);
      } catch (err) {
        for (const b of Object.values(secrets)) b.fill(0);
        throw err;
      }
      const pqPublicKey = typeof me.pq_public_key === "string" && me.pq_public_key !== "" ? me.pq_public_key : null;
      const e = userPub(me.public_key, pqPublicKey, identityPublicKey);
      const user = add(ctx, "user", secrets, e);
      return userInfo(user, e);
    },

    // An identity signing key for a user handle that has none (an account
    // made before signatures). The session handle must be the one that
    // unlocked the user — at unlock, before UserKeys#unlock releases it:
    // core.unlockUser(session, me), then addSigningKey(user, session, me),
    // then release(session). `me` proves it: its encrypted_private_key must
    // open under the session to this user's private key, so that the new
    // wrap is one the next unlock can open. Resolves to {identityPublicKey,
    // encryptedSigningKey} (the wrap under the session key) for the server;
    // the user handle signs from now on.
    addSigningKey(ctx, user, session, me) {
      const u = get(user, "user");
      const s = b64(get(session, "session").secrets.key);
      if (u.secrets.signingKey) throw invalid("the user handle already has a signing key");
      if (me === null || typeof me !== "object") throw invalid("me must be the account record");
      const { privateKey } = openSecrets((w) => api.decryptPrivateKey(w, s), { privateKey: [me.encrypted_private_key, true] });
      const same = privateKey.length === u.secrets.privateKey.length && privateKey.every((b, i) => b === u.secrets.privateKey[i]);
      privateKey.fill(0);
      if (!same) throw invalid("the session handle is not this user's (me.encrypted_private_key opens to another key)");
      const kp = api.generateSigningKeyPair(SIGNING_LEVEL);
      const encryptedSigningKey = api.encryptPrivateKey(kp.secretKey, s);
      u.secrets.signingKey = base64ToBytes(kp.secretKey);
      u.identityPublicKey = kp.publicKey;
      // The sibling workers hold the same handle: they get the new entry.
      ctx.updated.push(user);
      return { identityPublicKey: kp.publicKey, encryptedSigningKey };
    },

    // The user's identity signature of `message` (bytes) under `context`
    // (the crate's sign: every component signs u64_be(len(context)) ‖
    // context ‖ message): base64. Only the worker holds the key.
    signAsUser(ctx, user, message, context) {
      const u = get(user, "user");
      const bytes = asBytes(message, "message");
      if (typeof context !== "string") throw invalid("context must be a string");
      if (!u.secrets.signingKey) throw invalid("the user handle has no signing key (addSigningKey makes one)");
      // The key goes into the core as bytes (wiped there after the call),
      // never as base64 text.
      return slots.signBytes(bytes, context, u.secrets.signingKey);
    },

    // account.js makeAccountKeys, with the secrets kept here.
    async makeAccount(ctx, password, email, options) {
      requireString(password, "password");
      requireString(email, "email");
      const level = options?.level ?? undefined;
      const salt = api.generateSalt();
      const sessionB64 = api.deriveSessionKey(password, salt);
      const authKey = await deriveAuthKey(sessionB64);
      const kp = api.generateKeyPair();
      const hk = ops.generateHybridKeypair(level);
      const sk = api.generateSigningKeyPair(SIGNING_LEVEL);
      const userKeyB64 = api.generateKey();
      const request = {
        key_hash: `${salt}$argon2id`,
        auth_key: authKey,
        public_key: kp.publicKey,
        encrypted_private_key: api.encryptPrivateKey(kp.privateKey, sessionB64),
        pq_public_key: hk.publicKey,
        encrypted_pq_private_key: api.encryptPrivateKey(hk.secretKey, sessionB64),
        // The user key is sealed as its base64 text, as account.js does.
        encrypted_user_key: ops.seal(userKeyB64, kp.publicKey, hk.publicKey, level),
        encrypted_email: api.encryptSecretboxString(email, userKeyB64),
        // The identity signing key, wrapped as the private keys are.
        identity_public_key: sk.publicKey,
        encrypted_signing_key: api.encryptPrivateKey(sk.secretKey, sessionB64),
      };
      const session = add(ctx, "session", { key: base64ToBytes(sessionB64) });
      const user = add(ctx, "user", {
        privateKey: base64ToBytes(kp.privateKey), pqSecretKey: base64ToBytes(hk.secretKey), signingKey: base64ToBytes(sk.secretKey),
      }, userPub(kp.publicKey, hk.publicKey, sk.publicKey));
      const userKey = add(ctx, "key", { key: base64ToBytes(userKeyB64) });
      return { session, user, userKey, publicKey: kp.publicKey, pqPublicKey: hk.publicKey, identityPublicKey: sk.publicKey, request };
    },

    // A password change (account.js changePassword) or a recovery: a new
    // salt, session key and auth key for `password`, and the user's
    // private keys wrapped under the new session key. The session key is
    // dropped here: nothing needs it once the wraps are made.
    async rewrapUser(ctx, user, password) {
      const u = get(user, "user");
      requireString(password, "password");
      if (!u.secrets.pqSecretKey) throw invalid("the account has no hybrid key pair to wrap");
      const salt = api.generateSalt();
      const sessionB64 = api.deriveSessionKey(password, salt);
      const out = {
        key_hash: `${salt}$argon2id`,
        auth_key: await deriveAuthKey(sessionB64),
        encrypted_private_key: api.encryptPrivateKey(b64(u.secrets.privateKey), sessionB64),
        encrypted_pq_private_key: api.encryptPrivateKey(b64(u.secrets.pqSecretKey), sessionB64),
      };
      // The signing key moves to the new password with the others.
      if (u.secrets.signingKey) out.encrypted_signing_key = api.encryptPrivateKey(b64(u.secrets.signingKey), sessionB64);
      return out;
    },

    // A new recovery key for the user (crate generate_recovery_key): a
    // recovery handle, and its auth key and the private keys wrapped
    // under its secret (crate encrypt_private_key_for_recovery) as the
    // request fields of PUT /api/auth/recovery.
    async makeRecovery(ctx, user) {
      const u = get(user, "user");
      if (!u.secrets.pqSecretKey) throw invalid("the account has no hybrid key pair to wrap");
      const { recoveryKey, recoverySecretBase64 } = api.generateRecoveryKey();
      const request = {
        recovery_auth_key: await deriveRecoveryAuthKey(recoverySecretBase64),
        recovery_encrypted_private_key: api.encryptPrivateKeyForRecovery(b64(u.secrets.privateKey), recoverySecretBase64),
        recovery_encrypted_pq_private_key: api.encryptPrivateKeyForRecovery(b64(u.secrets.pqSecretKey), recoverySecretBase64),
      };
      if (u.secrets.signingKey) {
        request.recovery_encrypted_signing_key = api.encryptPrivateKeyForRecovery(b64(u.secrets.signingKey), recoverySecretBase64);
      }
      const recovery = add(ctx, "recovery", { secret: base64ToBytes(recoverySecretBase64), text: encoder.encode(recoveryKey) });
      return { recovery, request };
    },

    // The recovery key as the user must see it once (it is the one key
    // meant to leave the worker, so exportKeys: false does not stop it).
    exportRecoveryKey(ctx, recovery) {
      const e = get(recovery, "recovery");
      if (!e.secrets.text) throw invalid("this recovery key was typed in, not made here");
      return decodeUtf8(e.secrets.text);
    },

    // A recovery key as typed: the crate's recovery_key_to_secret (dashes
    // and case are ignored; anything else garbled fails with its error),
    // kept here as a recovery handle, with the auth key that proves it.
    async openRecovery(ctx, recoveryKey) {
      if (typeof recoveryKey !== "string") throw invalid("recovery key must be a string");
      const secretB64 = api.recoveryKeyToSecret(recoveryKey);
      const recoveryAuthKey = await deriveRecoveryAuthKey(secretB64);
      return { recovery: add(ctx, "recovery", { secret: base64ToBytes(secretB64) }), recoveryAuthKey };
    },

    // Opens the recovery wraps of the server's answer (POST
    // /api/auth/recover) with a recovery handle: a user handle.
    recoverUser(ctx, recovery, bundle) {
      const secretB64 = b64(get(recovery, "recovery").secrets.secret);
      if (bundle === null || typeof bundle !== "object") throw invalid("bundle must be the server's recovery answer");
      requireString(bundle.public_key, "bundle.public_key");
      requireString(bundle.pq_public_key, "bundle.pq_public_key");
      const secrets = openSecrets((w) => api.decryptPrivateKeyWithRecovery(w, secretB64), {
        privateKey: [bundle.recovery_encrypted_private_key, true],
        pqSecretKey: [bundle.recovery_encrypted_pq_private_key, true],
        signingKey: [bundle.recovery_encrypted_signing_key, false],
      });
      let identityPublicKey = null;
      try {
        if (secrets.signingKey) identityPublicKey = identityOf(secrets.signingKey, bundle.identity_public_key);
      } catch (err) {
        for (const b of Object.values(secrets)) b.fill(0);
        throw err;
      }
      const e = userPub(bundle.public_key, bundle.pq_public_key, identityPublicKey);
      return userInfo(add(ctx, "user", secrets, e), e);
    },

    // The key cache v2 (keycache.js), written and opened here so that the
    // private keys go from this store to IndexedDB and back without the
    // page ever holding them. The endpoint is fetched from this thread
    // (same origin: the session cookie goes along).
    async cacheUser(ctx, user, options) {
      const u = get(user, "user");
      const o = cacheOptions(options);
      if (!u.secrets.pqSecretKey || !u.pqPublicKey) throw invalid("the key cache needs an account with a hybrid key pair");
      const keys = {
        privateKey: u.secrets.privateKey.slice(), pqSeed: u.secrets.pqSecretKey.slice(),
        publicKey: base64ToBytes(u.publicKey), pqPublicKey: base64ToBytes(u.pqPublicKey),
      };
      if (u.secrets.signingKey) keys.signingKey = u.secrets.signingKey.slice();
      try {
        const stored = await writeKeyCache({ ...o, keys });
        if (stored) {
          // A new entry: openTexts keeps this cache's memo from now on.
          u.caches = [...(u.caches ?? []).filter((c) => c.name !== o.name), o];
          if (u.secrets.memo?.length) writeMemos([o], u.secrets.memo).catch(() => {});
        }
        return stored;
      } finally {
        keys.privateKey.fill(0);
        keys.pqSeed.fill(0);
        keys.signingKey?.fill(0);
      }
    },

    async openCachedUser(ctx, options) {
      const o = cacheOptions(options);
      const keys = await readKeyCache({ ...o, memo: true });
      if (keys === null) return null;
      const secrets = { privateKey: keys.privateKey, pqSecretKey: keys.pqSeed };
      let identityPublicKey = null;
      if (keys.signingKey) {
        secrets.signingKey = keys.signingKey;
        try {
          identityPublicKey = identityOf(keys.signingKey);
        } catch (err) {
          for (const b of Object.values(secrets)) b.fill(0);
          throw err;
        }
      }
      if (keys.memo?.length) secrets.memo = keys.memo;
      const e = userPub(b64(keys.publicKey), b64(keys.pqPublicKey), identityPublicKey);
      return userInfo(add(ctx, "user", secrets, { ...e, caches: [o] }), e);
    },

    // A transition aid for pages whose session key is still kept as
    // base64 text (the sessionStorage chain of account.js KeyChain): the
    // key goes into the worker once, and the page then holds only the
    // handle. Pages that derive in the worker (deriveLoginKeys) or open
    // the key cache v2 (openCachedUser) do not need it.
    importSessionKey(ctx, sessionB64) {
      requireString(sessionB64, "session key");
      const key = base64ToBytes(sessionB64);
      if (key.length !== KEY_SIZE) {
        key.fill(0);
        throw new SealkitError(ErrorCode.INVALID_LENGTH, `invalid length: expected ${KEY_SIZE} bytes, got ${key.length}`);
      }
      return add(ctx, "session", { key });
    },

    // A text sealed to the user (sealForUser of its UTF-8 bytes, e.g. an
    // operator's announcement), opened with the user handle's keys.
    unsealText(ctx, user, sealedB64) {
      const bytes = slots.slotUnseal(userSlot(get(user, "user")), sealedB64);
      try {
        return decodeUtf8(bytes);
      } finally {
        bytes.fill(0); // the decrypted bytes are not needed past the string
      }
    },

    newKey(ctx) {
      return add(ctx, "key", { key: base64ToBytes(api.generateKey()) });
    },

    async openKey(ctx, user, sealedB64) {
      const u = get(user, "user");
      const [hash] = await sealHashes(u, [sealedB64]);
      return add(ctx, "key", { key: openSealed(u, sealedB64, hash) });
    },

    async openKeys(ctx, user, sealed) {
      const u = get(user, "user");
      const hashes = await sealHashes(u, requireArray(sealed, "sealed"));
      return perItem(sealed, (s, i) => ({ handle: add(ctx, "key", { key: openSealed(u, s, hashes[i]) }) }));
    },

    // Opens each item's sealed key and decrypts its texts with it, in one
    // message, without making a handle: nothing to replicate to the
    // sibling workers nor to release (a dashboard reading many resources
    // once). The key lives in a slot for the item only.
    async openTexts(ctx, user, list) {
      const u = get(user, "user");
      const hashes = await sealHashes(u, requireArray(list, "items").map((item) => item?.sealed));
      return perItem(list, (item, i) => {
        if (item === null || typeof item !== "object" || !Array.isArray(item.ciphertexts)) {
          throw invalid("an item must be {sealed, ciphertexts: [base64 | {ciphertext, place} | null]}");
        }
        const texts = item.ciphertexts.map(textItem); // bad places fail before any key is opened
        const key = openSealed(u, item.sealed, hashes[i]);
        let k = 0;
        try {
          k = slots.slotKey(key);
          return { texts: texts.map(([ct, place]) => (ct === null || ct === undefined || ct === "" ? null : slots.slotDecryptText(k, ct, place))) };
        } finally {
          key.fill(0);
          if (k) slots.slotFree(k);
        }
      });
    },

    // share.js sealToMembers: the key's raw bytes, hybrid when the member
    // has a pq_public_key.
    sealKey(ctx, key, members, level) {
      const k = keySlot(key);
      return requireArray(members, "members").map((m) => {
        if (m === null || typeof m !== "object") throw invalid("a member must be {user_id, public_key, pq_public_key?}");
        // An absent level is sealForUser's (Cat-3 for a PQ key).
        return { user_id: m.user_id, encrypted_key: slots.slotSeal(k, m.public_key, m.pq_public_key || "", level ?? undefined) };
      });
    },

    // Every encrypt and decrypt takes an optional place: the blob is then
    // sealed under, or opened with, the key's place key (the core derives
    // it from the slot: it never exists outside the core). A blob moved
    // to another place fails with the ordinary DECRYPTION error.
    encryptText(ctx, key, text, place) {
      if (typeof text !== "string") throw invalid("plaintext must be a string");
      const p = placeArg(place);
      // TextEncoder turns lone surrogates into U+FFFD, as the string API's
      // conversion does: the same bytes are encrypted.
      return bytesToBase64(slots.slotEncrypt(keySlot(key), encoder.encode(text), p));
    },

    decryptText(ctx, key, ciphertextB64, place) {
      return slots.slotDecryptText(keySlot(key), ciphertextB64, placeArg(place));
    },

    decryptTexts(ctx, key, ciphertexts) {
      const k = keySlot(key);
      return perItem(requireArray(ciphertexts, "ciphertexts"), (item) => {
        const [ct, place] = textItem(item);
        return { text: slots.slotDecryptText(k, ct, place) };
      });
    },

    decryptMany(ctx, items) {
      return perItem(requireArray(items, "items"), (item) => {
        if (item === null || typeof item !== "object") throw invalid("an item must be {key, ciphertext, place?}");
        return { text: slots.slotDecryptText(keySlot(item.key), item.ciphertext, placeArg(item.place)) };
      });
    },

    // A commitment to a key (docs/PROTOCOL.md §10.6): base64 of
    // HMAC-SHA256(key, "sealkit/v1/group-key-commitment" ‖ 0x00 ‖ label),
    // Go's identity.KeyCommitment. WebCrypto's HMAC runs over the entry's
    // bytes here, in the worker: the page gets the MAC, never the key.
    async keyCommitment(ctx, key, label) {
      const e = get(key, "key");
      if (typeof label !== "string") throw invalid("label must be a string");
      const l = new TextEncoder().encode(label);
      const msg = new Uint8Array(COMMITMENT_CONTEXT.length + 1 + l.length);
      msg.set(COMMITMENT_CONTEXT);
      msg.set(l, COMMITMENT_CONTEXT.length + 1);
      const raw = e.secrets.key.slice();
      try {
        const k = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
        return b64(new Uint8Array(await crypto.subtle.sign("HMAC", k, msg)));
      } finally {
        raw.fill(0);
      }
    },

    // The bytes go into the core as they are and the blob comes back as a
    // fresh Uint8Array, which the worker transfers to the page.
    encryptBytes(ctx, key, plaintext, place) {
      return slots.slotEncrypt(keySlot(key), asBytes(plaintext, "plaintext"), placeArg(place));
    },

    decryptBytes(ctx, key, ciphertext, place) {
      return slots.slotDecrypt(keySlot(key), asBytes(ciphertext, "ciphertext"), placeArg(place));
    },

    exportKey(ctx, handle) {
      const e = get(handle);
      if (!exportKeys) throw new SealkitError(ErrorCode.UNSUPPORTED, "sealkit: exportKey is turned off for this load ({exportKeys: false})");
      if (e.kind === "recovery") throw invalid("a recovery key is shown with exportRecoveryKey");
      if (e.kind !== "user") return b64(e.secrets.key);
      return {
        publicKey: e.publicKey,
        privateKey: b64(e.secrets.privateKey),
        pqSecretKey: e.secrets.pqSecretKey ? b64(e.secrets.pqSecretKey) : null,
        pqPublicKey: e.pqPublicKey ?? null,
        signingKey: e.secrets.signingKey ? b64(e.secrets.signingKey) : null,
        identityPublicKey: e.identityPublicKey ?? null,
      };
    },

    release(ctx, handle) {
      if (typeof handle !== "string") throw invalid("handle must be a string");
      return remove(handle);
    },

    releaseAll() {
      const n = entries.size;
      for (const h of [...entries.keys()]) remove(h);
      return n;
    },
  };

  return {
    /** The names run() accepts. */
    names: Object.freeze(Object.keys(handleOps)),

    /**
     * Runs one operation. The handles it made are dropped if it fails,
     * and passed to `replicate` (as [handle, entry] pairs; a rejection
     * fails the operation) before its result is returned.
     */
    async run(name, args, replicate) {
      if (!Object.hasOwn(handleOps, name)) throw invalid("unknown operation");
      // created: handles made (dropped again on failure); updated:
      // existing handles whose entry changed (addSigningKey), replicated
      // but never dropped.
      const ctx = { created: [], updated: [] };
      try {
        const result = await handleOps[name](ctx, ...(Array.isArray(args) ? args : []));
        const changed = [...ctx.created, ...ctx.updated];
        if (replicate && changed.length > 0) {
          await replicate(changed.filter((h) => entries.has(h)).map((h) => [h, entries.get(h)]));
        }
        return result;
      } catch (err) {
        for (const h of ctx.created) remove(h);
        throw err;
      }
    },

    /** Stores an entry replicated from a sibling (validated, never trusted blindly). */
    put(handle, entry) {
      if (typeof handle !== "string" || !handle.startsWith(HANDLE_PREFIX)) throw invalid("handle");
      if (entry === null || typeof entry !== "object" || !kinds.has(entry.kind) || entry.secrets === null || typeof entry.secrets !== "object") {
        throw invalid("entry");
      }
      for (const b of Object.values(entry.secrets)) if (!(b instanceof Uint8Array)) throw invalid("entry");
      const old = entries.get(handle);
      if (old) wipe(old);
      const caches = Array.isArray(entry.caches) ? entry.caches.map(cacheOptions) : undefined;
      store(handle, {
        kind: entry.kind, secrets: entry.secrets, publicKey: entry.publicKey, pqPublicKey: entry.pqPublicKey, identityPublicKey: entry.identityPublicKey, caches,
      });
    },

    /** Drops handles (a sibling's failed replication). */
    drop(handles) {
      for (const h of handles) remove(h);
    },

    /** A copy of an entry for a sibling, and the buffers to transfer. */
    copyEntry(entry) {
      const secrets = {};
      const transfer = [];
      for (const [k, b] of Object.entries(entry.secrets)) {
        secrets[k] = b.slice();
        transfer.push(secrets[k].buffer);
      }
      return {
        entry: { kind: entry.kind, secrets, publicKey: entry.publicKey, pqPublicKey: entry.pqPublicKey, identityPublicKey: entry.identityPublicKey, caches: entry.caches },
        transfer,
      };
    },

    get size() {
      return entries.size;
    },
  };
}
