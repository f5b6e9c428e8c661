/** "HH:MM" (00:00–23:59) → minutes after midnight; null when malformed. */
export function parseHhmm(s: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Minutes after midnight → "HH:MM", rounded to the minute (a day that runs past midnight shows 24:10, not 00:10). */
export function formatHhmm(min: number): string {
  const m = Math.round(min);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}
