// Habit history arithmetic: streaks and the heat map's calendar. Pure
// functions on calendar days "YYYY-MM-DD" (the user's local days, as
// check-ins are stored): every step is integer arithmetic on day numbers,
// never on milliseconds, so a DST change (a 23- or 25-hour day) or the
// time zone cannot shift a day. No DOM, no network: Node tests it
// (js/test/app-history.test.mjs).

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of a year (month 1–12), leap years included. */
export function daysInMonth(year, month) {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** {y, m, d} of a valid calendar day, or null. */
export function parseDay(s) {
  const match = typeof s === "string" ? DAY.exec(s) : null;
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

/**
 * The day number of a calendar day: days since 1970-01-01 in the
 * proleptic Gregorian calendar (H. Hinnant's days_from_civil), or NaN.
 */
export function dayNumber(s) {
  const p = parseDay(s);
  if (!p) return NaN;
  const y = p.m <= 2 ? p.y - 1 : p.y;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (p.m + (p.m > 2 ? -3 : 9)) + 2) / 5) + p.d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar day of a day number (civil_from_days). */
export function dayFromNumber(n) {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const pad = (v, w) => String(v).padStart(w, "0");
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** day plus n days (n may be negative). */
export function addDays(day, n) {
  return dayFromNumber(dayNumber(day) + n);
}

/** 0 for Sunday … 6 for Saturday (1970-01-01 was a Thursday). */
export function weekday(day) {
  return (((dayNumber(day) + 4) % 7) + 7) % 7;
}

/** The user's local day of a Date (its calendar fields, in the browser's zone). */
export function localDay(date = new Date()) {
  const pad = (v) => String(v).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * Streaks of a habit from its check-in days (any order, duplicates and
 * malformed days ignored) as of today:
 *  - current: the consecutive days ending today, or ending yesterday
 *    while today is not checked in yet (the streak is still alive until
 *    the day is over); days after today (a zone ahead of ours) do not
 *    count for it;
 *  - longest: the longest run of consecutive days over all the days given;
 *  - today: whether today is checked in.
 */
export function streaks(days, today) {
  const t = dayNumber(today);
  const nums = [...new Set((days || []).map(dayNumber).filter((n) => !Number.isNaN(n)))].sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < nums.length; i++) {
    run = i > 0 && nums[i] === nums[i - 1] + 1 ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  const have = new Set(nums);
  const checkedToday = have.has(t);
  let current = 0;
  for (let n = checkedToday ? t : t - 1; have.has(n); n--) current++;
  return { current, longest, today: checkedToday };
}

/**
 * The dashboard's current streak from what GET /api/habits gives per
 * habit: the last check-in day and the run of consecutive days ending at
 * it. The server cannot know the user's today, so this decides: the run
 * counts while it ends today or yesterday; a run ending after today (a
 * zone ahead) counts up to today.
 */
export function currentFromRun(lastDay, run, today) {
  const last = dayNumber(lastDay);
  const t = dayNumber(today);
  const r = Number.isInteger(run) && run > 0 ? run : 0;
  if (Number.isNaN(last) || Number.isNaN(t) || r === 0) return { current: 0, today: false };
  if (last === t) return { current: r, today: true };
  if (last === t - 1) return { current: r, today: false };
  if (last > t && last - r < t) return { current: r - (last - t), today: true };
  return { current: 0, today: false };
}

/**
 * The dashboard's {last, run} after its "Today" box is ticked (on) or
 * cleared: ticking extends a run ending yesterday or starts one; clearing
 * today's check-in shortens the run ending today (when that leaves none,
 * the next older day, if known, is the last, with a run that cannot be
 * current, so 0 does). recent: the habit's newest days, newest first,
 * today excluded or not.
 */
export function runAfterToday(lastDay, run, today, on, recent = []) {
  const last = dayNumber(lastDay);
  const t = dayNumber(today);
  if (on) {
    if (last === t) return { last: lastDay, run };
    if (last === t - 1) return { last: today, run: run + 1 };
    if (last > t) return { last: lastDay, run }; // a zone ahead already counts today in
    return { last: today, run: 1 };
  }
  if (last > t) return { last: lastDay, run: Math.min(run, last - t) }; // the run now stops after today
  if (last !== t) return { last: lastDay, run };
  if (run > 1) return { last: addDays(today, -1), run: run - 1 };
  const older = recent.find((d) => dayNumber(d) < t);
  return { last: older || "", run: older ? 1 : 0 };
}

/**
 * The first day of the heat map: the day after the same date a year
 * before today (29 February goes to 28 February), so that the map shows
 * the last 12 months, today included.
 */
export function yearStart(today) {
  const p = parseDay(today);
  const y = p.y - 1;
  const d = Math.min(p.d, daysInMonth(y, p.m));
  const pad = (v, w) => String(v).padStart(w, "0");
  return addDays(`${pad(y, 4)}-${pad(p.m, 2)}-${pad(d, 2)}`, 1);
}

/**
 * The heat map's calendar: weeks as columns (Sunday first, as GitHub
 * does), each a list of its days within [start, today] with their row
 * (weekday); the first and last weeks may be partial. months: a label per
 * column where a month begins ({column, month: 1–12, year}).
 */
export function heatMapWeeks(today) {
  const start = yearStart(today);
  const first = dayNumber(start) - weekday(start); // the Sunday of start's week
  const last = dayNumber(today);
  const weeks = [];
  const months = [];
  for (let w = first, column = 0; w <= last; w += 7, column++) {
    const week = [];
    for (let n = Math.max(w, dayNumber(start)); n < w + 7 && n <= last; n++) {
      const day = dayFromNumber(n);
      week.push({ day, row: n - w });
      const p = parseDay(day);
      if (p.d === 1 || n === dayNumber(start)) months.push({ column, month: p.m, year: p.y });
    }
    weeks.push(week);
  }
  return { start, end: today, weeks, months };
}

/** "1 day", "2 days". */
export function days(n) {
  return n === 1 ? "1 day" : `${n.toLocaleString("en")} days`;
}
