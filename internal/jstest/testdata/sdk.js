// The page side of the SDK tests: loads the SDK (js/index.js) the way an
// application does, and exposes globalThis.sealkitTest for the Go test,
// which calls its functions through chromedp. Every function resolves to
// a JSON-serialisable value; failures of the SDK are returned as data
// ({ok: false, ...}) so that the Go side can check the error itself.

import { pageReady, pageFailed, bytesToB64, b64ToBytes } from "./harness.js";
import * as sdk from "/sdk/index.js";

// outcome runs f and describes its result or its failure.
async function outcome(f) {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return {
      ok: false,
      sealkitError: e instanceof sdk.SealkitError,
      isError: e instanceof Error,
      name: e?.name,
      code: e?.code,
      message: typeof e === "string" ? e : e?.message,
      thrownType: typeof e,
    };
  }
}


// ticksDuring counts how often a 10 ms interval fires while f runs. The
// interval is cleared in the same job in which f's promise settles, so a
// synchronous f gets 0.
async function ticksDuring(f) {
  let ticks = 0;
  const id = setInterval(() => { ticks++; }, 10);
  try {
    const value = await f();
    return { ticks, value };
  } finally {
    clearInterval(id);
  }
}

globalThis.sealkitTest = Object.freeze({
  // One of the 24 exports, run in the SDK's worker.
  call: (name, args) => outcome(() => sdk.call(name, ...args)),

  // The SDK's high-level functions. Plaintext bytes travel as base64
  // (JSON has no bytes) and are handed to the SDK as a Uint8Array.
  generateKey: () => outcome(() => sdk.generateKey()),
  generateKeypair: () => outcome(() => sdk.generateKeypair()),
  generateSalt: () => outcome(() => sdk.generateSalt()),
  generateHybridKeypair: (...level) => outcome(() => sdk.generateHybridKeypair(...level)),
  encrypt: (plaintext, key) => outcome(() => sdk.encrypt(plaintext, key)),
  decrypt: (ct, key) => outcome(() => sdk.decrypt(ct, key)),
  sealString: (plaintext, ...keys) => outcome(() => sdk.seal(plaintext, ...keys)),
  sealBytes: (plaintextB64, ...keys) => outcome(() => sdk.seal(b64ToBytes(plaintextB64), ...keys)),
  unseal: (...args) => outcome(() => sdk.unseal(...args)),
  unsealBytes: (...args) => outcome(async () => {
    const b = await sdk.unsealBytes(...args);
    if (!(b instanceof Uint8Array)) throw new Error(`unsealBytes returned ${Object.prototype.toString.call(b)}, not a Uint8Array`);
    return bytesToB64(b);
  }),
  deriveSessionKey: (password, salt) => outcome(() => sdk.deriveSessionKey(password, salt)),

  // Main-thread responsiveness while Argon2id runs: in the worker
  // (awaited) and in this thread (getDirectCrypto, synchronous).
  responsiveness: async (password, salt) => {
    await sdk.ensureReady();
    const direct = await sdk.getDirectCrypto();
    const inWorker = await ticksDuring(() => sdk.deriveSessionKey(password, salt));
    const inThread = await ticksDuring(async () => direct.deriveSessionKey(password, salt));
    return { workerTicks: inWorker.ticks, workerKey: inWorker.value, mainTicks: inThread.ticks, mainKey: inThread.value };
  },

  // Which of the 24 exports the SDK's in-thread API offers.
  directNames: async () => Object.keys(await sdk.getDirectCrypto()).sort(),

  // The same deterministic calls, all in flight at once, through one
  // worker (loadCrypto's default) and then through a pool of `workers`
  // ({workers: n}); counts the Worker objects each load makes, and times
  // both runs. Leaves the page with the default load.
  pooled: async (inputs, workers) => {
    const run = async () => {
      const t0 = performance.now();
      const results = await Promise.all([
        ...inputs.secretboxes.map((ct) => outcome(() => sdk.decrypt(ct, inputs.key))),
        ...inputs.seals.map((blob) => outcome(() => sdk.unseal(blob, inputs.publicKey, inputs.privateKey, inputs.pqSecretKey))),
        ...inputs.seals.map((blob) => outcome(async () => bytesToB64(await sdk.unsealBytes(blob, inputs.publicKey, inputs.privateKey, inputs.pqSecretKey)))),
        outcome(() => sdk.deriveSessionKey(inputs.password, inputs.salt)),
        outcome(() => sdk.call("parseSaltFromKeyHash", `${inputs.salt}$argon2id`)),
        outcome(() => sdk.decrypt(inputs.secretboxes[0], inputs.wrongKey)),
        outcome(() => sdk.unseal(inputs.seals[0], inputs.publicKey, inputs.privateKey)),
      ]);
      return { results, ms: performance.now() - t0 };
    };
    const OriginalWorker = globalThis.Worker;
    let started = 0;
    globalThis.Worker = class extends OriginalWorker {
      constructor(...args) {
        super(...args);
        started++;
      }
    };
    try {
      sdk.terminate();
      const singleMode = (await sdk.loadCrypto(undefined, {})).mode;
      const single = await run();
      const singleStarted = started;
      sdk.terminate();
      started = 0;
      const pooledMode = (await sdk.loadCrypto(undefined, { workers })).mode;
      const pooled = await run();
      return {
        single: single.results, singleMs: single.ms, singleMode, singleStarted,
        pooled: pooled.results, pooledMs: pooled.ms, pooledMode, pooledStarted: started,
      };
    } finally {
      globalThis.Worker = OriginalWorker;
      sdk.terminate();
      await sdk.loadCrypto(undefined, {});
    }
  },
});

try {
  const { mode } = await sdk.loadCrypto();
  await sdk.ensureReady();
  pageReady({ mode });
} catch (e) {
  pageFailed(e);
}
