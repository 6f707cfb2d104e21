// The home page. Signed in (the page has #announcements), it runs the
// session-key chain like every signed-in page (keys.js; no key here means
// the unlock page) and shows the operator's announcements, opened with
// the user's private keys (a handle: the keys stay in the SDK's worker).
// Signed out, there is no crypto here; common.js
// wires the logout form.

import { fetchMe, loadSdk, startPage, withProgress } from "./common.js";
import { userHandle } from "./keys.js";
import { showAnnouncements } from "./announcements.js";

const container = document.getElementById("announcements");
const status = document.getElementById("home-status");

startPage(async () => {
  if (!container) return;
  const [me] = await withProgress(status, "Loading…", () => Promise.all([fetchMe(), loadSdk()]));
  const { user } = await withProgress(status, "Opening your keys…", () => userHandle(me));
  await showAnnouncements(container, user);
});
