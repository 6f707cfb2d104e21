// The session key chain of docs/PROTOCOL.md §4, and what pages do with
// the key. `me` is the JSON of GET /api/me.
//
// sessionKey(me) tries, in order:
//   1. sessionStorage["sealkit.session-key"];
//   2. the persistent key cache ({user_id, session_key}), unless
//      me.always_require_password (an entry of another user is ignored);
//   3. sessionStorage["sealkit.login-key"] (left by the login page), read
//      once and removed;
//   4. otherwise /unlock?next=<this page>.
// A candidate is accepted only if it decrypts me.encrypted_private_key;
// an accepted key is written to (1) and, unless always_require_password,
// to (2). Keys never go into the DOM, a URL, a request or the console.

import * as sdk from "/static/sdk/index.js";
import { cacheKeys, getCachedKeys, clearKeyCache } from "/static/sdk/keycache.js";
import { loadSdk } from "./common.js"; // a cycle (common.js imports forgetKeys): used only in calls, never at load

const SESSION_KEY = "sealkit.session-key";
const LOGIN_KEY = "sealkit.login-key";

// common.js's load (loadCrypto is idempotent and the first call's
// arguments win): so that this module never falls back to the SDK's
// default wasm URL nor loads with other options than the pages'.
function core() {
  return loadSdk();
}

function storageGet(name) {
  try {
    return sessionStorage.getItem(name);
  } catch {
    return null;
  }
}

function storageSet(name, value) {
  try {
    sessionStorage.setItem(name, value);
  } catch {
    // sessionStorage unavailable: the key lives for this page only.
  }
}

function storageRemove(name) {
  try {
    sessionStorage.removeItem(name);
  } catch {
    // nothing to remove
  }
}

// Failures that mean "this is not the right key" (or a mangled stored
// value); anything else (the worker died, the wasm did not load) is a real
// error and propagates.
const wrongKeyCodes = new Set(["DECRYPTION", "BASE64", "INVALID_LENGTH", "TOO_SHORT", "UTF8"]);

/**
 * Whether `sk` opens me.encrypted_private_key.
 * @returns {Promise<boolean>}
 */
export async function checkKey(me, sk) {
  if (typeof sk !== "string" || sk === "") return false;
  await core();
  try {
    await sdk.call("decryptPrivateKey", me.encrypted_private_key, sk);
    return true;
  } catch (err) {
    if (err instanceof sdk.SealkitError && wrongKeyCodes.has(err.code)) return false;
    throw err;
  }
}

/** The path to come back to after unlocking: this page. */
function herePath() {
  return location.pathname + location.search;
}

/**
 * The user's session key, from the chain above; or, when there is none,
 * a redirect to the unlock page (the returned promise then never settles).
 * @param {object} me the /api/me JSON
 * @returns {Promise<string>}
 */
// handOverLoginKey leaves a just-derived session key for the next page's
// chain (step 3 below), replacing a previous user's tab key: what login
// and the end of sign-up do before they navigate. Without sessionStorage
// the next page asks for the password once more.
export function handOverLoginKey(sk) {
  storageRemove(SESSION_KEY);
  storageSet(LOGIN_KEY, sk);
}

export async function sessionKey(me) {
  // 1. this tab's key
  const own = storageGet(SESSION_KEY);
  if (own !== null) {
    if (await checkKey(me, own)) {
      await rememberKey(me, own);
      return own;
    }
    storageRemove(SESSION_KEY);
  }

  // 2. the persistent cache
  if (me.always_require_password) {
    // Set (perhaps on another device): nothing of this user's may stay cached here.
    await clearKeyCache();
  } else {
    const cached = await getCachedKeys();
    if (cached && String(cached.user_id) === String(me.user_id) && (await checkKey(me, cached.session_key))) {
      await rememberKey(me, cached.session_key);
      return cached.session_key;
    }
  }

  // 3. the key the login page left, read once
  const fromLogin = storageGet(LOGIN_KEY);
  storageRemove(LOGIN_KEY);
  if (fromLogin !== null && (await checkKey(me, fromLogin))) {
    await rememberKey(me, fromLogin);
    return fromLogin;
  }

  // 4. ask for the password
  location.assign("/unlock?next=" + encodeURIComponent(herePath()));
  return new Promise(() => {});
}

/**
 * Keeps an accepted key: in this tab's sessionStorage and, unless the user
 * asked to always be asked for the password, in the persistent cache.
 */
export async function rememberKey(me, sk) {
  storageSet(SESSION_KEY, sk);
  if (me.always_require_password) return;
  try {
    await cacheKeys({ user_id: String(me.user_id), session_key: sk });
  } catch {
    // The cache is an optimisation; without it the next tab asks again.
  }
}

/** Forgets every key this browser holds for the app (logout). */
export async function forgetKeys() {
  try {
    sessionStorage.clear();
  } catch {
    // storage unavailable: nothing stored
  }
  await clearKeyCache();
}

/**
 * Opens the wrapped private keys with the session key.
 * @returns {Promise<{privateKey: string, pqSecretKey: string}>}
 */
export async function openPrivateKeys(me, sk) {
  await core();
  const [privateKey, pqSecretKey] = await Promise.all([
    sdk.call("decryptPrivateKey", me.encrypted_private_key, sk),
    sdk.call("decryptPrivateKey", me.encrypted_pq_private_key, sk),
  ]);
  return { privateKey, pqSecretKey };
}

/**
 * Opens the user_key (base64) sealed to the user.
 * @param {{privateKey: string, pqSecretKey: string}} keys openPrivateKeys's result
 * @returns {Promise<string>}
 */
export async function userKey(me, keys) {
  await core();
  return sdk.unseal(me.encrypted_user_key, me.public_key, keys.privateKey, keys.pqSecretKey);
}
