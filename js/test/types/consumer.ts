// Type-checked, never run: `make test` compiles this with tsc --noEmit
// --strict against the shipped .d.ts files. Each @ts-expect-error line is a
// misuse the declarations must reject, so the check can fail.

import init, {
  initSync, isReady, exportNames, codedExports,
  generateKeyPair, generateHybridKeyPair512, generateRecoveryKey, sealForUser,
  sealForUserWithLevel, unsealFromUser, isHybridCiphertext, decryptSecretboxToString,
  encryptSecretboxBytes, decryptSecretboxBytes, boxSealOpenBytes, unsealFromUserBytes, bytesExportNames,
  generateSigningKeyPair, sign, verify, signaturePosture,
} from "../../crypto.js";
import {
  loadCrypto, ensureReady, generateKey, generateKeypair, encrypt, decrypt, seal, unseal,
  unsealBytes, deriveSessionKey, generateSalt, generateHybridKeypair, call, getDirectCrypto,
  terminate, SealkitError, ErrorCode, deriveAuthKey,
  deriveLoginKeys, unlockUser, makeAccount, newKey, openKey, openKeys, sealKey, encryptText, decryptText,
  decryptTexts, decryptMany, openTexts, encryptBytes, decryptBytes, exportKey, release, releaseAll, cacheUser, openCachedUser,
  importSessionKey, unsealText, verifySignature, signAsUser, addSigningKey, SIGN_CONTEXT_V1, keyCommitment,
} from "../../index.js";
import type { SessionHandle, UserHandle, KeyHandle, Handle, ItemResult } from "../../index.js";
import { deriveAuthKey as deriveAuthKeyDirect, AUTH_KEY_INFO } from "../../authkey.js";
import { cacheKeys, getCachedKeys, clearKeyCache, keyCacheSupported } from "../../keycache.js";
import {
  writeKeyCache, readKeyCache, clearKeyCacheV2, keyCacheV2Supported, sealEntry, openEntry,
  type CachedKeys, type KeyCacheEntry,
} from "../../keycache.js";
import {
  ApiError, DEFAULT_PATHS, DEFAULT_STORAGE_NAMES, DEFAULT_USER_KEYS, KeyChain, UserKeys, emailProblem, finishSignup,
  finishSignupSession, login, loginSession, makeAccountKeys, openAccountKeys, openUserKey, startSignup,
} from "../../account.js";
import type { AccountRecord, AccountRequest, AccountStep, KeyChainStorage, OpenedUser, UserKeysOptions } from "../../account.js";
import { newResourceKey, openResourceKey, sealToMember, sealToMembers, watchPending } from "../../share.js";
import type { MemberKeys, PendingWatcher, SealedCopy } from "../../share.js";

async function compat(bytes: Uint8Array): Promise<void> {
  await init();
  await init(new URL("https://example.test/sealkit.wasm"));
  await init({ module_or_path: "/sealkit.wasm" });
  initSync(bytes);
  const ready: boolean = isReady();
  const names: readonly string[] = exportNames;
  const kp = generateKeyPair();
  const pk: string = kp.publicKey;
  const sk: string = kp.privateKey;
  // @ts-expect-error generateKeyPair has privateKey, not secretKey
  kp.secretKey;
  const hk = generateHybridKeyPair512();
  const seed: string = hk.secretKey;
  const rk = generateRecoveryKey();
  const secret: string = rk.recoverySecretBase64;
  const blob: string = sealForUser("aGk=", pk, hk.publicKey);
  sealForUser("aGk=", pk);
  sealForUser("aGk=", pk, null);
  sealForUserWithLevel("aGk=", pk, undefined, "cat5");
  const pt: string = unsealFromUser(blob, pk, sk, seed);
  const hybrid: boolean = isHybridCiphertext(blob);
  // @ts-expect-error plaintext arguments are base64 strings, not bytes
  sealForUser(bytes, pk);
  // @ts-expect-error a required argument is missing
  decryptSecretboxToString(blob);
  const direct = codedExports();
  const again: string = direct.generateKey();
  // The bytes API: Uint8Arrays in and out.
  const key = new Uint8Array(32);
  const sealedBytes: Uint8Array = encryptSecretboxBytes(new Uint8Array(3), key);
  const openedBytes: Uint8Array = decryptSecretboxBytes(sealedBytes, key);
  const boxOpened: Uint8Array = boxSealOpenBytes(sealedBytes, key, key);
  const unsealed: Uint8Array = unsealFromUserBytes(sealedBytes, key, key, null);
  const codedBytes = codedExports(bytesExportNames);
  const viaCoded: Uint8Array = codedBytes.unsealFromUserBytes(sealedBytes, key, key);
  // @ts-expect-error the bytes API takes Uint8Arrays, not base64
  encryptSecretboxBytes("aGk=", key);
  void [ready, names, seed, secret, pt, hybrid, again, openedBytes, boxOpened, unsealed, viaCoded];
}

async function sdk(): Promise<void> {
  const mode: "worker" | "direct" = (await loadCrypto()).mode;
  await loadCrypto("/sealkit.wasm", { worker: false });
  await loadCrypto(new URL("https://example.test/sealkit.wasm"), { workers: 4, loadTimeoutMs: 1000 });
  // @ts-expect-error workers is a number
  await loadCrypto(undefined, { workers: "4" });
  await ensureReady();
  const key: string = await generateKey();
  const { publicKey, privateKey } = await generateKeypair();
  const ct: string = await encrypt("text", key);
  const text: string = await decrypt(ct, key);
  const sealed: string = await seal(new Uint8Array(3), publicKey);
  await seal("text", publicKey, undefined, "cat1");
  const back: string = await unseal(sealed, publicKey, privateKey);
  const raw: Uint8Array = await unsealBytes(sealed, publicKey, privateKey);
  const session: string = await deriveSessionKey("pw", await generateSalt());
  const authKey: string = await deriveAuthKey(session);
  const authKey2: string = await deriveAuthKeyDirect(session);
  const info: "sealkit/v1/auth-key" = AUTH_KEY_INFO;
  // @ts-expect-error the session key is base64 text, not bytes
  await deriveAuthKey(new Uint8Array(32));
  const hk = await generateHybridKeypair("cat3");
  const viaWorker: unknown = await call("generateKey");
  const bytesViaCall: Uint8Array = await call("decryptSecretboxBytes", new Uint8Array(40), new Uint8Array(32));
  void bytesViaCall;
  const direct = await getDirectCrypto();
  const k2: string = direct.generateKey();
  // @ts-expect-error encrypt takes a string plaintext
  await encrypt(new Uint8Array(1), key);
  try {
    await decrypt(ct, key);
  } catch (e) {
    if (e instanceof SealkitError) {
      const code: string = e.code;
      const isDecryption: boolean = e.code === ErrorCode.DECRYPTION;
      void [code, isDecryption];
    }
  }
  terminate();
  void [mode, text, back, raw, session, authKey, authKey2, info, hk.secretKey, viaWorker, k2];
}

async function cache(): Promise<void> {
  const persisted: boolean = await cacheKeys({ privateKey: "a", contextKey: "b" });
  const keys: Record<string, string> | null = await getCachedKeys();
  await clearKeyCache();
  const supported: boolean = keyCacheSupported();
  // @ts-expect-error cached values are strings
  await cacheKeys({ privateKey: 1 });
  void [persisted, keys, supported];
}

async function cacheV2(): Promise<void> {
  const b = new Uint8Array(32);
  const keys: CachedKeys = { privateKey: b, pqSeed: b, publicKey: b, pqPublicKey: new Uint8Array(1184) };
  const stored: boolean = await writeKeyCache({ userId: "u", keys, secretUrl: "/api/auth/key-cache", fetch, name: "app" });
  const back: CachedKeys | null = await readKeyCache({ userId: "u", secretUrl: "/api/auth/key-cache" });
  await clearKeyCacheV2({ name: "app" });
  const ok: boolean = keyCacheV2Supported();
  const entry: KeyCacheEntry = await sealEntry({ deviceSecret: b, serverSecret: b, userId: "u", written: 1, keys });
  const opened: CachedKeys | null = await openEntry(entry, { deviceSecret: b, serverSecret: b, userId: "u" });
  // @ts-expect-error secretUrl is required
  await readKeyCache({ userId: "u" });
  // @ts-expect-error keys are bytes, not base64
  await writeKeyCache({ userId: "u", secretUrl: "/k", keys: { ...keys, privateKey: "a" } });
  void [stored, back, ok, opened];
}

async function account(me: AccountRecord): Promise<void> {
  const register: string = DEFAULT_PATHS.register;
  const name: string = DEFAULT_STORAGE_NAMES.sessionKey;
  await startSignup("a@example.test");
  await startSignup("a@example.test", { base: "https://api.example.test", paths: { register: "/signup" }, fetch });
  const problem: string = emailProblem("a@b");
  const { request, sessionKey } = await makeAccountKeys("pw", "a@example.test", { level: "cat3", onProgress: (s) => void s });
  const body: AccountRequest = request;
  const hash: string = body.key_hash;
  // @ts-expect-error the token is not part of the keys' request
  body.token;
  // @ts-expect-error cat4 is not a level
  await makeAccountKeys("pw", "a@example.test", { level: "cat4" });
  const sk: string = await finishSignup({ token: "t", email: "a@example.test", password: "pw", onProgress: (s: "derive" | "generate" | "submit") => void s });
  // @ts-expect-error finishSignup needs the token
  await finishSignup({ email: "a@example.test", password: "pw" });
  const sk2: string = await login("a@example.test", "pw", { onProgress: (s) => void s, paths: { salt: "/salt" } });
  // @ts-expect-error login takes the password as a string
  await login("a@example.test", new Uint8Array(1));
  const step: AccountStep = "lookup";
  try {
    await login("a@example.test", "pw");
  } catch (e) {
    if (e instanceof ApiError) {
      const status: number = e.status;
      void status;
    }
  }
  const keys = await openAccountKeys(me, sk);
  const uk: string = await openUserKey(me, keys);

  const storage: KeyChainStorage = sessionStorage;
  const chain = new KeyChain({ storage, names: { loginKey: "app.login" }, cache: { name: "app" } });
  new KeyChain({ storage: null, cache: false });
  new KeyChain();
  const found = await chain.findSessionKey(me);
  if (found.needsUnlock) {
    const unlocked = await chain.unlockWithPassword(me, "pw");
    if (!unlocked.wrongPassword) {
      const k: string = unlocked.sessionKey;
      void k;
    }
  } else {
    const k: string = found.sessionKey;
    void k;
  }
  const ok: boolean = await chain.checkKey(me, sk);
  chain.handOverLoginKey(sk);
  await chain.rememberKey(me, sk);
  await chain.forgetKeys();
  // @ts-expect-error cache is options or false, not true
  new KeyChain({ cache: true });
  void [register, name, problem, sessionKey, hash, sk2, step, uk, ok];
}

// The handle flow: the page gets handles (strings), never key bytes.
async function accountHandles(me: AccountRecord): Promise<void> {
  const session: string = await loginSession("a@example.test", "pw", { onProgress: (s) => void s, base: "https://api.example.test" });
  // @ts-expect-error loginSession takes the password as a string
  await loginSession("a@example.test", new Uint8Array(1));
  const made = await finishSignupSession({ token: "t", email: "a@example.test", password: "pw", level: "cat1" });
  const handles: string[] = [made.session, made.user, made.userKey];
  // @ts-expect-error finishSignupSession needs the token
  await finishSignupSession({ email: "a@example.test", password: "pw" });
  const secretUrl: string = DEFAULT_USER_KEYS.secretUrl;
  const options: UserKeysOptions = { name: "app", secretUrl: "/api/auth/key-cache", tabIdName: "app.tab", storage: sessionStorage };
  const keys = new UserKeys(options);
  new UserKeys({ storage: null });
  new UserKeys();
  // @ts-expect-error storage is a Storage or null, not a boolean
  new UserKeys({ storage: false });
  const found: OpenedUser | null = await keys.open(me);
  if (found) {
    const user: string = found.user;
    const pq: string | null = found.pqPublicKey;
    void [user, pq];
  }
  const kept: boolean = await keys.keep(me, made.user);
  const opened: OpenedUser = await keys.unlock(me, session);
  const r = await keys.unlockWithPassword(me, "pw");
  if ("wrongPassword" in r) {
    const wrong: true = r.wrongPassword;
    void wrong;
  } else {
    const user: string = r.user;
    void user;
  }
  // @ts-expect-error open needs the account record
  await keys.open();
  await keys.forget();
  void [handles, secretUrl, kept, opened];
}

async function share(myKeys: { publicKey: string; privateKey: string; pqSecretKey: string }): Promise<void> {
  const key: string = await newResourceKey();
  const members: MemberKeys<number>[] = [{ user_id: 1, public_key: "pk", pq_public_key: "pq" }, { user_id: 2, public_key: "pk" }];
  const copies: SealedCopy<number>[] = await sealToMembers(key, members);
  const id: number = copies[0].user_id;
  await sealToMembers(key, [{ user_id: "u1", public_key: "pk", pq_public_key: null }], "cat5");
  const one: string = await sealToMember(key, members[0]);
  // @ts-expect-error a member needs its public_key
  await sealToMember(key, { user_id: 1 });
  const opened: string = await openResourceKey(copies[0].encrypted_key, myKeys);
  const watcher: PendingWatcher = watchPending("/api/ws", {
    resource: "group",
    onPending: ({ resourceId, keyVersion, members: pending }) => (keyVersion > 0 && pending.length > 0 && resourceId ? key : null),
    onMessage: (msg) => void msg.type,
    onOpen: (reconnected: boolean) => void reconnected,
    onState: (s) => void s,
    level: "cat3",
  });
  watchPending(new URL("wss://example.test/ws"), { onPending: async () => undefined, seal: async (k, m) => k + m.public_key });
  // @ts-expect-error onPending is required
  watchPending("/api/ws", { resource: "group" });
  const ack = await watcher.send({ type: "key_distributed" });
  await watcher.distribute(1, 2, members, key);
  // A key handle of the handle API goes wherever a base64 key does.
  const handle: KeyHandle = await newKey();
  await sealToMembers(handle, members);
  const oneCopy: string = await sealToMember(handle, members[0], "cat5");
  await watcher.distribute(1, 2, members, handle);
  watchPending("/api/ws", { onPending: async () => handle });
  void oneCopy;
  const open: boolean = watcher.isOpen();
  watcher.reconnect();
  watcher.close();
  void [id, one, opened, ack, open];
}

async function handles(me: AccountRecord): Promise<void> {
  await loadCrypto(undefined, { workers: 2, exportKeys: false });
  const { session, authKey }: { session: SessionHandle; authKey: string } = await deriveLoginKeys("pw", "c2FsdA==$argon2id");
  const { user, publicKey, pqPublicKey, identityPublicKey } = await unlockUser(session, me);
  const pk: string = publicKey;
  const pq: string | null = pqPublicKey;
  // Signatures: the identity key by handle, verification of bytes.
  const idPk: string | null = identityPublicKey;
  const sig: string = await signAsUser(user, new Uint8Array([1]), SIGN_CONTEXT_V1);
  const valid: boolean = await verifySignature(new Uint8Array([1]), SIGN_CONTEXT_V1, sig, idPk ?? "");
  // @ts-expect-error the message is bytes, not a string
  await verifySignature("text", SIGN_CONTEXT_V1, sig, pk);
  // @ts-expect-error a session handle cannot sign
  await signAsUser(session, new Uint8Array([1]), "ctx");
  const added: { identityPublicKey: string; encryptedSigningKey: string } = await addSigningKey(user, session, me);
  const spk: string = generateSigningKeyPair("cat3").publicKey;
  const ok: boolean = verify("", "ctx", sign("", "ctx", "sk"), spk);
  const level: "cat2" | "cat3" | "cat5" = signaturePosture(spk).level;
  void [idPk, valid, added, ok, level];
  const key: KeyHandle = await openKey(user, "sealed");
  // @ts-expect-error a session handle is not a user handle
  await openKey(session, "sealed");
  // @ts-expect-error a plain string is not a handle
  await decryptText("sk1.AAAAAAAAAAAAAAAAAAAAAA", "ct");
  const many: Array<ItemResult<{ handle: KeyHandle }>> = await openKeys(user, ["a", "b"]);
  for (const r of many) {
    if (r.error) {
      const code: string = r.error.code;
      void code;
    } else {
      const h: KeyHandle = r.handle;
      void h;
    }
  }
  const copies = await sealKey(key, [{ user_id: 3, public_key: "pk", pq_public_key: null }], "cat5");
  const uid: number = copies[0].user_id;
  const ct: string = await encryptText(key, "hi");
  const text: string = await decryptText(key, ct);
  const texts = await decryptTexts(key, [ct]);
  const t0: string | undefined = texts[0].text;
  const mixed = await decryptMany([{ key, ciphertext: ct }]);
  const opened = await openTexts(user, [{ sealed: ct, ciphertexts: [ct, null] }]);
  const first: string | null | undefined = opened[0].texts?.[0];
  const blob: Uint8Array = await encryptBytes(key, new Uint8Array(4));
  const bytes: Uint8Array = await decryptBytes(key, blob);
  // Places (docs/PROTOCOL.md): every op takes one, per ciphertext in the batches.
  const placed: string = await encryptText(key, "hi", "habit/x/name");
  await decryptText(key, placed, "habit/x/name");
  await decryptTexts(key, [{ ciphertext: placed, place: "habit/x/name" }, ct]);
  await decryptMany([{ key, ciphertext: placed, place: "habit/x/name" }]);
  await openTexts(user, [{ sealed: ct, ciphertexts: [{ ciphertext: placed, place: "habit/x/name" }, null] }]);
  await decryptBytes(key, await encryptBytes(key, new Uint8Array(1), "p"), "p");
  const commitment: string = await keyCommitment(key, "group/1");
  void commitment;
  // @ts-expect-error a commitment's label is a string
  await keyCommitment(key, 1);
  // @ts-expect-error a place is a string
  await encryptText(key, "hi", 7);
  // @ts-expect-error bytes, not base64
  await encryptBytes(key, "text");
  const acc = await makeAccount("pw", "a@b.c", { level: "cat1" });
  const body: string = acc.request.encrypted_user_key;
  const userKey: KeyHandle = acc.userKey;
  const exported: string = await exportKey(key);
  const userKeys = await exportKey(acc.user);
  const priv: string = userKeys.privateKey;
  const stored: boolean = await cacheUser(user, { userId: "u1", secretUrl: "/api/auth/key-cache" });
  const reopened = await openCachedUser({ userId: "u1", secretUrl: "/api/auth/key-cache", name: "app" });
  const again: UserHandle | undefined = reopened?.user;
  // @ts-expect-error a key handle is not a user handle
  await cacheUser(key, { userId: "u1", secretUrl: "/k" });
  void [stored, again];
  const imported: SessionHandle = await importSessionKey("c2Vzc2lvbg==");
  // @ts-expect-error a session handle is not a user handle
  await unsealText(imported, "ct");
  const announced: string = await unsealText(user, "ct");
  void announced;
  const fresh: KeyHandle = await newKey();
  const any: Handle = fresh;
  const had: boolean = await release(any);
  await releaseAll();
  void [authKey, pk, pq, uid, text, t0, mixed, bytes, body, userKey, exported, priv, had];
}

void [compat, sdk, cache, cacheV2, account, accountHandles, share, handles];

// identity.js
import { checkBundle, encodeBundle, IdentityError, openBundle, safetyNumber, signBundle, signStatement, verifyChain, ChainError, decodeStatement } from "../../identity.js";
import type { OpenedBundle, Pin } from "../../identity.js";
{
  const pin: Pin = { fingerprint: "AA==", version: 1 };
  const bytes: Uint8Array = encodeBundle({ userId: "u", publicKey: "AA==", identityKey: "AA==", version: 1 });
  void bytes;
  const opened: Promise<OpenedBundle> = openBundle("AA==", "u", pin);
  void opened;
  void checkBundle("", "u", null).then((r) => r.status === "ok" && r.bundle?.fingerprint);
  void signBundle("uh1.x", { userId: "u", publicKey: "AA==", identityKey: "AA==", version: 1 }).then((s: string) => s);
  void safetyNumber("a", "AA==", "b", "AA==").then((n: string) => n);
  const e = new IdentityError("changed", "x");
  void e.code;
}
{
  void signStatement("uh1.x", "sk1.x", { groupId: "g", version: 1, signer: "u", previous: null }).then((s: string) => s);
  void verifyChain(["AA=="], { groupId: "g", current: 1, identityKeyOf: () => null, keyOf: () => null }).then((v: number) => v);
  const st = decodeStatement(new Uint8Array(1)).statement;
  void st.commitment;
  void ((e: ChainError) => e.code === "stale");
  // @ts-expect-error version is a number
  void signStatement("uh1.x", "sk1.x", { groupId: "g", version: "1", signer: "u", previous: null });
}
