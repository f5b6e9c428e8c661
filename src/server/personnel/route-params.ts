import "server-only";
import { idPathParams } from "@/contracts/ids";
import { parseInput } from "../http/api";

/** `[id]` from the URL: the strict id rule (400 when not a canonical id in range; an unknown one is 404 later). */
export function personIdParam(raw: string | undefined): number {
  return parseInput(idPathParams, { id: raw }).id;
}

/** Query string → plain object for zod (repeated keys: the last one wins). */
export function searchParamsObject(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
