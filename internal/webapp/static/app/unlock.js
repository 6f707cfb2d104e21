// Unlock: derive the session key from the password again, check it
// against the wrapped private key (nothing is sent), keep it as keys.js
// does, and go back to the page that asked.

import { busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { checkKey, rememberKey } from "./keys.js";

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
    const salt = await sdk.call("parseSaltFromKeyHash", me.key_hash);
    const sessionKey = await sdk.deriveSessionKey(password, salt);
    if (!(await checkKey(me, sessionKey))) {
      stop();
      showError(errorEl, "Wrong password");
      restore();
      passwordInput.select();
      return;
    }
    await rememberKey(me, sessionKey);
    passwordInput.value = "";
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
