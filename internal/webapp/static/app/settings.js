// Settings: "Always require password". Turning it on also deletes this
// browser's shared key cache (only this tab keeps the keys, until it
// closes or logs out); turning it off lets other tabs open them again.

import { api, errorMessage, fetchMe, loadSdk, progress, showError, startPage, withProgress } from "./common.js";
import { keepUser, userHandle } from "./keys.js";

const box = document.getElementById("settings-always-password");
const status = document.getElementById("settings-status");
const saved = document.getElementById("settings-saved");
const errorEl = document.getElementById("settings-error");

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

startPage(async () => {
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  // Like every signed-in page, open the keys (PROTOCOL.md §4): a browser
  // holding none is sent to the unlock page here too.
  user = (await withProgress(status, "Opening your keys…", () => userHandle(me))).user;
  box.checked = Boolean(me.always_require_password);
  box.disabled = false;
});
