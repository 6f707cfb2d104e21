// The Node tests' stand-in for the browser's Worker: a worker_threads
// thread with self-style addEventListener/postMessage, installed as the
// global Worker so that loadCrypto takes the path it takes on a page.
// Shared by worker.test.mjs and handles.test.mjs; not a test itself.

import assert from "node:assert/strict";
import { Worker as ThreadWorker } from "node:worker_threads";

// Runs in the thread: gives the module worker the globals a dedicated
// worker has, imports it, then forwards messages. {shimCrash} throws an
// uncaught error, as a crashing worker would; {shimInspect} reports the
// key store's entries ever stored in the thread (kinds, sizes, whether
// zeroed; never their bytes). After each request (a
// message with an id) it reports when the worker ran it, in epoch ms, as
// {shimRan: {id, start, end}}: the worker answers the base64 API's
// requests synchronously, so that interval is the call's work in this
// thread (the handle API's answers may come later).
const bootstrap = `
const { parentPort, workerData } = require("node:worker_threads");
// keystore.js's test-only observer: every entry stored in this thread.
const seen = [];
globalThis.__sealkitKeystoreProbe = (handle, entry) => { seen.push({ handle, entry }); };
const target = new EventTarget();
globalThis.addEventListener = target.addEventListener.bind(target);
globalThis.postMessage = (m, transfer) => parentPort.postMessage(m, transfer);
import(workerData.url).then(() => {
  parentPort.on("message", (data) => {
    if (data && data.shimCrash) throw new Error("shim crash");
    if (data && data.shimInspect) {
      // What the key store held, without any byte: kind, sizes, zeroed.
      parentPort.postMessage({ shimInspected: seen.map(({ handle, entry }) => ({
        handle, kind: entry.kind,
        secrets: Object.fromEntries(Object.entries(entry.secrets).map(([k, b]) => [k, { length: b.length, zero: b.every((x) => x === 0) }])),
      })) });
      return;
    }
    const start = performance.timeOrigin + performance.now();
    target.dispatchEvent(new MessageEvent("message", { data }));
    if (data && data.id !== undefined) {
      parentPort.postMessage({ shimRan: { id: data.id, start, end: performance.timeOrigin + performance.now() } });
    }
  });
}, (err) => { throw err; });
`;

export class ShimWorker extends EventTarget {
  static instances = [];
  #thread;
  #inspected = [];
  constructor(url, options) {
    super();
    assert.equal(options?.type, "module");
    this.url = String(url);
    ShimWorker.instances.push(this);
    this.#thread = new ThreadWorker(bootstrap, { eval: true, workerData: { url: this.url } });
    this.requests = []; // the messages with an id posted to it
    this.ran = []; // {id, start, end} of the requests it has run
    this.#thread.on("message", (data) => {
      if (data?.shimRan) this.ran.push(data.shimRan);
      else if (data?.shimInspected) this.#inspected.shift()?.(data.shimInspected);
      else this.dispatchEvent(new MessageEvent("message", { data }));
    });
    this.#thread.on("error", (err) => {
      const e = new Event("error", { cancelable: true });
      e.message = err.message;
      this.dispatchEvent(e);
    });
    this.terminated = false;
  }
  postMessage(m, transfer) {
    if (m?.type === "init") this.initUrl = m.wasmUrl;
    if (m?.id !== undefined) this.requests.push(m);
    this.#thread.postMessage(m, transfer);
  }
  terminate() {
    this.terminated = true;
    this.#thread.terminate();
  }
  crash() {
    this.#thread.postMessage({ shimCrash: true });
  }
  /** Every key store entry the thread ever stored: [{handle, kind, secrets: {name: {length, zero}}}]. */
  inspect() {
    return new Promise((resolve) => {
      this.#inspected.push(resolve);
      this.#thread.postMessage({ shimInspect: true });
    });
  }
}
