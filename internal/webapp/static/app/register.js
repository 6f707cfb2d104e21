// Registration, step 1 (docs/PROTOCOL.md §1): only the address goes to
// the server, which mails it a link. The password and the keys are made
// on the page that link opens (finish.js).

import { api, busy, errorMessage, showError, startPage } from "./common.js";

const form = document.getElementById("register-form");
const emailInput = document.getElementById("register-email");
const submit = document.getElementById("register-submit");
const errorEl = document.getElementById("register-error");
const done = document.getElementById("register-done");
const sentTo = document.getElementById("register-sent-to");

// The server's rule, checked here for a quick answer: 3–254 bytes, one "@"
// with text on both sides, no spaces or control characters.
function emailProblem(email) {
  const bytes = new TextEncoder().encode(email).length;
  if (bytes < 3 || bytes > 254) return "Enter a valid email address.";
  if (/[\s\u0000-\u001f\u007f]/.test(email)) return "An email address cannot contain spaces.";
  const at = email.indexOf("@");
  if (at <= 0 || at !== email.lastIndexOf("@") || at === email.length - 1) return "Enter a valid email address.";
  return "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  const email = emailInput.value.trim();
  const problem = emailProblem(email);
  if (problem) {
    showError(errorEl, problem);
    return;
  }
  const restore = busy(submit, "Sending…");
  try {
    await api("POST", "/api/auth/register", { email });
    sentTo.textContent = email;
    form.hidden = true;
    done.hidden = false;
    restore();
    submit.disabled = true;
  } catch (err) {
    showError(errorEl, errorMessage(err));
    restore();
  }
});

startPage(async () => {
  submit.disabled = false;
});
