// account.js in Node against the real wasm (in-thread, but for the last
// test): the keys of a new account open as the protocol says, sign-up and
// login talk to a small HTTP server implementing the kit's four account
// endpoints, the session-key chain runs over an in-memory sessionStorage,
// and UserKeys runs without storage or IndexedDB (Node has neither).

import test from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import * as sdk from "../index.js";
import {
  ApiError, DEFAULT_PATHS, DEFAULT_STORAGE_NAMES, DEFAULT_USER_KEYS, KeyChain, UserKeys, emailProblem, finishSignup,
  finishSignupSession, login, loginSession, makeAccountKeys, openAccountKeys, openUserKey, startSignup,
} from "../account.js";
import { SealkitError } from "../errors.js";
import { ShimWorker } from "./shim.mjs";

const bytes = (b64) => Buffer.from(b64, "base64");
const PASSWORD = "correct horse battery staple";
const EMAIL = "ada@example.test";

test("the defaults are the kit's endpoints and the app's storage names", () => {
  assert.deepEqual({ ...DEFAULT_PATHS }, {
    register: "/api/auth/register",
    finish: "/api/auth/register/finish",
    salt: "/api/auth/salt",
    login: "/api/auth/login",
    password: "/api/auth/password",
    recovery: "/api/auth/recovery",
    recover: "/api/auth/recover",
    recoverFinish: "/api/auth/recover/finish",
  });
  assert.deepEqual({ ...DEFAULT_STORAGE_NAMES }, { sessionKey: "sealkit.session-key", loginKey: "sealkit.login-key" });
});

// checkAccount checks a finish body against the protocol with the core's
// own functions, and returns the opened keys.
async function checkAccount(request, sessionKey, { password = PASSWORD, email = EMAIL, pqBytes = 1216, sealTag = 0x02 } = {}) {
  // The handle API (makeAccount) adds an identity signing key, wrapped as
  // the private keys are; account.js makeAccountKeys does not.
  const signing = "identity_public_key" in request;
  assert.deepEqual(Object.keys(request).sort(), [
    "auth_key", "encrypted_email", "encrypted_pq_private_key", "encrypted_private_key",
    ...(signing ? ["encrypted_signing_key"] : []), "encrypted_user_key",
    ...(signing ? ["identity_public_key"] : []), "key_hash", "pq_public_key", "public_key",
  ]);
  if (signing) {
    assert.equal(bytes(request.identity_public_key).length, 1985); // Hybrid Cat-3
    const sk = await sdk.call("decryptPrivateKey", request.encrypted_signing_key, sessionKey);
    assert.equal(await sdk.call("deriveSigningPublicKey", sk), request.identity_public_key);
  }
  // key_hash: "<16-byte salt>$argon2id"; the password and salt give the session key back.
  assert.match(request.key_hash, /^[A-Za-z0-9+/]{22}==\$argon2id$/);
  const salt = await sdk.call("parseSaltFromKeyHash", request.key_hash);
  assert.equal(bytes(salt).length, 16);
  assert.equal(await sdk.deriveSessionKey(password, salt), sessionKey);
  assert.equal(request.auth_key, await sdk.deriveAuthKey(sessionKey));
  assert.notEqual(request.auth_key, sessionKey);
  assert.equal(bytes(request.auth_key).length, 32);
  assert.equal(bytes(request.public_key).length, 32);
  assert.equal(bytes(request.pq_public_key).length, pqBytes);
  // Private keys: wrapped as their 44-char base64 text (84 bytes), open with the session key.
  assert.equal(bytes(request.encrypted_private_key).length, 84);
  assert.equal(bytes(request.encrypted_pq_private_key).length, 84);
  const me = { user_id: 1, ...request };
  const keys = await openAccountKeys(me, sessionKey);
  assert.equal(keys.publicKey, request.public_key);
  assert.equal(bytes(keys.privateKey).length, 32);
  assert.equal(bytes(keys.pqSecretKey).length, 32);
  // The user key: sealed to both key pairs (hybrid), opens the address.
  assert.equal(bytes(request.encrypted_user_key)[0], sealTag);
  assert.equal(await sdk.call("isHybridCiphertext", request.encrypted_user_key), true);
  const userKey = await openUserKey(me, keys);
  assert.equal(bytes(userKey).length, 32);
  assert.equal(await sdk.decrypt(request.encrypted_email, userKey), email);
  // The pairs are pairs: a seal to the public keys opens with the private ones.
  const probe = await sdk.seal("probe", request.public_key, request.pq_public_key, pqBytes === 1216 ? undefined : "cat1");
  assert.equal(await sdk.unseal(probe, request.public_key, keys.privateKey, keys.pqSecretKey), "probe");
  const boxed = await sdk.seal("probe", request.public_key);
  assert.equal(await sdk.unseal(boxed, request.public_key, keys.privateKey), "probe");
  // Nothing secret in the body.
  const text = JSON.stringify(request);
  for (const secret of [password, sessionKey, keys.privateKey, keys.pqSecretKey, userKey, email]) assert.ok(!text.includes(secret));
  return { me, keys };
}

test("makeAccountKeys: every field as the protocol says (Cat-3)", async () => {
  const steps = [];
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL, { onProgress: (s) => steps.push(s) });
  assert.deepEqual(steps, ["derive", "generate"]);
  assert.equal(bytes(sessionKey).length, 32);
  await checkAccount(request, sessionKey);
});

test("makeAccountKeys: level cat1", async () => {
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL, { level: "cat1" });
  await checkAccount(request, sessionKey, { pqBytes: 832, sealTag: 0x01 });
});

test("makeAccountKeys: two accounts share nothing", async () => {
  const a = await makeAccountKeys(PASSWORD, EMAIL);
  const b = await makeAccountKeys(PASSWORD, EMAIL);
  for (const k of Object.keys(a.request)) assert.notEqual(a.request[k], b.request[k], k);
  assert.notEqual(a.sessionKey, b.sessionKey);
});

test("bad arguments reject with INVALID_ARGUMENT before anything is sent", async () => {
  for (const [pw, em] of [["", EMAIL], [PASSWORD, ""], [undefined, EMAIL], [PASSWORD, 7]]) {
    await assert.rejects(makeAccountKeys(pw, em), (e) => e instanceof SealkitError && e.code === "INVALID_ARGUMENT");
  }
  await assert.rejects(finishSignup({ email: EMAIL, password: PASSWORD }), (e) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(login(EMAIL, ""), (e) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(startSignup(""), (e) => e.code === "INVALID_ARGUMENT");
});

test("emailProblem: the server's rule", () => {
  assert.equal(emailProblem("a@b"), "");
  assert.equal(emailProblem(EMAIL), "");
  assert.equal(emailProblem("ab"), "Enter a valid email address.");
  assert.equal(emailProblem("a b@c"), "An email address cannot contain spaces.");
  assert.equal(emailProblem("@bc"), "Enter a valid email address.");
  assert.equal(emailProblem("a@b@c"), "Enter a valid email address.");
  assert.equal(emailProblem("abc@"), "Enter a valid email address.");
  assert.equal(emailProblem("a@" + "b".repeat(253)), "Enter a valid email address.");
});

// ---- a server with the kit's account endpoints ------------------------------

// accountServer answers the four endpoints as package accounts does (the
// shapes, not the limits): register 202, finish 201 + cookie (410 for an
// unknown token), salt {key_hash} (a fixed fake for unknown addresses),
// login 200 + cookie or 401. Every request is recorded.
async function accountServer(prefix = "") {
  const users = new Map(); // email → finish body
  const tokens = new Map([["tok-1", EMAIL]]);
  const requests = [];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    requests.push({ method: req.method, url: req.url, headers: req.headers, raw });
    const reply = (status, body, headers = {}) => {
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      reply(400, { error: "The request is not JSON." });
      return;
    }
    switch (req.url) {
      case prefix + "/api/auth/register":
        reply(202, { status: "mail_sent" });
        return;
      case prefix + "/api/auth/register/finish": {
        const email = tokens.get(body.token);
        if (!email) {
          reply(410, { error: "This sign-up link has expired or was already used. Start again to get a new one." });
          return;
        }
        tokens.delete(body.token);
        const { token, ...rest } = body;
        users.set(email, rest);
        reply(201, { status: "created" }, { "Set-Cookie": "sealkit_session=s1; HttpOnly; Path=/" });
        return;
      }
      case prefix + "/api/auth/salt":
        reply(200, { key_hash: users.get(body.email)?.key_hash ?? "AAAAAAAAAAAAAAAAAAAAAA==$argon2id" });
        return;
      case prefix + "/api/auth/login": {
        const u = users.get(body.email);
        if (!u || u.auth_key !== body.auth_key) {
          reply(401, { error: "Wrong email address or password." });
          return;
        }
        reply(200, { status: "ok" }, { "Set-Cookie": "sealkit_session=s2; HttpOnly; Path=/" });
        return;
      }
      case prefix + "/broken":
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("oops");
        return;
      default:
        reply(404, { error: "not found" });
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, users, requests, close: () => new Promise((r) => server.close(r)) };
}

test("sign-up and login against the account endpoints", async (t) => {
  const srv = await accountServer();
  t.after(srv.close);
  const opts = { base: srv.base };

  await startSignup(EMAIL, opts);
  assert.deepEqual(JSON.parse(srv.requests.at(-1).raw), { email: EMAIL });

  const steps = [];
  const sk = await finishSignup({ token: "tok-1", email: EMAIL, password: PASSWORD, onProgress: (s) => steps.push(s), ...opts });
  assert.deepEqual(steps, ["derive", "generate", "submit"]);
  const finish = srv.requests.at(-1);
  assert.equal(finish.url, "/api/auth/register/finish");
  assert.equal(finish.method, "POST");
  assert.equal(finish.headers["content-type"], "application/json");
  const body = JSON.parse(finish.raw);
  assert.equal(body.token, "tok-1");
  const { token, ...request } = body;
  await checkAccount(request, sk);

  // The link works once.
  await assert.rejects(finishSignup({ token: "tok-1", email: EMAIL, password: PASSWORD, ...opts }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.name, "ApiError");
    assert.equal(e.status, 410);
    assert.equal(e.message, "This sign-up link has expired or was already used. Start again to get a new one.");
    return true;
  });

  const loginSteps = [];
  const sk2 = await login(EMAIL, PASSWORD, { ...opts, onProgress: (s) => loginSteps.push(s) });
  assert.deepEqual(loginSteps, ["lookup", "derive", "submit"]);
  assert.equal(sk2, sk);
  const [salt, loginReq] = srv.requests.slice(-2);
  assert.equal(salt.url, "/api/auth/salt");
  assert.deepEqual(JSON.parse(salt.raw), { email: EMAIL });
  assert.equal(loginReq.url, "/api/auth/login");
  assert.deepEqual(JSON.parse(loginReq.raw), { email: EMAIL, auth_key: await sdk.deriveAuthKey(sk) });

  await assert.rejects(login(EMAIL, "not the password", opts), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 401);
    assert.equal(e.message, "Wrong email address or password.");
    return true;
  });
  await assert.rejects(login("nobody@example.test", PASSWORD, opts), (e) => e.status === 401);

  // Neither the password nor the session key was ever sent.
  for (const r of srv.requests) {
    assert.ok(!r.raw.includes(PASSWORD), r.url);
    assert.ok(!r.raw.includes(sk), r.url);
    assert.ok(!r.url.includes(PASSWORD) && !r.url.includes(sk));
  }
});

test("paths, base and fetch are options", async (t) => {
  const srv = await accountServer("/v2");
  t.after(srv.close);
  const seen = [];
  const opts = {
    base: srv.base + "/v2",
    paths: { register: "/api/auth/register" },
    fetch: (url, init) => {
      seen.push({ url, credentials: init.credentials });
      return fetch(url, init);
    },
  };
  await startSignup(EMAIL, opts);
  assert.deepEqual(seen, [{ url: srv.base + "/v2/api/auth/register", credentials: "same-origin" }]);
  await assert.rejects(startSignup(EMAIL, { ...opts, paths: { register: "/broken" } }), (e) => {
    assert.equal(e.status, 500);
    assert.equal(e.message, "The server answered 500. Please try again.");
    return true;
  });
});

test("an unreachable server: status 0 and what to do", async () => {
  const srv = await accountServer();
  await srv.close();
  await assert.rejects(startSignup(EMAIL, { base: srv.base }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 0);
    assert.equal(e.message, "The server could not be reached. Check your connection and try again.");
    return true;
  });
});

// ---- the session-key chain --------------------------------------------------

class MemoryStorage {
  map = new Map();
  getItem(k) { return this.map.has(k) ? this.map.get(k) : null; }
  setItem(k, v) { this.map.set(k, String(v)); }
  removeItem(k) { this.map.delete(k); }
  clear() { this.map.clear(); }
}

test("KeyChain: tab key, hand-over key read once, needs unlock, unlock, forget", async () => {
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL);
  const me = { user_id: 7, always_require_password: false, ...request };
  const other = await makeAccountKeys("another password!", "bob@example.test");
  const storage = new MemoryStorage();
  const chain = new KeyChain({ storage });

  // Nothing stored: the page must ask.
  assert.deepEqual(await chain.findSessionKey(me), { needsUnlock: true });

  // The hand-over: found once, then kept as this tab's key.
  storage.setItem("sealkit.session-key", other.sessionKey); // a previous user's tab key
  chain.handOverLoginKey(sessionKey);
  assert.equal(storage.getItem("sealkit.session-key"), null);
  assert.equal(storage.getItem("sealkit.login-key"), sessionKey);
  assert.deepEqual(await chain.findSessionKey(me), { sessionKey });
  assert.equal(storage.getItem("sealkit.login-key"), null);
  assert.equal(storage.getItem("sealkit.session-key"), sessionKey);
  assert.deepEqual(await chain.findSessionKey(me), { sessionKey });

  // A wrong or mangled tab key is dropped, not used.
  for (const bad of [other.sessionKey, "not base64!", "AAAA"]) {
    storage.setItem("sealkit.session-key", bad);
    assert.deepEqual(await chain.findSessionKey(me), { needsUnlock: true });
    assert.equal(storage.getItem("sealkit.session-key"), null);
  }
  // A hand-over key of another account is read once and refused.
  chain.handOverLoginKey(other.sessionKey);
  assert.deepEqual(await chain.findSessionKey(me), { needsUnlock: true });
  assert.equal(storage.getItem("sealkit.login-key"), null);

  assert.equal(await chain.checkKey(me, sessionKey), true);
  assert.equal(await chain.checkKey(me, ""), false);
  assert.equal(await chain.checkKey(me, undefined), false);

  // Unlock: a wrong password changes nothing; the right one is remembered.
  assert.deepEqual(await chain.unlockWithPassword(me, "wrong password"), { wrongPassword: true });
  assert.equal(storage.getItem("sealkit.session-key"), null);
  assert.deepEqual(await chain.unlockWithPassword(me, PASSWORD), { sessionKey });
  assert.equal(storage.getItem("sealkit.session-key"), sessionKey);

  // Logout empties the tab's storage.
  storage.setItem("app.other", "x");
  await chain.forgetKeys();
  assert.equal(storage.map.size, 0);
  assert.deepEqual(await chain.findSessionKey(me), { needsUnlock: true });
});

test("KeyChain: names and storage are options; without storage every page asks", async () => {
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL);
  const me = { user_id: "u1", always_require_password: true, ...request };
  const storage = new MemoryStorage();
  const chain = new KeyChain({ storage, names: { sessionKey: "app.sk", loginKey: "app.handover" }, cache: { name: "app-test" } });
  chain.handOverLoginKey(sessionKey);
  assert.deepEqual([...storage.map.keys()], ["app.handover"]);
  assert.deepEqual(await chain.findSessionKey(me), { sessionKey });
  assert.deepEqual([...storage.map.keys()], ["app.sk"]);

  const none = new KeyChain({ storage: null, cache: false });
  none.handOverLoginKey(sessionKey);
  assert.deepEqual(await none.findSessionKey(me), { needsUnlock: true });
  assert.deepEqual(await none.unlockWithPassword(me, PASSWORD), { sessionKey });
  await none.forgetKeys();

  // Storage that throws (blocked) counts as none.
  const blocked = { getItem() { throw new Error("blocked"); }, setItem() { throw new Error("blocked"); }, removeItem() { throw new Error("blocked"); } };
  const b = new KeyChain({ storage: blocked });
  b.handOverLoginKey(sessionKey);
  assert.deepEqual(await b.findSessionKey(me), { needsUnlock: true });
  await b.forgetKeys();
});

test("KeyChain: with no sessionStorage global (Node) the default is none", async () => {
  assert.equal(typeof globalThis.sessionStorage, "undefined");
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL);
  const chain = new KeyChain();
  chain.handOverLoginKey(sessionKey);
  assert.deepEqual(await chain.findSessionKey({ user_id: 1, ...request }), { needsUnlock: true });
});

// ---- the handle flow: loginSession, finishSignupSession, UserKeys ------------

const HANDLE = /^sk1\.[A-Za-z0-9_-]{22}$/;

test("finishSignupSession: posts the keys with the token and resolves to handles of them", async (t) => {
  const srv = await accountServer();
  t.after(srv.close);
  const steps = [];
  const made = await finishSignupSession({ token: "tok-1", email: EMAIL, password: PASSWORD, base: srv.base, onProgress: (s) => steps.push(s) });
  assert.deepEqual(steps, ["derive", "submit"]);
  assert.deepEqual(Object.keys(made).sort(), ["session", "user", "userKey"]);
  for (const h of Object.values(made)) assert.match(h, HANDLE);
  const finish = srv.requests.at(-1);
  assert.equal(finish.url, "/api/auth/register/finish");
  const { token, ...request } = JSON.parse(finish.raw);
  assert.equal(token, "tok-1");
  // The identity signing key goes with the registration (the server
  // stores its public half and wrap: PROTOCOL.md §10.2).
  for (const f of ["identity_public_key", "encrypted_signing_key"]) assert.ok(typeof request[f] === "string" && request[f] !== "", f);
  assert.notEqual((await sdk.exportKey(made.user)).signingKey, null, "the handle has the signing key");
  // The handles hold what was posted: the session key the password and
  // key_hash give (checkAccount), the private keys and the user key.
  const sessionKey = await sdk.exportKey(made.session);
  const { me, keys } = await checkAccount(request, sessionKey);
  const user = await sdk.exportKey(made.user);
  assert.deepEqual([user.publicKey, user.privateKey, user.pqSecretKey], [keys.publicKey, keys.privateKey, keys.pqSecretKey]);
  assert.equal(await sdk.exportKey(made.userKey), await openUserKey(me, keys));

  // A used link: ApiError, as finishSignup.
  await assert.rejects(finishSignupSession({ token: "tok-1", email: EMAIL, password: PASSWORD, base: srv.base }), (e) => e instanceof ApiError && e.status === 410);
  await assert.rejects(finishSignupSession({ email: EMAIL, password: PASSWORD }), (e) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(finishSignupSession({ token: "t", email: EMAIL, password: "" }), (e) => e.code === "INVALID_ARGUMENT");
  await sdk.releaseAll();
});

test("loginSession: posts only the auth key and resolves to the session handle; UserKeys.unlock opens and releases it", async (t) => {
  const srv = await accountServer();
  t.after(srv.close);
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL);
  srv.users.set(EMAIL, request);
  const me = { user_id: 7, always_require_password: false, ...request };

  const steps = [];
  const session = await loginSession(EMAIL, PASSWORD, { base: srv.base, onProgress: (s) => steps.push(s) });
  assert.deepEqual(steps, ["lookup", "derive", "submit"]);
  assert.match(session, HANDLE);
  assert.equal(await sdk.exportKey(session), sessionKey);
  const [salt, loginReq] = srv.requests.slice(-2);
  assert.equal(salt.url, "/api/auth/salt");
  assert.deepEqual(JSON.parse(salt.raw), { email: EMAIL });
  assert.equal(loginReq.url, "/api/auth/login");
  assert.deepEqual(JSON.parse(loginReq.raw), { email: EMAIL, auth_key: await sdk.deriveAuthKey(sessionKey) });
  for (const r of srv.requests) {
    assert.ok(!r.raw.includes(PASSWORD) && !r.raw.includes(sessionKey), r.url);
  }

  // unlock opens the account with the handle, and releases it.
  const keys = new UserKeys({ storage: null, secretUrl: srv.base + "/api/auth/key-cache" });
  const opened = await keys.unlock(me, session);
  assert.equal(opened.publicKey, request.public_key);
  assert.equal(opened.pqPublicKey, request.pq_public_key);
  assert.equal((await sdk.exportKey(opened.user)).privateKey, (await openAccountKeys(me, sessionKey)).privateKey);
  assert.equal(await sdk.release(session), false, "unlock left the session handle held");

  // Wrong password, unknown address: 401, as login.
  await assert.rejects(loginSession(EMAIL, "not the password", { base: srv.base }), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 401);
    assert.equal(e.message, "Wrong email address or password.");
    return true;
  });
  await assert.rejects(loginSession("nobody@example.test", PASSWORD, { base: srv.base }), (e) => e.status === 401);
  await assert.rejects(loginSession(EMAIL, "", { base: srv.base }), (e) => e.code === "INVALID_ARGUMENT");
  await sdk.releaseAll();
});

test("UserKeys without storage or IndexedDB: nothing cached, so open finds nothing; unlockWithPassword", async (t) => {
  assert.deepEqual({ ...DEFAULT_USER_KEYS }, { name: "sealkit", secretUrl: "/api/auth/key-cache", tabIdName: "sealkit.tab" });
  const srv = await accountServer();
  t.after(srv.close);
  const { request, sessionKey } = await makeAccountKeys(PASSWORD, EMAIL);
  const me = { user_id: 7, always_require_password: false, ...request };
  const keys = new UserKeys({ storage: null, secretUrl: srv.base + "/api/auth/key-cache" });

  assert.equal(await keys.open(me), null);
  assert.deepEqual(await keys.unlockWithPassword(me, "wrong password"), { wrongPassword: true });
  const opened = await keys.unlockWithPassword(me, PASSWORD);
  assert.match(opened.user, HANDLE);
  assert.equal(opened.publicKey, request.public_key);
  const exported = await sdk.exportKey(opened.user);
  assert.equal(exported.privateKey, (await openAccountKeys(me, sessionKey)).privateKey);
  // keep: no tab cache without storage, and no shared one without IndexedDB.
  assert.equal(await keys.keep(me, opened.user), false);
  assert.equal(await keys.open(me), null);
  // Nothing was asked of the server: without IndexedDB there is no cache to lock.
  assert.deepEqual(srv.requests, []);

  await assert.rejects(keys.open({}), (e) => e.code === "INVALID_ARGUMENT");
  await assert.rejects(keys.unlockWithPassword(me, ""), (e) => e.code === "INVALID_ARGUMENT");
  assert.throws(() => new UserKeys({ name: "" }), (e) => e.code === "INVALID_ARGUMENT");

  // forget releases every handle.
  await keys.forget();
  await assert.rejects(sdk.exportKey(opened.user), (e) => e.code === "UNKNOWN_HANDLE");
});

// Last, as it reloads the core in a worker (shim.mjs), whose key store it
// can inspect: a failed login or sign-up leaves no secret held.
test("loginSession and finishSignupSession release their handles when the server refuses", async (t) => {
  const srv = await accountServer();
  t.after(srv.close);
  sdk.terminate();
  globalThis.Worker = ShimWorker;
  t.after(() => { sdk.terminate(); delete globalThis.Worker; });
  const n = ShimWorker.instances.length;
  assert.deepEqual(await sdk.loadCrypto(undefined, { worker: true }), { mode: "worker" });
  const [w] = ShimWorker.instances.slice(n);
  const { request } = await makeAccountKeys(PASSWORD, EMAIL);
  srv.users.set(EMAIL, request);

  await assert.rejects(loginSession(EMAIL, "not the password", { base: srv.base }), (e) => e.status === 401);
  await assert.rejects(finishSignupSession({ token: "no such token", email: EMAIL, password: PASSWORD, base: srv.base }), (e) => e.status === 410);
  // The releases are sent before the rejections, so the worker has run them
  // by the time it answers the inspection.
  const entries = await w.inspect();
  assert.deepEqual(entries.map((e) => e.kind).sort(), ["key", "session", "session", "user"]);
  for (const e of entries) for (const [k, s] of Object.entries(e.secrets)) assert.ok(s.zero, `${e.kind} ${k} still held`);
});
