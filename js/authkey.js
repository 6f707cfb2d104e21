// The auth key of sealkit's app protocol (docs/PROTOCOL.md §2): the login
// proof a browser sends instead of the password.
//
//   auth_key = HKDF-SHA256(IKM = session key (32 bytes), salt = none,
//                          info = "sealkit/v1/auth-key", L = 32)
//
// "salt = none" is RFC 5869's default (HashLen zero bytes); Web Crypto's
// HKDF with an empty salt computes exactly that. The same function in Go is
// sealkit.DeriveAuthKey; testdata/vectors/authkey.json pins both. HKDF is
// one-way: a server holding the auth key cannot get back to the session key
// that wraps the private keys. Runs in the calling thread (one HMAC; no
// WebAssembly needed). Nothing is logged.

import { ErrorCode, SealkitError } from "./errors.js";
import { bytesToBase64 } from "./ops.js";

/** The HKDF info string; part of the protocol (changing it locks every account out). */
export const AUTH_KEY_INFO = "sealkit/v1/auth-key";

const KEY_SIZE = 32;
const encoder = new TextEncoder();
const info = encoder.encode(AUTH_KEY_INFO);

/** The HKDF info string of the recovery auth key (accounts.DeriveRecoveryAuthKey); part of the protocol. */
export const RECOVERY_AUTH_KEY_INFO = "sealkit/v1/recovery-auth-key";
const recoveryInfo = encoder.encode(RECOVERY_AUTH_KEY_INFO);

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 0xff;
const decodeTable = (() => {
  const t = new Uint8Array(256).fill(INVALID);
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

const EQ = 0x3d; // '='

function b64Error(text) {
  return new SealkitError(ErrorCode.BASE64, `base64 decode: ${text}`);
}

// decodeStrict decodes strict, padded, standard base64 and reports errors
// with the crate's texts (Rust base64 0.22, as internal/b64 in Go), at byte
// offsets into the input's UTF-8 encoding.
function decodeStrict(str) {
  const s = encoder.encode(str);
  const n = s.length;
  if (n === 0) return new Uint8Array(0);
  const invalidByte = (offset, c) => b64Error(`Invalid symbol ${c}, offset ${offset}.`);
  const rem = n % 4;
  if (rem === 1) {
    const c = s[n - 1];
    if (c !== EQ && decodeTable[c] === INVALID) throw invalidByte(n - 1, c);
  }
  let body = n - rem;
  if (rem === 0) body -= 4;
  const out = [];
  for (let i = 0; i < body; i += 4) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = s[i + k];
      const d = decodeTable[c];
      if (d === INVALID) throw invalidByte(i + k, c);
      v = (v << 6) | d;
    }
    out.push((v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  const morsels = [0, 0, 0, 0];
  let nm = 0, npad = 0, firstPad = 0, last = 0;
  for (let k = 0; body + k < n; k++) {
    const c = s[body + k];
    if (c === EQ) {
      if (k < 2) throw invalidByte(body + k, c);
      if (npad === 0) firstPad = k;
      npad++;
      continue;
    }
    if (npad > 0) throw invalidByte(body + firstPad, EQ);
    const d = decodeTable[c];
    if (d === INVALID) throw invalidByte(body + k, c);
    last = c;
    morsels[nm++] = d;
  }
  if (nm < 2) throw b64Error(`Invalid input length: ${body + nm}`);
  if ((npad + nm) % 4 !== 0) throw b64Error("Invalid padding");
  const nbytes = (nm * 6) >> 3;
  const tail = [
    (morsels[0] << 2) | (morsels[1] >> 4),
    ((morsels[1] & 0x0f) << 4) | (morsels[2] >> 2),
    ((morsels[2] & 0x03) << 6) | morsels[3],
  ];
  // Bits past the last whole byte must be zero (a canonical encoding).
  for (let i = nbytes; i < 3; i++) {
    if (tail[i] !== 0) throw b64Error(`Invalid last symbol ${last}, offset ${body + nm - 1}.`);
  }
  for (let i = 0; i < nbytes; i++) out.push(tail[i]);
  return Uint8Array.from(out);
}

/**
 * Derives the auth key from a session key (deriveSessionKey's result).
 *
 * @param {string} sessionKeyB64 the 32-byte session key, base64
 * @returns {Promise<string>} the 32-byte auth key, base64
 * @throws {SealkitError} INVALID_ARGUMENT for a non-string, BASE64 for
 *   input that is not strict padded base64, INVALID_LENGTH for a key that
 *   is not 32 bytes, UNSUPPORTED without Web Crypto, INTERNAL if Web Crypto
 *   fails.
 */
export async function deriveAuthKey(sessionKeyB64) {
  if (typeof sessionKeyB64 !== "string") {
    throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: session key must be a base64 string");
  }
  return hkdf32(sessionKeyB64, info);
}

/**
 * Derives the recovery auth key from a recovery secret (the crate's
 * recoveryKeyToSecret): HKDF-SHA256 with info RECOVERY_AUTH_KEY_INFO, as
 * the auth key. It proves the recovery key to the server, which cannot
 * turn it back into the secret.
 *
 * @param {string} recoverySecretB64 the 32-byte recovery secret, base64
 * @returns {Promise<string>} the 32-byte recovery auth key, base64
 * @throws {SealkitError} as deriveAuthKey
 */
export async function deriveRecoveryAuthKey(recoverySecretB64) {
  if (typeof recoverySecretB64 !== "string") {
    throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: recovery secret must be a base64 string");
  }
  return hkdf32(recoverySecretB64, recoveryInfo);
}

async function hkdf32(ikmB64, info) {
  const ikm = decodeStrict(ikmB64);
  try {
    if (ikm.length !== KEY_SIZE) {
      throw new SealkitError(ErrorCode.INVALID_LENGTH, `invalid length: expected ${KEY_SIZE} bytes, got ${ikm.length}`);
    }
    const subtle = globalThis.crypto?.subtle;
    if (typeof subtle?.deriveBits !== "function") {
      throw new SealkitError(ErrorCode.UNSUPPORTED, "sealkit: Web Crypto (crypto.subtle) is not available here");
    }
    let bits;
    try {
      const key = await subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
      bits = await subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info }, key, KEY_SIZE * 8);
    } catch (err) {
      throw new SealkitError(ErrorCode.INTERNAL, "sealkit: HKDF failed", { cause: err });
    }
    const out = new Uint8Array(bits);
    try {
      return bytesToBase64(out);
    } finally {
      out.fill(0);
    }
  } finally {
    ikm.fill(0);
  }
}
