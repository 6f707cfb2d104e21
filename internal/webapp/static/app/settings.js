// Settings: "Always require password". Turning it on also deletes this
// browser's shared key cache (only this tab keeps the keys, until it
// closes or logs out); turning it off lets other tabs open them again.
// "Download my data": export.js decrypts everything here; the files are
// Blobs saved through <a download> (no server round trip, CSP-safe).

import { api, busy, errorMessage, fetchMe, loadSdk, progress, showError, startPage, withProgress } from "./common.js";
import { keepUser, userHandle } from "./keys.js";
import { buildExport } from "./export.js";

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

startPage(async () => {
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  // Like every signed-in page, open the keys (PROTOCOL.md §4): a browser
  // holding none is sent to the unlock page here too.
  user = (await withProgress(status, "Opening your keys…", () => userHandle(me))).user;
  box.checked = Boolean(me.always_require_password);
  box.disabled = false;
  exportButton.disabled = false;
});
