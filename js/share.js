// @sealkit/sdk/share.js: sharing a resource key (a group's key, a
// document's key: 32 random bytes, base64) with members by sealing one
// copy to each (docs/PROTOCOL.md §7, §8.2), and the pending-access client
// of the push protocol (§8): an owner's page that holds the key seals it
// to each member the server lists as pending and sends it back.
//
//   const keys = await sealToMembers(key, members);   // [{user_id, encrypted_key}]
//   const key = await openResourceKey(copy.encrypted_key, myKeys);
//   const watch = watchPending("/api/ws", { resource: "group", onPending: ({resourceId, keyVersion}) => keyOf(resourceId, keyVersion) });
//
// Nothing secret goes over the socket but sealed keys; nothing is logged.

import { call, generateKey, sealKey } from "./index.js";

// A key handle of the handle API (index.js newKey / openKey): "sk1." and
// base64url, never valid standard base64, so the two never mix up.
const isHandle = (key) => typeof key === "string" && key.startsWith("sk1.");

/** A new random resource key (32 bytes, base64). */
export function newResourceKey() {
  return generateKey();
}

/**
 * Seals a resource key (base64 of its raw bytes, or a key handle of the
 * handle API, whose bytes then never leave the worker: index.js sealKey)
 * to one member: the hybrid seal when the member has a pq_public_key
 * (Cat-3 unless `level`), else a sealed box to public_key.
 *
 * @param {string} resourceKeyB64 the key, base64, or a key handle
 * @param {{public_key: string, pq_public_key?: string | null}} member
 * @param {"cat1"|"cat3"|"cat5"} [level]
 * @returns {Promise<string>} the sealed copy, base64
 */
export function sealToMember(resourceKeyB64, member, level) {
  const pq = member.pq_public_key || "";
  if (isHandle(resourceKeyB64)) {
    return sealKey(resourceKeyB64, [{ user_id: member.user_id ?? "", public_key: member.public_key, pq_public_key: pq }], level)
      .then(([copy]) => copy.encrypted_key);
  }
  return level === undefined
    ? call("sealForUser", resourceKeyB64, member.public_key, pq)
    : call("sealForUserWithLevel", resourceKeyB64, member.public_key, pq, level);
}

/**
 * Seals a resource key (base64, or a key handle) to every member
 * (sealToMember, in parallel).
 *
 * @template {string | number} ID
 * @param {string} resourceKeyB64
 * @param {ReadonlyArray<{user_id: ID, public_key: string, pq_public_key?: string | null}>} members
 * @param {"cat1"|"cat3"|"cat5"} [level]
 * @returns {Promise<Array<{user_id: ID, encrypted_key: string}>>} in the members' order
 */
export function sealToMembers(resourceKeyB64, members, level) {
  return Promise.all(members.map(async (m) => ({
    user_id: m.user_id,
    encrypted_key: await sealToMember(resourceKeyB64, m, level),
  })));
}

/**
 * Opens a copy sealed to this user (either format) to the resource key,
 * base64. Rejects with SealkitError DECRYPTION when it is not this user's.
 *
 * @param {string} sealedB64
 * @param {{publicKey: string, privateKey: string, pqSecretKey?: string}} myKeys
 *   the user's public key and opened private keys (account.js openAccountKeys)
 * @returns {Promise<string>}
 */
export function openResourceKey(sealedB64, myKeys) {
  return call("unsealFromUser", sealedB64, myKeys.publicKey, myKeys.privateKey, myKeys.pqSecretKey);
}

// ---- the pending-access client ---------------------------------------------

const MAX_MESSAGE = 8 * 1024; // the server closes the socket above this

function socketUrl(url) {
  const u = new URL(url, globalThis.location?.href);
  if (u.protocol === "http:") u.protocol = "ws:";
  else if (u.protocol === "https:") u.protocol = "wss:";
  return u.href;
}

/**
 * Connects to the push socket and shares keys with pending members: on
 * each `{"type":"pending", "<resource>_id", key_version, members}` it asks
 * onPending for the key of that resource and version and, if it gets one,
 * seals it to each listed member and sends
 * `{"type":"key_distributed", ref, "<resource>_id", user_id, key_version, encrypted_key}`,
 * answered `ack` or `error` by the server. A copy in flight or accepted is
 * not sent twice; a refused or dropped one is retried on the next pending
 * message. Every other message (hello, "<resource>_changed", …) goes to
 * onMessage. The socket reconnects after a drop with an exponential
 * backoff (0.5 s doubling to 30 s, with jitter).
 *
 * @param {string | URL} url e.g. "/api/ws" (relative to the page; http(s) becomes ws(s))
 * @param {import("./share.js").WatchPendingOptions} options
 * @returns {import("./share.js").PendingWatcher}
 */
export function watchPending(url, options) {
  const {
    resource = "resource",
    onPending,
    level,
    seal = (key, member) => sealToMember(key, member, level),
    onMessage,
    onOpen,
    onState,
    onError,
    minDelayMs = 500,
    maxDelayMs = 30000,
    answerTimeoutMs = 15000,
    WebSocket: WS = globalThis.WebSocket,
  } = options ?? {};
  const idField = `${resource}_id`;
  const href = socketUrl(url);

  let ws = null;
  let attempt = 0;
  let timer = 0;
  let closed = false;
  let everOpened = false;
  let nextRef = 1;
  const waiting = new Map(); // ref → {resolve, reject, timer}
  const sent = new Set(); // "<id>\n<user>\n<version>" in flight or accepted

  const setState = (s) => onState?.(s);
  const report = (err) => {
    try {
      onError?.(err);
    } catch {
      // the page's handler failed: nothing more to do here
    }
  };

  function failAll(message) {
    for (const [ref, w] of waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(message));
      waiting.delete(ref);
    }
  }

  function schedule() {
    if (closed || timer) return;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
    attempt++;
    timer = setTimeout(() => {
      timer = 0;
      open();
    }, base / 2 + Math.random() * (base / 2));
  }

  function open() {
    if (closed) return;
    setState("connecting");
    let socket;
    try {
      socket = new WS(href);
    } catch {
      setState("closed");
      schedule();
      return;
    }
    ws = socket;
    socket.addEventListener("open", () => {
      if (ws !== socket) return;
      attempt = 0;
      setState("open");
      const reconnected = everOpened;
      everOpened = true;
      onOpen?.(reconnected);
    });
    socket.addEventListener("message", (event) => {
      if (ws !== socket || typeof event.data !== "string") return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!msg || typeof msg !== "object") return;
      if ((msg.type === "ack" || msg.type === "error") && msg.ref !== undefined && msg.ref !== "") {
        const w = waiting.get(String(msg.ref));
        if (w) {
          waiting.delete(String(msg.ref));
          clearTimeout(w.timer);
          if (msg.type === "ack") w.resolve(msg);
          else w.reject(new Error(typeof msg.error === "string" && msg.error ? msg.error : "The server refused the message."));
        }
        return;
      }
      if (msg.type === "pending") {
        pending(msg);
        return;
      }
      onMessage?.(msg);
    });
    socket.addEventListener("close", () => {
      if (ws !== socket) return;
      ws = null;
      setState("closed");
      failAll("The connection to the server dropped.");
      schedule();
    });
    // "error" is always followed by "close".
  }

  async function pending(msg) {
    const resourceId = msg[idField];
    const keyVersion = Number(msg.key_version);
    const members = Array.isArray(msg.members) ? msg.members : [];
    let key;
    try {
      key = await onPending?.({ resourceId, keyVersion, members, message: msg });
    } catch (err) {
      report(err);
      return;
    }
    // A key handle (the handle API) is sealed in the worker: sealToMember.
    if (typeof key === "string" && key !== "") await distribute(resourceId, keyVersion, members, key);
  }

  function send(msg) {
    return new Promise((resolve, reject) => {
      if (!ws || ws.readyState !== 1 /* OPEN */) {
        reject(new Error("Not connected to the server."));
        return;
      }
      const ref = String(nextRef++);
      const text = JSON.stringify({ ...msg, ref });
      if (text.length > MAX_MESSAGE) {
        reject(new Error("The message is too large."));
        return;
      }
      const t = setTimeout(() => {
        waiting.delete(ref);
        reject(new Error("The server did not answer."));
      }, answerTimeoutMs);
      waiting.set(ref, { resolve, reject, timer: t });
      ws.send(text);
    });
  }

  function distribute(resourceId, keyVersion, members, key) {
    return Promise.all(members.map(async (m) => {
      if (!m || !m.user_id || !m.public_key) return;
      const id = `${resourceId}\n${m.user_id}\n${keyVersion}`;
      if (sent.has(id)) return;
      sent.add(id);
      try {
        const encrypted = await seal(key, m);
        await send({
          type: "key_distributed",
          [idField]: resourceId,
          user_id: m.user_id,
          key_version: Number(keyVersion),
          encrypted_key: encrypted,
        });
      } catch (err) {
        // Another owner was faster, the member left, or the socket
        // dropped: the next pending message tries again if needed.
        sent.delete(id);
        report(err);
      }
    }));
  }

  open();

  return {
    isOpen: () => Boolean(ws && ws.readyState === 1),
    send,
    distribute,
    reconnect() {
      if (closed || (ws && ws.readyState <= 1)) return;
      clearTimeout(timer);
      timer = 0;
      attempt = 0;
      open();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      failAll("Closed.");
      if (ws) ws.close(1000);
      ws = null;
      setState("closed");
    },
  };
}
