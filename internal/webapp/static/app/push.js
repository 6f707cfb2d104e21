// The push channel of docs/PROTOCOL.md §8 on the SDK's pending-access
// client (share.js watchPending, resource "group"): one WebSocket to
// /api/ws (same origin, session cookie) per page, reconnected with an
// exponential backoff whenever it drops, and at once when the browser
// comes back online or the tab becomes visible. Pending lists go to
// onPending, whose key (if any) the SDK seals to each listed member and
// sends back as key_distributed; nothing else secret travels here.
//
// Every page that opens the user's keys listens (keys.js, watchKeys): after
// a password change or a recovery the server pushes reason "keys_changed"
// to the user's open pages, whose keys (and key cache) are stale; they
// drop the keys and go to the unlock page — but the tab that made the
// change (expectKeysChange).
//
// The connection state is DOM state for the browser tests:
// body[data-push] = "connecting" | "open" | "closed".

import { watchPending } from "../sdk/share.js";
import { releaseAll } from "../sdk/index.js";

let handlers = {};
let watch = null;
let pageOwned = false; // the page's own handlers are installed (connectPush)
let ownChange = false;
let listening = false;
let generation = 0; // which socket is the page's: a closed one's late state is ignored

function open() {
  const mine = ++generation;
  watch = watchPending("/api/ws", {
    resource: "group",
    onPending: (event) => (handlers.onPending ? handlers.onPending(event) : null),
    // A page that seals to pending members verifies each first (group.js
    // sealPending); without one the SDK's default seals to the listed keys.
    seal: (key, member) => {
      if (!handlers.seal) throw new Error("this page shares no keys");
      return handlers.seal(key, member);
    },
    onMessage: (msg) => {
      if (msg.type === "group_changed" && msg.reason === "keys_changed") {
        keysChanged();
        return;
      }
      handlers.onMessage?.(msg);
    },
    onOpen: (reconnected) => handlers.onOpen?.(reconnected),
    onState: (state) => {
      if (mine === generation) document.body.dataset.push = state;
    },
  });
  if (!listening) {
    listening = true;
    addEventListener("online", () => watch.reconnect());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") watch.reconnect();
    });
  }
  return watch;
}

/**
 * Opens the push channel with the page's handlers (once per page).
 * @param {object} h
 * @param {(msg: object) => void} [h.onMessage] every server message but pending, ack/error answers and keys_changed
 * @param {(key: string, member: object) => Promise<string>} [h.seal] seals the key to one
 *   pending member (after verifying it) — or throws to send nothing; without it nothing is sealed
 * @param {(reconnected: boolean) => void} [h.onOpen] each time the socket opens;
 *   reconnected is true after a drop (messages may have been missed: refetch)
 * @param {(event: import("../sdk/share.js").PendingEvent) => (string | null | undefined | Promise<string | null | undefined>)} [h.onPending]
 *   the group key to seal to the listed members — a key handle of the SDK's handle API, sealed in
 *   the worker (share.js) — or null to share nothing
 * @returns {import("../sdk/share.js").PendingWatcher}
 */
export function connectPush(h) {
  if (pageOwned) throw new Error("connectPush: the page's push channel is open already");
  pageOwned = true;
  handlers = { ...h };
  // A socket watchKeys opened has said hello and sent its pending lists
  // before these handlers existed: the page gets a fresh one of its own.
  watch?.close();
  return open();
}

/**
 * Listens for keys_changed on a page that opened the keys (keys.js), with
 * a socket of its own unless the page has one (connectPush).
 */
export function watchKeys() {
  if (!watch) open();
}

/** This tab is changing the keys itself: it keeps them (and re-caches them). */
export function expectKeysChange() {
  ownChange = true;
}

// keysChanged: the password changed elsewhere. The caches no longer open
// (their server secret changed); the handles are dropped and the unlock
// page asks for the new password.
async function keysChanged() {
  if (ownChange) return;
  try {
    await releaseAll();
  } finally {
    location.assign("/unlock?next=" + encodeURIComponent(location.pathname + location.search));
  }
}
