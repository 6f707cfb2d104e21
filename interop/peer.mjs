// Interop peer for sealkit's tests (interop_test.go).
//
// Protocol: one JSON object per line on stdin, one JSON object per line on
// stdout, answered strictly in request order. Binary fields are standard
// base64 with padding (Go's encoding of []byte). After start-up the peer
// writes one line {"ready":true,...}; then for each request
//   {"id":N,"op":"...", ...fields}
// it answers
//   {"id":N,"ok":true, ...fields}                     on success, or
//   {"id":N,"ok":false,"auth":B,"error":"..."}        on failure,
// where auth is true exactly when an open/decrypt failed because the
// ciphertext did not authenticate (libsodium refused it), and false for a
// malformed request or blob (wrong length, unknown tag, bad field).
//
// The cryptography is done only by the real peers: libsodium.js
// (libsodium-wrappers-sumo) and @noble/post-quantum (plus its @noble/curves
// and @noble/hashes dependencies). Nothing here is sealkit code.

import { createInterface } from 'node:readline';
import sodium from 'libsodium-wrappers-sumo';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ed25519 } from '@noble/curves/ed25519.js';

await sodium.ready;

// The X-Wing combiner label \.//^\ (6 bytes), appended last.
const LABEL = Uint8Array.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);
const NONCE = 24; // XSalsa20 nonce
const TAG = 16; // Poly1305 tag
const X25519_LEN = 32;

// The generalised construction of the legacy hybrid seal (wire-format.md
// §3.1–3.5), built from noble's plain ML-KEM, independently of sealkit.
const LEVELS = {
  1: { level: 1, tag: 0x01, kem: ml_kem512, ek: 800, ct: 768 },
  3: { level: 3, tag: 0x02, kem: ml_kem768, ek: 1184, ct: 1088 },
  5: { level: 5, tag: 0x03, kem: ml_kem1024, ek: 1568, ct: 1568 },
};
const levelByTag = (t) => Object.values(LEVELS).find((l) => l.tag === t);
const levelByPkLen = (n) => Object.values(LEVELS).find((l) => l.ek + X25519_LEN === n);

class AuthError extends Error {}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function bytes(req, name, len) {
  const v = req[name];
  if (typeof v !== 'string') throw new Error(`field ${name}: missing or not a base64 string`);
  const b = new Uint8Array(Buffer.from(v, 'base64'));
  if (Buffer.from(b).toString('base64') !== v) throw new Error(`field ${name}: not canonical base64`);
  if (len !== undefined && b.length !== len) throw new Error(`field ${name}: ${b.length} bytes, want ${len}`);
  return b;
}

const b64 = (b) => Buffer.from(b).toString('base64');

// open runs a libsodium open and turns its refusal into an AuthError.
function open(f) {
  try {
    return f();
  } catch (e) {
    throw new AuthError(String(e && e.message ? e.message : e));
  }
}

// secretbox with the nonce in its own slot: nonce(24) || tag(16) || ct.
function boxWithNonce(pt, key) {
  const nonce = sodium.randombytes_buf(NONCE);
  return concat(nonce, sodium.crypto_secretbox_easy(pt, nonce, key));
}
function openWithNonce(blob, key) {
  if (blob.length < NONCE + TAG) throw new Error(`secretbox blob of ${blob.length} bytes is too short`);
  return open(() => sodium.crypto_secretbox_open_easy(blob.subarray(NONCE), blob.subarray(0, NONCE), key));
}

// The three hybrid implementations: keypair(seed, level) -> {pk, sk},
// encaps(pk) -> {ct (ML-KEM ct || epk), ss}, decaps(ct, seed, level) -> ss.
const IMPLS = {
  // libsodium crypto_kem_xwing (Cat-3 only). Its secret key is the seed.
  sodium: {
    levels: [3],
    keypair(seed) {
      const kp = sodium.crypto_kem_xwing_seed_keypair(seed);
      return { pk: kp.publicKey, sk: kp.privateKey };
    },
    encaps(pk) {
      const r = sodium.crypto_kem_xwing_enc(pk);
      return { ct: r.ciphertext, ss: r.sharedSecret };
    },
    decaps(ct, seed) {
      return sodium.crypto_kem_xwing_dec(ct, sodium.crypto_kem_xwing_seed_keypair(seed).privateKey);
    },
  },
  // @noble/post-quantum ml_kem768_x25519 (X-Wing, Cat-3 only).
  noble: {
    levels: [3],
    keypair(seed) {
      const kp = ml_kem768_x25519.keygen(seed);
      return { pk: kp.publicKey, sk: kp.secretKey };
    },
    encaps(pk) {
      const r = ml_kem768_x25519.encapsulate(pk);
      return { ct: r.cipherText, ss: r.sharedSecret };
    },
    decaps(ct, seed) {
      return ml_kem768_x25519.decapsulate(ct, ml_kem768_x25519.keygen(seed).secretKey);
    },
  },
  // Generalised X-Wing over noble ML-KEM-512/768/1024 + noble x25519 +
  // noble SHA3/SHAKE: SHAKE256(seed)[0:96] = d||z || x25519 secret.
  generic: {
    levels: [1, 3, 5],
    expand(seed, level) {
      const e = shake256(seed, { dkLen: 96 });
      const kem = LEVELS[level].kem.keygen(e.subarray(0, 64));
      const xsk = e.slice(64, 96);
      return { ek: kem.publicKey, dk: kem.secretKey, xsk, xpk: x25519.getPublicKey(xsk) };
    },
    keypair(seed, level) {
      const k = this.expand(seed, level);
      return { pk: concat(k.ek, k.xpk), sk: seed };
    },
    encaps(pk) {
      const L = levelByPkLen(pk.length);
      const ek = pk.subarray(0, L.ek);
      const xpk = pk.subarray(L.ek);
      const { cipherText, sharedSecret } = L.kem.encapsulate(ek);
      const esk = sodium.randombytes_buf(32);
      const epk = x25519.getPublicKey(esk);
      const ssx = x25519.getSharedSecret(esk, xpk);
      return { ct: concat(cipherText, epk), ss: sha3_256(concat(sharedSecret, ssx, epk, xpk, LABEL)) };
    },
    decaps(ct, seed, level) {
      const L = LEVELS[level];
      const k = this.expand(seed, level);
      const ss = L.kem.decapsulate(ct.subarray(0, L.ct), k.dk);
      const epk = ct.subarray(L.ct);
      let ssx;
      try {
        ssx = x25519.getSharedSecret(k.xsk, epk); // throws on a low-order epk
      } catch (e) {
        throw new AuthError('x25519: ' + e.message);
      }
      return sha3_256(concat(ss, ssx, epk, k.xpk, LABEL));
    },
  },
};

function impl(req) {
  const i = IMPLS[req.impl];
  if (!i) throw new Error(`unknown impl ${JSON.stringify(req.impl)}`);
  return i;
}

const OPS = {
  // --- secretbox: nonce(24) || crypto_secretbox_easy output -------------
  secretbox_encrypt(r) {
    return { ct: boxWithNonce(bytes(r, 'pt'), bytes(r, 'key', 32)) };
  },
  secretbox_decrypt(r) {
    return { pt: openWithNonce(bytes(r, 'ct'), bytes(r, 'key', 32)) };
  },

  // --- X25519 keys and crypto_box_seal --------------------------------------
  box_keypair() {
    const kp = sodium.crypto_box_keypair();
    return { pk: kp.publicKey, sk: kp.privateKey };
  },
  box_public_key(r) {
    return { pk: sodium.crypto_scalarmult_base(bytes(r, 'sk', 32)) };
  },
  box_seal(r) {
    return { ct: sodium.crypto_box_seal(bytes(r, 'pt'), bytes(r, 'pk', 32)) };
  },
  box_seal_open(r) {
    const ct = bytes(r, 'ct');
    if (ct.length < 48) throw new Error(`sealed box of ${ct.length} bytes is too short`);
    const pk = bytes(r, 'pk', 32);
    const sk = bytes(r, 'sk', 32);
    return { pt: open(() => sodium.crypto_box_seal_open(ct, pk, sk)) };
  },

  // --- Argon2id13, INTERACTIVE limits, 32 bytes -----------------------------
  // password is a JS string (libsodium.js does its own UTF-8 conversion);
  // password_utf8 carries the bytes the caller meant, as a cross-check.
  pwhash(r) {
    if (typeof r.password !== 'string') throw new Error('field password: missing or not a string');
    const want = bytes(r, 'password_utf8');
    const got = new TextEncoder().encode(r.password);
    if (Buffer.compare(Buffer.from(want), Buffer.from(got)) !== 0) {
      throw new Error('password string does not encode to password_utf8');
    }
    const key = sodium.crypto_pwhash(
      32,
      r.password,
      bytes(r, 'salt', 16),
      sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
    return { key };
  },

  // --- hybrid seal (tags 0x01/0x02/0x03) -----------------------------------
  // impl: "sodium" | "noble" (Cat-3 only) | "generic" (levels 1, 3, 5).
  hybrid_keypair(r) {
    const i = impl(r);
    const level = r.level;
    if (!i.levels.includes(level)) throw new Error(`impl ${r.impl} has no level ${level}`);
    return i.keypair(bytes(r, 'seed', 32), level);
  },
  // Output: tag || ML-KEM ct || epk || nonce || secretbox_easy(pt, nonce, ss).
  hybrid_seal(r) {
    const i = impl(r);
    const pk = bytes(r, 'pk');
    const L = levelByPkLen(pk.length);
    if (!L || !i.levels.includes(L.level)) {
      throw new Error(`impl ${r.impl}: no level with a ${pk.length}-byte public key`);
    }
    const { ct, ss } = i.encaps(pk);
    if (ct.length !== L.ct + X25519_LEN) throw new Error(`kem ciphertext of ${ct.length} bytes`);
    return { ct: concat([L.tag], ct, boxWithNonce(bytes(r, 'pt'), ss)) };
  },
  hybrid_open(r) {
    const i = impl(r);
    const blob = bytes(r, 'ct');
    const seed = bytes(r, 'seed', 32);
    const L = blob.length > 0 ? levelByTag(blob[0]) : undefined;
    if (!L) throw new Error('not a hybrid ciphertext (bad version tag)');
    if (!i.levels.includes(L.level)) throw new Error(`impl ${r.impl} has no level ${L.level}`);
    const kemEnd = 1 + L.ct + X25519_LEN;
    if (blob.length < kemEnd + NONCE + TAG) throw new Error(`hybrid blob of ${blob.length} bytes is too short`);
    const ss = i.decaps(blob.subarray(1, kemEnd), seed, L.level);
    return { pt: openWithNonce(blob.subarray(kemEnd), ss) };
  },
};

// --- composite signatures (wire-format.md §5.1), tags 0x01/0x02/0x03/0x10 --
// Built here from the spec with noble's Ed25519 and ML-DSA: the framing
// u64_be(len(ctx)) || ctx || msg, and per tag the classical part first.
const SIGN_LAYOUTS = { 0x01: [true, ml_dsa44], 0x02: [true, ml_dsa65], 0x03: [true, ml_dsa87], 0x10: [false, ml_dsa87] };

function signLayout(tag) {
  const l = SIGN_LAYOUTS[tag];
  if (!l) throw new Error(`no signature layout for tag ${tag}`);
  return l;
}

function frame(ctx, msg) {
  const out = new Uint8Array(8 + ctx.length + msg.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(ctx.length));
  out.set(ctx, 8);
  out.set(msg, 8 + ctx.length);
  return out;
}

function signKeys(sk) {
  const [ed, dsa] = signLayout(sk[0]);
  if (sk.length !== (ed ? 65 : 33)) throw new Error(`signing key of ${sk.length} bytes for tag ${sk[0]}`);
  const edSeed = ed ? sk.subarray(1, 33) : null;
  const m = dsa.keygen(sk.subarray(ed ? 33 : 1));
  return { ed, dsa, edSeed, m, pk: concat([sk[0]], ed ? ed25519.getPublicKey(edSeed) : new Uint8Array(0), m.publicKey) };
}

Object.assign(OPS, {
  sign_public_key(r) {
    return { pk: signKeys(bytes(r, 'sk')).pk };
  },
  sign(r) {
    const sk = bytes(r, 'sk');
    const { ed, dsa, edSeed, m } = signKeys(sk);
    const framed = frame(bytes(r, 'ctx'), bytes(r, 'pt'));
    return { ct: concat([sk[0]], ed ? ed25519.sign(framed, edSeed) : new Uint8Array(0), dsa.sign(framed, m.secretKey)) };
  },
  // key[0] = Ed25519 part valid (1 when there is none), key[1] = ML-DSA
  // part valid: each component checked on its own.
  verify(r) {
    const pk = bytes(r, 'pk');
    const sig = bytes(r, 'ct');
    const [ed, dsa] = signLayout(pk[0]);
    const framed = frame(bytes(r, 'ctx'), bytes(r, 'pt'));
    const edOK = !ed || ed25519.verify(sig.subarray(1, 65), framed, pk.subarray(1, 33));
    const dsaOK = dsa.verify(sig.subarray(ed ? 65 : 1), framed, pk.subarray(ed ? 33 : 1));
    return { key: Uint8Array.from([edOK ? 1 : 0, dsaOK ? 1 : 0]) };
  },
});

function handle(line) {
  let req;
  try {
    req = JSON.parse(line);
  } catch (e) {
    return { id: null, ok: false, auth: false, error: 'bad JSON: ' + e.message };
  }
  const op = OPS[req.op];
  if (!op) return { id: req.id, ok: false, auth: false, error: `unknown op ${JSON.stringify(req.op)}` };
  try {
    const out = op(req);
    const res = { id: req.id, ok: true };
    for (const [k, v] of Object.entries(out)) res[k] = b64(v);
    return res;
  } catch (e) {
    return { id: req.id, ok: false, auth: e instanceof AuthError, error: String(e && e.message ? e.message : e) };
  }
}

const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

send({ ready: true, sodium: sodium.sodium_version_string(), xwing_sk_bytes: sodium.crypto_kem_xwing_SECRETKEYBYTES });

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
rl.on('line', (line) => {
  if (line.trim() !== '') send(handle(line));
});
rl.on('close', () => process.exit(0));
