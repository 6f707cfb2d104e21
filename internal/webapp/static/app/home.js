// The home page. Signed in (the page has #announcements), it runs the
// session-key chain like every signed-in page (keys.js; no key here means
// the unlock page) and shows the operator's announcements, opened with
// the user's private keys. Signed out, there is no crypto here; common.js
// wires the logout form.

import { fetchMe, loadSdk, startPage, withProgress } from "./common.js";
import { openPrivateKeys, sessionKey } from "./keys.js";
import { showAnnouncements } from "./announcements.js";

const container = document.getElementById("announcements");
const status = document.getElementById("home-status");

startPage(async () => {
  if (!container) return;
  const [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  const keys = await withProgress(status, "Opening your keys…", async () => openPrivateKeys(me, await sessionKey(me)));
  await showAnnouncements(container, me, keys);
});
