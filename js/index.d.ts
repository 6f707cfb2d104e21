// @sealkit/sdk: every function returns a Promise and rejects with a
// SealkitError. On a page the work runs in one dedicated module worker
// (or a pool of them, {workers: n}); in Node, inside a worker, or with
// {worker: false} it runs in-thread.
//
// The app flows built on it are separate entry points sharing its core:
// "@sealkit/sdk/account.js" (sign-up, login, the session-key chain) and
// "@sealkit/sdk/share.js" (sealing resource keys to members, watchPending).

import type { CryptoFunctions, ExportName, HybridKeyPair, KeyPair, B64, OptionalB64 } from "./crypto.js";

export { ErrorCode, SealkitError } from "./errors.js";
export type { ErrorCodeValue } from "./errors.js";
export { deriveAuthKey } from "./authkey.js";
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
/** Stops the worker(s); pending calls reject with WORKER; the next call loads again. */
export function terminate(): void;

/**
 * crypto.js's functions in the current thread (loaded once), synchronous,
 * throwing SealkitError. For code already in a worker, and for tests.
 */
export function getDirectCrypto(wasmUrl?: string | URL | BufferSource | WebAssembly.Module): Promise<Readonly<CryptoFunctions>>;

/** Runs one of crypto.js's 24 exports by name (in the worker where there is one). */
export function call<N extends ExportName>(name: N, ...args: Parameters<CryptoFunctions[N]>): Promise<ReturnType<CryptoFunctions[N]>>;

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
