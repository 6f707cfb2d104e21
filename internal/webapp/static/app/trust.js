// Whom this user's pages may seal to (docs/PROTOCOL.md §10): every other
// user's keys come from their signed identity bundle (the SDK's
// identity.js), checked against this user's contacts — the identity key
// pinned for each person the first time it was seen, the highest bundle
// version seen, and a "verified" mark once the safety number was compared.
//
// The contacts live on the server encrypted under the user's user_key
// (like the device label, device.js): {"v":1,"contacts":{user_id:
// {"fp": SHA-256 of the identity key, "ver": version, "verified": bool}},
// "groups":{group_id: the highest group key version whose signed chain
// verified here}} (docs/PROTOCOL.md §10.6: a returning page refuses a
// chain or a current version below it),
// written as a compare-and-swap on contacts_version (PUT
// /api/me/contacts). The server can neither read nor change a mark; it
// can refuse a write or serve an older blob whole (a rollback the page
// cannot tell from a state it never left), which can at worst forget
// pins made since — never pin a key of its choosing.
//
// A member is sealed to only when its bundle verifies, names it, and
// matches the pin (status "ok"), or verifies and has no pin yet ("new":
// pinned first). "changed" (another identity key), "rollback" (an older
// bundle), "signature", "user", "malformed" and "missing" (no bundle)
// block sealing; the group page says why and offers, for "changed" only,
// to accept the new key.

import { checkBundle, decodeBundle, openBundle, safetyNumber, signBundle } from "../sdk/identity.js";
import { api, ApiError, sdk } from "./common.js";

const sealable = new Set(["ok", "new"]);

/** The statuses whose keys may be sealed to. */
export function isSealable(status) {
  return sealable.has(status);
}

function parse(text) {
  const doc = JSON.parse(text);
  if (!doc || doc.v !== 1 || typeof doc.contacts !== "object" || doc.contacts === null) throw new Error("contacts: unknown format");
  const out = new Map();
  for (const [id, c] of Object.entries(doc.contacts)) {
    if (!c || typeof c.fp !== "string" || !Number.isInteger(c.ver)) continue;
    out.set(id, { fingerprint: c.fp, version: c.ver, verified: c.verified === true });
  }
  const groups = new Map();
  if (doc.groups && typeof doc.groups === "object") {
    for (const [id, v] of Object.entries(doc.groups)) if (Number.isInteger(v) && v > 0) groups.set(id, v);
  }
  return { map: out, groups };
}

function serialize(map, groups) {
  const contacts = {};
  for (const [id, c] of map) contacts[id] = { fp: c.fingerprint, ver: c.version, verified: Boolean(c.verified) };
  return JSON.stringify({ v: 1, contacts, groups: Object.fromEntries(groups) });
}

/** This user's contacts: pins and verified marks. */
export class Contacts {
  /**
   * @param {object} me the /api/me JSON
   * @param {string} user the user handle (keys.js userHandle())
   */
  constructor(me, user) {
    this.me = me;
    this.user = user;
    this.userKey = null;
    this.version = 0;
    /** @type {Map<string, {fingerprint: string, version: number, verified: boolean}>} */
    this.map = new Map();
    /** @type {Map<string, number>} group id → highest verified key version */
    this.groups = new Map();
    /** An encrypted blob that did not open: nothing is sealed until a reload. */
    this.broken = false;
  }

  /** Opens me.encrypted_contacts (the user key stays a handle in the worker). */
  async load(me = this.me) {
    if (!this.userKey) this.userKey = await sdk.openKey(this.user, me.encrypted_user_key);
    this.version = Number(me.contacts_version) || 0;
    if (!me.encrypted_contacts) {
      this.map = new Map();
      this.groups = new Map();
      return;
    }
    try {
      ({ map: this.map, groups: this.groups } = parse(await sdk.decryptText(this.userKey, me.encrypted_contacts)));
      this.broken = false;
    } catch {
      // Not this user's ciphertext: the server's. Pins are unknown, so
      // trust on first use would be the server's choice: seal nothing.
      this.broken = true;
      this.map = new Map();
      this.groups = new Map();
    }
  }

  get(userId) {
    return this.map.get(String(userId)) || null;
  }

  /** The highest key version of a group whose chain verified here (0: none). */
  groupVersion(groupId) {
    return this.groups.get(String(groupId)) || 0;
  }

  /** Raises a group's pinned key version (never lowers it). */
  pinGroup(groupId, version) {
    const id = String(groupId);
    return this.update(() => {}, (groups) => groups.set(id, Math.max(Number(version), groups.get(id) || 0)));
  }

  /**
   * Applies change(map) (and changeGroups(groups)) and stores the result;
   * on a concurrent write (409) reloads, applies them again and retries
   * (three times).
   * @param {(map: Map<string, {fingerprint: string, version: number, verified: boolean}>) => void} change
   * @param {(groups: Map<string, number>) => void} [changeGroups]
   */
  async update(change, changeGroups) {
    if (this.broken) throw new Error("Your contact list could not be opened; reload the page.");
    for (let attempt = 0; ; attempt++) {
      const next = new Map(this.map);
      const nextGroups = new Map(this.groups);
      change(next);
      if (changeGroups) changeGroups(nextGroups);
      const encrypted = await sdk.encryptText(this.userKey, serialize(next, nextGroups));
      try {
        const res = await api("PUT", "/api/me/contacts", { version: this.version, encrypted_contacts: encrypted });
        this.map = next;
        this.groups = nextGroups;
        this.version = Number(res.version);
        return;
      } catch (err) {
        if (attempt < 3 && err instanceof ApiError && err.status === 409) {
          await this.load(await api("GET", "/api/me"));
          if (this.broken) throw new Error("Your contact list could not be opened; reload the page.");
          continue;
        }
        throw err;
      }
    }
  }

  forget() {
    if (this.userKey) sdk.release(this.userKey).catch(() => {});
    this.userKey = null;
  }
}

// Signatures verified on this page, by user id and bundle: a bundle that
// verified once verifies again (ML-DSA-65 + Ed25519 take some 5 ms each),
// so a refresh only compares pins. Holds public data only.
const verified = new Map(); // "<user id>\n<bundle>" → Promise<{status, bundle?}> without a pin
const MAX_VERIFIED = 2000;

function checkCached(signedB64, userId, pin) {
  const id = String(userId);
  const k = id + "\n" + (signedB64 || "");
  let p = verified.get(k);
  if (!p) {
    if (verified.size >= MAX_VERIFIED) verified.clear();
    p = checkBundle(signedB64, id, null);
    verified.set(k, p);
  }
  return p.then((r) => {
    if (r.status !== "new") return r; // missing, malformed, signature, user
    if (!pin) return r;
    // The pin's checks (identity.js openBundle's order): rollback first.
    if (r.bundle.version < Number(pin.version)) return { status: "rollback" };
    // A changed key keeps its (verified) bundle: the page shows its safety
    // number, to compare before accepting it — never to seal to.
    if (r.bundle.fingerprint !== pin.fingerprint) return { status: "changed", bundle: r.bundle };
    return { status: "ok", bundle: r.bundle };
  });
}

/**
 * Checks members' bundles against the contacts: a Map user_id →
 * {status, bundle?, verified}. New verified bundles are pinned, and a
 * higher version of a pinned key raises the pin, in one write, before
 * this returns (a write that fails leaves them "new": pinned next time).
 *
 * @param {Contacts} contacts
 * @param {Array<{user_id: string, identity_bundle?: string}>} members
 */
export async function checkMembers(contacts, members) {
  const out = new Map();
  await Promise.all(members.map(async (m) => {
    const id = String(m.user_id);
    const pin = contacts.get(id);
    const r = contacts.broken ? { status: "contacts" } : await checkCached(m.identity_bundle, id, pin);
    out.set(id, { status: r.status, bundle: r.bundle, verified: Boolean(pin && pin.verified && r.status === "ok") });
  }));
  const raise = [...out].filter(([id, r]) => r.status === "new" || (r.status === "ok" && r.bundle.version > contacts.get(id).version));
  if (raise.length > 0) {
    try {
      await contacts.update((map) => {
        for (const [id, r] of raise) {
          const had = map.get(id);
          // Another tab may have pinned another key meanwhile: its pin wins,
          // and this page's verdict becomes "changed" on the next check.
          if (had && had.fingerprint !== r.bundle.fingerprint) continue;
          map.set(id, { fingerprint: r.bundle.fingerprint, version: Math.max(r.bundle.version, had ? had.version : 0), verified: had ? had.verified : false });
        }
      });
      for (const [id, r] of raise) {
        const pin = contacts.get(id);
        if (!pin || pin.fingerprint !== r.bundle.fingerprint) out.set(id, { status: "changed", verified: false });
      }
    } catch {
      // Not pinned this time: still sealable (trust on first use), pinned
      // on the next successful check.
    }
  }
  return out;
}

/**
 * Accepts a member's new identity key (status "changed"): the pin becomes
 * the bundle's key, unverified. The bundle is verified again here.
 */
export async function acceptKey(contacts, member) {
  const b = await openBundle(member.identity_bundle, String(member.user_id), null);
  await contacts.update((map) => map.set(String(member.user_id), { fingerprint: b.fingerprint, version: b.version, verified: false }));
}

/**
 * Marks a member verified (the safety numbers matched), pinning the key
 * the number was computed from — a changed key too (comparing the numbers
 * is what accepting it should rest on), never an older bundle.
 */
export async function markVerified(contacts, member) {
  const id = String(member.user_id);
  const b = await openBundle(member.identity_bundle, id, null);
  const pin = contacts.get(id);
  if (pin && b.version < Number(pin.version)) throw new Error("The server sent an older key bundle for this member; nothing was marked.");
  await contacts.update((map) => map.set(id, { fingerprint: b.fingerprint, version: Math.max(b.version, map.get(id)?.version || 0), verified: true }));
}

/** The safety number between this user and a member whose bundle verified. */
export function safetyNumberWith(myId, myIdentityKey, verdict, memberId) {
  return safetyNumber(String(myId), myIdentityKey, String(memberId), verdict.bundle.identityKey);
}

/**
 * Seals a key handle to the members whose verdict is sealable, with the
 * keys of their verified bundles — never the bare public_key and
 * pq_public_key the server lists beside them. Throws when any member is
 * not sealable (the caller decides whether to skip it first).
 *
 * @param {string} key a key handle
 * @param {Array<{user_id: string}>} members
 * @param {Map<string, {status: string, bundle?: object}>} verdicts
 * @returns {Promise<Array<{user_id: string, encrypted_key: string}>>}
 */
export async function sealToVerified(key, members, verdicts) {
  const targets = members.map((m) => {
    const v = verdicts.get(String(m.user_id));
    if (!v || !isSealable(v.status)) throw new UnverifiedError(m.user_id, v ? v.status : "unknown");
    return { user_id: m.user_id, public_key: v.bundle.publicKey, pq_public_key: v.bundle.pqPublicKey };
  });
  if (targets.length === 0) return [];
  return sdk.sealKey(key, targets);
}

/** A member whose keys may not be sealed to. */
export class UnverifiedError extends Error {
  constructor(userId, status) {
    super("unverified");
    this.userId = String(userId);
    this.status = status;
  }
}

/**
 * Whether the user handle opens what is sealed to these public keys: a
 * proof that they are this user's (a hybrid seal needs both private
 * keys). The server lists them in /api/me; this page signs them into its
 * bundle only after this check, so a server that swapped them gets no
 * signature over its own keys.
 */
async function ownsKeys(user, publicKey, pqPublicKey) {
  const probe = await sdk.newKey();
  let opened = null;
  try {
    const [copy] = await sdk.sealKey(probe, [{ user_id: "me", public_key: publicKey, pq_public_key: pqPublicKey || "" }]);
    opened = await sdk.openKey(user, copy.encrypted_key);
    return true;
  } catch {
    return false;
  } finally {
    sdk.release(probe).catch(() => {});
    if (opened) sdk.release(opened).catch(() => {});
  }
}

/**
 * Publishes this user's signed bundle when the server has none for the
 * handle's identity key (a new account, a new identity key) or one that
 * lists other keys: version 1, or the stored bundle's + 1. Resolves to
 * true when a bundle was published. Failures leave things as they were
 * (the next page tries again).
 *
 * @param {object} me the /api/me JSON
 * @param {{user: string, publicKey: string, pqPublicKey?: string | null, identityPublicKey?: string | null}} handle
 */
export async function publishOwnBundle(me, handle) {
  if (!handle || !handle.identityPublicKey) return false;
  const mine = { userId: String(me.user_id), publicKey: me.public_key, pqPublicKey: me.pq_public_key || "", identityKey: handle.identityPublicKey };
  let version = 1;
  if (me.identity_bundle) {
    try {
      const { bundle } = decodeBundle(Uint8Array.from(atob(me.identity_bundle), (c) => c.charCodeAt(0)));
      if (bundle.userId === mine.userId && bundle.identityKey === mine.identityKey && bundle.publicKey === mine.publicKey &&
          bundle.pqPublicKey === mine.pqPublicKey) {
        return false;
      }
      version = bundle.version + 1;
    } catch {
      // Not a bundle: replaced by version 1 (the server refuses a lower
      // version than one it stored, so this only ever fixes garbage).
    }
  }
  if (!(await ownsKeys(handle.user, mine.publicKey, mine.pqPublicKey))) return false;
  const signed = await signBundle(handle.user, { ...mine, version });
  await api("PUT", "/api/me/identity/bundle", { identity_bundle: signed });
  return true;
}
