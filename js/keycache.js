// An at-rest cache for a user's decrypted keys, so that a page reload does
// not ask for the password (and run Argon2id) again.
//
// Design: a non-extractable AES-256-GCM CryptoKey lives in IndexedDB
// (structured clone keeps it non-extractable: script can use it, never read
// its bytes); the keys, as JSON, are encrypted under it with a fresh 12-byte
// IV and the additional data "sealkit keycache v1", and stored in
// localStorage. A copy of localStorage alone (a backup, a synced profile, a
// disk image without the IndexedDB files) reveals nothing. It does not
// protect against script running in the page (XSS): that script can use
// the wrapping key as this module does. Call clearKeyCache() on logout.
//
// Storage names, for the default name "sealkit":
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
