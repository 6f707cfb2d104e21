// Peer benchmarks for sealkit's `make bench`: the operations of
// internal/benchreport/ops, done by libsodium.js (libsodium-wrappers-sumo,
// libsodium compiled to WebAssembly) and by @noble/post-quantum, with the
// same sizes and inputs as the Go side.
//
//   node bench/libsodium.mjs [--time-ms 1000] [--filter REGEXP] [--list]
//
// Writes one JSON object to stdout:
//   {"runner": "bench/libsodium.mjs", "node": "v20…", "versions": {...},
//    "time_ms": 1000,
//    "columns": {"libsodium.js": {"<op ID>": {"ns_per_op": N, "iterations": N}, ...},
//                "noble": {...}}}
// and progress to stderr. Op IDs are the Go benchmark names without
// "Benchmark" (Secretbox/Encrypt/1KiB); an operation a library has no
// equivalent for is left out.
//
// Who does what:
//   libsodium.js  everything it has: secretbox, crypto_box_*, crypto_pwhash,
//                 crypto_auth_hmacsha512, base64, and crypto_kem_xwing_* for
//                 the Cat-3 hybrid seal (+ its secretbox for the payload).
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
// Timing: per operation, setup (with a round-trip check) runs untimed, then
// a warm-up of at least 200 ms (or 1 iteration), then, like Go's
// testing.Benchmark, runs of growing iteration counts until one run takes at
// least --time-ms; ns/op is that last run's time over its iterations.
// Nothing here is sealkit code.

import { readFileSync } from 'node:fs';
import sodium from 'libsodium-wrappers-sumo';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha3_256, shake256 } from '@noble/hashes/sha3.js';
import { randomBytes } from '@noble/hashes/utils.js';

await sodium.ready;

// ---- arguments ---------------------------------------------------------------

function parseArgs(argv) {
  const a = { timeMs: 1000, filter: null, list: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--time-ms') a.timeMs = Number(argv[++i]);
    else if (k === '--filter') a.filter = new RegExp(argv[++i]);
    else if (k === '--list') a.list = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!(a.timeMs > 0)) throw new Error('--time-ms must be a positive number');
  return a;
}
const args = parseArgs(process.argv.slice(2));

// ---- shared inputs (internal/benchreport/ops) ------------------------------------

const PASSWORD = 'correct horse battery staple';
const SALT = Uint8Array.from({ length: 16 }, (_, i) => i); // 0x00…0x0f
const BLIND_INDEX_VALUE = 'alice@example.com';
const SEALED_KEY_SIZE = 32;
// payload(n): byte i = i*31+7 mod 256, as in ops.payload.
const payload = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
// sizeName as ops.SizeName: 64B, 1KiB, 1MiB, 1216B.
const sizeName = (n) =>
  n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20}MiB` : n >= 1 << 10 && n % (1 << 10) === 0 ? `${n >> 10}KiB` : `${n}B`;

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

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function same(a, b, what) {
  if (a.length !== b.length || !a.every((v, i) => v === b[i])) throw new Error(`${what}: round trip returned different bytes`);
}

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
// Each entry: [column, op ID, setup] where setup() checks a round trip and
// returns the function that is timed.

const OPS = [];
const add = (column, id, setup) => OPS.push({ column, id, setup });
const LS = 'libsodium.js';

// libsodium.js draws its randomness through JavaScript (Emscripten's
// getRandomValue), which is slow per byte; this row shows that cost on its
// own, next to sealkit's GenerateKey.
add(LS, 'Random/GenerateKey', () => {
  if (sodium.crypto_secretbox_keygen().length !== 32) throw new Error('secretbox key is not 32 bytes');
  return () => sodium.crypto_secretbox_keygen();
});

for (const n of [64, 1 << 10, 1 << 20]) {
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

// ---- timing ----------------------------------------------------------------------

let sink; // keeps results observable

function timeRun(run, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = run();
  return Number(process.hrtime.bigint() - t0);
}

// measure mirrors testing.Benchmark's growth: predict the count that fills
// the target from the last run, grow by at most 100× and at least by one.
function measure(run, targetNs) {
  const warmNs = Math.min(200e6, targetNs / 5);
  let warmN = 0;
  const w0 = process.hrtime.bigint();
  do {
    sink = run();
    warmN++;
  } while (Number(process.hrtime.bigint() - w0) < warmNs);
  const perOp = Number(process.hrtime.bigint() - w0) / warmN;

  let n = Math.max(1, Math.min(Math.ceil((targetNs / perOp) * 1.2), 1e9));
  let ns = timeRun(run, n);
  while (ns < targetNs && n < 1e9) {
    const predicted = Math.ceil(((targetNs * 1.2) / Math.max(ns, 1)) * n);
    n = Math.min(Math.max(predicted, n + 1), n * 100, 1e9);
    ns = timeRun(run, n);
  }
  return { ns_per_op: ns / n, iterations: n };
}

// ---- main ----------------------------------------------------------------------

function pkgVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

const selected = OPS.filter((o) => !args.filter || args.filter.test(o.id));
if (args.list) {
  for (const o of selected) process.stdout.write(`${o.column}\t${o.id}\n`);
  process.exit(0);
}

const out = {
  runner: 'bench/libsodium.mjs',
  node: process.version,
  versions: {
    'libsodium-wrappers-sumo': pkgVersion('libsodium-wrappers-sumo'),
    libsodium: sodium.sodium_version_string(),
    '@noble/post-quantum': pkgVersion('@noble/post-quantum'),
    '@noble/curves': pkgVersion('@noble/curves'),
    '@noble/hashes': pkgVersion('@noble/hashes'),
  },
  time_ms: args.timeMs,
  columns: {},
};
for (const o of selected) {
  const run = o.setup();
  const r = measure(run, args.timeMs * 1e6);
  (out.columns[o.column] ??= {})[o.id] = r;
  process.stderr.write(`${o.column.padEnd(13)} ${o.id.padEnd(40)} ${r.ns_per_op.toFixed(0).padStart(12)} ns/op  (${r.iterations}×)\n`);
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
