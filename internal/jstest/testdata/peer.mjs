// The Node target of internal/jstest's cross-target suite (cross_test.go).
//
//   node peer.mjs /path/to/crypto.js
//
// Loads sealkit's js/crypto.js (a copy next to the test binary's wasm
// build, see main_test.go) with its default module URL, and runs its
// codedExports() — the functions the SDK uses — on request.
//
// Protocol: one JSON object per line. First the peer writes
//   {"ready": true, "exports": [names]}
// then answers each request {"id": N, "fn": name, "args": [...]} in order
// with {"id": N, "ok": true, "value": v} or
// {"id": N, "ok": false, "isError": bool, "name": s, "code": s, "message": s}.
// Only the protocol goes to stdout: console.log (which the Go runtime's
// wasm_exec.js uses for the program's output) is sent to stderr.

import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
console.log = (...args) => console.error(...args);

const cryptoPath = process.argv[2];
if (!cryptoPath) {
  console.error("usage: node peer.mjs /path/to/crypto.js");
  process.exit(2);
}

const crypto = await import(pathToFileURL(cryptoPath).href);
await crypto.default();
const api = crypto.codedExports();
out({ ready: true, exports: [...crypto.exportNames] });

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line === "") continue;
  const req = JSON.parse(line);
  try {
    const fn = api[req.fn];
    if (typeof fn !== "function") throw Object.assign(new Error(`peer.mjs: no export ${req.fn}`), { code: "PEER" });
    out({ id: req.id, ok: true, value: fn(...req.args) });
  } catch (e) {
    out({
      id: req.id,
      ok: false,
      isError: e instanceof Error,
      name: e?.name,
      code: e?.code,
      message: typeof e === "string" ? e : e?.message,
    });
  }
}
