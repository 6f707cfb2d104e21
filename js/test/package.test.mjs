// The package as published: the exports map and "files" cover every
// module the entry points import, types sit beside each typed entry,
// there are no runtime dependencies, and the SDK's code logs nothing.

import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";

const root = new URL("../", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const source = (f) => readFileSync(new URL(f, root), "utf8");

test("package.json basics", () => {
  assert.equal(pkg.name, "@sealkit/sdk");
  assert.equal(pkg.version, "0.1.0");
  assert.equal(pkg.type, "module");
  assert.equal(pkg.license, "MIT");
  assert.equal(pkg.types, "./index.d.ts");
  assert.equal(pkg.engines.node, ">=20");
  assert.equal(pkg.scripts.test, "node --test test/");
  for (const k of ["dependencies", "peerDependencies", "optionalDependencies", "bundleDependencies"]) {
    assert.equal(pkg[k], undefined, k);
  }
});

test("every export target exists, with types for the typed entries", () => {
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (entry.includes("*")) continue;
    const t = typeof target === "string" ? { default: target } : target;
    assert.ok(existsSync(new URL(t.default, root)), `${entry} → ${t.default}`);
    if (t.types) assert.ok(existsSync(new URL(t.types, root)), `${entry} types`);
  }
  for (const e of [".", "./crypto.js", "./keycache.js", "./errors.js", "./authkey.js", "./account.js", "./share.js"]) assert.ok(pkg.exports[e].types, e);
  assert.equal(pkg.exports["./dist/*"], "./dist/*");
});

// Relative imports, static and dynamic, of a module's source.
const importsOf = (f) => [...source(f).matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(\.\/[^"]+)"/g)].map((m) => m[1]);

test("files covers every module reachable from the entries", () => {
  const files = new Set(pkg.files);
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    assert.ok(files.has(f), `${f} is imported but not in "files"`);
    if (f.endsWith(".js") && !f.startsWith("dist/")) for (const i of importsOf(f)) visit(new URL(i, new URL(f, root)).href.slice(root.href.length));
  };
  for (const f of ["index.js", "crypto.js", "keycache.js", "errors.js", "worker.js", "authkey.js", "account.js", "share.js"]) visit(f);
  for (const f of ["index.d.ts", "crypto.d.ts", "errors.d.ts", "keycache.d.ts", "authkey.d.ts", "account.d.ts", "share.d.ts", "dist/sealkit.wasm", "dist/wasm_exec.js", "README.md"]) {
    assert.ok(files.has(f), f);
  }
  assert.ok(seen.has("ops.js") && seen.has("keystore.js") && seen.has("dist/wasm_exec.js"));
});

test("the SDK's modules log nothing", () => {
  for (const f of ["index.js", "errors.js", "keycache.js", "ops.js", "keystore.js", "worker.js", "crypto.js", "authkey.js", "account.js", "share.js"]) {
    assert.doesNotMatch(source(f), /console\.|debugger/, f);
  }
});
