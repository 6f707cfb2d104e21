// Where each encrypted field lives (docs/PROTOCOL.md, "Ciphertext bound to
// its place"): every field is sealed under its key's place key for one of
// these strings, derived in the SDK's worker (sdk.encryptText(key, text,
// place)), so that a blob the server moves to another row, field, day,
// group or key version fails to open, and the page marks it instead of
// showing it where it does not belong. A page builds the place from the
// row it asked for (the id in its URL, the day it shows), never from the
// ciphertext. The Go twin, for the tests that write data as the browser
// does, is apptest's Place* functions: keep the two in step.

/** habit/<habit id>/name, under the habit's key. */
export const habitName = (habit) => `habit/${habit}/name`;
/** habit/<habit id>/description, under the habit's key. */
export const habitDescription = (habit) => `habit/${habit}/description`;
/** habit/<habit id>/checkin/<YYYY-MM-DD>/note, under the habit's key. */
export const habitNote = (habit, day) => `habit/${habit}/checkin/${day}/note`;

/** The display name, under the user key. */
export const displayName = "user/display-name";
/** A session's device label ("Chrome on Linux"), under the user key. */
export const deviceLabel = "user/device-label";

/** A group's name, under the group key of version v. */
export const groupName = (group, v) => `group/${group}/v${v}/name`;
/**
 * An invitation's label (the invitee's address, as the inviter typed it),
 * under the group key of version v; the server copies it to the member's
 * row on acceptance, so it is bound to the group and version, not to the
 * row (docs/PROTOCOL.md says what that leaves open).
 */
export const memberLabel = (group, v) => `group/${group}/v${v}/label`;
/** A goal's title, under the group key of version v. */
export const goalTitle = (group, v, goal) => `group/${group}/v${v}/goal/${goal}/title`;
/** A member's check-in note on a goal for a day, under the group key of version v. */
export const goalNote = (group, v, goal, user, day) => `group/${group}/v${v}/goal/${goal}/checkin/${user}/${day}/note`;

/**
 * A new row id, picked here because the fields are bound to it before the
 * server sees the row: 16 random bytes as 32 lower-case hex digits (the
 * server's own format; it refuses one already in use with 409).
 */
export function newId() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** What a page shows for an item that does not open. */
export const MOVED = "could not be decrypted — it may have been moved or altered";
