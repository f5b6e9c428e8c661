import "server-only";
import { notFound } from "../auth/scope";

/** `[id]` from the URL: anything but a positive integer cannot name a person, so it is a 404 like an unknown id. */
export function personIdParam(raw: string | undefined): number {
  if (!raw || !/^[1-9][0-9]{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw notFound("Person");
  return Number(raw);
}

/** Query string → plain object for zod (repeated keys: the last one wins). */
export function searchParamsObject(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
