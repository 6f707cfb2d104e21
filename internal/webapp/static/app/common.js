// Shared by every page script: the SDK (loaded once, in its worker), the
// JSON API helper, progress and error display, page readiness for the
// browser tests, and the logout handler.
//
// Rules kept by every page: decrypted text reaches the DOM only through
// textContent; keys, passwords and plaintext never go into a URL, the
// console or a request (the email is the one exception the protocol has).

import * as sdk from "../sdk/index.js";
import { ApiError } from "../sdk/account.js";
import { forgetKeys } from "./keys.js";

export { sdk, ApiError };

/**
 * Loads the crypto core once (a pool of dedicated workers, one a core up
 * to four, so that the many hybrid unseals of a dashboard run in
 * parallel, with exportKey turned off) from the content-hashed URL the
 * server put on <body>.
 * Resolves to the SDK module. A failed load may be retried by calling
 * again. keys.js loads through this function too: the first load's
 * options are the ones that count.
 */
export async function loadSdk() {
  // A server built without `make wasm` has no module to serve and says so
  // on <body>: fetching one would only fail as if this browser were the
  // problem.
  if (document.body.dataset.wasmMissing === "1") throw new MissingWasmError();
  await sdk.loadCrypto(document.body.dataset.wasmUrl || undefined, {
    workers: Math.min(Math.max(navigator.hardwareConcurrency || 1, 1), 4),
    // No page exports a key, so the one way out of the handle API is shut:
    // a script injected into a page can use the keys while it runs, never
    // take them.
    exportKeys: false,
  });
  return sdk;
}

/**
 * The server has no browser module (js/dist/sealkit.wasm was not built):
 * no page that needs crypto can work until whoever runs it builds it.
 */
export class MissingWasmError extends Error {
  constructor() {
    super("This server was built without its browser module (js/dist/sealkit.wasm), so nothing that needs encryption works here. "
      + "Whoever runs it: build the module with “make wasm”, then rebuild and restart the server (the module is embedded in it), "
      + "or start it with “make run”, which does both.");
    this.name = "MissingWasmError";
  }
}

/**
 * Calls a JSON endpoint on this origin. Resolves to the parsed JSON, or
 * null for an empty answer (204); rejects with ApiError (the SDK's, as
 * its account flows throw: one class for every failed request) carrying the
 * server's message for 4xx/5xx. A 401 from an endpoint that needs a
 * session (the session expired) sends the browser to /login.
 *
 * @param {string} method
 * @param {string} path a local path, e.g. "/api/me"
 * @param {unknown} [body] sent as JSON
 */
export async function api(method, path, body) {
  if (!path.startsWith("/") || path.startsWith("//")) throw new Error("api: not a local path");
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "The server could not be reached. Check your connection and try again.");
  }
  let data = null;
  const text = await res.text();
  if (text !== "") {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path.startsWith("/api/me")) {
      location.assign("/login");
      return new Promise(() => {});
    }
    const message = data && typeof data.error === "string" && data.error !== ""
      ? data.error
      : `The server answered ${res.status}. Please try again.`;
    throw new ApiError(res.status, message);
  }
  return data;
}

/** GET /api/me: the signed-in user's public and wrapped data. */
export function fetchMe() {
  return api("GET", "/api/me");
}

/**
 * Shows a spinner and `text` in a status element (role="status",
 * aria-live="polite"); returns a function that clears it.
 * @param {HTMLElement | null} el
 * @param {string} text
 */
export function progress(el, text) {
  if (!el) return () => {};
  const spinner = document.createElement("span");
  spinner.className = "spinner";
  spinner.setAttribute("aria-hidden", "true");
  const label = document.createElement("span");
  label.textContent = text;
  el.replaceChildren(spinner, label);
  el.classList.add("busy");
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (el.firstChild === spinner) {
      el.replaceChildren();
      el.classList.remove("busy");
    }
  };
}

/**
 * Runs `work` with progress(el, text) shown, and clears it however `work`
 * ends. Resolves to what `work` resolves to.
 * @template T
 * @param {HTMLElement | null} el
 * @param {string} text
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withProgress(el, text, work) {
  const stop = progress(el, text);
  try {
    return await work();
  } finally {
    stop();
  }
}

/**
 * Runs an SDK flow that reports its steps (onProgress), showing texts[step]
 * for each in `el`. On success the last step stays shown (the page is
 * about to navigate); on failure it is cleared. Resolves to what `work`
 * resolves to.
 * @template T
 * @param {HTMLElement | null} el
 * @param {Record<string, string>} texts
 * @param {(onProgress: (step: string) => void) => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withSteps(el, texts, work) {
  let stop = () => {};
  try {
    return await work((step) => {
      stop();
      stop = texts[step] ? progress(el, texts[step]) : () => {};
    });
  } catch (err) {
    stop();
    throw err;
  }
}

/**
 * Marks a button as working: disabled, with `text` as its label. Returns
 * a function that restores the label and re-enables it.
 * @param {HTMLButtonElement} button
 * @param {string} text
 */
export function busy(button, text) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = text;
  return () => {
    button.textContent = label;
    button.removeAttribute("aria-busy");
    button.disabled = false;
  };
}

/**
 * Wraps `run` so that calls made while it runs coalesce into one more run
 * after it (pushes arrive in bursts; each needs the latest state, not a
 * fetch of its own). Every caller gets the promise of the run that covers it.
 * @param {() => Promise<void>} run
 * @returns {() => Promise<void>}
 */
export function coalesced(run) {
  let running = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}

/** Shows `message` (plain text) in an error element, or hides it for "". */
/** A new element with a class and text (textContent: never HTML). */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function showError(el, message) {
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
}

/**
 * A readable sentence for a failure: the server's message for ApiError,
 * the SDK's text for a SealkitError (never key material), else a generic one.
 */
export function errorMessage(err) {
  if (err instanceof ApiError || err instanceof MissingWasmError) return err.message;
  if (err instanceof sdk.SealkitError) {
    if (err.code === "LOAD" || err.code === "WORKER" || err.code === "UNSUPPORTED") {
      return "The encryption module could not run in this browser. Reload the page to try again.";
    }
    return `Encryption error: ${err.message}`;
  }
  return "Something went wrong. Please try again.";
}

/**
 * Runs a page's initial work, then sets body[data-ready="1"]; on failure
 * shows the message in #page-error and sets body[data-error]. Browser
 * tests wait on these attributes.
 * @param {() => Promise<void> | void} init
 */
export async function startPage(init) {
  try {
    await init();
    document.body.dataset.ready = "1";
  } catch (err) {
    const message = errorMessage(err);
    showError(document.getElementById("page-error"), message);
    document.body.dataset.error = message;
  }
}

// Logout: forget every key this browser holds, then let the form post.
// form.submit() does not fire "submit" again.
const logoutForm = document.getElementById("logout-form");
if (logoutForm) {
  logoutForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = logoutForm.querySelector("button");
    if (button) busy(button, "Logging out…");
    try {
      await forgetKeys();
    } finally {
      logoutForm.submit();
    }
  });
}
