// The habit page's heat map: the last 12 months as an SVG, weeks as
// columns (Sunday on top), one cell per day. Made with createElementNS,
// attributes and classes only (the CSP allows no style attribute); the
// habit's colour goes in through the CSSOM (--habit). Text (the cell
// titles, notes included) only through textContent. The calendar comes
// from history.js.

import { heatMapWeeks, parseDay } from "./history.js";

const SVG = "http://www.w3.org/2000/svg";
const CELL = 11;
const STEP = 14;
const LEFT = 28; // weekday labels
const TOP = 16; // month labels
const NOTE_CHARS = 140; // of a note in a cell's title
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function el(name, attrs = {}) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** "Mon, 3 Mar 2025" of a calendar day, from its own fields (no time zone involved). */
export function dayLabel(day) {
  const p = parseDay(day);
  const d = new Date(p.y, p.m - 1, p.d, 12);
  return d.toLocaleDateString(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric" });
}

function legendCell(cls) {
  const svg = el("svg", { width: CELL, height: CELL, viewBox: `0 0 ${CELL} ${CELL}`, "aria-hidden": "true" });
  svg.append(el("rect", { class: `heat-cell ${cls}`, width: CELL, height: CELL, rx: 2 }));
  return svg;
}

/**
 * Draws the map into container.
 * @param {HTMLElement} container
 * @param {string} today the user's day, YYYY-MM-DD
 * @param {Map<string, {note: string, failed: boolean} | null>} checked the
 *   checked-in days; the value has the note when the page holds it
 * @param {string} colour the habit's colour, "#rrggbb" (checked), or ""
 * @returns {number} how many days of the map are checked in
 */
export function renderHeatMap(container, today, checked, colour) {
  const map = heatMapWeeks(today);
  const width = LEFT + map.weeks.length * STEP;
  const height = TOP + 7 * STEP;
  let count = 0;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", focusable: "false" });
  if (colour) svg.style.setProperty("--habit", colour);
  let lastLabel = -3;
  for (const m of map.months) {
    if (m.column - lastLabel < 3) continue; // a partial first month leaves no room for two labels
    lastLabel = m.column;
    const t = el("text", { x: LEFT + m.column * STEP, y: TOP - 5 });
    t.textContent = MONTHS[m.month - 1];
    svg.append(t);
  }
  for (const [row, name] of [[1, "Mon"], [3, "Wed"], [5, "Fri"]]) {
    const t = el("text", { x: 0, y: TOP + row * STEP + CELL - 2 });
    t.textContent = name;
    svg.append(t);
  }
  map.weeks.forEach((week, column) => {
    for (const { day, row } of week) {
      const c = checked.get(day);
      const on = checked.has(day);
      if (on) count++;
      const classes = ["heat-cell"];
      if (on) classes.push("on");
      if (c && c.note) classes.push("noted");
      if (day === today) classes.push("today");
      const rect = el("rect", {
        class: classes.join(" "), x: LEFT + column * STEP, y: TOP + row * STEP, width: CELL, height: CELL, rx: 2, "data-day": day,
      });
      const title = el("title");
      let text = `${dayLabel(day)}: ${on ? "checked in" : "no check-in"}`;
      if (c && c.note) text += ` — ${c.note.length > NOTE_CHARS ? c.note.slice(0, NOTE_CHARS) + "…" : c.note}`;
      title.textContent = text;
      rect.append(title);
      svg.append(rect);
    }
  });
  svg.setAttribute("aria-label", `Check-ins from ${dayLabel(map.start)} to ${dayLabel(today)}: ${count} of ${map.weeks.flat().length} days checked in.`);

  const legend = document.createElement("p");
  legend.className = "heat-legend";
  for (const [cls, text] of [["", "No check-in"], ["on", "Checked in"], ["on noted", "With a note"]]) {
    const item = document.createElement("span");
    item.append(legendCell(cls), text);
    legend.append(item);
  }
  if (colour) legend.style.setProperty("--habit", colour);
  container.replaceChildren(svg, legend);
  return count;
}
