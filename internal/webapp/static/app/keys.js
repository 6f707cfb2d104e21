// The user's keys across pages (docs/PROTOCOL.md §4), through the SDK's
// UserKeys: the private keys live in the SDK's crypto worker(s) and a page
// holds only a user handle. Between pages they wait in the key cache v2
// (this tab's, and the browser's unless "Always require password"), which
// holds no session key and opens only with the live session's secret.
// `me` is the JSON of GET /api/me. No page script holds key bytes.

import { UserKeys } from "../sdk/account.js";
import { api, fetchMe, loadSdk, sdk } from "./common.js"; // a cycle (common.js imports forgetKeys): used only in calls, never at load

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
    // This user's signed identity bundle, published once the handle has an
    // identity key the server holds no bundle for (trust.js).
    import("./trust.js").then((m) => m.publishOwnBundle(me, found)).catch(() => {});
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
 * An account made before signed identities gets its identity key here
 * (addIdentity), with the password just typed as the proof.
 */
export async function unlockWithPassword(me, password) {
  await loadSdk();
  if (me.identity_public_key) return userKeys.unlockWithPassword(me, password);
  try {
    return await addIdentity(me, password, null);
  } catch (err) {
    if (err instanceof sdk.SealkitError && wrongKeyCodes.has(err.code)) return { wrongPassword: true };
    throw err;
  }
}

const wrongKeyCodes = new Set(["DECRYPTION", "BASE64", "INVALID_LENGTH", "TOO_SHORT", "UTF8"]);

/**
 * Gives an account without an identity key one (docs/PROTOCOL.md §10): the
 * password's session key (derived again in the worker) opens the account
 * (unless `user`, an open handle, is given), the SDK adds a signing key to
 * the handle and wraps it under that session key, and PUT
 * /api/me/identity stores the public half and the wrap, proven by the
 * password's auth key. The keys are kept for the next page, which
 * publishes the signed bundle (trust.js publishOwnBundle). A failed PUT
 * leaves the account as it was (the next unlock tries again). Resolves to
 * {user, publicKey, pqPublicKey, identityPublicKey, authKey}; rejects
 * with DECRYPTION for a wrong password.
 */
export async function addIdentity(me, password, user) {
  await loadSdk();
  const { session, authKey } = await sdk.deriveLoginKeys(password, me.key_hash);
  try {
    let opened = { publicKey: me.public_key, pqPublicKey: me.pq_public_key || null };
    if (!user) {
      opened = await sdk.unlockUser(session, me);
      user = opened.user;
    }
    let record = me;
    let identityPublicKey = null;
    try {
      const made = await sdk.addSigningKey(user, session, me);
      await api("PUT", "/api/me/identity", {
        auth_key: authKey, identity_public_key: made.identityPublicKey, encrypted_signing_key: made.encryptedSigningKey,
      });
      identityPublicKey = made.identityPublicKey;
      record = await fetchMe();
    } catch {
      // No identity this time: the account works as before.
    }
    await userKeys.keep(record, user);
    return { ...opened, user, identityPublicKey, authKey };
  } finally {
    sdk.release(session).catch(() => {});
  }
}

/**
 * Forgets every key this browser holds for the app (logout): the
 * workers' handles, wiped, and every key cache.
 */
export function forgetKeys() {
  return userKeys.forget(); // never loads the core: releaseAll only reaches workers that run
}
