// @sealkit/sdk: every function returns a Promise and rejects with a
// SealkitError. On a page the work runs in one dedicated module worker
// (or a pool of them, {workers: n}); in Node, inside a worker, or with
// {worker: false} it runs in-thread.
//
// The app flows built on it are separate entry points sharing its core:
// "@sealkit/sdk/account.js" (sign-up, login, the session-key chain) and
// "@sealkit/sdk/share.js" (sealing resource keys to members, watchPending).

import type { BytesExportName, BytesFunctions, CryptoFunctions, ExportName, HybridKeyPair, KeyPair, B64, OptionalB64 } from "./crypto.js";

import type { SealkitError } from "./errors.js";
export { ErrorCode, SealkitError } from "./errors.js";
export type { ErrorCodeValue } from "./errors.js";
export { deriveAuthKey, deriveRecoveryAuthKey } from "./authkey.js";
export type { B64, KeyPair, HybridKeyPair, RecoveryKey, ExportName, CryptoFunctions } from "./crypto.js";

export interface LoadOptions {
  /** false: load in this thread; true: require a worker (UNSUPPORTED without one). Default: a worker where possible. */
  worker?: boolean;
  /**
   * How many dedicated workers to start: a whole number ≥ 1, default 1;
   * above 8, 8 are started; ignored in-thread. Any other value rejects
   * with INVALID_ARGUMENT. Each call goes to the worker with the fewest
   * pending calls, so up to n calls run at the same time.
   *
   * Memory: every worker holds its own instance of the wasm core (its own
   * code, heap and linear memory, which never shrinks), and Argon2id
   * (deriveSessionKey) needs 64 MiB in whichever worker runs it. Pick n
   * for the work in parallel you have (e.g. many unseals), not more.
   *
   * If one worker crashes, only its pending calls reject with WORKER; the
   * others finish theirs and stop, and the next call starts a new pool.
   */
  workers?: number;
  /** The worker script; default worker.js next to index.js. */
  workerUrl?: string | URL;
  /** Bound on each worker's start, in milliseconds; default 60000. */
  loadTimeoutMs?: number;
  /**
   * false: exportKey() rejects with UNSUPPORTED for this load, so that no
   * call takes a handle's key out of the worker. Default true.
   */
  exportKeys?: boolean;
}

/** Security level of a hybrid key pair. */
export type HybridLevel = "cat1" | "cat3" | "cat5";

/**
 * Loads the core once; later calls return the same promise (their
 * arguments are ignored). After a failure (SealkitError LOAD, or
 * UNSUPPORTED, or INVALID_ARGUMENT for a bad `workers`) the next call
 * retries. Without arguments, a reload after a crash or terminate() uses
 * the last successful load's arguments.
 * @param wasmUrl sealkit.wasm; default dist/sealkit.wasm next to index.js.
 */
export function loadCrypto(wasmUrl?: string | URL, options?: LoadOptions): Promise<{ mode: "worker" | "direct" }>;
/** Resolves once loaded; loads with the defaults if loadCrypto was never called. */
export function ensureReady(): Promise<void>;
/**
 * Stops the worker(s); pending calls reject with WORKER; the next call
 * loads again. Every key handle dies with them.
 */
export function terminate(): void;

/**
 * crypto.js's functions in the current thread (loaded once), synchronous,
 * throwing SealkitError. For code already in a worker, and for tests.
 */
export function getDirectCrypto(wasmUrl?: string | URL | BufferSource | WebAssembly.Module): Promise<Readonly<CryptoFunctions & BytesFunctions>>;

/**
 * Runs one of crypto.js's 24 exports, or of its bytes API, by name (in the
 * worker where there is one). A byte result comes back transferred.
 */
export function call<N extends ExportName | BytesExportName>(name: N, ...args: Parameters<(CryptoFunctions & BytesFunctions)[N]>): Promise<ReturnType<(CryptoFunctions & BytesFunctions)[N]>>;

/** A new random 32-byte secretbox key. */
export function generateKey(): Promise<B64>;
/** A new X25519 key pair. */
export function generateKeypair(): Promise<KeyPair>;
/** A new random 16-byte Argon2id salt. */
export function generateSalt(): Promise<B64>;
/** Encrypts the string's UTF-8 bytes under a 32-byte key (secretbox). */
export function encrypt(plaintext: string, keyB64: B64): Promise<B64>;
/** Opens a secretbox blob to a string; non-UTF-8 content rejects with UTF8. */
export function decrypt(ciphertextB64: B64, keyB64: B64): Promise<string>;
/**
 * Seals to a user: box seal, or the hybrid format with a PQ public key.
 * A string seals its UTF-8 bytes. `level` picks the PQ key's level
 * (default cat3, as sealForUser).
 */
export function seal(plaintext: string | Uint8Array | ArrayBufferView | ArrayBuffer, publicKeyB64: B64, pqPublicKeyB64?: OptionalB64, level?: HybridLevel): Promise<B64>;
/** Opens a seal to a string; non-UTF-8 content rejects with UTF8. */
export function unseal(ciphertextB64: B64, publicKeyB64: B64, privateKeyB64: B64, pqSecretKeyB64?: OptionalB64): Promise<string>;
/** Opens a seal to its bytes. */
export function unsealBytes(ciphertextB64: B64, publicKeyB64: B64, privateKeyB64: B64, pqSecretKeyB64?: OptionalB64): Promise<Uint8Array>;
/** Argon2id session key (32 bytes) from a password and a 16-byte salt. */
export function deriveSessionKey(password: string, saltB64: B64): Promise<B64>;
/** A new hybrid ML-KEM + X25519 key pair; default level cat3. */
export function generateHybridKeypair(level?: HybridLevel): Promise<HybridKeyPair>;
/** The crate's default signing context, SIGN_CONTEXT_V1. */
export const SIGN_CONTEXT_V1: "metamorphic/sign/v1";
/**
 * Verifies a composite signature (the crate's verify, wire-format.md §5.1)
 * of `message` under `context` by a signing public key: true only when
 * every component verifies; false for another key, message or context, or
 * mismatched tags or sizes. Rejects with SealkitError BASE64 or SIGNATURE
 * (unknown or missing tag) for input that is not signature data. The
 * browser build verifies tags 0x01, 0x02, 0x03 and 0x10; 0x13 (Ed448) and
 * 0x14 (P-521) reject with SIGNATURE ("not in the browser build").
 */
export function verifySignature(message: Uint8Array, context: string, signatureB64: B64, publicKeyB64: B64): Promise<boolean>;

// ---- the handle API ----------------------------------------------------------
//
// Keys that never leave the worker: the session key, the user's private
// keys and resource keys live in the crypto worker(s) — every worker of a
// pool holds every handle — and the page holds only an opaque handle
// ("sk1." + 22 base64url characters). A handle is valid until release(),
// releaseAll(), terminate() or a worker's crash, and only in this load.
// A call with a handle the workers do not hold rejects with UNKNOWN_HANDLE;
// with a handle of the wrong kind, INVALID_ARGUMENT.
//
// Only the worker mode protects the keys: in-thread ({worker: false}, Node,
// code already in a worker) the same calls work but the keys are in this
// thread's memory.

declare const handleKind: unique symbol;
/** The Argon2id session key, in the worker. */
export type SessionHandle = string & { readonly [handleKind]: "session" };
/**
 * A user's X25519 private key, hybrid seed and (when the account has one)
 * identity signing key, with the public keys, in the worker.
 */
export type UserHandle = string & { readonly [handleKind]: "user" };
/** A 32-byte secretbox key (a resource key, the user key), in the worker. */
export type KeyHandle = string & { readonly [handleKind]: "key" };
/** A recovery key's secret (and, when made here, the key as shown), in the worker. */
export type RecoveryHandle = string & { readonly [handleKind]: "recovery" };
/** Any handle. */
export type Handle = SessionHandle | UserHandle | KeyHandle | RecoveryHandle;

/** One item of a batch: its result, or the SealkitError it failed with. */
export type ItemResult<T> = (T & { error?: undefined }) | ({ error: SealkitError } & { [K in keyof T]?: undefined });

/** The fields of the account record (GET /api/me) that unlockUser reads; others are ignored. */
export interface WrappedAccountKeys {
  public_key: B64;
  encrypted_private_key: B64;
  pq_public_key?: B64 | null;
  encrypted_pq_private_key?: B64 | null;
  /** The identity signing public key; checked against the one derived from the unwrapped secret key. */
  identity_public_key?: B64 | null;
  /** The identity signing secret key wrapped under the session key (absent for accounts made before signatures). */
  encrypted_signing_key?: B64 | null;
}

/** What a user operation tells about the user handle. */
export interface UserInfo {
  user: UserHandle;
  publicKey: B64;
  pqPublicKey: B64 | null;
  /** The identity signing public key (derived in the worker), or null when the handle cannot sign. */
  identityPublicKey: B64 | null;
}

/** A member to seal a key to (share.js's shape). */
export interface SealMember<ID extends string | number = string | number> {
  user_id: ID;
  public_key: B64;
  pq_public_key?: B64 | null;
}

/** The body of POST /api/auth/register/finish without the token (account.js AccountRequest). */
export interface NewAccountRequest {
  key_hash: string;
  auth_key: B64;
  public_key: B64;
  encrypted_private_key: B64;
  pq_public_key: B64;
  encrypted_pq_private_key: B64;
  encrypted_user_key: B64;
  encrypted_email: B64;
  /** The identity signing public key (Hybrid Cat-3, 1985 bytes). */
  identity_public_key: B64;
  /** The identity signing secret key wrapped under the session key, as the private keys are. */
  encrypted_signing_key: B64;
}

/**
 * Argon2id session key from the password and the account's key_hash
 * ("<salt>$argon2id"), kept in the worker. `authKey` (deriveAuthKey of the
 * session key) is the one value meant for the server.
 */
export function deriveLoginKeys(password: string, keyHash: string): Promise<{ session: SessionHandle; authKey: B64 }>;
/**
 * Opens the account's wrapped private keys with the session key. A wrong
 * session key rejects with DECRYPTION.
 */
export function unlockUser(session: SessionHandle, me: WrappedAccountKeys): Promise<UserInfo>;
/**
 * An identity signing key (Hybrid Cat-3) for a user handle without one (an
 * account made before signatures), at unlock: `session` must be the
 * session handle that unlocked `user`: me.encrypted_private_key must open
 * under it (else DECRYPTION) to the user's private key (else
 * INVALID_ARGUMENT). The
 * result is for the server: identity_public_key and encrypted_signing_key
 * (wrapped under the session key). INVALID_ARGUMENT when the handle has one.
 */
export function addSigningKey(user: UserHandle, session: SessionHandle, me: WrappedAccountKeys): Promise<{ identityPublicKey: B64; encryptedSigningKey: B64 }>;
/**
 * The user's identity signature of `message` under `context` (the crate's
 * sign), base64; the key never leaves the worker. INVALID_ARGUMENT for a
 * handle without a signing key.
 */
export function signAsUser(user: UserHandle, message: Uint8Array, context: string): Promise<B64>;
/**
 * Every key of a new account, as account.js makeAccountKeys (Cat-3
 * hybrid keys unless `level`), with the secrets kept in the worker;
 * `userKey` is the user key (the one encrypted_email is under).
 */
export function makeAccount(password: string, email: string, options?: { level?: HybridLevel }): Promise<{
  session: SessionHandle;
  user: UserHandle;
  userKey: KeyHandle;
  publicKey: B64;
  pqPublicKey: B64;
  identityPublicKey: B64;
  request: NewAccountRequest;
}>;
/** The new password's fields of a password change or recovery (rewrapUser). */
export interface RewrappedKeys {
  key_hash: string;
  auth_key: B64;
  encrypted_private_key: B64;
  encrypted_pq_private_key: B64;
  /** When the handle has a signing key. */
  encrypted_signing_key?: B64;
}
/** A recovery key's request fields (PUT /api/auth/recovery without the password proof). */
export interface RecoveryRequest {
  recovery_auth_key: B64;
  recovery_encrypted_private_key: B64;
  recovery_encrypted_pq_private_key: B64;
  /** When the handle has a signing key. */
  recovery_encrypted_signing_key?: B64;
}
/** The answer of POST /api/auth/recover that recoverUser reads. */
export interface RecoveryBundle {
  public_key: B64;
  pq_public_key: B64;
  recovery_encrypted_private_key: B64;
  recovery_encrypted_pq_private_key: B64;
  identity_public_key?: B64 | null;
  recovery_encrypted_signing_key?: B64 | null;
  key_generation?: number;
}
/**
 * A new salt, session key (dropped in the worker) and auth key for
 * `password`, and the user's private keys wrapped under the new session key.
 */
export function rewrapUser(user: UserHandle, password: string): Promise<RewrappedKeys>;
/** A new recovery key for the user (crate generate_recovery_key), kept in the worker. */
export function makeRecovery(user: UserHandle): Promise<{ recovery: RecoveryHandle; request: RecoveryRequest }>;
/** The recovery key as the user must see it once; works under {exportKeys: false}. */
export function exportRecoveryKey(recovery: RecoveryHandle): Promise<string>;
/** A recovery key as typed; a garbled key rejects with the crate's error. */
export function openRecovery(recoveryKey: string): Promise<{ recovery: RecoveryHandle; recoveryAuthKey: B64 }>;
/** Opens the recovery wraps; a wrong recovery key rejects with DECRYPTION. */
export function recoverUser(recovery: RecoveryHandle, bundle: RecoveryBundle): Promise<UserInfo>;
/**
 * A transition aid: imports a session key kept as base64 text (account.js
 * KeyChain's sessionStorage chain) as a session handle, for unlockUser.
 * The page still held the key until then; pages should move to
 * deriveLoginKeys and the key cache v2 and stop needing this call.
 * INVALID_LENGTH unless 32 bytes.
 */
export function importSessionKey(sessionB64: B64): Promise<SessionHandle>;
/**
 * Opens a text sealed to the user (sealForUser of its UTF-8 bytes, e.g. an
 * operator's announcement); non-UTF-8 content rejects with UTF8.
 */
export function unsealText(user: UserHandle, sealedB64: B64): Promise<string>;
/** A new random 32-byte key. */
export function newKey(): Promise<KeyHandle>;
/**
 * Opens a copy of a key sealed to the user: sealForUser of its 32 raw
 * bytes (share.js sealToMember, the app's group and habit keys) or of its
 * base64 text (account.js's encrypted_user_key).
 */
/** Where the key cache v2 lives and whose it is (see keycache.d.ts). */
export interface CacheOptions {
  /** The account's id; an entry of another id is never opened. */
  userId: string;
  /** The accounts.Handlers.CacheSecret endpoint, e.g. "/api/auth/key-cache". */
  secretUrl: string;
  /** Replaces "sealkit" in the IndexedDB name. */
  name?: string;
}
/**
 * Writes the user's private keys into the key cache v2 from inside the
 * worker (the page never holds them); true when stored, false when this
 * environment or the server (no live session) does not allow it.
 * INVALID_ARGUMENT for an account without a hybrid key pair.
 */
export function cacheUser(user: UserHandle, options: CacheOptions): Promise<boolean>;
/**
 * Opens the key cache v2 inside the worker to a new user handle; null when
 * nothing usable is cached (the session ended, the entry expired or is
 * another user's: it is deleted then).
 */
export function openCachedUser(options: CacheOptions): Promise<UserInfo | null>;
/**
 * Opens a key sealed to the user into a key handle. With a user handle from
 * openCachedUser or given to cacheUser, the key cache's memo of opened keys
 * is looked up first, and a key that had to be opened joins it (as for
 * openKeys and openTexts; keycache.js writeKeyMemo).
 */
export function openKey(user: UserHandle, sealedB64: B64): Promise<KeyHandle>;
/** openKey for many copies (split over a pool's workers), in order. */
export function openKeys(user: UserHandle, sealed: readonly B64[]): Promise<Array<ItemResult<{ handle: KeyHandle }>>>;
/**
 * Seals the key to each member as share.js sealToMembers does: hybrid
 * when the member has a pq_public_key (Cat-3 unless `level`), else a sealed box.
 */
export function sealKey<ID extends string | number>(key: KeyHandle, members: ReadonlyArray<SealMember<ID>>, level?: HybridLevel): Promise<Array<{ user_id: ID; encrypted_key: B64 }>>;
/**
 * Where a blob lives, as a canonical string (e.g. "habit/<id>/name"; the
 * app's places are listed in docs/PROTOCOL.md): 1–512 bytes of UTF-8
 * without control characters. A blob sealed at a place is sealed under
 * the key's place key, HKDF-SHA256(key, "sealkit/v1/place" ‖ 0x00 ‖ place),
 * derived inside the worker; it opens only at the same place (elsewhere:
 * DECRYPTION). Build it from the row you asked for, not from the server's
 * answer.
 */
export type Place = string;
/** A ciphertext to open: base64, or base64 with the place it was sealed at. */
export type PlacedText = B64 | { ciphertext: B64; place?: Place };
/** Encrypts the string's UTF-8 bytes under the key (secretbox), at `place` when given. */
export function encryptText(key: KeyHandle, plaintext: string, place?: Place): Promise<B64>;
/** Opens a secretbox blob to a string (at `place`, if sealed there); non-UTF-8 content rejects with UTF8. */
export function decryptText(key: KeyHandle, ciphertextB64: B64, place?: Place): Promise<string>;
/** decryptText for many blobs under one key, in order. */
export function decryptTexts(key: KeyHandle, ciphertexts: readonly PlacedText[]): Promise<Array<ItemResult<{ text: string }>>>;
/** Opens many resources without handles: per item its sealed key (through the memo, as openKey), then its texts (null stays null). */
export function openTexts(user: UserHandle, items: ReadonlyArray<{ sealed: B64; ciphertexts: ReadonlyArray<PlacedText | null> }>):
  Promise<Array<ItemResult<{ texts: Array<string | null> }>>>;
/** Many blobs, each under its own key (at its place when given), in order. */
export function decryptMany(items: ReadonlyArray<{ key: KeyHandle; ciphertext: B64; place?: Place }>): Promise<Array<ItemResult<{ text: string }>>>;
/**
 * Encrypts bytes under the key (at `place` when given): the secretbox blob
 * (nonce ‖ ciphertext), as bytes. The plaintext's ArrayBuffer is
 * transferred to the worker — detached here, every view on it included;
 * pass `bytes.slice()` to keep it — and the result's is transferred back.
 */
export function encryptBytes(key: KeyHandle, plaintext: Uint8Array, place?: Place): Promise<Uint8Array>;
/** Opens a secretbox blob given as bytes (at `place`, if sealed there); transfers like encryptBytes. */
export function decryptBytes(key: KeyHandle, ciphertext: Uint8Array, place?: Place): Promise<Uint8Array>;
/** base64 of HMAC-SHA256(key, "sealkit/v1/group-key-commitment" ‖ 0x00 ‖ label), computed in the worker (docs/PROTOCOL.md §10.6). */
export function keyCommitment(key: KeyHandle, label: string): Promise<B64>;
/**
 * The one way out of the worker: a key or session handle's key (base64),
 * or a user handle's keys. Whatever reaches the page, a script injected
 * into it can read: this defeats the handle API's protection for that key
 * (show a recovery key, then drop it). Rejects with UNSUPPORTED under
 * loadCrypto's {exportKeys: false}.
 */
export function exportKey(handle: SessionHandle | KeyHandle): Promise<B64>;
export function exportKey(handle: UserHandle): Promise<{
  publicKey: B64; privateKey: B64; pqSecretKey: B64 | null; pqPublicKey: B64 | null; signingKey: B64 | null; identityPublicKey: B64 | null;
}>;
/** Forgets a handle in every worker, zeroing its bytes; whether it was held. Never loads the core. */
export function release(handle: Handle): Promise<boolean>;
/** Logout: forgets every handle in every worker, zeroing their bytes. Never loads the core. */
export function releaseAll(): Promise<void>;
