import { addDays, isoWeekday, zonedInstant } from "@/lib/time";
import { offsetPoint, roughMeters, type Random } from "./random";

type Loc = { id: number; lat: number; lng: number; radius: number };
type Rep = { id: number; key: string };

export type PlannedRow = { personnelId: number; locationId: number; plannedDate: string; sequence: number; plannedTime: string; visitClientId: string | null };

/** HH:MM of a minute of the day. */
const hhmm = (minute: number) => `${String(Math.floor(minute / 60) % 24).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
/** Planned arrival of the i-th stop of a day: from 09:30, one every 75 minutes. */
export const plannedMinute = (i: number) => 9 * 60 + 30 + i * 75;
export type VisitRow = {
  clientId: string;
  personnelId: number;
  locationId: number;
  plannedDate: string;
  checkInTime: Date;
  checkInCoords: { lat: number; lng: number };
  checkOutTime: Date;
  checkOutCoords: { lat: number; lng: number };
  durationMinutes: number;
  notes: string | null;
};
export type SessionRow = { personnelId: number; sessionDate: string; loginTime: Date; logoutTime: Date; totalVisits: number; status: string };

const TERRITORY_SIZE = 30;
const NOTES = ["Order placed", "Restocked display", "Manager unavailable, rescheduled", "Collected payment", "New product demo", "Shop closed for lunch, waited"];

/** Which distance from the customer a demo check-in lands at: mostly inside the fence, some near, a few far. */
function checkInDistance(random: Random, radius: number): number {
  const roll = random.next();
  if (roll < 0.8) return random.int(1, Math.floor(radius * 0.9));
  if (roll < 0.92) return random.int(Math.ceil(radius * 1.05), Math.floor(radius * 1.9));
  return random.int(Math.ceil(radius * 2.2), radius * 8);
}

/** Orders stops by nearest neighbour from `start`: a plausible day's route. */
function route(start: Loc, stops: Loc[]): Loc[] {
  const left = [...stops];
  const out: Loc[] = [];
  let at = start;
  while (left.length) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (roughMeters(at, left[i]!) < roughMeters(at, left[best]!)) best = i;
    at = left.splice(best, 1)[0]!;
    out.push(at);
  }
  return out;
}

export function planHistory(input: { random: Random; reps: Rep[]; locations: Loc[]; today: string; timeZone: string; workDays: number[]; historyDays: number }) {
  const { random, reps, locations, today, timeZone, workDays } = input;
  const planned: PlannedRow[] = [];
  const visits: VisitRow[] = [];
  const sessions: SessionRow[] = [];

  for (const rep of reps) {
    const home = random.pick(locations);
    const territory = [...locations].sort((a, b) => roughMeters(home, a) - roughMeters(home, b) || a.id - b.id).slice(0, TERRITORY_SIZE);

    for (let back = input.historyDays; back >= 0; back--) {
      const date = addDays(today, -back);
      // Today is always planned (the demo must show a route on any weekday); history follows the working days.
      if (back > 0 && !workDays.includes(isoWeekday(date))) continue;
      const pool = [...territory];
      const picks: Loc[] = [];
      const n = random.int(4, 7);
      while (picks.length < n && pool.length) picks.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
      const stops = route(home, picks);

      if (back === 0) {
        stops.forEach((l, i) => planned.push({ personnelId: rep.id, locationId: l.id, plannedDate: date, sequence: i + 1, plannedTime: hhmm(plannedMinute(i)), visitClientId: null }));
        continue;
      }
      let minute = 9 * 60 + random.int(30, 60);
      const dayVisits: VisitRow[] = [];
      stops.forEach((l, i) => {
        const attended = random.next() < 0.92;
        let clientId: string | null = null;
        if (attended) {
          const fix = offsetPoint(l.lat, l.lng, checkInDistance(random, l.radius), random.int(0, 359));
          const out = offsetPoint(fix.lat, fix.lng, random.int(0, 10), random.int(0, 359));
          const duration = random.int(12, 50);
          const checkInTime = zonedInstant(date, minute, timeZone);
          clientId = random.uuid();
          dayVisits.push({
            clientId,
            personnelId: rep.id,
            locationId: l.id,
            plannedDate: date,
            checkInTime,
            checkInCoords: fix,
            checkOutTime: new Date(checkInTime.getTime() + duration * 60_000),
            checkOutCoords: out,
            durationMinutes: duration,
            notes: random.next() < 0.3 ? random.pick(NOTES) : null,
          });
          minute += duration;
        }
        minute += random.int(15, 40); // travel to the next stop
        planned.push({ personnelId: rep.id, locationId: l.id, plannedDate: date, sequence: i + 1, plannedTime: hhmm(plannedMinute(i)), visitClientId: clientId });
      });
      const first = dayVisits[0];
      const last = dayVisits[dayVisits.length - 1];
      if (first && last) {
        visits.push(...dayVisits);
        sessions.push({
          personnelId: rep.id,
          sessionDate: date,
          loginTime: new Date(first.checkInTime.getTime() - random.int(10, 30) * 60_000),
          logoutTime: new Date(last.checkOutTime.getTime() + random.int(10, 40) * 60_000),
          totalVisits: dayVisits.length,
          status: "CLOSED",
        });
      }
    }
  }
  return { planned, visits, sessions };
}
