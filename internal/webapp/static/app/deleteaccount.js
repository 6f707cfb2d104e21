// Deleting the account (docs/PROTOCOL.md §3.6). The groups the user owns
// must go first: they are listed with their names (decrypted with the
// group keys, as handles, into textContent) and links. The password is
// re-proved as at login: the auth key is derived in the SDK's worker from
// the password and the account's key_hash (deriveLoginKeys; the session
// handle is released at once), and only the auth key is sent, with the
// address (decrypted under the user_key) that the last mail goes to.

import { api, busy, el, errorMessage, fetchMe, loadSdk, sdk, showError, startPage, withProgress } from "./common.js";
import { KeyRing } from "./groupkeys.js";
import { forgetKeys, userHandle } from "./keys.js";
import * as places from "./places.js";

const status = document.getElementById("delete-status");
const errorEl = document.getElementById("delete-error");
const ownedCard = document.getElementById("delete-owned");
const ownedList = document.getElementById("delete-owned-list");
const form = document.getElementById("delete-form");
const password = document.getElementById("delete-password");
const confirmInput = document.getElementById("delete-confirm");
const submit = document.getElementById("delete-submit");
const done = document.getElementById("delete-done");

let me = null;
let user = null;
let email = "";

/** Lists the owned groups; resolves to how many there are. */
async function showOwned() {
  const { groups } = await api("GET", "/api/groups");
  const owned = (groups || []).filter((g) => g.role === "owner");
  const ring = new KeyRing(user);
  const items = await Promise.all(owned.map(async (g) => {
    await ring.add(Array.isArray(g.keys) ? g.keys : []);
    const name = await ring.decrypt(g.encrypted_name, g.name_key_version, places.groupName(g.id, g.name_key_version));
    const li = el("li", "owned-group");
    li.dataset.groupId = g.id;
    const link = el("a", "group-link", name ?? "A group you cannot read");
    link.href = "/groups/" + encodeURIComponent(g.id);
    li.append(link);
    return li;
  }));
  ownedList.replaceChildren(...items);
  ownedCard.hidden = items.length === 0;
  form.hidden = items.length > 0;
  submit.disabled = items.length > 0;
  return items.length;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  if (password.value === "") {
    showError(errorEl, "Enter your password.");
    return;
  }
  if (confirmInput.value.trim() !== "DELETE") {
    showError(errorEl, "Type DELETE in the confirmation box to delete your account.");
    return;
  }
  const restore = busy(submit, "Checking your password…");
  try {
    const { session, authKey } = await sdk.deriveLoginKeys(password.value, me.key_hash);
    sdk.release(session).catch(() => {});
    submit.textContent = "Deleting…";
    await api("POST", "/api/me/delete", { auth_key: authKey, email });
  } catch (err) {
    restore();
    if (err && err.status === 409) await showOwned().catch(() => {});
    showError(errorEl, errorMessage(err));
    return;
  }
  password.value = "";
  form.hidden = true;
  done.hidden = false;
  await forgetKeys().catch(() => {});
  location.assign("/");
});

startPage(async () => {
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  await withProgress(status, "Opening your keys…", async () => {
    user = (await userHandle(me)).user;
    const key = await sdk.openKey(user, me.encrypted_user_key);
    try {
      email = await sdk.decryptText(key, me.encrypted_email);
    } finally {
      sdk.release(key).catch(() => {});
    }
    await showOwned();
  });
  submit.disabled = form.hidden;
});
