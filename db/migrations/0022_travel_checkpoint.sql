-- Where the day's km resumes on the next ping batch (src/lib/geo/travel-checkpoint.ts, docs/decisions/0013): null = from scratch.
ALTER TABLE "daily_sessions" ADD COLUMN "travel_checkpoint" jsonb;