// Settings: "Always require password". Turning it on also clears the key
// cache of this browser (keys.js then never writes it again).

import { api, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { clearKeyCache } from "/static/sdk/keycache.js";

const box = document.getElementById("settings-always-password");
const status = document.getElementById("settings-status");
const saved = document.getElementById("settings-saved");
const errorEl = document.getElementById("settings-error");

box.addEventListener("change", async () => {
  const on = box.checked;
  showError(errorEl, "");
  saved.hidden = true;
  box.disabled = true;
  const stop = progress(status, "Saving…");
  try {
    await api("PUT", "/api/me/settings", { always_require_password: on });
    if (on) await clearKeyCache();
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
  const [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  // Like every signed-in page, run the session-key chain (PROTOCOL.md §4):
  // a browser holding no key is sent to the unlock page here too. The
  // keys are not needed here: the handle is forgotten at once.
  await withProgress(status, "Opening your keys…", async () => {
    sdk.release((await userHandle(me)).user).catch(() => {});
  });
  box.checked = Boolean(me.always_require_password);
  box.disabled = false;
});
