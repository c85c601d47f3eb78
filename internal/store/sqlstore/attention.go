package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Articles that changed after they were posted: the events editors see,
// the deletions of posts, and the checks of pages.

const attentionColumns = `id, article_id, kind, old_title, new_title, detail, source, status, resolution, resolved_by,
	created_at, updated_at, resolved_at`

func scanAttention(row scanner) (*store.AttentionEvent, error) {
	var e store.AttentionEvent
	var status string
	err := row.Scan(&e.ID, &e.ArticleID, &e.Kind, &e.OldTitle, &e.NewTitle, &e.Detail, &e.Source, &status,
		&e.Resolution, &e.ResolvedBy, timeInto(&e.CreatedAt), timeInto(&e.UpdatedAt), timeInto(&e.ResolvedAt))
	e.Open = status == "open"
	return &e, err
}

// AddAttention records an open event, or brings the article's open event
// of that kind up to date. The partial unique index on open events makes
// the insert do nothing when there is one, whichever replica got there first.
func (s *DB) AddAttention(ctx context.Context, e *store.AttentionEvent) (bool, error) {
	created := false
	err := s.inTx(ctx, func(tx *tx) error {
		d := s.d
		err := tx.queryRow(ctx, `INSERT INTO attention (article_id, kind, old_title, new_title, detail, source, status,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
			e.ArticleID, e.Kind, e.OldTitle, e.NewTitle, e.Detail, e.Source, d.time(e.CreatedAt), d.time(e.CreatedAt)).Scan(&e.ID)
		if err == nil {
			created, e.Open, e.UpdatedAt = true, true, e.CreatedAt
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE attention SET new_title = CASE WHEN ? <> '' THEN ? ELSE new_title END,
			detail = ?, updated_at = ? WHERE article_id = ? AND kind = ? AND status = 'open'`,
			e.NewTitle, e.NewTitle, e.Detail, d.time(e.CreatedAt), e.ArticleID, e.Kind); err != nil {
			return err
		}
		cur, err := scanAttention(tx.queryRow(ctx, `SELECT `+attentionColumns+` FROM attention
			WHERE article_id = ? AND kind = ? AND status = 'open'`, e.ArticleID, e.Kind))
		if err != nil {
			return err
		}
		*e = *cur
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: add attention for article %d: %w", e.ArticleID, err)
	}
	return created, nil
}

// AttentionEvent returns one event.
func (s *DB) AttentionEvent(ctx context.Context, id int64) (*store.AttentionEvent, error) {
	e, err := scanAttention(s.queryRow(ctx, `SELECT `+attentionColumns+` FROM attention WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: attention %d: %w", id, notFound(err))
	}
	return e, nil
}

// AttentionEvents lists the open events, or every event, newest first.
func (s *DB) AttentionEvents(ctx context.Context, withResolved bool, limit int) ([]*store.AttentionEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + attentionColumns + ` FROM attention WHERE status = 'open' ORDER BY created_at DESC, id DESC LIMIT ?`
	if withResolved {
		q = `SELECT ` + attentionColumns + ` FROM attention ORDER BY status = 'open' DESC, created_at DESC, id DESC LIMIT ?`
	}
	rows, err := s.query(ctx, q, limit)
	out, err := scanAll(rows, err, scanAttention)
	if err != nil {
		return nil, fmt.Errorf("store: attention events: %w", err)
	}
	return out, nil
}

// CountOpenAttention counts the events no one has acted on yet.
func (s *DB) CountOpenAttention(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT COUNT(*) FROM attention WHERE status = 'open'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count attention: %w", err)
	}
	return n, nil
}

// ResolveAttention closes an open event.
func (s *DB) ResolveAttention(ctx context.Context, id int64, resolution, by string, now time.Time) (*store.AttentionEvent, error) {
	res, err := s.exec(ctx, `UPDATE attention SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ?,
		updated_at = ? WHERE id = ? AND status = 'open'`, resolution, by, s.d.time(now), s.d.time(now), id)
	if err != nil {
		return nil, fmt.Errorf("store: resolve attention %d: %w", id, err)
	}
	e, err := s.AttentionEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return e, fmt.Errorf("store: attention %d is resolved already: %w", id, news.ErrConflict)
	}
	return e, nil
}

// ReopenAttention opens a resolved event again; news.ErrConflict when it
// is open, or when its article has another open event of its kind.
func (s *DB) ReopenAttention(ctx context.Context, id int64, now time.Time) error {
	res, err := s.exec(ctx, `UPDATE attention SET status = 'open', resolution = '', resolved_by = '', resolved_at = NULL,
		updated_at = ? WHERE id = ? AND status = 'resolved'`, s.d.time(now), id)
	if err != nil {
		if s.d.IsUnique(err) {
			return fmt.Errorf("store: reopen attention %d: %w", id, news.ErrConflict)
		}
		return fmt.Errorf("store: reopen attention %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: reopen attention %d: %w", id, news.ErrConflict)
	}
	return nil
}

// SetArticleTitle records an article's corrected headline.
func (s *DB) SetArticleTitle(ctx context.Context, id int64, title string) error {
	res, err := s.exec(ctx, `UPDATE articles SET title = ? WHERE id = ?`, title, id)
	if err != nil {
		return fmt.Errorf("store: article %d title: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: article %d: %w", id, news.ErrNotFound)
	}
	return nil
}

// ArticlePosts lists an article's posts, oldest first.
func (s *DB) ArticlePosts(ctx context.Context, articleID int64) ([]*news.Post, error) {
	rows, err := s.query(ctx, `SELECT `+postColumns+` FROM posts WHERE article_id = ? ORDER BY id`, articleID)
	out, err := scanAll(rows, err, scanPost)
	if err != nil {
		return nil, fmt.Errorf("store: posts of article %d: %w", articleID, err)
	}
	return out, nil
}

// watchedIDs selects the articles posted at or after a time (published
// then), or with a post made since then that has not gone out: two
// arguments, both the window's start.
const watchedIDs = `SELECT article_id FROM posts WHERE status = 'published' AND published_at >= ?
	UNION SELECT article_id FROM posts WHERE status IN ('pending', 'queued', 'sending', 'failed') AND created_at >= ?`

// WatchedArticles lists a feed's articles posted in the window, or about
// to be.
func (s *DB) WatchedArticles(ctx context.Context, feedID int64, since time.Time) ([]*news.Article, error) {
	rows, err := s.query(ctx, `SELECT id, feed_id, guid, url, url_key, title, published_at, seen_at FROM articles
		WHERE feed_id = ? AND id IN (`+watchedIDs+`)`, feedID, s.d.time(since), s.d.time(since))
	out, err := scanAll(rows, err, func(row scanner) (*news.Article, error) {
		var a news.Article
		var feed sql.NullInt64
		err := row.Scan(&a.ID, &feed, &a.GUID, &a.URL, &a.Key, &a.Title, timeInto(&a.Published), timeInto(&a.Seen))
		a.FeedID = feed.Int64
		return &a, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: watched articles of feed %d: %w", feedID, err)
	}
	return out, nil
}

const deletionColumns = `id, post_id, destination, remote_id, status, attempts, not_before, lease_until, last_error,
	requested_by, reason, attention_id, created_at, updated_at, deleted_at`

func scanDeletion(row scanner) (*store.Deletion, error) {
	var d store.Deletion
	var ev sql.NullInt64
	err := row.Scan(&d.ID, &d.PostID, &d.Destination, &d.RemoteID, &d.Status, &d.Attempts, timeInto(&d.NotBefore),
		timeInto(&d.LeaseUntil), &d.LastError, &d.RequestedBy, &d.Reason, &ev, timeInto(&d.CreatedAt),
		timeInto(&d.UpdatedAt), timeInto(&d.DeletedAt))
	d.AttentionID = ev.Int64
	return &d, err
}

// AddDeletion asks for a post's deletion, once.
func (s *DB) AddDeletion(ctx context.Context, del *store.Deletion) error {
	d := s.d
	if del.UpdatedAt.IsZero() {
		del.UpdatedAt = del.CreatedAt
	}
	err := s.inTx(ctx, func(tx *tx) error {
		return tx.queryRow(ctx, `INSERT INTO deletions (post_id, destination, remote_id, status, attempts, not_before,
			last_error, requested_by, reason, attention_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			del.PostID, del.Destination, del.RemoteID, del.Status, del.Attempts, d.time(del.NotBefore), del.LastError,
			del.RequestedBy, del.Reason, nullID(del.AttentionID), d.time(del.CreatedAt), d.time(del.UpdatedAt)).Scan(&del.ID)
	})
	if err != nil && d.IsUnique(err) {
		return fmt.Errorf("store: post %d has a deletion already: %w", del.PostID, news.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: add deletion of post %d: %w", del.PostID, err)
	}
	return nil
}

// ClaimDeletion takes the next due deletion for dest, as ClaimPost takes
// posts: replicas never take the same one.
func (s *DB) ClaimDeletion(ctx context.Context, dest string, now, lease time.Time) (*store.Deletion, error) {
	var out *store.Deletion
	err := s.inTx(ctx, func(tx *tx) error {
		d, err := scanDeletion(tx.queryRow(ctx, s.d.skipLocked(`SELECT `+deletionColumns+` FROM deletions
			WHERE destination = ? AND ((status = 'queued' AND not_before <= ?) OR (status = 'sending' AND lease_until <= ?))
			ORDER BY not_before, id LIMIT 1`), dest, s.d.time(now), s.d.time(now)))
		if err != nil {
			return notFound(err)
		}
		d.Status, d.LeaseUntil, d.UpdatedAt = store.DeletionSending, lease, now
		d.Attempts++
		out = d
		return tx.saveDeletion(ctx, d)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim deletion for %s: %w", dest, err)
	}
	return out, nil
}

func (t *tx) saveDeletion(ctx context.Context, d *store.Deletion) error {
	dl := t.s.d
	_, err := t.exec(ctx, `UPDATE deletions SET status = ?, attempts = ?, not_before = ?, lease_until = ?, last_error = ?,
		updated_at = ?, deleted_at = ? WHERE id = ?`, d.Status, d.Attempts, dl.time(d.NotBefore), dl.nullTime(d.LeaseUntil),
		d.LastError, dl.time(d.UpdatedAt), dl.nullTime(d.DeletedAt), d.ID)
	return err
}

// SaveDeletion writes what a try made of a deletion.
func (s *DB) SaveDeletion(ctx context.Context, d *store.Deletion) error {
	if err := s.inTx(ctx, func(tx *tx) error { return tx.saveDeletion(ctx, d) }); err != nil {
		return fmt.Errorf("store: save deletion %d: %w", d.ID, err)
	}
	return nil
}

// PostDeletions returns the given posts' deletions. Its query depends on
// how many posts it is given, so it is not kept prepared.
func (s *DB) PostDeletions(ctx context.Context, postIDs []int64) (map[int64]*store.Deletion, error) {
	out := make(map[int64]*store.Deletion)
	if len(postIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(postIDs))
	for i, id := range postIDs {
		args[i] = id
	}
	q := `SELECT ` + deletionColumns + ` FROM deletions WHERE post_id IN (?` + strings.Repeat(", ?", len(postIDs)-1) + `)`
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	list, err := scanAll(rows, err, scanDeletion)
	if err != nil {
		return nil, fmt.Errorf("store: deletions of posts: %w", err)
	}
	for _, d := range list {
		out[d.PostID] = d
	}
	return out, nil
}

// DeletionsByStatus lists deletions in the given states, latest changed first.
func (s *DB) DeletionsByStatus(ctx context.Context, statuses []store.DeletionStatus, limit int) ([]*store.Deletion, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 100
	}
	args := make([]any, 0, len(statuses)+1)
	for _, st := range statuses {
		args = append(args, st)
	}
	args = append(args, limit)
	q := `SELECT ` + deletionColumns + ` FROM deletions WHERE status IN (?` + strings.Repeat(", ?", len(statuses)-1) +
		`) ORDER BY updated_at DESC, id DESC LIMIT ?`
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	out, err := scanAll(rows, err, scanDeletion)
	if err != nil {
		return nil, fmt.Errorf("store: deletions: %w", err)
	}
	return out, nil
}

// countDeletions counts a destination's deletions done since a time or
// being sent now (a live lease): destination, since, now.
const countDeletions = `SELECT COUNT(*) FROM deletions WHERE destination = ?
	AND ((status = 'deleted' AND deleted_at >= ?) OR (status = 'sending' AND lease_until > ?))`

// CountDeletions counts dest's deletions done since a time, or under way.
func (s *DB) CountDeletions(ctx context.Context, dest string, since, now time.Time) (int, error) {
	var n int
	if err := s.queryRow(ctx, countDeletions, dest, s.d.time(since), s.d.time(now)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count deletions for %s: %w", dest, err)
	}
	return n, nil
}

// DuePageChecks lists the watched articles whose page is due a check.
func (s *DB) DuePageChecks(ctx context.Context, since, now time.Time, limit int) ([]*store.PageCheck, error) {
	rows, err := s.query(ctx, `SELECT a.id, a.url, COALESCE(f.url, ''), COALESCE(c.etag, ''), COALESCE(c.last_modified, ''),
		COALESCE(c.status, 0), c.checked_at, c.next_check
		FROM articles a LEFT JOIN feeds f ON f.id = a.feed_id LEFT JOIN page_checks c ON c.article_id = a.id
		WHERE a.id IN (`+watchedIDs+`)
		AND (c.next_check IS NULL OR c.next_check <= ?)
		AND NOT EXISTS (SELECT 1 FROM attention t WHERE t.article_id = a.id AND t.kind = 'takedown')
		ORDER BY CASE WHEN c.left_feed_at IS NOT NULL AND (c.checked_at IS NULL OR c.checked_at < c.left_feed_at) THEN 0 ELSE 1 END,
		COALESCE(c.next_check, a.seen_at), a.id LIMIT ?`,
		s.d.time(since), s.d.time(since), s.d.time(now), limit)
	out, err := scanAll(rows, err, func(row scanner) (*store.PageCheck, error) {
		var c store.PageCheck
		err := row.Scan(&c.ArticleID, &c.URL, &c.FeedURL, &c.ETag, &c.LastModified, &c.Status,
			timeInto(&c.CheckedAt), timeInto(&c.NextCheck))
		return &c, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: due page checks: %w", err)
	}
	return out, nil
}

// SavePageCheck stores a check's outcome.
func (s *DB) SavePageCheck(ctx context.Context, c *store.PageCheck) error {
	d := s.d
	_, err := s.exec(ctx, `INSERT INTO page_checks (article_id, etag, last_modified, status, checked_at, next_check)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET etag = excluded.etag,
		last_modified = excluded.last_modified, status = excluded.status, checked_at = excluded.checked_at,
		next_check = excluded.next_check`,
		c.ArticleID, c.ETag, c.LastModified, c.Status, d.nullTime(c.CheckedAt), d.time(c.NextCheck))
	if err != nil {
		return fmt.Errorf("store: save page check of article %d: %w", c.ArticleID, err)
	}
	return nil
}

// PageLeftFeed makes an article's page due at once, the first time its item
// is missing from its feed.
func (s *DB) PageLeftFeed(ctx context.Context, articleID int64, now time.Time) error {
	d := s.d
	_, err := s.exec(ctx, `INSERT INTO page_checks (article_id, next_check, left_feed_at) VALUES (?, ?, ?)
		ON CONFLICT (article_id) DO UPDATE SET next_check = excluded.next_check, left_feed_at = excluded.left_feed_at
		WHERE page_checks.left_feed_at IS NULL`,
		articleID, d.time(now), d.time(now))
	if err != nil {
		return fmt.Errorf("store: page check of article %d: %w", articleID, err)
	}
	return nil
}
