// The mailbox page: no crypto here; common.js wires the logout form.

import { startPage } from "./common.js";

startPage(() => {});
