// Registration (docs/PROTOCOL.md §1, §3): every key is made here, the
// private ones leave this page only wrapped under the session key, and the
// server gets the email, the key_hash, the auth key and ciphertext.

import { api, busy, errorMessage, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";

const MIN_PASSWORD = 10;

const form = document.getElementById("register-form");
const emailInput = document.getElementById("register-email");
const passwordInput = document.getElementById("register-password");
const password2Input = document.getElementById("register-password2");
const submit = document.getElementById("register-submit");
const status = document.getElementById("register-status");
const errorEl = document.getElementById("register-error");
const done = document.getElementById("register-done");

// The server's rule, checked here for a quick answer: 3–254 bytes, one "@"
// with text on both sides, no spaces or control characters.
function emailProblem(email) {
  const bytes = new TextEncoder().encode(email).length;
  if (bytes < 3 || bytes > 254) return "Enter a valid email address.";
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return "An email address cannot contain spaces.";
  const at = email.indexOf("@");
  if (at <= 0 || at !== email.lastIndexOf("@") || at === email.length - 1) return "Enter a valid email address.";
  return "";
}

async function register(email, password) {
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
      email,
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
    await api("POST", "/api/auth/register", body);
  } finally {
    stop();
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  const email = emailInput.value.trim();
  const password = passwordInput.value;
  const problem = emailProblem(email)
    || (password.length < MIN_PASSWORD ? `Choose a password of at least ${MIN_PASSWORD} characters.` : "")
    || (password !== password2Input.value ? "The two passwords differ." : "");
  if (problem) {
    showError(errorEl, problem);
    return;
  }
  const restore = busy(submit, "Creating account…");
  try {
    await register(email, password);
    passwordInput.value = "";
    password2Input.value = "";
    form.hidden = true;
    done.hidden = false;
    restore();
    submit.disabled = true;
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  await withProgress(status, "Loading the encryption module…", loadSdk);
  submit.disabled = false;
});
