// Errors of the sealkit SDK. Every failure the SDK reports is a
// SealkitError: `code` is stable and meant for programs, `message` is the
// text of metamorphic-crypto's CryptoError (wire-format.md §0.3) for the
// failures of the cryptography, so logs read the same as with the crate.
// Messages never contain plaintext or keys: the crate's texts hold at most
// a length, an offset or one offending base64 symbol.

/**
 * The stable error codes. The first thirteen come from the WebAssembly core
 * (cmd/sealkit-wasm/exports.go, errorCode); the last five are the SDK's.
 */
export const ErrorCode = Object.freeze({
  /** Input that is not strict, padded, standard base64. */
  BASE64: "BASE64",
  /** An authentication tag did not verify: wrong key or altered data. */
  DECRYPTION: "DECRYPTION",
  /** A key, salt, seed or public key of the wrong size. */
  INVALID_LENGTH: "INVALID_LENGTH",
  /** A ciphertext shorter than its format's minimum. */
  TOO_SHORT: "TOO_SHORT",
  /** A key_hash without exactly one "$". */
  INVALID_KEY_HASH: "INVALID_KEY_HASH",
  /** A recovery key with a bad character or the wrong length. */
  INVALID_RECOVERY_KEY: "INVALID_RECOVERY_KEY",
  /** Argon2id could not run. */
  KDF: "KDF",
  /** Unknown seal tag or level, invalid ML-KEM key, bad curve point. */
  HYBRID: "HYBRID",
  /** Decrypted bytes that are not UTF-8 where text was asked for. */
  UTF8: "UTF8",
  /** Sealing to a low-order X25519 public key (sealkit's own check). */
  LOW_ORDER_KEY: "LOW_ORDER_KEY",
  /** A signing key or signature with a missing or unknown version tag, a suite/level that do not go together, a suite not in the browser build. */
  SIGNATURE: "SIGNATURE",
  /** A non-string where a string is required, an unknown function name. */
  INVALID_ARGUMENT: "INVALID_ARGUMENT",
  /** A failure that should not happen; a bug. */
  INTERNAL: "INTERNAL",
  /** The WebAssembly module was used before it was loaded. */
  NOT_READY: "NOT_READY",
  /** The crypto worker failed to start, crashed or was terminated. */
  WORKER: "WORKER",
  /** Fetching, compiling or starting the WebAssembly module failed. */
  LOAD: "LOAD",
  /** The environment lacks what the requested mode needs. */
  UNSUPPORTED: "UNSUPPORTED",
  /** A key handle the crypto worker does not hold: released, from another load, or made up. */
  UNKNOWN_HANDLE: "UNKNOWN_HANDLE",
});

const knownCodes = new Set(Object.values(ErrorCode));

/** An SDK failure: `code` is one of ErrorCode, `message` the crate's text. */
export class SealkitError extends Error {
  /**
   * @param {string} code one of ErrorCode (anything else becomes INTERNAL)
   * @param {string} message a message free of secrets
   * @param {{cause?: unknown}} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = "SealkitError";
    this.code = knownCodes.has(code) ? code : ErrorCode.INTERNAL;
  }
}

// The crate's Display texts by prefix, to classify the plain strings that
// the compat functions of crypto.js throw. Order matters only in that no
// prefix is a prefix of another.
const messagePrefixes = [
  ["base64 decode: ", ErrorCode.BASE64],
  ["decryption failed: ", ErrorCode.DECRYPTION],
  ["invalid length: ", ErrorCode.INVALID_LENGTH],
  ["ciphertext too short to be valid", ErrorCode.TOO_SHORT],
  ["invalid key_hash format", ErrorCode.INVALID_KEY_HASH],
  ["invalid recovery key character", ErrorCode.INVALID_RECOVERY_KEY],
  ["key derivation failed: ", ErrorCode.KDF],
  ["hybrid KEM: ", ErrorCode.HYBRID],
  ["UTF-8: ", ErrorCode.UTF8],
  ["invalid public key: low-order", ErrorCode.LOW_ORDER_KEY],
  ["signature: ", ErrorCode.SIGNATURE],
  ["invalid argument: ", ErrorCode.INVALID_ARGUMENT],
];

/** Returns the ErrorCode of one of the crate's error texts, or INTERNAL. */
export function codeForMessage(message) {
  for (const [prefix, code] of messagePrefixes) {
    if (message.startsWith(prefix)) return code;
  }
  return ErrorCode.INTERNAL;
}

/**
 * Turns anything thrown or reported by the core, crypto.js or the worker
 * into a SealkitError: a SealkitError is returned as is; an Error or a
 * worker's serialized `{code, message}` keeps its code (unknown codes
 * become `fallbackCode`); a plain string (a compat function's throw) is
 * classified by its text. The original is kept as `cause` only when it is
 * an Error, never copied into the message.
 *
 * @param {unknown} err
 * @param {string} [fallbackCode] code for errors that carry none
 * @returns {SealkitError}
 */
export function toSealkitError(err, fallbackCode = ErrorCode.INTERNAL) {
  if (err instanceof SealkitError) return err;
  if (typeof err === "string") return new SealkitError(codeForMessage(err), err);
  if (err !== null && typeof err === "object") {
    const code = typeof err.code === "string" && knownCodes.has(err.code) ? err.code : fallbackCode;
    const message = typeof err.message === "string" ? err.message : "sealkit: unknown error";
    return new SealkitError(code, message, err instanceof Error ? { cause: err } : undefined);
  }
  return new SealkitError(fallbackCode, "sealkit: unknown error");
}

/** The structured-clone-safe form of an error, as the worker posts it. */
export function serializeError(err, fallbackCode = ErrorCode.INTERNAL) {
  const e = toSealkitError(err, fallbackCode);
  return { code: e.code, message: e.message };
}
