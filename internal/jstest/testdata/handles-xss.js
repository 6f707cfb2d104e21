// The injected script of TestBrowserHandlesXSS: what a script injected
// into a page of the site (same origin, allowed by its CSP) can get at.
// It knows nothing of the keys. It
//   - sniffs every message the page reads from then on (MessageEvent#data),
//   - walks everything reachable from globalThis (own properties, getters
//     included, prototypes, Maps, Sets, arrays, typed arrays), the DOM,
//     sessionStorage, localStorage and cookies, collecting strings,
//   - takes every string that looks like a handle, and calls every
//     function of every SDK module (index.js, account.js, share.js,
//     keycache.js, authkey.js, errors.js, crypto.js) — and the methods of
//     every SDK class it can construct — with every combination of up to
//     two arguments from what it found, call() with each of the 24 export
//     names (the functions that take a password run Argon2id for every
//     string given as one: they get two candidate passwords, not all),
//   - and reports every result and error it got, every string it
//     reached and everything it sniffed, as a haystack of strings (bytes
//     as base64 and hex) for the Go test to search for the keys.
// Skipped, and reported as skipped: exportKey (the documented way out) and
// the calls that end the session (terminate, release, releaseAll,
// account.js UserKeys#forget) —
// they return no key material, and the test checks afterwards that the
// page's handles still work.

const hay = new Set();
const sniffed = [];
const skipped = {
  exportKey: "the documented way out of the handle API",
  terminate: "ends the session",
  release: "ends the session",
  releaseAll: "ends the session",
  "UserKeys#forget": "ends the session (releaseAll, then the caches)",
};

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, "0")).join("");
function b64(u8) {
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}
function addBytes(u8) {
  if (u8.length === 0 || u8.length > 1 << 20) return;
  hay.add(b64(u8));
  hay.add(hex(u8));
}

// The sniffer: every message event's data the page reads from now on.
const dataGetter = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "data").get;
Object.defineProperty(MessageEvent.prototype, "data", {
  configurable: true,
  get() {
    const d = dataGetter.call(this);
    sniffed.push(d);
    return d;
  },
});

// collect walks a value: strings and bytes into the haystack, handles into
// `handles`, up to `budget` objects.
const handles = new Set();
const HANDLE = /sk1\.[A-Za-z0-9_-]{22}/g;
function addString(s) {
  if (s.length > 1 << 20) s = s.slice(0, 1 << 20);
  hay.add(s);
  for (const m of s.matchAll(HANDLE)) handles.add(m[0]);
}
function collect(root, budget = 200000) {
  const seen = new Set();
  const stack = [root];
  while (stack.length > 0 && seen.size < budget) {
    const v = stack.pop();
    if (typeof v === "string") { addString(v); continue; }
    if (v === null || (typeof v !== "object" && typeof v !== "function")) continue;
    if (seen.has(v)) continue;
    seen.add(v);
    try {
      if (ArrayBuffer.isView(v)) { addBytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); continue; }
      if (v instanceof ArrayBuffer) { addBytes(new Uint8Array(v)); continue; }
      if (v instanceof Node) continue; // the DOM is read as HTML below
      if (v instanceof Error) { addString(String(v.message)); addString(String(v.code ?? "")); }
      if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
      if (v instanceof Set) for (const x of v) stack.push(x);
    } catch { continue; }
    let keys = [];
    try { keys = Reflect.ownKeys(v); } catch { /* a revoked proxy */ }
    for (const k of keys) {
      if (typeof k === "string") addString(k);
      let d;
      try { d = Object.getOwnPropertyDescriptor(v, k); } catch { continue; }
      if (!d) continue;
      if ("value" in d) stack.push(d.value);
      else if (d.get) { try { stack.push(d.get.call(v)); } catch { /* a getter that throws */ } }
    }
    try { stack.push(Object.getPrototypeOf(v)); } catch { /* */ }
  }
}

function collectPage() {
  collect(globalThis);
  addString(document.documentElement.outerHTML);
  for (const s of [sessionStorage, localStorage]) {
    for (let i = 0; i < s.length; i++) { addString(s.key(i)); addString(s.getItem(s.key(i)) ?? ""); }
  }
  addString(document.cookie);
  collect(sniffed);
}

// ---- before calling anything: what the page holds --------------------------

collectPage();

const modules = {};
for (const name of ["index.js", "account.js", "share.js", "keycache.js", "authkey.js", "errors.js", "crypto.js"]) {
  try {
    modules[name] = await import(`/sdk/${name}`);
  } catch (e) {
    addString(`import ${name} failed: ${e}`);
  }
}
for (const ns of Object.values(modules)) collect(ns);

// What the calls are made with: the handles found, and the strings and
// objects of the page's own state that look like inputs.
const app = globalThis.app ?? {};
const strings = [...handles, app.sealedKey, app.noteCiphertext, app.me?.key_hash].filter((s) => typeof s === "string");
const values = [
  ...strings,
  app.me,
  [app.me],
  [app.noteCiphertext],
  [app.sealedKey],
  [...handles].map((key) => ({ key, ciphertext: app.noteCiphertext })),
  { level: "cat1" },
  undefined,
];
if (typeof app.noteCiphertext === "string") values.push(Uint8Array.from(atob(app.noteCiphertext), (c) => c.charCodeAt(0)));

let calls = 0;
const called = [];
const TIMEOUT = Symbol("timeout");

// run calls f(...args) with a fresh copy of byte arguments (a transfer
// detaches them) and records what it gives back or throws.
async function run(f, self, args) {
  calls++;
  args = args.map((a) => (a instanceof Uint8Array ? a.slice() : a));
  let r;
  try {
    r = f.apply(self, args);
    if (r && typeof r.then === "function") {
      let timer;
      r = await Promise.race([r, new Promise((res) => { timer = setTimeout(() => res(TIMEOUT), 5000); })]);
      clearTimeout(timer);
    }
  } catch (e) {
    r = e;
  }
  if (r && typeof r.close === "function" && typeof r.send === "function") {
    try { r.close(); } catch { /* a watcher */ }
  }
  collect(r, 20000);
  return r;
}

// argLists: every list of up to two values.
function* argLists(pool = values) {
  yield [];
  for (const a of pool) yield [a];
  for (const a of pool) for (const b of pool) yield [a, b];
}

// The functions that derive from a password (Argon2id, ~1 s each) make
// new keys from what they are given; they get fewer candidates.
const fromPassword = new Set(["makeAccount", "makeAccountKeys", "finishSignup", "finishSignupSession", "login", "loginSession", "deriveLoginKeys", "deriveSessionKey", "unlockWithPassword", "startSignup"]);
const passwordPool = [app.me?.key_hash, "x", app.me, { level: "cat1" }, undefined];

const isClass = (f) => /^class[\s{]/.test(Function.prototype.toString.call(f));

async function callAll(label, f, self, pool) {
  called.push(label);
  const pending = [];
  for (const args of argLists(pool)) {
    pending.push(run(f, self, args));
    if (pending.length >= 32) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

// The direct API in this thread would load a core of its own: allowed,
// and harmless (it holds none of the worker's keys); its functions are
// called like the rest.
for (const [modName, ns] of Object.entries(modules)) {
  for (const [name, f] of Object.entries(ns)) {
    if (typeof f !== "function") continue;
    if (Object.hasOwn(skipped, name) && modName === "index.js") continue;
    if (modName === "crypto.js" && (name === "default" || name === "initSync")) {
      await run(f, null, []); // load it, then call its functions below
      continue;
    }
    if (isClass(f)) {
      const instances = [];
      for (const a of [undefined, ...values]) {
        try { instances.push(new f(a)); } catch (e) { collect(e); }
      }
      const proto = f.prototype;
      for (const m of Reflect.ownKeys(proto)) {
        if (m === "constructor" || typeof proto[m] !== "function") continue;
        if (Object.hasOwn(skipped, `${name}#${String(m)}`)) continue;
        for (const inst of instances.slice(0, 2)) await callAll(`${modName} ${name}#${String(m)}`, proto[m], inst, fromPassword.has(m) ? passwordPool : values);
      }
      continue;
    }
    if (name === "call") {
      called.push(`${modName} call`);
      for (const fn of modules["crypto.js"]?.exportNames ?? []) {
        const pending = [];
        for (const rest of argLists(fromPassword.has(fn) ? passwordPool : values)) pending.push(run(f, null, [fn, ...rest]));
        await Promise.all(pending);
      }
      continue;
    }
    await callAll(`${modName} ${name}`, f, null, fromPassword.has(name) ? passwordPool : values);
  }
}

// ---- after: everything reachable again, and what was sniffed -------------

collectPage();

// A handle-mediated operation works for the injected script too (it can
// use the keys while the session lasts; it cannot take them).
let decrypted = null;
try {
  decrypted = await modules["index.js"].decryptText(app.key, app.noteCiphertext);
} catch (e) {
  decrypted = `failed: ${e.code}`;
}

const text = [...hay].join("\n");
const CHUNK = 4 << 20;
globalThis.xssReport = Object.freeze({
  summary: () => ({
    calls,
    functions: called,
    skipped: Object.keys(skipped).sort(),
    handles: [...handles],
    decrypted,
    sniffedMessages: sniffed.length,
    strings: hay.size,
    chunks: Math.ceil(text.length / CHUNK),
  }),
  chunk: (i) => text.slice(i * CHUNK, (i + 1) * CHUNK),
});
