-- What changed about an article after herald posted it: its headline was
-- corrected, or it was taken down. At most one open event per article and
-- kind (the partial unique index), so that a headline that changes twice,
-- or a page that answers 410 at every check, is one line on the dashboard.
CREATE TABLE attention (
    id          BIGSERIAL   PRIMARY KEY,
    article_id  BIGINT      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind        TEXT        NOT NULL CHECK (kind IN ('correction', 'takedown')),
    old_title   TEXT        NOT NULL DEFAULT '',
    new_title   TEXT        NOT NULL DEFAULT '',
    detail      TEXT        NOT NULL DEFAULT '',
    source      TEXT        NOT NULL DEFAULT '',
    status      TEXT        NOT NULL CHECK (status IN ('open', 'resolved')),
    resolution  TEXT        NOT NULL DEFAULT '',
    resolved_by TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX attention_open ON attention (article_id, kind) WHERE status = 'open';
CREATE INDEX attention_status ON attention (status, created_at);

-- Deletions of published posts, one per post at most (UNIQUE post_id): a
-- post is deleted once, from where herald published it, with the remote id
-- it got. The post itself stays published, so that what was spent and
-- posted in a day still counts; this row says it was taken back.
CREATE TABLE deletions (
    id           BIGSERIAL   PRIMARY KEY,
    post_id      BIGINT      NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    destination  TEXT        NOT NULL,
    remote_id    TEXT        NOT NULL,
    status       TEXT        NOT NULL CHECK (status IN ('queued', 'sending', 'deleted', 'failed')),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    not_before   TIMESTAMPTZ NOT NULL,
    lease_until  TIMESTAMPTZ,
    last_error   TEXT        NOT NULL DEFAULT '',
    requested_by TEXT        NOT NULL DEFAULT '',
    reason       TEXT        NOT NULL DEFAULT '',
    attention_id BIGINT      REFERENCES attention (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    deleted_at   TIMESTAMPTZ
);
CREATE INDEX deletions_due ON deletions (status, not_before);
CREATE INDEX deletions_done ON deletions (destination, deleted_at) WHERE status = 'deleted';

-- Checks of posted articles' pages, conditional on what the last one got.
CREATE TABLE page_checks (
    article_id    BIGINT      PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    etag          TEXT        NOT NULL DEFAULT '',
    last_modified TEXT        NOT NULL DEFAULT '',
    status        INTEGER     NOT NULL DEFAULT 0,
    checked_at    TIMESTAMPTZ,
    next_check    TIMESTAMPTZ NOT NULL,
    -- When the article's item was first missing from its feed though newer
    -- items stayed: its page is then checked ahead of the routine checks.
    left_feed_at  TIMESTAMPTZ
);
CREATE INDEX page_checks_due ON page_checks (next_check);
-- Posts by publication time alone: the articles posted in the watch window.
CREATE INDEX posts_published_at ON posts (published_at) WHERE status = 'published';
