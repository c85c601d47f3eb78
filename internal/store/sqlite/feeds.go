package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// feedState is a feed's columns; feedColumns adds the count of its
// articles, which the poller does not need.
const (
	feedState = `f.id, f.url, f.title, f.etag, f.last_modified, f.initialized, f.last_fetch, f.last_success,
	f.last_status, f.last_error, f.failures, f.next_fetch`
	feedColumns = feedState + `, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id)`
)

func scanFeed(row interface{ Scan(...any) error }) (*store.Feed, error) {
	var f store.Feed
	var lastFetch, lastSuccess, next sql.NullInt64
	err := row.Scan(&f.ID, &f.URL, &f.Title, &f.ETag, &f.LastModified, &f.Initialized, &lastFetch, &lastSuccess,
		&f.LastStatus, &f.LastError, &f.Failures, &next, &f.Articles)
	if err != nil {
		return nil, err
	}
	f.LastFetch, f.LastSuccess, f.NextFetch = fromMS(lastFetch), fromMS(lastSuccess), fromMS(next)
	return &f, nil
}

// EnsureFeed returns the feed with this URL, adding it when it is new.
func (s *DB) EnsureFeed(ctx context.Context, url string) (*store.Feed, error) {
	_, err := s.db.ExecContext(ctx, `INSERT INTO feeds (url, created_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING`,
		url, time.Now().UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("store: add feed %s: %w", url, err)
	}
	f, err := scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.url = ?`, url))
	if err != nil {
		return nil, fmt.Errorf("store: feed %s: %w", url, notFound(err))
	}
	return f, nil
}

// Feed returns one feed.
func (s *DB) Feed(ctx context.Context, id int64) (*store.Feed, error) {
	f, err := scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, nil
}

// Feeds returns every feed, in the order they were added.
func (s *DB) Feeds(ctx context.Context) ([]*store.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.id`)
	if err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	defer rows.Close()
	var out []*store.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("store: feeds: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// SaveFeedState stores what a fetch learned about a feed.
func (s *DB) SaveFeedState(ctx context.Context, f *store.Feed) error {
	res, err := s.db.ExecContext(ctx, `UPDATE feeds SET title = ?, etag = ?, last_modified = ?, initialized = ?,
		last_fetch = ?, last_success = ?, last_status = ?, last_error = ?, failures = ?, next_fetch = ?,
		lease_owner = '', lease_until = NULL WHERE id = ?`,
		f.Title, f.ETag, f.LastModified, f.Initialized, ms(f.LastFetch), ms(f.LastSuccess), f.LastStatus, f.LastError,
		f.Failures, ms(f.NextFetch), f.ID)
	if err != nil {
		return fmt.Errorf("store: save feed %d: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: save feed %d: %w", f.ID, notFound(sql.ErrNoRows))
	}
	return nil
}

// LeaseFeed takes a due feed for owner.
func (s *DB) LeaseFeed(ctx context.Context, id int64, owner string, now, until time.Time) (*store.Feed, bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE feeds SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND (next_fetch IS NULL OR next_fetch <= ?)
		AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)`,
		owner, until.UnixMilli(), id, now.UnixMilli(), now.UnixMilli(), owner)
	if err != nil {
		return nil, false, fmt.Errorf("store: lease feed %d: %w", id, err)
	}
	n, _ := res.RowsAffected()
	f, err := scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedState+`, 0 FROM feeds f WHERE f.id = ?`, id))
	if err != nil {
		return nil, false, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, n == 1, nil
}

// RenewFeedLeases extends owner's live leases.
func (s *DB) RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE feeds SET lease_until = ? WHERE lease_owner = ? AND lease_until > ?`,
		until.UnixMilli(), owner, now.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: renew feed leases: %w", err)
	}
	return nil
}
