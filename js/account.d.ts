// The browser half of sealkit's account flows (docs/PROTOCOL.md §1–§4):
// sign-up, login and the session-key chain. Only the one-way auth key,
// public keys and ciphertext are ever sent; nothing navigates.

import type { B64 } from "./crypto.js";
import type { HybridLevel } from "./index.js";
import type { KeyCacheOptions } from "./keycache.js";

/** The kit's account endpoints (package accounts); the defaults are these paths. */
export interface AccountPaths {
  /** POST {email} → 202. Default "/api/auth/register". */
  register: string;
  /** POST {token, ...AccountRequest} → 201 + session cookie. Default "/api/auth/register/finish". */
  finish: string;
  /** POST {email} → {key_hash}. Default "/api/auth/salt". */
  salt: string;
  /** POST {email, auth_key} → 200 + session cookie. Default "/api/auth/login". */
  login: string;
  /** POST a password change → 200 {ended}. Default "/api/auth/password". */
  password: string;
  /** PUT a recovery key with the password's proof → 204. Default "/api/auth/recovery". */
  recovery: string;
  /** POST {email, recovery_auth_key} → the recovery bundle. Default "/api/auth/recover". */
  recover: string;
  /** POST the recovery's new secrets → 200 + session cookie. Default "/api/auth/recover/finish". */
  recoverFinish: string;
}

export declare const DEFAULT_PATHS: Readonly<AccountPaths>;

/** Where the account requests go. Requests use same-origin credentials. */
export interface AccountOptions {
  /** Prefix of every path (an origin, say); default "" (this page's origin). */
  base?: string;
  /** Paths replacing the defaults, one by one. */
  paths?: Partial<AccountPaths>;
  /** The fetch to use; default the page's. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

/**
 * A failed request. `status` is the HTTP status, 0 when the server could
 * not be reached; `message` is the server's {"error"} sentence, or one
 * saying what to do next.
 */
export declare class ApiError extends Error {
  constructor(status: number, message: string);
  readonly name: "ApiError";
  status: number;
}

/** The body of POST /api/auth/register/finish, without the token. All base64 but key_hash. */
export interface AccountRequest {
  /** "<16-byte salt, base64>$argon2id" */
  key_hash: string;
  /** deriveAuthKey(session key): the only secret-derived value sent. */
  auth_key: B64;
  /** X25519, 32 bytes. */
  public_key: B64;
  /** The X25519 private key wrapped under the session key (encryptPrivateKey). */
  encrypted_private_key: B64;
  /** ML-KEM + X25519 (1216 bytes at Cat-3). */
  pq_public_key: B64;
  /** The hybrid seed wrapped under the session key. */
  encrypted_pq_private_key: B64;
  /** A random 32-byte user key (its base64 text) sealed to the user, hybrid. */
  encrypted_user_key: B64;
  /** The address, secretbox under the user key. */
  encrypted_email: B64;
}

/** Steps the flows report through onProgress, in this order. */
export type AccountStep = "lookup" | "derive" | "generate" | "submit";

export interface MakeAccountKeysOptions {
  /** The hybrid key pair's level; default cat3 (what the reference server accepts). */
  level?: HybridLevel;
  /** Called with "derive" (Argon2id), then "generate". */
  onProgress?: (step: "derive" | "generate") => void;
}

export interface FinishSignupOptions extends AccountOptions {
  /** The token of the mailed link. */
  token: string;
  /** The address the link was sent to (the page shows it). */
  email: string;
  password: string;
  level?: HybridLevel;
  /** Called with "derive", "generate", then "submit". */
  onProgress?: (step: "derive" | "generate" | "submit") => void;
  /**
   * Makes a recovery key sent with the registration: called with its
   * handle (show exportRecoveryKey's text), it resolves once the user
   * saved it; a rejection cancels the sign-up.
   */
  recovery?: (recovery: string) => Promise<void>;
}

/** The /api/me JSON fields the account functions read. */
export interface AccountRecord {
  user_id: string | number;
  key_hash: string;
  public_key: B64;
  encrypted_private_key: B64;
  pq_public_key: B64;
  encrypted_pq_private_key: B64;
  encrypted_user_key: B64;
  always_require_password?: boolean;
}

/** The user's opened keys. */
export interface AccountKeys {
  publicKey: B64;
  privateKey: B64;
  /** The hybrid key pair's 32-byte seed. */
  pqSecretKey: B64;
}

/**
 * Sign-up step 1: sends only the address (202; the server mails a link).
 * Rejects with ApiError (429: too many requests) or SealkitError INVALID_ARGUMENT.
 */
export function startSignup(email: string, options?: AccountOptions): Promise<void>;
/** "" when the address passes the server's rule, else a sentence saying what to fix. */
export function emailProblem(email: string): string;
/**
 * Every key of a new account: `request` is the finish body without the
 * token, `sessionKey` stays on the page. Rejects with SealkitError.
 */
export function makeAccountKeys(password: string, email: string, options?: MakeAccountKeysOptions):
  Promise<{ request: AccountRequest; sessionKey: B64 }>;
/**
 * @deprecated Use finishSignupSession: this resolves to the session key
 * (from which the login key is derived) as text, for KeyChain.
 *
 * Sign-up step 2: makes the keys and posts them with the token; resolves
 * to the session key (the browser now holds the session cookie). Rejects
 * with ApiError (410 link used or expired, 409 address taken meanwhile) or SealkitError.
 */
export function finishSignup(args: FinishSignupOptions): Promise<B64>;
/**
 * @deprecated Use loginSession: this resolves to the session key (from
 * which the login key is derived) as text, for KeyChain.
 *
 * salt → Argon2id → auth key → POST login; resolves to the session key,
 * which is never sent. Rejects with ApiError (401 wrong address or
 * password, 429 too many attempts) or SealkitError.
 */
export function login(email: string, password: string,
  options?: AccountOptions & { onProgress?: (step: "lookup" | "derive" | "submit") => void }): Promise<B64>;
/**
 * login with the session key kept in the SDK's worker: resolves to the
 * session handle (open the account with UserKeys#unlock). Only the auth key
 * is sent.
 */
export function loginSession(email: string, password: string,
  options?: AccountOptions & { onProgress?: (step: "lookup" | "derive" | "submit") => void }): Promise<string>;
/**
 * finishSignup with every key made and kept in the SDK's worker: resolves
 * to handles (keep the user with UserKeys#keep once /api/me answers).
 */
export function finishSignupSession(args: FinishSignupOptions):
  Promise<{ session: string; user: string; userKey: string }>;

/**
 * Changes the password in one request (the current password's proof, the
 * new key_hash and auth key, the private keys re-wrapped); nothing else is
 * re-encrypted. ApiError 403 for a wrong current password, 409 for a
 * replay or a concurrent change.
 */
export function changePassword(args: AccountOptions & {
  me: { key_hash: string }; user: string; currentPassword: string; newPassword: string;
  endOtherSessions?: boolean; onProgress?: (step: "derive" | "submit") => void;
}): Promise<{ ended: number }>;
/** Sets or replaces the recovery key, shown by `show`, with the password's proof. */
export function setRecoveryKey(args: AccountOptions & {
  user: string; authKey: B64; show: (recovery: string) => Promise<void>;
}): Promise<void>;
/**
 * Recovers the account with its recovery key and a new password; resolves
 * to the user handle and the new recovery key's handle (the used one stops
 * working). A garbled key rejects with the crate's SealkitError.
 */
export function recoverAccount(args: AccountOptions & {
  email: string; recoveryKey: string; newPassword: string;
  onProgress?: (step: "check" | "derive" | "submit") => void;
}): Promise<{ user: string; recovery: string }>;

export interface UserKeysOptions {
  /** Names the caches: `${name}-keycache-v2` and `${name}-tab-<id>-keycache-v2`; default "sealkit". */
  name?: string;
  /** The kit's key-cache endpoint (accounts.Handlers.CacheSecret); default "/api/auth/key-cache". */
  secretUrl?: string;
  /** The sessionStorage name of this tab's id; default "sealkit.tab". */
  tabIdName?: string;
  /** Default the page's sessionStorage; null: no tab cache (every page load opens the shared cache or asks). */
  storage?: KeyChainStorage | null;
}

export declare const DEFAULT_USER_KEYS: Readonly<Required<Omit<UserKeysOptions, "storage">>>;

/** A user handle and the public keys, as the SDK's unlockUser resolves. */
export interface OpenedUser {
  user: string;
  publicKey: B64;
  pqPublicKey: B64 | null;
}

/**
 * The user's keys across pages as handles: this tab's key cache → the
 * shared key cache (unless always_require_password, which deletes it) →
 * null (ask for the password). The caches (keycache.js v2) hold the private
 * keys, never the session key, and open only with a live session's secret.
 */
export declare class UserKeys {
  constructor(options?: UserKeysOptions);
  open(me: AccountRecord): Promise<OpenedUser | null>;
  /** Caches the user's keys for this tab and, unless always_require_password, the browser; true if this tab's cache was written. */
  keep(me: AccountRecord, user: string): Promise<boolean>;
  /** unlockUser with a session handle, keep, and release the session handle. */
  unlock(me: AccountRecord, session: string): Promise<OpenedUser>;
  /** Derives in the worker from the password and me.key_hash (nothing sent); keeps the keys if right. */
  unlockWithPassword(me: AccountRecord, password: string): Promise<(OpenedUser & { authKey: B64 }) | { wrongPassword: true }>;
  /** Logout: releaseAll, and every cache of this ring (and KeyChain's) deleted. */
  forget(): Promise<void>;
}

/** Opens the wrapped private keys with the session key (DECRYPTION if it is not the user's). */
export function openAccountKeys(me: AccountRecord, sessionKey: B64): Promise<AccountKeys>;
/** Opens the user key sealed to the user: its base64 text. */
export function openUserKey(me: AccountRecord, keys: { privateKey: B64; pqSecretKey?: B64 }): Promise<B64>;

/** sessionStorage names of the key chain. */
export interface KeyChainNames {
  /** This tab's key; default "sealkit.session-key". */
  sessionKey: string;
  /** The one-time hand-over from login or sign-up; default "sealkit.login-key". */
  loginKey: string;
}

export declare const DEFAULT_STORAGE_NAMES: Readonly<KeyChainNames>;

/** The subset of Storage the chain uses. */
export interface KeyChainStorage {
  getItem(name: string): string | null;
  setItem(name: string, value: string): void;
  removeItem(name: string): void;
  clear?(): void;
}

export interface KeyChainOptions {
  /** Default the page's sessionStorage; null: none (every page asks for the password). */
  storage?: KeyChainStorage | null;
  names?: Partial<KeyChainNames>;
  /** The v1 cache's options (keycache.js); default (and false): none — the v1 cache keeps the session key, which a profile copy opens. */
  cache?: KeyCacheOptions | false;
}

/**
 * @deprecated Use UserKeys: KeyChain keeps the session key (from which the
 * login key is derived) in sessionStorage and in the v1 cache, which a
 * copy of the browser profile opens.
 *
 * The session-key chain: this tab's storage → the persistent key cache
 * (unless always_require_password) → the login hand-over key, read once
 * → {needsUnlock: true}. A candidate counts only if it opens
 * me.encrypted_private_key; a found key is remembered.
 */
export declare class KeyChain {
  constructor(options?: KeyChainOptions);
  /** Whether the key opens me.encrypted_private_key; rejects only for non-key failures (WORKER, LOAD). */
  checkKey(me: AccountRecord, sessionKey: unknown): Promise<boolean>;
  /** The chain; on needsUnlock the page asks for the password (unlockWithPassword). */
  findSessionKey(me: AccountRecord): Promise<{ sessionKey: B64; needsUnlock?: undefined } | { needsUnlock: true; sessionKey?: undefined }>;
  /** Keeps a key in this tab's storage and, unless always_require_password, in the cache. */
  rememberKey(me: AccountRecord, sessionKey: B64): Promise<void>;
  /** Leaves a just-derived key for the next page (login, sign-up); call before navigating. */
  handOverLoginKey(sessionKey: B64): void;
  /** Derives from the password and me.key_hash (nothing sent); remembers the key if it is right. */
  unlockWithPassword(me: AccountRecord, password: string):
    Promise<{ sessionKey: B64; wrongPassword?: undefined } | { wrongPassword: true; sessionKey?: undefined }>;
  /** Logout: empties this tab's storage and deletes the persistent cache. */
  forgetKeys(): Promise<void>;
}
