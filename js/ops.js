// The SDK's high-level operations over the core's coded exports. index.js
// runs them in-thread; worker.js runs them in the worker, so that a
// string or byte plaintext crosses the thread boundary once and the base64
// conversion happens next to the cryptography. Internal module: its shape
// may change between versions.

import { ErrorCode, SealkitError } from "./errors.js";

// btoa/atob work on "binary strings"; chunking keeps String.fromCharCode
// below engines' argument limits for large plaintexts.
export function bytesToBase64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

// Only decodes base64 that the core produced (always canonical).
export function base64ToBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// utf8ErrorText reproduces Rust's Utf8Error Display (core::str::from_utf8,
// the crate's String::from_utf8): the first invalid sequence's length, or
// "incomplete" when the bytes end inside a sequence. Only called after
// TextDecoder rejected the bytes, so the fast path stays native.
export function utf8ErrorText(b) {
  const cont = (i) => i < b.length && (b[i] & 0xc0) === 0x80;
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let width, lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) width = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      width = 3;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      width = 4;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      return `UTF-8: invalid utf-8 sequence of 1 bytes from index ${i}`;
    }
    // The second byte has a restricted range, the rest are plain
    // continuation bytes; running out of input first means "incomplete".
    for (let k = 1; k < width; k++) {
      if (i + k >= b.length) return `UTF-8: incomplete utf-8 byte sequence from index ${i}`;
      const ok = k === 1 ? b[i + 1] >= lo && b[i + 1] <= hi : cont(i + k);
      if (!ok) return `UTF-8: invalid utf-8 sequence of ${k} bytes from index ${i}`;
    }
    i += width;
  }
  return "UTF-8: invalid utf-8";
}

/** Decodes UTF-8 strictly; invalid bytes throw SealkitError UTF8 with Rust's text. */
export function decodeUtf8(bytes) {
  try {
    return fatalDecoder.decode(bytes);
  } catch {
    throw new SealkitError(ErrorCode.UTF8, utf8ErrorText(bytes));
  }
}

function invalid(what) {
  return new SealkitError(ErrorCode.INVALID_ARGUMENT, `invalid argument: ${what}`);
}

// plaintextBytes accepts what the SDK documents as a plaintext: a string
// (its UTF-8 bytes), a Uint8Array or any other ArrayBuffer view, or an
// ArrayBuffer.
function plaintextBytes(p) {
  if (typeof p === "string") return encoder.encode(p);
  if (p instanceof Uint8Array) return p;
  if (ArrayBuffer.isView(p)) return new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
  if (p instanceof ArrayBuffer) return new Uint8Array(p);
  throw invalid("plaintext must be a string or a Uint8Array");
}

// A null-prototype map, so that "constructor" and friends are not levels.
const hybridByLevel = Object.assign(Object.create(null), {
  cat1: "generateHybridKeyPair512",
  cat3: "generateHybridKeyPair",
  "": "generateHybridKeyPair",
  cat5: "generateHybridKeyPair1024",
});

/**
 * The high-level operations over `api`, an object of coded exports
 * (crypto.js codedExports()). Each is synchronous and throws what `api`
 * throws or a SealkitError.
 */
export function makeOps(api) {
  return {
    generateKey: () => api.generateKey(),
    generateKeypair: () => {
      const { publicKey, privateKey } = api.generateKeyPair();
      return { publicKey, privateKey };
    },
    generateSalt: () => api.generateSalt(),
    encrypt: (plaintext, keyB64) => {
      if (typeof plaintext !== "string") throw invalid("plaintext must be a string");
      return api.encryptSecretboxString(plaintext, keyB64);
    },
    decrypt: (ciphertextB64, keyB64) => api.decryptSecretboxToString(ciphertextB64, keyB64),
    seal: (plaintext, publicKeyB64, pqPublicKeyB64, level) => {
      const pt = bytesToBase64(plaintextBytes(plaintext));
      if (level === undefined || level === null) return api.sealForUser(pt, publicKeyB64, pqPublicKeyB64);
      return api.sealForUserWithLevel(pt, publicKeyB64, pqPublicKeyB64, level);
    },
    unsealBytes: (ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64) =>
      base64ToBytes(api.unsealFromUser(ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64)),
    unseal: (ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64) => {
      const bytes = base64ToBytes(api.unsealFromUser(ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64));
      try {
        return decodeUtf8(bytes);
      } finally {
        bytes.fill(0); // the decrypted bytes are not needed past the string
      }
    },
    deriveSessionKey: (password, saltB64) => api.deriveSessionKey(password, saltB64),
    // The crate's verify over the message's bytes: true only when every
    // component of the signature verifies; throws on bad base64 or an
    // unknown or missing tag (SIGNATURE), as verify does.
    verifySignature: (message, context, signatureB64, publicKeyB64) => {
      if (!(message instanceof Uint8Array) && !ArrayBuffer.isView(message) && !(message instanceof ArrayBuffer)) {
        throw invalid("message must be a Uint8Array");
      }
      if (typeof context !== "string") throw invalid("context must be a string");
      return api.verify(bytesToBase64(plaintextBytes(message)), context, signatureB64, publicKeyB64);
    },
    generateHybridKeypair: (level) => {
      const name = typeof level === "string" ? hybridByLevel[level.toLowerCase()] : level === undefined ? hybridByLevel[""] : undefined;
      if (!name) throw invalid('level must be "cat1", "cat3" or "cat5"');
      const { publicKey, secretKey } = api[name]();
      return { publicKey, secretKey };
    },
  };
}

/** The names of the high-level operations, as the worker accepts them. */
export const opNames = Object.freeze([
  "generateKey", "generateKeypair", "generateSalt", "encrypt", "decrypt", "seal",
  "unseal", "unsealBytes", "deriveSessionKey", "generateHybridKeypair", "verifySignature",
]);
