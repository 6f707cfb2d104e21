// share.js in Node against the real wasm: copies sealed to members open
// with each member's private keys (sealed box and hybrid, every level),
// and watchPending speaks the push protocol to a small WebSocket server
// written here (RFC 6455, text frames only). Node 20 has a WebSocket
// client only behind --experimental-websocket, so without the global this
// file runs itself again in a child process with that flag.

import test from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import * as sdk from "../index.js";
import { newResourceKey, openResourceKey, sealToMember, sealToMembers, watchPending } from "../share.js";
import { SealkitError } from "../errors.js";

const bytes = (b64) => Buffer.from(b64, "base64");

// member makes a user with opened keys: X25519 only, or with a hybrid pair.
async function member(id, level) {
  const kp = await sdk.generateKeypair();
  const m = { user_id: id, public_key: kp.publicKey, pq_public_key: "" };
  const keys = { publicKey: kp.publicKey, privateKey: kp.privateKey };
  if (level !== null) {
    const hk = await sdk.generateHybridKeypair(level);
    m.pq_public_key = hk.publicKey;
    keys.pqSecretKey = hk.secretKey;
  }
  return { m, keys };
}

test("sealToMembers: one copy per member, each opens only with its member's keys", async () => {
  const key = await newResourceKey();
  assert.equal(bytes(key).length, 32);
  const boxOnly = await member("u1", null);
  const hybrid = await member(2, undefined);
  const copies = await sealToMembers(key, [boxOnly.m, hybrid.m]);
  assert.deepEqual(copies.map((c) => c.user_id), ["u1", 2]);
  assert.deepEqual(Object.keys(copies[0]), ["user_id", "encrypted_key"]);
  // X25519 only: a sealed box of the 32 raw bytes; with a PQ key: hybrid Cat-3 (tag 0x02).
  assert.equal(bytes(copies[0].encrypted_key).length, 80);
  assert.equal(bytes(copies[1].encrypted_key).length, 1193);
  assert.equal(bytes(copies[1].encrypted_key)[0], 0x02);
  assert.equal(await openResourceKey(copies[0].encrypted_key, boxOnly.keys), key);
  assert.equal(await openResourceKey(copies[1].encrypted_key, hybrid.keys), key);
  await assert.rejects(openResourceKey(copies[0].encrypted_key, hybrid.keys), (e) => e instanceof SealkitError && e.code === "DECRYPTION");
  await assert.rejects(openResourceKey(copies[1].encrypted_key, boxOnly.keys), (e) => e instanceof SealkitError);
  // The core's own function agrees (what the reference app's pages call).
  assert.equal(await sdk.call("unsealFromUser", copies[1].encrypted_key, hybrid.m.public_key, hybrid.keys.privateKey, hybrid.keys.pqSecretKey), key);
  assert.deepEqual(await sealToMembers(key, []), []);
});

test("sealToMember, sealToMembers: a key handle of the handle API is sealed in the worker", async () => {
  const handle = await sdk.newKey();
  const key = await sdk.exportKey(handle);
  const boxOnly = await member("u1", null);
  const hybrid = await member(2, undefined);
  const cat5 = await member("c5", "cat5");
  assert.equal(await openResourceKey(await sealToMember(handle, boxOnly.m), boxOnly.keys), key);
  assert.equal(await openResourceKey(await sealToMember(handle, { public_key: hybrid.m.public_key, pq_public_key: hybrid.m.pq_public_key }), hybrid.keys), key);
  const copy5 = await sealToMember(handle, cat5.m, "cat5");
  assert.equal(bytes(copy5)[0], 0x03);
  assert.equal(await openResourceKey(copy5, cat5.keys), key);
  const copies = await sealToMembers(handle, [boxOnly.m, hybrid.m]);
  assert.deepEqual(copies.map((c) => c.user_id), ["u1", 2]);
  assert.equal(bytes(copies[1].encrypted_key)[0], 0x02);
  assert.equal(await openResourceKey(copies[1].encrypted_key, hybrid.keys), key);
  await sdk.release(handle);
  await assert.rejects(sealToMember(handle, boxOnly.m), (e) => e instanceof SealkitError && e.code === "UNKNOWN_HANDLE");
});

test("sealToMember: a missing or null pq_public_key means a sealed box; levels", async () => {
  const key = await newResourceKey();
  const u = await member("u", null);
  for (const pq of [undefined, null, ""]) {
    const copy = await sealToMember(key, { public_key: u.m.public_key, pq_public_key: pq });
    assert.equal(bytes(copy).length, 80);
    assert.equal(await openResourceKey(copy, u.keys), key);
  }
  for (const [level, size, tag] of [["cat1", 873, 0x01], ["cat3", 1193, 0x02], ["cat5", 1673, 0x03]]) {
    const h = await member("h", level);
    const copy = await sealToMember(key, h.m, level);
    assert.equal(bytes(copy).length, size, level);
    assert.equal(bytes(copy)[0], tag, level);
    assert.equal(await openResourceKey(copy, h.keys), key, level);
    const [again] = await sealToMembers(key, [h.m], level);
    assert.equal(await openResourceKey(again.encrypted_key, h.keys), key, level);
  }
  // Without a level a PQ key is read as Cat-3, as sealForUser does.
  const h1 = await member("h1", "cat1");
  await assert.rejects(sealToMember(key, h1.m), (e) => e instanceof SealkitError && e.code === "INVALID_LENGTH");
});

// ---- a push server ------------------------------------------------------------

// pushServer accepts WebSocket connections on any path and hands each to
// onConnection as {path, send(obj), drop(), messages: async iterator-ish next()}.
async function pushServer(onConnection) {
  const server = createServer((req, res) => {
    res.writeHead(426);
    res.end();
  });
  const sockets = new Set();
  server.on("upgrade", (req, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const accept = createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const frame = (op, payload) => {
      const head = payload.length < 126 ? Buffer.from([0x80 | op, payload.length]) : Buffer.from([0x80 | op, 126, payload.length >> 8, payload.length & 0xff]);
      socket.write(Buffer.concat([head, payload]));
    };
    const queue = [];
    const waiters = [];
    const conn = {
      path: req.url,
      send: (obj) => frame(0x1, Buffer.from(JSON.stringify(obj))),
      drop: () => socket.destroy(),
      next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))),
    };
    let buf = Buffer.alloc(0);
    socket.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf.length < 2) return;
        const op = buf[0] & 0x0f;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        }
        if (buf.length < off + 4 + len) return;
        const mask = buf.subarray(off, off + 4);
        const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len)).map((b, i) => b ^ mask[i % 4]);
        buf = buf.subarray(off + 4 + len);
        if (op === 0x8) {
          frame(0x8, Buffer.from([0x03, 0xe8]));
          socket.end();
          return;
        }
        if (op !== 0x1) continue;
        const msg = JSON.parse(payload.toString("utf8"));
        if (waiters.length) waiters.shift()(msg);
        else queue.push(msg);
      }
    });
    socket.on("error", () => {});
    onConnection(conn);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/ws`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

// The protocol test proper: needs a WebSocket client.
// With useHandle, onPending and distribute() get a key handle of the
// handle API instead of the base64 key: the copies are sealed in the worker.
async function protocolTest(resource, useHandle = false) {
  const handle = useHandle ? await sdk.newKey() : null;
  const key = useHandle ? await sdk.exportKey(handle) : await newResourceKey(); // to check the copies
  const given = useHandle ? handle : key;
  const boxOnly = await member("u1", null);
  const hybrid = await member("u2", undefined);
  const owner = await member("u0", undefined);
  const idField = `${resource}_id`;
  const stored = new Map(); // user_id → encrypted_key
  const refused = [];
  const duplicates = [];
  const connections = [];
  // Connection 1: the first copy is refused, the second accepted, then the
  // socket drops. Connection 2: the pending list again; only the refused
  // copy may come back.
  const srv = await pushServer(async (conn) => {
    connections.push(conn);
    conn.send({ type: "hello", user_id: "u0" });
    conn.send({ type: "pending", [idField]: "r1", key_version: 3, members: [boxOnly.m, hybrid.m] });
    conn.send({ type: "pending", [idField]: "r2", key_version: 1, members: [boxOnly.m] }); // a version this page lacks
    for (;;) {
      const msg = await conn.next();
      assert.deepEqual(Object.keys(msg).sort(), ["encrypted_key", idField, "key_version", "ref", "type", "user_id"].sort());
      assert.equal(msg.type, "key_distributed");
      assert.equal(msg[idField], "r1");
      assert.equal(msg.key_version, 3);
      if (refused.length === 0) {
        refused.push(msg.user_id);
        conn.send({ type: "error", ref: msg.ref, error: "try again" });
        continue;
      }
      if (stored.has(msg.user_id)) duplicates.push(msg.user_id);
      stored.set(msg.user_id, msg.encrypted_key);
      conn.send({ type: "ack", ref: msg.ref });
      if (connections.length === 1) {
        conn.drop(); // the watcher reconnects
        return;
      }
      if (stored.size === 2) {
        conn.send({ type: `${resource}_changed`, [idField]: "r1", reason: "key" });
        return; // the test reads this connection from here on
      }
    }
  });
  const seen = { messages: [], opens: [], states: [], errors: [], asked: [] };
  let changed;
  const done = new Promise((r) => { changed = r; });
  const watcher = watchPending(srv.url, {
    resource,
    minDelayMs: 10,
    maxDelayMs: 50,
    onPending: ({ resourceId, keyVersion, members, message }) => {
      seen.asked.push(`${resourceId}:${keyVersion}:${members.length}:${message.type}`);
      return resourceId === "r1" && keyVersion === 3 ? given : null;
    },
    onMessage: (msg) => {
      seen.messages.push(msg.type);
      if (msg.type === `${resource}_changed`) changed();
    },
    onOpen: (reconnected) => seen.opens.push(reconnected),
    onState: (s) => seen.states.push(s),
    onError: (e) => seen.errors.push(e.message),
  });
  try {
    await done;
    assert.equal(watcher.isOpen(), true);
    assert.deepEqual(seen.opens.slice(0, 2), [false, true]);
    assert.ok(seen.states.includes("connecting") && seen.states.includes("open") && seen.states.includes("closed"));
    assert.ok(seen.messages.includes("hello"));
    assert.ok(!seen.messages.includes("pending") && !seen.messages.includes("ack"));
    assert.ok(seen.asked.includes("r1:3:2:pending") && seen.asked.includes("r2:1:1:pending"));
    assert.deepEqual(seen.errors, ["try again"], "the refusal was reported");
    assert.deepEqual(duplicates, [], "an accepted copy is not sent again");
    assert.equal(connections.length, 2);
    // Each accepted copy opens with its member's keys, and only once was it stored.
    assert.equal(bytes(stored.get("u1")).length, 80);
    assert.equal(bytes(stored.get("u2"))[0], 0x02);
    assert.equal(await openResourceKey(stored.get("u1"), boxOnly.keys), key);
    assert.equal(await openResourceKey(stored.get("u2"), hybrid.keys), key);
    // distribute() and send() are there for the page's own use.
    const pendingOnLoad = { ...owner.m, user_id: "u3" };
    const conn = connections.at(-1);
    const distributed = watcher.distribute("r1", 3, [pendingOnLoad], given);
    const sent = await conn.next();
    conn.send({ type: "ack", ref: sent.ref });
    await distributed;
    assert.equal(sent.user_id, "u3");
    assert.equal(await openResourceKey(sent.encrypted_key, owner.keys), key);
  } finally {
    watcher.close();
    await srv.close();
  }
  assert.equal(watcher.isOpen(), false);
  await assert.rejects(watcher.send({ type: "x" }), /Not connected/);
}

if (typeof globalThis.WebSocket === "function") {
  test("watchPending: resource \"resource\"", { timeout: 30000 }, () => protocolTest("resource"));
  test("watchPending: resource \"group\"", { timeout: 30000 }, () => protocolTest("group"));
  test("watchPending: onPending and distribute with a key handle", { timeout: 30000 }, () => protocolTest("group", true));
} else {
  test("watchPending (in a child Node with --experimental-websocket)", () => {
    // NODE_TEST_CONTEXT would make the child report to this runner in its binary form.
    const { NODE_TEST_CONTEXT, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--experimental-websocket", "--no-warnings", "--test", "--test-name-pattern=watchPending", fileURLToPath(import.meta.url)], { encoding: "utf8", timeout: 120000, env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /# pass 3\b/);
  });
}
