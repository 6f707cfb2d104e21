// Unlock: derive the session key from the password again, in the SDK's
// worker, and open the wrapped private keys with it (nothing is sent; a
// key that does not open them means a wrong password); keep the keys in
// the key cache (keys.js, the SDK's KeyRing) and go back to the page that
// asked. An account without a recovery key is offered one first (the
// SDK's setRecoveryKey, proven by the auth key of the password just typed).

import { busy, errorMessage, fetchMe, loadSdk, progress, showError, startPage, withProgress } from "./common.js";
import { unlockWithPassword } from "./keys.js";
import { offerRecovery } from "./recoverykey.js";

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
      form.hidden = true;
      await offerRecovery(opened.user, opened.authKey);
      location.assign(nextPath());
      return;
    }
    location.assign(nextPath());
  } catch (err) {
    stop();
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  [me] = await withProgress(status, "Loading the encryption module…", () => Promise.all([fetchMe(), loadSdk()]));
  submit.disabled = false;
  passwordInput.focus();
});
