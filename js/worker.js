// The SDK's crypto worker: a dedicated module worker that owns one
// instance of the WebAssembly core, so that Argon2id and the ML-KEM work
// never block the page. index.js starts it as
//   new Worker(new URL("./worker.js", import.meta.url), { type: "module" })
// and speaks this protocol (every message is structured-clone data):
//
//   → {type: "init", wasmUrl}         ← {type: "ready"}
//                                     ← {type: "error", code: "LOAD", message}
//   → {id, fn, args}                  ← {id, result} | {id, error: {code, message}}
//       fn: one of crypto.js exportNames, run through codedExports()
//   → {id, op, args}                  ← {id, result} | {id, error: {code, message}}
//       op: one of ops.js opNames (the SDK's high-level calls)
//
// A message that cannot be deserialized is answered with
// {type: "messageerror"}: its id is unknown, so the page fails every
// pending request rather than letting one hang. Nothing is logged.

import { ErrorCode, SealkitError, serializeError } from "./errors.js";
import { makeOps, opNames } from "./ops.js";

let api = null; // codedExports() once loaded
let ops = null;
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
    api = crypto.codedExports();
    ops = makeOps(api);
    exportSet = new Set(crypto.exportNames);
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
  throw new SealkitError(ErrorCode.INVALID_ARGUMENT, "invalid argument: unknown operation");
}

async function onMessage(event) {
  const data = event.data;
  if (data === null || typeof data !== "object") return;
  if (data.type === "init") {
    try {
      await load(data.wasmUrl);
      postMessage({ type: "ready" });
    } catch (err) {
      postMessage({ type: "error", code: ErrorCode.LOAD, message: loadMessage(err) });
    }
    return;
  }
  if (data.id === undefined) return;
  let reply;
  try {
    const result = run(data);
    // A byte result is fresh and owned by nobody else: transfer, not copy.
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

// A load failure's message names what failed (a URL, an HTTP status, a
// compile error); it never involves key material.
function loadMessage(err) {
  const detail = err && typeof err === "object" && typeof err.message === "string" ? err.message : String(err);
  return detail.startsWith("sealkit:") ? detail : `sealkit: loading the WebAssembly module failed: ${detail}`;
}

addEventListener("message", onMessage);
addEventListener("messageerror", () => postMessage({ type: "messageerror" }));
