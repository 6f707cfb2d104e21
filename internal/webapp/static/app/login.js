// Login (docs/PROTOCOL.md §2, §3), the SDK's loginSession: the salt comes
// from the server, the session key is derived in the SDK's worker (this
// page gets a handle), and only the one-way auth key is sent. The private
// keys are then opened in the worker and left in the key cache for the
// next page, and the user lands on the habits dashboard, where the app's
// work is. An account without a recovery key is offered one first (its
// proof: the auth key, derived again from the password typed).

import { loginSession } from "../sdk/account.js";
import { busy, errorMessage, fetchMe, loadSdk, sdk, showError, startPage, withProgress, withSteps } from "./common.js";
import { labelSessionOf } from "./device.js";
import { addIdentity, unlockSession } from "./keys.js";
import { offerRecovery } from "./recoverykey.js";

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
  open: "Opening your keys…",
};

async function logIn(email, password) {
  // The progress of the last step stays shown while the next page loads.
  const { me, user } = await withSteps(status, steps, async (onProgress) => {
    const session = await loginSession(email, password, { onProgress });
    onProgress("open");
    const record = await fetchMe();
    const { user } = await unlockSession(record, session);
    await labelSessionOf(record, user); // the devices page's "Chrome on Linux"
    return { me: record, user };
  });
  if (!me.identity_public_key) {
    // An account made before signed identities: its identity key now,
    // proven by the password just typed (keys.js addIdentity).
    status.textContent = "Adding your identity key…";
    await addIdentity(me, password, user);
  }
  if (!me.has_recovery) {
    status.textContent = "";
    const { session, authKey } = await sdk.deriveLoginKeys(password, me.key_hash);
    sdk.release(session).catch(() => {});
    form.hidden = true;
    await offerRecovery(user, authKey);
  }
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
