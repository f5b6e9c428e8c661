/** Calendar helpers in an IANA time zone (the organisation's), with no dependency on the host's zone. */

// Building an Intl.DateTimeFormat costs ~0.1 ms (the check-in's profile had it at 9 % of its CPU; a page listing
// 1,000 reps built one per rep); formatting with a built one is cheap. Built once per locale and options.
const formatters = new Map<string, Intl.DateTimeFormat>();
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, f);
  }
  return f;
}
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: "date" | "offset", timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${timeZone}`; // hot (per ping of a batch): no JSON key
  let f = zoneFormatters.get(key);
  if (!f) {
    f =
      kind === "date"
        ? new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
        : new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    zoneFormatters.set(key, f);
  }
  return f;
}

// Zone offsets change only at transitions, which fall on quarter hours of UTC in every zone since 1970 (offsets are
// whole quarter hours): one lookup per zone and quarter hour (a ping batch is 500 lookups of a few quarter hours).
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/** YYYY-MM-DD of `instant` as seen in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  return formatter("date", timeZone).format(instant);
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (Asia/Kolkata → 330). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instant.getTime() / QUARTER_HOUR_MS)}`;
  let minutes = offsets.get(key);
  if (minutes === undefined) {
    if (offsets.size > 10_000) offsets.clear();
    minutes = computeOffsetMinutes(instant, timeZone);
    offsets.set(key, minutes);
  }
  return minutes;
}

function computeOffsetMinutes(instant: Date, timeZone: string): number {
  const name = formatter("offset", timeZone)
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName")?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? "");
  if (!m) return 0; // "GMT" alone is UTC
  const sign = m[1] === "-" ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant at which the wall clock in `timeZone` reads `date` + `minutesOfDay`. */
export function zonedInstant(date: string, minutesOfDay: number, timeZone: string): Date {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, mo - 1, d, 0, minutesOfDay);
  // Two passes settle the offset across a DST change.
  let offset = zoneOffsetMinutes(new Date(guess), timeZone);
  offset = zoneOffsetMinutes(new Date(guess - offset * 60_000), timeZone);
  return new Date(guess - offset * 60_000);
}

/** `date` shifted by `days` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return wd === 0 ? 7 : wd;
}
