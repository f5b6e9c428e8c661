import "server-only";
import { SpanStatusCode } from "@opentelemetry/api";
import type { z } from "zod";
import type { Actor, Ctx } from "../auth/actor";
import { unauthorized } from "../auth/authenticate";
import { requirePermission, type Permission } from "../auth/permissions";
import { getSessionActor } from "../auth/session";
import { getDb } from "../db";
import { errorBody, type ErrorBody } from "../errors";
import { toBoundaryError } from "./boundary-error";
import { parseInput } from "./api";
import { withSpan } from "../telemetry/telemetry";

/** What a server action answers: never throws to the client, so forms can show `error.field`. */
export type ActionResult<T> = { ok: true; data: T } | ({ ok: false; status: number } & ErrorBody);

export type ActionDef<S extends z.ZodType, R> = {
  /** Stable name, used by the authorization matrix test and in logs. */
  name: string;
  permission: Permission;
  input: S;
  run: (ctx: Ctx, input: z.infer<S>) => Promise<R>;
};

/** The action's logic for a given actor: the same path the server action takes, minus the cookie. */
export async function invokeAction<S extends z.ZodType, R>(def: ActionDef<S, R>, actor: Actor | null, raw: unknown, now = new Date()): Promise<ActionResult<R>> {
  // A span per action when telemetry is on (its statements are its children); an error answer marks it failed.
  return withSpan(`action ${def.name}`, { "fieldbeat.action": def.name }, async (span) => {
    const result = await runAction(def, actor, raw, now);
    if (span && !result.ok) {
      span.setAttribute("fieldbeat.action.status", result.status);
      if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.code });
    }
    return result;
  });
}

async function runAction<S extends z.ZodType, R>(def: ActionDef<S, R>, actor: Actor | null, raw: unknown, now: Date): Promise<ActionResult<R>> {
  try {
    if (!actor) throw unauthorized();
    requirePermission(actor, def.permission);
    const input = parseInput(def.input, raw);
    const db = await getDb();
    return { ok: true, data: await def.run({ db, actor, now }, input) };
  } catch (err) {
    const appErr = toBoundaryError(err, { action: def.name });
    return { ok: false, status: appErr.status, ...errorBody(appErr) };
  }
}

export type ServerAction<S extends z.ZodType, R> = ((raw: z.input<S>) => Promise<ActionResult<R>>) & { def: ActionDef<S, R> };

/**
 * A server action adapter (~1 line per action in `<domain>.actions.ts`):
 *   export const checkInAction = defineAction({ name: "visits.checkIn", permission: "visits.write", input: checkInInput, run: checkIn });
 * The actor comes from the session cookie; authorization and scope stay in the use-case.
 * `def` is attached so the authorization matrix test can run every action as every kind of actor.
 */
export function defineAction<S extends z.ZodType, R>(def: ActionDef<S, R>): ServerAction<S, R> {
  const fn = async (raw: z.input<S>) => invokeAction(def, await getSessionActor(), raw);
  return Object.assign(fn, { def });
}
