// Password change and recovery in the SDK (keystore.js rewrapUser,
// makeRecovery, exportRecoveryKey, openRecovery, recoverUser; account.js
// changePassword, recoverAccount) against the base64 API of the real
// wasm, in-thread and in a worker pool (the shim), and against a small
// HTTP server with the kit's shapes.

import test from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import * as sdk from "../index.js";
import { SealkitError, deriveRecoveryAuthKey } from "../index.js";
import { changePassword, recoverAccount } from "../account.js";
import { ShimWorker } from "./shim.mjs";

const bytes = (b64) => Buffer.from(b64, "base64");
const KEY = /^([ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{5}-){12}[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{4}$/;
const isCode = (code) => (e) => {
  assert.ok(e instanceof SealkitError, String(e));
  assert.equal(e.code, code, e.message);
  return true;
};

test.before(() => { globalThis.Worker = ShimWorker; });
test.after(() => { sdk.terminate(); delete globalThis.Worker; });

// user makes key pairs with the base64 API and opens them as a handle
// through a session key of `password`.
async function user(password = "old password") {
  const kp = await sdk.generateKeypair();
  const hk = await sdk.generateHybridKeypair();
  const salt = await sdk.call("generateSalt");
  const sk = await sdk.deriveSessionKey(password, salt);
  const me = {
    user_id: "u1",
    key_hash: `${salt}$argon2id`,
    public_key: kp.publicKey,
    pq_public_key: hk.publicKey,
    encrypted_private_key: await sdk.call("encryptPrivateKey", kp.privateKey, sk),
    encrypted_pq_private_key: await sdk.call("encryptPrivateKey", hk.secretKey, sk),
  };
  const { session } = await sdk.deriveLoginKeys(password, me.key_hash);
  const { user: handle } = await sdk.unlockUser(session, me);
  return { kp, hk, me, handle };
}

test("the recovery auth key: HKDF with its own info (the Go vector)", async () => {
  const secret = Buffer.from([...Array(32).keys()]).toString("base64");
  assert.equal(await deriveRecoveryAuthKey(secret), "ttzwJCmMyV4IC/dfTNdesZaUOzxI2RrDdD7MpqIw3xA=");
  assert.notEqual(await deriveRecoveryAuthKey(secret), await sdk.deriveAuthKey(secret));
  await assert.rejects(deriveRecoveryAuthKey("AAAA"), isCode("INVALID_LENGTH"));
});

for (const mode of [{ worker: false }, { workers: 2, exportKeys: false }]) {
  test(`rewrap and recovery round-trip (${JSON.stringify(mode)})`, async () => {
    sdk.terminate();
    await sdk.loadCrypto(undefined, mode);
    const { kp, hk, me, handle } = await user();

    const next = await sdk.rewrapUser(handle, "new password");
    assert.deepEqual(Object.keys(next).sort(), ["auth_key", "encrypted_pq_private_key", "encrypted_private_key", "key_hash"]);
    assert.notEqual(next.key_hash, me.key_hash);
    const sk = await sdk.deriveSessionKey("new password", await sdk.call("parseSaltFromKeyHash", next.key_hash));
    assert.equal(next.auth_key, await sdk.deriveAuthKey(sk));
    assert.equal(bytes(next.encrypted_private_key).length, 84);
    assert.equal(await sdk.call("decryptPrivateKey", next.encrypted_private_key, sk), kp.privateKey);
    assert.equal(await sdk.call("decryptPrivateKey", next.encrypted_pq_private_key, sk), hk.secretKey);
    assert.ok(!JSON.stringify(next).includes(sk));

    const { recovery, request } = await sdk.makeRecovery(handle);
    const shown = await sdk.exportRecoveryKey(recovery);
    assert.match(shown, KEY);
    const secret = await sdk.call("recoveryKeyToSecret", shown);
    assert.equal(request.recovery_auth_key, await deriveRecoveryAuthKey(secret));
    assert.equal(await sdk.call("decryptPrivateKeyWithRecovery", request.recovery_encrypted_private_key, secret), kp.privateKey);
    assert.equal(await sdk.call("decryptPrivateKeyWithRecovery", request.recovery_encrypted_pq_private_key, secret), hk.secretKey);
    assert.ok(!JSON.stringify(request).includes(secret));
    // Only exportRecoveryKey shows it; exportKey never does.
    await assert.rejects(sdk.exportKey(recovery), (e) => e instanceof SealkitError);

    // Typed back in lower case without dashes, it opens the keys.
    const typed = await sdk.openRecovery(shown.replaceAll("-", "").toLowerCase());
    assert.equal(typed.recoveryAuthKey, request.recovery_auth_key);
    await assert.rejects(sdk.exportRecoveryKey(typed.recovery), isCode("INVALID_ARGUMENT"));
    const bundle = { public_key: kp.publicKey, pq_public_key: hk.publicKey, ...request };
    const opened = await sdk.recoverUser(typed.recovery, bundle);
    const probe = await sdk.seal("probe", kp.publicKey, hk.publicKey);
    assert.equal(await sdk.unsealText(opened.user, probe), "probe");

    // A garbled key fails with the crate's error; another key does not open.
    await assert.rejects(sdk.openRecovery(shown.slice(0, -1)), (e) => e instanceof SealkitError && /recovery key/i.test(e.message));
    const other = await sdk.makeRecovery(handle);
    await assert.rejects(sdk.recoverUser(other.recovery, bundle), isCode("DECRYPTION"));
    await sdk.releaseAll();
    sdk.terminate();
  });
}

// kitServer answers the password and recovery endpoints with the kit's
// shapes; requests are recorded.
async function kitServer(state) {
  const requests = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    requests.push({ method: req.method, url: req.url, raw });
    const body = JSON.parse(raw);
    const reply = (status, b) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(b));
    };
    if (req.url === "/api/auth/password") {
      if (body.auth_key !== state.authKey) return reply(403, { error: "the current password is wrong" });
      state.authKey = body.new_auth_key;
      return reply(200, { status: "changed", ended: 2 });
    }
    if (req.url === "/api/auth/recover") {
      if (body.recovery_auth_key !== state.recovery.recovery_auth_key) return reply(401, { error: "wrong email address or recovery key" });
      return reply(200, { ...state.bundle, ...state.recovery, key_generation: 3 });
    }
    if (req.url === "/api/auth/recover/finish") return reply(200, { status: "recovered" });
    reply(404, { error: "not found" });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${server.address().port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

test("changePassword and recoverAccount send what the protocol says, and no secret", async (t) => {
  sdk.terminate();
  await sdk.loadCrypto(undefined, { worker: false });
  const { kp, hk, me, handle } = await user("old password");
  const { authKey } = await sdk.deriveLoginKeys("old password", me.key_hash);
  const { recovery, request } = await sdk.makeRecovery(handle);
  const shown = await sdk.exportRecoveryKey(recovery);
  const state = { authKey, recovery: request, bundle: { public_key: kp.publicKey, pq_public_key: hk.publicKey } };
  const srv = await kitServer(state);
  t.after(srv.close);

  await assert.rejects(changePassword({ me, user: handle, currentPassword: "wrong", newPassword: "new password", base: srv.base }),
    (e) => e.status === 403);
  const steps = [];
  const done = await changePassword({ me, user: handle, currentPassword: "old password", newPassword: "new password",
    endOtherSessions: true, base: srv.base, onProgress: (s) => steps.push(s) });
  assert.deepEqual(done, { ended: 2 });
  assert.deepEqual(steps, ["derive", "submit"]);
  const sent = JSON.parse(srv.requests.at(-1).raw);
  assert.deepEqual(Object.keys(sent).sort(), ["auth_key", "encrypted_pq_private_key", "encrypted_private_key",
    "end_other_sessions", "key_hash", "new_auth_key"]);
  assert.equal(sent.auth_key, authKey);
  assert.equal(sent.end_other_sessions, true);

  const rec = await recoverAccount({ email: "ada@example.test", recoveryKey: shown.toLowerCase(), newPassword: "third password", base: srv.base });
  const [begin, finish] = srv.requests.slice(-2).map((r) => JSON.parse(r.raw));
  assert.deepEqual(begin, { email: "ada@example.test", recovery_auth_key: request.recovery_auth_key });
  assert.deepEqual(Object.keys(finish).sort(), ["auth_key", "email", "encrypted_pq_private_key", "encrypted_private_key",
    "key_generation", "key_hash", "new_recovery_auth_key", "recovery_auth_key", "recovery_encrypted_pq_private_key",
    "recovery_encrypted_private_key"]);
  assert.equal(finish.key_generation, 3);
  assert.notEqual(finish.new_recovery_auth_key, request.recovery_auth_key);
  const fresh = await sdk.exportRecoveryKey(rec.recovery);
  assert.notEqual(fresh, shown);
  const sk = await sdk.deriveSessionKey("third password", await sdk.call("parseSaltFromKeyHash", finish.key_hash));
  assert.equal(await sdk.call("decryptPrivateKey", finish.encrypted_private_key, sk), kp.privateKey);
  for (const r of srv.requests) {
    for (const secret of ["old password", "new password", "third password", shown, fresh, kp.privateKey, hk.secretKey, sk]) {
      assert.ok(!r.raw.includes(secret) && !r.url.includes(secret));
    }
  }
  // A garbled key: the crate's error, and nothing sent.
  const n = srv.requests.length;
  await assert.rejects(recoverAccount({ email: "ada@example.test", recoveryKey: "ABCDE-12345", newPassword: "x", base: srv.base }),
    (e) => e instanceof SealkitError);
  assert.equal(srv.requests.length, n);
  sdk.terminate();
});
