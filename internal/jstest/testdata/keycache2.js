// The page side of TestBrowserKeyCacheV2: the SDK's v2 key cache
// (js/keycache.js writeKeyCache/readKeyCache/clearKeyCacheV2) as an app
// uses it against the real accounts handlers of the test server, the same
// read from a dedicated worker, and read-only views of its IndexedDB
// database for the test's checks. Keys cross to the Go test as base64.

import { pageReady, pageFailed, bytesToB64, b64ToBytes } from "./harness.js";
import { writeKeyCache, readKeyCache, clearKeyCacheV2, keyCacheV2Supported } from "/sdk/keycache.js";
import * as sdk from "/sdk/index.js";

const DB = "sealkit-keycache-v2";
const SECRET_URL = "/api/auth/key-cache";
const FIELDS = ["privateKey", "pqSeed", "publicKey", "pqPublicKey"];

const toBytes = (k) => Object.fromEntries(FIELDS.map((f) => [f, b64ToBytes(k[f])]));
const toB64 = (k) => (k === null ? null : Object.fromEntries(FIELDS.map((f) => [f, bytesToB64(k[f])])));

async function post(path, body) {
  const res = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  return res.status;
}

// inspect opens the cache's database without creating it and reports the
// stored entry and device secret (base64), for the test's checks.
function inspect() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB);
    req.onupgradeneeded = () => {
      req.transaction.abort(); // it did not exist: do not create it
      resolve({ exists: false });
    };
    req.onerror = () => {
      if (req.error?.name === "AbortError") return;
      reject(req.error);
    };
    req.onsuccess = () => {
      const db = req.result;
      try {
        const tx = db.transaction("cache", "readonly");
        const out = { exists: true };
        tx.objectStore("cache").get("entry").onsuccess = (e) => { out.entry = e.target.result ?? null; };
        tx.objectStore("cache").get("device-secret").onsuccess = (e) => {
          const v = e.target.result;
          out.deviceSecret = v instanceof Uint8Array ? bytesToB64(v) : null;
        };
        tx.oncomplete = () => { db.close(); resolve(out); };
        tx.onerror = () => { db.close(); reject(tx.error); };
      } catch (e) {
        db.close();
        reject(e);
      }
    };
  });
}

// inWorker runs one readKeyCache in a fresh dedicated module worker.
function inWorker(userId) {
  return new Promise((resolve, reject) => {
    const w = new Worker("keycache2-worker.js", { type: "module" });
    w.onmessage = (e) => { w.terminate(); resolve(e.data); };
    w.onerror = (e) => { w.terminate(); reject(new Error(`worker failed: ${e.message}`)); };
    w.postMessage({ userId, secretUrl: SECRET_URL });
  });
}

// The cache through the handle API: a new account's keys go from the
// worker into the cache (cacheUser), a resource key is sealed to the
// account and a note encrypted under it; after a reload the worker opens
// the cache to a new user handle (openCachedUser), which signs with the
// account's identity signing key and opens the key and the note. The page holds handles and ciphertext only.
async function cacheByHandle(userId) {
  await sdk.loadCrypto(undefined, { workers: 2 });
  const { user, publicKey, pqPublicKey, identityPublicKey } = await sdk.makeAccount("a password", "a@example.test");
  sessionStorage.setItem("t.identity", identityPublicKey);
  const key = await sdk.newKey();
  const [copy] = await sdk.sealKey(key, [{ user_id: userId, public_key: publicKey, pq_public_key: pqPublicKey }]);
  sessionStorage.setItem("t.sealed", copy.encrypted_key);
  sessionStorage.setItem("t.note", await sdk.encryptText(key, "a note under a cached key"));
  const stored = await sdk.cacheUser(user, { userId, secretUrl: SECRET_URL });
  await sdk.releaseAll();
  return stored;
}

async function openByHandle(userId) {
  await sdk.loadCrypto(undefined, { workers: 2 });
  const opened = await sdk.openCachedUser({ userId, secretUrl: SECRET_URL });
  if (opened === null) return null;
  // The identity signing key came through the cache too: the handle
  // signs as the account made before the reload.
  const identity = sessionStorage.getItem("t.identity");
  if (opened.identityPublicKey !== identity) throw new Error("the cached user handle lost its identity signing key");
  const msg = new TextEncoder().encode("signed after a reload");
  const sig = await sdk.signAsUser(opened.user, msg, sdk.SIGN_CONTEXT_V1);
  if (await sdk.verifySignature(msg, sdk.SIGN_CONTEXT_V1, sig, identity) !== true) throw new Error("the signature does not verify");
  if (await sdk.verifySignature(msg, "another context", sig, identity) !== false) throw new Error("a signature verified under another context");
  const key = await sdk.openKey(opened.user, sessionStorage.getItem("t.sealed"));
  return sdk.decryptText(key, sessionStorage.getItem("t.note"));
}

globalThis.sealkitTest = Object.freeze({
  cacheByHandle,
  openByHandle,
  login: (user) => post("/test/login", { user }),
  logout: () => post("/test/logout"),
  write: (userId, keys) => writeKeyCache({ userId, keys: toBytes(keys), secretUrl: SECRET_URL }),
  read: async (userId, secretUrl) => toB64(await readKeyCache({ userId, secretUrl: secretUrl ?? SECRET_URL })),
  readInWorker: (userId) => inWorker(userId),
  clear: async () => { await clearKeyCacheV2(); return true; },
  inspect,
  databases: async () => (await indexedDB.databases()).map((d) => d.name).sort(),
  localStorageLength: () => localStorage.length,
});

try {
  pageReady({ supported: keyCacheV2Supported() });
} catch (e) {
  pageFailed(e);
}
