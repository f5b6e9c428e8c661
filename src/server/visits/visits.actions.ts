"use server";
import { defineAction } from "../http/action";
import { reviewVisitInput } from "@/contracts/visit-review";
import { reviewVisit } from "./review-visit";
import { closeVisitInput } from "@/contracts/visit-close";
import { closeVisit } from "./close-visit";

// Thin adapters for the dashboard: the same use-cases as /api/v1 (authorization and scope inside them). Check-in, check-out
// and the day are the phone's (the PWA speaks /api/v1 through its offline queue): no action door for them.
export const reviewVisitAction = defineAction({ name: "visits.review", permission: "validations.review", input: reviewVisitInput, run: reviewVisit });
export const closeVisitAction = defineAction({ name: "visits.close", permission: "visits.close", input: closeVisitInput, run: closeVisit });
