ALTER TABLE "personnel" ADD COLUMN "mfa_last_step" bigint;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "request_hash" varchar(64);--> statement-breakpoint
-- ===== hand-written (issue #12): keep at the end when regenerating =====
-- API keys of people deactivated before this release stayed usable again after a reactivation:
-- revoke them now, as deactivation does from this release on.
UPDATE "api_keys" SET "revoked_at" = now() WHERE "revoked_at" IS NULL AND "personnel_id" IN (SELECT "id" FROM "personnel" WHERE NOT "active");
