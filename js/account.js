// @sealkit/sdk/account.js: the browser half of sealkit's account flows
// (docs/PROTOCOL.md §1–§4), so that an app does not rewrite them.
//
//   await startSignup(email);                           // POST {email} → 202, a link is mailed
//   const made = await finishSignupSession({ token, email, password }); // on the link's page: handles
//   const session = await loginSession(email, password); // salt → Argon2id in the worker → auth key → POST
//   const userKeys = new UserKeys();
//   await userKeys.unlock(me, session);                 // opens the keys, caches them for the next page
//   const found = await userKeys.open(me);              // on the next page: {user, …} | null (ask the password)
//
// The session key and the private keys stay in the SDK's worker; the page
// gets handles. login, finishSignup and KeyChain, which hand the session
// key to the page as text, are deprecated.
//
// Only the one-way auth key, public keys and ciphertext leave the page; the
// password and the session key are never sent, stored in the DOM, put in a
// URL or logged. Nothing here navigates: every flow returns what the page
// acts on. Crypto runs through the SDK (index.js): load it first with
// loadCrypto(url, options) if the wasm is not at the default URL.

import * as core from "./index.js";
import { ErrorCode, SealkitError } from "./errors.js";
import { cacheKeys, getCachedKeys, clearKeyCache, clearKeyCacheV2 } from "./keycache.js";

/** The kit's endpoint paths (package accounts). */
export const DEFAULT_PATHS = Object.freeze({
  register: "/api/auth/register",
  finish: "/api/auth/register/finish",
  salt: "/api/auth/salt",
  login: "/api/auth/login",
  password: "/api/auth/password",
  recovery: "/api/auth/recovery",
  recover: "/api/auth/recover",
  recoverFinish: "/api/auth/recover/finish",
});

/** The sessionStorage names of the key chain (the reference app's). */
export const DEFAULT_STORAGE_NAMES = Object.freeze({
  sessionKey: "sealkit.session-key",
  loginKey: "sealkit.login-key",
});

/**
 * A failed request: `status` is the HTTP status (0: the server could not
 * be reached) and `message` the server's {"error"} sentence, or a
 * sentence saying what to do next.
 */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

function invalid(what) {
  return new SealkitError(ErrorCode.INVALID_ARGUMENT, `invalid argument: ${what}`);
}

function requireString(value, what) {
  if (typeof value !== "string" || value === "") throw invalid(`${what} must be a non-empty string`);
}

/**
 * POSTs `body` as JSON to one of the account endpoints (same-origin
 * credentials, so the session cookie is set) and resolves to the parsed
 * answer (null when empty). Rejects with ApiError.
 */
async function post(name, body, options, method = "POST") {
  const path = options?.paths?.[name] ?? DEFAULT_PATHS[name];
  const doFetch = options?.fetch ?? globalThis.fetch;
  let res;
  try {
    res = await doFetch((options?.base ?? "") + path, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  let data = null;
  let text = "";
  try {
    text = await res.text();
  } catch {
    // the body broke off: judged by the status alone
  }
  if (text !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const message = data && typeof data.error === "string" && data.error !== ""
      ? data.error
      : `The server answered ${res.status}. Please try again.`;
    throw new ApiError(res.status, message);
  }
  return data;
}

const step = (options, name) => {
  options?.onProgress?.(name);
};

// ---- sign-up and login ------------------------------------------------------

/**
 * Sign-up, step 1: sends the address (and only it); the server mails a
 * link to /register/finish?token=… . Resolves once the server accepted it
 * (202, the same answer for every valid address).
 *
 * @param {string} email
 * @param {import("./account.js").AccountOptions} [options]
 * @returns {Promise<void>}
 */
export async function startSignup(email, options) {
  requireString(email, "email");
  await post("register", { email }, options);
}

/**
 * The server's rule for an address, checked before sending it: "" when
 * acceptable, else a sentence saying what to fix. 3–254 bytes of UTF-8,
 * one "@" with text on both sides, no spaces or control characters.
 *
 * @param {string} email
 * @returns {string}
 */
export function emailProblem(email) {
  const bytes = new TextEncoder().encode(email).length;
  if (bytes < 3 || bytes > 254) return "Enter a valid email address.";
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return "An email address cannot contain spaces.";
  const at = email.indexOf("@");
  if (at <= 0 || at !== email.lastIndexOf("@") || at === email.length - 1) return "Enter a valid email address.";
  return "";
}

/**
 * Makes every key of a new account (docs/PROTOCOL.md §1): a random salt
 * (key_hash "<salt>$argon2id"), the Argon2id session key, the auth key,
 * an X25519 and a hybrid ML-KEM + X25519 key pair (Cat-3 unless `level`),
 * both private keys wrapped under the session key, a random user key
 * sealed to the user (hybrid) and the address encrypted under it.
 *
 * `request` is the body of POST /api/auth/register/finish without the
 * token; `sessionKey` stays on the page (hand it to KeyChain).
 *
 * @param {string} password
 * @param {string} email
 * @param {{level?: "cat1"|"cat3"|"cat5", onProgress?: (step: "derive"|"generate") => void}} [options]
 */
export async function makeAccountKeys(password, email, options) {
  requireString(password, "password");
  requireString(email, "email");
  const level = options?.level;
  const salt = await core.generateSalt();
  step(options, "derive");
  const sessionKey = await core.deriveSessionKey(password, salt);
  step(options, "generate");
  const authKey = await core.deriveAuthKey(sessionKey);
  const [kp, hk, userKey] = await Promise.all([
    core.generateKeypair(),
    core.generateHybridKeypair(level),
    core.generateKey(),
  ]);
  // The user key is sealed as its base64 text (openUserKey returns that
  // text), as the reference app always did.
  const [encryptedPrivateKey, encryptedPqPrivateKey, encryptedUserKey, encryptedEmail] = await Promise.all([
    core.call("encryptPrivateKey", kp.privateKey, sessionKey),
    core.call("encryptPrivateKey", hk.secretKey, sessionKey),
    core.seal(userKey, kp.publicKey, hk.publicKey, level),
    core.encrypt(email, userKey),
  ]);
  return {
    request: {
      key_hash: `${salt}$argon2id`,
      auth_key: authKey,
      public_key: kp.publicKey,
      encrypted_private_key: encryptedPrivateKey,
      pq_public_key: hk.publicKey,
      encrypted_pq_private_key: encryptedPqPrivateKey,
      encrypted_user_key: encryptedUserKey,
      encrypted_email: encryptedEmail,
    },
    sessionKey,
  };
}

/**
 * @deprecated Use finishSignupSession: this resolves to the session key
 * (from which the login key is derived) as text, for KeyChain.
 *
 * Sign-up, step 2, on the page the mailed link opens: makes the keys
 * (makeAccountKeys) and POSTs them with the link's token. On success the
 * account exists and this browser holds its session cookie; resolves to
 * the session key (hand it over with KeyChain#handOverLoginKey before
 * navigating). Rejects with ApiError (410: the link is used or expired;
 * 409: the address got an account meanwhile) or SealkitError.
 * onProgress reports "derive", "generate", then "submit".
 *
 * @param {import("./account.js").FinishSignupOptions} args
 * @returns {Promise<string>}
 */
export async function finishSignup(args) {
  const { token, email, password } = args ?? {};
  requireString(token, "token");
  const { request, sessionKey } = await makeAccountKeys(password, email, args);
  step(args, "submit");
  await post("finish", { token, ...request }, args);
  return sessionKey;
}

// lookUpKeyHash asks the salt endpoint for the address's key_hash (a
// fake one for an unknown address): the first step of both logins.
async function lookUpKeyHash(email, options) {
  step(options, "lookup");
  const answer = await post("salt", { email }, options);
  const keyHash = answer?.key_hash;
  if (typeof keyHash !== "string" || keyHash === "") {
    throw new ApiError(200, "The server's answer could not be read. Please try again.");
  }
  return keyHash;
}

/**
 * @deprecated Use loginSession: this resolves to the session key (from
 * which the login key is derived) as text, for KeyChain.
 *
 * Logs in: asks the server for the address's key_hash, derives the session
 * key from the password, and sends only the auth key derived from it. On
 * success this browser holds the session cookie; resolves to the session
 * key (never sent). Rejects with ApiError (401: wrong address or password;
 * 429: too many attempts) or SealkitError. onProgress reports "lookup",
 * "derive", then "submit".
 *
 * @param {string} email
 * @param {string} password
 * @param {import("./account.js").AccountOptions & {onProgress?: (step: "lookup"|"derive"|"submit") => void}} [options]
 * @returns {Promise<string>}
 */
export async function login(email, password, options) {
  requireString(email, "email");
  requireString(password, "password");
  const keyHash = await lookUpKeyHash(email, options);
  step(options, "derive");
  const salt = await core.call("parseSaltFromKeyHash", keyHash);
  const sessionKey = await core.deriveSessionKey(password, salt);
  const authKey = await core.deriveAuthKey(sessionKey);
  step(options, "submit");
  await post("login", { email, auth_key: authKey }, options);
  return sessionKey;
}

// ---- sign-up and login with the keys in the worker ---------------------------

/**
 * login, with the session key kept in the SDK's worker: asks the server
 * for the address's key_hash, derives the session key and the auth key in
 * the worker (deriveLoginKeys), and sends only the auth key. Resolves to
 * the session handle — open the account with UserKeys#unlock(me, session),
 * which releases it. The page never holds the session key. Rejects as
 * login does.
 *
 * @param {string} email
 * @param {string} password
 * @param {import("./account.js").AccountOptions & {onProgress?: (step: "lookup"|"derive"|"submit") => void}} [options]
 * @returns {Promise<string>}
 */
export async function loginSession(email, password, options) {
  requireString(email, "email");
  requireString(password, "password");
  const keyHash = await lookUpKeyHash(email, options);
  step(options, "derive");
  const { session, authKey } = await core.deriveLoginKeys(password, keyHash);
  try {
    step(options, "submit");
    await post("login", { email, auth_key: authKey }, options);
  } catch (err) {
    core.release(session).catch(() => {});
    throw err;
  }
  return session;
}

/**
 * finishSignup, with every key made and kept in the SDK's worker
 * (makeAccount): POSTs the public keys, the wrapped private keys and the
 * link's token. Resolves to {session, user, userKey} handles; keep the
 * user with UserKeys#keep(me, user) once /api/me answers, and release the
 * rest. Rejects as finishSignup does.
 *
 * @param {import("./account.js").FinishSignupOptions} args
 * @returns {Promise<{session: string, user: string, userKey: string}>}
 */
export async function finishSignupSession(args) {
  const { token, email, password } = args ?? {};
  requireString(token, "token");
  requireString(password, "password");
  requireString(email, "email");
  step(args, "derive");
  const made = await core.makeAccount(password, email, args?.level === undefined ? undefined : { level: args.level });
  const handles = { session: made.session, user: made.user, userKey: made.userKey };
  try {
    // The recovery key goes with the registration, once the page has
    // shown it (args.recovery resolves when the user saved it).
    const recovery = args?.recovery ? await withRecovery(made.user, args.recovery) : {};
    step(args, "submit");
    await post("finish", { token, ...made.request, ...recovery }, args);
  } catch (err) {
    for (const h of Object.values(handles)) core.release(h).catch(() => {});
    throw err;
  }
  return handles;
}

// ---- password change and recovery (docs/PROTOCOL.md §3.3, §3.4) -------------

// withRecovery makes a recovery key for the user, hands its handle to
// `show` (which shows it and resolves once the user saved it) and
// resolves to the request fields; the handle is released either way.
async function withRecovery(user, show) {
  const { recovery, request } = await core.makeRecovery(user);
  try {
    await show(recovery);
  } finally {
    core.release(recovery).catch(() => {});
  }
  return request;
}

/**
 * Changes the password in one request: proves the current password (its
 * auth key, derived in the worker from me.key_hash), and sends the new
 * key_hash, auth key and the private keys re-wrapped under the new session
 * key (rewrapUser). Nothing else is re-encrypted. Resolves to {ended}: how
 * many other sessions ended. Rejects with ApiError: 403 a wrong current
 * password, 409 the keys changed meanwhile, 429 too many wrong passwords.
 * Every key cache stops opening; keep the user again afterwards
 * (UserKeys#keep with the new /api/me).
 *
 * @param {{me: {key_hash: string}, user: string, currentPassword: string, newPassword: string,
 *   endOtherSessions?: boolean, onProgress?: (step: "derive"|"submit") => void} & import("./account.js").AccountOptions} args
 * @returns {Promise<{ended: number}>}
 */
export async function changePassword(args) {
  const { me, user, currentPassword, newPassword } = args ?? {};
  requireString(currentPassword, "current password");
  requireString(newPassword, "new password");
  requireString(me?.key_hash, "me.key_hash");
  step(args, "derive");
  const { session, authKey } = await core.deriveLoginKeys(currentPassword, me.key_hash);
  core.release(session).catch(() => {});
  const next = await core.rewrapUser(user, newPassword);
  step(args, "submit");
  const answer = await post("password", {
    auth_key: authKey,
    key_hash: next.key_hash,
    new_auth_key: next.auth_key,
    encrypted_private_key: next.encrypted_private_key,
    encrypted_pq_private_key: next.encrypted_pq_private_key,
    // The identity signing key, re-wrapped too (the server requires it of
    // an account that has one: the old wrap dies with the old password).
    ...(next.encrypted_signing_key ? { encrypted_signing_key: next.encrypted_signing_key } : {}),
    end_other_sessions: args?.endOtherSessions === true,
  }, args);
  return { ended: Number(answer?.ended ?? 0) };
}

/**
 * Sets (or replaces) the recovery key of the signed-in user: makes one in
 * the worker, hands its handle to `show` (which shows exportRecoveryKey's
 * text and resolves once the user saved it; a rejection cancels) and
 * stores it with the password's proof (`authKey`, e.g. from
 * UserKeys#unlockWithPassword). Rejects with ApiError (403 wrong password).
 *
 * @param {{user: string, authKey: string, show: (recovery: string) => Promise<void>} & import("./account.js").AccountOptions} args
 * @returns {Promise<void>}
 */
export async function setRecoveryKey(args) {
  const { user, authKey, show } = args ?? {};
  requireString(authKey, "auth key");
  if (typeof show !== "function") throw invalid("show must be a function");
  const request = await withRecovery(user, show);
  await post("recovery", { auth_key: authKey, ...request }, args, "PUT");
}

/**
 * Recovers an account with its recovery key: proves the key (its auth
 * key, POST recover), opens the private keys with it, re-wraps them under
 * `newPassword`, makes a new recovery key (the used one stops working)
 * and finishes (POST recoverFinish): the server swaps the secrets, ends
 * every session and logs this browser in. Resolves to {user, recovery}:
 * the user handle (keep it with UserKeys#keep) and the new recovery key's
 * handle (show exportRecoveryKey's text, then release it). A garbled
 * recovery key rejects with the crate's SealkitError before anything is
 * sent; a wrong one with ApiError 401.
 *
 * @param {{email: string, recoveryKey: string, newPassword: string,
 *   onProgress?: (step: "check"|"derive"|"submit") => void} & import("./account.js").AccountOptions} args
 * @returns {Promise<{user: string, recovery: string}>}
 */
export async function recoverAccount(args) {
  const { email, recoveryKey, newPassword } = args ?? {};
  requireString(email, "email");
  requireString(recoveryKey, "recovery key");
  requireString(newPassword, "new password");
  step(args, "check");
  const { recovery, recoveryAuthKey } = await core.openRecovery(recoveryKey);
  const made = [];
  try {
    const bundle = await post("recover", { email, recovery_auth_key: recoveryAuthKey }, args);
    const { user } = await core.recoverUser(recovery, bundle);
    made.push(user);
    step(args, "derive");
    const next = await core.rewrapUser(user, newPassword);
    const fresh = await core.makeRecovery(user);
    made.push(fresh.recovery);
    step(args, "submit");
    await post("recoverFinish", {
      email,
      recovery_auth_key: recoveryAuthKey,
      key_generation: bundle.key_generation,
      ...next,
      new_recovery_auth_key: fresh.request.recovery_auth_key,
      recovery_encrypted_private_key: fresh.request.recovery_encrypted_private_key,
      recovery_encrypted_pq_private_key: fresh.request.recovery_encrypted_pq_private_key,
      ...(fresh.request.recovery_encrypted_signing_key ? { recovery_encrypted_signing_key: fresh.request.recovery_encrypted_signing_key } : {}),
    }, args);
    return { user, recovery: fresh.recovery };
  } catch (err) {
    for (const h of made) core.release(h).catch(() => {});
    throw err;
  } finally {
    core.release(recovery).catch(() => {});
  }
}

// ---- UserKeys: the user's keys across pages (docs/PROTOCOL.md §4) -------------

/** UserKeys's defaults (the reference app's). */
export const DEFAULT_USER_KEYS = Object.freeze({
  name: "sealkit",
  secretUrl: "/api/auth/key-cache",
  tabIdName: "sealkit.tab",
});

const TAB_ID = /^[A-Za-z0-9_-]{22}$/;

// randomTabId: 16 random bytes as base64url (22 characters). It names a
// database, it is not a secret.
function randomTabId() {
  const r = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...r)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Where a page finds the user's keys, as a user handle of the SDK's
 * worker — the page never holds key bytes, and nothing stored can log in:
 *
 *   1. this tab's key cache (keycache.js v2, named
 *      `${name}-tab-${tab id}`, the tab id a random name in this tab's
 *      sessionStorage), written by every unlock in this tab and when
 *      the tab first opens the shared cache;
 *   2. unless me.always_require_password, the browser's shared cache
 *      (`${name}`), which other tabs and later visits open; with the
 *      setting on, it is deleted instead (perhaps it was set on another
 *      device);
 *   3. otherwise null: the page asks for the password (unlockWithPassword).
 *
 * Both caches hold the private keys, never the session key, sealed under a
 * device secret and a secret the server gives only the live session
 * (POST secretUrl): logout, a revoked or expired session, a password
 * change and the server's lifetime (14 days by default) make them
 * useless, and a copy of the browser profile opens nothing once the
 * session has ended. A ring also clears what earlier versions kept — the
 * v1 cache and KeyChain's session key in sessionStorage — the first time
 * it looks.
 */
export class UserKeys {
  /** @param {import("./account.js").UserKeysOptions} [options] */
  constructor(options) {
    const o = { ...DEFAULT_USER_KEYS, ...options };
    requireString(o.name, "name");
    requireString(o.secretUrl, "secretUrl");
    requireString(o.tabIdName, "tabIdName");
    this._name = o.name;
    this._secretUrl = o.secretUrl;
    this._tabIdName = o.tabIdName;
    this._storage = options?.storage === undefined ? defaultStorage : () => options.storage;
    this._legacyCleared = false;
  }

  // _tabId returns this tab's id, making one when `create` (null without storage).
  _tabId(create) {
    try {
      const s = this._storage();
      if (!s) return null;
      const id = s.getItem(this._tabIdName);
      if (id !== null && TAB_ID.test(id)) return id;
      if (!create) return null;
      const fresh = randomTabId();
      s.setItem(this._tabIdName, fresh);
      return fresh;
    } catch {
      return null;
    }
  }

  _options(me, name) {
    const userId = String(me?.user_id ?? "");
    if (userId === "") throw invalid("me must be the account record (with user_id)");
    return { userId, secretUrl: this._secretUrl, name };
  }

  // _clearLegacy forgets what KeyChain kept: a session key in sessionStorage
  // and in the v1 cache, each enough to log in. Once per UserKeys.
  async _clearLegacy() {
    if (this._legacyCleared) return;
    this._legacyCleared = true;
    try {
      const s = this._storage();
      s?.removeItem(DEFAULT_STORAGE_NAMES.sessionKey);
      s?.removeItem(DEFAULT_STORAGE_NAMES.loginKey);
    } catch {
      // storage unavailable: nothing stored
    }
    await clearKeyCache({ name: this._name });
  }

  /**
   * Steps 1–3: resolves to {user, publicKey, pqPublicKey} (a user handle)
   * or null.
   * @param {import("./account.js").AccountRecord} me
   */
  async open(me) {
    await this._clearLegacy();
    const tab = this._tabId(false);
    if (tab !== null) {
      const found = await core.openCachedUser(this._options(me, `${this._name}-tab-${tab}`));
      if (found) return found;
    }
    if (me.always_require_password) {
      await clearKeyCacheV2({ name: this._name });
      return null;
    }
    const found = await core.openCachedUser(this._options(me, this._name));
    // This tab keeps its own copy, as if it had unlocked: it stays open if
    // "Always require password" is turned on meanwhile.
    const newTab = found ? this._tabId(true) : null;
    if (newTab !== null) await core.cacheUser(found.user, this._options(me, `${this._name}-tab-${newTab}`));
    return found;
  }

  /**
   * Caches a user handle's keys for this tab and, unless
   * me.always_require_password, for the browser (steps 1 and 2). Resolves
   * to whether this tab's cache was written (false: no storage, IndexedDB
   * or server secret — the next page then asks for the password).
   * @param {import("./account.js").AccountRecord} me
   * @param {string} user
   * @returns {Promise<boolean>}
   */
  async keep(me, user) {
    await this._clearLegacy();
    const tab = this._tabId(true);
    const writes = [];
    if (tab !== null) writes.push(core.cacheUser(user, this._options(me, `${this._name}-tab-${tab}`)));
    if (me.always_require_password) writes.push(clearKeyCacheV2({ name: this._name }).then(() => false));
    else writes.push(core.cacheUser(user, this._options(me, this._name)));
    const [tabWritten] = await Promise.all(writes);
    return tab !== null && tabWritten === true;
  }

  /**
   * Opens the account with a session handle (loginSession; deriveLoginKeys),
   * keeps it (keep) and releases the session handle (also when it is the
   * wrong key, never when it is not a session handle). Resolves to
   * {user, publicKey, pqPublicKey}. Rejects with DECRYPTION when the
   * session key is not this account's.
   * @param {import("./account.js").AccountRecord} me
   * @param {string} session
   */
  async unlock(me, session) {
    let opened;
    try {
      opened = await core.unlockUser(session, me);
    } catch (err) {
      // A wrong session key is done with; anything else (not a session
      // handle, a malformed record) leaves the caller's handle alone.
      if (err instanceof SealkitError && wrongKeyCodes.has(err.code)) core.release(session).catch(() => {});
      throw err;
    }
    core.release(session).catch(() => {});
    await this.keep(me, opened.user);
    return opened;
  }

  /**
   * The unlock page: derives the session key from the password and
   * me.key_hash in the worker (nothing is sent) and, if it opens the
   * account, keeps the keys. Resolves to {user, publicKey, pqPublicKey}
   * (with authKey, the password's proof for setRecoveryKey) or
   * {wrongPassword: true}.
   * @param {import("./account.js").AccountRecord} me
   * @param {string} password
   */
  async unlockWithPassword(me, password) {
    requireString(password, "password");
    const { session, authKey } = await core.deriveLoginKeys(password, me?.key_hash);
    try {
      // authKey: the password's proof, for a request that needs one
      // (setRecoveryKey) without deriving again.
      return { ...(await this.unlock(me, session)), authKey };
    } catch (err) {
      if (err instanceof SealkitError && wrongKeyCodes.has(err.code)) return { wrongPassword: true };
      throw err;
    }
  }

  /**
   * Logout: releases every handle of the SDK's workers (wiped), deletes
   * the shared cache, every tab cache of this name on this origin (other
   * tabs' too: they belong to the session that is ending), this tab's id
   * and what KeyChain kept.
   * @returns {Promise<void>}
   */
  async forget() {
    try {
      await core.releaseAll();
    } finally {
      this._legacyCleared = false;
      const names = new Set([this._name]);
      const tab = this._tabId(false);
      if (tab !== null) names.add(`${this._name}-tab-${tab}`);
      try {
        const prefix = `${this._name}-tab-`;
        const suffix = "-keycache-v2";
        for (const db of (await globalThis.indexedDB?.databases?.()) ?? []) {
          const n = db?.name ?? "";
          if (n.startsWith(prefix) && n.endsWith(suffix)) names.add(n.slice(0, -suffix.length));
        }
      } catch {
        // indexedDB.databases() unsupported: this tab's and the shared cache only
      }
      await Promise.all([...names].map((name) => clearKeyCacheV2({ name })));
      try {
        this._storage()?.removeItem(this._tabIdName);
      } catch {
        // storage unavailable
      }
      await this._clearLegacy();
    }
  }
}

// ---- the user's keys as strings ---------------------------------------------

/**
 * Opens the account's wrapped private keys with the session key.
 *
 * @param {import("./account.js").AccountRecord} me
 * @param {string} sessionKey
 * @returns {Promise<{publicKey: string, privateKey: string, pqSecretKey: string}>}
 */
export async function openAccountKeys(me, sessionKey) {
  const [privateKey, pqSecretKey] = await Promise.all([
    core.call("decryptPrivateKey", me.encrypted_private_key, sessionKey),
    core.call("decryptPrivateKey", me.encrypted_pq_private_key, sessionKey),
  ]);
  return { publicKey: me.public_key, privateKey, pqSecretKey };
}

/**
 * Opens the user key sealed to the user (its base64 text).
 *
 * @param {import("./account.js").AccountRecord} me
 * @param {{privateKey: string, pqSecretKey?: string}} keys openAccountKeys's result
 * @returns {Promise<string>}
 */
export function openUserKey(me, keys) {
  return core.unseal(me.encrypted_user_key, me.public_key, keys.privateKey, keys.pqSecretKey);
}

// ---- the session-key chain (docs/PROTOCOL.md §4) -----------------------------

// Failures that mean "this is not the right key" (or a mangled stored
// value); anything else (the worker died, the wasm did not load) is a
// real error and propagates.
const wrongKeyCodes = new Set([ErrorCode.DECRYPTION, ErrorCode.BASE64, ErrorCode.INVALID_LENGTH, ErrorCode.TOO_SHORT, ErrorCode.UTF8]);

function defaultStorage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // blocked storage throws on access
  }
}

/**
 * @deprecated Use UserKeys with loginSession / finishSignupSession: a
 * KeyChain keeps the session key — from which the login key is derived —
 * as text in sessionStorage and hands it to the page.
 *
 * Where a page finds the user's session key, in order:
 *   1. sessionStorage[names.sessionKey] (this tab's key);
 *   2. only with {cache: {...}} (off by default), the v1 key cache
 *      (keycache.js, entry {user_id, session_key}), unless
 *      me.always_require_password (then it is cleared); an entry of
 *      another user is ignored;
 *   3. sessionStorage[names.loginKey], left by login or sign-up
 *      (handOverLoginKey), read once and removed;
 *   4. otherwise {needsUnlock: true}: the page asks for the password
 *      (unlockWithPassword).
 * A candidate counts only if it opens me.encrypted_private_key; a found
 * key is remembered in (1) and, unless always_require_password, in (2).
 */
export class KeyChain {
  /** @param {import("./account.js").KeyChainOptions} [options] */
  constructor(options) {
    const storage = options?.storage;
    this._storage = storage === undefined ? defaultStorage : () => storage;
    this._names = { ...DEFAULT_STORAGE_NAMES, ...options?.names };
    // Off unless asked for: the v1 cache keeps the session key, which a
    // copy of the browser profile opens (UserKeys uses the v2 cache).
    const cache = options?.cache;
    this._cache = cache === undefined || cache === false ? null : { ...cache };
  }

  _get(name) {
    try {
      return this._storage()?.getItem(name) ?? null;
    } catch {
      return null;
    }
  }

  _set(name, value) {
    try {
      this._storage()?.setItem(name, value);
    } catch {
      // storage unavailable: the key lives for this page only
    }
  }

  _remove(name) {
    try {
      this._storage()?.removeItem(name);
    } catch {
      // nothing to remove
    }
  }

  /**
   * Whether `sessionKey` opens me.encrypted_private_key. Rejects only for
   * failures other than a wrong or mangled key (a dead worker, say).
   * @returns {Promise<boolean>}
   */
  async checkKey(me, sessionKey) {
    if (typeof sessionKey !== "string" || sessionKey === "") return false;
    try {
      await core.call("decryptPrivateKey", me.encrypted_private_key, sessionKey);
      return true;
    } catch (err) {
      if (err instanceof SealkitError && wrongKeyCodes.has(err.code)) return false;
      throw err;
    }
  }

  /**
   * Steps 1–4 above. Resolves to {sessionKey} or {needsUnlock: true}.
   * @returns {Promise<{sessionKey: string, needsUnlock?: undefined} | {needsUnlock: true, sessionKey?: undefined}>}
   */
  async findSessionKey(me) {
    const names = this._names;
    const own = this._get(names.sessionKey);
    if (own !== null) {
      if (await this.checkKey(me, own)) {
        await this.rememberKey(me, own);
        return { sessionKey: own };
      }
      this._remove(names.sessionKey);
    }

    if (this._cache) {
      if (me.always_require_password) {
        // Set (perhaps on another device): nothing of this user's may stay cached here.
        await clearKeyCache(this._cache);
      } else {
        const cached = await getCachedKeys(this._cache);
        if (cached && String(cached.user_id) === String(me.user_id) && (await this.checkKey(me, cached.session_key))) {
          await this.rememberKey(me, cached.session_key);
          return { sessionKey: cached.session_key };
        }
      }
    }

    const fromLogin = this._get(names.loginKey);
    this._remove(names.loginKey);
    if (fromLogin !== null && (await this.checkKey(me, fromLogin))) {
      await this.rememberKey(me, fromLogin);
      return { sessionKey: fromLogin };
    }
    return { needsUnlock: true };
  }

  /**
   * Keeps an accepted key: in this tab's storage and, unless
   * me.always_require_password, in the persistent cache.
   * @returns {Promise<void>}
   */
  async rememberKey(me, sessionKey) {
    this._set(this._names.sessionKey, sessionKey);
    if (me.always_require_password || !this._cache) return;
    try {
      await cacheKeys({ user_id: String(me.user_id), session_key: sessionKey }, this._cache);
    } catch {
      // The cache is an optimisation; without it the next tab asks again.
    }
  }

  /**
   * Leaves a just-derived session key (login, the end of sign-up) for the
   * next page's chain (step 3), replacing a previous user's tab key. Call
   * it, then navigate. Without storage the next page needs the password.
   * @param {string} sessionKey
   */
  handOverLoginKey(sessionKey) {
    this._remove(this._names.sessionKey);
    this._set(this._names.loginKey, sessionKey);
  }

  /**
   * The unlock page: derives the session key from the password and
   * me.key_hash (nothing is sent) and, if it opens the private key,
   * remembers it. Resolves to {sessionKey} or {wrongPassword: true}.
   * @returns {Promise<{sessionKey: string, wrongPassword?: undefined} | {wrongPassword: true, sessionKey?: undefined}>}
   */
  async unlockWithPassword(me, password) {
    requireString(password, "password");
    const salt = await core.call("parseSaltFromKeyHash", me.key_hash);
    const sessionKey = await core.deriveSessionKey(password, salt);
    if (!(await this.checkKey(me, sessionKey))) return { wrongPassword: true };
    await this.rememberKey(me, sessionKey);
    return { sessionKey };
  }

  /**
   * Logout: empties this tab's storage (all of it: it is per tab and per
   * origin) and deletes the persistent cache.
   * @returns {Promise<void>}
   */
  async forgetKeys() {
    try {
      const s = this._storage();
      if (typeof s?.clear === "function") s.clear();
      else {
        s?.removeItem(this._names.sessionKey);
        s?.removeItem(this._names.loginKey);
      }
    } catch {
      // storage unavailable: nothing stored
    }
    if (this._cache) await clearKeyCache(this._cache);
  }
}
