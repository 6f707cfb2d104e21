// This browser's coarse device label ("Chrome on Linux") for the devices
// page, encrypted under the user's user_key (a handle: its bytes stay in
// the SDK's worker) before it is sent: the server stores only ciphertext
// (docs/PROTOCOL.md §3.5). Coarse on purpose: a browser family and an
// operating system, never versions or a model, so the label identifies a
// device to its owner and nobody else.

import { api, sdk } from "./common.js";
import { deviceLabel as devicePlace } from "./places.js";

const browsers = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/(Headless)?Chrome\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const systems = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

function first(table, text) {
  for (const [re, name] of table) if (re.test(text)) return name;
  return "";
}

/** The label of this browser, from its user agent data (or string). */
export function deviceLabel() {
  const ua = navigator.userAgent || "";
  const data = navigator.userAgentData;
  let browser = "";
  if (data && Array.isArray(data.brands)) {
    const names = data.brands.map((b) => String(b.brand));
    browser = ["Microsoft Edge", "Opera", "Google Chrome"].find((n) => names.includes(n)) || "";
    browser = { "Microsoft Edge": "Edge", "Google Chrome": "Chrome" }[browser] || browser;
  }
  browser = browser || first(browsers, ua) || "A browser";
  const system = (data && typeof data.platform === "string" && data.platform !== "" ? data.platform : first(systems, ua)) || "an unknown system";
  return `${browser} on ${system}`.slice(0, 80);
}

/**
 * Labels the current session with userKey (a key handle of the user_key).
 * A label is a convenience: a failure leaves the session unlabelled.
 */
export async function labelSession(userKey) {
  try {
    const encrypted = await sdk.encryptText(userKey, deviceLabel(), devicePlace);
    await api("PUT", "/api/sessions/current/device", { encrypted_device: encrypted });
  } catch {
    // The devices page shows "unknown device" and labels it on its next visit.
  }
}

/** labelSession with the user handle and /api/me (login, unlock). */
export async function labelSessionOf(me, user) {
  let key;
  try {
    key = await sdk.openKey(user, me.encrypted_user_key);
  } catch {
    return;
  }
  try {
    await labelSession(key);
  } finally {
    sdk.release(key).catch(() => {});
  }
}
