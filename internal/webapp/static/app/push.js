// The push channel of docs/PROTOCOL.md §8 on the SDK's pending-access
// client (share.js watchPending, resource "group"): one WebSocket to
// /api/ws (same origin, session cookie), reconnected with an exponential
// backoff whenever it drops, and at once when the browser comes back
// online or the tab becomes visible. Pending lists go to onPending, whose
// key (if any) the SDK seals to each listed member and sends back as
// key_distributed; nothing else secret travels here.
//
// The connection state is DOM state for the browser tests:
// body[data-push] = "connecting" | "open" | "closed".

import { watchPending } from "../sdk/share.js";

/**
 * Opens the push channel.
 * @param {object} handlers
 * @param {(msg: object) => void} handlers.onMessage every server message but pending and ack/error answers
 * @param {(reconnected: boolean) => void} [handlers.onOpen] each time the socket opens;
 *   reconnected is true after a drop (messages may have been missed: refetch)
 * @param {(event: import("../sdk/share.js").PendingEvent) => (string | null | undefined | Promise<string | null | undefined>)} [handlers.onPending]
 *   the group key to seal to the listed members — a key handle of the SDK's handle API, sealed in
 *   the worker (share.js) — or null to share nothing
 * @returns {import("../sdk/share.js").PendingWatcher}
 */
export function connectPush({ onMessage, onOpen, onPending }) {
  const watch = watchPending("/api/ws", {
    resource: "group",
    onPending,
    onMessage,
    onOpen,
    onState: (state) => {
      document.body.dataset.push = state;
    },
  });
  addEventListener("online", () => watch.reconnect());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") watch.reconnect();
  });
  return watch;
}
