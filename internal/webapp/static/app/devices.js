// Devices and sessions (docs/PROTOCOL.md §3.5): the user's live sessions
// with their device labels decrypted under the user_key (a handle; its
// bytes stay in the SDK's worker) into textContent; end one, or all but
// this one. A session is named by its public id, never its token.

import { api, busy, el, errorMessage, fetchMe, loadSdk, sdk, showError, startPage, withProgress } from "./common.js";
import { labelSession } from "./device.js";
import { userHandle } from "./keys.js";
import * as places from "./places.js";

const status = document.getElementById("devices-status");
const errorEl = document.getElementById("devices-error");
const card = document.getElementById("devices-card");
const list = document.getElementById("devices-list");
const endOthers = document.getElementById("devices-end-others");
const ended = document.getElementById("devices-ended");

let key = null; // the user_key handle

function when(unix) {
  const d = new Date(Number(unix) * 1000);
  return Number.isFinite(d.getTime()) ? d.toLocaleString() : "";
}

async function label(s) {
  if (!s.encrypted_device) return null;
  try {
    return await sdk.decryptText(key, s.encrypted_device, places.deviceLabel);
  } catch {
    return null; // not under this user's key: shown as unknown
  }
}

async function render(sessions) {
  const items = await Promise.all(sessions.map(async (s) => {
    const li = el("li", "session-item");
    li.dataset.sessionId = s.id;
    li.dataset.current = s.current ? "1" : "0";
    const name = await label(s);
    const device = el("span", "session-device group-link", name ?? "Unknown device");
    li.append(device);
    if (s.current) li.append(" ", el("span", "badge", "this device"));
    li.append(el("div", "session-meta", `Logged in ${when(s.created)} · last seen ${when(s.last_seen)}`));
    if (!s.current) {
      const end = el("button", "session-end danger", "End session");
      end.type = "button";
      end.addEventListener("click", () => endOne(s.id, end, name ?? "this device"));
      const actions = el("span", "row-actions");
      actions.append(end);
      li.append(actions);
    }
    return li;
  }));
  list.replaceChildren(...items);
  endOthers.disabled = !sessions.some((s) => !s.current);
  card.hidden = false;
  return sessions;
}

async function reload() {
  const { sessions } = await api("GET", "/api/sessions");
  return render(sessions);
}

async function endOne(id, button, name) {
  showError(errorEl, "");
  ended.hidden = true;
  const restore = busy(button, "Ending…");
  try {
    await api("DELETE", "/api/sessions/" + encodeURIComponent(id));
    ended.textContent = `Ended the session of ${name}.`;
    ended.hidden = false;
    await reload();
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
}

endOthers.addEventListener("click", async () => {
  showError(errorEl, "");
  ended.hidden = true;
  const restore = busy(endOthers, "Ending…");
  try {
    const { ended: n } = await api("POST", "/api/sessions/end-others");
    ended.textContent = `Ended ${n} other session${n === 1 ? "" : "s"}.`;
    ended.hidden = false;
    await reload();
  } catch (err) {
    showError(errorEl, errorMessage(err));
  } finally {
    restore();
    endOthers.disabled = !list.querySelector('[data-current="0"]');
  }
});

startPage(async () => {
  const [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  await withProgress(status, "Opening your keys…", async () => {
    const { user } = await userHandle(me);
    try {
      key = await sdk.openKey(user, me.encrypted_user_key);
    } finally {
      sdk.release(user).catch(() => {});
    }
  });
  const sessions = await withProgress(status, "Loading your sessions…", reload);
  // A session from before labels existed (or whose label failed) gets
  // this browser's now.
  if (sessions.some((s) => s.current && !s.encrypted_device)) {
    await labelSession(key);
    await reload();
  }
});
