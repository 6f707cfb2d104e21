// The part every peer runner of `make bench` shares (bench/libsodium.mjs,
// bench/wasm.mjs): the command line, the inputs of
// internal/benchreport/ops, the timing loop and the JSON it prints.
//
//   node bench/<runner>.mjs [--time-ms 1000] [--filter REGEXP] [--list] [--check]
//
// --list prints the "<column>\t<op ID>" pairs the runner would time;
// --check runs every setup (each checks a round trip) and one call of each
// timed function, then exits without timing anything.
//
// A runner registers operations with add(column, id, setup), where setup()
// checks a round trip untimed and returns the function that is timed, and
// then calls runAll. runAll writes one JSON object to stdout:
//   {"runner": "bench/…", "node": "v20…", "versions": {...}, "time_ms": 1000,
//    "columns": {"<column>": {"<op ID>": {"ns_per_op": N, "iterations": N}, ...}},
//    "calls": {"<column>": {"<op ID>": "what one call does"}},
//    "extra": {"<column>": {"<name>": {"ns_per_op": N, "iterations": N, "what": "…"}}}}
// and progress to stderr.
//
// Timing: per operation, setup runs untimed, then a warm-up of at least
// 200 ms (or 1 iteration, and at most a fifth of --time-ms), then, like
// Go's testing.Benchmark, runs of growing iteration counts until one run
// takes at least --time-ms; ns/op is that last run's time over its
// iterations.

import { readFileSync } from 'node:fs';

// ---- arguments ---------------------------------------------------------------

// parseArgs reads the shared options plus the runner's own string options
// (extra: {"--name": "key"}), e.g. bench/wasm.mjs's --wasm FILE.
export function parseArgs(argv, extra = {}) {
  const a = { timeMs: 1000, filter: null, list: false, check: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--time-ms') a.timeMs = Number(argv[++i]);
    else if (k === '--filter') a.filter = new RegExp(argv[++i]);
    else if (k === '--list') a.list = true;
    else if (k === '--check') a.check = true;
    else if (k in extra && i + 1 < argv.length) a[extra[k]] = argv[++i];
    else throw new Error(`unknown argument ${k}`);
  }
  if (!(a.timeMs > 0)) throw new Error('--time-ms must be a positive number');
  return a;
}

// ---- shared inputs (internal/benchreport/ops) ------------------------------------

export const PASSWORD = 'correct horse battery staple';
export const SALT = Uint8Array.from({ length: 16 }, (_, i) => i); // 0x00…0x0f
export const BLIND_INDEX_VALUE = 'alice@example.com';
export const SEALED_KEY_SIZE = 32;
export const SECRETBOX_SIZES = [64, 1 << 10, 1 << 20];
// payload(n): byte i = i*31+7 mod 256, as in ops.payload.
export const payload = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
// sizeName as ops.SizeName: 64B, 1KiB, 1MiB, 1216B.
export const sizeName = (n) =>
  n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20}MiB` : n >= 1 << 10 && n % (1 << 10) === 0 ? `${n >> 10}KiB` : `${n}B`;

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// same compares two byte arrays (or two strings).
export function same(a, b, what) {
  if (typeof a === 'string' || typeof b === 'string') {
    if (a !== b) throw new Error(`${what}: round trip returned a different string`);
    return;
  }
  if (a.length !== b.length || !a.every((v, i) => v === b[i])) throw new Error(`${what}: round trip returned different bytes`);
}

// ---- the operation list ------------------------------------------------------------

const OPS = [];

// add registers one timed operation of a column; call, if given, says in a
// few words what one timed call does (the report shows it).
export const add = (column, id, setup, call) => OPS.push({ column, id, setup, call });

// addExtra registers a measurement that is not an operation of
// internal/benchreport/ops (e.g. the cost of an empty call); it is reported
// under "extra" with its description.
export const addExtra = (column, id, what, setup) => OPS.push({ column, id, setup, what, extra: true });

// ---- timing ----------------------------------------------------------------------

let sink; // keeps results observable

function timeRun(run, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = run();
  return Number(process.hrtime.bigint() - t0);
}

// measure mirrors testing.Benchmark's growth: predict the count that fills
// the target from the last run, grow by at most 100× and at least by one.
export function measure(run, targetNs) {
  const warmNs = Math.min(200e6, targetNs / 5);
  let warmN = 0;
  const w0 = process.hrtime.bigint();
  do {
    sink = run();
    warmN++;
  } while (Number(process.hrtime.bigint() - w0) < warmNs);
  const perOp = Number(process.hrtime.bigint() - w0) / warmN;

  let n = Math.max(1, Math.min(Math.ceil((targetNs / perOp) * 1.2), 1e9));
  let ns = timeRun(run, n);
  while (ns < targetNs && n < 1e9) {
    const predicted = Math.ceil(((targetNs * 1.2) / Math.max(ns, 1)) * n);
    n = Math.min(Math.max(predicted, n + 1), n * 100, 1e9);
    ns = timeRun(run, n);
  }
  return { ns_per_op: ns / n, iterations: n };
}

// ---- main ----------------------------------------------------------------------

// pkgVersion is the version of an installed npm package, or "unknown".
export function pkgVersion(name) {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// runAll runs (or lists, or checks) the registered operations that match
// --filter and prints the JSON report.
export function runAll({ runner, versions, args }) {
  const selected = OPS.filter((o) => !args.filter || args.filter.test(o.id));
  if (args.list) {
    for (const o of selected) process.stdout.write(`${o.column}\t${o.id}\n`);
    return;
  }
  if (args.check) {
    for (const o of selected) {
      sink = o.setup()();
      process.stderr.write(`${o.column.padEnd(20)} ${o.id.padEnd(40)} ok\n`);
    }
    return;
  }
  const out = { runner, node: process.version, versions, time_ms: args.timeMs, columns: {}, calls: {}, extra: {} };
  for (const o of selected) {
    const run = o.setup();
    const r = measure(run, args.timeMs * 1e6);
    if (o.extra) {
      (out.extra[o.column] ??= {})[o.id] = { ...r, what: o.what };
    } else {
      (out.columns[o.column] ??= {})[o.id] = r;
      if (o.call) (out.calls[o.column] ??= {})[o.id] = o.call;
    }
    process.stderr.write(`${o.column.padEnd(20)} ${o.id.padEnd(40)} ${r.ns_per_op.toFixed(0).padStart(12)} ns/op  (${r.iterations}×)\n`);
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}
