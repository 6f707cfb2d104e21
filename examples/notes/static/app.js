// The notes app's one script. Every key is made and used here, through the
// SDK; the server gets the auth key, public keys and ciphertext only.
// Decrypted text reaches the page through textContent, never as markup.

import { decrypt, encrypt } from "/static/sdk/index.js";
import { ApiError, KeyChain, finishSignup, login, openAccountKeys, startSignup } from "/static/sdk/account.js";
import { newResourceKey, openResourceKey, sealToMember, watchPending } from "/static/sdk/share.js";

const $ = (id) => document.getElementById(id);
const chain = new KeyChain();

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
      const sessionKey = await finishSignup({ token, email, password: f.get("password") });
      chain.handOverLoginKey(sessionKey);
      location.replace("/notes");
    });
  },

  login() {
    onSubmit($("login"), $("status"), async (f) => {
      const sessionKey = await login(f.get("email"), f.get("password"));
      chain.handOverLoginKey(sessionKey);
      location.assign("/notes");
    });
  },

  notes,
};

async function notes() {
  const me = await api("GET", "/api/me").catch((err) => (err.status === 401 ? null : Promise.reject(err)));
  const found = me && (await chain.findSessionKey(me));
  if (!found || found.needsUnlock) return location.assign("/login");
  const myKeys = await openAccountKeys(me, found.sessionKey);
  const noteKeys = new Map(); // id → key of each note this user owns

  async function show(note) {
    const item = $("note").content.firstElementChild.cloneNode(true);
    const text = item.querySelector(".text");
    if (!note.sealed_key) {
      text.textContent = "Shared with you: waiting for the owner's browser to share the key.";
      return item;
    }
    const key = await openResourceKey(note.sealed_key, myKeys);
    text.textContent = await decrypt(note.body, key);
    if (note.mine) {
      noteKeys.set(note.id, key);
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
  // have no copy, and the SDK seals the key to each and sends it back.
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
    const key = await newResourceKey();
    const body = await encrypt(f.get("body"), key);
    const sealed_key = await sealToMember(key, me); // to my own public keys
    await api("POST", "/api/notes", { body, sealed_key });
    $("write").reset();
    await load();
    return "Saved.";
  });

  $("logout").addEventListener("submit", async (event) => {
    event.preventDefault();
    await chain.forgetKeys();
    event.target.submit();
  });
}

try {
  await pages[document.body.dataset.page]?.();
  document.body.dataset.ready = "1";
} catch (err) {
  $("status").textContent = err.message;
  document.body.dataset.error = err.message;
}
