// The auth key of sealkit's app protocol (docs/PROTOCOL.md §2):
// HKDF-SHA256(IKM = session key, salt = none, info = "sealkit/v1/auth-key", L = 32).

import type { B64 } from "./crypto.js";

/** The HKDF info string of the auth key. */
export declare const AUTH_KEY_INFO: "sealkit/v1/auth-key";

/**
 * Derives the base64 auth key from a base64 32-byte session key
 * (deriveSessionKey's result), with Web Crypto in the calling thread.
 * Rejects with SealkitError: BASE64 (not strict padded base64),
 * INVALID_LENGTH (not 32 bytes), INVALID_ARGUMENT (not a string),
 * UNSUPPORTED (no Web Crypto).
 */
export function deriveAuthKey(sessionKeyB64: B64): Promise<B64>;

/** "sealkit/v1/recovery-auth-key" */
export const RECOVERY_AUTH_KEY_INFO: string;

/**
 * The recovery auth key (HKDF-SHA256, info RECOVERY_AUTH_KEY_INFO) of a
 * 32-byte recovery secret, base64. Rejects as deriveAuthKey.
 */
export function deriveRecoveryAuthKey(recoverySecretB64: B64): Promise<B64>;
