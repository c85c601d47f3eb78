-- Editors' dashboard sessions and failed sign-ins, shared by every replica
-- on the database, so that an editor behind a load balancer stays signed
-- in and a guesser meets one limit, not one per replica. A session is kept
-- by the SHA-256 of its cookie, never the cookie itself.
CREATE TABLE sessions (
    key     TEXT PRIMARY KEY,
    editor  TEXT NOT NULL,
    csrf    TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires);

CREATE TABLE signin_failures (
    addr TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX signin_failures_at ON signin_failures (at);
CREATE INDEX signin_failures_addr ON signin_failures (addr, at);
