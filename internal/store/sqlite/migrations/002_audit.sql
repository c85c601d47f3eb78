-- Who did what, when: editors' actions and sign-ins.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    post_id INTEGER,
    detail  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at DESC, id DESC);
