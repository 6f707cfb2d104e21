// The worker path of index.js and the protocol of worker.js, in Node: a
// stand-in for the browser's Worker (shim.mjs: a worker_threads thread
// with self-style addEventListener/postMessage) is installed as the global
// Worker, so loadCrypto takes the same path it takes on a page.

import test from "node:test";
import assert from "node:assert/strict";
import * as sdk from "../index.js";
import { SealkitError } from "../index.js";
import { ShimWorker } from "./shim.mjs";

const unb64 = (s) => Buffer.from(s, "base64");
const isCode = (code) => (e) => {
  assert.ok(e instanceof SealkitError, String(e));
  assert.equal(e.code, code, e.message);
  return true;
};

test.before(() => { globalThis.Worker = ShimWorker; });
test.after(() => { sdk.terminate(); delete globalThis.Worker; });

test("a worker script that fails to load rejects with LOAD", async () => {
  await assert.rejects(sdk.loadCrypto(undefined, { workerUrl: new URL("./no-such-worker.js", import.meta.url) }), isCode("LOAD"));
});

test("a worker that never answers times out with LOAD", async () => {
  const silent = "data:text/javascript,export{}";
  await assert.rejects(sdk.loadCrypto(undefined, { workerUrl: silent, loadTimeoutMs: 300 }), isCode("LOAD"));
  assert.equal(ShimWorker.instances.at(-1).terminated, true);
});

test("a wasm that fails to load rejects with LOAD; a retry works", async () => {
  await assert.rejects(sdk.loadCrypto(new URL("../dist/no-such.wasm", import.meta.url)), (e) => {
    isCode("LOAD")(e);
    assert.match(e.message, /^sealkit: /);
    return true;
  });
  assert.equal(ShimWorker.instances.at(-1).terminated, true);
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(), { mode: "worker" });
  assert.equal(ShimWorker.instances.length, n + 1);
  assert.ok(ShimWorker.instances.at(-1).url.endsWith("/js/worker.js"));
  // One worker for everything.
  await Promise.all([sdk.generateKey(), sdk.generateKeypair(), sdk.loadCrypto(), sdk.ensureReady()]);
  assert.equal(ShimWorker.instances.length, n + 1);
});

test("high-level calls through the worker", async () => {
  const key = await sdk.generateKey();
  assert.equal(unb64(key).length, 32);
  assert.equal(await sdk.decrypt(await sdk.encrypt("hëllo", key), key), "hëllo");
  const kp = await sdk.generateKeypair();
  assert.deepEqual(Object.keys(kp), ["publicKey", "privateKey"]);
  for (const level of ["cat1", "cat3", "cat5"]) {
    const hk = await sdk.generateHybridKeypair(level);
    assert.deepEqual(Object.keys(hk), ["publicKey", "secretKey"]);
    const blob = await sdk.seal("pq ✓", kp.publicKey, hk.publicKey, level);
    assert.equal(await sdk.unseal(blob, kp.publicKey, kp.privateKey, hk.secretKey), "pq ✓");
  }
  const bytes = new Uint8Array([1, 2, 3, 255]);
  const blob = await sdk.seal(bytes, kp.publicKey);
  assert.deepEqual(bytes, new Uint8Array([1, 2, 3, 255])); // not transferred away
  const out = await sdk.unsealBytes(blob, kp.publicKey, kp.privateKey);
  assert.ok(out instanceof Uint8Array);
  assert.deepEqual(out, bytes);
  assert.equal(unb64(await sdk.generateSalt()).length, 16);
  assert.equal(await sdk.deriveSessionKey("pw", "AAAAAAAAAAAAAAAAAAAAAA=="), "AJBZudYL2fBbhNXy8d16Ac/QtBQsRQyYtxRx470vJWE="); // kdf.json
  assert.equal(await sdk.call("parseSaltFromKeyHash", "c2FsdA==$argon2id"), "c2FsdA==");
  assert.equal(await sdk.call("isHybridCiphertext", blob), false);
  const rk = await sdk.call("generateRecoveryKey");
  assert.deepEqual(Object.keys(rk), ["recoveryKey", "recoverySecretBase64"]);
  // Concurrent requests are matched to their replies.
  const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
  const cts = await Promise.all(texts.map((t) => sdk.encrypt(t, key)));
  assert.deepEqual(await Promise.all(cts.map((ct) => sdk.decrypt(ct, key))), texts);
});

test("errors through the worker are SealkitErrors with codes", async () => {
  const key = await sdk.generateKey();
  await assert.rejects(sdk.decrypt("AAAA", key), (e) => isCode("TOO_SHORT")(e) && e.message === "ciphertext too short to be valid");
  await assert.rejects(sdk.call("decryptSecretbox", "AAAAA", key), (e) => isCode("BASE64")(e) && e.message === "base64 decode: Invalid input length: 5");
  await assert.rejects(sdk.call("deriveSessionKey", "pw", "AAAAAAAAAAA="), (e) => isCode("INVALID_LENGTH")(e) && e.message === "invalid length: expected 16 bytes, got 8");
  await assert.rejects(sdk.call("recoveryKeyToSecret", "AAAA"), isCode("INVALID_RECOVERY_KEY"));
  await assert.rejects(sdk.call("noSuchFunction"), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.call("decryptSecretbox", 1, key), isCode("INVALID_ARGUMENT"));
  await assert.rejects(sdk.seal({}, key), isCode("INVALID_ARGUMENT"));
  // An argument that cannot be cloned never reaches the worker.
  await assert.rejects(sdk.call("generateKey", () => 1), isCode("INVALID_ARGUMENT"));
  const kp = await sdk.generateKeypair();
  const blob = await sdk.seal(new Uint8Array([0x61, 0xc0]), kp.publicKey);
  await assert.rejects(sdk.unseal(blob, kp.publicKey, kp.privateKey), (e) => isCode("UTF8")(e) && e.message === "UTF-8: invalid utf-8 sequence of 1 bytes from index 1");
  // The worker is still fine.
  assert.equal(unb64(await sdk.generateKey()).length, 32);
});

test("a crashing worker fails pending calls with WORKER; the next call starts a new one", async () => {
  const n = ShimWorker.instances.length;
  const w = ShimWorker.instances.at(-1);
  w.crash();
  const pending = [sdk.generateKey(), sdk.deriveSessionKey("pw", "AAAAAAAAAAAAAAAAAAAAAA==")];
  for (const p of pending) await assert.rejects(p, isCode("WORKER"));
  assert.equal(w.terminated, true);
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.length, n + 1);
});

test("messageerror fails pending calls with WORKER", async () => {
  await sdk.ensureReady();
  const w = ShimWorker.instances.at(-1);
  const p = sdk.deriveSessionKey("pw", "AAAAAAAAAAAAAAAAAAAAAA==");
  await new Promise((r) => setTimeout(r, 0)); // let the request go out
  w.dispatchEvent(new Event("messageerror"));
  await assert.rejects(p, isCode("WORKER"));
  assert.equal(w.terminated, true);
  assert.equal(unb64(await sdk.generateKey()).length, 32);
});

test("terminate() fails pending calls with WORKER; later calls reload", async () => {
  await sdk.ensureReady();
  const w = ShimWorker.instances.at(-1);
  const p = sdk.deriveSessionKey("pw", "AAAAAAAAAAAAAAAAAAAAAA==");
  await new Promise((r) => setTimeout(r, 0));
  sdk.terminate();
  await assert.rejects(p, isCode("WORKER"));
  assert.equal(w.terminated, true);
  // terminate() during a load: that load fails, the next one succeeds.
  const loading = sdk.loadCrypto();
  sdk.terminate();
  await assert.rejects(loading, isCode("WORKER"));
  assert.deepEqual(await sdk.loadCrypto(), { mode: "worker" });
  assert.equal(unb64(await sdk.generateKey()).length, 32);
});

test("a reload after a crash uses the last good load's wasm URL", async () => {
  sdk.terminate();
  const custom = new URL("../dist/sealkit.wasm?build=custom", import.meta.url).href;
  assert.deepEqual(await sdk.loadCrypto(custom), { mode: "worker" });
  assert.equal(ShimWorker.instances.at(-1).initUrl, custom);
  ShimWorker.instances.at(-1).crash();
  await assert.rejects(sdk.generateKey(), isCode("WORKER"));
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.at(-1).initUrl, custom);
  // An explicit call with other arguments after terminate() uses those.
  sdk.terminate();
  await sdk.loadCrypto(new URL("../dist/sealkit.wasm", import.meta.url));
  assert.equal(ShimWorker.instances.at(-1).initUrl, new URL("../dist/sealkit.wasm", import.meta.url).href);
});

test("{worker: false} loads in-thread even where Worker exists", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { worker: false }), { mode: "direct" });
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.length, n);
});

test("the worker answers protocol misuse without crashing", async () => {
  sdk.terminate();
  const w = new ShimWorker(new URL("../worker.js", import.meta.url), { type: "module" });
  const replies = [];
  const next = () => new Promise((r) => w.addEventListener("message", (e) => r(e.data), { once: true }));
  try {
    let reply = next();
    w.postMessage({ id: 1, fn: "generateKey", args: [] }); // before init
    replies.push(await reply);
    reply = next();
    w.postMessage({ type: "init", wasmUrl: new URL("../dist/sealkit.wasm", import.meta.url).href });
    replies.push(await reply);
    reply = next();
    w.postMessage({ id: 2, fn: "__proto__", args: [] });
    replies.push(await reply);
    reply = next();
    w.postMessage({ id: 3, op: "makeOps", args: [] });
    replies.push(await reply);
    reply = next();
    w.postMessage({ id: 4, fn: "generateKeyPair" });
    replies.push(await reply);
  } finally {
    w.terminate();
  }
  assert.deepEqual(replies[0], { id: 1, error: { code: "NOT_READY", message: "sealkit: the WebAssembly module is not loaded; await init() first" } });
  assert.deepEqual(replies[1], { type: "ready" });
  assert.equal(replies[2].error.code, "INVALID_ARGUMENT");
  assert.equal(replies[3].error.code, "INVALID_ARGUMENT");
  assert.deepEqual(Object.keys(replies[4].result), ["publicKey", "privateKey"]);
});

// ---- {workers: n} -----------------------------------------------------------

const SALT = "AAAAAAAAAAAAAAAAAAAAAA==";
const KDF = "AJBZudYL2fBbhNXy8d16Ac/QtBQsRQyYtxRx470vJWE="; // deriveSessionKey("pw", SALT), kdf.json
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// until waits for cond() (the shim's {shimRan} reports come after the reply).
async function until(cond, what) {
  for (let i = 0; i < 500 && !cond(); i++) await sleep(10);
  assert.ok(cond(), `timed out waiting for ${what}`);
}

// overlap: whether two {start, end} intervals intersect.
const overlap = (a, b) => a.start < b.end && b.start < a.end;

test("the default is one worker: concurrent calls run one after the other in it", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, {}), { mode: "worker" }); // {}: not the last good load's {worker: false}
  assert.equal(ShimWorker.instances.length, n + 1);
  const w = ShimWorker.instances.at(-1);
  const before = w.requests.length;
  assert.deepEqual(await Promise.all([sdk.deriveSessionKey("pw", SALT), sdk.deriveSessionKey("pw", SALT)]), [KDF, KDF]);
  assert.equal(w.requests.length, before + 2);
  await until(() => w.ran.length >= before + 2, "the shim's reports");
  const [a, b] = w.ran.slice(-2);
  assert.ok(!overlap(a, b), "one worker ran two calls at once");
  assert.equal(ShimWorker.instances.length, n + 1);
  // {workers: 1} is the same.
  sdk.terminate();
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 1 }), { mode: "worker" });
  assert.equal(ShimWorker.instances.length, n + 2);
});

test("{workers: n} starts n workers; each call goes to the one with the fewest pending", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 3 }), { mode: "worker" });
  const pool = ShimWorker.instances.slice(n);
  assert.equal(pool.length, 3);
  const wasm = new URL("../dist/sealkit.wasm", import.meta.url).href;
  for (const w of pool) assert.equal(w.initUrl, wasm);
  // Six concurrent calls: two each.
  const key = await sdk.generateKey();
  const counts = () => pool.map((w) => w.requests.length);
  const before = counts();
  const texts = Array.from({ length: 6 }, (_, i) => `message ${i} ✓`);
  const cts = await Promise.all(texts.map((t) => sdk.encrypt(t, key)));
  assert.deepEqual(counts().map((c, i) => c - before[i]), [2, 2, 2]);
  assert.deepEqual(await Promise.all(cts.map((ct) => sdk.decrypt(ct, key))), texts);
  // Calls awaited one by one all find the first worker idle.
  const first = counts();
  for (let i = 0; i < 3; i++) await sdk.generateKey();
  assert.deepEqual(counts().map((c, i) => c - first[i]), [3, 0, 0]);
  // A hybrid seal opened in another worker than the one that made the keys.
  const kp = await sdk.generateKeypair();
  const hk = await sdk.generateHybridKeypair();
  const [blob] = await Promise.all([sdk.seal("pq ✓", kp.publicKey, hk.publicKey), sdk.generateKey(), sdk.generateKey()]);
  assert.equal(await sdk.unseal(blob, kp.publicKey, kp.privateKey, hk.secretKey), "pq ✓");
  assert.equal(ShimWorker.instances.length, n + 3); // nothing more started
});

test("two slow calls on a pool of two run at the same time, in distinct workers", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  await sdk.loadCrypto(undefined, { workers: 2 });
  const [w0, w1] = ShimWorker.instances.slice(n);
  assert.deepEqual(await Promise.all([sdk.deriveSessionKey("pw", SALT), sdk.deriveSessionKey("pw", SALT)]), [KDF, KDF]);
  assert.equal(w0.requests.length, 1);
  assert.equal(w1.requests.length, 1);
  await until(() => w0.ran.length === 1 && w1.ran.length === 1, "the shim's reports");
  assert.ok(overlap(w0.ran[0], w1.ran[0]), `the two derivations did not overlap: ${JSON.stringify([w0.ran[0], w1.ran[0]])}`);
});

test("terminate() stops every worker of the pool; their pending calls reject with WORKER", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  await sdk.loadCrypto(undefined, { workers: 3 });
  const pool = ShimWorker.instances.slice(n);
  const pending = [sdk.deriveSessionKey("pw", SALT), sdk.deriveSessionKey("pw", SALT)];
  await sleep(0);
  sdk.terminate();
  for (const p of pending) await assert.rejects(p, isCode("WORKER"));
  for (const w of pool) assert.equal(w.terminated, true);
  // terminate() during a pool's load stops the workers being loaded too.
  const loading = sdk.loadCrypto(undefined, { workers: 2 });
  const starting = ShimWorker.instances.slice(n + 3);
  assert.equal(starting.length, 2);
  sdk.terminate();
  for (const w of starting) assert.equal(w.terminated, true);
  await assert.rejects(loading, isCode("WORKER"));
  // The next call loads again, with the last good load's options.
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.length, n + 5 + 3);
});

test("a crash of one worker rejects only its pending calls; the next call loads a new pool", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  await sdk.loadCrypto(undefined, { workers: 2 });
  const [w0, w1] = ShimWorker.instances.slice(n);
  w0.crash(); // read by w0's thread before the call below
  const onCrashed = assert.rejects(sdk.deriveSessionKey("pw", SALT), isCode("WORKER")); // → w0 (the first idle one)
  const onSibling = sdk.deriveSessionKey("pw", SALT); // → w1
  await sleep(0);
  assert.equal(w0.requests.length, 1);
  assert.equal(w1.requests.length, 1);
  await onCrashed;
  assert.equal(w0.terminated, true);
  // A call after the crash goes to a new pool, not to the survivor.
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.length, n + 4);
  // The survivor finishes what it was given, then stops.
  assert.equal(await onSibling, KDF);
  assert.equal(w1.requests.length, 1);
  assert.equal(w1.terminated, true);
  const fresh = ShimWorker.instances.slice(n + 2);
  for (const w of fresh) assert.equal(w.terminated, false);
  assert.deepEqual(await Promise.all([sdk.generateKey(), sdk.generateKey()]).then((ks) => ks.map((k) => unb64(k).length)), [32, 32]);
  assert.equal(ShimWorker.instances.length, n + 4);
});

test("a crash of an idle worker stops its idle siblings at once", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  await sdk.loadCrypto(undefined, { workers: 3 });
  const pool = ShimWorker.instances.slice(n);
  pool[1].crash();
  await until(() => pool.every((w) => w.terminated), "the pool to stop");
  assert.equal(unb64(await sdk.generateKey()).length, 32);
  assert.equal(ShimWorker.instances.length, n + 6);
});

test("invalid workers values reject with INVALID_ARGUMENT and start nothing", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  for (const workers of [0, -1, 1.5, NaN, Infinity, "2", true, {}, 2n]) {
    await assert.rejects(sdk.loadCrypto(undefined, { workers }), (e) => {
      isCode("INVALID_ARGUMENT")(e);
      assert.match(e.message, /^invalid argument: workers must be a whole number of at least 1/);
      return true;
    }, String(workers));
    // In-thread too: the option is wrong wherever it is used.
    await assert.rejects(sdk.loadCrypto(undefined, { worker: false, workers }), isCode("INVALID_ARGUMENT"), String(workers));
  }
  assert.equal(ShimWorker.instances.length, n);
  // A failed validation leaves no load behind: the next call loads.
  assert.deepEqual(await sdk.loadCrypto(undefined, { workers: 2 }), { mode: "worker" });
  assert.equal(ShimWorker.instances.length, n + 2);
});

test("workers above 8 start 8; a pool that cannot start stops every worker and rejects with LOAD", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  const silent = "data:text/javascript,export{}";
  await assert.rejects(sdk.loadCrypto(undefined, { workerUrl: silent, loadTimeoutMs: 300, workers: 64 }), isCode("LOAD"));
  const started = ShimWorker.instances.slice(n);
  assert.equal(started.length, 8);
  for (const w of started) assert.equal(w.terminated, true);
  // One bad worker among good ones: a wasm that does not load fails them all.
  await assert.rejects(sdk.loadCrypto(new URL("../dist/no-such.wasm", import.meta.url), { workers: 2 }), isCode("LOAD"));
  for (const w of ShimWorker.instances.slice(n + 8)) assert.equal(w.terminated, true);
});

test("{worker: false} ignores workers: one in-thread core", async () => {
  sdk.terminate();
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { worker: false, workers: 4 }), { mode: "direct" });
  assert.equal(await sdk.deriveSessionKey("pw", SALT), KDF);
  assert.equal(ShimWorker.instances.length, n);
  sdk.terminate();
});
