// The page side of TestBrowserHandlesXSS: an application that unlocks
// with the SDK's handle API (deriveLoginKeys → unlockUser → openKey →
// decryptText) in a pool of two workers and keeps what an application
// keeps — its handles in a global, the account record, the sealed key,
// the ciphertext, the decrypted note in the DOM, the handles and the auth
// key in sessionStorage — all of it in reach of a script injected into the
// page. inject() then loads that script (handles-xss.js, same origin,
// allowed by the page's CSP like any script of the site).

import { pageReady, pageFailed } from "./harness.js";
import * as sdk from "/sdk/index.js";

async function unlock(password, keyHash, me, sealedKey, noteCiphertext) {
  const { session, authKey } = await sdk.deriveLoginKeys(password, keyHash);
  const { user, identityPublicKey } = await sdk.unlockUser(session, me);
  // The handle holds the identity signing key and signs with it.
  if (identityPublicKey !== me.identity_public_key) throw new Error("unlockUser did not open the signing key");
  const statement = new TextEncoder().encode("signed on the page");
  const signature = await sdk.signAsUser(user, statement, sdk.SIGN_CONTEXT_V1);
  if (!(await sdk.verifySignature(statement, sdk.SIGN_CONTEXT_V1, signature, identityPublicKey))) throw new Error("signAsUser");
  const key = await sdk.openKey(user, sealedKey);
  const note = await sdk.decryptText(key, noteCiphertext);
  globalThis.app = { session, user, key, me, sealedKey, noteCiphertext, authKey };
  sessionStorage.setItem("app.handles", JSON.stringify({ session, user, key }));
  sessionStorage.setItem("app.authKey", authKey);
  const p = document.createElement("p");
  p.id = "note";
  p.dataset.key = key;
  p.textContent = note;
  document.getElementById("app").append(p);
  return { note, authKey };
}

// inject loads the injected script and waits for its report.
async function inject() {
  const s = document.createElement("script");
  s.type = "module";
  s.src = "/t/handles-xss.js";
  document.head.append(s);
  for (let i = 0; !globalThis.xssReport; i++) {
    if (i > 24000) throw new Error("the injected script did not report");
    await new Promise((r) => setTimeout(r, 10));
  }
  return globalThis.xssReport.summary();
}

globalThis.sealkitTest = Object.freeze({
  unlock,
  inject,
  chunk: (i) => globalThis.xssReport.chunk(i),
  decryptNote: async () => {
    try {
      return { note: await sdk.decryptText(globalThis.app.key, globalThis.app.noteCiphertext) };
    } catch (e) {
      return { code: e.code };
    }
  },
  // The one way out, called by the test itself (never by the injected
  // script) as the positive control of the scans.
  exportKey: () => sdk.exportKey(globalThis.app.key),
  logout: async () => {
    await sdk.releaseAll();
    return true;
  },
});

try {
  const { mode } = await sdk.loadCrypto(undefined, { workers: 2 });
  pageReady({ mode });
} catch (e) {
  pageFailed(e);
}
