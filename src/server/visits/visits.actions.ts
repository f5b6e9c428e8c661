"use server";
import { defineAction } from "../http/action";
import { endSession } from "../sessions/end-session";
import { endSessionInput, startSessionInput } from "@/contracts/sessions";
import { startSession } from "../sessions/start-session";
import { checkIn } from "./check-in";
import { checkOut } from "./check-out";
import { checkInInput, checkOutInput } from "@/contracts/visits";
import { reviewVisitInput } from "@/contracts/visit-review";
import { reviewVisit } from "./review-visit";
import { closeVisitInput } from "@/contracts/visit-close";
import { closeVisit } from "./close-visit";

// Thin adapters for the dashboard: the same use-cases as /api/v1 (authorization and scope inside them).
export const checkInAction = defineAction({ name: "visits.checkIn", permission: "visits.write", input: checkInInput, run: async (ctx, i) => (await checkIn(ctx, i)).body });
export const checkOutAction = defineAction({ name: "visits.checkOut", permission: "visits.write", input: checkOutInput, run: checkOut });
export const startSessionAction = defineAction({ name: "sessions.start", permission: "sessions.write", input: startSessionInput, run: async (ctx, i) => (await startSession(ctx, i)).body });
export const endSessionAction = defineAction({ name: "sessions.end", permission: "sessions.write", input: endSessionInput, run: endSession });
export const reviewVisitAction = defineAction({ name: "visits.review", permission: "validations.review", input: reviewVisitInput, run: reviewVisit });
export const closeVisitAction = defineAction({ name: "visits.close", permission: "visits.close", input: closeVisitInput, run: closeVisit });
