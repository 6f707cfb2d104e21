// Registration, step 1 (docs/PROTOCOL.md §1): only the address goes to
// the server, which mails it a link. The password and the keys are made
// on the page that link opens (finish.js).

import { startSignup, emailProblem } from "../sdk/account.js";
import { busy, errorMessage, showError, startPage } from "./common.js";

const form = document.getElementById("register-form");
const emailInput = document.getElementById("register-email");
const submit = document.getElementById("register-submit");
const errorEl = document.getElementById("register-error");
const done = document.getElementById("register-done");
const sentTo = document.getElementById("register-sent-to");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (submit.disabled) return;
  showError(errorEl, "");
  const email = emailInput.value.trim();
  const problem = emailProblem(email); // the server's rule, for a quick answer
  if (problem) {
    showError(errorEl, problem);
    return;
  }
  const restore = busy(submit, "Sending…");
  try {
    await startSignup(email);
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
