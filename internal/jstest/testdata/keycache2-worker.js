// A dedicated worker that reads the v2 key cache (no DOM, no localStorage
// here): the page's inWorker posts {userId, secretUrl}; the answer is the
// keys in base64, null, or {error}.

import { readKeyCache, keyCacheV2Supported } from "/sdk/keycache.js";

const b64 = (u) => btoa(String.fromCharCode(...u));

self.onmessage = async (e) => {
  try {
    const keys = await readKeyCache(e.data);
    self.postMessage({
      supported: keyCacheV2Supported(),
      hasLocalStorage: typeof self.localStorage !== "undefined",
      keys: keys && Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, b64(v)])),
    });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
