// Registration, step 2 (docs/PROTOCOL.md §1, §3): the page a sign-up link
// opens. Every key is made here (the SDK's finishSignup), the private ones
// leave this page only wrapped under the session key, and the server gets
// the link's token, the key_hash, the auth key and ciphertext. The account
// is created confirmed and this browser is logged in; the session key is
// handed to the next page's key chain like login.js does.

import { finishSignup } from "/static/sdk/account.js";
import { busy, errorMessage, loadSdk, showError, startPage, withProgress, withSteps } from "./common.js";
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

const steps = {
  derive: "Deriving your keys…",
  generate: "Generating and encrypting your keys…",
  submit: "Creating your account…",
};

async function createAccount(password) {
  // The progress of the last step stays shown while the next page loads.
  const sk = await withSteps(status, steps, (onProgress) => finishSignup({ token, email, password, onProgress }));
  handOverLoginKey(sk);
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
