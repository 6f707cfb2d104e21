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

// start runs the Go program on an instance (its main parks, keeping the
// runtime alive) and builds the functions from the module's manifest.
// Calls go through //go:wasmexport entry points over linear memory — see
// cmd/sealkit-wasm/main_js.go for the convention — because a syscall/js
// callback costs ~13 µs per call and a wasmexport call ~20 ns.
function start(instanceFor) {
  const go = new globalThis.Go();
  go.argv = ["sealkit-wasm"];
  const instance = instanceFor(go.importObject);
  go.run(instance); // returns once main parks; the promise never settles
  const wasm = instance.exports;
  if (typeof wasm.call !== "function") throw new Error("sealkit: this .wasm is not sealkit-wasm");
  const manifest = new Reader(wasm, wasm.manifest());
  const functions = {};
  for (let i = 0, n = manifest.u32(); i < n; i++) {
    const name = manifest.str();
    const params = [];
    for (let j = 0, m = manifest.u32(); j < m; j++) {
      // "name", then "*" (bytes) or "#" (number), then "?" (optional).
      let p = manifest.str();
      const optional = p.endsWith("?");
      if (optional) p = p.slice(0, -1);
      const kind = p.endsWith("*") ? BYTES : p.endsWith("#") ? NUMBER : STRING;
      params.push({ name: kind === STRING ? p : p.slice(0, -1), optional, kind });
    }
    functions[name] = bindExport(wasm, i, params);
  }
  manifest.wipe();
  return functions;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ABSENT = 0xffffffff;
const KIND_STRING = 0, KIND_BOOL = 1, KIND_OBJECT = 2, KIND_ERROR = 3, KIND_BYTES = 4, KIND_NUMBER = 5;
// Parameter kinds: a string (UTF-8), raw bytes (a Uint8Array, copied in
// as it is), a number (u32le, a slot id).
const STRING = 0, BYTES = 1, NUMBER = 2;

// enter calls a function of the module from one call site for all of
// them, so that the optimizing compiler does not inline the JS-to-wasm
// call: Node 20's (V8 11.3) inlined call crashed the process (SIGSEGV)
// once bindMixed's code was optimized (bench/wasm.mjs's bytes and handle
// rows; fine with --no-turbo-inline-js-wasm-calls). A call site that sees
// several functions is not inlined.
const enter = (f, a, b) => f(a, b);

// Reader walks the module's output buffer: u32le lengths and UTF-8 text.
class Reader {
  constructor(wasm, len) {
    this.ptr = enter(wasm.output);
    this.len = len;
    this.bytes = new Uint8Array(wasm.mem.buffer, this.ptr, len);
    this.off = 0;
  }
  u32() {
    const b = this.bytes, o = this.off;
    this.off += 4;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }
  str() {
    const n = this.u32();
    const s = decoder.decode(this.bytes.subarray(this.off, this.off + n));
    this.off += n;
    return s;
  }
  rest() {
    return decoder.decode(this.bytes.subarray(this.off));
  }
  wipe() {
    this.bytes.fill(0); // results may be keys: leave none in linear memory
  }
}

const kindNames = ["string", "Uint8Array", "slot number"];

function codedError(code, message) {
  const err = new Error(message);
  err.code = code;
  return err;
}

// bindExport returns a function that returns the result, or an Error with
// the crate's message and a stable code (it does not throw: compat() and
// coded() decide how to surface it). The compatible table's functions take
// strings only and keep a function literal of their own (bindStrings), so
// that the code optimized for them never sees a byte or number argument.
function bindExport(wasm, index, params) {
  return params.every((p) => p.kind === STRING) ? bindStrings(wasm, index, params) : bindMixed(wasm, index, params);
}

function bindStrings(wasm, index, params) {
  return (...args) => {
    let max = 0;
    for (let i = 0; i < params.length; i++) {
      const v = args[i];
      if (typeof v === "string") max += 4 + 3 * v.length; // UTF-16 unit → at most 3 UTF-8 bytes
      else if (params[i].optional && v == null) max += 4;
      else return codedError("INVALID_ARGUMENT", "invalid argument: " + params[i].name + " must be a string");
    }
    const ptr = enter(wasm.input, max);
    const mem = new Uint8Array(wasm.mem.buffer); // after input(): memory may have grown
    const view = new DataView(wasm.mem.buffer);
    let off = ptr;
    for (let i = 0; i < params.length; i++) {
      const v = args[i];
      if (typeof v !== "string") {
        view.setUint32(off, ABSENT, true);
        off += 4;
        continue;
      }
      const { written } = encoder.encodeInto(v, mem.subarray(off + 4, ptr + max));
      view.setUint32(off, written, true);
      off += 4 + written;
    }
    return result(wasm, enter(wasm.call, index, off - ptr));
  };
}

// bindMixed is bindStrings for the slot and bytes exports: a parameter may
// also be raw bytes (a Uint8Array, copied in as it is) or a number.
function bindMixed(wasm, index, params) {
  return (...args) => {
    let max = 0;
    for (let i = 0; i < params.length; i++) {
      const v = args[i], p = params[i];
      if (p.optional && v == null) max += 4;
      else if (p.kind === STRING && typeof v === "string") max += 4 + 3 * v.length;
      else if (p.kind === BYTES && v instanceof Uint8Array) max += 4 + v.length;
      else if (p.kind === NUMBER && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) max += 8;
      else return codedError("INVALID_ARGUMENT", "invalid argument: " + p.name + " must be a " + kindNames[p.kind]);
    }
    const ptr = enter(wasm.input, max);
    const mem = new Uint8Array(wasm.mem.buffer); // after input(): memory may have grown
    const view = new DataView(wasm.mem.buffer);
    let off = ptr;
    for (let i = 0; i < params.length; i++) {
      const v = args[i], kind = params[i].kind;
      if (v === undefined || v === null) {
        view.setUint32(off, ABSENT, true);
        off += 4;
      } else if (kind === STRING) {
        const { written } = encoder.encodeInto(v, mem.subarray(off + 4, ptr + max));
        view.setUint32(off, written, true);
        off += 4 + written;
      } else if (kind === NUMBER) {
        view.setUint32(off, 4, true);
        view.setUint32(off + 4, v, true);
        off += 8;
      } else {
        view.setUint32(off, v.length, true);
        mem.set(v, off + 4);
        off += 4 + v.length;
      }
    }
    return result(wasm, enter(wasm.call, index, off - ptr));
  };
}

// result reads a call's result of the given kind, then wipes the output.
function result(wasm, kind) {
  const r = new Reader(wasm, enter(wasm.outputLen));
  try {
    switch (kind) {
      case KIND_STRING: return r.rest();
      case KIND_BOOL: return r.bytes[0] === 1;
      case KIND_OBJECT: {
        const o = {};
        while (r.off < r.len) { const k = r.str(); o[k] = r.str(); }
        return o;
      }
      case KIND_ERROR: { const code = r.str(); return codedError(code, r.str()); }
      case KIND_BYTES: return r.bytes.slice(); // a copy: the output is wiped below
      case KIND_NUMBER: return r.u32();
      default: return codedError("INTERNAL", "sealkit: unknown result kind " + kind);
    }
  } finally {
    r.wipe();
  }
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
  "INVALID_RECOVERY_KEY", "KDF", "HYBRID", "UTF8", "LOW_ORDER_KEY", "SIGNATURE",
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

/**
 * Every exported function name, in wire-format.md §6.1 order; the last two
 * (signature posture) are sealkit's, not in the crate's wasm.rs.
 */
export const exportNames = Object.freeze([
  "deriveSessionKey", "encryptSecretboxString", "decryptSecretboxToString",
  "encryptSecretbox", "decryptSecretbox", "boxSeal", "boxSealOpen",
  "sealForUser", "unsealFromUser", "sealForUserWithLevel",
  "generateHybridKeyPair512", "generateHybridKeyPair", "generateHybridKeyPair1024",
  "isHybridCiphertext", "generateKey", "generateKeyPair", "generateSalt",
  "encryptPrivateKey", "decryptPrivateKey", "generateRecoveryKey",
  "recoveryKeyToSecret", "encryptPrivateKeyForRecovery",
  "decryptPrivateKeyWithRecovery", "parseSaltFromKeyHash",
  "generateSigningKeyPair", "generateSigningKeyPairSuite", "deriveSigningPublicKey",
  "sign", "verify", "signaturePosture", "signaturePostureFromSignature",
]);

/**
 * The bytes API: the compatible functions of the same name without
 * "Bytes", over Uint8Arrays instead of base64 text — the same checks,
 * errors and results, without the base64 work and string copies. Not in
 * metamorphic-crypto.
 */
export const bytesExportNames = Object.freeze([
  "encryptSecretboxBytes", "decryptSecretboxBytes", "boxSealOpenBytes", "unsealFromUserBytes",
]);

/**
 * Internal (keystore.js's; the shape may change between versions): the key
 * slots of cmd/sealkit-wasm/slots.go, keys held in the module between calls
 * and named by a number, and the signing functions that take the secret
 * key as bytes. Reach them through codedExports(slotNames).
 */
export const slotNames = Object.freeze([
  "slotUser", "slotKey", "slotFree", "slotUnseal", "slotEncrypt", "slotDecrypt", "slotDecryptText", "slotSeal",
  "signBytes", "signingPublicKeyBytes",
]);

/**
 * The functions named (default: exportNames, the compatible table),
 * throwing an Error with `code` and the crate's `message` for every
 * failure instead of a plain string. Used by the SDK.
 */
export function codedExports(names = exportNames) {
  const out = {};
  for (const name of names) out[name] = coded(name);
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
export const generateSigningKeyPair = compat("generateSigningKeyPair");
export const generateSigningKeyPairSuite = compat("generateSigningKeyPairSuite");
export const deriveSigningPublicKey = compat("deriveSigningPublicKey");
export const sign = compat("sign");
export const verify = compat("verify");
export const signaturePosture = compat("signaturePosture");
export const signaturePostureFromSignature = compat("signaturePostureFromSignature");
export const encryptSecretboxBytes = compat("encryptSecretboxBytes");
export const decryptSecretboxBytes = compat("decryptSecretboxBytes");
export const boxSealOpenBytes = compat("boxSealOpenBytes");
export const unsealFromUserBytes = compat("unsealFromUserBytes");
