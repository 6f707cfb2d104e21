// One habit (docs/PROTOCOL.md §6): open its key with the user's private
// keys, decrypt the name, the description and the check-in notes here
// (textContent only); check in today with a note, edit, archive, delete.
// Everything typed is encrypted under the habit key before it is sent.
// Keys are handles of the SDK's handle API: their bytes stay in its worker(s).

import { api, ApiError, busy, errorMessage, fetchMe, loadSdk, progress, sdk, showError, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { days as dayCount, localDay, streaks } from "./history.js";
import { renderHeatMap } from "./heatmap.js";
import { MOVED, habitDescription, habitName, habitNote } from "./places.js";

// encrypted_name is 41–1024 bytes, encrypted_description and
// encrypted_note 40–16384: secretbox adds 40 bytes.
const MAX_NAME_CHARS = 200;
const MAX_TEXT_BYTES = 16384 - 40;
const COLOUR = /^#[0-9a-f]{6}$/;
const ID = /^[0-9a-f]{32}$/;
const YEAR_LISTED = 366; // GET /api/habits/{id} lists at most this many check-ins

const $ = (id) => document.getElementById(id);
const status = $("habit-status");
const view = $("habit-view");
const swatch = $("habit-swatch");
const title = $("habit-title");
const archivedBadge = $("habit-archived-badge");
const descEl = $("habit-desc");
const meta = $("habit-meta");
const checkinForm = $("checkin-form");
const noteInput = $("checkin-note");
const checkinSubmit = $("checkin-submit");
const checkinStatus = $("checkin-status");
const checkinSaved = $("checkin-saved");
const checkinError = $("checkin-error");
const checkinsList = $("checkins-list");
const checkinsEmpty = $("checkins-empty");
const checkinsError = $("checkins-error");
const editForm = $("habit-edit-form");
const editName = $("habit-edit-name");
const editDescription = $("habit-edit-description");
const editSave = $("habit-edit-save");
const editSaved = $("habit-edit-saved");
const editError = $("habit-edit-error");
const archiveButton = $("habit-archive");
const deleteButton = $("habit-delete");
const deleteConfirm = $("habit-delete-confirm");
const deleteYes = $("habit-delete-yes");
const deleteNo = $("habit-delete-no");
const manageError = $("habit-manage-error");
const historyCurrent = $("history-current");
const historyLongest = $("history-longest");
const historyNote = $("history-current-note");
const historyMap = $("history-map");
const historySummary = $("history-summary");

// Habit ids are hex: checked (ID) before the first request.
const id = location.pathname.split("/")[2] || "";
const base = `/api/habits/${id}`;

let key = null; // the habit key, as a handle (its bytes stay in the SDK's worker)
// The habit as shown; failed: its key or its name does not open.
const habit = { failed: false, name: "", description: "", descriptionFailed: false, colour: "", archived: false, createdAt: 0 };
/** @type {Array<{day: string, note: string, failed: boolean}>} newest first */
let checkins = [];
// Every checked-in day, beyond the year GET /api/habits/{id} lists (the
// longest streak counts them all): only the days, no notes.
let olderDays = [];

const utf8Length = (s) => new TextEncoder().encode(s).length;

// startPage shows an ApiError's message as it is: the page's own
// sentences for a habit that cannot be shown travel in one.
const cannotShow = (message) => new ApiError(0, message);

function dayLabel(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
}

function showHabit() {
  title.textContent = habit.failed ? `This habit ${MOVED}` : habit.name;
  title.classList.toggle("undecryptable", habit.failed);
  let desc = habit.description;
  if (habit.failed) desc = "Its key or its name does not open with your keys: you can still archive or delete it.";
  else if (habit.descriptionFailed) desc = `The description ${MOVED}.`;
  descEl.textContent = desc;
  descEl.classList.toggle("undecryptable", habit.failed || habit.descriptionFailed);
  descEl.hidden = descEl.textContent === "";
  swatch.style.backgroundColor = COLOUR.test(habit.colour) ? habit.colour : "";
  archivedBadge.hidden = !habit.archived;
  archiveButton.textContent = habit.archived ? "Unarchive" : "Archive";
  document.body.dataset.archived = habit.archived ? "1" : "0";
  const created = habit.createdAt ? new Date(habit.createdAt * 1000).toLocaleDateString() : "";
  meta.textContent = created ? `Created ${created}.` : "";
}

function showCheckins() {
  const today = localDay();
  const frag = document.createDocumentFragment();
  for (const c of checkins) {
    const li = document.createElement("li");
    li.id = `checkin-${c.day}`;
    const when = document.createElement("time");
    when.className = "checkin-day";
    when.dateTime = c.day;
    when.textContent = c.day === today ? `Today (${dayLabel(c.day)})` : dayLabel(c.day);
    const note = document.createElement("span");
    note.className = "checkin-note";
    note.classList.toggle("undecryptable", c.failed);
    note.textContent = c.failed ? `This note ${MOVED}.` : c.note;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.id = `checkin-remove-${c.day}`;
    remove.className = "link-button";
    remove.dataset.day = c.day;
    remove.textContent = "Remove";
    li.append(when, note, remove);
    frag.append(li);
  }
  checkinsList.replaceChildren(frag);
  checkinsEmpty.hidden = checkins.length !== 0;
  document.body.dataset.checkinCount = String(checkins.length);
  const mine = checkins.find((c) => c.day === today);
  checkinSubmit.textContent = mine ? "Update today's check-in" : "Check in";
  showHistory(today);
}

/** The streaks and the heat map, from the decrypted check-ins here. */
function showHistory(today) {
  const checked = new Map(checkins.map((c) => [c.day, c.failed ? null : c]));
  const s = streaks([...checked.keys(), ...olderDays], today);
  historyCurrent.textContent = dayCount(s.current);
  historyLongest.textContent = dayCount(s.longest);
  if (s.today) historyNote.textContent = "Today is checked in: it counts in the current streak.";
  else if (s.current > 0) historyNote.textContent = "Today is not checked in yet: the current streak counts up to yesterday and goes on if you check in today.";
  else historyNote.textContent = "No check-in today or yesterday: check in today to start a streak.";
  const inMap = renderHeatMap(historyMap, today, checked, COLOUR.test(habit.colour) ? habit.colour : "");
  historySummary.textContent = `${dayCount(inMap)} checked in over the last 12 months.`;
  document.body.dataset.streakCurrent = String(s.current);
  document.body.dataset.streakLongest = String(s.longest);
}

/**
 * The days older than the oldest check-in GET /api/habits/{id} gave, page
 * by page (GET /api/habits/{id}/checkins; ciphertext only, and only the
 * days are used).
 */
async function fetchOlderDays(oldest) {
  const out = [];
  for (let before = oldest; ;) {
    const page = await api("GET", `${base}/checkins?before=${encodeURIComponent(before)}`);
    for (const c of page.checkins) out.push(c.day);
    if (!page.more || page.checkins.length === 0) return out;
    before = page.checkins[page.checkins.length - 1].day;
  }
}

/** Puts today's note, if any, in the form: a new check-in today replaces it. */
function fillTodayNote() {
  const mine = checkins.find((c) => c.day === localDay());
  noteInput.value = mine && !mine.failed ? mine.note : "";
}

function pickColour(colour) {
  for (const r of editForm.querySelectorAll('input[name="habit-edit-colour"]')) r.checked = r.value === colour;
}

/** Whether err means "this data does not open" rather than a broken crypto core. */
function isWrongData(err) {
  return err instanceof sdk.SealkitError && !["LOAD", "WORKER", "UNSUPPORTED"].includes(err.code);
}

/**
 * Decrypts under the habit key at its place (places.js: this habit's id
 * from the URL, the field, the day shown); a ciphertext that does not
 * open — another habit's, another field's or day's — is marked failed,
 * not thrown.
 */
async function decryptOr(ctB64, place) {
  if (!ctB64) return { text: "", failed: false };
  if (!key) return { text: "", failed: true };
  try {
    return { text: await sdk.decryptText(key, ctB64, place), failed: false };
  } catch (err) {
    if (!isWrongData(err)) throw err;
    return { text: "", failed: true };
  }
}

function tooLong(name, description) {
  if (name === "") return "Give the habit a name.";
  if ([...name].length > MAX_NAME_CHARS) return `The name is too long: at most ${MAX_NAME_CHARS} characters.`;
  if (utf8Length(description) > MAX_TEXT_BYTES) return "The description is too long.";
  return "";
}

checkinForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (checkinSubmit.disabled || !key) return;
  showError(checkinError, "");
  checkinSaved.hidden = true;
  const note = noteInput.value.trim();
  if (utf8Length(note) > MAX_TEXT_BYTES) {
    showError(checkinError, "The note is too long.");
    return;
  }
  const day = localDay();
  const restore = busy(checkinSubmit, "Encrypting…");
  const stop = progress(checkinStatus, "Encrypting…");
  try {
    const body = note ? { encrypted_note: await sdk.encryptText(key, note, habitNote(id, day)) } : {};
    checkinSubmit.textContent = "Saving…";
    await api("PUT", `${base}/checkins/${day}`, body);
    checkins = [{ day, note, failed: false }, ...checkins.filter((c) => c.day !== day)].sort((a, b) => (a.day < b.day ? 1 : -1));
    noteInput.value = note;
    checkinSaved.hidden = false;
  } catch (err) {
    showError(checkinError, errorMessage(err));
  } finally {
    stop();
    restore();
    showCheckins();
  }
});

noteInput.addEventListener("input", () => {
  checkinSaved.hidden = true;
});

checkinsList.addEventListener("click", async (event) => {
  const button = event.target;
  if (!(button instanceof HTMLButtonElement) || !button.dataset.day) return;
  const day = button.dataset.day;
  showError(checkinsError, "");
  busy(button, "Removing…");
  try {
    await api("DELETE", `${base}/checkins/${day}`);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404 && err.message !== "habit not found")) {
      showError(checkinsError, errorMessage(err));
      showCheckins();
      return;
    }
  }
  checkins = checkins.filter((c) => c.day !== day);
  showCheckins();
  if (day === localDay()) fillTodayNote();
});

editForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (editSave.disabled || !key) return;
  showError(editError, "");
  editSaved.hidden = true;
  const name = editName.value.trim();
  const description = editDescription.value.trim();
  const picked = editForm.querySelector('input[name="habit-edit-colour"]:checked');
  // A colour outside the palette (set elsewhere) stays unless one is picked.
  const colour = picked ? picked.value : habit.colour;
  const problem = tooLong(name, description);
  if (problem) {
    showError(editError, problem);
    return;
  }
  const restore = busy(editSave, "Encrypting…");
  try {
    const [encryptedName, encryptedDescription] = await Promise.all([
      sdk.encryptText(key, name, habitName(id)),
      description ? sdk.encryptText(key, description, habitDescription(id)) : Promise.resolve(undefined),
    ]);
    editSave.textContent = "Saving…";
    const body = { encrypted_name: encryptedName, colour };
    if (encryptedDescription) body.encrypted_description = encryptedDescription;
    await api("PUT", base, body);
    Object.assign(habit, { name, description, descriptionFailed: false, colour });
    showHabit();
    showHistory(localDay());
    editName.value = name;
    editDescription.value = description;
    editSaved.hidden = false;
  } catch (err) {
    showError(editError, errorMessage(err));
  } finally {
    restore();
  }
});

for (const input of [editName, editDescription]) {
  input.addEventListener("input", () => {
    editSaved.hidden = true;
  });
}

archiveButton.addEventListener("click", async () => {
  if (archiveButton.disabled) return;
  showError(manageError, "");
  const archived = !habit.archived;
  const restore = busy(archiveButton, archived ? "Archiving…" : "Restoring…");
  try {
    await api("PUT", `${base}/archived`, { archived });
    habit.archived = archived;
  } catch (err) {
    showError(manageError, errorMessage(err));
  } finally {
    restore();
    showHabit();
  }
});

deleteButton.addEventListener("click", () => {
  deleteConfirm.hidden = false;
  deleteYes.focus();
});

deleteNo.addEventListener("click", () => {
  deleteConfirm.hidden = true;
  deleteButton.focus();
});

deleteYes.addEventListener("click", async () => {
  showError(manageError, "");
  const restore = busy(deleteYes, "Deleting…");
  try {
    await api("DELETE", base);
    location.assign("/habits");
  } catch (err) {
    restore();
    showError(manageError, errorMessage(err));
  }
});

startPage(async () => {
  if (!ID.test(id)) throw cannotShow("This habit does not exist, or it is not yours.");
  const [me, h] = await withProgress(status, "Loading…", () => Promise.all([
    fetchMe(),
    api("GET", base).catch((err) => {
      if (err instanceof ApiError && err.status === 404) throw cannotShow("This habit does not exist, or it is not yours.");
      throw err;
    }),
    loadSdk(),
  ]));
  const { user } = await withProgress(status, "Opening your keys…", () => userHandle(me));
  await withProgress(status, "Decrypting…", async () => {
    try {
      key = await sdk.openKey(user, h.encrypted_key);
    } catch (err) {
      if (!isWrongData(err)) throw err;
      key = null;
    } finally {
      // Only the habit key is needed from here on.
      sdk.release(user).catch(() => {});
    }
    const [name, description, ...notes] = await Promise.all([
      decryptOr(h.encrypted_name, habitName(id)),
      decryptOr(h.encrypted_description, habitDescription(id)),
      ...h.checkins.map((c) => decryptOr(c.encrypted_note, habitNote(id, c.day))),
    ]);
    Object.assign(habit, {
      // A habit that does not open can still be archived or deleted.
      failed: key === null || name.failed,
      name: name.text,
      description: description.text,
      descriptionFailed: description.failed,
      colour: h.colour,
      archived: Boolean(h.archived),
      createdAt: h.created_at,
    });
    checkins = h.checkins.map((c, i) => ({ day: c.day, note: notes[i].text, failed: notes[i].failed }));
  });
  // A full year listed: there may be older days, which the longest streak needs.
  if (h.checkins.length >= YEAR_LISTED) {
    olderDays = await withProgress(status, "Loading older check-ins…", () => fetchOlderDays(h.checkins[h.checkins.length - 1].day));
  }
  showHabit();
  showCheckins();
  view.hidden = false;
  archiveButton.disabled = false;
  deleteButton.disabled = false;
  if (habit.failed) {
    if (key) sdk.release(key).catch(() => {});
    key = null;
    checkinForm.hidden = true;
    editForm.hidden = true;
    return;
  }
  fillTodayNote();
  editName.value = habit.name;
  editDescription.value = habit.description;
  pickColour(habit.colour);
  checkinSubmit.disabled = false;
  editSave.disabled = false;
});
