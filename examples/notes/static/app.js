// The notes app's one script. Every key is made and used here, through the
// SDK's handle API: the keys stay in the SDK's crypto worker and this page
// holds only handles (opaque names), so no secret key's bytes are in its
// variables, its storage or the DOM. The server gets the auth key, public
// keys and ciphertext only. Decrypted text reaches the page through
// textContent, never as markup.

import { decryptText, encryptText, loadCrypto, newKey, openKey, release } from "/static/sdk/index.js";
import { ApiError, UserKeys, finishSignupSession, loginSession, startSignup } from "/static/sdk/account.js";
import { sealToMember, watchPending } from "/static/sdk/share.js";

const $ = (id) => document.getElementById(id);
// The user's private keys between pages: the SDK's key cache, which only
// the live session (POST /api/auth/key-cache) can open.
const userKeys = new UserKeys();

// api sends JSON to the server; a failure carries the server's sentence.
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body && JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data?.error ?? `The server answered ${res.status}.`);
  return data;
}

// onSubmit runs a form's action and shows its result or error in status.
function onSubmit(form, status, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "Working…";
    try {
      status.textContent = (await action(new FormData(form))) ?? "";
    } catch (err) {
      status.textContent = err.message;
    }
  });
}

const pages = {
  register() {
    onSubmit($("register"), $("status"), async (f) => {
      await startSignup(f.get("email"));
      return "Check your mail for a link to finish signing up.";
    });
  },

  async finish() {
    // The token came in the fragment, which the browser never sends.
    const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
    const { email } = await api("POST", "/api/auth/register/address", { token });
    $("email").textContent = email;
    onSubmit($("finish"), $("status"), async (f) => {
      const made = await finishSignupSession({ token, email, password: f.get("password") });
      // Only the user handle is needed: the example encrypts nothing under
      // the user key, and keep needs no session key.
      await Promise.all([release(made.session), release(made.userKey)]);
      await userKeys.keep(await api("GET", "/api/me"), made.user); // for the notes page
      location.replace("/notes");
    });
  },

  login() {
    onSubmit($("login"), $("status"), async (f) => {
      const session = await loginSession(f.get("email"), f.get("password"));
      await userKeys.unlock(await api("GET", "/api/me"), session); // opens, keeps, releases the session
      location.assign("/notes");
    });
  },

  notes,
};

async function notes() {
  const me = await api("GET", "/api/me").catch((err) => (err.status === 401 ? null : Promise.reject(err)));
  const found = me && (await userKeys.open(me));
  // No unlock page here: when the caches hold nothing (it expired, the
  // browser's storage was cleared), logging in again opens the keys. An app
  // with an unlock page asks for the password only (unlockWithPassword).
  if (!found) return location.assign("/login");
  // id → a note's key handle, or the promise of it, so that overlapping
  // loads open each note once (its key never changes in this example).
  const noteKeys = new Map();

  async function show(note) {
    const item = $("note").content.firstElementChild.cloneNode(true);
    const text = item.querySelector(".text");
    if (!note.sealed_key) {
      text.textContent = "Shared with you: waiting for the owner's browser to share the key.";
      return item;
    }
    if (!noteKeys.has(note.id)) noteKeys.set(note.id, openKey(found.user, note.sealed_key));
    text.textContent = await decryptText(await noteKeys.get(note.id), note.body);
    if (note.mine) {
      const form = item.querySelector(".share");
      form.hidden = false;
      onSubmit(form, $("status"), async (f) => {
        await api("POST", `/api/notes/${note.id}/shares`, { email: f.get("email") });
        form.reset();
        return "Shared: the reader gets the key from your browser once they have an account.";
      });
    }
    return item;
  }

  let loaded;
  const load = () => (loaded = (async () => {
    const list = await api("GET", "/api/notes");
    $("notes").replaceChildren(...(await Promise.all(list.map(show))));
  })());
  await load();

  // The owner's open page holds the note keys: the hub lists readers who
  // have no copy, and the SDK seals the key handle to each in its worker
  // and sends the copy back.
  watchPending("/api/ws", {
    resource: "note",
    onPending: async ({ resourceId }) => {
      await loaded;
      return noteKeys.get(resourceId);
    },
    onMessage: (m) => m.type === "note_changed" && m.reason !== "waiting" && load(),
    onOpen: (reconnected) => reconnected && load(),
  });

  onSubmit($("write"), $("status"), async (f) => {
    const key = await newKey();
    const body = await encryptText(key, f.get("body"));
    const sealed_key = await sealToMember(key, me); // to my own public keys
    const { id } = await api("POST", "/api/notes", { body, sealed_key });
    noteKeys.set(id, key);
    $("write").reset();
    await load();
    return "Saved.";
  });

  $("logout").addEventListener("submit", async (event) => {
    event.preventDefault();
    await userKeys.forget(); // the worker's keys and every key cache
    event.target.submit();
  });
}

try {
  // Before any other SDK call, as the first load's options are the ones
  // that count: with exportKeys false, exportKey fails, so no call of this
  // load hands a key's bytes to the page.
  await loadCrypto(undefined, { exportKeys: false });
  await pages[document.body.dataset.page]?.();
  document.body.dataset.ready = "1";
} catch (err) {
  $("status").textContent = err.message;
  document.body.dataset.error = err.message;
}
