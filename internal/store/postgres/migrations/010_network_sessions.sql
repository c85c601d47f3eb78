-- A destination's session on its network (Bluesky's access and refresh
-- tokens), kept so that a restart resumes it instead of logging in again:
-- Bluesky limits logins and locks accounts that log in too often. The data
-- is the publisher's own and holds tokens: a secret, like the database.
CREATE TABLE network_sessions (
    destination TEXT PRIMARY KEY,
    data        BYTEA       NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
