// Groups: the user's groups with their names decrypted (the name is under
// the group key of name_key_version; a group whose key has not been shared
// with the user yet shows "pending access"), the invitations addressed to
// the user, and "create a group": a new group key made here, the name
// encrypted under it, the key sealed to the user (docs/PROTOCOL.md §7).
// Keys are handles of the SDK's handle API (groupkeys.js KeyRing): their
// bytes stay in its worker(s); decrypted text reaches the DOM through
// textContent only. Pushes (group_changed) refresh the list live.

import { ApiError, api, busy, coalesced, el, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { KeyRing, count, forgetKey, newGroupKey, sealKeyTo } from "./groupkeys.js";
import { connectPush } from "./push.js";
import * as places from "./places.js";
import { signStatement } from "../sdk/identity.js";

// encrypted_name is 41–1024 bytes: secretbox adds 40.
const MAX_NAME_BYTES = 1024 - 40;

const status = document.getElementById("groups-status");
const errorEl = document.getElementById("groups-error");
const groupsCard = document.getElementById("groups-card");
const groupsList = document.getElementById("groups-list");
const groupsEmpty = document.getElementById("groups-empty");
const invCard = document.getElementById("invitations-card");
const invList = document.getElementById("invitations-list");
const invEmpty = document.getElementById("invitations-empty");
const form = document.getElementById("group-create-form");
const nameInput = document.getElementById("group-name-input");
const create = document.getElementById("group-create");
const createError = document.getElementById("group-create-error");

let me = null;
let myKeys = null; // keys.js userHandle(): the creator's copy goes to its own opened keys
let ring = null; // KeyRing: key handles (the bytes stay in the SDK's worker)

const roleNames = { owner: "Owner", admin: "Admin", member: "Member" };

function when(unix) {
  const d = new Date(Number(unix) * 1000);
  return Number.isFinite(d.getTime()) ? d.toLocaleDateString() : "";
}

async function renderGroups(groups) {
  const items = await Promise.all(groups.map(async (g) => {
    await ring.add(Array.isArray(g.keys) ? g.keys : []);
    const opened = await ring.open(g.encrypted_name, g.name_key_version, places.groupName(g.id, g.name_key_version));
    const name = opened.state === "ok" ? opened.text : null;
    const li = el("li", "group-item");
    li.dataset.groupId = g.id;
    li.dataset.pending = g.pending ? "1" : "0";
    li.dataset.role = g.role;
    const link = el("a", "group-link");
    link.href = "/groups/" + encodeURIComponent(g.id);
    const nameEl = el("span", "group-name", name !== null ? name
      : opened.state === "failed" ? `This group's name ${places.MOVED}` : "A group you cannot read yet");
    if (name === null) nameEl.classList.add("muted");
    if (opened.state === "failed") nameEl.classList.add("undecryptable");
    link.append(nameEl);
    li.append(link);
    const meta = [roleNames[g.role] || g.role, `${count(g.member_count)} member${Number(g.member_count) === 1 ? "" : "s"}`];
    li.append(el("span", "group-meta", " · " + meta.join(" · ")));
    if (g.pending) {
      li.append(el("span", "badge badge-pending", "pending access"));
      li.append(el("p", "hint", "Waiting for an owner or admin to share the group key with you."));
    }
    return li;
  }));
  groupsList.replaceChildren(...items);
  groupsEmpty.hidden = items.length > 0;
  groupsCard.hidden = false;
}

function renderInvitations(invitations) {
  const items = invitations.map((inv) => {
    const li = el("li", "invitation");
    li.dataset.invitationId = inv.id;
    li.dataset.groupId = inv.group_id;
    li.append(el("span", "invitation-text", "An invitation to a group"));
    const date = when(inv.created_at);
    if (date) li.append(el("span", "group-meta", " · " + date));
    const actions = el("span", "row-actions");
    const accept = el("button", "invitation-accept", "Accept");
    accept.type = "button";
    const decline = el("button", "invitation-decline secondary", "Decline");
    decline.type = "button";
    accept.addEventListener("click", () => answer(inv, true, accept, decline));
    decline.addEventListener("click", () => answer(inv, false, decline, accept));
    actions.append(accept, decline);
    li.append(actions);
    return li;
  });
  invList.replaceChildren(...items);
  invEmpty.hidden = items.length > 0;
  invCard.hidden = items.length === 0;
}

async function answer(inv, accept, button, other) {
  showError(errorEl, "");
  const restore = busy(button, accept ? "Accepting…" : "Declining…");
  other.disabled = true;
  try {
    const path = `/api/invitations/${encodeURIComponent(inv.id)}/${accept ? "accept" : "decline"}`;
    const res = await api("POST", path);
    if (accept) {
      const id = (res && res.group_id) || inv.group_id;
      location.assign("/groups/" + encodeURIComponent(id));
      return;
    }
    await refresh();
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
    other.disabled = false;
  }
}

/** Refetches and redraws the lists; calls made meanwhile coalesce into one more. */
const refresh = coalesced(async () => {
  const data = await api("GET", "/api/groups");
  await renderGroups(Array.isArray(data.groups) ? data.groups : []);
  renderInvitations(Array.isArray(data.invitations) ? data.invitations : []);
});

async function refreshQuietly() {
  try {
    await refresh();
    showError(errorEl, "");
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (create.disabled || !ring) return;
  showError(createError, "");
  const name = nameInput.value.trim();
  if (name === "") {
    showError(createError, "Give the group a name.");
    return;
  }
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) {
    showError(createError, "That name is too long.");
    return;
  }
  const restore = busy(create, "Encrypting…");
  try {
    const key = await newGroupKey();
    const id = places.newId(); // picked here: the name is bound to it (key version 1)
    let encryptedName, encryptedKey, keyStatement;
    try {
      // Version 1's signed statement (docs/PROTOCOL.md §10.6): members'
      // pages check every later version against the chain it starts.
      [encryptedName, encryptedKey, keyStatement] = await Promise.all([
        sdk.encryptText(key, name, places.groupName(id, 1)),
        sealKeyTo(key, { user_id: me.user_id, public_key: myKeys.publicKey, pq_public_key: myKeys.pqPublicKey || "" }),
        signStatement(myKeys.user, key, { groupId: id, version: 1, signer: String(me.user_id), previous: null }),
      ]);
    } finally {
      forgetKey(key);
    }
    create.textContent = "Creating…";
    const res = await api("POST", "/api/groups", { id, encrypted_name: encryptedName, encrypted_key: encryptedKey, key_statement: keyStatement });
    if (res?.id !== id) throw new ApiError(0, "The server answered with another group than the one created; reload the page.");
    location.assign("/groups/" + encodeURIComponent(id));
  } catch (err) {
    showError(createError, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  const stop = progress(status, "Opening your keys…");
  try {
    myKeys = await userHandle(me);
    ring = new KeyRing(myKeys.user);
  } finally {
    stop();
  }
  create.disabled = false;
  await withProgress(status, "Loading your groups…", refresh);
  connectPush({
    onMessage: (msg) => {
      if (msg.type === "group_changed") refreshQuietly();
    },
    onOpen: (reconnected) => {
      if (reconnected) refreshQuietly();
    },
  });
});
