// The habits dashboard (docs/PROTOCOL.md §6): list the habits, open each
// habit's key with the user's private keys and decrypt its name and
// description here (textContent only) — every key as a handle of the
// SDK's handle API, so the key bytes stay in its worker(s); check in for today; create a
// habit under a new key sealed to the user. The server sees the colour,
// the order, the archived flag and the days, never the words.

import { ApiError, api, busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { showAnnouncements } from "./announcements.js";
import { currentFromRun, days as dayCount, localDay, runAfterToday } from "./history.js";
import { MOVED, habitDescription, habitName, newId } from "./places.js";

// encrypted_name is 41–1024 bytes and encrypted_description 40–16384:
// secretbox adds 40 bytes.
const MAX_NAME_CHARS = 200;
const MAX_DESCRIPTION_BYTES = 16384 - 40;
const COLOUR = /^#[0-9a-f]{6}$/;

const status = document.getElementById("habits-status");
const listError = document.getElementById("habits-error");
const toolbar = document.getElementById("habits-toolbar");
const showArchived = document.getElementById("habits-show-archived");
const archivedCount = document.getElementById("habits-archived-count");
const list = document.getElementById("habits-list");
const empty = document.getElementById("habits-empty");
const form = document.getElementById("habit-form");
const nameInput = document.getElementById("habit-name");
const descriptionInput = document.getElementById("habit-description");
const create = document.getElementById("habit-create");
const createStatus = document.getElementById("habit-create-status");
const createError = document.getElementById("habit-create-error");

let me = null;
/** @type {Array<{id: string, name: string, description: string, colour: string, archived: boolean, days: string[], noteDays: string[], last: string, run: number, failed: boolean}>} */
let habits = [];
let decryptNotice = ""; // kept in #habits-error while no other error is shown

const utf8Length = (s) => new TextEncoder().encode(s).length;

/**
 * A batch item's error: a SealkitError of the item (a key or a ciphertext
 * that is not ours) marks its habit failed; one that says the core itself
 * could not run fails the page.
 */
function itemFailed(r) {
  if (!r.error) return false;
  if (!(r.error instanceof sdk.SealkitError) || ["LOAD", "WORKER", "UNSUPPORTED"].includes(r.error.code)) throw r.error;
  return true;
}

/**
 * Opens the habits of GET /api/habits in one batch (the SDK's openTexts,
 * split over the workers): per habit its key, then its name and
 * description under it, with no key handle made (the dashboard needs the
 * keys only for these texts). Each text is opened at its place, built
 * from the id the row is listed under (places.js): another habit's name,
 * or a description served as the name, does not open. A habit that does
 * not open is kept, marked failed, so that one bad row never hides the
 * others.
 */
async function openHabits(list, user) {
  const views = list.map((h) => ({
    id: h.id,
    name: "",
    description: "",
    colour: COLOUR.test(h.colour) ? h.colour : "",
    archived: Boolean(h.archived),
    days: Array.isArray(h.checkin_days) ? h.checkin_days : [],
    noteDays: Array.isArray(h.note_days) ? h.note_days : [],
    // The run of days ending at the last check-in (the server's count):
    // whether it is current depends on the user's today (history.js).
    last: typeof h.last_checkin_day === "string" ? h.last_checkin_day : "",
    run: Number.isInteger(h.run) ? h.run : 0,
    failed: false,
  }));
  if (list.length === 0) return views;
  const opened = await sdk.openTexts(user, list.map((h) => ({
    sealed: h.encrypted_key,
    ciphertexts: [
      { ciphertext: h.encrypted_name, place: habitName(h.id) },
      { ciphertext: h.encrypted_description || null, place: habitDescription(h.id) },
    ],
  })));
  opened.forEach((r, i) => {
    if (itemFailed(r)) {
      views[i].failed = true;
      return;
    }
    views[i].name = r.texts[0] ?? "";
    views[i].description = r.texts[1] ?? "";
  });
  return views;
}

function habitItem(h, today) {
  const li = document.createElement("li");
  li.id = `habit-${h.id}`;
  li.className = "habit";
  li.dataset.habitId = h.id;
  li.classList.toggle("archived", h.archived);
  li.classList.toggle("undecryptable", h.failed);

  const swatch = document.createElement("span");
  swatch.className = "swatch";
  swatch.setAttribute("aria-hidden", "true");
  // CSSOM, not a style attribute: allowed by the CSP; COLOUR checked it.
  if (h.colour) swatch.style.backgroundColor = h.colour;

  const text = document.createElement("div");
  text.className = "habit-text";
  const link = document.createElement("a");
  link.id = `habit-link-${h.id}`;
  link.className = "habit-name";
  link.href = `/habits/${encodeURIComponent(h.id)}`;
  link.textContent = h.failed ? `This habit ${MOVED}` : h.name;
  text.append(link);
  if (h.archived) {
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = "Archived";
    text.append(" ", badge);
  }
  const desc = document.createElement("span");
  desc.id = `habit-description-${h.id}`;
  desc.className = "habit-description muted";
  desc.textContent = h.failed ? "Its key or its text does not open with your keys." : h.description;
  desc.hidden = desc.textContent === "";
  text.append(desc);

  const toggle = document.createElement("label");
  toggle.className = "check habit-today";
  const box = document.createElement("input");
  box.type = "checkbox";
  box.id = `habit-today-${h.id}`;
  box.checked = h.days.includes(today);
  box.dataset.habitId = h.id;
  box.setAttribute("aria-describedby", link.id); // "Today", for which habit
  toggle.append(box, " Today");

  const streak = document.createElement("span");
  streak.id = `habit-streak-${h.id}`;
  streak.className = "habit-streak";
  showStreak(streak, h, today);

  li.append(swatch, text, streak, toggle);
  return li;
}

/** The habit's current streak, counted up to yesterday while today is not checked in. */
function showStreak(el, h, today) {
  const s = currentFromRun(h.last, h.run, today);
  el.dataset.streak = String(s.current);
  el.classList.toggle("live", s.current > 0);
  el.textContent = s.current === 0 ? "No streak" : `Streak: ${dayCount(s.current)}${s.today ? "" : " (to yesterday)"}`;
  el.title = s.current === 0 ? "Neither today nor yesterday is checked in." : s.today ? "Consecutive days up to today." : "Consecutive days up to yesterday: today is not checked in yet.";
}

/** Renders the whole list at once: one DOM update for any number of habits. */
function render() {
  const today = localDay();
  const frag = document.createDocumentFragment();
  for (const h of habits) frag.append(habitItem(h, today));
  list.replaceChildren(frag);
  const archived = habits.filter((h) => h.archived).length;
  const failed = habits.filter((h) => h.failed).length;
  archivedCount.textContent = archived ? `(${archived})` : "";
  toolbar.hidden = archived === 0;
  list.classList.toggle("hide-archived", !showArchived.checked);
  list.hidden = habits.length === 0;
  empty.hidden = habits.length !== 0;
  document.body.dataset.habitCount = String(habits.length);
  document.body.dataset.habitFailed = String(failed);
  decryptNotice = failed ? `${failed === 1 ? "One habit" : `${failed} habits`} ${MOVED}.` : "";
  showError(listError, decryptNotice);
}

showArchived.addEventListener("change", () => {
  list.classList.toggle("hide-archived", !showArchived.checked);
});

// One listener for every "Today" box: a check-in without a note, or its removal.
list.addEventListener("change", async (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.habitId) return;
  const h = habits.find((x) => x.id === box.dataset.habitId);
  if (!h) return;
  const day = localDay();
  const on = box.checked;
  const path = `/api/habits/${encodeURIComponent(h.id)}/checkins/${day}`;
  showError(listError, decryptNotice);
  if (!on && h.noteDays.includes(day)) {
    // The box cannot show the note it would delete: that is the habit page's job.
    box.checked = true;
    showError(listError, "Today's check-in has a note. Open the habit to remove it with its note.");
    return;
  }
  box.disabled = true;
  try {
    if (on) await api("PUT", path, {});
    else await api("DELETE", path);
    Object.assign(h, runAfterToday(h.last, h.run, day, on, h.days));
    h.days = on ? [day, ...h.days.filter((d) => d !== day)] : h.days.filter((d) => d !== day);
    const streak = document.getElementById(`habit-streak-${h.id}`);
    if (streak) showStreak(streak, h, day);
  } catch (err) {
    // Already gone (another tab unchecked it): the box is right as it is.
    if (!(err && err.status === 404 && !on && err.message !== "habit not found")) {
      box.checked = !on;
      showError(listError, errorMessage(err));
    }
  } finally {
    box.disabled = false;
  }
});

let user = null; // the user's keys, as a handle (they stay in the SDK's worker)

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (create.disabled || !user) return;
  showError(createError, "");
  const name = nameInput.value.trim();
  const description = descriptionInput.value.trim();
  const picked = form.querySelector('input[name="habit-colour"]:checked');
  const colour = picked ? picked.value : "";
  if (name === "") {
    showError(createError, "Give the habit a name.");
    return;
  }
  if ([...name].length > MAX_NAME_CHARS) {
    showError(createError, `The name is too long: at most ${MAX_NAME_CHARS} characters.`);
    return;
  }
  if (utf8Length(description) > MAX_DESCRIPTION_BYTES) {
    showError(createError, "The description is too long.");
    return;
  }
  if (!COLOUR.test(colour)) {
    showError(createError, "Pick a colour.");
    return;
  }
  const restore = busy(create, "Encrypting…");
  const stop = progress(createStatus, "Encrypting…");
  try {
    const key = await sdk.newKey();
    // The id is picked here: the name and description are bound to it.
    const id = newId();
    let encryptedKey, encryptedName, encryptedDescription;
    try {
      [[{ encrypted_key: encryptedKey }], encryptedName, encryptedDescription] = await Promise.all([
        sdk.sealKey(key, [{ user_id: "me", public_key: me.public_key, pq_public_key: me.pq_public_key }]),
        sdk.encryptText(key, name, habitName(id)),
        description ? sdk.encryptText(key, description, habitDescription(id)) : Promise.resolve(undefined),
      ]);
    } finally {
      sdk.release(key).catch(() => {});
    }
    create.textContent = "Saving…";
    const body = { id, encrypted_key: encryptedKey, encrypted_name: encryptedName, colour };
    if (encryptedDescription) body.encrypted_description = encryptedDescription;
    const created = await api("POST", "/api/habits", body);
    // A server that answers another id than the one the fields are bound to is not believed.
    if (created?.id !== id) throw new ApiError(0, "The server answered with another habit than the one created; reload the page.");
    habits.push({ id, name, description, colour, archived: false, days: [], noteDays: [], last: "", run: 0, failed: false });
    render();
    nameInput.value = "";
    descriptionInput.value = "";
    nameInput.focus();
  } catch (err) {
    showError(createError, errorMessage(err));
  } finally {
    stop();
    restore();
  }
});

startPage(async () => {
  performance.mark("habits-start");
  let listed;
  // The keys open (the key cache, in the SDK's worker) as soon as the
  // account record is here, while the list still loads.
  const meLoaded = fetchMe();
  const keysOpened = meLoaded.then((m) => userHandle(m));
  keysOpened.catch(() => {}); // awaited below; the list's failure is shown first
  [me, listed] = await withProgress(status, "Loading…", () => Promise.all([meLoaded, api("GET", "/api/habits"), loadSdk()]));
  performance.mark("habits-loaded");
  const opened = await withProgress(status, "Opening your keys…", () => keysOpened);
  performance.mark("habits-keys");
  // Announcements are another feature's: whatever happens there, the
  // habits still show.
  const announced = (async () => showAnnouncements(document.getElementById("announcements"), opened.user))().catch(() => {});
  const count = listed.habits.length;
  await withProgress(status, count === 1 ? "Decrypting your habit…" : `Decrypting ${count} habits…`, async () => {
    performance.mark("habits-decrypt-start");
    habits = await openHabits(listed.habits, opened.user);
    performance.mark("habits-decrypt-end");
    render();
  });
  user = opened.user;
  form.hidden = false;
  create.disabled = false;
  // The page is usable already; data-ready also waits for the announcements.
  await announced;
  performance.mark("habits-ready");
});
