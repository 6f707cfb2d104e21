// The session key chain of docs/PROTOCOL.md §4 (the SDK's KeyChain, with
// its defaults: sessionStorage "sealkit.session-key" and
// "sealkit.login-key", the "sealkit" key cache), and what pages do with
// the key. `me` is the JSON of GET /api/me. Keys never go into the DOM, a
// URL, a request or the console.

import { KeyChain, openAccountKeys, openUserKey } from "/static/sdk/account.js";
import { importSessionKey, release, releaseAll, unlockUser } from "/static/sdk/index.js";
import { loadSdk } from "./common.js"; // a cycle (common.js imports forgetKeys): used only in calls, never at load

const chain = new KeyChain();

// Every function loads the core through common.js first (loadCrypto is
// idempotent and the first call's arguments win), so that the SDK never
// falls back to its default wasm URL nor loads with other options than
// the pages'.

/**
 * Leaves a just-derived session key for the next page's chain (login and
 * the end of sign-up, before they navigate).
 */
export function handOverLoginKey(sk) {
  chain.handOverLoginKey(sk);
}

/**
 * The user's session key, from the chain; or, when there is none, a
 * redirect to /unlock?next=<this page> (the returned promise then never
 * settles).
 * @param {object} me the /api/me JSON
 * @returns {Promise<string>}
 */
export async function sessionKey(me) {
  await loadSdk();
  const found = await chain.findSessionKey(me);
  if (found.sessionKey) return found.sessionKey;
  location.assign("/unlock?next=" + encodeURIComponent(location.pathname + location.search));
  return new Promise(() => {});
}

/**
 * The unlock page: the session key from the password (nothing is sent),
 * kept if right. Resolves to {sessionKey} or {wrongPassword: true}.
 */
export async function unlockWithPassword(me, password) {
  await loadSdk();
  return chain.unlockWithPassword(me, password);
}

/** Forgets every key this browser holds for the app (logout), the workers' handles included. */
export async function forgetKeys() {
  try {
    await releaseAll();
  } finally {
    await chain.forgetKeys();
  }
}

/**
 * The user's private keys as a handle of the SDK's handle API: the keys
 * stay in the crypto worker(s) and the page holds only the handle. The
 * session key is taken from the chain once (as sessionKey(me): without
 * one, a redirect to /unlock), imported into the worker, used to unlock
 * the account and released again.
 *
 * Transition: the chain still keeps the session key as base64 text in
 * sessionStorage; once login and unlock derive in the worker and hand
 * over through the key cache v2 (cacheUser / openCachedUser), this
 * function opens the cache instead and no page touches a key string.
 * @param {object} me the /api/me JSON
 * @returns {Promise<{user: string, publicKey: string, pqPublicKey: string | null}>}
 */
export async function userHandle(me) {
  await loadSdk();
  const session = await importSessionKey(await sessionKey(me));
  try {
    return await unlockUser(session, me);
  } finally {
    release(session).catch(() => {});
  }
}

/**
 * Opens the wrapped private keys with the session key.
 * @returns {Promise<{publicKey: string, privateKey: string, pqSecretKey: string}>}
 */
export async function openPrivateKeys(me, sk) {
  await loadSdk();
  return openAccountKeys(me, sk);
}

/**
 * Opens the user_key (base64) sealed to the user.
 * @param {{privateKey: string, pqSecretKey: string}} keys openPrivateKeys's result
 * @returns {Promise<string>}
 */
export async function userKey(me, keys) {
  await loadSdk();
  return openUserKey(me, keys);
}
