// The SDK's crypto worker: a dedicated module worker that owns one
// instance of the WebAssembly core, so that Argon2id and the ML-KEM work
// never block the page. index.js starts it as
//   new Worker(new URL("./worker.js", import.meta.url), { type: "module" })
// and speaks this protocol (every message is structured-clone data):
//
//   → {type: "init", wasmUrl}         ← {type: "ready"}
//                                     ← {type: "error", code: "LOAD", message}
//   → {id, fn, args}                  ← {id, result} | {id, error: {code, message}}
//       fn: one of crypto.js exportNames or bytesExportNames, run through
//       codedExports() (never a slot function: those are keystore.js's)
//   → {id, op, args}                  ← {id, result} | {id, error: {code, message}}
//       op: one of ops.js opNames (the SDK's high-level calls)
//   → {id, h, args}                   ← {id, result} | {id, error: {code, message}}
//       h: an operation of the key store (keystore.js): the handle API.
//       A byte argument's buffer may come transferred; a byte result
//       goes back transferred.
//   → {type: "peers", ports}          (a pool of n > 1 workers, once, after
//       every worker is ready: one MessagePort to each sibling)
//
// init may carry exportKeys: false (keystore.js exportKey then fails).
//
// Replication. The keys of the handle API live in this worker's key store
// and nowhere else but in the sibling workers of the same pool: an
// operation that makes handles sends each new entry to every sibling over
// its port ({type: "put", seq, entries} → {type: "ack", seq}) and answers
// the page only once every sibling acknowledged, so that the page's next
// call finds the handle on whichever worker it goes to. The page sets the
// ports up and never holds one (it transfers both ends away), so no key
// byte passes through it. A put that is not acknowledged within
// REPLICATE_TIMEOUT_MS fails the operation with WORKER and its handles are
// dropped everywhere ({type: "drop", handles}). Release is sent by the
// page to every worker.
//
// A message that cannot be deserialized is answered with
// {type: "messageerror"}: its id is unknown, so the page fails every
// pending request rather than letting one hang. Nothing is logged.

import { ErrorCode, SealkitError, serializeError } from "./errors.js";
import { makeOps, opNames } from "./ops.js";
import { makeKeystore } from "./keystore.js";

const REPLICATE_TIMEOUT_MS = 30000;

let api = null; // codedExports() once loaded
let ops = null;
let keystore = null;
let exportKeys = true;
let peers = []; // MessagePorts to the sibling workers of the pool
let nextSeq = 1;
const waiting = new Map(); // seq → {left, resolve, reject, timer}
let loading = null;
let exportSet = null;
const opSet = new Set(opNames);

// crypto.js is imported on the first init message, not statically, so that
// a failure to load it (or wasm_exec.js) is reported as LOAD instead of
// killing the worker before it can answer.
function load(wasmUrl) {
  loading ??= (async () => {
    const crypto = await import("./crypto.js");
    await crypto.default(wasmUrl ?? undefined);
    // The compatible functions and the bytes API, for {fn} requests.
    api = crypto.codedExports([...crypto.exportNames, ...crypto.bytesExportNames]);
    ops = makeOps(api);
    keystore = makeKeystore(api, { exportKeys, slots: crypto.codedExports(crypto.slotNames) });
    exportSet = new Set(Object.keys(api));
  })();
  loading.catch(() => { loading = null; }); // allow a later init to retry
  return loading;
}

function run(data) {
  if (!api) throw new SealkitError(ErrorCode.NOT_READY, "sealkit: the WebAssembly module is not loaded; await init() first");
  const args = Array.isArray(data.args) ? data.args : [];
  if (typeof data.fn === "string") {
    if (!exportSet.has(data.fn)) throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: unknown function");
    return api[data.fn](...args);
  }
  if (typeof data.op === "string" && opSet.has(data.op)) return ops[data.op](...args);
  if (typeof data.h === "string") return keystore.run(data.h, args, peers.length > 0 ? replicate : null);
  throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: unknown operation");
}

async function onMessage(event) {
  const data = event.data;
  if (data === null || typeof data !== "object") return;
  if (data.type === "peers") {
    setPeers(data.ports);
    return;
  }
  if (data.type === "init") {
    if (data.exportKeys === false) exportKeys = false;
    try {
      await load(data.module instanceof WebAssembly.Module ? data.module : data.wasmUrl);
      postMessage({ type: "ready" });
    } catch (err) {
      postMessage({ type: "error", code: ErrorCode.LOAD, message: loadMessage(err) });
    }
    return;
  }
  if (data.id === undefined) return;
  let reply;
  try {
    let result = run(data);
    if (result instanceof Promise) result = await result;
    // A byte result (the bytes API, encryptBytes, decryptBytes) is fresh
    // and owned by nobody else: transfer, not copy.
    reply = result instanceof Uint8Array ? [{ id: data.id, result }, [result.buffer]] : [{ id: data.id, result }];
  } catch (err) {
    reply = [{ id: data.id, error: serializeError(err) }];
  }
  try {
    postMessage(...reply);
  } catch {
    // A reply that cannot be cloned must still settle the request: an
    // unhandled failure here would reach no one and the page would wait.
    postMessage({ id: data.id, error: { code: ErrorCode.INTERNAL, message: "sealkit: the result could not be sent" } });
  }
}

// ---- replication of the key store over the sibling ports ------------------

function setPeers(ports) {
  if (!Array.isArray(ports)) return;
  peers = ports.filter((p) => p && typeof p.postMessage === "function");
  for (const port of peers) port.onmessage = (event) => onPeerMessage(port, event.data);
}

function onPeerMessage(port, m) {
  if (m === null || typeof m !== "object") return;
  if (m.type === "put") {
    let error;
    try {
      if (!keystore) throw new SealkitError(ErrorCode.NOT_READY, "sealkit: the WebAssembly module is not loaded");
      for (const [handle, entry] of m.entries) keystore.put(handle, entry);
    } catch (err) {
      error = serializeError(err);
    }
    port.postMessage({ type: "ack", seq: m.seq, error });
  } else if (m.type === "ack") {
    const w = waiting.get(m.seq);
    if (!w) return;
    if (m.error) {
      settle(m.seq);
      w.reject(new SealkitError(ErrorCode.WORKER, "sealkit: a sibling crypto worker could not take a key"));
    } else if (--w.left === 0) {
      settle(m.seq);
      w.resolve();
    }
  } else if (m.type === "drop" && Array.isArray(m.handles)) {
    keystore?.drop(m.handles);
  }
}

function settle(seq) {
  clearTimeout(waiting.get(seq)?.timer);
  waiting.delete(seq);
}

// replicate sends new entries to every sibling (fresh copies, transferred)
// and resolves once all of them acknowledged.
function replicate(created) {
  const seq = nextSeq++;
  const handles = created.map(([h]) => h);
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      settle(seq);
      reject(new SealkitError(ErrorCode.WORKER, "sealkit: a sibling crypto worker did not take a key in time"));
    }, REPLICATE_TIMEOUT_MS);
    waiting.set(seq, { left: peers.length, resolve, reject, timer });
  });
  for (const port of peers) {
    const entries = [];
    const transfer = [];
    for (const [h, e] of created) {
      const c = keystore.copyEntry(e);
      entries.push([h, c.entry]);
      transfer.push(...c.transfer);
    }
    port.postMessage({ type: "put", seq, entries }, transfer);
  }
  return done.catch((err) => {
    for (const port of peers) port.postMessage({ type: "drop", handles });
    throw err;
  });
}

// A load failure's message names what failed (a URL, an HTTP status, a
// compile error); it never involves key material.
function loadMessage(err) {
  const detail = err && typeof err === "object" && typeof err.message === "string" ? err.message : String(err);
  return detail.startsWith("sealkit:") ? detail : `sealkit: loading the WebAssembly module failed: ${detail}`;
}

addEventListener("message", onMessage);
addEventListener("messageerror", () => postMessage({ type: "messageerror" }));
