// Type-checked, never run: `make test` compiles this with tsc --noEmit
// --strict against the shipped .d.ts files. Each @ts-expect-error line is a
// misuse the declarations must reject, so the check can fail.

import init, {
  initSync, isReady, exportNames, codedExports,
  generateKeyPair, generateHybridKeyPair512, generateRecoveryKey, sealForUser,
  sealForUserWithLevel, unsealFromUser, isHybridCiphertext, decryptSecretboxToString,
} from "../../crypto.js";
import {
  loadCrypto, ensureReady, generateKey, generateKeypair, encrypt, decrypt, seal, unseal,
  unsealBytes, deriveSessionKey, generateSalt, generateHybridKeypair, call, getDirectCrypto,
  terminate, SealkitError, ErrorCode, deriveAuthKey,
} from "../../index.js";
import { deriveAuthKey as deriveAuthKeyDirect, AUTH_KEY_INFO } from "../../authkey.js";
import { cacheKeys, getCachedKeys, clearKeyCache, keyCacheSupported } from "../../keycache.js";

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
  void [ready, names, seed, secret, pt, hybrid, again];
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

void [compat, sdk, cache];
