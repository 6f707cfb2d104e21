// The push channel of docs/PROTOCOL.md §8: one WebSocket to /api/ws (same
// origin, session cookie), JSON text messages, reconnected with an
// exponential backoff (0.5 s doubling to 30 s, with jitter) whenever it
// drops. Nothing secret travels here except sealed keys (key_distributed),
// which are sealed to their recipient before they are sent.
//
// The connection state is DOM state for the browser tests:
// body[data-push] = "connecting" | "open" | "closed".

const MIN_DELAY = 500;
const MAX_DELAY = 30000;
const ANSWER_TIMEOUT = 15000;
const MAX_MESSAGE = 8 * 1024;

/**
 * Opens the push channel.
 * @param {object} handlers
 * @param {(msg: object) => void} handlers.onMessage every server message but ack/error answers
 * @param {(reconnected: boolean) => void} [handlers.onOpen] each time the socket opens;
 *   reconnected is true after a drop (messages may have been missed: refetch)
 * @returns {{send: (msg: object) => Promise<object>, close: () => void, isOpen: () => boolean}}
 */
export function connectPush({ onMessage, onOpen }) {
  let ws = null;
  let attempt = 0;
  let timer = 0;
  let closed = false;
  let everOpened = false;
  let nextRef = 1;
  const waiting = new Map(); // ref → {resolve, reject, timer}

  function setState(state) {
    document.body.dataset.push = state;
  }

  function failAll(message) {
    for (const [ref, w] of waiting) {
      clearTimeout(w.timer);
      w.reject(new Error(message));
      waiting.delete(ref);
    }
  }

  function schedule() {
    if (closed || timer) return;
    const base = Math.min(MAX_DELAY, MIN_DELAY * 2 ** attempt);
    attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    timer = setTimeout(() => {
      timer = 0;
      open();
    }, delay);
  }

  function open() {
    if (closed) return;
    setState("connecting");
    const url = new URL("/api/ws", location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    let socket;
    try {
      socket = new WebSocket(url.href);
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
      if (onOpen) onOpen(reconnected);
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
      onMessage(msg);
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

  function reconnectNow() {
    if (closed || (ws && ws.readyState <= WebSocket.OPEN)) return;
    clearTimeout(timer);
    timer = 0;
    attempt = 0;
    open();
  }

  addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") reconnectNow();
  });

  open();

  return {
    isOpen: () => Boolean(ws && ws.readyState === WebSocket.OPEN),
    /**
     * Sends a message with a fresh "ref" and resolves to the server's ack
     * (rejects with its error, a drop, or after 15 s without an answer).
     */
    send(msg) {
      return new Promise((resolve, reject) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) {
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
        }, ANSWER_TIMEOUT);
        waiting.set(ref, { resolve, reject, timer: t });
        ws.send(text);
      });
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
