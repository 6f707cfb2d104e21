// At-rest caches for a user's decrypted keys, so that a page reload does
// not ask for the password (and run Argon2id) again.
//
// v2 (writeKeyCache, readKeyCache, clearKeyCacheV2; sealEntry, openEntry)
// is the one to use; it is described above its code below. It caches the
// private keys, never the session key (from which the login key is
// derived), and opens only with a secret the server gives a live session.
//
// v1 (cacheKeys, getCachedKeys, clearKeyCache) is DEPRECATED: it kept
// whatever the app gave it (the reference app: the session key) under a
// device-only key, so a copy of the browser profile opened it forever. It
// stays until the reference app has moved to v2.
//
// v1 design: a non-extractable AES-256-GCM CryptoKey lives in IndexedDB
// (structured clone keeps it non-extractable: script can use it, never read
// its bytes); the keys, as JSON, are encrypted under it with a fresh 12-byte
// IV and the additional data "sealkit keycache v1", and stored in
// localStorage. A copy of localStorage alone (a backup, a synced profile, a
// disk image without the IndexedDB files) reveals nothing. It does not
// protect against script running in the page (XSS): that script can use
// the wrapping key as this module does. Call clearKeyCache() on logout.
//
// v1 storage names, for the default name "sealkit":
//   IndexedDB database "sealkit-keycache", store "keys", key "wrapping-key-v1"
//   localStorage "sealkit.keycache.v1" = JSON {v: 1, iv: b64, ct: b64}
// options.name replaces "sealkit" in both, so that several apps (or tests)
// on one origin keep separate caches.
//
// Every function degrades instead of throwing when the environment lacks
// IndexedDB, WebCrypto or localStorage (Node, workers, some private
// modes): nothing is persisted, nothing is found.

import { ErrorCode, SealkitError } from "./errors.js";
import { base64ToBytes, bytesToBase64 } from "./ops.js";

const STORE = "keys";
const WRAPPING_KEY = "wrapping-key-v1";
const AAD = new TextEncoder().encode("sealkit keycache v1");

function names(options) {
  const name = options?.name ?? "sealkit";
  if (typeof name !== "string" || name === "") {
    throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: name must be a non-empty string");
  }
  return { db: `${name}-keycache`, entry: `${name}.keycache.v1` };
}

// Reading the localStorage global itself throws in sandboxed frames and
// with storage blocked; treat that as absent.
function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Reports whether this environment can persist the cache at all. */
export function keyCacheSupported() {
  return typeof globalThis.indexedDB?.open === "function" &&
    typeof globalThis.crypto?.subtle?.encrypt === "function" &&
    storage() !== null;
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb(dbName) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const db = req.result;
      // Never block another tab's clearKeyCache (deleteDatabase).
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(req.error);
  });
}

async function readWrappingKey(db) {
  const key = await request(db.transaction(STORE, "readonly").objectStore(STORE).get(WRAPPING_KEY));
  return isAesKey(key) ? key : null;
}

function isAesKey(key) {
  return typeof CryptoKey !== "undefined" && key instanceof CryptoKey && key.algorithm?.name === "AES-GCM";
}

// wrappingKey returns the stored key or stores a new one. The get and the
// put share one readwrite transaction, so two tabs racing here agree on
// one key; generateKey runs before it because a transaction cannot stay
// open across an await of WebCrypto.
async function wrappingKey(db) {
  const existing = await readWrappingKey(db);
  if (existing) return existing;
  const fresh = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, "readwrite");
    const store = tx.objectStore(STORE);
    let chosen = fresh;
    const get = store.get(WRAPPING_KEY);
    get.onsuccess = () => {
      if (isAesKey(get.result)) chosen = get.result;
      else store.put(fresh, WRAPPING_KEY);
    };
    tx.oncomplete = () => resolve(chosen);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function validKeys(keys) {
  if (keys === null || typeof keys !== "object" || Array.isArray(keys)) return false;
  return Object.values(keys).every((v) => typeof v === "string");
}

/**
 * @deprecated Use writeKeyCache (v2): this v1 cache opens from a copy of
 * the browser profile alone.
 *
 * Encrypts `keys` (name → base64 key, all strings) and stores them,
 * replacing an earlier cache. Resolves true when persisted, false when
 * this environment cannot persist (nothing stored then, no throw). Rejects
 * only for a `keys` that is not a record of strings (INVALID_ARGUMENT).
 *
 * @param {Record<string, string>} keys
 * @param {{name?: string}} [options]
 * @returns {Promise<boolean>}
 */
export async function cacheKeys(keys, options) {
  if (!validKeys(keys)) {
    throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: keys must be an object of strings");
  }
  const n = names(options);
  if (!keyCacheSupported()) return false;
  let db;
  let plaintext;
  try {
    db = await openDb(n.db);
    const key = await wrappingKey(db);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    plaintext = new TextEncoder().encode(JSON.stringify(keys));
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: AAD }, key, plaintext));
    storage().setItem(n.entry, JSON.stringify({ v: 1, iv: bytesToBase64(iv), ct: bytesToBase64(ct) }));
    return true;
  } catch {
    // Quota, a blocked database, storage disabled mid-way: the cache is an
    // optimisation, so report "not persisted" rather than fail the login.
    return false;
  } finally {
    plaintext?.fill(0);
    db?.close();
  }
}

/**
 * @deprecated Use readKeyCache (v2).
 *
 * Returns the cached keys, or null when nothing is cached, the wrapping
 * key is gone, or the entry does not decrypt (then the stale entry is
 * removed). Never rejects for environment reasons.
 *
 * @param {{name?: string}} [options]
 * @returns {Promise<Record<string, string> | null>}
 */
export async function getCachedKeys(options) {
  const n = names(options);
  if (!keyCacheSupported()) return null;
  const ls = storage();
  let raw;
  try {
    raw = ls.getItem(n.entry);
  } catch {
    return null;
  }
  if (raw === null) return null;
  const stale = () => {
    try { ls.removeItem(n.entry); } catch { /* storage gone: nothing to remove */ }
    return null;
  };
  let iv, ct;
  try {
    const entry = JSON.parse(raw);
    if (entry?.v !== 1 || typeof entry.iv !== "string" || typeof entry.ct !== "string") return stale();
    iv = base64ToBytes(entry.iv);
    ct = base64ToBytes(entry.ct);
    if (iv.length !== 12) return stale();
  } catch {
    return stale();
  }
  let db;
  try {
    db = await openDb(n.db);
  } catch {
    return null; // the database is unreachable now; the entry may still be good
  }
  let plaintext;
  try {
    const key = await readWrappingKey(db);
    if (!key) return stale(); // without its key the entry can never be read
    plaintext = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: AAD }, key, ct));
    const keys = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
    return validKeys(keys) ? keys : stale();
  } catch {
    return stale();
  } finally {
    plaintext?.fill(0);
    db.close();
  }
}

/**
 * @deprecated Use clearKeyCacheV2 (and this too, while a v1 cache may
 * still exist).
 *
 * Forgets the cache: removes the localStorage entry and deletes the
 * IndexedDB database (with the wrapping key). Never rejects for
 * environment reasons. If another tab holds the database open the
 * deletion completes once it closes.
 *
 * @param {{name?: string}} [options]
 * @returns {Promise<void>}
 */
export async function clearKeyCache(options) {
  const n = names(options);
  try { storage()?.removeItem(n.entry); } catch { /* storage gone */ }
  if (typeof globalThis.indexedDB?.deleteDatabase !== "function") return;
  await new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.deleteDatabase(n.db);
    } catch {
      resolve();
      return;
    }
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
    req.onblocked = () => resolve(); // queued; it runs when the other connection closes
  });
}

// ---- v2 ---------------------------------------------------------------------
//
// What it stores: the user's private keys (X25519 private key, hybrid
// seed) with the user id and public keys, never the session key, so
// nothing in it leads to the login (auth) key.
//
// How it is locked: the entry is AES-256-GCM under
//
//   K = HKDF-SHA256(ikm = deviceSecret ‖ serverSecret,
//                   salt = the entry id's 16 bytes,
//                   info = "sealkit keycache v2", 32 bytes)
//
// deviceSecret: 32 random bytes made on this device, kept in IndexedDB.
// serverSecret: 32 bytes the server gives the live session for the entry's
//   write time (POST secretUrl {written} → {"secret": b64}; Go
//   accounts.Handlers.CacheSecret), bound to that session and that time.
//
// A copy of the browser profile holds deviceSecret but not serverSecret:
// once the session has ended (logout, revoked from another device,
// password change, idle or absolute expiry) or the entry is older than the
// server's lifetime (accounts.Config.KeyCacheLifetime, 14 days by default:
// 410), the server refuses and nothing opens the entry. The server never
// sees deviceSecret, so it cannot open an entry either. Script running in
// the page (XSS) while the session is live can ask for serverSecret just as
// this module does: no defence against that.
//
// Why deviceSecret is raw bytes and not a non-extractable CryptoKey: the
// key derivation needs deviceSecret ‖ serverSecret as one HKDF input, which
// WebCrypto cannot form from a non-extractable key. Non-extractability
// would not add protection here: Chromium keeps such a key's raw bytes in
// the profile's IndexedDB files all the same (so a profile copy holds it
// either way), and script that could read the bytes could also use the key
// and ask for serverSecret while the session lives, which is all an
// attacker needs. The server half is what protects the cache.
//
// Entry (IndexedDB database `${name}-keycache-v2`, store "cache", key
// "entry"; deviceSecret under key "device-secret"):
//   {v: 2, id: b64(16 random bytes), userId, written: unix seconds,
//    iv: b64(12 bytes), ct: b64(AES-256-GCM ciphertext ‖ tag)}
// additional data: UTF-8 of JSON.stringify(["sealkit keycache v2", v, id, userId, written])
// plaintext: for privateKey, pqSeed, publicKey, pqPublicKey in this order,
//   a 2-byte big-endian length and the bytes; then, for a user with an
//   identity signing key, the same for signingKey (33, 65, 90 or 99 bytes).
//   An entry without it (written before signatures) still opens: its
//   keys have no signingKey.
//
// IndexedDB only (no localStorage, no DOM): it runs in a dedicated worker.

const V2_STORE = "cache";
const V2_ENTRY = "entry";
const V2_DEVICE = "device-secret";
const V2_MEMO = "memo"; // the memo of opened resource keys, below writeKeyMemo's comment
const V2_INFO = new TextEncoder().encode("sealkit keycache v2");
const V2_FIELDS = Object.freeze(["privateKey", "pqSeed", "publicKey", "pqPublicKey"]);
// Exact sizes; 0 = 1 to 4096 bytes (the hybrid public key's size depends on its level).
const V2_SIZES = Object.freeze({ privateKey: 32, pqSeed: 32, publicKey: 32, pqPublicKey: 0 });
const MAX_PQ_PUBLIC = 4096;
// The optional fifth field and its sizes (a composite signing secret key).
const V2_SIGNING = "signingKey";
const SIGNING_SIZES = new Set([33, 65, 90, 99]);

function invalidArg(what) {
  return new SealkitError(ErrorCode.INVALID_ARGUMENT, `invalid argument: ${what}`);
}

function v2DbName(options) {
  const name = options?.name ?? "sealkit";
  if (typeof name !== "string" || name === "") throw invalidArg("name must be a non-empty string");
  return `${name}-keycache-v2`;
}

function checkUserId(userId) {
  if (typeof userId !== "string" || userId === "" || userId.length > 256) {
    throw invalidArg("userId must be the signed-in user's id (a non-empty string)");
  }
}

function checkKeys(keys) {
  if (keys === null || typeof keys !== "object") {
    throw invalidArg("keys must be {privateKey, pqSeed, publicKey, pqPublicKey}, each a Uint8Array");
  }
  for (const f of V2_FIELDS) {
    const v = keys[f];
    if (!(v instanceof Uint8Array)) throw invalidArg(`keys.${f} must be a Uint8Array`);
    const want = V2_SIZES[f];
    if (want ? v.length !== want : v.length === 0 || v.length > MAX_PQ_PUBLIC) {
      throw invalidArg(`keys.${f} must be ${want ? `${want} bytes` : `1 to ${MAX_PQ_PUBLIC} bytes`}, not ${v.length}`);
    }
  }
  const sk = keys[V2_SIGNING];
  if (sk !== undefined && sk !== null && (!(sk instanceof Uint8Array) || !SIGNING_SIZES.has(sk.length))) {
    throw invalidArg("keys.signingKey must be absent or a Uint8Array of 33, 65, 90 or 99 bytes");
  }
}

// The fields of `keys` to write, in order.
const fieldsOf = (keys) => (keys[V2_SIGNING] ? [...V2_FIELDS, V2_SIGNING] : V2_FIELDS);

function checkSecret(s, what) {
  if (!(s instanceof Uint8Array) || s.length !== 32) throw invalidArg(`${what} must be a Uint8Array of 32 bytes`);
}

function v2Aad(e) {
  return new TextEncoder().encode(JSON.stringify(["sealkit keycache v2", e.v, e.id, e.userId, e.written]));
}

async function v2Key(deviceSecret, serverSecret, salt) {
  const ikm = new Uint8Array(64);
  ikm.set(deviceSecret, 0);
  ikm.set(serverSecret, 32);
  try {
    const base = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveKey"]);
    return await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt, info: V2_INFO },
      base,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  } finally {
    ikm.fill(0);
  }
}

function encodeKeys(keys) {
  const fields = fieldsOf(keys);
  let n = 0;
  for (const f of fields) n += 2 + keys[f].length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const f of fields) {
    const v = keys[f];
    out[off] = v.length >> 8;
    out[off + 1] = v.length & 0xff;
    out.set(v, off + 2);
    off += 2 + v.length;
  }
  return out;
}

function decodeKeys(pt) {
  const keys = {};
  let off = 0;
  for (const f of [...V2_FIELDS, V2_SIGNING]) {
    if (f === V2_SIGNING && off === pt.length) break; // optional
    if (off + 2 > pt.length) return null;
    const len = (pt[off] << 8) | pt[off + 1];
    if (off + 2 + len > pt.length) return null;
    keys[f] = pt.slice(off + 2, off + 2 + len);
    off += 2 + len;
  }
  if (off !== pt.length) return null;
  try {
    checkKeys(keys);
  } catch {
    return null;
  }
  return keys;
}

function validWritten(w) {
  return Number.isSafeInteger(w) && w > 0 && w <= 2 ** 40;
}

/**
 * Encrypts `keys` into a v2 entry (pure: no storage, no network). For
 * writeKeyCache and for tests; `id` and `iv` are random unless given.
 *
 * @param {{deviceSecret: Uint8Array, serverSecret: Uint8Array, userId: string, written: number,
 *   keys: import("./keycache.js").CachedKeys, id?: Uint8Array, iv?: Uint8Array}} p
 * @returns {Promise<import("./keycache.js").KeyCacheEntry>}
 */
export async function sealEntry(p) {
  checkSecret(p?.deviceSecret, "deviceSecret");
  checkSecret(p.serverSecret, "serverSecret");
  checkUserId(p.userId);
  if (!validWritten(p.written)) throw invalidArg("written must be unix seconds (a positive integer)");
  checkKeys(p.keys);
  const id = p.id ?? crypto.getRandomValues(new Uint8Array(16));
  const iv = p.iv ?? crypto.getRandomValues(new Uint8Array(12));
  if (!(id instanceof Uint8Array) || id.length !== 16) throw invalidArg("id must be a Uint8Array of 16 bytes");
  if (!(iv instanceof Uint8Array) || iv.length !== 12) throw invalidArg("iv must be a Uint8Array of 12 bytes");
  const head = { v: 2, id: bytesToBase64(id), userId: p.userId, written: p.written };
  const key = await v2Key(p.deviceSecret, p.serverSecret, id);
  const pt = encodeKeys(p.keys);
  try {
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: v2Aad(head) }, key, pt));
    return { ...head, iv: bytesToBase64(iv), ct: bytesToBase64(ct) };
  } finally {
    pt.fill(0);
  }
}

// parseEntry returns the entry's decoded id, iv and ct, or null when it is
// not a well-formed v2 entry.
function parseEntry(e) {
  if (e === null || typeof e !== "object" || e.v !== 2) return null;
  if (typeof e.userId !== "string" || e.userId === "" || !validWritten(e.written)) return null;
  if (typeof e.id !== "string" || typeof e.iv !== "string" || typeof e.ct !== "string") return null;
  try {
    const id = base64ToBytes(e.id);
    const iv = base64ToBytes(e.iv);
    const ct = base64ToBytes(e.ct);
    if (id.length !== 16 || iv.length !== 12 || ct.length < 16 + 4 * 2) return null;
    return { id, iv, ct };
  } catch {
    return null;
  }
}

/**
 * Opens a v2 entry (pure): the keys, or null when the entry is malformed,
 * belongs to another user, or does not decrypt under these secrets.
 *
 * @param {import("./keycache.js").KeyCacheEntry} entry
 * @param {{deviceSecret: Uint8Array, serverSecret: Uint8Array, userId: string}} p
 * @returns {Promise<import("./keycache.js").CachedKeys | null>}
 */
export async function openEntry(entry, p) {
  checkSecret(p?.deviceSecret, "deviceSecret");
  checkSecret(p.serverSecret, "serverSecret");
  checkUserId(p.userId);
  const parsed = parseEntry(entry);
  if (!parsed || entry.userId !== p.userId) return null;
  let pt;
  try {
    const key = await v2Key(p.deviceSecret, p.serverSecret, parsed.id);
    const head = { v: 2, id: entry.id, userId: entry.userId, written: entry.written };
    pt = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: parsed.iv, additionalData: v2Aad(head) }, key, parsed.ct));
    return decodeKeys(pt);
  } catch {
    return null;
  } finally {
    pt?.fill(0);
  }
}

/** Whether this environment can keep a v2 cache (IndexedDB and WebCrypto; no DOM needed). */
export function keyCacheV2Supported() {
  return typeof globalThis.indexedDB?.open === "function" &&
    typeof globalThis.crypto?.subtle?.deriveKey === "function";
}

// openV2 opens the cache's database; with create false it resolves null
// instead of creating a database that does not exist (a read or a clear
// leaves nothing behind).
function openV2(dbName, create = true) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(dbName, 1);
    let absent = false;
    req.onupgradeneeded = () => {
      if (create) {
        req.result.createObjectStore(V2_STORE);
        return;
      }
      absent = true;
      req.transaction.abort();
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close(); // never block a clear in another tab
      resolve(db);
    };
    req.onerror = () => (absent ? resolve(null) : reject(req.error));
  });
}

function txDone(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("transaction aborted"));
  });
}

const isSecret = (s) => s instanceof Uint8Array && s.length === 32;

// deviceSecret returns this database's device secret, making and storing
// one if there is none; get and put share one transaction, so racing tabs
// agree (getRandomValues is synchronous, so nothing awaits inside it).
async function deviceSecret(db) {
  const tx = db.transaction(V2_STORE, "readwrite");
  const store = tx.objectStore(V2_STORE);
  let secret = null;
  const get = store.get(V2_DEVICE);
  get.onsuccess = () => {
    if (isSecret(get.result)) {
      secret = get.result;
    } else {
      secret = crypto.getRandomValues(new Uint8Array(32));
      store.put(secret, V2_DEVICE);
    }
  };
  await txDone(tx);
  return secret;
}

async function readStored(db) {
  const tx = db.transaction(V2_STORE, "readonly");
  const store = tx.objectStore(V2_STORE);
  const out = {};
  store.get(V2_ENTRY).onsuccess = (ev) => { out.entry = ev.target.result; };
  store.get(V2_DEVICE).onsuccess = (ev) => { out.device = ev.target.result; };
  store.get(V2_MEMO).onsuccess = (ev) => { out.memo = ev.target.result; };
  await txDone(tx);
  return out;
}

// putEntry stores the entry only if the device secret it was sealed under
// is still the stored one (a clear in between deletes it).
async function putEntry(db, entry, secret) {
  const tx = db.transaction(V2_STORE, "readwrite");
  const store = tx.objectStore(V2_STORE);
  let stored = false;
  const get = store.get(V2_DEVICE);
  get.onsuccess = () => {
    const cur = get.result;
    if (isSecret(cur) && cur.every((b, i) => b === secret[i])) {
      store.put(entry, V2_ENTRY);
      stored = true;
    }
  };
  await txDone(tx);
  return stored;
}

async function deleteEntry(db, id) {
  const tx = db.transaction(V2_STORE, "readwrite");
  const store = tx.objectStore(V2_STORE);
  const get = store.get(V2_ENTRY);
  get.onsuccess = () => {
    // Only the entry this read judged: another tab may have written a new one.
    if (id === undefined || get.result?.id === id) store.delete(V2_ENTRY);
  };
  await txDone(tx);
}

const REFUSED = "refused"; // 401 or 410: the entry can never open again
const UNAVAILABLE = "unavailable"; // network, 5xx, 429: try again later

// serverSecret asks secretUrl for the secret of `written`; it returns the
// 32 bytes, REFUSED or UNAVAILABLE, and the server's Date (for clock skew).
async function serverSecret(opts, written) {
  const doFetch = opts.fetch ?? globalThis.fetch;
  let res;
  try {
    res = await doFetch(opts.secretUrl, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ written }),
    });
  } catch {
    return { result: UNAVAILABLE };
  }
  let date = NaN;
  try {
    date = Date.parse(res.headers?.get?.("Date") ?? "");
  } catch { /* no Date header */ }
  if (res.status === 401 || res.status === 410) return { result: REFUSED, status: res.status, date };
  if (!res.ok) return { result: UNAVAILABLE, status: res.status };
  try {
    const data = await res.json();
    const secret = base64ToBytes(data.secret);
    if (secret.length === 32) return { result: secret };
  } catch { /* a broken answer */ }
  return { result: UNAVAILABLE, status: res.status };
}

function checkV2Options(opts) {
  if (opts === null || typeof opts !== "object") throw invalidArg("options must be an object");
  checkUserId(opts.userId);
  if (typeof opts.secretUrl !== "string" || opts.secretUrl === "") {
    throw invalidArg("secretUrl must be the URL of the server's key-cache endpoint (for example \"/api/auth/key-cache\")");
  }
  if (opts.fetch !== undefined && typeof opts.fetch !== "function") throw invalidArg("fetch must be a function");
  if (opts.fetch === undefined && typeof globalThis.fetch !== "function") {
    throw invalidArg("this environment has no fetch: pass options.fetch");
  }
  return v2DbName(opts);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Encrypts the user's private keys and stores them in IndexedDB, replacing
 * an earlier entry. Asks the server (secretUrl, with the session cookie)
 * for this session's secret. Resolves true when stored; false when it
 * could not be (no IndexedDB, the server unreachable or refusing — on 401
 * or 410 the cache is cleared — quota): the cache is an optimisation, so
 * this never fails a login. Rejects only for invalid arguments
 * (INVALID_ARGUMENT).
 *
 * @param {import("./keycache.js").WriteKeyCacheOptions} opts
 * @returns {Promise<boolean>}
 */
export async function writeKeyCache(opts) {
  const dbName = checkV2Options(opts);
  checkKeys(opts.keys);
  if (!keyCacheV2Supported()) return false;
  let db;
  let server;
  try {
    db = await openV2(dbName);
    const device = await deviceSecret(db);
    let written = nowSeconds();
    let answer = await serverSecret(opts, written);
    // 410 at write time means this device's clock runs ahead of the
    // server's by more than its leeway: retry once at the server's time.
    if (answer.status === 410 && Number.isFinite(answer.date) && answer.date / 1000 < written - 60) {
      written = Math.floor(answer.date / 1000);
      answer = await serverSecret(opts, written);
    }
    if (answer.result === REFUSED) {
      db.close();
      db = undefined;
      await clearKeyCacheV2(opts);
      return false;
    }
    if (answer.result === UNAVAILABLE) return false;
    server = answer.result;
    const entry = await sealEntry({ deviceSecret: device, serverSecret: server, userId: opts.userId, written, keys: opts.keys });
    return await putEntry(db, entry, device);
  } catch {
    return false;
  } finally {
    server?.fill(0);
    db?.close();
  }
}

/**
 * The cached keys of `userId`, or null. Null with the entry deleted when
 * it cannot open again: the server refuses (401: no live session; 410:
 * expired — the whole cache is cleared then), the entry belongs to another
 * user, is malformed or does not decrypt. Null, entry kept, when the
 * server cannot be reached or fails (5xx, 429): try again later. Rejects
 * only for invalid arguments. With `memo: true` the keys also carry
 * `memo`: the entry's memo of opened resource keys (writeKeyMemo), empty
 * when there is none that opens.
 *
 * @param {import("./keycache.js").ReadKeyCacheOptions} opts
 * @returns {Promise<import("./keycache.js").CachedKeys | null>}
 */
export async function readKeyCache(opts) {
  const dbName = checkV2Options(opts);
  if (!keyCacheV2Supported()) return null;
  let db;
  let server;
  try {
    db = await openV2(dbName, false);
    if (!db) return null;
    const { entry, device, memo } = await readStored(db);
    if (entry === undefined) return null;
    if (!parseEntry(entry) || entry.userId !== opts.userId || !isSecret(device)) {
      await deleteEntry(db, entry?.id);
      return null;
    }
    const answer = await serverSecret(opts, entry.written);
    if (answer.result === REFUSED) {
      db.close();
      db = undefined;
      await clearKeyCacheV2(opts);
      return null;
    }
    if (answer.result === UNAVAILABLE) return null;
    server = answer.result;
    const keys = await openEntry(entry, { deviceSecret: device, serverSecret: server, userId: opts.userId });
    if (!keys) {
      await deleteEntry(db, entry.id);
      return null;
    }
    if (opts.memo === true) {
      // The memo opens with the same two secrets, or not at all (another
      // entry's, or damaged): then it is simply empty.
      keys.memo = (await openMemo(memo, { deviceSecret: device, serverSecret: server, userId: opts.userId, entryId: entry.id })) ??
        new Uint8Array(0);
    }
    return keys;
  } catch {
    return null;
  } finally {
    server?.fill(0);
    db?.close();
  }
}

// ---- v2: the memo of opened resource keys -----------------------------------
//
// Why: a returning user's dashboard opens one sealed key per habit — a
// hybrid open (ML-KEM-768 decapsulation and X25519), most of the page's
// decrypting, 1,000 of them for 1,000 habits — on every load, although the
// seals have not changed. The memo keeps what those opens gave, next to
// the entry and under the entry's own two secrets, so that the next load
// finds each key by a lookup (docs/BENCHMARKS.md, load-habits).
//
// What it holds: pairs (SHA-256 of a sealed key's base64 text, the 32-byte
// key it opened to). Every one of these keys is already reachable from the
// entry's private keys (they opened the seals), and the server keeps the
// seals, so the memo exposes nothing the entry does not; it lives exactly
// as long as the entry:
//
//   K_memo = HKDF-SHA256(ikm = deviceSecret ‖ serverSecret(entry.written),
//                        salt = the entry id's 16 bytes,
//                        info = "sealkit keycache v2 memo", 32 bytes)
//   record "memo" in the same store: {v: 2, entry: the entry's id (b64),
//     iv: b64(12 bytes), ct: b64(AES-256-GCM(n × (hash(32) ‖ key(32))))}
//   additional data: UTF-8 of JSON.stringify(["sealkit keycache v2 memo", 2, entry id, userId])
//
// So the server half protects it as it protects the entry (a copied
// profile without a live session opens neither), and every new entry — a
// login, an unlock, a password change — has a new id under which an older
// memo no longer opens: it is replaced by the next write. At most
// MEMO_MAX_PAIRS pairs (1.25 MiB); the newest are kept.

const MEMO_INFO = new TextEncoder().encode("sealkit keycache v2 memo");
export const MEMO_PAIR = 64;
export const MEMO_MAX_PAIRS = 20000;

function checkPairs(pairs) {
  if (!(pairs instanceof Uint8Array) || pairs.length % MEMO_PAIR !== 0 || pairs.length / MEMO_PAIR > MEMO_MAX_PAIRS) {
    throw invalidArg(`pairs must be a Uint8Array of whole 64-byte pairs (hash ‖ key), at most ${MEMO_MAX_PAIRS}`);
  }
}

function checkEntryId(entryId) {
  let id = null;
  try {
    id = typeof entryId === "string" ? base64ToBytes(entryId) : null;
  } catch { /* not base64 */ }
  if (!id || id.length !== 16) throw invalidArg("entryId must be the entry's id (base64 of 16 bytes)");
  return id;
}

async function memoKey(deviceSecret, serverSecret, entryId) {
  const ikm = new Uint8Array(64);
  ikm.set(deviceSecret, 0);
  ikm.set(serverSecret, 32);
  try {
    const base = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveKey"]);
    return await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: entryId, info: MEMO_INFO },
      base,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"],
    );
  } finally {
    ikm.fill(0);
  }
}

const memoAad = (entryId, userId) => new TextEncoder().encode(JSON.stringify(["sealkit keycache v2 memo", 2, entryId, userId]));

/**
 * Encrypts memo pairs for the entry `entryId` (pure: no storage, no
 * network). For writeKeyMemo and for tests.
 *
 * @param {{deviceSecret: Uint8Array, serverSecret: Uint8Array, userId: string, entryId: string,
 *   pairs: Uint8Array, iv?: Uint8Array}} p
 * @returns {Promise<{v: 2, entry: string, iv: string, ct: string}>}
 */
export async function sealMemo(p) {
  checkSecret(p?.deviceSecret, "deviceSecret");
  checkSecret(p.serverSecret, "serverSecret");
  checkUserId(p.userId);
  const id = checkEntryId(p.entryId);
  checkPairs(p.pairs);
  const iv = p.iv ?? crypto.getRandomValues(new Uint8Array(12));
  if (!(iv instanceof Uint8Array) || iv.length !== 12) throw invalidArg("iv must be a Uint8Array of 12 bytes");
  const key = await memoKey(p.deviceSecret, p.serverSecret, id);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: memoAad(p.entryId, p.userId) }, key, p.pairs));
  return { v: 2, entry: p.entryId, iv: bytesToBase64(iv), ct: bytesToBase64(ct) };
}

/**
 * Opens a memo record (pure): its pairs, or null when it is malformed,
 * belongs to another entry or user, or does not decrypt.
 *
 * @param {unknown} record
 * @param {{deviceSecret: Uint8Array, serverSecret: Uint8Array, userId: string, entryId: string}} p
 * @returns {Promise<Uint8Array | null>}
 */
export async function openMemo(record, p) {
  checkSecret(p?.deviceSecret, "deviceSecret");
  checkSecret(p.serverSecret, "serverSecret");
  checkUserId(p.userId);
  const id = checkEntryId(p.entryId);
  if (record === null || typeof record !== "object" || record.v !== 2 || record.entry !== p.entryId) return null;
  if (typeof record.iv !== "string" || typeof record.ct !== "string") return null;
  try {
    const iv = base64ToBytes(record.iv);
    const ct = base64ToBytes(record.ct);
    if (iv.length !== 12 || ct.length < 16 || (ct.length - 16) % MEMO_PAIR !== 0) return null;
    const key = await memoKey(p.deviceSecret, p.serverSecret, id);
    const pairs = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: memoAad(p.entryId, p.userId) }, key, ct));
    if (pairs.length / MEMO_PAIR > MEMO_MAX_PAIRS) {
      pairs.fill(0);
      return null;
    }
    return pairs;
  } catch {
    return null;
  }
}

// mergePairs: `fresh` first, then those of `old` whose hash is not among
// them, at most MEMO_MAX_PAIRS (the newest win). A new array; wipes none.
function mergePairs(fresh, old) {
  const seen = new Set();
  const keep = [];
  for (const src of [fresh, old]) {
    for (let off = 0; off + MEMO_PAIR <= src.length && keep.length < MEMO_MAX_PAIRS; off += MEMO_PAIR) {
      const h = bytesToBase64(src.subarray(off, off + 32));
      if (seen.has(h)) continue;
      seen.add(h);
      keep.push(src.subarray(off, off + MEMO_PAIR));
    }
  }
  const out = new Uint8Array(keep.length * MEMO_PAIR);
  keep.forEach((pair, i) => out.set(pair, i * MEMO_PAIR));
  return out;
}

// putMemo stores the record only if the entry and the memo are still the
// ones this write read (another tab or worker may have written meanwhile:
// the caller merges again).
async function putMemo(db, record, entryId, prevIv) {
  const tx = db.transaction(V2_STORE, "readwrite");
  const store = tx.objectStore(V2_STORE);
  let stored = false;
  const getEntry = store.get(V2_ENTRY);
  const getMemo = store.get(V2_MEMO);
  getMemo.onsuccess = () => {
    const cur = getMemo.result;
    if (getEntry.result?.id === entryId && (cur?.iv ?? null) === prevIv) {
      store.put(record, V2_MEMO);
      stored = true;
    }
  };
  await txDone(tx);
  return stored;
}

/**
 * Adds `pairs` (n × (SHA-256 of a sealed key's base64 text ‖ the 32-byte
 * key)) to the memo of the stored entry of `userId`, merging with what is
 * stored (two workers or tabs writing at once both keep theirs). Asks the
 * server for the entry's secret, as readKeyCache does. Resolves true when
 * stored; false when there is no entry of this user, the server refuses or
 * cannot be reached: the memo is an optimisation. Rejects only for invalid
 * arguments. The caller keeps and wipes `pairs`.
 *
 * @param {import("./keycache.js").ReadKeyCacheOptions & {pairs: Uint8Array}} opts
 * @returns {Promise<boolean>}
 */
export async function writeKeyMemo(opts) {
  const dbName = checkV2Options(opts);
  checkPairs(opts.pairs);
  if (!keyCacheV2Supported() || opts.pairs.length === 0) return false;
  let db;
  let server;
  try {
    db = await openV2(dbName, false);
    if (!db) return false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const { entry, device, memo } = await readStored(db);
      if (!parseEntry(entry) || entry.userId !== opts.userId || !isSecret(device)) return false;
      if (!server) {
        const answer = await serverSecret(opts, entry.written);
        if (answer.result === REFUSED || answer.result === UNAVAILABLE) return false;
        server = answer.result;
      }
      const p = { deviceSecret: device, serverSecret: server, userId: opts.userId, entryId: entry.id };
      const old = (await openMemo(memo, p)) ?? new Uint8Array(0);
      const merged = mergePairs(opts.pairs, old);
      old.fill(0);
      let record;
      try {
        record = await sealMemo({ ...p, pairs: merged });
      } finally {
        merged.fill(0);
      }
      if (await putMemo(db, record, entry.id, memo?.iv ?? null)) return true;
      server.fill(0); // the entry may have changed: ask again for its written
      server = undefined;
    }
    return false;
  } catch {
    return false;
  } finally {
    server?.fill(0);
    db?.close();
  }
}

/**
 * Forgets the v2 cache: deletes the entry and the device secret, then the
 * database. Call it on logout (with clearKeyCache while a v1 cache may
 * exist). Never rejects for environment reasons.
 *
 * @param {{name?: string}} [options]
 * @returns {Promise<void>}
 */
export async function clearKeyCacheV2(options) {
  const dbName = v2DbName(options);
  if (!keyCacheV2Supported()) return;
  try {
    const db = await openV2(dbName, false);
    if (!db) return;
    try {
      const tx = db.transaction(V2_STORE, "readwrite");
      tx.objectStore(V2_STORE).clear();
      await txDone(tx);
    } finally {
      db.close();
    }
  } catch { /* the database is unreachable: the deletion below may still work */ }
  await new Promise((resolve) => {
    let req;
    try {
      req = indexedDB.deleteDatabase(dbName);
    } catch {
      resolve();
      return;
    }
    req.onsuccess = () => resolve();
    req.onerror = () => resolve();
    req.onblocked = () => resolve(); // queued; it runs when the other connection closes
  });
}
