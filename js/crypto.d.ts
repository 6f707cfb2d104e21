// Declarations for crypto.js: metamorphic-crypto's wasm-bindgen API
// (wire-format.md §6.1). "B64" strings are standard padded base64. Every
// function is synchronous after init() and throws the crate's message as a
// plain string when the cryptography fails; misuse (before init, a
// non-string argument) throws an Error with `code` NOT_READY or
// INVALID_ARGUMENT.

/** Standard, padded base64. */
export type B64 = string;
/** An optional PQ key: undefined, null or "" mean none. */
export type OptionalB64 = string | null | undefined;
/** A KEM security level; case-insensitive, "" means cat3. */
export type KemLevel = "cat1" | "cat3" | "cat5" | "" | (string & {});
/** A signature security level; case-insensitive, "" means cat3. */
export type SignLevel = "cat2" | "cat3" | "cat5" | "" | (string & {});
/**
 * A signature suite; case-insensitive once "_", "-" and " " are removed:
 * "" | "hybrid" (Ed25519 + ML-DSA), "hybrid_matched" | "matched" (Ed448 at
 * Cat-3, ECDSA-P-521 at Cat-5), "pure_cnsa2" | "pure" | "cnsa2" (ML-DSA-87,
 * Cat-5 only). sealkit's browser build leaves out Ed448 and P-521: those
 * keys and signatures throw "signature: … not in the browser build".
 */
export type SignSuite = "hybrid" | "hybrid_matched" | "pure_cnsa2" | "" | (string & {});

/** What init() accepts, as wasm-bindgen's init does. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | BufferSource
  | WebAssembly.Module
  | PromiseLike<Response | BufferSource | WebAssembly.Module>;

/** The functions the Go program registered. */
export type WasmExports = Readonly<Record<ExportName, (...args: unknown[]) => unknown>>;

/**
 * Loads the module once (default: dist/sealkit.wasm next to crypto.js);
 * later calls return the same promise. A failed load may be retried.
 */
export default function init(input?: InitInput | { module_or_path: InitInput }): Promise<WasmExports>;
/** Synchronous init from bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module | { module: BufferSource | WebAssembly.Module }): WasmExports;
/** Whether init() has finished. */
export function isReady(): boolean;

export type ExportName =
  | "deriveSessionKey" | "encryptSecretboxString" | "decryptSecretboxToString"
  | "encryptSecretbox" | "decryptSecretbox" | "boxSeal" | "boxSealOpen"
  | "sealForUser" | "unsealFromUser" | "sealForUserWithLevel"
  | "generateHybridKeyPair512" | "generateHybridKeyPair" | "generateHybridKeyPair1024"
  | "isHybridCiphertext" | "generateKey" | "generateKeyPair" | "generateSalt"
  | "encryptPrivateKey" | "decryptPrivateKey" | "generateRecoveryKey"
  | "recoveryKeyToSecret" | "encryptPrivateKeyForRecovery"
  | "decryptPrivateKeyWithRecovery" | "parseSaltFromKeyHash"
  | "generateSigningKeyPair" | "generateSigningKeyPairSuite" | "deriveSigningPublicKey"
  | "sign" | "verify" | "signaturePosture" | "signaturePostureFromSignature";

/** Every exported function name, in §6.1 order. */
export const exportNames: readonly ExportName[];

export interface KeyPair { publicKey: B64; privateKey: B64 }
export interface HybridKeyPair { publicKey: B64; secretKey: B64 }
export interface RecoveryKey { recoveryKey: string; recoverySecretBase64: B64 }
export interface SigningKeyPair { publicKey: B64; secretKey: B64 }
/** A signature key's or signature's suite and level, from its tag. */
export interface SignaturePosture { suite: "hybrid" | "hybrid_matched" | "pure_cnsa2"; level: "cat2" | "cat3" | "cat5" }

/** The 31 functions with their wasm-bindgen shapes. */
export interface CryptoFunctions {
  /** Argon2id session key (32 bytes) from a password and a 16-byte salt. */
  deriveSessionKey(password: string, saltB64: B64): B64;
  /** Secretbox of the string's UTF-8 bytes: nonce(24) ‖ tag(16) ‖ ct. */
  encryptSecretboxString(plaintext: string, keyB64: B64): B64;
  /** Opens a secretbox to a string; non-UTF-8 plaintext throws. */
  decryptSecretboxToString(ciphertextB64: B64, keyB64: B64): string;
  encryptSecretbox(plaintextB64: B64, keyB64: B64): B64;
  decryptSecretbox(ciphertextB64: B64, keyB64: B64): B64;
  /** libsodium crypto_box_seal. */
  boxSeal(plaintextB64: B64, publicKeyB64: B64): B64;
  boxSealOpen(ciphertextB64: B64, publicKeyB64: B64, privateKeyB64: B64): B64;
  /** Box seal, or the Cat-3 hybrid format (0x02) when a PQ public key is given. */
  sealForUser(plaintextB64: B64, publicKeyB64: B64, pqPublicKeyB64?: OptionalB64): B64;
  /** Opens either format; the PQ secret key is the 32-byte seed. */
  unsealFromUser(ciphertextB64: B64, publicKeyB64: B64, privateKeyB64: B64, pqSecretKeyB64?: OptionalB64): B64;
  sealForUserWithLevel(plaintextB64: B64, publicKeyB64: B64, pqPublicKeyB64: OptionalB64, level: KemLevel): B64;
  /** ML-KEM-512 + X25519 (public key 832 bytes). */
  generateHybridKeyPair512(): HybridKeyPair;
  /** ML-KEM-768 + X25519 (public key 1216 bytes). */
  generateHybridKeyPair(): HybridKeyPair;
  /** ML-KEM-1024 + X25519 (public key 1600 bytes). */
  generateHybridKeyPair1024(): HybridKeyPair;
  /** True for a blob in a hybrid format; false for anything else, bad base64 included. */
  isHybridCiphertext(ciphertextB64: B64): boolean;
  /** 32 random bytes. */
  generateKey(): B64;
  /** X25519 key pair. */
  generateKeyPair(): KeyPair;
  /** 16 random bytes. */
  generateSalt(): B64;
  encryptPrivateKey(privateKeyB64: B64, sessionKeyB64: B64): B64;
  decryptPrivateKey(ciphertextB64: B64, sessionKeyB64: B64): B64;
  generateRecoveryKey(): RecoveryKey;
  recoveryKeyToSecret(recoveryKey: string): B64;
  encryptPrivateKeyForRecovery(privateKeyB64: B64, recoverySecretB64: B64): B64;
  decryptPrivateKeyWithRecovery(ciphertextB64: B64, recoverySecretB64: B64): B64;
  /** The salt before the first "$" of "<salt>$argon2id". */
  parseSaltFromKeyHash(keyHash: string): string;
  /** A Hybrid (Ed25519 + ML-DSA) signing key pair: tag 0x01, 0x02 (default) or 0x03. */
  generateSigningKeyPair(level: SignLevel): SigningKeyPair;
  /** A signing key pair of a suite and level; PureCnsa2 below cat5 throws. */
  generateSigningKeyPairSuite(suite: SignSuite, level: SignLevel): SigningKeyPair;
  /** The public key of a signing secret key (deterministic). */
  deriveSigningPublicKey(secretKeyB64: B64): B64;
  /** Signs u64_be(len(context)) ‖ context ‖ message with every component (hedged). */
  sign(messageB64: B64, context: string, secretKeyB64: B64): B64;
  /**
   * Whether every component of the signature verifies. Throws on bad base64
   * and on an unknown or missing tag; false for mismatched tags or sizes.
   */
  verify(messageB64: B64, context: string, signatureB64: B64, publicKeyB64: B64): boolean;
  /** sealkit's (not in the crate's wasm.rs): the suite and level of a signing public key. */
  signaturePosture(publicKeyB64: B64): SignaturePosture;
  /** sealkit's: the suite and level of a signature. */
  signaturePostureFromSignature(signatureB64: B64): SignaturePosture;
}

/** The bytes API's names (not in metamorphic-crypto). */
export type BytesExportName = "encryptSecretboxBytes" | "decryptSecretboxBytes" | "boxSealOpenBytes" | "unsealFromUserBytes";

/** The bytes API's names, in table order. */
export const bytesExportNames: readonly BytesExportName[];

/**
 * The bytes API: the compatible functions of the same name without "Bytes"
 * over Uint8Arrays instead of base64 — the same checks, errors and
 * results. Every result is a fresh Uint8Array. A non-Uint8Array argument
 * throws an Error with code INVALID_ARGUMENT.
 */
export interface BytesFunctions {
  /** Secretbox: nonce(24) ‖ tag(16) ‖ ct under a 32-byte key. */
  encryptSecretboxBytes(plaintext: Uint8Array, key: Uint8Array): Uint8Array;
  decryptSecretboxBytes(ciphertext: Uint8Array, key: Uint8Array): Uint8Array;
  /** libsodium crypto_box_seal_open. */
  boxSealOpenBytes(ciphertext: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array): Uint8Array;
  /** Opens either format; the PQ secret key is the 32-byte seed (absent or empty: none). */
  unsealFromUserBytes(ciphertext: Uint8Array, publicKey: Uint8Array, privateKey: Uint8Array, pqSecretKey?: Uint8Array | null): Uint8Array;
}

/** Internal (keystore.js's key slots); the shape may change between versions. */
export const slotNames: readonly string[];

/** The same functions, throwing an Error with `code` and the crate's message. */
export function codedExports(): Readonly<CryptoFunctions>;
/** The functions named, throwing an Error with `code` and the crate's message. */
export function codedExports<N extends ExportName | BytesExportName>(names: readonly N[]): Readonly<Pick<CryptoFunctions & BytesFunctions, N>>;

export const deriveSessionKey: CryptoFunctions["deriveSessionKey"];
export const encryptSecretboxString: CryptoFunctions["encryptSecretboxString"];
export const decryptSecretboxToString: CryptoFunctions["decryptSecretboxToString"];
export const encryptSecretbox: CryptoFunctions["encryptSecretbox"];
export const decryptSecretbox: CryptoFunctions["decryptSecretbox"];
export const boxSeal: CryptoFunctions["boxSeal"];
export const boxSealOpen: CryptoFunctions["boxSealOpen"];
export const sealForUser: CryptoFunctions["sealForUser"];
export const unsealFromUser: CryptoFunctions["unsealFromUser"];
export const sealForUserWithLevel: CryptoFunctions["sealForUserWithLevel"];
export const generateHybridKeyPair512: CryptoFunctions["generateHybridKeyPair512"];
export const generateHybridKeyPair: CryptoFunctions["generateHybridKeyPair"];
export const generateHybridKeyPair1024: CryptoFunctions["generateHybridKeyPair1024"];
export const isHybridCiphertext: CryptoFunctions["isHybridCiphertext"];
export const generateKey: CryptoFunctions["generateKey"];
export const generateKeyPair: CryptoFunctions["generateKeyPair"];
export const generateSalt: CryptoFunctions["generateSalt"];
export const encryptPrivateKey: CryptoFunctions["encryptPrivateKey"];
export const decryptPrivateKey: CryptoFunctions["decryptPrivateKey"];
export const generateRecoveryKey: CryptoFunctions["generateRecoveryKey"];
export const recoveryKeyToSecret: CryptoFunctions["recoveryKeyToSecret"];
export const encryptPrivateKeyForRecovery: CryptoFunctions["encryptPrivateKeyForRecovery"];
export const decryptPrivateKeyWithRecovery: CryptoFunctions["decryptPrivateKeyWithRecovery"];
export const parseSaltFromKeyHash: CryptoFunctions["parseSaltFromKeyHash"];
export const generateSigningKeyPair: CryptoFunctions["generateSigningKeyPair"];
export const generateSigningKeyPairSuite: CryptoFunctions["generateSigningKeyPairSuite"];
export const deriveSigningPublicKey: CryptoFunctions["deriveSigningPublicKey"];
export const sign: CryptoFunctions["sign"];
export const verify: CryptoFunctions["verify"];
export const signaturePosture: CryptoFunctions["signaturePosture"];
export const signaturePostureFromSignature: CryptoFunctions["signaturePostureFromSignature"];
export const encryptSecretboxBytes: BytesFunctions["encryptSecretboxBytes"];
export const decryptSecretboxBytes: BytesFunctions["decryptSecretboxBytes"];
export const boxSealOpenBytes: BytesFunctions["boxSealOpenBytes"];
export const unsealFromUserBytes: BytesFunctions["unsealFromUserBytes"];
