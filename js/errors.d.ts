/** The stable error codes of the sealkit SDK. */
export declare const ErrorCode: Readonly<{
  /** Input that is not strict, padded, standard base64. */
  BASE64: "BASE64";
  /** An authentication tag did not verify: wrong key or altered data. */
  DECRYPTION: "DECRYPTION";
  /** A key, salt, seed or public key of the wrong size. */
  INVALID_LENGTH: "INVALID_LENGTH";
  /** A ciphertext shorter than its format's minimum. */
  TOO_SHORT: "TOO_SHORT";
  /** A key_hash without exactly one "$". */
  INVALID_KEY_HASH: "INVALID_KEY_HASH";
  /** A recovery key with a bad character or the wrong length. */
  INVALID_RECOVERY_KEY: "INVALID_RECOVERY_KEY";
  /** Argon2id could not run. */
  KDF: "KDF";
  /** Unknown seal tag or level, invalid ML-KEM key, bad curve point. */
  HYBRID: "HYBRID";
  /** Decrypted bytes that are not UTF-8 where text was asked for. */
  UTF8: "UTF8";
  /** Sealing to a low-order X25519 public key. */
  LOW_ORDER_KEY: "LOW_ORDER_KEY";
  /** A signing key or signature with a missing or unknown version tag, a suite/level that do not go together, a suite not in the browser build. */
  SIGNATURE: "SIGNATURE";
  /** A non-string where a string is required, an unknown function name. */
  INVALID_ARGUMENT: "INVALID_ARGUMENT";
  /** A failure that should not happen; a bug. */
  INTERNAL: "INTERNAL";
  /** The WebAssembly module was used before it was loaded. */
  NOT_READY: "NOT_READY";
  /** The crypto worker failed to start, crashed or was terminated. */
  WORKER: "WORKER";
  /** Fetching, compiling or starting the WebAssembly module failed. */
  LOAD: "LOAD";
  /** The environment lacks what the requested mode needs. */
  UNSUPPORTED: "UNSUPPORTED";
  /** A key handle the crypto worker does not hold: released, from another load, or made up. */
  UNKNOWN_HANDLE: "UNKNOWN_HANDLE";
}>;

/** One of the values of ErrorCode. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An SDK failure: `code` is stable, `message` is the crate's text (no secrets). */
export declare class SealkitError extends Error {
  /** Unknown codes become "INTERNAL". */
  constructor(code: ErrorCodeValue | string, message: string, options?: { cause?: unknown });
  readonly name: "SealkitError";
  code: ErrorCodeValue;
}

/** The ErrorCode of one of the crate's error texts, or "INTERNAL". */
export declare function codeForMessage(message: string): ErrorCodeValue;

/**
 * Turns a core Error, a worker's `{code, message}` or a compat function's
 * thrown string into a SealkitError (a SealkitError is returned as is).
 */
export declare function toSealkitError(err: unknown, fallbackCode?: ErrorCodeValue): SealkitError;

/** The structured-clone-safe `{code, message}` of an error. */
export declare function serializeError(err: unknown, fallbackCode?: ErrorCodeValue): { code: ErrorCodeValue; message: string };
