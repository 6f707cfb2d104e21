// "Download my data" (settings page): everything of the user, fetched
// through the API as ciphertext and decrypted here, in the browser, with
// key handles (their bytes stay in the SDK's worker(s)). The server never
// sees the plaintext: it only answers the same reads the pages make.
//
// Two files: sealkit-export-YYYY-MM-DD.json (profile, habits with every
// check-in and note and their streaks, groups with their goals and this
// user's check-ins) and sealkit-checkins-YYYY-MM-DD.csv (habit, day,
// note; csv.js makes it safe for spreadsheets). A value that does not
// decrypt is null, with "undecryptable": true on its object.

import { ApiError, api, sdk } from "./common.js";
import { KeyRing } from "./groupkeys.js";
import { localDay, streaks } from "./history.js";
import { toCSV } from "./csv.js";
import * as places from "./places.js";

const PARALLEL = 4; // habits (or groups) fetched and decrypted at once

/** Runs work(item) over items, at most PARALLEL at a time, in order of results. */
async function pool(items, work) {
  const out = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Every check-in of a habit, newest first, through the pages of GET /api/habits/{id}/checkins. */
async function allCheckins(id) {
  const out = [];
  let path = `/api/habits/${encodeURIComponent(id)}/checkins`;
  for (;;) {
    const page = await api("GET", path);
    out.push(...page.checkins);
    if (!page.more || page.checkins.length === 0) return out;
    path = `/api/habits/${encodeURIComponent(id)}/checkins?before=${encodeURIComponent(out[out.length - 1].day)}`;
  }
}

/**
 * Decrypts under a key handle at a place (places.js; none for the
 * address, which the kit's account format seals unbound); null when there
 * is no key or the ciphertext does not open there.
 */
async function open(key, ct, place) {
  if (!key || !ct) return null;
  try {
    return await sdk.decryptText(key, ct, place);
  } catch {
    return null;
  }
}

/**
 * work(), or null when what it reads is gone (404: a habit deleted or a
 * group left in another tab while the export runs); other errors fail it.
 */
async function unlessGone(work) {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

const iso = (unix) => (unix ? new Date(unix * 1000).toISOString() : null);

async function exportProfile(me, user) {
  let key = null;
  try {
    key = await sdk.openKey(user, me.encrypted_user_key);
  } catch {
    key = null;
  }
  try {
    const [email, name] = await Promise.all([open(key, me.encrypted_email), me.encrypted_display_name ? open(key, me.encrypted_display_name, places.displayName) : ""]);
    const profile = { email, display_name: name };
    if (email === null || name === null) profile.undecryptable = true;
    return profile;
  } finally {
    if (key) sdk.release(key).catch(() => {});
  }
}

async function exportHabit(h, user, today) {
  let key = null;
  try {
    key = await sdk.openKey(user, h.encrypted_key);
  } catch {
    key = null;
  }
  try {
    const list = await allCheckins(h.id);
    const [name, description, ...notes] = await Promise.all([
      open(key, h.encrypted_name, places.habitName(h.id)),
      h.encrypted_description ? open(key, h.encrypted_description, places.habitDescription(h.id)) : "",
      ...list.map((c) => (c.encrypted_note ? open(key, c.encrypted_note, places.habitNote(h.id, c.day)) : "")),
    ]);
    const checkins = list.map((c, i) => {
      const out = { day: c.day, note: notes[i], checked_in_at: iso(c.created_at) };
      if (notes[i] === null) out.undecryptable = true;
      return out;
    });
    const s = streaks(list.map((c) => c.day), today);
    const habit = {
      id: h.id,
      name,
      description,
      colour: h.colour,
      archived: Boolean(h.archived),
      created_at: iso(h.created_at),
      current_streak: s.current,
      longest_streak: s.longest,
      checkins,
    };
    if (name === null || description === null) habit.undecryptable = true;
    return habit;
  } finally {
    if (key) sdk.release(key).catch(() => {});
  }
}

async function exportGroup(summary, user, me) {
  const g = await api("GET", `/api/groups/${encodeURIComponent(summary.id)}`);
  const ring = new KeyRing(user);
  try {
    await ring.add(g.keys);
    const mine = new Set((g.members || []).filter((m) => m.you).map((m) => m.user_id));
    if (mine.size === 0) mine.add(me.user_id);
    const name = await ring.decrypt(g.encrypted_name, g.name_key_version, places.groupName(summary.id, g.name_key_version));
    const goals = await Promise.all((g.goals || []).map(async (goal) => {
      const title = await ring.decrypt(goal.encrypted_title, goal.key_version, places.goalTitle(summary.id, goal.key_version, goal.id));
      const checkins = await Promise.all((goal.checkins || []).filter((c) => mine.has(c.user_id)).map(async (c) => {
        const note = await ring.decrypt(c.encrypted_note, c.key_version, places.goalNote(summary.id, c.key_version, goal.id, c.user_id, c.day));
        const out = { day: c.day, note };
        if (note === null) out.undecryptable = true;
        return out;
      }));
      const out = { id: goal.id, title, created_at: iso(goal.created_at), my_checkins: checkins };
      if (title === null) out.undecryptable = true;
      return out;
    }));
    const group = { id: g.id, name, role: g.role, pending: Boolean(g.pending), goals };
    if (name === null) group.undecryptable = true;
    return group;
  } finally {
    ring.clear();
  }
}

/**
 * Everything of the user, decrypted: {json, csv, day} with the texts of
 * the two files and the day in their names.
 * @param {object} me the /api/me JSON
 * @param {string} user the user handle (keys.js userHandle())
 * @param {(text: string) => void} step progress
 */
export async function buildExport(me, user, step) {
  const today = localDay();
  step("Decrypting your profile…");
  const profile = await exportProfile(me, user);
  const { habits: listed } = await api("GET", "/api/habits");
  step(`Decrypting ${listed.length === 1 ? "1 habit" : `${listed.length} habits`}…`);
  const habits = (await pool(listed, (h) => unlessGone(() => exportHabit(h, user, today)))).filter(Boolean);
  const { groups: groupList } = await api("GET", "/api/groups");
  step(`Decrypting ${groupList.length === 1 ? "1 group" : `${groupList.length} groups`}…`);
  const groups = (await pool(groupList, (g) => unlessGone(() => exportGroup(g, user, me)))).filter(Boolean);
  const data = {
    format: "sealkit-export",
    version: 1,
    exported_at: new Date().toISOString(),
    day: today,
    profile,
    habits,
    groups,
  };
  const rows = [["habit", "day", "note"]];
  for (const h of habits) for (const c of h.checkins) rows.push([h.name ?? "(undecryptable)", c.day, c.note ?? "(undecryptable)"]);
  return { json: JSON.stringify(data, null, 2) + "\n", csv: toCSV(rows), day: today };
}
