// Unlock: derive the session key from the password again, in the SDK's
// worker, and open the wrapped private keys with it (nothing is sent; a
// key that does not open them means a wrong password); keep the keys in
// the key cache (keys.js, the SDK's KeyRing) and go back to the page that
// asked. An account without a recovery key is offered one first (the
// SDK's setRecoveryKey, proven by the auth key of the password just typed).

import { setRecoveryKey } from "../sdk/account.js";
import { busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { unlockWithPassword } from "./keys.js";
import { showRecoveryKey } from "./recoverykey.js";

const form = document.getElementById("unlock-form");
const passwordInput = document.getElementById("unlock-password");
const submit = document.getElementById("unlock-submit");
const status = document.getElementById("unlock-status");
const errorEl = document.getElementById("unlock-error");

// Only a local path: "/" followed by anything but a second "/" or "\"
// (browsers read "/\host" as "//host"); else the habits dashboard, as the
// server's localPath does.
function nextPath() {
  const next = form.dataset.next || "";
  if (next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")) return next;
  return "/habits";
}

let me = null;

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled || !me) return;
  showError(errorEl, "");
  const password = passwordInput.value;
  if (password === "") {
    showError(errorEl, "Enter your password.");
    return;
  }
  const restore = busy(submit, "Unlocking…");
  const stop = progress(status, "Deriving your keys…");
  try {
    const opened = await unlockWithPassword(me, password);
    if (opened.wrongPassword) {
      stop();
      showError(errorEl, "Wrong password");
      restore();
      passwordInput.select();
      return;
    }
    passwordInput.value = "";
    if (!me.has_recovery) {
      stop();
      offerRecovery(opened);
      return;
    }
    location.assign(nextPath());
  } catch (err) {
    stop();
    showError(errorEl, errorMessage(err));
    restore();
  }
});

// offerRecovery shows the offer of a recovery key; either answer goes on
// to the page that asked.
function offerRecovery({ user, authKey }) {
  form.hidden = true;
  const offer = document.getElementById("unlock-recovery");
  const make = document.getElementById("unlock-recovery-make");
  const skip = document.getElementById("unlock-recovery-skip");
  const offerError = document.getElementById("unlock-recovery-error");
  offer.hidden = false;
  skip.addEventListener("click", () => location.assign(nextPath()));
  make.addEventListener("click", async () => {
    if (make.disabled) return;
    showError(offerError, "");
    const restore = busy(make, "Making a key…");
    skip.hidden = true;
    try {
      await setRecoveryKey({
        user, authKey,
        show: async (recovery) => showRecoveryKey(document.getElementById("recovery-panel"), await sdk.exportRecoveryKey(recovery)),
      });
      location.assign(nextPath());
    } catch (err) {
      showError(offerError, errorMessage(err));
      restore();
      skip.hidden = false;
    }
  });
}

startPage(async () => {
  [me] = await withProgress(status, "Loading the encryption module…", () => Promise.all([fetchMe(), loadSdk()]));
  submit.disabled = false;
  passwordInput.focus();
});
