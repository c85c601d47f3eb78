-- Times are TIMESTAMPTZ written at millisecond precision, like the SQLite
-- store's Unix milliseconds; NULL stands for "never" (the zero time).
CREATE TABLE feeds (
    id            BIGSERIAL   PRIMARY KEY,
    url           TEXT        NOT NULL UNIQUE,
    title         TEXT        NOT NULL DEFAULT '',
    etag          TEXT        NOT NULL DEFAULT '',
    last_modified TEXT        NOT NULL DEFAULT '',
    initialized   BOOLEAN     NOT NULL DEFAULT FALSE,
    last_fetch    TIMESTAMPTZ,
    last_success  TIMESTAMPTZ,
    last_status   TEXT        NOT NULL DEFAULT '',
    last_error    TEXT        NOT NULL DEFAULT '',
    failures      INTEGER     NOT NULL DEFAULT 0,
    next_fetch    TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL
);

-- An article is recorded once: by its feed's guid and by its URL key.
CREATE TABLE articles (
    id           BIGSERIAL   PRIMARY KEY,
    feed_id      BIGINT      REFERENCES feeds (id) ON DELETE SET NULL,
    guid         TEXT        NOT NULL,
    url          TEXT        NOT NULL,
    url_key      TEXT        NOT NULL UNIQUE,
    title        TEXT        NOT NULL DEFAULT '',
    summary      TEXT        NOT NULL DEFAULT '',
    author       TEXT        NOT NULL DEFAULT '',
    categories   TEXT[]      NOT NULL DEFAULT '{}',
    image_url    TEXT        NOT NULL DEFAULT '',
    published_at TIMESTAMPTZ,
    seen_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (feed_id, guid)
);

-- The outbox. UNIQUE (article_id, destination): an article is posted to an
-- account at most once, whatever the code does.
CREATE TABLE posts (
    id           BIGSERIAL   PRIMARY KEY,
    article_id   BIGINT      REFERENCES articles (id) ON DELETE RESTRICT,
    destination  TEXT        NOT NULL,
    text         TEXT        NOT NULL,
    status       TEXT        NOT NULL CHECK (status IN ('pending', 'queued', 'sending', 'published', 'failed', 'skipped', 'canceled')),
    priority     INTEGER     NOT NULL DEFAULT 0,
    sort_at      TIMESTAMPTZ NOT NULL,
    not_before   TIMESTAMPTZ NOT NULL,
    attempts     INTEGER     NOT NULL DEFAULT 0,
    last_error   TEXT        NOT NULL DEFAULT '',
    remote_id    TEXT        NOT NULL DEFAULT '',
    remote_url   TEXT        NOT NULL DEFAULT '',
    has_link     BOOLEAN     NOT NULL DEFAULT FALSE,
    created_by   TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ,
    lease_until  TIMESTAMPTZ,
    UNIQUE (article_id, destination)
);
-- The claim query reads only queued and sending posts, in claim order; a
-- partial index stays small however long the published history grows.
CREATE INDEX posts_due ON posts (destination, priority DESC, sort_at, id) WHERE status IN ('queued', 'sending');
CREATE INDEX posts_published ON posts (destination, published_at) WHERE status = 'published';

CREATE TABLE post_events (
    id          BIGSERIAL   PRIMARY KEY,
    post_id     BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    from_status TEXT        NOT NULL,
    to_status   TEXT        NOT NULL,
    reason      TEXT        NOT NULL DEFAULT '',
    actor       TEXT        NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX post_events_post ON post_events (post_id, id);

CREATE TABLE destinations (
    name         TEXT    PRIMARY KEY,
    paused       BOOLEAN NOT NULL DEFAULT FALSE,
    pause_reason TEXT    NOT NULL DEFAULT '',
    wait_until   TIMESTAMPTZ
);
