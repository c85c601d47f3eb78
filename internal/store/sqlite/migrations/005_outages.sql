-- A destination whose network is down waits as a whole and is probed:
-- since when, why, how many probes failed, and the post that found it.
ALTER TABLE destinations ADD COLUMN down_since INTEGER;
ALTER TABLE destinations ADD COLUMN down_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE destinations ADD COLUMN probes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE destinations ADD COLUMN trigger_post INTEGER NOT NULL DEFAULT 0;
