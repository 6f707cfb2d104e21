// An at-rest cache of decrypted keys: AES-256-GCM under a non-extractable
// CryptoKey kept in IndexedDB, ciphertext in localStorage. Protects copies
// of localStorage, not against script running in the page.

export interface KeyCacheOptions {
  /**
   * Replaces "sealkit" in the storage names: IndexedDB database
   * `${name}-keycache`, localStorage entry `${name}.keycache.v1`.
   */
  name?: string;
}

/** Whether IndexedDB, WebCrypto and localStorage are all available. */
export function keyCacheSupported(): boolean;
/**
 * Encrypts and stores the keys (replacing an earlier cache). true when
 * persisted; false when this environment cannot persist (no throw).
 * Rejects (INVALID_ARGUMENT) only for a `keys` that is not a record of strings.
 */
export function cacheKeys(keys: Record<string, string>, options?: KeyCacheOptions): Promise<boolean>;
/**
 * The cached keys; null when nothing is cached, the wrapping key is gone or
 * the entry does not decrypt (the stale entry is then removed).
 */
export function getCachedKeys(options?: KeyCacheOptions): Promise<Record<string, string> | null>;
/** Removes the localStorage entry and deletes the IndexedDB database. */
export function clearKeyCache(options?: KeyCacheOptions): Promise<void>;
