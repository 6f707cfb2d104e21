// Test harness shared by every page of internal/jstest. Each page loads it
// with its own <script type="module" src="harness.js"> before the page
// script, so it runs first and sees every later violation.
//
// It records Content-Security-Policy violations that reach this window
// (the server's report-uri endpoint also sees those of workers) and load
// failures of the page's scripts, and it gives the Go test one promise to
// wait for: sealkitHarness.ready, settled by the page script through
// pageReady()/pageFailed().

const violations = [];
const failures = [];

addEventListener("securitypolicyviolation", (e) => {
  violations.push({
    effectiveDirective: e.effectiveDirective,
    violatedDirective: e.violatedDirective,
    blockedURI: e.blockedURI,
    sourceFile: e.sourceFile,
    lineNumber: e.lineNumber,
    sample: e.sample,
    disposition: e.disposition,
  });
});

let settle;
const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
ready.catch(() => {}); // observed by the Go test, not here

function fail(what) {
  failures.push(what);
  settle.reject(new Error(what));
}

addEventListener("error", (e) => fail(`uncaught error: ${e.message} (${e.filename}:${e.lineno})`));
addEventListener("unhandledrejection", (e) => fail(`unhandled rejection: ${describe(e.reason)}`));

// A module script whose graph fails to load fires "error" at its element,
// not at the window; the ones after this harness have not fired yet.
for (const s of document.querySelectorAll("script[src]")) {
  s.addEventListener("error", () => fail(`script ${s.getAttribute("src")} (or a module it imports) failed to load`));
}

export function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

// Base64 helpers of the test pages, independent of the SDK's own.
export function bytesToB64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function b64ToBytes(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function pageReady(value) { settle.resolve(value ?? true); }
export function pageFailed(e) { fail(`page script failed: ${describe(e)}${e && e.stack ? "\n" + e.stack : ""}`); }

globalThis.sealkitHarness = Object.freeze({ violations, failures, ready });
