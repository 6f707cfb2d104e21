// Peer benchmarks for sealkit's `make bench`: the operations of
// internal/benchreport/ops, done by libsodium.js (libsodium-wrappers-sumo,
// libsodium compiled to WebAssembly) and by @noble/post-quantum, with the
// same sizes and inputs as the Go side.
//
//   node bench/libsodium.mjs [--time-ms 1000] [--filter REGEXP] [--list] [--check]
//
// Writes one JSON object to stdout (bench/harness.mjs):
//   {"runner": "bench/libsodium.mjs", "node": "v20…", "versions": {...},
//    "time_ms": 1000,
//    "columns": {"libsodium.js": {"<op ID>": {"ns_per_op": N, "iterations": N}, ...},
//                "libsodium.js+base64": {...}, "noble": {...}}}
// and progress to stderr. Op IDs are the Go benchmark names without
// "Benchmark" (Secretbox/Encrypt/1KiB); an operation a library has no
// equivalent for is left out.
//
// Who does what:
//   libsodium.js  everything it has: secretbox, crypto_box_*, crypto_pwhash,
//                 crypto_auth_hmacsha512, base64, and crypto_kem_xwing_* for
//                 the Cat-3 hybrid seal (+ its secretbox for the payload).
//   libsodium.js+base64
//                 the same libsodium.js calls behind sealkit's JavaScript API
//                 (js/crypto.js, wire-format.md §6.1), which takes and returns
//                 base64 strings: every base64 argument decoded with
//                 from_base64 and every result encoded with to_base64 inside
//                 the timed call, as sealkit-wasm (bench/wasm.mjs) must. Only
//                 the operations that API has.
//   noble         the hybrid KEM only. Cat-3: ml_kem768_x25519 (X-Wing).
//                 Cat-1/Cat-5: noble ml_kem512/ml_kem1024 + noble x25519 +
//                 noble SHAKE256/SHA3-256, the same construction sealkit uses
//                 at those sizes. The payload secretbox is libsodium's in
//                 every noble row (its nonce from noble's randomBytes), so
//                 noble rows differ from libsodium rows only in the KEM and
//                 the random source.
// Before timing, the script checks that the three Cat-3 KEMs agree (same
// public key from one seed; each opens what the others seal).
//
// Timing (bench/harness.mjs): per operation, setup (with a round-trip
// check) runs untimed, then a warm-up of at least 200 ms (or 1 iteration),
// then, like Go's testing.Benchmark, runs of growing iteration counts until
// one run takes at least --time-ms; ns/op is that last run's time over its
// iterations. Nothing here is sealkit code.

import sodium from 'libsodium-wrappers-sumo';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from '@noble/hashes/utils.js';
import {
  add, concat, parseArgs, payload, pkgVersion, runAll, same, sizeName,
  BLIND_INDEX_VALUE, PASSWORD, SALT, SEALED_KEY_SIZE, SECRETBOX_SIZES,
} from './harness.mjs';

await sodium.ready;

const args = parseArgs(process.argv.slice(2));

const NONCE = 24;
const TAG = 16;
const X25519_LEN = 32;
const LABEL = Uint8Array.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]); // X-Wing \.//^\
const B64 = sodium.base64_variants.ORIGINAL;

const LEVELS = {
  Cat1: { tag: 0x01, kem: ml_kem512, ek: 800, ct: 768, min: 841 },
  Cat3: { tag: 0x02, kem: ml_kem768, ek: 1184, ct: 1088, min: 1161 },
  Cat5: { tag: 0x03, kem: ml_kem1024, ek: 1568, ct: 1568, min: 1641 },
};
const levelByTag = (t) => Object.values(LEVELS).find((l) => l.tag === t);

// ---- libsodium building blocks -------------------------------------------------

// sealkit's secretbox: nonce(24) || crypto_secretbox_easy output. The
// nonce comes from libsodium's randombytes_buf unless another source is
// given (the noble rows pass noble's randomBytes, see KEMS).
function secretboxSeal(pt, key, random = sodium.randombytes_buf) {
  const nonce = random(NONCE);
  return concat(nonce, sodium.crypto_secretbox_easy(pt, nonce, key));
}
function secretboxOpen(blob, key, outputFormat) {
  if (blob.length < NONCE + TAG) throw new Error('too short');
  return sodium.crypto_secretbox_open_easy(blob.subarray(NONCE), blob.subarray(0, NONCE), key, outputFormat);
}

// The v0.6 detection rule of UnsealFromUser: a seal tag and that tag's minimum.
function isHybrid(blob) {
  const L = blob.length > 0 ? levelByTag(blob[0]) : undefined;
  return L !== undefined && blob.length >= L.min;
}

// ---- hybrid KEMs: keypair() -> {pk, seed}, encaps(pk) -> {ct, ss}, decaps(ct, seed) -> ss
// random is where the payload nonce comes from: libsodium rows use
// libsodium's randombytes_buf, noble rows noble's randomBytes
// (crypto.getRandomValues), so that a column's randomness is its own.

const KEMS = {
  // libsodium crypto_kem_xwing: its 32-byte secret key is the seed, and
  // _dec expands it on every call, as sealkit's HybridOpen does.
  'libsodium.js': {
    Cat3: {
      random: sodium.randombytes_buf,
      keypair() {
        const kp = sodium.crypto_kem_xwing_keypair();
        return { pk: kp.publicKey, seed: kp.privateKey };
      },
      encaps(pk) {
        const r = sodium.crypto_kem_xwing_enc(pk);
        return { ct: r.ciphertext, ss: r.sharedSecret };
      },
      decaps: (ct, seed) => sodium.crypto_kem_xwing_dec(ct, seed),
    },
  },
  noble: {
    // X-Wing; noble's secretKey is the 32-byte seed too.
    Cat3: {
      random: randomBytes,
      keypair() {
        const kp = ml_kem768_x25519.keygen();
        return { pk: kp.publicKey, seed: kp.secretKey };
      },
      encaps(pk) {
        const r = ml_kem768_x25519.encapsulate(pk);
        return { ct: r.cipherText, ss: r.sharedSecret };
      },
      decaps: (ct, seed) => ml_kem768_x25519.decapsulate(ct, seed),
    },
    Cat1: genericKEM(LEVELS.Cat1),
    Cat5: genericKEM(LEVELS.Cat5),
  },
};

// The X-Wing construction over noble ML-KEM-512/1024 (wire-format §3.1–3.2):
// SHAKE256(seed)[0:96] = ML-KEM d||z || X25519 secret; combiner SHA3-256.
function genericKEM(L) {
  const expand = (seed) => {
    const e = shake256(seed, { dkLen: 96 });
    const kem = L.kem.keygen(e.subarray(0, 64));
    const xsk = e.slice(64, 96);
    return { ek: kem.publicKey, dk: kem.secretKey, xsk, xpk: x25519.getPublicKey(xsk) };
  };
  return {
    random: randomBytes,
    keypair(seed = randomBytes(32)) {
      const k = expand(seed);
      return { pk: concat(k.ek, k.xpk), seed };
    },
    encaps(pk) {
      const ek = pk.subarray(0, L.ek);
      const xpk = pk.subarray(L.ek);
      const { cipherText, sharedSecret } = L.kem.encapsulate(ek);
      const esk = randomBytes(32);
      const epk = x25519.getPublicKey(esk);
      const ssx = x25519.getSharedSecret(esk, xpk);
      return { ct: concat(cipherText, epk), ss: sha3_256(concat(sharedSecret, ssx, epk, xpk, LABEL)) };
    },
    decaps(ct, seed) {
      const k = expand(seed);
      const ss = L.kem.decapsulate(ct.subarray(0, L.ct), k.dk);
      const epk = ct.subarray(L.ct);
      const ssx = x25519.getSharedSecret(k.xsk, epk);
      return sha3_256(concat(ss, ssx, epk, k.xpk, LABEL));
    },
  };
}

// The whole legacy hybrid seal: tag || KEM ct || epk || nonce || secretbox.
function hybridSeal(kem, L, pt, pk) {
  if (pk.length !== L.ek + X25519_LEN) throw new Error(`public key of ${pk.length} bytes`);
  const { ct, ss } = kem.encaps(pk);
  return concat([L.tag], ct, secretboxSeal(pt, ss, kem.random));
}
function hybridOpen(kem, blob, seed) {
  const L = blob.length > 0 ? levelByTag(blob[0]) : undefined;
  if (!L) throw new Error('bad tag');
  if (seed.length !== 32) throw new Error('bad seed');
  if (blob.length < L.min) throw new Error('too short');
  const kemEnd = 1 + L.ct + X25519_LEN;
  const ss = kem.decaps(blob.subarray(1, kemEnd), seed);
  return secretboxOpen(blob.subarray(kemEnd), ss);
}

// Before timing anything: the three KEM implementations agree with each
// other at Cat-3 (same public key from one seed, and each opens what the
// others seal), so the generic construction used for Cat-1/Cat-5 is X-Wing.
{
  const seed = randomBytes(32);
  const generic = genericKEM(LEVELS.Cat3);
  const pks = [
    sodium.crypto_kem_xwing_seed_keypair(seed).publicKey,
    ml_kem768_x25519.keygen(seed).publicKey,
    generic.keypair(seed).pk,
  ];
  same(pks[1], pks[0], 'noble vs libsodium X-Wing public key');
  same(pks[2], pks[0], 'generic construction vs libsodium X-Wing public key');
  const kems = [KEMS['libsodium.js'].Cat3, KEMS.noble.Cat3, generic];
  const pt = payload(SEALED_KEY_SIZE);
  for (const a of kems) {
    const ct = hybridSeal(a, LEVELS.Cat3, pt, pks[0]);
    for (const b of kems) same(hybridOpen(b, ct, seed), pt, 'cross-implementation Cat-3 open');
  }
}

// ---- the operation list ------------------------------------------------------------
// Each add(column, op ID, setup) (bench/harness.mjs): setup() checks a round trip and
// returns the function that is timed.

const LS = 'libsodium.js';

// libsodium.js draws its randomness through JavaScript (Emscripten's
// getRandomValue), which is slow per byte; this row shows that cost on its
// own, next to sealkit's GenerateKey.
add(LS, 'Random/GenerateKey', () => {
  if (sodium.crypto_secretbox_keygen().length !== 32) throw new Error('secretbox key is not 32 bytes');
  return () => sodium.crypto_secretbox_keygen();
});

for (const n of SECRETBOX_SIZES) {
  const size = sizeName(n);
  const fixture = () => {
    const key = sodium.crypto_secretbox_keygen();
    const pt = payload(n);
    const ct = secretboxSeal(pt, key);
    same(secretboxOpen(ct, key), pt, 'secretbox');
    return { key, pt, ct };
  };
  add(LS, `Secretbox/Encrypt/${size}`, () => {
    const { key, pt } = fixture();
    return () => secretboxSeal(pt, key);
  });
  add(LS, `Secretbox/Decrypt/${size}`, () => {
    const { key, ct } = fixture();
    return () => secretboxOpen(ct, key);
  });
}

const boxFixture = () => {
  const kp = sodium.crypto_box_keypair();
  const pt = payload(SEALED_KEY_SIZE);
  const ct = sodium.crypto_box_seal(pt, kp.publicKey);
  same(sodium.crypto_box_seal_open(ct, kp.publicKey, kp.privateKey), pt, 'box seal');
  return { pk: kp.publicKey, sk: kp.privateKey, pt, ct };
};
add(LS, 'Box/KeyPair', () => () => sodium.crypto_box_keypair());
add(LS, 'Box/Seal/32B', () => {
  const { pk, pt } = boxFixture();
  return () => sodium.crypto_box_seal(pt, pk);
});
add(LS, 'Box/Open/32B', () => {
  const { pk, sk, ct } = boxFixture();
  return () => sodium.crypto_box_seal_open(ct, pk, sk);
});

const hybridFixture = (kem, L) => {
  const { pk, seed } = kem.keypair();
  const pt = payload(SEALED_KEY_SIZE);
  const ct = hybridSeal(kem, L, pt, pk);
  same(hybridOpen(kem, ct, seed), pt, 'hybrid seal');
  return { pk, seed, pt, ct };
};
for (const level of ['Cat1', 'Cat3', 'Cat5']) {
  const L = LEVELS[level];
  for (const [column, kems] of Object.entries(KEMS)) {
    const kem = kems[level];
    if (!kem) continue;
    add(column, `Hybrid/KeyPair/${level}`, () => {
      const { pk } = kem.keypair();
      if (pk.length !== L.ek + X25519_LEN) throw new Error(`public key of ${pk.length} bytes`);
      return () => kem.keypair();
    });
    add(column, `Hybrid/Seal/${level}`, () => {
      const { pk, pt } = hybridFixture(kem, L);
      return () => hybridSeal(kem, L, pt, pk);
    });
    add(column, `Hybrid/Open/${level}`, () => {
      const { seed, ct } = hybridFixture(kem, L);
      return () => hybridOpen(kem, ct, seed);
    });
  }
}

// SealForUser / UnsealFromUser: the same constructions behind the routing
// sealkit does (PQ key given or not; hybrid-looking blob or not).
add(LS, 'SealForUser/Box/32B', () => {
  const { pk, pt } = boxFixture();
  return () => sodium.crypto_box_seal(pt, pk);
});
add(LS, 'UnsealFromUser/Box/32B', () => {
  const { pk, sk, ct } = boxFixture();
  const pqSeed = sodium.randombytes_buf(32);
  if (isHybrid(ct)) throw new Error('an 80-byte sealed box looks hybrid');
  return () => {
    if (pqSeed.length > 0 && isHybrid(ct)) throw new Error('unreachable');
    return sodium.crypto_box_seal_open(ct, pk, sk);
  };
});
for (const [column, kems] of Object.entries(KEMS)) {
  const kem = kems.Cat3;
  add(column, 'SealForUser/HybridCat3/32B', () => {
    const { pk, pt } = hybridFixture(kem, LEVELS.Cat3);
    return () => hybridSeal(kem, LEVELS.Cat3, pt, pk);
  });
  add(column, 'UnsealFromUser/HybridCat3/32B', () => {
    const { seed, ct } = hybridFixture(kem, LEVELS.Cat3);
    if (!isHybrid(ct)) throw new Error('hybrid seal does not look hybrid');
    return () => hybridOpen(kem, ct, seed);
  });
}

add(LS, 'DeriveSessionKey/Argon2id-Interactive', () => {
  const derive = () =>
    sodium.crypto_pwhash(
      32,
      PASSWORD,
      SALT,
      sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
      sodium.crypto_pwhash_ALG_ARGON2ID13,
    );
  if (sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE !== 2 || sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE !== 64 << 20) {
    throw new Error('libsodium INTERACTIVE limits are not t=2, 64 MiB');
  }
  same(derive(), derive(), 'crypto_pwhash');
  return derive;
});

// Private-key wrapping: secretbox over the base64 text of the key.
const wrapFixture = () => {
  const { privateKey } = sodium.crypto_box_keypair();
  const key = sodium.crypto_secretbox_keygen();
  const wrap = () => secretboxSeal(sodium.from_string(sodium.to_base64(privateKey, B64)), key);
  const unwrap = (ct) => sodium.from_base64(secretboxOpen(ct, key, 'text'), B64);
  const ct = wrap();
  same(unwrap(ct), privateKey, 'private key wrap');
  return { wrap, unwrap, ct };
};
add(LS, 'PrivateKey/Encrypt', () => wrapFixture().wrap);
add(LS, 'PrivateKey/Decrypt', () => {
  const { unwrap, ct } = wrapFixture();
  return () => unwrap(ct);
});

add(LS, 'BlindIndex/17B', () => {
  const key = payload(32);
  const value = sodium.from_string(BLIND_INDEX_VALUE);
  const mac = sodium.crypto_auth_hmacsha512(value, key);
  if (mac.length !== 64) throw new Error('HMAC-SHA512 is not 64 bytes');
  return () => sodium.crypto_auth_hmacsha512(value, key);
});

for (const n of [32, 1216]) {
  const size = sizeName(n);
  add(LS, `Base64/Encode/${size}`, () => {
    const b = payload(n);
    same(sodium.from_base64(sodium.to_base64(b, B64), B64), b, 'base64');
    return () => sodium.to_base64(b, B64);
  });
  add(LS, `Base64/Decode/${size}`, () => {
    const b = payload(n);
    const s = sodium.to_base64(b, B64);
    if (s !== Buffer.from(b).toString('base64')) throw new Error('libsodium base64 is not standard padded base64');
    same(sodium.from_base64(s, B64), b, 'base64');
    return () => sodium.from_base64(s, B64);
  });
}

// ---- libsodium.js behind sealkit's base64 API ------------------------------------
// What a page would get by writing js/crypto.js's functions (wire-format.md
// §6.1) over libsodium.js: every base64 argument decoded with from_base64 and
// every result encoded with to_base64 inside the timed call, as sealkit-wasm
// must (bench/wasm.mjs times the same functions of js/crypto.js). Each
// function decodes what sealkit's does, keys included, but only once: where
// sealkit decodes an argument twice (unsealFromUser's ciphertext) that is
// sealkit's own cost.

const LB = 'libsodium.js+base64';
const enc = (b) => sodium.to_base64(b, B64);
const dec = (s) => sodium.from_base64(s, B64);
const XW = KEMS['libsodium.js'].Cat3;
const api = {
  generateKey: () => enc(sodium.crypto_secretbox_keygen()),
  encryptSecretbox: (ptB64, keyB64) => enc(secretboxSeal(dec(ptB64), dec(keyB64))),
  decryptSecretbox: (ctB64, keyB64) => enc(secretboxOpen(dec(ctB64), dec(keyB64))),
  generateKeyPair() {
    const kp = sodium.crypto_box_keypair();
    return { publicKey: enc(kp.publicKey), privateKey: enc(kp.privateKey) };
  },
  boxSeal: (ptB64, pkB64) => enc(sodium.crypto_box_seal(dec(ptB64), dec(pkB64))),
  boxSealOpen: (ctB64, pkB64, skB64) => enc(sodium.crypto_box_seal_open(dec(ctB64), dec(pkB64), dec(skB64))),
  generateHybridKeyPair() {
    const kp = XW.keypair();
    return { publicKey: enc(kp.pk), secretKey: enc(kp.seed) };
  },
  sealForUser(ptB64, pkB64, pqB64) {
    const pt = dec(ptB64);
    return enc(pqB64 ? hybridSeal(XW, LEVELS.Cat3, pt, dec(pqB64)) : sodium.crypto_box_seal(pt, dec(pkB64)));
  },
  unsealFromUser(ctB64, pkB64, skB64, pqB64) {
    const ct = dec(ctB64);
    if (pqB64 && isHybrid(ct)) {
      try {
        return enc(hybridOpen(XW, ct, dec(pqB64)));
      } catch {
        // falls back to the sealed box, as sealkit (crate v0.6+) does
      }
    }
    return enc(sodium.crypto_box_seal_open(ct, dec(pkB64), dec(skB64)));
  },
  deriveSessionKey: (password, saltB64) =>
    enc(
      sodium.crypto_pwhash(
        32,
        password,
        dec(saltB64),
        sodium.crypto_pwhash_OPSLIMIT_INTERACTIVE,
        sodium.crypto_pwhash_MEMLIMIT_INTERACTIVE,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
      ),
    ),
  encryptPrivateKey: (privB64, skB64) => enc(secretboxSeal(sodium.from_string(privB64), dec(skB64))),
  decryptPrivateKey: (ctB64, skB64) => secretboxOpen(dec(ctB64), dec(skB64), 'text'),
};

add(LB, 'Random/GenerateKey', () => {
  if (dec(api.generateKey()).length !== 32) throw new Error('key is not 32 bytes');
  return api.generateKey;
});
for (const n of SECRETBOX_SIZES) {
  const size = sizeName(n);
  const fixture = () => {
    const key = api.generateKey();
    const pt = enc(payload(n));
    const ct = api.encryptSecretbox(pt, key);
    same(api.decryptSecretbox(ct, key), pt, 'secretbox (base64)');
    return { key, pt, ct };
  };
  add(LB, `Secretbox/Encrypt/${size}`, () => {
    const { key, pt } = fixture();
    return () => api.encryptSecretbox(pt, key);
  });
  add(LB, `Secretbox/Decrypt/${size}`, () => {
    const { key, ct } = fixture();
    return () => api.decryptSecretbox(ct, key);
  });
}

// A user with both key pairs and a sealed 32-byte key, all base64.
const b64User = () => {
  const kp = api.generateKeyPair();
  const hy = api.generateHybridKeyPair();
  const pt = enc(payload(SEALED_KEY_SIZE));
  const box = api.sealForUser(pt, kp.publicKey);
  const hybrid = api.sealForUser(pt, kp.publicKey, hy.publicKey);
  if (isHybrid(dec(box)) || !isHybrid(dec(hybrid))) throw new Error('sealForUser (base64) chose the wrong construction');
  same(api.boxSealOpen(box, kp.publicKey, kp.privateKey), pt, 'boxSealOpen (base64)');
  same(api.unsealFromUser(box, kp.publicKey, kp.privateKey, hy.secretKey), pt, 'unsealFromUser box (base64)');
  same(api.unsealFromUser(hybrid, kp.publicKey, kp.privateKey, hy.secretKey), pt, 'unsealFromUser hybrid (base64)');
  return { kp, hy, pt, box, hybrid };
};
add(LB, 'Box/KeyPair', () => api.generateKeyPair);
add(LB, 'Box/Seal/32B', () => {
  const { kp, pt } = b64User();
  return () => api.boxSeal(pt, kp.publicKey);
});
add(LB, 'Box/Open/32B', () => {
  const { kp, box } = b64User();
  return () => api.boxSealOpen(box, kp.publicKey, kp.privateKey);
});
add(LB, 'Hybrid/KeyPair/Cat3', () => api.generateHybridKeyPair);
for (const id of ['Hybrid/Seal/Cat3', 'SealForUser/HybridCat3/32B']) {
  add(LB, id, () => {
    const { kp, hy, pt } = b64User();
    return () => api.sealForUser(pt, kp.publicKey, hy.publicKey);
  });
}
for (const id of ['Hybrid/Open/Cat3', 'UnsealFromUser/HybridCat3/32B']) {
  add(LB, id, () => {
    const { kp, hy, hybrid } = b64User();
    return () => api.unsealFromUser(hybrid, kp.publicKey, kp.privateKey, hy.secretKey);
  });
}
add(LB, 'SealForUser/Box/32B', () => {
  const { kp, pt } = b64User();
  return () => api.sealForUser(pt, kp.publicKey);
});
add(LB, 'UnsealFromUser/Box/32B', () => {
  const { kp, hy, box } = b64User();
  return () => api.unsealFromUser(box, kp.publicKey, kp.privateKey, hy.secretKey);
});
add(LB, 'DeriveSessionKey/Argon2id-Interactive', () => {
  const salt = enc(SALT);
  same(api.deriveSessionKey(PASSWORD, salt), api.deriveSessionKey(PASSWORD, salt), 'deriveSessionKey (base64)');
  return () => api.deriveSessionKey(PASSWORD, salt);
});
const b64WrapFixture = () => {
  const priv = api.generateKeyPair().privateKey;
  const sk = api.generateKey();
  const ct = api.encryptPrivateKey(priv, sk);
  same(api.decryptPrivateKey(ct, sk), priv, 'private key wrap (base64)');
  return { priv, sk, ct };
};
add(LB, 'PrivateKey/Encrypt', () => {
  const { priv, sk } = b64WrapFixture();
  return () => api.encryptPrivateKey(priv, sk);
});
add(LB, 'PrivateKey/Decrypt', () => {
  const { sk, ct } = b64WrapFixture();
  return () => api.decryptPrivateKey(ct, sk);
});

// ---- main ----------------------------------------------------------------------

runAll({
  runner: 'bench/libsodium.mjs',
  versions: {
    'libsodium-wrappers-sumo': pkgVersion('libsodium-wrappers-sumo'),
    libsodium: sodium.sodium_version_string(),
    '@noble/post-quantum': pkgVersion('@noble/post-quantum'),
    '@noble/curves': pkgVersion('@noble/curves'),
    '@noble/hashes': pkgVersion('@noble/hashes'),
  },
  args,
});
