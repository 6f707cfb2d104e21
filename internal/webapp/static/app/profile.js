// Profile: open the user's keys (keys.js), decrypt the email and the
// display name into the page (textContent only), and save a new name
// encrypted under the user_key. Keys are handles of the SDK's handle API:
// their bytes stay in its worker(s).

import { api, busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage } from "./common.js";
import { userHandle } from "./keys.js";
import * as places from "./places.js";

// encrypted_display_name may be 40–4096 bytes: secretbox adds 40.
const MAX_NAME_BYTES = 4096 - 40;

const status = document.getElementById("profile-status");
const details = document.getElementById("profile-details");
const emailEl = document.getElementById("profile-email");
const nameEl = document.getElementById("profile-name");
const unsetEl = document.getElementById("profile-name-unset");
const form = document.getElementById("profile-form");
const nameInput = document.getElementById("profile-name-input");
const save = document.getElementById("profile-save");
const saved = document.getElementById("profile-saved");
const errorEl = document.getElementById("profile-error");

let key = null; // the user_key, as a handle (its bytes stay in the SDK's worker)

function showName(name) {
  nameEl.textContent = name;
  unsetEl.hidden = name !== "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (save.disabled || !key) return;
  showError(errorEl, "");
  saved.hidden = true;
  const name = nameInput.value.trim();
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) {
    showError(errorEl, "That name is too long.");
    return;
  }
  const restore = busy(save, "Encrypting…");
  try {
    const encrypted = await sdk.encryptText(key, name, places.displayName);
    save.textContent = "Saving…";
    await api("PUT", "/api/me/profile", { encrypted_display_name: encrypted });
    showName(name);
    nameInput.value = name;
    saved.hidden = false;
  } catch (err) {
    showError(errorEl, errorMessage(err));
  } finally {
    restore();
  }
});

nameInput.addEventListener("input", () => {
  saved.hidden = true;
});

startPage(async () => {
  let stop = progress(status, "Loading…");
  let me;
  try {
    [me] = await Promise.all([fetchMe(), loadSdk()]);
  } finally {
    stop();
  }
  stop = progress(status, "Opening your keys…");
  try {
    const { user } = await userHandle(me);
    try {
      key = await sdk.openKey(user, me.encrypted_user_key);
    } finally {
      sdk.release(user).catch(() => {});
    }
    // The address is the kit's account field (sealed unbound at sign-up);
    // the display name is bound to its place: a blob moved there does not open.
    const [email, name] = await Promise.all([
      sdk.decryptText(key, me.encrypted_email),
      me.encrypted_display_name ? sdk.decryptText(key, me.encrypted_display_name, places.displayName).catch((err) => {
        if (!(err instanceof sdk.SealkitError) || ["LOAD", "WORKER", "UNSUPPORTED"].includes(err.code)) throw err;
        showError(errorEl, `Your display name ${places.MOVED}. Saving a new one replaces it.`);
        return "";
      }) : Promise.resolve(""),
    ]);
    emailEl.textContent = email;
    showName(name);
    nameInput.value = name;
  } finally {
    stop();
  }
  details.hidden = false;
  form.hidden = false;
  save.disabled = false;
});
