// Proves that the CSP detectors work: this page breaks the policy on
// purpose (string eval, new Function, and an eval inside a module worker)
// and reports what the browser did.
import { pageReady, pageFailed, describe } from "./harness.js";

function attempt(f) {
  try {
    f();
    return "ran";
  } catch (e) {
    return describe(e);
  }
}

function workerEval() {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL("./csp-negative-worker.js", import.meta.url), { type: "module" });
    w.onmessage = (e) => { resolve(e.data); w.terminate(); };
    w.onerror = (e) => { reject(new Error(`worker failed: ${e.message}`)); w.terminate(); };
  });
}

try {
  const evalResult = attempt(() => (0, eval)("1 + 1"));
  const functionResult = attempt(() => new Function("return 2")());
  const workerResult = await workerEval();
  pageReady({ evalResult, functionResult, workerResult, inlineScriptRan: globalThis.inlineScriptRan === true });
} catch (e) {
  pageFailed(e);
}
