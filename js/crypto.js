// sealkit's WebAssembly crypto core with the JavaScript API of
// metamorphic-crypto's wasm-bindgen module (wire-format.md §6.1): the same
// function names, argument and return shapes, and thrown error strings. A
// page written against metamorphic-crypto swaps its import for this file:
//
//   import init, { generateKeyPair, sealForUser } from "@sealkit/sdk/crypto.js";
//   await init();                 // or init(urlOfSealkitWasm)
//
// As in metamorphic-crypto, every function is synchronous after init() and
// a failure of the cryptography throws the crate's message as a plain
// string (e.g. "decryption failed: invalid ciphertext or wrong key").
// Misuse that the crate's bindings would also reject with a JavaScript
// error — calling before init(), a non-string argument — throws an Error
// whose `code` is NOT_READY or INVALID_ARGUMENT. The SDK (index.js) uses
// the same module through `codedExports()`, which throws Error objects with
// a stable `code` for every failure.
//
// The Go runtime's loader, wasm_exec.js, must match the Go version that
// built sealkit.wasm; `make wasm` puts both in dist/.

import "./dist/wasm_exec.js";

const defaultWasmURL = new URL("./dist/sealkit.wasm", import.meta.url);

let exportsObject = null; // the functions the Go program registered
let starting = null; // the promise of the first init()

function notReady() {
  const err = new Error("sealkit: the WebAssembly module is not loaded; await init() first");
  err.code = "NOT_READY";
  return err;
}

// start runs the Go program on an instance and collects its exports. The
// Go side reads the name of a temporary global from argv, registers its
// functions on that object and calls ready() before it parks.
function start(instanceFor) {
  const go = new globalThis.Go();
  const name = "__sealkitExports" + Math.random().toString(36).slice(2);
  let registered = null;
  globalThis[name] = { ready() { registered = this; } };
  go.argv = ["sealkit-wasm", name];
  try {
    const instance = instanceFor(go.importObject);
    go.run(instance); // returns once main parks; the promise never settles
  } finally {
    delete globalThis[name];
  }
  if (!registered) throw new Error("sealkit: the WebAssembly module did not start");
  delete registered.ready;
  return registered;
}

async function fetchBytesOrResponse(input) {
  const url = input instanceof URL ? input : new URL(String(input), globalThis.location?.href ?? defaultWasmURL);
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`sealkit: fetching ${url.pathname} failed: HTTP ${response.status}`);
  return response;
}

async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof Response !== "undefined" && source instanceof Response) {
    const streaming = source.headers.get("Content-Type")?.split(";")[0].trim() === "application/wasm";
    if (streaming && WebAssembly.compileStreaming) return WebAssembly.compileStreaming(source);
    return WebAssembly.compile(await source.arrayBuffer());
  }
  return WebAssembly.compile(source);
}

/**
 * Loads the module once; later calls return the same promise. `input` is
 * what wasm-bindgen's init takes: a URL or string (default: dist/sealkit.wasm
 * next to this file), a Request, a Response or a promise of one, bytes, a
 * WebAssembly.Module, or `{ module_or_path }` holding one of those.
 */
export default function init(input) {
  if (starting) return starting;
  starting = (async () => {
    if (input && typeof input === "object" && "module_or_path" in input) input = input.module_or_path;
    let source = await (input ?? defaultWasmURL);
    if (typeof source === "string" || source instanceof URL) source = await fetchBytesOrResponse(source);
    if (typeof Request !== "undefined" && source instanceof Request) source = await fetch(source);
    const module = await compile(source);
    if (exportsObject) return exportsObject; // initSync ran meanwhile: keep one instance
    exportsObject = start((imports) => new WebAssembly.Instance(module, imports));
    return exportsObject;
  })();
  starting.catch(() => { starting = null; }); // a failed load may be retried
  return starting;
}

/** Synchronous init from a WebAssembly.Module or bytes (wasm-bindgen's initSync). */
export function initSync(module) {
  if (exportsObject) return exportsObject;
  if (module && typeof module === "object" && "module" in module) module = module.module;
  const compiled = module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module);
  exportsObject = start((imports) => new WebAssembly.Instance(compiled, imports));
  starting = Promise.resolve(exportsObject);
  return exportsObject;
}

/** Reports whether init() has finished. */
export function isReady() {
  return exportsObject !== null;
}

function call(name, args) {
  if (!exportsObject) throw notReady();
  return exportsObject[name](...args);
}

// Codes of failures that the crate reports as a plain string.
const crateCodes = new Set([
  "BASE64", "DECRYPTION", "INVALID_LENGTH", "TOO_SHORT", "INVALID_KEY_HASH",
  "INVALID_RECOVERY_KEY", "KDF", "HYBRID", "UTF8", "LOW_ORDER_KEY",
]);

function compat(name) {
  return (...args) => {
    const r = call(name, args);
    if (r instanceof Error) throw crateCodes.has(r.code) ? r.message : r;
    return r;
  };
}

function coded(name) {
  return (...args) => {
    const r = call(name, args);
    if (r instanceof Error) throw r;
    return r;
  };
}

/** Every exported function name, in wire-format.md §6.1 order. */
export const exportNames = Object.freeze([
  "deriveSessionKey", "encryptSecretboxString", "decryptSecretboxToString",
  "encryptSecretbox", "decryptSecretbox", "boxSeal", "boxSealOpen",
  "sealForUser", "unsealFromUser", "sealForUserWithLevel",
  "generateHybridKeyPair512", "generateHybridKeyPair", "generateHybridKeyPair1024",
  "isHybridCiphertext", "generateKey", "generateKeyPair", "generateSalt",
  "encryptPrivateKey", "decryptPrivateKey", "generateRecoveryKey",
  "recoveryKeyToSecret", "encryptPrivateKeyForRecovery",
  "decryptPrivateKeyWithRecovery", "parseSaltFromKeyHash",
]);

/**
 * The same functions, throwing an Error with `code` and the crate's
 * `message` for every failure instead of a plain string. Used by the SDK.
 */
export function codedExports() {
  const out = {};
  for (const name of exportNames) out[name] = coded(name);
  return Object.freeze(out);
}

export const deriveSessionKey = compat("deriveSessionKey");
export const encryptSecretboxString = compat("encryptSecretboxString");
export const decryptSecretboxToString = compat("decryptSecretboxToString");
export const encryptSecretbox = compat("encryptSecretbox");
export const decryptSecretbox = compat("decryptSecretbox");
export const boxSeal = compat("boxSeal");
export const boxSealOpen = compat("boxSealOpen");
export const sealForUser = compat("sealForUser");
export const unsealFromUser = compat("unsealFromUser");
export const sealForUserWithLevel = compat("sealForUserWithLevel");
export const generateHybridKeyPair512 = compat("generateHybridKeyPair512");
export const generateHybridKeyPair = compat("generateHybridKeyPair");
export const generateHybridKeyPair1024 = compat("generateHybridKeyPair1024");
export const isHybridCiphertext = compat("isHybridCiphertext");
export const generateKey = compat("generateKey");
export const generateKeyPair = compat("generateKeyPair");
export const generateSalt = compat("generateSalt");
export const encryptPrivateKey = compat("encryptPrivateKey");
export const decryptPrivateKey = compat("decryptPrivateKey");
export const generateRecoveryKey = compat("generateRecoveryKey");
export const recoveryKeyToSecret = compat("recoveryKeyToSecret");
export const encryptPrivateKeyForRecovery = compat("encryptPrivateKeyForRecovery");
export const decryptPrivateKeyWithRecovery = compat("decryptPrivateKeyWithRecovery");
export const parseSaltFromKeyHash = compat("parseSaltFromKeyHash");
