// A module worker that breaks the policy on purpose (see csp-negative.js):
// violations inside workers reach no window listener, only the server's
// report endpoint.
let result;
try {
  (0, eval)("1 + 1");
  result = "ran";
} catch (e) {
  result = `${e.name}: ${e.message}`;
}
postMessage(result);
