// Registration, step 2 (docs/PROTOCOL.md §1, §3): the page a sign-up link
// opens. Every key is made here, the private ones leave this page only
// wrapped under the session key, and the server gets the link's token,
// the key_hash, the auth key and ciphertext. The account is created
// confirmed and this browser is logged in; the session key is handed to
// the next page's key chain like login.js does.

import { api, busy, errorMessage, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { handOverLoginKey } from "./keys.js";

const MIN_PASSWORD = 10;

const form = document.getElementById("finish-form");
const token = document.getElementById("finish-token").value;
const email = form.dataset.email;
const passwordInput = document.getElementById("finish-password");
const password2Input = document.getElementById("finish-password2");
const submit = document.getElementById("finish-submit");
const status = document.getElementById("finish-status");
const errorEl = document.getElementById("finish-error");

async function createAccount(password) {
  const salt = await sdk.generateSalt();
  const keyHash = `${salt}$argon2id`;

  let stop = progress(status, "Deriving your keys…");
  let sessionKey;
  try {
    sessionKey = await sdk.deriveSessionKey(password, salt);
  } finally {
    stop();
  }

  stop = progress(status, "Generating and encrypting your keys…");
  let body;
  try {
    const authKey = await sdk.deriveAuthKey(sessionKey);
    const [kp, hk, userKey] = await Promise.all([
      sdk.generateKeypair(),
      sdk.generateHybridKeypair(),
      sdk.generateKey(),
    ]);
    const [encryptedPrivateKey, encryptedPqPrivateKey, encryptedUserKey, encryptedEmail] = await Promise.all([
      sdk.call("encryptPrivateKey", kp.privateKey, sessionKey),
      sdk.call("encryptPrivateKey", hk.secretKey, sessionKey),
      sdk.seal(userKey, kp.publicKey, hk.publicKey),
      sdk.encrypt(email, userKey),
    ]);
    body = {
      token,
      key_hash: keyHash,
      auth_key: authKey,
      public_key: kp.publicKey,
      encrypted_private_key: encryptedPrivateKey,
      pq_public_key: hk.publicKey,
      encrypted_pq_private_key: encryptedPqPrivateKey,
      encrypted_user_key: encryptedUserKey,
      encrypted_email: encryptedEmail,
    };
  } finally {
    stop();
  }

  stop = progress(status, "Creating your account…");
  try {
    await api("POST", "/api/auth/register/finish", body);
  } catch (err) {
    stop();
    throw err;
  }
  // The progress stays shown while the next page loads.
  handOverLoginKey(sessionKey);
  location.assign("/habits");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  const password = passwordInput.value;
  const problem = (password.length < MIN_PASSWORD ? `Choose a password of at least ${MIN_PASSWORD} characters.` : "")
    || (password !== password2Input.value ? "The two passwords differ." : "");
  if (problem) {
    showError(errorEl, problem);
    return;
  }
  const restore = busy(submit, "Creating account…");
  try {
    await createAccount(password);
    passwordInput.value = "";
    password2Input.value = "";
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  await withProgress(status, "Loading the encryption module…", loadSdk);
  submit.disabled = false;
});
