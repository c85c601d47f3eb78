CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL DEFAULT '',
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    initialized   INTEGER NOT NULL DEFAULT 0,
    last_fetch    INTEGER,
    last_success  INTEGER,
    last_status   TEXT    NOT NULL DEFAULT '',
    last_error    TEXT    NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    next_fetch    INTEGER,
    created_at    INTEGER NOT NULL
);

-- An article is recorded once: by its feed's guid and by its URL key.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    guid         TEXT    NOT NULL,
    url          TEXT    NOT NULL,
    url_key      TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL DEFAULT '',
    summary      TEXT    NOT NULL DEFAULT '',
    author       TEXT    NOT NULL DEFAULT '',
    categories   TEXT    NOT NULL DEFAULT '[]',
    image_url    TEXT    NOT NULL DEFAULT '',
    published_at INTEGER,
    seen_at      INTEGER NOT NULL,
    UNIQUE (feed_id, guid)
);

-- The outbox. UNIQUE (article_id, destination): an article is posted to an
-- account at most once, whatever the code does.
CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER REFERENCES articles (id) ON DELETE RESTRICT,
    destination  TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'queued', 'sending', 'published', 'failed', 'skipped', 'canceled')),
    priority     INTEGER NOT NULL DEFAULT 0,
    sort_at      INTEGER NOT NULL,
    not_before   INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    remote_id    TEXT    NOT NULL DEFAULT '',
    remote_url   TEXT    NOT NULL DEFAULT '',
    has_link     INTEGER NOT NULL DEFAULT 0,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    published_at INTEGER,
    lease_until  INTEGER,
    UNIQUE (article_id, destination)
);
CREATE INDEX posts_due ON posts (destination, status, priority DESC, sort_at, id);
CREATE INDEX posts_published ON posts (destination, published_at) WHERE status = 'published';

CREATE TABLE post_events (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    actor       TEXT    NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
);
CREATE INDEX post_events_post ON post_events (post_id, id);

CREATE TABLE destinations (
    name         TEXT PRIMARY KEY,
    paused       INTEGER NOT NULL DEFAULT 0,
    pause_reason TEXT    NOT NULL DEFAULT '',
    wait_until   INTEGER
);
