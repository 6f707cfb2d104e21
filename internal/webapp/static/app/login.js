// Login (docs/PROTOCOL.md §2, §3), the SDK's login: the salt comes from
// the server, the session key is derived here, and only the one-way auth
// key is sent. The session key is left in sessionStorage for the next
// page's key chain, and the user lands on the habits dashboard, where the
// app's work is.

import { login } from "/static/sdk/account.js";
import { busy, errorMessage, loadSdk, showError, startPage, withProgress, withSteps } from "./common.js";
import { handOverLoginKey } from "./keys.js";

const form = document.getElementById("login-form");
const emailInput = document.getElementById("login-email");
const passwordInput = document.getElementById("login-password");
const submit = document.getElementById("login-submit");
const status = document.getElementById("login-status");
const errorEl = document.getElementById("login-error");

const steps = {
  lookup: "Looking up your account…",
  derive: "Deriving your keys…",
  submit: "Logging in…",
};

async function logIn(email, password) {
  // The progress of the last step stays shown while the next page loads.
  const sk = await withSteps(status, steps, (onProgress) => login(email, password, { onProgress }));
  handOverLoginKey(sk);
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
    await logIn(email, password);
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  await withProgress(status, "Loading the encryption module…", loadSdk);
  submit.disabled = false;
});
