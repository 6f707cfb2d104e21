// Shows a recovery key once (finish, unlock, settings and recover pages):
// the key as text, "Download as a text file", and "I have saved it",
// which needs one group of the key typed back, so that "saved" means
// something. The key reaches the DOM through textContent only and is
// never sent anywhere; the page gets it from the SDK's
// exportRecoveryKey, the one key meant for the user's eyes.
//
// ids inside the panel: #recovery-key, #recovery-download,
// #recovery-check (data-group: which group, 1-based), #recovery-check-error,
// #recovery-saved
//
// offerRecovery is the offer of a recovery key to an account without one
// (made before recovery keys existed), after the password opened the keys
// on /unlock or /login: ids #recovery-offer, #recovery-offer-make,
// #recovery-offer-skip, #recovery-offer-error and #recovery-panel.

import { setRecoveryKey } from "../sdk/account.js";
import { busy, errorMessage, sdk, showError } from "./common.js";

const GROUPS = 13; // 64 symbols in groups of five: twelve of 5 and one of 4

function el(tag, props) {
  return Object.assign(document.createElement(tag), props);
}

/**
 * Fills `panel` with the key and resolves once the user typed back the
 * asked group and clicked "I have saved it" (the panel is emptied then).
 * @param {HTMLElement} panel
 * @param {string} key the recovery key as shown ("XXXXX-XXXXX-…")
 * @returns {Promise<void>}
 */
export function showRecoveryKey(panel, key) {
  const groups = key.split("-");
  const asked = 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % Math.min(GROUPS, groups.length));
  panel.replaceChildren();
  panel.hidden = false;
  const shown = el("code", { id: "recovery-key", className: "recovery-key", textContent: key });
  const download = el("button", { type: "button", id: "recovery-download", textContent: "Download as a text file" });
  const label = el("label", { htmlFor: "recovery-check", textContent: `Type group ${asked} of your key (the ${ordinal(asked)} block of letters)` });
  const input = el("input", { type: "text", id: "recovery-check", autocomplete: "off", spellcheck: false });
  input.dataset.group = String(asked);
  const error = el("p", { id: "recovery-check-error", className: "error", hidden: true });
  error.setAttribute("role", "alert");
  const saved = el("button", { type: "button", id: "recovery-saved", textContent: "I have saved it" });
  panel.append(
    el("p", { textContent: "Your recovery key. It is shown only now: save it somewhere safe, away from your password. "
      + "Whoever has it can choose a new password for your account; if you lose both, nobody can open your data." }),
    shown, download, label, input, error, saved,
  );
  download.addEventListener("click", () => {
    const text = `sealkit recovery key\n\n${key}\n\nKeep it safe and private. It lets you choose a new password if you forget yours.\n`;
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const a = el("a", { href: url, download: "sealkit-recovery-key.txt" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  input.focus();
  return new Promise((resolve) => {
    saved.addEventListener("click", () => {
      const typed = input.value.trim().toUpperCase().replaceAll("-", "").replaceAll(" ", "");
      if (typed !== groups[asked - 1]) {
        error.textContent = `That is not group ${asked} of the key above. Copy it from where you saved the key.`;
        error.hidden = false;
        input.select();
        return;
      }
      panel.replaceChildren();
      panel.hidden = true;
      resolve();
    });
  });
}

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

/**
 * Shows the offer (#recovery-offer) and resolves once the user made and
 * saved a recovery key (the SDK's setRecoveryKey, proven by `authKey`,
 * the password's auth key) or chose "Not now".
 * @param {string} user the user handle
 * @param {string} authKey
 * @returns {Promise<void>}
 */
export function offerRecovery(user, authKey) {
  const offer = document.getElementById("recovery-offer");
  const make = document.getElementById("recovery-offer-make");
  const skip = document.getElementById("recovery-offer-skip");
  const offerError = document.getElementById("recovery-offer-error");
  offer.hidden = false;
  return new Promise((resolve) => {
    skip.addEventListener("click", () => resolve());
    make.addEventListener("click", async () => {
      if (make.disabled) return;
      showError(offerError, "");
      const restore = busy(make, "Making a key…");
      skip.hidden = true;
      try {
        await setRecoveryKey({
          user, authKey,
          show: async (recovery) => showRecoveryKey(document.getElementById("recovery-panel"), await sdk.exportRecoveryKey(recovery)),
        });
        offer.hidden = true;
        resolve();
      } catch (err) {
        showError(offerError, errorMessage(err));
        restore();
        skip.hidden = false;
      }
    });
  });
}
