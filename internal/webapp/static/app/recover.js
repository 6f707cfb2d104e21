// Recovery (docs/PROTOCOL.md §3.4), the SDK's recoverAccount: the
// recovery key is decoded in the SDK's worker (the crate's
// recovery_key_to_secret: dashes and case do not matter, a garbled key is
// refused with the crate's error before anything is sent), proven to the
// server by its one-way auth key, and opens the private keys, which are
// wrapped again under the new password. The server swaps the secrets,
// ends every session and logs this browser in; the page then shows the new
// recovery key once and goes to the dashboard.

import { recoverAccount } from "../sdk/account.js";
import { busy, errorMessage, fetchMe, loadSdk, sdk, showError, startPage, withProgress, withSteps } from "./common.js";
import { keepUser } from "./keys.js";
import { showRecoveryKey } from "./recoverykey.js";

const MIN_PASSWORD = 10;

const form = document.getElementById("recover-form");
const emailInput = document.getElementById("recover-email");
const keyInput = document.getElementById("recover-key");
const passwordInput = document.getElementById("recover-password");
const password2Input = document.getElementById("recover-password2");
const submit = document.getElementById("recover-submit");
const status = document.getElementById("recover-status");
const errorEl = document.getElementById("recover-error");

const steps = {
  check: "Checking your recovery key…",
  derive: "Deriving your new keys…",
  submit: "Recovering your account…",
};

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  const email = emailInput.value.trim();
  const recoveryKey = keyInput.value.trim();
  const newPassword = passwordInput.value;
  const problem = (email === "" || recoveryKey === "" ? "Enter your email address and your recovery key." : "")
    || (newPassword.length < MIN_PASSWORD ? `Choose a password of at least ${MIN_PASSWORD} characters.` : "")
    || (newPassword !== password2Input.value ? "The two passwords differ." : "");
  if (problem) {
    showError(errorEl, problem);
    return;
  }
  const restore = busy(submit, "Recovering…");
  const started = performance.now();
  let done;
  try {
    done = await withSteps(status, steps, (onProgress) => recoverAccount({ email, recoveryKey, newPassword, onProgress }));
  } catch (err) {
    // A garbled key: the crate's own words (recovery_key_to_secret).
    showError(errorEl, err instanceof sdk.SealkitError && err.code !== "DECRYPTION" ? `Not a recovery key: ${err.message}` : errorMessage(err));
    restore();
    status.textContent = "";
    return;
  }
  form.dataset.ms = String(Math.round(performance.now() - started));
  for (const input of [keyInput, passwordInput, password2Input]) input.value = "";
  form.hidden = true;
  document.getElementById("recover-done").hidden = false;
  try {
    await keepUser(await fetchMe(), done.user);
    await showRecoveryKey(document.getElementById("recovery-panel"), await sdk.exportRecoveryKey(done.recovery));
  } finally {
    sdk.release(done.recovery).catch(() => {});
  }
  location.assign("/habits");
});

startPage(async () => {
  await withProgress(status, "Loading the encryption module…", loadSdk);
  submit.disabled = false;
});
