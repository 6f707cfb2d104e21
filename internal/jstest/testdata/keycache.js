// The page side of TestBrowserKeyCache: the SDK's key cache
// (js/keycache.js) as an application uses it, plus read-only views of the
// storage it uses (localStorage, IndexedDB) for the test's checks.

import { pageReady, pageFailed, describe } from "./harness.js";
import { cacheKeys, getCachedKeys, clearKeyCache, keyCacheSupported } from "/sdk/keycache.js";

const ENTRY = "sealkit.keycache.v1";
const DB = "sealkit-keycache";

// inspectWrappingKey opens the cache's database without creating it and
// reports what it stores under "wrapping-key-v1", and whether its bytes can
// be exported.
function inspectWrappingKey() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB);
    req.onupgradeneeded = () => {
      req.transaction.abort(); // it did not exist: do not create it
      resolve({ exists: false });
    };
    req.onerror = () => {
      if (req.error?.name === "AbortError") return; // our own abort above
      reject(req.error);
    };
    req.onsuccess = async () => {
      const db = req.result;
      try {
        const key = await new Promise((res, rej) => {
          const get = db.transaction("keys", "readonly").objectStore("keys").get("wrapping-key-v1");
          get.onsuccess = () => res(get.result);
          get.onerror = () => rej(get.error);
        });
        const attempt = async (format) => {
          try {
            await crypto.subtle.exportKey(format, key);
            return "exported";
          } catch (e) {
            return describe(e);
          }
        };
        resolve({
          exists: true,
          isCryptoKey: key instanceof CryptoKey,
          type: key?.type,
          extractable: key?.extractable,
          algorithm: key?.algorithm ? { name: key.algorithm.name, length: key.algorithm.length } : null,
          usages: key?.usages ? [...key.usages].sort() : null,
          exportRaw: await attempt("raw"),
          exportJwk: await attempt("jwk"),
        });
      } catch (e) {
        reject(e);
      } finally {
        db.close();
      }
    };
  });
}

globalThis.sealkitTest = Object.freeze({
  supported: () => keyCacheSupported(),
  cache: (keys) => cacheKeys(keys),
  get: () => getCachedKeys(),
  clear: async () => { await clearKeyCache(); return true; },
  entry: () => localStorage.getItem(ENTRY),
  setEntry: (value) => { localStorage.setItem(ENTRY, value); return true; },
  databases: async () => (await indexedDB.databases()).map((d) => d.name).sort(),
  inspectWrappingKey,
});

try {
  pageReady({ supported: keyCacheSupported() });
} catch (e) {
  pageFailed(e);
}
