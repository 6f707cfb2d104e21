// Announcements from the operator (docs/PROTOCOL.md §9). NOT
// zero-knowledge: the operator wrote the text (`sealkit announce`), so the
// server has seen it; it arrives sealed to this user and is opened here
// with the user's private keys. Every announcement is shown with a label
// that says so. Text reaches the DOM through textContent only.
//
// Used by the signed-in home page and the habits dashboard:
//   showAnnouncements(container, user)
// container: an element (hidden until there is something to show);
// user: keys.js userHandle()'s user handle (the keys stay in the worker).

import { api, busy, errorMessage, loadSdk, sdk } from "./common.js";

const LABEL_STRONG = "From the operator — not end-to-end encrypted:";
const LABEL_REST = " the server's operator wrote this text, so the server has seen it.";

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The text as paragraphs (blank lines) with line breaks, by textContent. */
function bodyNodes(text) {
  return text.split(/\n[ \t]*\n+/).map((para) => {
    const p = element("p");
    para.split("\n").forEach((line, i) => {
      if (i > 0) p.append(document.createElement("br"));
      p.append(document.createTextNode(line));
    });
    return p;
  });
}

function sentAt(seconds) {
  const when = element("p", "note");
  if (!Number.isFinite(seconds) || seconds <= 0) return when;
  const d = new Date(seconds * 1000);
  const time = element("time", "", d.toLocaleString());
  time.dateTime = d.toISOString();
  when.append("Sent ", time);
  return when;
}

/** Hides the container when no announcement is left in it. */
function hideIfEmpty(container) {
  if (!container.querySelector(".announcement")) {
    container.replaceChildren();
    container.hidden = true;
  }
}

/** One announcement: label, opened text (or an error), date, Dismiss. */
async function item(container, a, user) {
  const article = element("article", "card announcement");
  article.dataset.announcementId = String(a.id);
  const label = element("p", "announcement-label");
  label.append(element("strong", "", LABEL_STRONG), LABEL_REST);
  const body = element("div", "announcement-body");
  const error = element("p", "error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const dismiss = element("button", "announcement-dismiss", "Dismiss");
  dismiss.type = "button";
  article.append(label, body, sentAt(Number(a.created_at)), error, dismiss);

  try {
    if (!user || typeof a.encrypted_body !== "string") throw new Error("no keys");
    await loadSdk();
    const text = await sdk.unsealText(user, a.encrypted_body);
    body.replaceChildren(...bodyNodes(text));
  } catch (err) {
    body.replaceChildren();
    error.textContent = "This announcement could not be opened. " + errorMessage(err);
    error.hidden = false;
    article.classList.add("announcement-failed");
  }

  dismiss.addEventListener("click", async () => {
    const restore = busy(dismiss, "Dismissing…");
    try {
      await api("DELETE", "/api/announcements/" + encodeURIComponent(String(a.id)));
      article.remove();
      hideIfEmpty(container);
    } catch (err) {
      restore();
      error.textContent = "It could not be dismissed. " + errorMessage(err);
      error.hidden = false;
    }
  });
  return article;
}

/**
 * Fetches the user's announcements, opens each in this browser and shows
 * them in `container` (shown only when there is at least one). A failure
 * to open one shows an error in its place; this function never throws.
 * @param {HTMLElement | null} container
 * @param {string} user keys.js userHandle()'s user handle
 */
export async function showAnnouncements(container, user) {
  if (!container) return;
  try {
    const data = await api("GET", "/api/announcements");
    const list = data && Array.isArray(data.announcements) ? data.announcements : [];
    if (list.length === 0) {
      container.replaceChildren();
      container.hidden = true;
      return;
    }
    const items = await Promise.all(list.map((a) => item(container, a, user)));
    container.replaceChildren(element("h2", "", "Announcements"), ...items);
    container.hidden = false;
  } catch (err) {
    try {
      const error = element("p", "error", "Announcements could not be loaded. " + errorMessage(err));
      error.setAttribute("role", "alert");
      container.replaceChildren(element("h2", "", "Announcements"), error);
      container.hidden = false;
    } catch {
      // Nothing more to show: the page goes on without announcements.
    }
  }
}
