// The user's keys across pages (docs/PROTOCOL.md §4), through the SDK's
// UserKeys: the private keys live in the SDK's crypto worker(s) and a page
// holds only a user handle. Between pages they wait in the key cache v2
// (this tab's, and the browser's unless "Always require password"), which
// holds no session key and opens only with the live session's secret.
// `me` is the JSON of GET /api/me. No page script holds key bytes.

import { UserKeys } from "../sdk/account.js";
import { loadSdk } from "./common.js"; // a cycle (common.js imports forgetKeys): used only in calls, never at load

const userKeys = new UserKeys();

// Every function loads the core through common.js first (loadCrypto is
// idempotent and the first call's arguments win), so that the SDK never
// falls back to its default wasm URL nor loads with other options than
// the pages'.

/**
 * The user's private keys as a handle: from UserKeys (the caches); or, when it
 * holds nothing, a redirect to /unlock?next=<this page> (the returned
 * promise then never settles).
 * @param {object} me the /api/me JSON
 * @returns {Promise<{user: string, publicKey: string, pqPublicKey: string | null}>}
 */
export async function userHandle(me) {
  await loadSdk();
  const found = await userKeys.open(me);
  if (found) {
    // A password change elsewhere makes these keys stale: the push
    // channel sends this page to the unlock page then (push.js). Loaded
    // after the keys, off the page's critical path.
    import("./push.js").then((m) => m.watchKeys()).catch(() => {});
    return found;
  }
  location.assign("/unlock?next=" + encodeURIComponent(location.pathname + location.search));
  return new Promise(() => {});
}

/**
 * After login: opens the account with the session handle (released
 * again) and keeps the keys for the next page.
 */
export async function unlockSession(me, session) {
  await loadSdk();
  return userKeys.unlock(me, session);
}

/**
 * Keeps the keys for the next page: after sign-up, and when "Always
 * require password" changes (on: the shared cache is deleted and only this
 * tab keeps them; off: other tabs can open them again).
 */
export async function keepUser(me, user) {
  await loadSdk();
  return userKeys.keep(me, user);
}

/**
 * The unlock page: the session key from the password, in the worker
 * (nothing is sent). Resolves to the user handle or {wrongPassword: true}.
 */
export async function unlockWithPassword(me, password) {
  await loadSdk();
  return userKeys.unlockWithPassword(me, password);
}

/**
 * Forgets every key this browser holds for the app (logout): the
 * workers' handles, wiped, and every key cache.
 */
export function forgetKeys() {
  return userKeys.forget(); // never loads the core: releaseAll only reaches workers that run
}
