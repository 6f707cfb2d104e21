// One group (/groups/{id}), docs/PROTOCOL.md §7 and §8.
//
// Every member: the name, members, goals and check-ins decrypted with the
// copies of the group key sealed to this user (older content with the
// older copies it holds); goals and check-ins written under the current
// key. A member without the current key (pending) sees a waiting state
// that turns into the group, live, when an admin's page shares the key
// (push group_changed → refetch).
//
// Owners and admins holding the current key, while this page is open:
//   - hand the key to each pending member: push.js (the SDK's
//     watchPending) seals it and sends key_distributed, on each `pending`
//     push and for the members the page finds waiting on load;
//   - rotate the key when removing a member (key v+1 sealed to every
//     remaining member holding v), and by themselves when the group is
//     marked rotation_needed (a member left);
//   - re-encrypt content under older versions in batches (GET/POST
//     …/reencrypt), with a progress bar; progress is the data itself, so
//     a reload resumes where the server says it stands.
//
// Verify-before-seal (docs/PROTOCOL.md §10, trust.js): every copy of the
// key this page seals — to pending members, in a rotation — goes to the
// keys of the member's signed identity bundle, and only when it verifies
// and matches this user's pin for that member; a changed identity key, an
// older bundle, one that does not verify or none block sealing to that
// member, and the member list says so and offers the safety number
// ("Mark as verified") and, for a changed key, "Accept the new key".
//
// Key chain (docs/PROTOCOL.md §10.6): every key version comes with a
// statement signed by the member who made it (version, a commitment to
// the key, the previous statement's hash). On each load the page checks
// the chain the server lists — links, the tip is the version the server
// calls current and not below the version pinned in this user's contacts,
// the tip's signer verifies (trust.js), and every key version held is the
// one committed to. Anything that fails (status "failed") stops every
// write, key distribution and rotation under the current version; reading
// what opens stays possible. A group without any statement (made before
// them) or whose last signer has published no identity is "unverified"
// until this user has pinned a version of it, and works; an owner's or
// admin's page then adds the statement of the current version (trust on
// first use).
//
// Keys are handles of the SDK's handle API (groupkeys.js KeyRing): their
// bytes stay in its worker(s), and push.js seals the current key to
// pending members there (share.js with a key handle). Decrypted
// text reaches the DOM through textContent only. Test hooks are DOM state
// only: #group's data attributes (see templates/group.html).

import { api, ApiError, busy, coalesced, el, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { KeyRing, count, forgetKey, localDay, newGroupKey, reencryptBlob } from "./groupkeys.js";
import * as places from "./places.js";
import { connectPush } from "./push.js";
import { Contacts, UnverifiedError, acceptKey, checkMembers, isSealable, markVerified, safetyNumberWith, sealToVerified } from "./trust.js";
import { ChainError, decodeStatement, openBundle, signStatement, verifyChain } from "../sdk/identity.js";

const BATCH = 100; // re-encryption batch (the server allows 1–500)
const MAX_TITLE_BYTES = 1024 - 40; // encrypted_title, encrypted_label: 41–1024
const MAX_NOTE_BYTES = 16384 - 40; // encrypted_note: 40–16384

const groupId = decodeURIComponent(location.pathname.split("/")[2] || "");
const base = "/api/groups/" + encodeURIComponent(groupId);

const $ = (id) => document.getElementById(id);
const root = $("group");
const nameEl = $("group-name");
const metaEl = $("group-meta");
const status = $("group-status");
const errorEl = $("group-error");
const removedCard = $("group-removed");
const removedText = $("group-removed-text");
const pendingCard = $("group-pending");
const adminCard = $("group-admin");
const waitingEl = $("group-waiting");
const waitingText = $("group-waiting-text");
const reencryptEl = $("group-reencrypt");
const reencryptBar = $("group-reencrypt-bar");
const reencryptText = $("group-reencrypt-text");
const membersCard = $("group-members-card");
const membersList = $("group-members");
const inviteForm = $("group-invite-form");
const inviteEmail = $("group-invite-email");
const inviteSubmit = $("group-invite-submit");
const inviteDone = $("group-invite-done");
const inviteError = $("group-invite-error");
const invitationsCard = $("group-invitations-card");
const invitationsList = $("group-invitations");
const goalsCard = $("group-goals-card");
const goalsList = $("group-goals");
const goalsEmpty = $("group-goals-empty");
const goalForm = $("group-goal-form");
const goalTitle = $("group-goal-title");
const goalSubmit = $("group-goal-submit");
const goalError = $("group-goal-error");
const leaveCard = $("group-leave-card");
const leaveButton = $("group-leave");
const deleteButton = $("group-delete");
const leaveError = $("group-leave-error");

const roleNames = { owner: "Owner", admin: "Admin", member: "Member" };

let me = null;
let myKeys = null; // keys.js userHandle(): {user, publicKey, pqPublicKey}
let ring = null; // KeyRing: key handles (the bytes stay in the SDK's worker)
let group = null; // the last GET /api/groups/{id}
let removed = false;
let push = null;
let waitingIds = new Set(); // members waiting for the current key (admins' view)
let reencrypting = false;
let stuckAt = ""; // "version:stale" where re-encryption could make no progress
let contacts = null; // trust.js Contacts: pins and verified marks
let verdicts = new Map(); // user_id → {status, bundle?, verified} of the last load
let myIdentityKey = ""; // this user's identity key (base64), for safety numbers
const shownNumbers = new Set(); // user ids whose safety number is shown
let chain = { status: "unverified", code: "missing", version: 0 }; // the last check of the key chain
let firstStatementTried = false; // this page tried to add a legacy group's first statement

// The warning under the group's name, by chain failure.
const chainText = {
  missing: "The server sent no signed record of this group's key, though this browser has seen one before. Nothing is written or shared until it does.",
  malformed: "The server sent a record of this group's keys that could not be read. Nothing is written or shared.",
  broken: "The server sent a record of this group's keys with versions missing or out of order. Nothing is written or shared.",
  signer: "The current group key is signed by no one whose keys this browser could verify. Nothing is written or shared until an owner or admin renews the key.",
  signature: "The server sent a record of this group's keys that its admin did not sign. Nothing is written or shared.",
  stale: "The server presents a group key other than the one its admin made last (an older or a made-up one). Nothing is written or shared.",
  rollback: "The server presents an older group key than this browser has seen. Nothing is written or shared.",
  commitment: "A group key the server sent is not the one its admin signed for. Nothing is written or shared.",
  contacts: "Your list of verified contacts could not be opened, so the group key cannot be checked. Nothing is written or shared until you reload the page.",
};
const chainEl = el("p", "error group-chain-warning");
chainEl.id = "group-chain";
chainEl.setAttribute("role", "alert");
chainEl.hidden = true;
errorEl.after(chainEl);

// What the member list says about a member's keys, by verdict status.
const trustText = {
  changed: "This member's identity key changed. Nothing is shared with them until you compare safety numbers and accept the new key.",
  rollback: "The server sent an older key bundle for this member than one seen before. Nothing is shared with them.",
  signature: "The server sent keys for this member that their identity key did not sign. Nothing is shared with them.",
  user: "The server sent another account's keys for this member. Nothing is shared with them.",
  malformed: "The server sent keys for this member that could not be read. Nothing is shared with them.",
  missing: "This member has not published signed keys yet (they do when they next unlock with their password). Nothing is shared with them until then.",
  contacts: "Your list of verified contacts could not be opened. Nothing is shared until you reload the page.",
};

function button(text, className) {
  const b = el("button", className, text);
  b.type = "button";
  return b;
}

function bytes(s) {
  return new TextEncoder().encode(s).length;
}

function isAdmin(g) {
  return g.role === "owner" || g.role === "admin";
}

/** Holds the current key (a keyed member). */
function keyed(g) {
  return Boolean(g && !g.pending && ring.has(g.key_version));
}

/** Whether the current key version may be written and shared under (the chain did not fail). */
function chainUsable() {
  return chain.status !== "failed";
}

function canWrite(g) {
  return keyed(g) && !g.rotation_needed && chainUsable();
}

function sameUser(a, b) {
  return String(a) === String(b);
}

/**
 * A destructive button: the first click asks ("Really …?"), a second one
 * within five seconds runs the action.
 */
function confirmed(b, question, action) {
  let timer = 0;
  const label = b.textContent;
  b.addEventListener("click", () => {
    if (b.dataset.confirm !== "1") {
      b.dataset.confirm = "1";
      b.textContent = question;
      timer = setTimeout(() => {
        delete b.dataset.confirm;
        b.textContent = label;
      }, 5000);
      return;
    }
    clearTimeout(timer);
    delete b.dataset.confirm;
    b.textContent = label;
    action();
  });
}

// ---- loading and rendering ----

const reload = coalesced(loadOnce);

/**
 * Refetches the group and redraws; calls made while one runs coalesce into
 * one more. Admin work (maintain) follows each refresh.
 */
function refresh() {
  const p = reload();
  p.then(() => maintain(), () => {});
  return p;
}

async function refreshQuietly() {
  try {
    await refresh();
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
}

async function loadOnce() {
  if (removed) return;
  let g;
  try {
    g = await api("GET", base);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) {
      showRemoved();
      return;
    }
    throw err;
  }
  if (removed) return;
  g.key_version = Number(g.key_version);
  g.stale = Number(g.stale) || 0;
  for (const k of ["members", "invitations", "goals", "keys"]) if (!Array.isArray(g[k])) g[k] = [];
  await ring.add(g.keys);
  verdicts = await checkMembers(contacts, g.members.filter((m) => !(m.you || sameUser(m.user_id, me.user_id))));
  if (!Array.isArray(g.key_chain)) g.key_chain = [];
  chain = await checkChain(g);
  group = g;
  waitingIds = new Set(g.members.filter((m) => m.pending).map((m) => String(m.user_id)));
  await render(g);
}

/**
 * Checks the group's key chain (identity.js verifyChain) against this
 * user's pin for the group and the members' verified identity keys, and
 * raises the pin to a version that verified. → {status: "ok" |
 * "unverified" | "failed", code?, version}.
 */
async function checkChain(g) {
  if (contacts.broken) return { status: "failed", code: "contacts", version: 0 };
  const pinned = contacts.groupVersion(groupId);
  const identityKeyOf = (id) => {
    if (sameUser(id, me.user_id)) return myIdentityKey || null;
    const v = verdicts.get(String(id));
    return v && isSealable(v.status) ? v.bundle.identityKey : null;
  };
  const started = performance.now();
  try {
    const version = await verifyChain(g.key_chain, { groupId, current: g.key_version, minVersion: pinned, identityKeyOf, keyOf: (v) => ring.get(v) });
    const ms = performance.now() - started; // the check itself, not the pin's write below
    if (version > pinned) {
      try {
        await contacts.pinGroup(groupId, version);
      } catch {
        // Not pinned this time: pinned on the next load that verifies.
      }
    }
    return { status: "ok", version, ms };
  } catch (err) {
    if (!(err instanceof ChainError)) throw err;
    // Absence rather than a lie — no statement yet (a group made before
    // them), or a last signer who published no identity or is no longer
    // listed — is trusted on first use until a version of this group was
    // pinned here; after that it is a failure like any other.
    const tip = g.key_chain.length ? g.key_chain[g.key_chain.length - 1] : null;
    const absent = err.code === "missing" || (err.code === "signer" && signerAbsent(g, tip));
    const ms = performance.now() - started;
    if (absent && pinned === 0) return { status: "unverified", code: err.code, version: 0, ms };
    return { status: "failed", code: err.code, version: 0, ms };
  }
}

/** Whether a statement's signer is unlisted or listed without an identity bundle. */
function signerAbsent(g, signedB64) {
  try {
    const { statement } = decodeStatementB64(signedB64);
    const m = g.members.find((x) => sameUser(x.user_id, statement.signer));
    return !m || verdicts.get(String(m.user_id))?.status === "missing";
  } catch {
    return false;
  }
}

function decodeStatementB64(signedB64) {
  return decodeStatement(Uint8Array.from(atob(signedB64), (c) => c.charCodeAt(0)));
}

function renderChain() {
  root.dataset.chain = chain.status;
  root.dataset.chainCode = chain.code || "";
  root.dataset.chainMs = String(Math.round(chain.ms || 0)); // what the check took on this load
  if (chain.status === "failed") {
    chainEl.textContent = chainText[chain.code] || chainText.malformed;
    chainEl.hidden = false;
  } else {
    chainEl.textContent = "";
    chainEl.hidden = true;
  }
}

function showRemoved() {
  removed = true;
  group = null;
  ring.clear();
  if (push) push.close();
  for (const e of [pendingCard, adminCard, membersCard, inviteForm, invitationsCard, goalsCard, leaveCard]) e.hidden = true;
  for (const list of [membersList, invitationsList, goalsList]) list.replaceChildren();
  nameEl.textContent = "Group";
  metaEl.textContent = "";
  removedText.textContent = "You are not a member of this group (any more), or it was deleted. This browser has forgotten its keys.";
  removedCard.hidden = false;
  root.dataset.state = "removed";
  root.dataset.pending = "0";
  delete root.dataset.keyVersion;
  delete root.dataset.role;
}

async function render(g) {
  const admin = isAdmin(g);
  const haveKey = keyed(g);

  root.dataset.state = g.pending ? "pending" : "member";
  root.dataset.pending = g.pending ? "1" : "0";
  root.dataset.role = g.role;
  root.dataset.keyVersion = String(g.key_version);
  root.dataset.stale = String(g.stale);
  root.dataset.rotationNeeded = g.rotation_needed ? "1" : "0";

  const opened = await ring.open(g.encrypted_name, g.name_key_version, places.groupName(groupId, g.name_key_version));
  nameEl.textContent = shown(opened, "A group you cannot read yet", "This name");
  nameEl.classList.toggle("muted", opened.state !== "ok");
  nameEl.classList.toggle("undecryptable", opened.state === "failed");
  const keyText = chain.status === "ok" ? `key version ${g.key_version}` : chain.status === "unverified" ? `key version ${g.key_version} (unverified)` : `key version ${g.key_version} (refused)`;
  const meta = [roleNames[g.role] || g.role, `${count(g.members.length)} member${g.members.length === 1 ? "" : "s"}`, keyText];
  renderChain();
  metaEl.textContent = meta.join(" · ");

  pendingCard.hidden = !g.pending;
  if (g.rotation_needed && !admin) {
    showError(errorEl, "A member left: an owner or admin must renew the group key (their page does it by itself) before anyone can write.");
  } else if (errorEl.textContent.startsWith("A member left")) {
    showError(errorEl, "");
  }

  // Labels first: goals and check-ins name their authors.
  const labels = new Map();
  await Promise.all(g.members.map(async (m) => {
    let label;
    if (m.you || sameUser(m.user_id, me.user_id)) label = "You";
    else {
      // A label that does not open at its place is not shown as anyone's.
      const r = await ring.open(m.encrypted_label, m.label_key_version, places.memberLabel(groupId, m.label_key_version));
      label = r.state === "ok" ? r.text : r.state === "failed" ? `A member whose label ${places.MOVED}` : null;
    }
    labels.set(String(m.user_id), label);
  }));
  const owner = g.members.find((m) => m.role === "owner");
  const who = (id) => {
    if (sameUser(id, me.user_id)) return "You";
    if (!labels.has(String(id))) return "A former member";
    if (labels.get(String(id))) return labels.get(String(id));
    return owner && sameUser(owner.user_id, id) ? "The group's creator" : "A member without a label";
  };

  renderMembers(g, labels);
  await renderInvitations(g);
  await renderGoals(g, who);

  inviteForm.hidden = !(admin && haveKey);
  inviteSubmit.disabled = !(admin && canWrite(g));
  goalForm.hidden = !haveKey;
  goalSubmit.disabled = !canWrite(g);
  leaveCard.hidden = false;
  leaveButton.hidden = g.role === "owner";
  deleteButton.hidden = g.role !== "owner";
  updateAdminCard();
}

function renderMembers(g, labels) {
  const admin = isAdmin(g);
  const items = g.members.map((m) => {
    const you = Boolean(m.you) || sameUser(m.user_id, me.user_id);
    const li = el("li", "member");
    li.dataset.userId = m.user_id;
    li.dataset.role = m.role;
    li.dataset.pending = m.pending ? "1" : "0";
    li.dataset.you = you ? "1" : "0";
    const label = labels.get(String(m.user_id));
    let text = label;
    if (!text) text = m.role === "owner" ? "The group's creator" : g.pending ? "A member" : "A member without a label";
    li.append(el("span", "member-label" + (label ? "" : " muted"), text));
    li.append(el("span", "member-role badge", roleNames[m.role] || m.role));
    if (m.pending) li.append(el("span", "badge badge-pending", "waiting for the key"));
    const verdict = you ? null : verdicts.get(String(m.user_id));
    if (verdict) {
      li.dataset.trust = verdict.status;
      li.dataset.verified = verdict.verified ? "1" : "0";
      if (verdict.verified) li.append(el("span", "badge badge-verified", "verified"));
    }

    const actions = el("span", "row-actions");
    const comparable = Boolean(verdict && verdict.bundle && (isSealable(verdict.status) || verdict.status === "changed") && myIdentityKey);
    if (comparable) {
      const b = button(shownNumbers.has(String(m.user_id)) ? "Hide safety number" : "Safety number", "member-safety secondary");
      b.addEventListener("click", () => {
        const id = String(m.user_id);
        if (shownNumbers.has(id)) shownNumbers.delete(id);
        else shownNumbers.add(id);
        refreshQuietly();
      });
      actions.append(b);
    }
    if (verdict && verdict.status === "changed") {
      const b = button("Accept the new key", "member-accept-key secondary");
      confirmed(b, "Really accept? Compare safety numbers first", () => trustAction(b, () => acceptKey(contacts, m)));
      actions.append(b);
    }
    if (g.role === "owner" && !you && m.role !== "owner") {
      const to = m.role === "admin" ? "member" : "admin";
      const b = button(to === "admin" ? "Make admin" : "Make member", "member-role-toggle secondary");
      b.addEventListener("click", () => setRole(m, to, b));
      actions.append(b);
      if (!m.pending) {
        // Hand the group over (e.g. before deleting one's account): the
        // member becomes the owner, this owner an admin.
        const o = button("Make owner", "member-make-owner secondary");
        confirmed(o, "Really hand the group over?", () => setRole(m, "owner", o));
        actions.append(o);
      }
    }
    const mayRemove = !you && (g.role === "owner" ? m.role !== "owner" : admin && m.role === "member");
    if (mayRemove && canWrite(g)) {
      const b = button("Remove", "member-remove danger");
      confirmed(b, "Really remove?", () => removeMember(m, b));
      actions.append(b);
    }
    if (actions.childElementCount > 0) li.append(actions);
    if (verdict && !isSealable(verdict.status)) {
      li.append(el("p", "member-warning error", trustText[verdict.status] || trustText.malformed));
    }
    if (comparable && shownNumbers.has(String(m.user_id))) {
      li.append(safetyPanel(m, verdict));
    }
    return li;
  });
  const blocked = [...verdicts.values()].filter((v) => !isSealable(v.status)).length;
  root.dataset.trustBlocked = String(blocked);
  membersList.replaceChildren(...items);
  membersCard.hidden = false;
}

/**
 * The safety number with a member, and "Mark as verified": both users see
 * the same 60 digits when each holds the other's real identity key.
 */
function safetyPanel(m, verdict) {
  const box = el("div", "member-safety-panel");
  const number = el("p", "safety-number", "…");
  box.append(el("p", "hint", "Compare this number with theirs, in person or on a call. If it matches, the server has not put its own keys between you."), number);
  safetyNumberWith(me.user_id, myIdentityKey, verdict, m.user_id).then((n) => {
    number.textContent = n;
  }, () => {
    number.textContent = "The safety number could not be computed.";
  });
  if (!verdict.verified) {
    const b = button("Mark as verified", "member-verify");
    b.addEventListener("click", () => trustAction(b, () => markVerified(contacts, m)));
    box.append(b);
  }
  return box;
}

/** Runs a change of the contacts from a member row, then redraws. */
async function trustAction(b, action) {
  showError(errorEl, "");
  busy(b, "Saving…");
  try {
    await action();
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
  await refreshQuietly();
}

async function renderInvitations(g) {
  if (!isAdmin(g) || g.invitations.length === 0) {
    invitationsList.replaceChildren();
    invitationsCard.hidden = true;
    return;
  }
  const items = await Promise.all(g.invitations.map(async (inv) => {
    const li = el("li", "group-invitation");
    li.dataset.invitationId = inv.id;
    const r = await ring.open(inv.encrypted_label, inv.key_version, places.memberLabel(groupId, inv.key_version));
    li.append(el("span", "invitation-label" + mark(r), shown(r, "An address under a key you do not hold", "This address")));
    li.append(el("span", "badge", "invited"));
    const actions = el("span", "row-actions");
    const b = button("Cancel", "invitation-cancel secondary");
    b.addEventListener("click", () => cancelInvitation(inv, b));
    actions.append(b);
    li.append(actions);
    return li;
  }));
  invitationsList.replaceChildren(...items);
  invitationsCard.hidden = false;
}

async function renderGoals(g, who) {
  if (g.pending && g.goals.every((goal) => !ring.has(goal.key_version))) {
    goalsList.replaceChildren();
    goalsCard.hidden = true;
    return;
  }
  // Keep what is being typed into the check-in notes across redraws.
  const typed = new Map();
  let focused = null;
  for (const input of goalsList.querySelectorAll("input.checkin-note")) {
    const id = input.closest("li.goal")?.dataset.goalId;
    if (!id) continue;
    if (input.value !== "") typed.set(id, input.value);
    if (document.activeElement === input) focused = { id, start: input.selectionStart, end: input.selectionEnd };
  }

  const today = localDay();
  const writable = canWrite(g);
  const items = await Promise.all(g.goals.map(async (goal) => {
    const li = el("li", "goal");
    li.dataset.goalId = goal.id;
    li.dataset.keyVersion = String(goal.key_version);
    const title = await ring.open(goal.encrypted_title, goal.key_version, places.goalTitle(groupId, goal.key_version, goal.id));
    const head = el("div", "goal-head");
    head.append(el("span", "goal-title" + mark(title), shown(title, "Encrypted under a key you do not hold", "This goal")));
    const created = new Date(Number(goal.created_at) * 1000);
    const meta = ["by " + who(goal.author_id)];
    if (Number.isFinite(created.getTime())) meta.push(created.toLocaleDateString());
    head.append(el("span", "goal-meta", " · " + meta.join(" · ")));
    if (writable && (isAdmin(g) || sameUser(goal.author_id, me.user_id))) {
      const del = button("Delete", "goal-delete link-button");
      confirmed(del, "Really delete?", () => deleteGoal(goal, del));
      head.append(del);
    }
    li.append(head);

    const checkins = Array.isArray(goal.checkins) ? [...goal.checkins] : [];
    checkins.sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : String(a.user_id).localeCompare(String(b.user_id))));
    const list = el("ul", "checkins plain-list");
    let mineToday = false;
    for (const c of checkins) {
      const item = el("li", "checkin");
      item.dataset.userId = c.user_id;
      item.dataset.day = c.day;
      item.dataset.keyVersion = String(c.key_version);
      if (sameUser(c.user_id, me.user_id) && c.day === today) mineToday = true;
      // Bound to the goal, author and day it is listed under.
      const note = await ring.open(c.encrypted_note, c.key_version, places.goalNote(groupId, c.key_version, goal.id, c.user_id, c.day));
      item.append(el("span", "checkin-who", `${who(c.user_id)} · ${c.day}`));
      if (note.state === "ok" && note.text === "") item.append(el("span", "checkin-note-text muted", "checked in"));
      else item.append(el("span", "checkin-note-text" + mark(note), shown(note, "Encrypted under a key you do not hold", "This note")));
      list.append(item);
    }
    if (checkins.length > 0) li.append(list);

    if (writable) {
      const form = el("form", "checkin-form");
      form.noValidate = true;
      const input = el("input", "checkin-note");
      input.type = "text";
      input.maxLength = 2000;
      input.autocomplete = "off";
      input.placeholder = "A note (optional)";
      input.setAttribute("aria-label", "Note for today's check-in");
      if (typed.has(String(goal.id))) input.value = typed.get(String(goal.id));
      const submit = el("button", "checkin-submit", mineToday ? "Update today's check-in" : "Check in today");
      submit.type = "submit";
      const err = el("p", "error checkin-error");
      err.hidden = true;
      err.setAttribute("role", "alert");
      form.append(input, submit, err);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        checkIn(goal, input, submit, err);
      });
      li.append(form);
    }
    return li;
  }));
  goalsList.replaceChildren(...items);
  goalsEmpty.hidden = items.length > 0;
  goalsCard.hidden = false;
  if (focused) {
    const input = goalsList.querySelector(`li.goal[data-goal-id="${CSS.escape(focused.id)}"] input.checkin-note`);
    if (input) {
      input.focus();
      try {
        input.setSelectionRange(focused.start, focused.end);
      } catch {
        // not a text selection
      }
    }
  }
}

function updateAdminCard() {
  const g = group;
  const admin = g && !removed && isAdmin(g) && keyed(g);
  const n = admin ? waitingIds.size : 0;
  root.dataset.waiting = String(n);
  waitingText.textContent = `${count(n)} member${n === 1 ? "" : "s"} waiting for the key`;
  waitingEl.hidden = n === 0;
  reencryptEl.hidden = !reencrypting;
  root.dataset.reencrypting = reencrypting ? "1" : "0";
  adminCard.hidden = !admin || (n === 0 && !reencrypting);
}

// ---- writes ----

/**
 * Runs a write under the current key version; a 409 (the key changed
 * under us) refetches the group and tries once more.
 * @param {(version: number) => Promise<unknown>} write
 */
async function writeCurrent(write) {
  for (let attempt = 0; ; attempt++) {
    const g = group;
    if (!canWrite(g)) throw new Error("no-key");
    try {
      return await write(g.key_version);
    } catch (err) {
      if (attempt === 0 && err instanceof ApiError && err.status === 409) {
        await refresh();
        continue;
      }
      throw err;
    }
  }
}

/**
 * The text shown for an opened field (KeyRing.open): the text itself, the
 * page's words when no key of its version is held, or, when it does not
 * open at its place, that it may have been moved or altered — never the
 * text of another place.
 */
function shown(r, none, what) {
  if (r.state === "ok") return r.text;
  if (r.state === "failed") return `${what} ${places.MOVED}`;
  return none;
}

/** The class suffix of an opened field's element. */
function mark(r) {
  if (r.state === "ok") return "";
  return r.state === "failed" ? " muted undecryptable" : " muted";
}

/** An error whose message is meant for the page. */
class PageError extends Error {}

function writeError(err) {
  if (err instanceof Error && err.message === "no-key") {
    return "You cannot write to this group right now: the group key is being renewed or has not been shared with you.";
  }
  if (err instanceof PageError) return err.message;
  if (err instanceof UnverifiedError) {
    return "The group key can only be renewed once every remaining member's keys are verified: see the warnings in the member list.";
  }
  return errorMessage(err);
}

goalForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (goalSubmit.disabled) return;
  showError(goalError, "");
  const title = goalTitle.value.trim();
  if (title === "") {
    showError(goalError, "Give the goal a title.");
    return;
  }
  if (bytes(title) > MAX_TITLE_BYTES) {
    showError(goalError, "That title is too long.");
    return;
  }
  const restore = busy(goalSubmit, "Adding…");
  try {
    // The goal's id is picked here: its title is bound to it.
    const id = places.newId();
    await writeCurrent(async (v) => api("POST", base + "/goals", { id, encrypted_title: await ring.encrypt(title, v, places.goalTitle(groupId, v, id)), key_version: v }));
    goalTitle.value = "";
    await refresh();
  } catch (err) {
    showError(goalError, writeError(err));
  } finally {
    restore();
    goalSubmit.disabled = !canWrite(group);
  }
});

async function checkIn(goal, input, submit, err) {
  showError(err, "");
  const note = input.value.trim();
  if (bytes(note) > MAX_NOTE_BYTES) {
    showError(err, "That note is too long.");
    return;
  }
  const restore = busy(submit, "Saving…");
  try {
    const day = localDay();
    await writeCurrent(async (v) =>
      api("PUT", `${base}/goals/${encodeURIComponent(goal.id)}/checkins/${day}`,
        { encrypted_note: await ring.encrypt(note, v, places.goalNote(groupId, v, goal.id, me.user_id, day)), key_version: v }));
    input.value = "";
    await refresh();
  } catch (e) {
    showError(err, writeError(e));
  } finally {
    restore();
  }
}

async function deleteGoal(goal, b) {
  showError(errorEl, "");
  busy(b, "Deleting…");
  try {
    await api("DELETE", `${base}/goals/${encodeURIComponent(goal.id)}`);
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
  await refreshQuietly();
}

inviteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (inviteSubmit.disabled) return;
  showError(inviteError, "");
  inviteDone.hidden = true;
  const email = inviteEmail.value.trim();
  const at = email.indexOf("@");
  if (at < 1 || at !== email.lastIndexOf("@") || at === email.length - 1 || /\s/.test(email) || bytes(email) > 254) {
    showError(inviteError, "Enter an email address.");
    return;
  }
  const restore = busy(inviteSubmit, "Inviting…");
  try {
    await writeCurrent(async (v) =>
      api("POST", base + "/invitations", { email, encrypted_label: await ring.encrypt(email, v, places.memberLabel(groupId, v)), key_version: v }));
    inviteEmail.value = "";
    inviteDone.textContent = `Invited ${email}. If the address has an account, its owner sees the invitation on their Groups page for 14 days.`;
    inviteDone.hidden = false;
    await refresh();
  } catch (err) {
    showError(inviteError, writeError(err));
  } finally {
    restore();
    inviteSubmit.disabled = !canWrite(group);
  }
});

async function cancelInvitation(inv, b) {
  showError(errorEl, "");
  busy(b, "Cancelling…");
  try {
    await api("DELETE", `${base}/invitations/${encodeURIComponent(inv.id)}`);
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
  await refreshQuietly();
}

async function setRole(m, role, b) {
  showError(errorEl, "");
  busy(b, "Saving…");
  try {
    await api("PUT", `${base}/members/${encodeURIComponent(m.user_id)}/role`, { role });
  } catch (err) {
    showError(errorEl, errorMessage(err));
  }
  await refreshQuietly();
}

confirmed(leaveButton, "Really leave?", async () => {
  showError(leaveError, "");
  const restore = busy(leaveButton, "Leaving…");
  try {
    await api("POST", base + "/leave");
    location.assign("/groups");
  } catch (err) {
    restore();
    showError(leaveError, errorMessage(err));
  }
});

confirmed(deleteButton, "Really delete the group for everyone?", async () => {
  showError(leaveError, "");
  const restore = busy(deleteButton, "Deleting…");
  try {
    await api("DELETE", base);
    location.assign("/groups");
  } catch (err) {
    restore();
    showError(leaveError, errorMessage(err));
  }
});

// ---- rotation ----

/**
 * Makes key v+1, seals it to every member that holds v except `excluded`,
 * and posts {key_version: v, keys} to `path` (…/remove or …/rotate). When
 * the group changed meanwhile (409, or a key list the server rejects), it
 * refetches and, if `stillNeeded()` says so, tries once more.
 */
async function rotateKey(path, excluded, stillNeeded) {
  for (let attempt = 0; ; attempt++) {
    const g = group;
    if (!keyed(g)) throw new Error("no-key");
    if (!mayRotate()) throw new PageError(chainText[chain.code] || chainText.malformed);
    const v = g.key_version;
    const key = await newGroupKey();
    let kept = false;
    try {
      const holders = g.members.filter((m) => !m.pending && !(excluded && sameUser(m.user_id, excluded)));
      // This user's own copy goes to its own keys (not the server's list);
      // every other holder's to its verified bundle (trust.js).
      const self = holders.filter((m) => m.you || sameUser(m.user_id, me.user_id));
      const others = holders.filter((m) => !(m.you || sameUser(m.user_id, me.user_id)));
      const [mine, theirs] = await Promise.all([
        sdk.sealKey(key, self.map((m) => ({ user_id: m.user_id, public_key: myKeys.publicKey, pq_public_key: myKeys.pqPublicKey || "" }))),
        sealToVerified(key, others, verdicts),
      ]);
      const keys = [...mine, ...theirs];
      // The new version's statement, linked to the chain's tip (none for
      // a group made before statements: the server then wants zeros).
      const tip = g.key_chain.length ? g.key_chain[g.key_chain.length - 1] : null;
      const keyStatement = await signStatement(myKeys.user, key, { groupId, version: v + 1, signer: String(me.user_id), previous: tip });
      const res = await api("POST", path, { key_version: v, keys, key_statement: keyStatement });
      if (res && Number(res.key_version) === v + 1) {
        ring.put(v + 1, key);
        kept = true;
      }
      break;
    } catch (err) {
      if (attempt === 0 && err instanceof ApiError && (err.status === 409 || err.status === 400)) {
        await refresh();
        if (!removed && stillNeeded()) continue;
        return;
      }
      throw err;
    } finally {
      if (!kept) forgetKey(key); // not this group's key: forgotten in the workers
    }
  }
  await refresh();
}

async function removeMember(m, b) {
  showError(errorEl, "");
  busy(b, "Removing…");
  const stop = progress(status, "Renewing the group key…");
  try {
    await rotateKey(`${base}/members/${encodeURIComponent(m.user_id)}/remove`, m.user_id,
      () => Boolean(group && group.members.some((x) => sameUser(x.user_id, m.user_id))));
  } catch (err) {
    showError(errorEl, writeError(err));
    await refreshQuietly();
  } finally {
    stop();
  }
}

/**
 * Whether this page may rotate: the chain did not fail, or failed only
 * because its last signer cannot be verified here (an admin who left, a
 * changed key) — a rotation makes a fresh key of this page's own, sealed
 * to verified members, and signs the new tip itself. Never over a chain
 * that is stale, rolled back, broken, forged or committed to another key.
 */
function mayRotate() {
  return chainUsable() || chain.code === "signer";
}

/**
 * Adds the statement of the current version of a group that has none (a
 * group made before statements; docs/PROTOCOL.md §10.6): trust on first
 * use of the key this page holds. Once per page; a failure (no identity
 * key yet, another admin was first) leaves the group unverified.
 */
async function addFirstStatement(g) {
  firstStatementTried = true;
  const key = ring.get(g.key_version);
  if (!key) return false;
  try {
    const keyStatement = await signStatement(myKeys.user, key, { groupId, version: g.key_version, signer: String(me.user_id), previous: null });
    await api("PUT", base + "/key-statement", { key_version: g.key_version, key_statement: keyStatement });
    return true;
  } catch {
    return false;
  }
}

// ---- admin work: key distribution, rotation_needed, re-encryption ----

let maintaining = false;
let maintainAgain = false;
let rotations = 0; // automatic rotations (rotation_needed) this page made

async function maintain() {
  if (maintaining) {
    maintainAgain = true;
    return;
  }
  maintaining = true;
  let rounds = 0;
  try {
    do {
      maintainAgain = false;
      if (++rounds > 10) break; // a server that never settles: stop, the next push or load retries
      const g = group;
      if (!g || removed || !isAdmin(g) || !keyed(g)) break;
      if (chain.status === "unverified" && chain.code === "missing" && g.key_chain.length === 0 && !g.rotation_needed && !firstStatementTried) {
        if (await addFirstStatement(g)) {
          await refresh();
          continue;
        }
      }
      if (!mayRotate()) break; // the warning says why; reading stays possible
      if (chainUsable()) distribute(g.members.filter((m) => m.pending), g.key_version);
      if (g.rotation_needed) {
        if (g.members.some((m) => !m.pending && !sameUser(m.user_id, me.user_id) && !isSealable(verdicts.get(String(m.user_id))?.status))) {
          throw new UnverifiedError("", "blocked");
        }
        if (++rotations > 3) throw new PageError("The group key could not be renewed. Reload the page to try again.");
        await withProgress(status, "A member left: renewing the group key…", () =>
          rotateKey(base + "/rotate", null, () => Boolean(group && group.rotation_needed)));
        continue;
      }
      if (chainUsable() && g.stale > 0 && !reencrypting && stuckAt !== `${g.key_version}:${g.stale}`) {
        await reencrypt();
      }
    } while (maintainAgain && !removed);
  } catch (err) {
    showError(errorEl, writeError(err));
  } finally {
    maintaining = false;
  }
}

/** The key of `version` when this page may share it: an admin's, current, held. */
function shareableKey(version) {
  const g = group;
  if (!g || removed || !isAdmin(g) || Number(version) !== g.key_version || !chainUsable()) return null;
  return ring.get(version);
}

/**
 * The SDK's seal for pending members (push.js → share.js watchPending):
 * the bundle in the pending message itself is checked against the pin —
 * not a verdict from an earlier load — and the key sealed to its keys.
 * A member that does not verify is refused (the SDK sends nothing).
 */
async function sealPending(key, member) {
  const v = await checkMembers(contacts, [member]);
  const verdict = v.get(String(member.user_id));
  if (!verdict || !isSealable(verdict.status)) {
    verdicts.set(String(member.user_id), verdict || { status: "malformed", verified: false });
    throw new UnverifiedError(member.user_id, verdict ? verdict.status : "malformed");
  }
  const [copy] = await sealToVerified(key, [member], v);
  return copy.encrypted_key;
}

/**
 * Has the SDK seal the current key to these pending members and send
 * key_distributed (each copy once; a refused one is retried later).
 */
function distribute(members, version) {
  const key = shareableKey(version);
  if (!key || !push || !push.isOpen()) return;
  push.distribute(groupId, Number(version), members, key);
}

function showReencrypt(done, total) {
  reencryptBar.max = Math.max(total, 1);
  reencryptBar.value = Math.min(done, total);
  reencryptText.textContent = `Re-encrypting ${count(done)} of ${count(total)}…`;
}

/**
 * The place of a re-encryption item (GET …/reencrypt) under version v:
 * the same field of the same row, only the version changes. null for a
 * kind this page does not know (skipped). The server names the row; a
 * blob it names wrongly does not open at the place and is skipped.
 */
function stalePlace(it, v) {
  switch (it.kind) {
    case "group": return places.groupName(groupId, v);
    case "member":
    case "invitation": return places.memberLabel(groupId, v);
    case "goal": return places.goalTitle(groupId, v, it.id);
    case "checkin": return places.goalNote(groupId, v, it.goal_id, it.user_id, it.day);
    default: return null;
  }
}

async function reencrypt() {
  reencrypting = true;
  updateAdminCard();
  let total = group.stale;
  let done = 0;
  let idle = 0; // batches in a row that changed nothing
  showReencrypt(done, total);
  try {
    for (;;) {
      const batch = await api("GET", `${base}/reencrypt?limit=${BATCH}`);
      const items = Array.isArray(batch.items) ? batch.items : [];
      const stale = Number(batch.stale) || 0;
      const v = Number(batch.key_version);
      if (stale === 0 || items.length === 0) break;
      const toKey = ring.get(v);
      if (!toKey) break; // a rotation this page has not seen: the refresh below catches up
      total = Math.max(total, done + stale);
      showReencrypt(total - stale, total);
      const out = await Promise.all(items.map(async (it) => {
        const fromKey = ring.get(it.key_version);
        const from = Number(it.key_version);
        if (!fromKey || from === v) return null;
        const fromPlace = stalePlace(it, from);
        if (!fromPlace) return null;
        try {
          return { kind: it.kind, id: it.id, from_version: from, ciphertext: await reencryptBlob(it.ciphertext, fromKey, toKey, fromPlace, stalePlace(it, v)) };
        } catch {
          return null;
        }
      }));
      const good = out.filter(Boolean);
      if (good.length === 0) {
        stuckAt = `${v}:${stale}`;
        showError(errorEl, `${count(stale)} item${stale === 1 ? "" : "s"} under an older key cannot be re-encrypted: this browser holds no key that opens them.`);
        break;
      }
      let res;
      try {
        res = await api("POST", base + "/reencrypt", { key_version: v, items: good });
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) break; // rotated meanwhile: refresh, then resume
        throw err;
      }
      const left = Number(res.stale) || 0;
      done = total - left;
      showReencrypt(done, total);
      if (left === 0 || Number(res.key_version) !== v) break;
      idle = Number(res.updated) > 0 ? 0 : idle + 1;
      if (idle >= 5) {
        stuckAt = `${v}:${left}`;
        break;
      }
    }
  } finally {
    reencrypting = false;
    updateAdminCard();
  }
  await refresh();
}

// ---- pushes ----

function onPush(msg) {
  if (removed || String(msg.group_id) !== groupId) return;
  if (msg.type === "group_changed") {
    // Our own re-encryption batches announce themselves as "content": the
    // refresh that ends the re-encryption shows them (and anything another
    // member wrote meanwhile) at once.
    if (reencrypting && msg.reason === "content") return;
    // Whatever the reason (key, members, content, rotation_needed,
    // removed, deleted), the server's answer decides: a 404 shows the
    // removed state.
    refreshQuietly();
  }
}

/**
 * A pending list (an admin's page): shows who waits and returns the key
 * for the SDK to seal to them, or null (another group, or a version this
 * page has not seen yet: it refetches, and the next list is answered).
 */
/**
 * Whether every member a pending push names is listed, pending, by the
 * page's last GET of the group, with the same public keys: a push is only
 * a hint, and the key is sealed to no one the page has not fetched itself
 * (a forged or replayed push naming another user or other keys seals
 * nothing; docs/MALICIOUS-SERVER.md).
 */
function listedPending(members) {
  return members.every((p) => p && group.members.some((m) => m.pending && sameUser(m.user_id, p.user_id) &&
    m.public_key === p.public_key && (m.pq_public_key || "") === (p.pq_public_key || "")));
}

function onPending({ resourceId, keyVersion, members }) {
  if (removed || String(resourceId) !== groupId) return null;
  if (!group || keyVersion !== group.key_version || !listedPending(members)) {
    // The refresh distributes to the members its own GET lists (maintain).
    refreshQuietly();
    return null;
  }
  waitingIds = new Set(members.map((m) => String(m.user_id)));
  updateAdminCard();
  return shareableKey(keyVersion);
}

/**
 * This user's identity key: the one the SDK's handle opened (its own
 * signing key's public half) when it says, else the one in this user's
 * own bundle from /api/me, which must verify and name this user.
 */
async function ownIdentityKey() {
  if (myKeys.identityPublicKey) return myKeys.identityPublicKey;
  if (!me.identity_bundle) return "";
  try {
    return (await openBundle(me.identity_bundle, String(me.user_id), null)).identityKey;
  } catch {
    return "";
  }
}

startPage(async () => {
  root.dataset.state = "loading";
  [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  const stop = progress(status, "Opening your keys…");
  try {
    myKeys = await userHandle(me);
    ring = new KeyRing(myKeys.user);
    contacts = new Contacts(me, myKeys.user);
    await contacts.load();
    myIdentityKey = await ownIdentityKey();
  } finally {
    stop();
  }
  await withProgress(status, "Opening the group…", refresh);
  if (removed) return;
  push = connectPush({
    onMessage: onPush,
    onPending,
    seal: sealPending,
    onOpen: (reconnected) => {
      if (reconnected) refreshQuietly();
      else maintain();
    },
  });
});
