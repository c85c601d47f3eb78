-- Who did what, when: editors' actions and sign-ins.
CREATE TABLE audit (
    id      BIGSERIAL   PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT        NOT NULL,
    action  TEXT        NOT NULL,
    post_id BIGINT,
    detail  TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at DESC, id DESC);
