-- Custom migration: the organisation settings singleton always exists.
INSERT INTO "org_settings" ("id") VALUES (1) ON CONFLICT ("id") DO NOTHING;
