-- Custom migration: drizzle-kit never writes CREATE EXTENSION. PostGIS must exist
-- before any GEOGRAPHY column is created.
CREATE EXTENSION IF NOT EXISTS postgis;
