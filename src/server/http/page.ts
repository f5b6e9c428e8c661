import "server-only";
import { notFound } from "next/navigation";
import { isIdString } from "@/contracts/ids";
import { AppError } from "../errors";

/**
 * The pages' side of the one integer-id rule: a path id that is not a canonical id in 1..2147483647 is the page's
 * 404 (like an id that names nothing), decided before any query.
 */
export function pageId(raw: string): number {
  if (!isIdString(raw)) notFound();
  return Number(raw);
}

/**
 * The pages' one mapping of a use-case's refusal: NOT_FOUND (missing or outside the actor's scope, the same answer
 * on purpose) and a bad address (VALIDATION_FAILED: an impossible date in the query string) show the 404 page;
 * anything else goes to the error page.
 */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && (err.code === "NOT_FOUND" || err.code === "VALIDATION_FAILED")) notFound();
    throw err;
  }
}
