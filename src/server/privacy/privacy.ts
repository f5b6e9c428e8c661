import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { AppError, notFound } from "../errors";
import { idempotent } from "../idempotency";
import { applyDeactivate } from "../personnel/deactivate-person";
import { lockPerson, mapDbError } from "../personnel/person-rules";
import { emitEvent } from "../realtime/outbox";
import { getStorage } from "../storage/storage";
import type { AnonymiseInput, AnonymiseResult, PersonExport, TrailView } from "@/contracts/privacy";

type J = Record<string, unknown>;
const rows = (db: Db, q: ReturnType<typeof sql>) => queryRows<{ j: J | string }>(db, q).then((r) => r.map((x) => (typeof x.j === "string" ? (JSON.parse(x.j) as J) : x.j)));

/**
 * GET /api/v1/personnel/{id}/export (admins): everything held about one person as one JSON document: profile
 * (no password hash, MFA secret or token state), work days, visits (with coordinates as lat/lon), location pings
 * and the audit entries about or by them. Audited as `personnel.exported` (who exported whose data, and when).
 */
export async function exportPersonData(ctx: Ctx, id: number): Promise<PersonExport> {
  requirePermission(ctx.actor, "personnel.manage");
  const db = ctx.db;
  const [profile] = await rows(
    db,
    sql`SELECT jsonb_build_object('id', p.id, 'name', p.name, 'email', p.email, 'phone', p.phone, 'employee_id', p.employee_id, 'role', p.role::text,
          'manager_id', p.manager_id, 'active', p.active, 'created_at', p.created_at, 'updated_at', p.updated_at, 'mfa_enabled', p.mfa_enabled_at IS NOT NULL) AS j
        FROM personnel p WHERE p.id = ${id}`,
  );
  if (!profile) throw notFound("Person not found.");
  const [sessions, visits, pings, audit] = [
    await rows(db, sql`SELECT to_jsonb(d) AS j FROM daily_sessions d WHERE d.personnel_id = ${id} ORDER BY d.session_date, d.id`),
    await rows(
      db,
      sql`SELECT (to_jsonb(v) - 'check_in_coords' - 'check_out_coords') || jsonb_build_object(
            'location_name', l.name,
            'check_in_lat', ST_Y(v.check_in_coords::geometry), 'check_in_lon', ST_X(v.check_in_coords::geometry),
            'check_out_lat', ST_Y(v.check_out_coords::geometry), 'check_out_lon', ST_X(v.check_out_coords::geometry)) AS j
          FROM visits v JOIN locations l ON l.id = v.location_id WHERE v.personnel_id = ${id} ORDER BY v.id`,
    ),
    await rows(
      db,
      sql`SELECT (to_jsonb(g) - 'coords') || jsonb_build_object('lat', ST_Y(g.coords::geometry), 'lon', ST_X(g.coords::geometry)) AS j
          FROM location_pings g WHERE g.personnel_id = ${id} ORDER BY g.captured_at, g.id`,
    ),
    await rows(
      db,
      sql`SELECT jsonb_build_object('id', a.id, 'at', a.created_at, 'action', a.action, 'actor_id', a.actor_id, 'actor_email', a.actor_email,
            'subject_type', a.subject_type, 'subject_id', a.subject_id, 'target_personnel_id', a.target_personnel_id, 'details', a.details) AS j
          FROM audit_log a WHERE a.target_personnel_id = ${id} OR a.actor_id = ${id} ORDER BY a.created_at, a.id`,
    ),
  ];
  await db.transaction(async (tx) =>
    recordAudit(tx as unknown as Db, {
      action: "personnel.exported",
      actor: ctx.actor,
      subjectType: "personnel",
      subjectId: id,
      targetPersonnelId: id,
      details: { sessions: sessions.length, visits: visits.length, pings: pings.length, audit: audit.length },
      at: ctx.now,
    }),
  );
  return { exported_at: ctx.now.toISOString(), profile, sessions, visits, pings, audit };
}

/** The placeholder identity of an anonymised person (unique per id, and never a deliverable address). */
export const anonymisedName = (id: number) => `Former employee #${id}`;
const anonymisedEmail = (id: number) => `anonymised-${id}@anonymised.invalid`;

/**
 * POST /api/v1/personnel/{id}/anonymise (admins): a leaver's name, e-mail and phone are replaced, their selfies
 * deleted from storage (the visit keeps its verdict, flags and EXIF summary), sign-in disabled (deactivated, no
 * password, no MFA), every session, refresh token, API key and push subscription revoked. Their visits, pings and
 * work days stay (the company's records), now under the placeholder name. Audited as `personnel.anonymised`
 * (counts only: the audit keeps no copy of what was removed). Idempotent on client_id; anonymising an already
 * anonymised person changes nothing. Refused for yourself and while they still manage active people (as deactivation).
 */
export async function anonymisePerson(ctx: Ctx, id: number, input: AnonymiseInput): Promise<AnonymiseResult> {
  requirePermission(ctx.actor, "personnel.manage");
  try {
    const { result } = await idempotent(ctx, { scope: "personnel.anonymise", clientId: input.client_id, request: { id, ...input } }, async (tx) => {
      const p = await lockPerson(tx, id);
      if (p.id === ctx.actor.id) throw new AppError("SELF_DEACTIVATION", "You cannot anonymise yourself: ask another admin.", { field: "id" });
      const t = { tx, actor: ctx.actor, now: ctx.now };
      await applyDeactivate(t, p);
      const photos = await queryRows<{ id: number; keys: (string | null)[] }>(
        tx,
        sql`SELECT id, ARRAY[selfie_metadata->>'original_key', selfie_metadata->>'display_key', selfie_metadata->>'thumb_key'] AS keys
            FROM visits WHERE personnel_id = ${id} AND (selfie_url IS NOT NULL OR selfie_metadata ? 'original_key' OR selfie_metadata ? 'display_key' OR selfie_metadata ? 'thumb_key')
            FOR UPDATE`,
      );
      // Files first (a missing file is not an error): should the transaction fail after this, a retry finds the rows still pointing at them.
      const keys = photos.flatMap((r) => r.keys.filter((k): k is string => typeof k === "string"));
      if (keys.length) await getStorage().delete(keys);
      const now = ctx.now.toISOString();
      if (photos.length) {
        await tx.execute(sql`UPDATE visits SET selfie_url = NULL,
              selfie_metadata = (selfie_metadata - 'original_key' - 'display_key' - 'thumb_key') || jsonb_build_object('deleted_at', ${now}::text, 'deleted_reason', 'anonymised'),
              updated_at = ${now}::timestamptz
            WHERE id IN (${sql.join(photos.map((r) => sql`${Number(r.id)}`), sql`, `)})`);
      }
      const already = p.name === anonymisedName(id) && p.email === anonymisedEmail(id) && p.phone === null;
      await tx.execute(sql`UPDATE personnel SET name = ${anonymisedName(id)}, email = ${anonymisedEmail(id)}, phone = NULL, employee_id = NULL,
            password_hash = NULL, mfa_secret = NULL, mfa_enabled_at = NULL, tokens_valid_after = ${now}::timestamptz, updated_at = ${now}::timestamptz
          WHERE id = ${id}`);
      await tx.execute(sql`UPDATE refresh_tokens SET revoked_at = ${now}::timestamptz, revoked_reason = 'anonymised' WHERE personnel_id = ${id} AND revoked_at IS NULL`);
      await tx.execute(sql`UPDATE api_keys SET revoked_at = ${now}::timestamptz WHERE personnel_id = ${id} AND revoked_at IS NULL`);
      await tx.execute(sql`DELETE FROM mfa_recovery_codes WHERE personnel_id = ${id}`);
      await tx.execute(sql`DELETE FROM push_subscriptions WHERE personnel_id = ${id}`);
      const [v] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM visits WHERE personnel_id = ${id}`);
      const visitsKept = Number(v?.n ?? 0);
      if (!already || photos.length) {
        await recordAudit(tx, {
          action: "personnel.anonymised",
          actor: ctx.actor,
          subjectType: "personnel",
          subjectId: id,
          targetPersonnelId: id,
          details: { photos_removed: photos.length, visits_kept: visitsKept },
          at: ctx.now,
        });
        await emitEvent(tx, { type: "personnel.changed", personnelId: id, payload: { operation: "personnel.anonymise" } });
      }
      return { id, anonymised: true as const, name: anonymisedName(id), photos_removed: photos.length, visits_kept: visitsKept };
    });
    return result;
  } catch (err) {
    throw mapDbError(err);
  }
}

/** Who looked at the signed-in person's location trail, and when (their own views are not audited): newest first. */
export async function listMyTrailViews(ctx: Ctx, limit = 50): Promise<TrailView[]> {
  requirePermission(ctx.actor, "account.manage");
  const r = await queryRows<{ at: Date | string; viewer_name: string | null; viewer_role: string | null; date: string | null }>(
    ctx.db,
    sql`SELECT a.created_at AS at, v.name AS viewer_name, v.role::text AS viewer_role, a.details->>'date' AS date
        FROM audit_log a LEFT JOIN personnel v ON v.id = a.actor_id
        WHERE a.action = 'trail.viewed' AND a.target_personnel_id = ${ctx.actor.id}
        ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit}`,
  );
  return r.map((x) => ({ at: (x.at instanceof Date ? x.at : new Date(x.at)).toISOString(), viewer_name: x.viewer_name, viewer_role: x.viewer_role, date: x.date }));
}
