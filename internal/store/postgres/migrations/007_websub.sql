-- WebSub: at most one subscription per feed (UNIQUE feed_id), whichever
-- replica made it. A row is changed only at the version it was read at, so
-- of several replicas one sends each subscribe, renewal or unsubscribe.
CREATE TABLE subscriptions (
    id            BIGSERIAL   PRIMARY KEY,
    feed_id       BIGINT      NOT NULL UNIQUE REFERENCES feeds (id) ON DELETE CASCADE,
    callback      TEXT        NOT NULL UNIQUE,
    hub           TEXT        NOT NULL DEFAULT '',
    topic         TEXT        NOT NULL DEFAULT '',
    secret        TEXT        NOT NULL DEFAULT '',
    state         TEXT        NOT NULL CHECK (state IN ('none', 'subscribing', 'active', 'refused', 'unsubscribing')),
    reason        TEXT        NOT NULL DEFAULT '',
    failures      INTEGER     NOT NULL DEFAULT 0,
    lease_seconds INTEGER     NOT NULL DEFAULT 0,
    expires_at    TIMESTAMPTZ,
    requested_at  TIMESTAMPTZ,
    next_action   TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    version       BIGINT      NOT NULL DEFAULT 1
);
CREATE INDEX subscriptions_due ON subscriptions (next_action) WHERE next_action IS NOT NULL;
