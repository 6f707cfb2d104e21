// Group keys in the browser (docs/PROTOCOL.md §7): a group key is 32
// random bytes, one copy per version sealed to each member. Every key here
// is a handle of the SDK's handle API: the bytes stay in the crypto
// worker(s), the page holds "sk1.…" names. A KeyRing holds the copies
// this user has opened; nothing here touches the DOM, storage or the
// network.

import { sdk } from "./common.js";

// sealKeyTo(key, user): the key (a handle) sealed to a user's public keys,
//   the hybrid 0x02 format (§8.2) when the user has a pq_public_key.
// sealKeyToAll(key, members): [{user_id, encrypted_key}], one per member.
// share.js seals a key handle in the worker (index.js sealKey).
export { sealToMember as sealKeyTo, sealToMembers as sealKeyToAll } from "../sdk/share.js";

/** A new random group key, as a key handle. */
export function newGroupKey() {
  return sdk.newKey();
}

/** Forgets a key handle in the workers; never fails the caller. */
export function forgetKey(key) {
  if (key) sdk.release(key).catch(() => {});
}

/** The group keys this user holds, per version, as key handles. */
export class KeyRing {
  /**
   * @param {string} user the user handle (keys.js userHandle()), for opening copies
   */
  constructor(user) {
    this.user = user;
    /** @type {Map<number, {sealed: string, key: string}>} version → copy and key handle */
    this.versions = new Map();
    /** @type {Map<string, string>} place and ciphertext → plaintext, per key version */
    this.plain = new Map();
    /**
     * Handles replaced by a newer opening of the same version: calls in
     * flight may still use them, so they are released only by clear().
     * @type {string[]}
     */
    this.retired = [];
  }

  /**
   * Opens every copy not opened yet: [{key_version, encrypted_key}].
   * A copy that does not open is skipped (and reported by the result).
   * @returns {Promise<number>} how many copies failed to open
   */
  async add(copies) {
    let failed = 0;
    await Promise.all((copies || []).map(async (c) => {
      const v = Number(c.key_version);
      const have = this.versions.get(v);
      if (have && have.sealed === c.encrypted_key) return;
      try {
        const key = await sdk.openKey(this.user, c.encrypted_key);
        const old = this.versions.get(v);
        this.versions.set(v, { sealed: c.encrypted_key, key });
        if (old && old.key !== key) this.retired.push(old.key);
      } catch {
        failed++;
      }
    }));
    return failed;
  }

  /** Adds a key (handle) this browser made (a rotation), before the server confirms it. */
  put(version, key) {
    const old = this.versions.get(Number(version));
    this.versions.set(Number(version), { sealed: "", key });
    if (old && old.key !== key) this.retired.push(old.key);
  }

  /** The key handle of a version, or null. */
  get(version) {
    const e = this.versions.get(Number(version));
    return e ? e.key : null;
  }

  has(version) {
    return this.versions.has(Number(version));
  }

  /** Forgets every key (in the workers too) and plaintext (removed from the group). */
  clear() {
    for (const e of this.versions.values()) forgetKey(e.key);
    for (const key of this.retired) forgetKey(key);
    this.retired = [];
    this.versions.clear();
    this.plain.clear();
  }

  /**
   * Opens a secretbox string under the key of `version` at `place`
   * (places.js, built with the same version): {state: "ok", text}, or
   * {state: "none"} when there is no ciphertext or this user holds no key
   * of that version, or {state: "failed"} when it does not open there —
   * another row's, field's, day's or version's blob, or altered.
   */
  async open(ciphertext, version, place) {
    if (typeof ciphertext !== "string" || ciphertext === "") return { state: "none" };
    const key = this.get(version);
    if (!key) return { state: "none" };
    const id = version + "\0" + place + "\0" + ciphertext;
    if (this.plain.has(id)) return { state: "ok", text: this.plain.get(id) };
    try {
      const text = await sdk.decryptText(key, ciphertext, place);
      this.plain.set(id, text);
      return { state: "ok", text };
    } catch (err) {
      if (err instanceof sdk.SealkitError && ["LOAD", "WORKER", "UNSUPPORTED"].includes(err.code)) throw err;
      return { state: "failed" };
    }
  }

  /** open's text, or null for anything that is not shown as it is. */
  async decrypt(ciphertext, version, place) {
    const r = await this.open(ciphertext, version, place);
    return r.state === "ok" ? r.text : null;
  }

  /** Encrypts text under the key of `version` (which must be held) at `place`. */
  encrypt(text, version, place) {
    const key = this.get(version);
    if (!key) throw new Error("no key for this version");
    return sdk.encryptText(key, text, place);
  }
}

function fromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(bytes) {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Re-encrypts one secretbox blob (base64) from one key handle at one
 * place to another key at another place (the same field under the new
 * version), byte for byte (decryptBytes/encryptBytes: no UTF-8 round
 * trip). A blob that does not open at fromPlace rejects: a server cannot
 * get moved content re-bound where it does not belong. The plaintext
 * passes through the page as bytes — content, not key material — and is
 * transferred to the worker, not kept.
 */
export async function reencryptBlob(ciphertext, fromKey, toKey, fromPlace, toPlace) {
  const plain = await sdk.decryptBytes(fromKey, fromBase64(ciphertext), fromPlace);
  return toBase64(await sdk.encryptBytes(toKey, plain, toPlace));
}

/** Today in the user's time zone, YYYY-MM-DD (check-in days are local). */
export function localDay(d = new Date()) {
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A count in English with thousands separators: 1200 → "1,200". */
export function count(n) {
  return Number(n).toLocaleString("en");
}
