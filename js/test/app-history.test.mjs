// The reference app's pure modules for habit history and the export
// (internal/webapp/static/app/history.js and csv.js): calendar days,
// streaks, the heat map's weeks, CSV.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addDays, currentFromRun, runAfterToday, dayFromNumber, dayNumber, heatMapWeeks, localDay, parseDay, streaks, weekday, yearStart,
} from "../../internal/webapp/static/app/history.js";
import { csvCell, toCSV } from "../../internal/webapp/static/app/csv.js";

// Every day from fromDay for n days.
function run(fromDay, n) {
  return Array.from({ length: n }, (_, i) => addDays(fromDay, i));
}

test("day numbers match Date.UTC over four centuries, both ways", () => {
  for (let n = dayNumber("1900-01-01"); n <= dayNumber("2300-12-31"); n += 1) {
    const day = dayFromNumber(n);
    assert.equal(dayNumber(day), n);
    assert.equal(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8))) / 86400000, n);
  }
  assert.equal(dayNumber("1970-01-01"), 0);
  assert.equal(weekday("1970-01-01"), 4);
  assert.equal(weekday("2024-02-29"), 4);
  assert.equal(weekday("2026-12-06"), 0);
});

test("malformed and impossible days", () => {
  for (const bad of ["", "2024-2-01", "2023-02-29", "2100-02-29", "2024-13-01", "2024-04-31", "2024-00-10", "x", null, 20240101]) {
    assert.equal(parseDay(bad), null, String(bad));
    assert.ok(Number.isNaN(dayNumber(bad)));
  }
  assert.deepEqual(parseDay("2000-02-29"), { y: 2000, m: 2, d: 29 });
});

test("month, year and leap-day boundaries", () => {
  assert.equal(addDays("2024-02-28", 1), "2024-02-29");
  assert.equal(addDays("2024-02-29", 1), "2024-03-01");
  assert.equal(addDays("2023-02-28", 1), "2023-03-01");
  assert.equal(addDays("2100-02-28", 1), "2100-03-01");
  assert.equal(addDays("2024-12-31", 1), "2025-01-01");
  assert.equal(addDays("2025-01-01", -1), "2024-12-31");
  assert.equal(addDays("2024-04-30", 1), "2024-05-01");
  assert.equal(addDays("2024-03-01", -366), "2023-03-01");
});

test("streaks across month and year ends and a leap day", () => {
  const days = run("2024-12-25", 14); // to 2025-01-07
  assert.deepEqual(streaks(days, "2025-01-07"), { current: 14, longest: 14, today: true });
  const leap = run("2024-02-27", 4); // 27, 28, 29 Feb, 1 Mar
  assert.deepEqual(streaks(leap, "2024-03-01"), { current: 4, longest: 4, today: true });
  const noLeap = ["2023-02-27", "2023-02-28", "2023-03-01"];
  assert.deepEqual(streaks(noLeap, "2023-03-01"), { current: 3, longest: 3, today: true });
  // 2023-02-28 to 2023-03-02 skips no day; 2024-02-28 to 2024-03-01 does.
  assert.equal(streaks(["2024-02-28", "2024-03-01"], "2024-03-01").longest, 1);
});

test("today not checked in yet: the streak ending yesterday is current", () => {
  const days = run("2025-03-01", 5); // to 03-05
  assert.deepEqual(streaks(days, "2025-03-06"), { current: 5, longest: 5, today: false });
  assert.deepEqual(streaks(days, "2025-03-07"), { current: 0, longest: 5, today: false });
});

test("longest over all the data, current separate; order and duplicates do not matter", () => {
  const days = [...run("2024-01-10", 20), ...run("2025-06-01", 3), "2025-06-02", "bogus"].reverse();
  assert.deepEqual(streaks(days, "2025-06-03"), { current: 3, longest: 20, today: true });
});

test("empty data", () => {
  assert.deepEqual(streaks([], "2025-01-01"), { current: 0, longest: 0, today: false });
  assert.deepEqual(streaks(undefined, "2025-01-01"), { current: 0, longest: 0, today: false });
  assert.deepEqual(currentFromRun("", 0, "2025-01-01"), { current: 0, today: false });
});

test("days after today (a zone ahead) count for the longest only", () => {
  assert.deepEqual(streaks(["2025-01-01", "2025-01-02"], "2025-01-01"), { current: 1, longest: 2, today: true });
  assert.deepEqual(streaks(["2025-01-02"], "2025-01-01"), { current: 0, longest: 1, today: false });
});

test("DST changes are calendar days like any other", () => {
  // Europe: 2025-03-30 and 2025-10-26; America: 2025-03-09 and 2025-11-02.
  for (const change of ["2025-03-30", "2025-10-26", "2025-03-09", "2025-11-02"]) {
    const days = run(addDays(change, -3), 7);
    assert.deepEqual(streaks(days, addDays(change, 3)), { current: 7, longest: 7, today: true }, change);
  }
  // localDay reads the calendar fields: a time just after midnight on a
  // 23-hour day is still that day.
  assert.equal(localDay(new Date(2025, 2, 30, 0, 30)), "2025-03-30");
  assert.equal(localDay(new Date(2025, 9, 26, 23, 30)), "2025-10-26");
});

test("the dashboard's run from the server, judged against the user's today", () => {
  assert.deepEqual(currentFromRun("2025-01-10", 4, "2025-01-10"), { current: 4, today: true });
  assert.deepEqual(currentFromRun("2025-01-09", 4, "2025-01-10"), { current: 4, today: false });
  assert.deepEqual(currentFromRun("2025-01-08", 4, "2025-01-10"), { current: 0, today: false });
  assert.deepEqual(currentFromRun("2025-01-11", 4, "2025-01-10"), { current: 3, today: true });
  assert.deepEqual(currentFromRun("2025-01-11", 1, "2025-01-10"), { current: 0, today: false });
  assert.deepEqual(currentFromRun("2025-01-01", 3, "2024-12-31"), { current: 2, today: true });
  assert.deepEqual(currentFromRun("2025-01-10", -1, "2025-01-10"), { current: 0, today: false });
  assert.deepEqual(currentFromRun("nope", 4, "2025-01-10"), { current: 0, today: false });
  // The same answer as streaks() on the days of that run.
  for (const today of ["2024-03-01", "2024-03-02", "2024-03-03", "2024-02-29"]) {
    const days = run("2024-02-20", 11); // to 2024-03-01
    assert.equal(currentFromRun("2024-03-01", 11, today).current, streaks(days, today).current, today);
  }
});

test("the dashboard's run after ticking or clearing today", () => {
  const t = "2025-03-01";
  assert.deepEqual(runAfterToday("2025-02-28", 5, t, true), { last: t, run: 6 });
  assert.deepEqual(runAfterToday("2025-02-27", 5, t, true), { last: t, run: 1 });
  assert.deepEqual(runAfterToday("", 0, t, true), { last: t, run: 1 });
  assert.deepEqual(runAfterToday(t, 6, t, true), { last: t, run: 6 });
  assert.deepEqual(runAfterToday(t, 6, t, false), { last: "2025-02-28", run: 5 });
  assert.deepEqual(runAfterToday(t, 1, t, false, [t, "2025-02-20"]), { last: "2025-02-20", run: 1 });
  assert.deepEqual(runAfterToday(t, 1, t, false, [t]), { last: "", run: 0 });
  assert.deepEqual(runAfterToday("2025-03-02", 3, t, false), { last: "2025-03-02", run: 1 });
  // Against streaks() on the days themselves, across a leap day.
  const days = run("2024-02-25", 5); // to 2024-02-29
  let state = { last: "2024-02-29", run: 5 };
  state = runAfterToday(state.last, state.run, "2024-03-01", true);
  assert.equal(currentFromRun(state.last, state.run, "2024-03-01").current, streaks([...days, "2024-03-01"], "2024-03-01").current);
  state = runAfterToday(state.last, state.run, "2024-03-01", false);
  assert.equal(currentFromRun(state.last, state.run, "2024-03-01").current, streaks(days, "2024-03-01").current);
});

test("the heat map covers the last 12 months in week columns", () => {
  for (const today of ["2025-06-15", "2024-02-29", "2025-03-01", "2026-12-06", "2025-01-01"]) {
    const map = heatMapWeeks(today);
    const cells = map.weeks.flat();
    assert.equal(cells[0].day, yearStart(today));
    assert.equal(cells.at(-1).day, today);
    assert.equal(cells.length, dayNumber(today) - dayNumber(yearStart(today)) + 1);
    for (let i = 1; i < cells.length; i++) assert.equal(cells[i].day, addDays(cells[i - 1].day, 1));
    for (const week of map.weeks) for (const c of week) assert.equal(c.row, weekday(c.day));
    for (const week of map.weeks.slice(1, -1)) assert.equal(week.length, 7);
    assert.ok(map.weeks.length >= 53 && map.weeks.length <= 54, `${today}: ${map.weeks.length} weeks`);
    assert.equal(map.months[0].column, 0);
    assert.equal(new Set(map.months.map((m) => `${m.year}-${m.month}`)).size, map.months.length);
  }
  assert.equal(yearStart("2024-02-29"), "2023-03-01");
  assert.equal(yearStart("2025-02-28"), "2024-02-29");
  assert.equal(yearStart("2025-01-01"), "2024-01-02");
  assert.equal(heatMapWeeks("2025-06-15").weeks.flat().length, 365);
  assert.equal(heatMapWeeks("2024-06-15").weeks.flat().length, 366);
});

test("CSV cells: RFC 4180 quoting", () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell("line\nbreak"), '"line\nbreak"');
  assert.equal(csvCell("cr\rhere"), '"cr\rhere"');
  assert.equal(csvCell(""), "");
  assert.equal(csvCell(null), "");
  assert.equal(toCSV([["a", "b"], ["c,d", "e"]]), 'a,b\r\n"c,d",e\r\n');
});

test("CSV cells: formula injection neutralised", () => {
  assert.equal(csvCell("=1+1"), "'=1+1");
  assert.equal(csvCell("+33 6"), "'+33 6");
  assert.equal(csvCell("-2"), "'-2");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell("\rx"), "\"'\rx\"");
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  assert.equal(csvCell("a=b"), "a=b");
  // Days are not touched: they begin with a digit.
  assert.equal(csvCell("2025-01-01"), "2025-01-01");
});
