// Settings: "Always require password" (turning it on also deletes this
// browser's shared key cache: only this tab keeps the keys, until it
// closes or logs out; turning it off lets other tabs open them again), the
// password change (the SDK's changePassword: one request, the private
// keys re-wrapped in the worker; nothing else re-encrypted), a new
// recovery key (the SDK's setRecoveryKey), and "Download my data":
// export.js decrypts everything here; the files are Blobs saved through
// <a download> (no server round trip, CSP-safe).

import { changePassword, setRecoveryKey } from "../sdk/account.js";
import { api, busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { keepUser, userHandle } from "./keys.js";
import { buildExport } from "./export.js";
import { expectKeysChange } from "./push.js";
import { showRecoveryKey } from "./recoverykey.js";

const MIN_PASSWORD = 10;

const box = document.getElementById("settings-always-password");
const status = document.getElementById("settings-status");
const saved = document.getElementById("settings-saved");
const errorEl = document.getElementById("settings-error");

const pwForm = document.getElementById("password-form");
const pwCurrent = document.getElementById("password-current");
const pwNew = document.getElementById("password-new");
const pwNew2 = document.getElementById("password-new2");
const pwEnd = document.getElementById("password-end-sessions");
const pwSubmit = document.getElementById("password-submit");
const pwStatus = document.getElementById("password-status");
const pwError = document.getElementById("password-error");
const pwSaved = document.getElementById("password-saved");

const recPassword = document.getElementById("recovery-password");
const recNew = document.getElementById("recovery-new");
const recStatus = document.getElementById("recovery-status");
const recError = document.getElementById("recovery-error");
const recDone = document.getElementById("recovery-done");
const recPanel = document.getElementById("recovery-panel");

let me = null;
let user = null; // the user handle, for re-keeping the keys when the setting changes

box.addEventListener("change", async () => {
  const on = box.checked;
  showError(errorEl, "");
  saved.hidden = true;
  box.disabled = true;
  const stop = progress(status, "Saving…");
  try {
    await api("PUT", "/api/me/settings", { always_require_password: on });
    me = { ...me, always_require_password: on };
    await keepUser(me, user);
    saved.hidden = false;
  } catch (err) {
    box.checked = !on;
    showError(errorEl, errorMessage(err));
  } finally {
    stop();
    box.disabled = false;
  }
});

const exportButton = document.getElementById("export-button");
const exportStatus = document.getElementById("export-status");
const exportError = document.getElementById("export-error");
const exportDone = document.getElementById("export-done");
const exportLinks = [document.getElementById("export-json"), document.getElementById("export-csv")];

/** Points a link at a new Blob (the previous one is freed) and clicks it. */
function offer(link, name, type, text) {
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = name;
  link.textContent = name;
  link.click();
}

exportButton.addEventListener("click", async () => {
  if (exportButton.disabled || !user) return;
  showError(exportError, "");
  exportDone.hidden = true;
  delete document.body.dataset.exported;
  const restore = busy(exportButton, "Preparing…");
  let stop = () => {};
  try {
    const { json, csv, day } = await buildExport(me, user, (text) => {
      stop();
      stop = progress(exportStatus, text);
    });
    offer(exportLinks[0], `sealkit-export-${day}.json`, "application/json", json);
    offer(exportLinks[1], `sealkit-checkins-${day}.csv`, "text/csv", csv);
    exportDone.hidden = false;
    document.body.dataset.exported = "1";
  } catch (err) {
    showError(exportError, errorMessage(err));
  } finally {
    stop();
    restore();
  }
});

pwForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (pwSubmit.disabled) return;
  showError(pwError, "");
  pwSaved.hidden = true;
  const currentPassword = pwCurrent.value;
  const newPassword = pwNew.value;
  const problem = (currentPassword === "" ? "Enter your current password." : "")
    || (newPassword.length < MIN_PASSWORD ? `Choose a new password of at least ${MIN_PASSWORD} characters.` : "")
    || (newPassword !== pwNew2.value ? "The two new passwords differ." : "")
    || (newPassword === currentPassword ? "The new password is the same as the current one." : "");
  if (problem) {
    showError(pwError, problem);
    return;
  }
  const restore = busy(pwSubmit, "Changing…");
  const stop = progress(pwStatus, "Deriving your old and new keys…");
  const started = performance.now();
  try {
    // Our own push (keys_changed) must not send this tab to the unlock page.
    expectKeysChange();
    const { ended } = await changePassword({ me, user, currentPassword, newPassword, endOtherSessions: pwEnd.checked });
    // The caches of the old generation no longer open: keep the keys again.
    me = await fetchMe();
    await keepUser(me, user);
    for (const input of [pwCurrent, pwNew, pwNew2]) input.value = "";
    pwSaved.textContent = ended > 0 ? `Password changed; ${ended} other session${ended === 1 ? "" : "s"} logged out.` : "Password changed.";
    pwSaved.hidden = false;
    pwForm.dataset.ms = String(Math.round(performance.now() - started));
  } catch (err) {
    showError(pwError, errorMessage(err));
  } finally {
    stop();
    restore();
  }
});

document.getElementById("recovery-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (recNew.disabled) return;
  showError(recError, "");
  recDone.hidden = true;
  const password = recPassword.value;
  if (password === "") {
    showError(recError, "Enter your password.");
    return;
  }
  const restore = busy(recNew, "Making a key…");
  const stop = progress(recStatus, "Checking your password…");
  try {
    // The password is checked here first (it must open the keys), so that
    // no key is shown that the server would then refuse to store.
    const { session, authKey } = await sdk.deriveLoginKeys(password, me.key_hash);
    let right = true;
    try {
      sdk.release((await sdk.unlockUser(session, me)).user).catch(() => {});
    } catch (err) {
      if (!(err instanceof sdk.SealkitError) || !["DECRYPTION", "BASE64", "INVALID_LENGTH", "TOO_SHORT", "UTF8"].includes(err.code)) throw err;
      right = false;
    } finally {
      sdk.release(session).catch(() => {});
    }
    stop();
    if (!right) {
      showError(recError, "Wrong password");
      recPassword.select();
      return;
    }
    await setRecoveryKey({ user, authKey, show: async (recovery) => showRecoveryKey(recPanel, await sdk.exportRecoveryKey(recovery)) });
    recPassword.value = "";
    recDone.hidden = false;
  } catch (err) {
    showError(recError, errorMessage(err));
  } finally {
    stop();
    restore();
  }
});

startPage(async () => {
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  // Like every signed-in page, open the keys (PROTOCOL.md §4): a browser
  // holding none is sent to the unlock page here too.
  user = (await withProgress(status, "Opening your keys…", () => userHandle(me))).user;
  box.checked = Boolean(me.always_require_password);
  box.disabled = false;
  exportButton.disabled = false;
  pwSubmit.disabled = false;
  recNew.disabled = false;
});
