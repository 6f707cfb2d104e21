// CSV for the data export (RFC 4180), safe to open in a spreadsheet: a
// cell that a spreadsheet would read as a formula (it begins with =, +,
// -, @, a tab or a carriage return) gets a leading apostrophe, which
// spreadsheets show as text. Pure: Node tests it (js/test/app-history.test.mjs).

const FORMULA = /^[=+\-@\t\r]/;
const QUOTE = /[",\r\n]/;

/** One cell: neutralised, then quoted when it holds a quote, comma or line break. */
export function csvCell(value) {
  let s = value == null ? "" : String(value);
  if (FORMULA.test(s)) s = "'" + s;
  return QUOTE.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows of cells as CSV text, CRLF after every row (RFC 4180). */
export function toCSV(rows) {
  return rows.map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}
