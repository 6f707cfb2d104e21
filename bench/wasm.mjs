// sealkit compiled to WebAssembly, run in Node, for sealkit's `make bench`:
// the operations of internal/benchreport/ops that sealkit's JavaScript API
// can express, called through js/crypto.js exactly as a page calls them.
//
//   node bench/wasm.mjs [--time-ms 1000] [--filter REGEXP] [--list] [--check]
//                       [--wasm FILE]
//
// Column "sealkit-wasm". Loads js/dist/sealkit.wasm (build it with
// `make wasm`; benchreport runs scripts/wasm.sh first) or the module given
// with --wasm (benchreport's size section checks and times the wasm-opt
// outputs with it). Same JSON protocol and timing as bench/libsodium.mjs
// (bench/harness.mjs).
//
// The API takes and returns base64 strings (wire-format.md §6.1), so every
// time here includes decoding the base64 arguments (keys included) and
// encoding the result, plus copying the strings into and out of the Go
// module's linear memory (js/crypto.js, cmd/sealkit-wasm/protocol.go). bench/libsodium.mjs's "libsodium.js+base64"
// column does the same conversions around libsodium.js for a like-for-like
// comparison; its "libsodium.js" column works on bytes.
//
// Which function each operation calls:
//   Random/GenerateKey                generateKey()
//   Secretbox/Encrypt|Decrypt/<size>  encryptSecretbox(ptB64, keyB64) / decryptSecretbox(ctB64, keyB64)
//   Box/KeyPair|Seal|Open             generateKeyPair() / boxSeal(ptB64, pkB64) / boxSealOpen(ct, pk, sk)
//   Hybrid/KeyPair/CatN               generateHybridKeyPair512 / generateHybridKeyPair / generateHybridKeyPair1024
//   Hybrid/Seal/CatN                  sealForUserWithLevel(pt, pk, pqPk, "CatN") (with a PQ key: the hybrid seal)
//   Hybrid/Open/CatN                  unsealFromUser(ct, pk, sk, pqSeed) (a hybrid blob: the hybrid open)
//   SealForUser/{Box,HybridCat3}/32B  sealForUser(pt, pk[, pqPk])
//   UnsealFromUser/…/32B              unsealFromUser(ct, pk, sk, pqSeed)
//   DeriveSessionKey/Argon2id-…       deriveSessionKey(password, saltB64)
//   PrivateKey/Encrypt|Decrypt        encryptPrivateKey(skB64, sessionKeyB64) / decryptPrivateKey(ct, sessionKeyB64)
//   RecoveryKey/Generate|ToSecret     generateRecoveryKey() / recoveryKeyToSecret(key)
// BlindIndex and Base64 are not in the JavaScript API.
//
// Two more columns time the paths without base64 keys:
//   sealkit-wasm-bytes   the bytes API (crypto.js bytesExportNames): the
//                        same functions over Uint8Arrays — the same inputs
//                        as libsodium.js's column. Hybrid/Open expands the
//                        seed on every call, as libsodium's
//                        crypto_kem_xwing_dec does.
//   sealkit-wasm-handle  the key slots behind the SDK's handles
//                        (keystore.js: a handle's keys go into a slot of
//                        the core once, cmd/sealkit-wasm/slots.go), timed
//                        at the core call the key store makes, without its
//                        async wrapper: slotEncrypt / slotDecrypt (bytes)
//                        with a key slot, slotUnseal(slot, ctB64) with a
//                        user slot, whose ML-KEM key stays expanded between
//                        opens. The ciphertext is base64 there, as the key
//                        store gets it from a server.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  add as addOp, addExtra, parseArgs, payload, runAll, same, sizeName,
  PASSWORD, SALT, SEALED_KEY_SIZE, SECRETBOX_SIZES,
} from './harness.mjs';

const args = parseArgs(process.argv.slice(2), { '--wasm': 'wasm' });

const dist = new URL('../js/dist/', import.meta.url);
const wasmPath = args.wasm ?? fileURLToPath(new URL('sealkit.wasm', dist));
for (const f of [wasmPath, fileURLToPath(new URL('wasm_exec.js', dist))]) {
  if (!existsSync(f)) {
    process.stderr.write(`bench/wasm.mjs: ${f} is missing; run \`make wasm\` first (it builds js/dist/)\n`);
    process.exit(2);
  }
}
const wasmBytes = readFileSync(wasmPath);
// Imported only now: js/crypto.js imports js/dist/wasm_exec.js.
const { default: init, ...c } = await import('../js/crypto.js');
await init(wasmBytes);
const slot = c.codedExports(c.slotNames);

const W = 'sealkit-wasm';
const WB = 'sealkit-wasm-bytes';
const WH = 'sealkit-wasm-handle';

// What one timed call is, for the report (the table at the top).
const CALLS = [
  [/^Random\/GenerateKey$/, 'generateKey()'],
  [/^Secretbox\/Encrypt/, 'encryptSecretbox(ptB64, keyB64)'],
  [/^Secretbox\/Decrypt/, 'decryptSecretbox(ctB64, keyB64)'],
  [/^Box\/KeyPair$/, 'generateKeyPair()'],
  [/^Box\/Seal/, 'boxSeal(ptB64, pkB64)'],
  [/^Box\/Open/, 'boxSealOpen(ctB64, pkB64, skB64)'],
  [/^Hybrid\/KeyPair\/Cat1$/, 'generateHybridKeyPair512()'],
  [/^Hybrid\/KeyPair\/Cat3$/, 'generateHybridKeyPair()'],
  [/^Hybrid\/KeyPair\/Cat5$/, 'generateHybridKeyPair1024()'],
  [/^Hybrid\/Seal\/(Cat\d)$/, (m) => `sealForUserWithLevel(ptB64, pkB64, pqPkB64, "${m[1]}")`],
  [/^SealForUser\/Box/, 'sealForUser(ptB64, pkB64)'],
  [/^SealForUser\/Hybrid/, 'sealForUser(ptB64, pkB64, pqPkB64)'],
  [/^(Hybrid\/Open|UnsealFromUser)\//, 'unsealFromUser(ctB64, pkB64, skB64, pqSeedB64)'],
  [/^DeriveSessionKey\//, 'deriveSessionKey(password, saltB64)'],
  [/^PrivateKey\/Encrypt$/, 'encryptPrivateKey(skB64, sessionKeyB64)'],
  [/^PrivateKey\/Decrypt$/, 'decryptPrivateKey(ctB64, sessionKeyB64)'],
  [/^RecoveryKey\/Generate$/, 'generateRecoveryKey()'],
  [/^RecoveryKey\/ToSecret$/, 'recoveryKeyToSecret(recoveryKey)'],
];
function callOf(id) {
  for (const [re, call] of CALLS) {
    const m = re.exec(id);
    if (m) return typeof call === 'function' ? call(m) : call;
  }
  throw new Error(`bench/wasm.mjs: no call description for ${id}`);
}
const add = (column, id, setup) => addOp(column, id, setup, callOf(id));

// The cost of crossing into the Go runtime and back, measured on the
// cheapest export: isHybridCiphertext("") decodes nothing and returns false.
addExtra(W, 'Call/isHybridCiphertext-empty', 'isHybridCiphertext(""): one JavaScript → Go → JavaScript call that does no work', () => {
  if (c.isHybridCiphertext('') !== false) throw new Error('isHybridCiphertext("") is not false');
  return () => c.isHybridCiphertext('');
});
const b64 = (b) => Buffer.from(b).toString('base64');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));

// The first byte of a hybrid seal and the minimum length of its level
// (wire-format.md, the v0.6 detection rule).
const HYBRID = { Cat1: { tag: 1, pk: 832 }, Cat3: { tag: 2, pk: 1216 }, Cat5: { tag: 3, pk: 1600 } };
const KEYPAIR = { Cat1: c.generateHybridKeyPair512, Cat3: c.generateHybridKeyPair, Cat5: c.generateHybridKeyPair1024 };

add(W, 'Random/GenerateKey', () => {
  const a = c.generateKey();
  if (unb64(a).length !== 32 || a === c.generateKey()) throw new Error('generateKey is not 32 fresh bytes');
  return c.generateKey;
});

for (const n of SECRETBOX_SIZES) {
  const size = sizeName(n);
  const fixture = () => {
    const key = c.generateKey();
    const pt = b64(payload(n));
    const ct = c.encryptSecretbox(pt, key);
    if (unb64(ct).length !== n + 40) throw new Error('secretbox blob is not 40 + n bytes');
    same(c.decryptSecretbox(ct, key), pt, 'secretbox');
    return { key, pt, ct };
  };
  add(W, `Secretbox/Encrypt/${size}`, () => {
    const { key, pt } = fixture();
    return () => c.encryptSecretbox(pt, key);
  });
  add(W, `Secretbox/Decrypt/${size}`, () => {
    const { key, ct } = fixture();
    return () => c.decryptSecretbox(ct, key);
  });
}

// A user with an X25519 key pair and a hybrid key pair at level, and a
// 32-byte key sealed both ways; every round trip checked.
function user(level = 'Cat3') {
  const kp = c.generateKeyPair();
  const hy = KEYPAIR[level]();
  if (unb64(hy.publicKey).length !== HYBRID[level].pk) throw new Error(`${level} public key of the wrong size`);
  const pt = b64(payload(SEALED_KEY_SIZE));
  const box = c.sealForUser(pt, kp.publicKey);
  const hybrid = c.sealForUserWithLevel(pt, kp.publicKey, hy.publicKey, level);
  if (c.isHybridCiphertext(box)) throw new Error('a sealed box looks hybrid');
  if (unb64(hybrid)[0] !== HYBRID[level].tag || !c.isHybridCiphertext(hybrid)) throw new Error(`not a ${level} hybrid seal`);
  same(c.boxSealOpen(box, kp.publicKey, kp.privateKey), pt, 'boxSealOpen');
  same(c.unsealFromUser(box, kp.publicKey, kp.privateKey, hy.secretKey), pt, 'unsealFromUser (box)');
  same(c.unsealFromUser(hybrid, kp.publicKey, kp.privateKey, hy.secretKey), pt, `unsealFromUser (${level} hybrid)`);
  return { kp, hy, pt, box, hybrid };
}

add(W, 'Box/KeyPair', () => c.generateKeyPair);
add(W, 'Box/Seal/32B', () => {
  const { kp, pt } = user();
  return () => c.boxSeal(pt, kp.publicKey);
});
add(W, 'Box/Open/32B', () => {
  const { kp, box } = user();
  return () => c.boxSealOpen(box, kp.publicKey, kp.privateKey);
});

for (const level of ['Cat1', 'Cat3', 'Cat5']) {
  add(W, `Hybrid/KeyPair/${level}`, () => {
    user(level);
    return KEYPAIR[level];
  });
  add(W, `Hybrid/Seal/${level}`, () => {
    const { kp, hy, pt } = user(level);
    return () => c.sealForUserWithLevel(pt, kp.publicKey, hy.publicKey, level);
  });
  add(W, `Hybrid/Open/${level}`, () => {
    const { kp, hy, hybrid } = user(level);
    return () => c.unsealFromUser(hybrid, kp.publicKey, kp.privateKey, hy.secretKey);
  });
}

add(W, 'SealForUser/Box/32B', () => {
  const { kp, pt } = user();
  return () => c.sealForUser(pt, kp.publicKey);
});
add(W, 'SealForUser/HybridCat3/32B', () => {
  const { kp, hy, pt } = user();
  return () => c.sealForUser(pt, kp.publicKey, hy.publicKey);
});
add(W, 'UnsealFromUser/Box/32B', () => {
  const { kp, hy, box } = user();
  return () => c.unsealFromUser(box, kp.publicKey, kp.privateKey, hy.secretKey);
});
add(W, 'UnsealFromUser/HybridCat3/32B', () => {
  const { kp, hy, hybrid } = user();
  return () => c.unsealFromUser(hybrid, kp.publicKey, kp.privateKey, hy.secretKey);
});

// ---- bytes and handles ----------------------------------------------------------

for (const n of SECRETBOX_SIZES) {
  const size = sizeName(n);
  const fixture = () => {
    const key = unb64(c.generateKey());
    const pt = payload(n);
    const ct = c.encryptSecretboxBytes(pt, key);
    same(c.decryptSecretboxBytes(ct, key), pt, 'secretbox (bytes)');
    same(unb64(c.decryptSecretbox(b64(ct), b64(key))), pt, 'secretbox (bytes against base64)');
    const id = slot.slotKey(key);
    same(slot.slotDecrypt(id, slot.slotEncrypt(id, pt)), pt, 'secretbox (key slot)');
    return { key, pt, ct, id };
  };
  addOp(WB, `Secretbox/Encrypt/${size}`, () => {
    const { key, pt } = fixture();
    return () => c.encryptSecretboxBytes(pt, key);
  }, 'encryptSecretboxBytes(pt, key)');
  addOp(WB, `Secretbox/Decrypt/${size}`, () => {
    const { key, ct } = fixture();
    return () => c.decryptSecretboxBytes(ct, key);
  }, 'decryptSecretboxBytes(ct, key)');
  addOp(WH, `Secretbox/Encrypt/${size}`, () => {
    const { id, pt } = fixture();
    return () => slot.slotEncrypt(id, pt);
  }, 'slotEncrypt(keySlot, pt)');
  addOp(WH, `Secretbox/Decrypt/${size}`, () => {
    const { id, ct } = fixture();
    return () => slot.slotDecrypt(id, ct);
  }, 'slotDecrypt(keySlot, ct)');
}

// userBytes is user() as bytes, with a user slot holding its keys.
function userBytes(level = 'Cat3') {
  const u = user(level);
  const r = {
    pk: unb64(u.kp.publicKey), sk: unb64(u.kp.privateKey), seed: unb64(u.hy.secretKey), pt: unb64(u.pt),
    box: unb64(u.box), hybrid: unb64(u.hybrid), boxB64: u.box, hybridB64: u.hybrid,
  };
  r.slot = slot.slotUser(r.sk, u.kp.publicKey, r.seed);
  same(c.boxSealOpenBytes(r.box, r.pk, r.sk), r.pt, 'boxSealOpenBytes');
  same(c.unsealFromUserBytes(r.hybrid, r.pk, r.sk, r.seed), r.pt, `unsealFromUserBytes (${level} hybrid)`);
  same(c.unsealFromUserBytes(r.box, r.pk, r.sk, r.seed), r.pt, 'unsealFromUserBytes (box)');
  same(slot.slotUnseal(r.slot, r.hybridB64), r.pt, `slotUnseal (${level} hybrid)`);
  same(slot.slotUnseal(r.slot, r.boxB64), r.pt, 'slotUnseal (box)');
  return r;
}

addOp(WB, 'Box/Open/32B', () => {
  const { pk, sk, box } = userBytes();
  return () => c.boxSealOpenBytes(box, pk, sk);
}, 'boxSealOpenBytes(ct, pk, sk)');
addOp(WB, 'UnsealFromUser/Box/32B', () => {
  const { pk, sk, seed, box } = userBytes();
  return () => c.unsealFromUserBytes(box, pk, sk, seed);
}, 'unsealFromUserBytes(ct, pk, sk, pqSeed)');
addOp(WB, 'UnsealFromUser/HybridCat3/32B', () => {
  const { pk, sk, seed, hybrid } = userBytes();
  return () => c.unsealFromUserBytes(hybrid, pk, sk, seed);
}, 'unsealFromUserBytes(ct, pk, sk, pqSeed)');
for (const level of ['Cat1', 'Cat3', 'Cat5']) {
  addOp(WB, `Hybrid/Open/${level}`, () => {
    const { pk, sk, seed, hybrid } = userBytes(level);
    return () => c.unsealFromUserBytes(hybrid, pk, sk, seed);
  }, 'unsealFromUserBytes(ct, pk, sk, pqSeed)');
  addOp(WH, `Hybrid/Open/${level}`, () => {
    const { slot: id, hybridB64 } = userBytes(level);
    return () => slot.slotUnseal(id, hybridB64);
  }, 'slotUnseal(userSlot, ctB64)');
}
for (const id of ['Box/Open/32B', 'UnsealFromUser/Box/32B']) {
  addOp(WH, id, () => {
    const { slot: s, boxB64 } = userBytes();
    return () => slot.slotUnseal(s, boxB64);
  }, 'slotUnseal(userSlot, ctB64)');
}
addOp(WH, 'UnsealFromUser/HybridCat3/32B', () => {
  const { slot: s, hybridB64 } = userBytes();
  return () => slot.slotUnseal(s, hybridB64);
}, 'slotUnseal(userSlot, ctB64)');

add(W, 'DeriveSessionKey/Argon2id-Interactive', () => {
  const salt = b64(SALT);
  const a = c.deriveSessionKey(PASSWORD, salt);
  if (unb64(a).length !== 32) throw new Error('session key is not 32 bytes');
  same(c.deriveSessionKey(PASSWORD, salt), a, 'deriveSessionKey');
  return () => c.deriveSessionKey(PASSWORD, salt);
});

const wrapFixture = () => {
  const priv = c.generateKeyPair().privateKey;
  const sk = c.generateKey();
  const ct = c.encryptPrivateKey(priv, sk);
  same(c.decryptPrivateKey(ct, sk), priv, 'private key wrap');
  return { priv, sk, ct };
};
add(W, 'PrivateKey/Encrypt', () => {
  const { priv, sk } = wrapFixture();
  return () => c.encryptPrivateKey(priv, sk);
});
add(W, 'PrivateKey/Decrypt', () => {
  const { sk, ct } = wrapFixture();
  return () => c.decryptPrivateKey(ct, sk);
});

add(W, 'RecoveryKey/Generate', () => {
  const rk = c.generateRecoveryKey();
  same(c.recoveryKeyToSecret(rk.recoveryKey), rk.recoverySecretBase64, 'recovery key');
  return c.generateRecoveryKey;
});
add(W, 'RecoveryKey/ToSecret', () => {
  const rk = c.generateRecoveryKey();
  same(c.recoveryKeyToSecret(rk.recoveryKey), rk.recoverySecretBase64, 'recovery key');
  return () => c.recoveryKeyToSecret(rk.recoveryKey);
});

runAll({
  runner: 'bench/wasm.mjs',
  versions: {
    'sealkit.wasm': `${wasmBytes.length} bytes, sha256 ${createHash('sha256').update(wasmBytes).digest('hex').slice(0, 12)}`,
  },
  args,
});
// The Go runtime parks instead of exiting; nothing else is pending.
process.exit(0);
