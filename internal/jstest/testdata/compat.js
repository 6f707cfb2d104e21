// A page written the way metamorphic-crypto's wasm-bindgen module is used
// (`import init, {…} from "./metamorphic_crypto.js"; await init();`, sync
// calls, errors caught as strings), with only the import path swapped for
// sealkit's crypto.js. It runs on the main thread, under the same strict
// CSP as the SDK pages.

import { pageReady, pageFailed } from "./harness.js";
import init, {
  generateKeyPair, generateKey, generateSalt, generateHybridKeyPair, generateRecoveryKey,
  sealForUser, unsealFromUser, isHybridCiphertext, encryptSecretboxString,
  decryptSecretboxToString, encryptPrivateKey, decryptPrivateKey, deriveSessionKey,
  recoveryKeyToSecret, encryptPrivateKeyForRecovery, decryptPrivateKeyWithRecovery,
} from "/sdk/crypto.js";

function thrown(f) {
  try {
    f();
    return null;
  } catch (e) {
    return { type: typeof e, text: typeof e === "string" ? e : String(e) };
  }
}

try {
  await init();
  const kp = generateKeyPair();
  const hk = generateHybridKeyPair();
  const contextKey = generateKey();
  const sealed = sealForUser(contextKey, kp.publicKey, hk.publicKey);
  const note = encryptSecretboxString("dear diary ✓", contextKey);
  const sessionKey = deriveSessionKey("correct horse", generateSalt());
  const wrapped = encryptPrivateKey(kp.privateKey, sessionKey);
  const rk = generateRecoveryKey();
  const recoveryWrapped = encryptPrivateKeyForRecovery(kp.privateKey, recoveryKeyToSecret(rk.recoveryKey));

  globalThis.sealkitTest = {
    // open what native Go sealed to a key pair it generated
    open: (ct, pk, sk, pqSk) => JSON.stringify({ value: unsealFromUser(ct, pk, sk, pqSk) }),
  };
  pageReady({
    keyPairFields: Object.keys(kp),
    hybridFields: Object.keys(hk),
    recoveryFields: Object.keys(rk),
    sealedIsHybrid: isHybridCiphertext(sealed),
    unsealedMatches: unsealFromUser(sealed, kp.publicKey, kp.privateKey, hk.secretKey) === contextKey,
    note: decryptSecretboxToString(note, unsealFromUser(sealed, kp.publicKey, kp.privateKey, hk.secretKey)),
    privateKeyBack: decryptPrivateKey(wrapped, sessionKey) === kp.privateKey,
    recoveryBack: decryptPrivateKeyWithRecovery(recoveryWrapped, recoveryKeyToSecret(rk.recoveryKey.toLowerCase())) === kp.privateKey,
    wrongKey: thrown(() => decryptSecretboxToString(note, generateKey())),
    badBase64: thrown(() => decryptSecretboxToString("not base64!", contextKey)),
    shortKey: thrown(() => encryptSecretboxString("x", "AAAA")),
  });
} catch (e) {
  pageFailed(e);
}
