// At-rest caches of decrypted keys. v2 (writeKeyCache, readKeyCache,
// clearKeyCacheV2) is the one to use. v1 (cacheKeys, getCachedKeys,
// clearKeyCache) is deprecated: AES-256-GCM under a non-extractable
// CryptoKey kept in IndexedDB, ciphertext in localStorage; a copy of the
// browser profile opens it.

export interface KeyCacheOptions {
  /**
   * Replaces "sealkit" in the storage names: IndexedDB database
   * `${name}-keycache`, localStorage entry `${name}.keycache.v1`.
   */
  name?: string;
}

/** Whether IndexedDB, WebCrypto and localStorage are all available (v1). */
export function keyCacheSupported(): boolean;
/**
 * @deprecated Use writeKeyCache: a copy of the browser profile opens a v1 cache.
 *
 * Encrypts and stores the keys (replacing an earlier cache). true when
 * persisted; false when this environment cannot persist (no throw).
 * Rejects (INVALID_ARGUMENT) only for a `keys` that is not a record of strings.
 */
export function cacheKeys(keys: Record<string, string>, options?: KeyCacheOptions): Promise<boolean>;
/**
 * @deprecated Use readKeyCache.
 *
 * The cached keys; null when nothing is cached, the wrapping key is gone or
 * the entry does not decrypt (the stale entry is then removed).
 */
export function getCachedKeys(options?: KeyCacheOptions): Promise<Record<string, string> | null>;
/** @deprecated Use clearKeyCacheV2. Removes the localStorage entry and deletes the IndexedDB database. */
export function clearKeyCache(options?: KeyCacheOptions): Promise<void>;

// ---- v2 ---------------------------------------------------------------------
// The user's private keys (never the session key) under AES-256-GCM with
// K = HKDF-SHA256(deviceSecret ‖ serverSecret, salt = entry id, info
// "sealkit keycache v2"). deviceSecret stays in this device's IndexedDB;
// serverSecret is given by the server (POST secretUrl {written}) only to a
// live session, bound to it and to the entry's write time, so a copy of
// the browser profile opens nothing once the session has ended, and the
// server alone opens nothing ever. How long an entry opens is the
// server's choice (accounts.Config.KeyCacheLifetime, 14 days by default;
// then 410). No DOM APIs: usable in a dedicated worker.

/** The keys a v2 cache holds. */
export interface CachedKeys {
  /** X25519 private key, 32 bytes. */
  privateKey: Uint8Array;
  /** The hybrid (ML-KEM + X25519) key pair's 32-byte seed. */
  pqSeed: Uint8Array;
  /** X25519 public key, 32 bytes. */
  publicKey: Uint8Array;
  /** The hybrid public key (1 to 4096 bytes). */
  pqPublicKey: Uint8Array;
  /**
   * The identity signing secret key (a composite signing key: 33, 65, 90
   * or 99 bytes), when the user has one. Entries written without it open
   * without it.
   */
  signingKey?: Uint8Array;
  /** With readKeyCache({memo: true}): the entry's memo, 64-byte pairs (SHA-256 of a seal's base64 text ‖ its key); empty when none opens. */
  memo?: Uint8Array;
}

/** A stored memo of opened resource keys; the additional data binds the entry id and the user. */
export interface KeyMemoRecord {
  v: 2;
  /** The id of the entry whose secrets lock it. */
  entry: string;
  iv: string;
  ct: string;
}

/** A stored v2 entry; the additional data binds v, id, userId and written. */
export interface KeyCacheEntry {
  v: 2;
  /** base64 of 16 random bytes; the HKDF salt. */
  id: string;
  userId: string;
  /** Unix seconds; the server's secret is bound to it. */
  written: number;
  /** base64 of the 12-byte AES-GCM IV. */
  iv: string;
  /** base64 of the ciphertext and its 16-byte tag. */
  ct: string;
}

export interface KeyCacheV2Options {
  /** Replaces "sealkit" in the IndexedDB database name `${name}-keycache-v2`. */
  name?: string;
}

export interface ReadKeyCacheOptions extends KeyCacheV2Options {
  /** The signed-in user's id; an entry of another user is deleted. */
  userId: string;
  /** The server's key-cache endpoint (the reference app: "/api/auth/key-cache"). */
  secretUrl: string;
  /** The fetch to use (globalThis.fetch); it must send the session cookie. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** readKeyCache: also open the entry's memo of opened resource keys (keys.memo). */
  memo?: boolean;
}

export interface WriteKeyCacheOptions extends ReadKeyCacheOptions {
  keys: CachedKeys;
}

/** Whether IndexedDB and WebCrypto are available (no DOM needed). */
export function keyCacheV2Supported(): boolean;
/**
 * Encrypts and stores the keys, replacing an earlier entry. true when
 * stored; false when not (no IndexedDB, server unreachable or refusing —
 * the cache is then cleared on 401/410). Rejects (INVALID_ARGUMENT) only
 * for invalid arguments.
 */
export function writeKeyCache(options: WriteKeyCacheOptions): Promise<boolean>;
/**
 * The cached keys of options.userId, or null. The entry is deleted when it
 * can never open again (401, 410, another user, does not decrypt); kept
 * when the server is unreachable or fails (5xx, 429).
 */
export function readKeyCache(options: ReadKeyCacheOptions): Promise<CachedKeys | null>;
/** 64: one memo pair, SHA-256 of a seal's base64 text (32) ‖ the key (32). */
export const MEMO_PAIR: 64;
/** 20000: the most pairs a memo keeps (the newest). */
export const MEMO_MAX_PAIRS: 20000;
/**
 * Adds pairs to the memo of the stored entry of options.userId, merging with
 * what another worker or tab stored. true when stored; false when there is no
 * entry of this user or the server refuses or cannot be reached. Rejects
 * (INVALID_ARGUMENT) only for invalid arguments. The caller keeps and wipes pairs.
 */
export function writeKeyMemo(options: ReadKeyCacheOptions & { pairs: Uint8Array }): Promise<boolean>;
/** Encrypts memo pairs for the entry entryId (pure; no storage, no network). */
export function sealMemo(params: {
  deviceSecret: Uint8Array;
  serverSecret: Uint8Array;
  userId: string;
  entryId: string;
  pairs: Uint8Array;
  iv?: Uint8Array;
}): Promise<KeyMemoRecord>;
/** Opens a memo record (pure): its pairs, or null (malformed, another entry or user, wrong secrets). */
export function openMemo(record: unknown, params: {
  deviceSecret: Uint8Array;
  serverSecret: Uint8Array;
  userId: string;
  entryId: string;
}): Promise<Uint8Array | null>;
/** Deletes the entry, the device secret and the database. Call it on logout. */
export function clearKeyCacheV2(options?: KeyCacheV2Options): Promise<void>;

/** Encrypts keys into an entry (pure; no storage, no network). */
export function sealEntry(params: {
  deviceSecret: Uint8Array;
  serverSecret: Uint8Array;
  userId: string;
  written: number;
  keys: CachedKeys;
  id?: Uint8Array;
  iv?: Uint8Array;
}): Promise<KeyCacheEntry>;
/** Opens an entry (pure): the keys, or null (malformed, another user, wrong secrets). */
export function openEntry(entry: KeyCacheEntry, params: {
  deviceSecret: Uint8Array;
  serverSecret: Uint8Array;
  userId: string;
}): Promise<CachedKeys | null>;
