// Group keys in the browser (docs/PROTOCOL.md §7): a group key is 32
// random bytes (base64 here), one copy per version sealed to each member.
// A KeyRing holds the copies this user has opened, in page memory only;
// nothing here touches the DOM, storage or the network.

import { openResourceKey } from "/static/sdk/share.js";
import { sdk } from "./common.js";

// newGroupKey(): a new random group key (base64 of 32 bytes).
// sealKeyTo(keyB64, user): the key sealed to a user's public keys, the
//   hybrid 0x02 format (§8.2) when the user has a pq_public_key.
// sealKeyToAll(keyB64, members): [{user_id, encrypted_key}], one per member.
export { newResourceKey as newGroupKey, sealToMember as sealKeyTo, sealToMembers as sealKeyToAll } from "/static/sdk/share.js";

/** The user's opened private keys and the /api/me JSON, for opening copies. */
export class KeyRing {
  /**
   * @param {object} me the /api/me JSON
   * @param {{privateKey: string, pqSecretKey: string}} keys openPrivateKeys's result
   */
  constructor(me, keys) {
    this.me = me;
    this.keys = keys;
    /** @type {Map<number, {sealed: string, key: string}>} */
    this.versions = new Map();
    /** @type {Map<string, string>} ciphertext → plaintext, per key version */
    this.plain = new Map();
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
        const key = await openResourceKey(c.encrypted_key, {
          publicKey: this.me.public_key, privateKey: this.keys.privateKey, pqSecretKey: this.keys.pqSecretKey,
        });
        this.versions.set(v, { sealed: c.encrypted_key, key });
      } catch {
        failed++;
      }
    }));
    return failed;
  }

  /** Adds a key this browser made (a rotation), before the server confirms it. */
  put(version, key) {
    this.versions.set(Number(version), { sealed: "", key });
  }

  /** The key of a version, or null. */
  get(version) {
    const e = this.versions.get(Number(version));
    return e ? e.key : null;
  }

  has(version) {
    return this.versions.has(Number(version));
  }

  /** Forgets every key and plaintext (removed from the group). */
  clear() {
    this.versions.clear();
    this.plain.clear();
  }

  /**
   * Decrypts a secretbox string under the key of `version`; null when
   * this user holds no such key or the ciphertext does not open.
   */
  async decrypt(ciphertext, version) {
    if (typeof ciphertext !== "string" || ciphertext === "") return null;
    const key = this.get(version);
    if (!key) return null;
    const id = version + ":" + ciphertext;
    if (this.plain.has(id)) return this.plain.get(id);
    try {
      const text = await sdk.decrypt(ciphertext, key);
      this.plain.set(id, text);
      return text;
    } catch {
      return null;
    }
  }

  /** Encrypts text under the key of `version` (which must be held). */
  encrypt(text, version) {
    const key = this.get(version);
    if (!key) throw new Error("no key for this version");
    return sdk.encrypt(text, key);
  }
}

/**
 * Re-encrypts one secretbox blob from one key to another, byte for byte
 * (decryptSecretbox/encryptSecretbox: no UTF-8 round trip).
 */
export async function reencryptBlob(ciphertext, fromKey, toKey) {
  const plain = await sdk.call("decryptSecretbox", ciphertext, fromKey);
  return sdk.call("encryptSecretbox", plain, toKey);
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
