// Login (docs/PROTOCOL.md §2, §3): the salt comes from the server, the
// session key is derived here, and only the one-way auth key is sent. The
// session key is left in sessionStorage for the next page's key chain, and
// the user lands on the habits dashboard, where the app's work is.

import { api, busy, errorMessage, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { handOverLoginKey } from "./keys.js";

const form = document.getElementById("login-form");
const emailInput = document.getElementById("login-email");
const passwordInput = document.getElementById("login-password");
const submit = document.getElementById("login-submit");
const status = document.getElementById("login-status");
const errorEl = document.getElementById("login-error");

async function login(email, password) {
  let stop = progress(status, "Looking up your account…");
  let keyHash;
  try {
    ({ key_hash: keyHash } = await api("POST", "/api/auth/salt", { email }));
  } finally {
    stop();
  }

  stop = progress(status, "Deriving your keys…");
  let sessionKey, authKey;
  try {
    const salt = await sdk.call("parseSaltFromKeyHash", keyHash);
    sessionKey = await sdk.deriveSessionKey(password, salt);
    authKey = await sdk.deriveAuthKey(sessionKey);
  } finally {
    stop();
  }

  stop = progress(status, "Logging in…");
  try {
    await api("POST", "/api/auth/login", { email, auth_key: authKey });
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
  const email = emailInput.value.trim();
  const password = passwordInput.value;
  if (email === "" || password === "") {
    showError(errorEl, "Enter your email address and your password.");
    return;
  }
  const restore = busy(submit, "Logging in…");
  try {
    await login(email, password);
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  await withProgress(status, "Loading the encryption module…", loadSdk);
  submit.disabled = false;
});
