// Registration, step 2 (docs/PROTOCOL.md §1, §3): the page a sign-up link
// opens. Every key is made here (the SDK's finishSignup), the private ones
// leave this page only wrapped under the session key, and the server gets
// the link's token, the key_hash, the auth key and ciphertext. The account
// is created confirmed and this browser is logged in. The keys are made
// in the SDK's worker (the SDK's finishSignupSession: this page holds
// handles only) and left in the key cache for the next page, as login.js
// does. Before the account is created the page shows its recovery key
// once (recoverykey.js); it goes to the server only as its one-way auth
// key and the private keys wrapped under it.

import { finishSignupSession } from "../sdk/account.js";
import { busy, errorMessage, fetchMe, loadSdk, sdk, showError, startPage, withProgress, withSteps } from "./common.js";
import { labelSession } from "./device.js";
import { keepUser } from "./keys.js";
import { publishOwnBundle } from "./trust.js";
import { showRecoveryKey } from "./recoverykey.js";

const MIN_PASSWORD = 10;

const form = document.getElementById("finish-form");
const token = document.getElementById("finish-token").value;
const email = form.dataset.email;
const passwordInput = document.getElementById("finish-password");
const password2Input = document.getElementById("finish-password2");
const submit = document.getElementById("finish-submit");
const status = document.getElementById("finish-status");
const errorEl = document.getElementById("finish-error");
const recoveryPanel = document.getElementById("recovery-panel");

const steps = {
  derive: "Deriving and generating your keys…",
  recovery: "Save your recovery key to finish.",
  submit: "Creating your account…",
  open: "Opening your account…",
};

async function createAccount(password) {
  // The progress of the last step stays shown while the next page loads.
  await withSteps(status, steps, async (onProgress) => {
    const made = await finishSignupSession({
      token, email, password, onProgress,
      recovery: async (handle) => {
        onProgress("recovery");
        await showRecoveryKey(recoveryPanel, await sdk.exportRecoveryKey(handle));
      },
    });
    sdk.release(made.session).catch(() => {});
    await labelSession(made.userKey); // the devices page's "Chrome on Linux"
    sdk.release(made.userKey).catch(() => {});
    onProgress("open");
    const me = await fetchMe();
    await keepUser(me, made.user);
    // The signed bundle of the new account's keys (it names the user id,
    // which exists only now): others seal to this account only through it.
    await publishOwnBundle(me, { user: made.user, identityPublicKey: me.identity_public_key }).catch(() => {});
  });
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
