// @sealkit/sdk: the sealkit crypto core for web pages and Node.
//
//   import { loadCrypto, seal, unseal } from "@sealkit/sdk";
//   await loadCrypto();                 // optional; the first call loads
//   const blob = await seal("hi", publicKey);
//
// On a page (Worker available, not already inside a worker) the core runs
// in one dedicated module worker, or a pool of them with {workers: n}, so
// that Argon2id and ML-KEM never block rendering; in Node, inside a
// worker, or with {worker: false} it runs in the current thread. Every
// function returns a Promise and fails with a SealkitError whose `code` is
// one of ErrorCode. Nothing is logged.
//
// The app flows built on it are separate entry points (they import this
// module, so they share its loaded core):
//   @sealkit/sdk/account.js  startSignup, finishSignup, login, KeyChain, …
//   @sealkit/sdk/share.js    sealToMembers, openResourceKey, watchPending

import { ErrorCode, SealkitError, toSealkitError } from "./errors.js";
import { makeOps } from "./ops.js";
import { makeKeystore } from "./keystore.js";

export { ErrorCode, SealkitError } from "./errors.js";
export { deriveAuthKey, deriveRecoveryAuthKey } from "./authkey.js";

const defaultWasmURL = () => new URL("./dist/sealkit.wasm", import.meta.url);

let loading = null; // the promise of the current load, or null
let backend = null; // {mode, call(name, args), op(name, args), close()} once loaded
let direct = null; // the promise of getDirectCrypto's wrapped exports
let directSlots = null; // the same instance's key slots (keystore.js)
let generation = 0; // bumps on terminate(), so a stale load cannot install itself
let lastGood = null; // {wasmUrl, options} of the last successful load

/** The most workers {workers: n} starts; a larger n is capped to it. */
const MAX_WORKERS = 8;

function inWorkerScope() {
  return typeof WorkerGlobalScope !== "undefined" && globalThis instanceof WorkerGlobalScope;
}

function canUseWorker() {
  return typeof Worker === "function" && !inWorkerScope();
}

/**
 * Loads the crypto core once: in a dedicated module worker (or a pool of
 * `workers` of them) where Worker exists and this is not itself a worker,
 * else in the current thread.
 * Later calls return the same promise (their arguments are ignored); after
 * a failure the next call retries. Without arguments, a reload (after a
 * crash or terminate()) reuses the arguments of the last successful load. Resolves to `{mode: "worker"|"direct"}`;
 * rejects with SealkitError LOAD (or UNSUPPORTED for {worker: true}
 * without Worker, INVALID_ARGUMENT for a bad `workers`).
 *
 * @param {string|URL} [wasmUrl] sealkit.wasm; default dist/sealkit.wasm
 *   next to this file. A relative string resolves against the page.
 * @param {{worker?: boolean, workers?: number, workerUrl?: string|URL, loadTimeoutMs?: number, exportKeys?: boolean}} [options]
 *   worker: false forces in-thread, true requires a worker; workers: how
 *   many workers to start, a whole number ≥ 1 (default 1, capped at 8;
 *   ignored in-thread), each with its own wasm instance, each call going
 *   to the one with the fewest pending calls; workerUrl overrides the
 *   worker script; loadTimeoutMs (default 60000) bounds each worker's
 *   start; exportKeys: false makes exportKey() fail (UNSUPPORTED) for
 *   this load, so that no call can take a key out of the worker.
 */
export function loadCrypto(wasmUrl, options) {
  if (loading) return loading;
  // A reload after a crash or terminate() goes where the last good load
  // went, not to the defaults: an app may serve the wasm elsewhere.
  if (wasmUrl === undefined && options === undefined && lastGood) ({ wasmUrl, options } = lastGood);
  options ??= {};
  let workers;
  try {
    workers = workerCount(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const gen = generation;
  const useWorker = options.worker ?? canUseWorker();
  const attempt = (async () => {
    if (useWorker && typeof Worker !== "function") {
      throw new SealkitError(ErrorCode.UNSUPPORTED, "sealkit: Worker is not available here; use {worker: false}");
    }
    let b;
    try {
      b = useWorker ? await startPool(wasmUrl, options, workers) : await directBackend(wasmUrl, options);
    } catch (err) {
      if (gen !== generation) throw terminatedError(); // terminate() stopped the workers being loaded
      throw err;
    }
    if (gen !== generation) { // terminate() ran while we were loading
      b.close();
      throw terminatedError();
    }
    backend = b;
    lastGood = { wasmUrl, options };
    return { mode: b.mode };
  })();
  loading = attempt;
  attempt.catch(() => { if (loading === attempt) loading = null; });
  return attempt;
}

/** Resolves once the core is loaded, loading it with the defaults if needed. */
export async function ensureReady() {
  await loadCrypto();
}

/**
 * Stops the workers, loading, running or draining (pending calls reject
 * with WORKER); the next call loads again. Every key handle dies with
 * the workers (later calls with one reject with UNKNOWN_HANDLE).
 */
export function terminate() {
  generation++;
  const b = backend;
  backend = null;
  loading = null;
  b?.close();
  for (const w of [...liveWorkers]) w.close();
}

function resolveUrl(u) {
  if (u === undefined || u === null) return defaultWasmURL();
  if (u instanceof URL) return u;
  if (typeof u === "string") return new URL(u, globalThis.location?.href ?? defaultWasmURL());
  return u; // bytes or a WebAssembly.Module: crypto.js init takes those too
}

// ---- in-thread ------------------------------------------------------------

/**
 * Loads crypto.js in the current thread (once) and returns its functions
 * (the compatible table and the bytes API, crypto.js bytesExportNames),
 * synchronous, throwing SealkitError instances. For code already running
 * in a worker and for tests; pages should prefer the async API.
 *
 * @param {string|URL|BufferSource|WebAssembly.Module} [wasmUrl]
 * @returns {Promise<Readonly<Record<string, Function>>>}
 */
export function getDirectCrypto(wasmUrl) {
  direct ??= (async () => {
    let crypto;
    try {
      crypto = await import("./crypto.js");
      await crypto.default(resolveUrl(wasmUrl));
    } catch (err) {
      throw new SealkitError(ErrorCode.LOAD, loadMessage(err), { cause: err });
    }
    const wrap = (names) => {
      const coded = crypto.codedExports(names);
      const out = {};
      for (const name of names) {
        const fn = coded[name];
        out[name] = (...args) => {
          try {
            return fn(...args);
          } catch (err) {
            throw toSealkitError(err);
          }
        };
      }
      return Object.freeze(out);
    };
    // The key slots stay out of the returned object: they are the in-thread
    // key store's (directBackend), not an API.
    directSlots = wrap(crypto.slotNames);
    return wrap([...crypto.exportNames, ...crypto.bytesExportNames]);
  })();
  const d = direct;
  d.catch(() => { if (direct === d) direct = null; });
  return d;
}

async function directBackend(wasmUrl, options) {
  const api = await getDirectCrypto(wasmUrl);
  const ops = makeOps(api);
  // In this thread the handles' keys are in the page's memory: the handle
  // API works (for tests, Node, code already in a worker) but protects
  // nothing.
  const store = makeKeystore(api, { exportKeys: options?.exportKeys, slots: directSlots });
  const hop = async (name, args, transfer) => {
    try {
      // Transfer as a worker would, so that callers see one behaviour.
      if (transfer?.length) args = structuredClone(args, { transfer });
      return await store.run(name, args, null);
    } catch (err) {
      throw toSealkitError(err);
    }
  };
  const names = new Set(Object.keys(api));
  // Run synchronously but answer through a promise, like the worker does,
  // so callers see one behaviour.
  const guard = (f) => {
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(toSealkitError(err));
    }
  };
  return {
    mode: "direct",
    call: (name, args) => guard(() => {
      if (!names.has(name)) throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: unknown function");
      return api[name](...args);
    }),
    op: (name, args) => guard(() => ops[name](...args)),
    hop,
    hopBatch: (name, lead, items) => hop(name, [...lead, items]),
    broadcast: (name, args) => hop(name, args).then((r) => [r]),
    close() {
      store.run("releaseAll", []).catch(() => {});
    },
  };
}

function loadMessage(err) {
  const detail = err && typeof err === "object" && typeof err.message === "string" ? err.message : String(err);
  return detail.startsWith("sealkit:") ? detail : `sealkit: loading the WebAssembly module failed: ${detail}`;
}

// ---- workers ----------------------------------------------------------------

// Every worker of every pool that has not been closed yet, the ones still
// loading and the ones draining after a sibling's crash included, so that
// terminate() stops them all.
const liveWorkers = new Set();

const terminatedError = () => new SealkitError(ErrorCode.WORKER, "sealkit: the crypto worker was terminated");

// workerCount validates options.workers: a whole number ≥ 1 (default 1),
// capped at MAX_WORKERS.
function workerCount(options) {
  const n = options.workers ?? 1;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new SealkitError(ErrorCode.INVALID_ARGUMENT,
      `invalid argument: workers must be a whole number of at least 1 (above ${MAX_WORKERS}, ${MAX_WORKERS} are started)`);
  }
  return Math.min(n, MAX_WORKERS);
}

// startPool starts n workers and resolves once every one of them has
// loaded the core; if one fails to start, the others are stopped and the
// load fails with that first error (LOAD). Each call goes to the open
// worker with the fewest pending calls (the first of them on a tie): the
// base64 API's calls are stateless, and every worker holds every handle of
// the handle API (replicated worker to worker, worker.js), so any worker
// can serve any call.
//
// A worker that dies after the load (crash, unreadable message) fails its
// own pending calls with WORKER, and the pool is retired: it takes no new
// call, the next call loads a new pool (with the arguments of the last
// good load), and the surviving workers finish what they were given and
// then stop (terminate() stops them at once).
async function startPool(wasmUrl, options, n) {
  const url = resolveUrl(wasmUrl);
  const wasm = url instanceof URL ? url.href : url;
  const workers = [];
  let retired = false;

  const onClosed = () => {
    if (retired) return;
    retired = true;
    if (backend === pool) { backend = null; loading = null; } // the next call starts afresh
    for (const w of [...workers]) w.drain();
  };

  const pool = {
    mode: "worker",
    call: (name, args) => dispatch({ fn: name, args }),
    op: (name, args) => dispatch({ op: name, args }),
    hop: (name, args, transfer) => dispatch({ h: name, args }, transfer),
    // A batch is split over the workers (a handle is known to all of
    // them), in order; per-item results are concatenated back.
    async hopBatch(name, lead, items) {
      const open = workers.filter((w) => !w.closed).length;
      const parts = Array.isArray(items) ? Math.min(open, Math.ceil(items.length / 8)) : 1;
      if (parts <= 1) return dispatch({ h: name, args: [...lead, items] });
      const size = Math.ceil(items.length / parts);
      const chunks = [];
      for (let i = 0; i < items.length; i += size) chunks.push(dispatch({ h: name, args: [...lead, items.slice(i, i + size)] }));
      return (await Promise.all(chunks)).flat();
    },
    // To every open worker of the pool: each holds every handle.
    broadcast(name, args) {
      if (retired) return Promise.resolve([]);
      return Promise.all(workers.filter((w) => !w.closed).map((w) => w.send({ h: name, args })));
    },
    close() {
      retired = true;
      for (const w of workers) w.close();
    },
  };

  const dispatch = (msg, transfer) => {
    let best = null;
    if (!retired) {
      for (const w of workers) {
        if (!w.closed && (best === null || w.pending < best.pending)) best = w;
      }
    }
    if (best === null) return Promise.reject(terminatedError());
    return best.send(msg, transfer);
  };

  // A pool compiles the module once, here, and hands the compiled
  // WebAssembly.Module to each worker: V8 shares its code between them, so
  // the workers do not each compile (and lazily tier up) the same 3 MB.
  // Where this thread may not compile wasm (a CSP without
  // 'wasm-unsafe-eval' for the page), each worker fetches and compiles it.
  // The workers start (loading their scripts) while it compiles, and get
  // their init message once it is done.
  const module = n > 1 ? compileShared(wasm) : null;
  for (let i = 0; i < n && !retired; i++) workers.push(spawnWorker(wasm, options, onClosed, module));
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (err) {
    pool.close();
    throw err;
  }
  if (retired) { // cannot happen (a death settles a load in progress), but never hand out a dead pool
    pool.close();
    throw new SealkitError(ErrorCode.LOAD, "sealkit: the crypto worker failed to start");
  }
  // One MessageChannel per pair of workers, both ends transferred away at
  // once: the workers replicate the handle API's keys over them, and this
  // thread never holds a port that carries key bytes.
  if (workers.length > 1 && typeof MessageChannel === "function") {
    const ports = workers.map(() => []);
    for (let i = 0; i < workers.length; i++) {
      for (let j = i + 1; j < workers.length; j++) {
        const { port1, port2 } = new MessageChannel();
        ports[i].push(port1);
        ports[j].push(port2);
      }
    }
    workers.forEach((w, i) => w.post({ type: "peers", ports: ports[i] }, ports[i]));
  }
  return pool;
}

// spawnWorker starts one worker and returns its handle at once (so that a
// pool can stop a sibling that is still loading); `ready` settles with its
// load. onClosed runs whenever the worker closes, for whatever reason.
// compileShared compiles the module in this thread, or resolves null.
async function compileShared(wasm) {
  if (typeof wasm !== "string" || typeof WebAssembly?.compileStreaming !== "function" || typeof fetch !== "function") return null;
  try {
    const res = await fetch(wasm);
    if (!res.ok || res.headers.get("Content-Type")?.split(";")[0].trim() !== "application/wasm") return null;
    return await WebAssembly.compileStreaming(res);
  } catch {
    return null;
  }
}

function spawnWorker(wasm, options, onClosed, module) {
  const pending = new Map(); // id → {resolve, reject}
  let nextId = 1;
  let ready = false;
  let closed = false;
  let draining = false; // stop once nothing is pending
  let worker = null;
  let timer;
  let resolveReady, rejectReady;

  // close fails everything in flight: once the worker is gone, or its
  // state is in doubt, no answer may be waited for.
  const close = (code, message) => {
    if (closed) return;
    closed = true;
    liveWorkers.delete(w);
    clearTimeout(timer);
    worker?.terminate();
    const err = new SealkitError(code, message);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    if (!ready) rejectReady(new SealkitError(ErrorCode.LOAD, message));
    onClosed(w);
  };

  const send = (msg, transfer) => new Promise((res, rej) => {
    if (closed) {
      rej(terminatedError());
      return;
    }
    const id = nextId++;
    pending.set(id, { resolve: res, reject: rej });
    try {
      try {
        worker.postMessage({ id, ...msg }, transfer?.length ? transfer : undefined);
      } catch (err) {
        // A buffer that cannot be transferred (e.g. a WebAssembly
        // memory's) is copied instead.
        if (!transfer?.length) throw err;
        worker.postMessage({ id, ...msg });
      }
    } catch (err) { // DataCloneError: an argument that cannot be sent
      pending.delete(id);
      rej(new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: cannot be sent to the crypto worker", { cause: err }));
    }
  });

  const w = {
    ready: new Promise((res, rej) => { resolveReady = res; rejectReady = rej; }),
    get pending() { return pending.size; },
    get closed() { return closed; },
    send,
    post: (msg, transfer) => worker.postMessage(msg, transfer),
    close: () => close(ErrorCode.WORKER, "sealkit: the crypto worker was terminated"),
    // drain: a sibling died; stop once nothing is pending (at once if
    // idle, or if still loading: then the pool's load fails with LOAD).
    drain() {
      draining = true;
      if (pending.size === 0) close(ErrorCode.WORKER, "sealkit: another crypto worker of the pool failed");
    },
  };

  try {
    // The literal new Worker(new URL("./worker.js", import.meta.url), …)
    // form is what bundlers recognise to emit the worker; keep it intact.
    worker = options.workerUrl
      ? new Worker(options.workerUrl, { type: "module" })
      : new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  } catch (err) {
    closed = true;
    rejectReady(new SealkitError(ErrorCode.LOAD, loadMessage(err), { cause: err }));
    onClosed(w);
    return w;
  }
  liveWorkers.add(w);

  const timeoutMs = options.loadTimeoutMs ?? 60000;
  timer = setTimeout(() => close(ErrorCode.LOAD, "sealkit: the crypto worker did not start in time"), timeoutMs);

  worker.addEventListener("message", (event) => {
    const m = event.data;
    if (m === null || typeof m !== "object") return;
    if (!ready) {
      if (m.type === "ready") {
        ready = true;
        clearTimeout(timer);
        resolveReady();
      } else if (m.type === "error") {
        close(ErrorCode.LOAD, typeof m.message === "string" ? m.message : "sealkit: loading the WebAssembly module failed");
      }
      return;
    }
    if (m.type === "messageerror") {
      close(ErrorCode.WORKER, "sealkit: the crypto worker could not read a request");
      return;
    }
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(toSealkitError(m.error));
    else p.resolve(m.result);
    if (draining && pending.size === 0) close(ErrorCode.WORKER, "sealkit: another crypto worker of the pool failed");
  });
  // An uncaught error in a worker does not always end it, but its state
  // is unknown: fail everything and start a new one on the next call.
  worker.addEventListener("error", (event) => {
    event.preventDefault?.(); // handled here; keeps the console free of it
    close(ready ? ErrorCode.WORKER : ErrorCode.LOAD,
      ready ? "sealkit: the crypto worker failed" : "sealkit: the crypto worker failed to start");
  });
  worker.addEventListener("messageerror", () => close(ErrorCode.WORKER, "sealkit: a reply of the crypto worker could not be read"));

  // module: a promise of the pool's compiled module (or of null), or null.
  Promise.resolve(module).then((compiled) => {
    if (closed) return;
    const init = { type: "init", wasmUrl: wasm };
    if (compiled) init.module = compiled;
    if (options.exportKeys === false) init.exportKeys = false;
    worker.postMessage(init);
  }).catch((err) => close(ErrorCode.LOAD, loadMessage(err)));
  return w;
}

// ---- the API --------------------------------------------------------------

// current returns the loaded backend. It can vanish between the load and
// the call (a crash or terminate() in between); one fresh load is tried
// before giving up, so a call never waits on a dead worker.
async function current() {
  await loadCrypto();
  if (!backend) await loadCrypto();
  if (!backend) throw new SealkitError(ErrorCode.WORKER, "sealkit: the crypto worker was terminated");
  return backend;
}

async function op(name, args) {
  return (await current()).op(name, args);
}

/**
 * Calls one of crypto.js's 24 exports, or of its bytes API
 * (bytesExportNames), by name (in the worker where there is one).
 * Resolves to its result; rejects with SealkitError (INVALID_ARGUMENT for
 * a name that is not an export).
 * @param {string} name
 * @param {...unknown} args
 */
export async function call(name, ...args) {
  return (await current()).call(name, args);
}

/** A new random 32-byte secretbox key, base64. */
export const generateKey = () => op("generateKey", []);
/** A new X25519 key pair, `{publicKey, privateKey}` in base64. */
export const generateKeypair = () => op("generateKeypair", []);
/** A new random 16-byte Argon2id salt, base64. */
export const generateSalt = () => op("generateSalt", []);
/** Encrypts a string's UTF-8 bytes under a 32-byte key: base64 secretbox blob. */
export const encrypt = (plaintext, keyB64) => op("encrypt", [plaintext, keyB64]);
/** Opens a secretbox blob to a string; non-UTF-8 content fails with UTF8. */
export const decrypt = (ciphertextB64, keyB64) => op("decrypt", [ciphertextB64, keyB64]);
/**
 * Seals to a user (sealForUser): box seal to the X25519 key, or the hybrid
 * 0x02 format when a PQ public key is given. `level` ("cat1"|"cat3"|"cat5")
 * selects sealForUserWithLevel for a PQ key of that level.
 */
export const seal = (plaintext, publicKeyB64, pqPublicKeyB64, level) =>
  op("seal", level === undefined ? [plaintext, publicKeyB64, pqPublicKeyB64] : [plaintext, publicKeyB64, pqPublicKeyB64, level]);
/** Opens a sealForUser blob to a string; non-UTF-8 content fails with UTF8. */
export const unseal = (ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64) =>
  op("unseal", [ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64]);
/** Opens a sealForUser blob to its bytes. */
export const unsealBytes = (ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64) =>
  op("unsealBytes", [ciphertextB64, publicKeyB64, privateKeyB64, pqSecretKeyB64]);
/** Argon2id session key (32 bytes, base64) from a password and a 16-byte salt. */
export const deriveSessionKey = (password, saltB64) => op("deriveSessionKey", [password, saltB64]);
/** A new hybrid ML-KEM + X25519 key pair, `{publicKey, secretKey}`; level default "cat3". */
export const generateHybridKeypair = (level) => op("generateHybridKeypair", level === undefined ? [] : [level]);
/** The crate's default signing context, SIGN_CONTEXT_V1. */
export const SIGN_CONTEXT_V1 = "metamorphic/sign/v1";

/**
 * Verifies a composite signature (the crate's verify; wire-format.md
 * §5.1) of `message` (bytes) under `context` (e.g. "metamorphic/sign/v1")
 * by a signing public key. Resolves to true only when every component
 * verifies, false for a signature that does not (another key, message or
 * context, mismatched tags or sizes); rejects with SealkitError BASE64 or
 * SIGNATURE (unknown or missing tag) for input that is not signature data.
 */
export const verifySignature = (message, context, signatureB64, publicKeyB64) =>
  op("verifySignature", [message, context, signatureB64, publicKeyB64]);

// ---- the handle API -----------------------------------------------------------
//
// Keys that never leave the worker: the session key, the user's private
// keys and resource keys are made or opened inside the crypto worker(s)
// and the page gets an opaque handle ("sk1.…") naming them. Every worker of
// a pool holds every handle (keystore.js, worker.js: replicated worker to
// worker over ports the page never holds). A handle lives until release(),
// releaseAll() or terminate() (or a crash of a worker), and only in this
// load: it means nothing to another page, tab or load.
//
// Only the worker mode protects the keys: in-thread ({worker: false}, Node,
// code in a worker) they are in this thread's memory.

async function hop(name, args, transfer) {
  return (await current()).hop(name, args, transfer);
}

// Per-item results: {error} becomes a SealkitError.
const items = (list) => list.map((r) => (r.error ? { error: toSealkitError(r.error) } : r));

// transferOf: the buffer of a byte argument, to transfer to the worker
// (never a SharedArrayBuffer, which is shared, not moved).
function transferOf(bytes) {
  const buf = ArrayBuffer.isView(bytes) ? bytes.buffer : bytes instanceof ArrayBuffer ? bytes : null;
  return buf instanceof ArrayBuffer ? [buf] : [];
}

// The fields of the account record that unlockUser reads.
const accountKeys = (me) => (me !== null && typeof me === "object"
  ? {
    public_key: me.public_key,
    pq_public_key: me.pq_public_key,
    encrypted_private_key: me.encrypted_private_key,
    encrypted_pq_private_key: me.encrypted_pq_private_key,
    identity_public_key: me.identity_public_key,
    encrypted_signing_key: me.encrypted_signing_key,
  }
  : me);

/**
 * Argon2id session key from a password and the account's key_hash
 * ("<salt>$argon2id"), kept in the worker. Resolves to {session, authKey}:
 * the session handle and the auth key (base64), the one value meant for
 * the server.
 */
export const deriveLoginKeys = (password, keyHash) => hop("deriveLoginKeys", [password, keyHash]);

/**
 * Opens the account's wrapped private keys (me.encrypted_private_key,
 * me.encrypted_pq_private_key, and me.encrypted_signing_key when the
 * account has an identity signing key) with a session handle. Resolves to
 * {user, publicKey, pqPublicKey, identityPublicKey}: identityPublicKey is
 * derived from the signing key in the worker (null without one; rejects
 * with SIGNATURE when me.identity_public_key names another key); a wrong
 * session key rejects with DECRYPTION.
 */
export const unlockUser = (session, me) => hop("unlockUser", [session, accountKeys(me)]);

/**
 * Every key of a new account (as account.js makeAccountKeys) plus an
 * identity signing key (Hybrid Cat-3: Ed25519 + ML-DSA-65), the secrets
 * kept in the worker. Resolves to {session, user, userKey, publicKey,
 * pqPublicKey, identityPublicKey, request}: request is the body of POST
 * /api/auth/register/finish without the token, with identity_public_key
 * and encrypted_signing_key (the signing key wrapped under the session key
 * as the private keys are).
 */
export const makeAccount = (password, email, options) =>
  hop("makeAccount", [password, email, options?.level === undefined ? {} : { level: options.level }]);

/**
 * A password change: a new salt, session key (dropped in the worker) and
 * auth key for `password`, and the user handle's private keys wrapped
 * under the new session key. Resolves to {key_hash, auth_key,
 * encrypted_private_key, encrypted_pq_private_key, encrypted_signing_key?}
 * (the last when the handle has a signing key).
 */
export const rewrapUser = (user, password) => hop("rewrapUser", [user, password]);

/**
 * A new recovery key for the user handle (crate generate_recovery_key),
 * kept in the worker. Resolves to {recovery, request}: the recovery
 * handle and {recovery_auth_key, recovery_encrypted_private_key,
 * recovery_encrypted_pq_private_key, recovery_encrypted_signing_key?}
 * (crate encrypt_private_key_for_recovery; the last when the handle has a
 * signing key).
 */
export const makeRecovery = (user) => hop("makeRecovery", [user]);

/**
 * The recovery key of a handle from makeRecovery, as the user must see it
 * once ("XXXXX-XXXXX-…"): the one key meant to leave the worker, so it is
 * given even under loadCrypto's {exportKeys: false}.
 */
export const exportRecoveryKey = (recovery) => hop("exportRecoveryKey", [recovery]);

/**
 * A recovery key as typed (dashes and case ignored, as the crate's
 * recovery_key_to_secret), kept in the worker. Resolves to {recovery,
 * recoveryAuthKey}; a garbled key rejects with the crate's error.
 */
export const openRecovery = (recoveryKey) => hop("openRecovery", [recoveryKey]);

/**
 * Opens the private keys wrapped under a recovery key (the answer of
 * POST /api/auth/recover; recovery_encrypted_signing_key too when
 * present). Resolves to {user, publicKey, pqPublicKey, identityPublicKey};
 * a wrong recovery key rejects with DECRYPTION.
 */
export const recoverUser = (recovery, bundle) => hop("recoverUser", [recovery, bundle === null || typeof bundle !== "object" ? bundle : {
  public_key: bundle.public_key,
  pq_public_key: bundle.pq_public_key,
  recovery_encrypted_private_key: bundle.recovery_encrypted_private_key,
  recovery_encrypted_pq_private_key: bundle.recovery_encrypted_pq_private_key,
  identity_public_key: bundle.identity_public_key,
  recovery_encrypted_signing_key: bundle.recovery_encrypted_signing_key,
}]);

/**
 * An identity signing key (Hybrid Cat-3) for a user handle that has none:
 * an account made before signatures. Call it at unlock, with the session
 * handle that unlocked the user and the account record, before the
 * session handle is released: `const {user} = await unlockUser(session,
 * me); if (!identityPublicKey) await addSigningKey(user, session, me);
 * release(session)` (UserKeys#unlock releases the session itself: use
 * unlockUser directly for this step). `me.encrypted_private_key` must open
 * under the session (else DECRYPTION) to the user's private key (else
 * INVALID_ARGUMENT: the record of another account).
 * Resolves to {identityPublicKey, encryptedSigningKey}: the public key and
 * the secret key wrapped under the session key, for the server to store
 * as identity_public_key and encrypted_signing_key. A handle that already
 * has one rejects with INVALID_ARGUMENT.
 */
export const addSigningKey = (user, session, me) => hop("addSigningKey", [user, session, accountKeys(me)]);

/**
 * The user's identity signature (the crate's sign with the handle's
 * signing key) of `message` (bytes) under `context` (e.g.
 * "metamorphic/sign/v1"): base64. The key never leaves the worker. A
 * handle without a signing key rejects with INVALID_ARGUMENT.
 */
export const signAsUser = (user, message, context) => hop("signAsUser", [user, message, context]);

/**
 * A transition aid: a session key kept as base64 text (account.js
 * KeyChain's sessionStorage chain) imported into the worker as a session
 * handle, for unlockUser. A page that uses it still holds the session key
 * until it drops the string; pages should move to deriveLoginKeys and the
 * key cache v2 (cacheUser / openCachedUser) and stop needing it.
 */
export const importSessionKey = (sessionB64) => hop("importSessionKey", [sessionB64]);

/**
 * Opens a text sealed to the user (sealForUser of its UTF-8 bytes, e.g.
 * an operator's announcement) with a user handle; non-UTF-8 content
 * rejects with UTF8.
 */
export const unsealText = (user, sealedB64) => hop("unsealText", [user, sealedB64]);

/** A new random resource key (32 bytes), as a key handle. */
export const newKey = () => hop("newKey", []);

/**
 * Writes the user's private keys into the key cache v2 (keycache.js) from
 * the worker, for the live session: `{userId, secretUrl, name?}`
 * (secretUrl: the accounts.Handlers.CacheSecret endpoint). Resolves to
 * whether it was stored; the keys never pass through the page.
 */
export const cacheUser = (user, options) => hop("cacheUser", [user, options]);

/**
 * Opens the key cache v2 in the worker: `{user, publicKey, pqPublicKey}`
 * with a new user handle, or null when there is nothing usable (no entry,
 * another user, the session ended or the entry expired: then the entry is
 * deleted).
 */
export const openCachedUser = (options) => hop("openCachedUser", [options]);

/**
 * Opens a copy of a resource key sealed to the user (sealForUser of its 32
 * raw bytes, as share.js sealToMember, or of its base64 text, as
 * account.js's encrypted_user_key) to a key handle.
 */
export const openKey = (user, sealedB64) => hop("openKey", [user, sealedB64]);

/** openKey for many copies: per item {handle} or {error: SealkitError}. */
export const openKeys = async (user, sealed) => items(await (await current()).hopBatch("openKeys", [user], sealed));

// textArg: one ciphertext of decryptTexts/openTexts as the worker takes
// it: base64 text (or null), or {ciphertext, place}.
const textArg = (c) => (c !== null && typeof c === "object" ? { ciphertext: c.ciphertext, place: c.place } : c);

/**
 * Opens many resources at once without key handles: for each item, its
 * sealed key (as openKey) and its texts under that key (as decryptText;
 * null or "" stays null). A text is base64, or {ciphertext, place} to
 * open it at its place (see encryptText). Per item {texts} or {error:
 * SealkitError} — one bad text fails its item. No handle is made, so
 * nothing is replicated between the workers or left to release: for
 * reading many resources once (a dashboard).
 */
export const openTexts = async (user, list) => items(await (await current()).hopBatch("openTexts", [user], Array.isArray(list)
  ? list.map((i) => (i !== null && typeof i === "object"
    ? { sealed: i.sealed, ciphertexts: Array.isArray(i.ciphertexts) ? i.ciphertexts.map(textArg) : i.ciphertexts }
    : i))
  : list));

/**
 * Seals a key to each member, as share.js sealToMembers: the hybrid seal
 * when the member has a pq_public_key (Cat-3 unless `level`), else a
 * sealed box. Resolves to [{user_id, encrypted_key}] in the members' order.
 */
export const sealKey = (key, members, level) => hop("sealKey", [key, Array.isArray(members)
  ? members.map((m) => (m !== null && typeof m === "object" ? { user_id: m.user_id, public_key: m.public_key, pq_public_key: m.pq_public_key } : m))
  : members, ...(level === undefined ? [] : [level])]);

/**
 * Encrypts a string's UTF-8 bytes under a key handle (secretbox), base64.
 * With a `place` (a string naming where the blob will live, e.g.
 * "habit/<id>/name"; docs/PROTOCOL.md lists the app's), it is sealed
 * under the key's place key, HKDF-SHA256(key, "sealkit/v1/place" ‖ 0x00 ‖
 * place), derived in the worker: it opens only at that same place, and a
 * blob a server moved elsewhere fails with DECRYPTION. Same size.
 */
export const encryptText = (key, plaintext, place) => hop("encryptText", [key, plaintext, place]);
/** Opens a secretbox blob (base64) under a key handle to a string; at `place` if it was sealed there. */
export const decryptText = (key, ciphertextB64, place) => hop("decryptText", [key, ciphertextB64, place]);
/**
 * decryptText for many blobs under one key — each base64, or {ciphertext,
 * place} — : per item {text} or {error: SealkitError}.
 */
export const decryptTexts = async (key, ciphertexts) => items(await (await current()).hopBatch("decryptTexts", [key],
  Array.isArray(ciphertexts) ? ciphertexts.map(textArg) : ciphertexts));
/** Many blobs, each {key, ciphertext, place?} under its own key handle: per item {text} or {error: SealkitError}. */
export const decryptMany = async (list) => items(await (await current()).hopBatch("decryptMany", [], Array.isArray(list)
  ? list.map((i) => (i !== null && typeof i === "object" ? { key: i.key, ciphertext: i.ciphertext, place: i.place } : i))
  : list));

/**
 * Encrypts bytes under a key handle (at `place`, as encryptText): the
 * secretbox blob, as bytes. The plaintext's ArrayBuffer is transferred to
 * the worker (detached here: pass bytes.slice() to keep it); the result's
 * is transferred back.
 */
export const encryptBytes = (key, plaintext, place) => hop("encryptBytes", [key, plaintext, place], transferOf(plaintext));
/** Opens a secretbox blob (bytes) under a key handle, at `place` if given; transfers like encryptBytes. */
export const decryptBytes = (key, ciphertext, place) => hop("decryptBytes", [key, ciphertext, place], transferOf(ciphertext));

/**
 * A commitment to a key handle's key (docs/PROTOCOL.md §10.6): base64 of
 * HMAC-SHA256(key, "sealkit/v1/group-key-commitment" ‖ 0x00 ‖ UTF-8
 * label), computed in the worker — Go's identity.KeyCommitment. A group
 * key statement carries it so that members can tell the key an admin
 * made from one the server sealed itself, without the key leaving the
 * worker. Not a key handle: INVALID_ARGUMENT.
 */
export const keyCommitment = (key, label) => hop("keyCommitment", [key, label]);

/**
 * The one way out: a session or key handle's key as base64, or a user
 * handle's {publicKey, privateKey, pqSecretKey, pqPublicKey}. Whatever
 * the page holds, a script injected into it can read: calling this for a
 * key defeats the protection of the handle API (show a recovery key, then
 * drop it). Rejects with UNSUPPORTED under loadCrypto's {exportKeys: false}.
 */
export const exportKey = (handle) => hop("exportKey", [handle]);

/**
 * Forgets a handle in every worker, zeroing its bytes. Resolves to
 * whether it was held. Never loads the core.
 */
export async function release(handle) {
  const b = backend;
  if (!b) return false;
  return (await b.broadcast("release", [handle]).catch(releaseFailure)).some(Boolean);
}

/** Logout: forgets every handle in every worker, zeroing their bytes. Never loads the core. */
export async function releaseAll() {
  const b = backend;
  if (!b) return;
  await b.broadcast("releaseAll", []).catch(releaseFailure);
}

// A worker that died took its keys with it: nothing left to release.
function releaseFailure(err) {
  const e = toSealkitError(err);
  if (e.code === ErrorCode.WORKER) return [];
  throw e;
}
