import type { PersonnelRole } from "@/server/db/schema";
import type { Random } from "./random";

export type SeedPerson = {
  key: string;
  name: string;
  email: string;
  phone: string;
  employeeId: string;
  role: PersonnelRole;
  managerKey: string | null;
};

const FIRST = ["Aarav", "Ananya", "Arjun", "Divya", "Farhan", "Gayathri", "Harish", "Ishita", "Karthik", "Lakshmi", "Manoj", "Meera", "Naveen", "Pooja", "Rahul", "Roopa", "Sandeep", "Shruti", "Suresh", "Tanvi", "Vikram", "Yamini", "Zoya", "Kiran", "Nikhil", "Priya", "Deepak", "Asha"];
const LAST = ["Rao", "Iyer", "Reddy", "Nair", "Gowda", "Shetty", "Kulkarni", "Menon", "Hegde", "Pai", "Kamath", "Bhat", "Srinivasan", "Khan", "D'Souza", "Joshi"];

export const DEMO_DOMAIN = "fieldbeat.test";
export const MANAGER_COUNT = 3;
export const REPS_PER_MANAGER = 8;

/** 1 admin, 3 managers, 24 reps: rep01–08 → manager1, rep09–16 → manager2, rep17–24 → manager3. */
export function demoPeople(random: Random): SeedPerson[] {
  const used = new Set<string>();
  const name = () => {
    for (;;) {
      const n = `${random.pick(FIRST)} ${random.pick(LAST)}`;
      if (!used.has(n)) {
        used.add(n);
        return n;
      }
    }
  };
  const phone = () => `+9198${String(random.int(0, 99_999_999)).padStart(8, "0")}`;
  const people: SeedPerson[] = [];
  let emp = 1;
  const employeeId = () => `FB-${String(emp++).padStart(4, "0")}`;
  people.push({ key: "admin", name: name(), email: `admin@${DEMO_DOMAIN}`, phone: phone(), employeeId: employeeId(), role: "admin", managerKey: null });
  for (let m = 1; m <= MANAGER_COUNT; m++) {
    people.push({ key: `manager${m}`, name: name(), email: `manager${m}@${DEMO_DOMAIN}`, phone: phone(), employeeId: employeeId(), role: "manager", managerKey: "admin" });
  }
  for (let r = 1; r <= MANAGER_COUNT * REPS_PER_MANAGER; r++) {
    const key = `rep${String(r).padStart(2, "0")}`;
    const managerKey = `manager${Math.ceil(r / REPS_PER_MANAGER)}`;
    people.push({ key, name: name(), email: `${key}@${DEMO_DOMAIN}`, phone: phone(), employeeId: employeeId(), role: "rep", managerKey });
  }
  return people;
}
