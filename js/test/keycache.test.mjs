// The key cache: graceful fallback in plain Node (no IndexedDB, no
// localStorage), then the full design against small in-memory stand-ins
// for IndexedDB and localStorage installed as globals. The stand-ins store
// values by structured clone, as IndexedDB does, so the CryptoKey kept is a
// clone that stays non-extractable.

import test from "node:test";
import assert from "node:assert/strict";
import { cacheKeys, getCachedKeys, clearKeyCache, keyCacheSupported } from "../keycache.js";
import { SealkitError } from "../errors.js";

const keys = { privateKey: "ERERERERERERERERERERERERERERERERERERERERERE=", contextKey: "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=" };

test("without IndexedDB or localStorage: nothing persisted, nothing thrown", async () => {
  assert.equal(typeof globalThis.indexedDB, "undefined");
  assert.equal(keyCacheSupported(), false);
  assert.equal(await cacheKeys(keys), false);
  assert.equal(await getCachedKeys(), null);
  await clearKeyCache();
});

// ---- in-memory stand-ins ----------------------------------------------------

class FakeStorage {
  map = new Map();
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
}

const later = (f) => setTimeout(f, 0);

// Enough of IndexedDB for keycache.js: open with an upgrade, one store,
// get/put in transactions that complete when their requests are done,
// deleteDatabase. puts counts writes so tests can see key reuse.
class FakeIDB {
  dbs = new Map(); // name → Map(store → Map)
  puts = 0;
  open(name) {
    const req = {};
    later(() => {
      let stores = this.dbs.get(name);
      const db = this.#connection(name, () => stores);
      if (!stores) {
        stores = new Map();
        this.dbs.set(name, stores);
        db.createObjectStore = (s) => stores.set(s, new Map());
        req.result = db;
        req.onupgradeneeded?.();
      }
      req.result = db;
      req.onsuccess?.();
    });
    return req;
  }
  #connection(name, stores) {
    const idb = this;
    return {
      close() {},
      transaction(storeName, mode) {
        const tx = { error: null };
        let open = 0;
        const done = () => later(() => { if (open === 0) tx.oncomplete?.(); });
        const issue = (f) => {
          open++;
          const r = {};
          later(() => { r.result = f(); open--; r.onsuccess?.(); done(); });
          return r;
        };
        const store = stores().get(storeName);
        tx.objectStore = () => ({
          get: (k) => issue(() => (store.has(k) ? structuredClone(store.get(k)) : undefined)),
          put: (v, k) => {
            if (mode !== "readwrite") throw new Error("ReadOnlyError");
            return issue(() => { idb.puts++; store.set(k, structuredClone(v)); return k; });
          },
        });
        return tx;
      },
    };
  }
  deleteDatabase(name) {
    const req = {};
    later(() => { this.dbs.delete(name); req.onsuccess?.(); });
    return req;
  }
}

function install() {
  const idb = new FakeIDB();
  const ls = new FakeStorage();
  globalThis.indexedDB = idb;
  globalThis.localStorage = ls;
  return { idb, ls };
}

function uninstall() {
  delete globalThis.indexedDB;
  delete globalThis.localStorage;
}

test("with IndexedDB and localStorage", async (t) => {
  t.after(uninstall);
  const { idb, ls } = install();
  assert.equal(keyCacheSupported(), true);
  assert.equal(await getCachedKeys(), null);

  await t.test("caches under a non-extractable AES-GCM key", async () => {
    assert.equal(await cacheKeys(keys), true);
    const raw = ls.getItem("sealkit.keycache.v1");
    assert.ok(raw);
    for (const v of Object.values(keys)) assert.ok(!raw.includes(v), "plaintext key in localStorage");
    const entry = JSON.parse(raw);
    assert.deepEqual(Object.keys(entry).sort(), ["ct", "iv", "v"]);
    assert.equal(entry.v, 1);
    assert.equal(Buffer.from(entry.iv, "base64").length, 12);

    const wrapping = idb.dbs.get("sealkit-keycache").get("keys").get("wrapping-key-v1");
    assert.ok(wrapping instanceof CryptoKey);
    assert.equal(wrapping.extractable, false);
    assert.equal(wrapping.algorithm.name, "AES-GCM");
    assert.equal(wrapping.algorithm.length, 256);
    assert.deepEqual([...wrapping.usages].sort(), ["decrypt", "encrypt"]);
    await assert.rejects(crypto.subtle.exportKey("raw", wrapping));

    // The documented format: AES-GCM with additional data "sealkit keycache v1".
    const iv = Buffer.from(entry.iv, "base64");
    const ct = Buffer.from(entry.ct, "base64");
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode("sealkit keycache v1") }, wrapping, ct);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(pt)), keys);
    await assert.rejects(crypto.subtle.decrypt({ name: "AES-GCM", iv }, wrapping, ct));

    assert.deepEqual(await getCachedKeys(), keys);
  });

  await t.test("reuses the wrapping key, fresh IV each time", async () => {
    const puts = idb.puts;
    const first = JSON.parse(ls.getItem("sealkit.keycache.v1"));
    assert.equal(await cacheKeys({ a: "b" }), true);
    assert.equal(idb.puts, puts);
    const second = JSON.parse(ls.getItem("sealkit.keycache.v1"));
    assert.notEqual(second.iv, first.iv);
    assert.deepEqual(await getCachedKeys(), { a: "b" });
    assert.equal(await cacheKeys(keys), true);
  });

  await t.test("a tampered entry reads as null and is removed", async () => {
    const entry = JSON.parse(ls.getItem("sealkit.keycache.v1"));
    const ct = Buffer.from(entry.ct, "base64");
    ct[0] ^= 1;
    ls.setItem("sealkit.keycache.v1", JSON.stringify({ ...entry, ct: ct.toString("base64") }));
    assert.equal(await getCachedKeys(), null);
    assert.equal(ls.getItem("sealkit.keycache.v1"), null);
    for (const junk of ["not json", "{}", '{"v":2,"iv":"","ct":""}', '{"v":1,"iv":"AAAA","ct":"AAAA"}', '{"v":1,"iv":"!!","ct":"AAAA"}']) {
      ls.setItem("sealkit.keycache.v1", junk);
      assert.equal(await getCachedKeys(), null, junk);
      assert.equal(ls.getItem("sealkit.keycache.v1"), null, junk);
    }
  });

  await t.test("an entry that decrypts to something other than a record of strings is stale", async () => {
    const wrapping = idb.dbs.get("sealkit-keycache").get("keys").get("wrapping-key-v1");
    for (const content of ['["x"]', '{"a":1}', "null", "not json"]) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode("sealkit keycache v1") }, wrapping, new TextEncoder().encode(content));
      ls.setItem("sealkit.keycache.v1", JSON.stringify({ v: 1, iv: Buffer.from(iv).toString("base64"), ct: Buffer.from(ct).toString("base64") }));
      assert.equal(await getCachedKeys(), null, content);
      assert.equal(ls.getItem("sealkit.keycache.v1"), null, content);
    }
  });

  await t.test("a missing wrapping key reads as null and removes the entry", async () => {
    assert.equal(await cacheKeys(keys), true);
    idb.dbs.delete("sealkit-keycache");
    assert.equal(await getCachedKeys(), null);
    assert.equal(ls.getItem("sealkit.keycache.v1"), null);
    // A new cache makes a new key.
    assert.equal(await cacheKeys(keys), true);
    assert.deepEqual(await getCachedKeys(), keys);
  });

  await t.test("clearKeyCache removes the entry and the database", async () => {
    assert.equal(await cacheKeys(keys), true);
    await clearKeyCache();
    assert.equal(ls.getItem("sealkit.keycache.v1"), null);
    assert.equal(idb.dbs.has("sealkit-keycache"), false);
    assert.equal(await getCachedKeys(), null);
  });

  await t.test("names keep caches apart", async () => {
    assert.equal(await cacheKeys({ app: "one" }, { name: "app1" }), true);
    assert.equal(await cacheKeys({ app: "two" }, { name: "app2" }), true);
    assert.ok(ls.getItem("app1.keycache.v1") && idb.dbs.has("app1-keycache"));
    assert.deepEqual(await getCachedKeys({ name: "app1" }), { app: "one" });
    assert.deepEqual(await getCachedKeys({ name: "app2" }), { app: "two" });
    assert.equal(await getCachedKeys(), null);
    // Another cache's entry does not open under this cache's key.
    ls.setItem("app1.keycache.v1", ls.getItem("app2.keycache.v1"));
    assert.equal(await getCachedKeys({ name: "app1" }), null);
    await clearKeyCache({ name: "app2" });
    assert.equal(idb.dbs.has("app2-keycache"), false);
    assert.equal(ls.getItem("app2.keycache.v1"), null);
  });

  await t.test("invalid arguments reject with INVALID_ARGUMENT", async () => {
    for (const bad of [null, "key", ["a"], { a: 1 }, { a: "x", b: null }]) {
      await assert.rejects(cacheKeys(bad), (e) => e instanceof SealkitError && e.code === "INVALID_ARGUMENT");
    }
    await assert.rejects(cacheKeys(keys, { name: "" }), (e) => e.code === "INVALID_ARGUMENT");
    await assert.rejects(getCachedKeys({ name: 5 }), (e) => e.code === "INVALID_ARGUMENT");
  });

  await t.test("failing storage degrades to false/null", async () => {
    ls.setItem = () => { throw new Error("QuotaExceededError"); };
    assert.equal(await cacheKeys(keys), false);
    delete ls.setItem;
    globalThis.indexedDB = { open() { throw new Error("SecurityError"); }, deleteDatabase() { throw new Error("SecurityError"); } };
    assert.equal(await cacheKeys(keys), false);
    ls.setItem("sealkit.keycache.v1", '{"v":1,"iv":"AAAAAAAAAAAAAAAA","ct":"AAAA"}');
    assert.equal(await getCachedKeys(), null);
    await clearKeyCache();
    assert.equal(ls.getItem("sealkit.keycache.v1"), null);
  });

  await t.test("localStorage alone missing: unsupported", async () => {
    globalThis.indexedDB = idb;
    delete globalThis.localStorage;
    assert.equal(keyCacheSupported(), false);
    assert.equal(await cacheKeys(keys), false);
  });
});
