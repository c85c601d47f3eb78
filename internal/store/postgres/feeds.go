package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// feedState is a feed's columns; feedColumns adds the count of its
// articles, which the poller does not need.
const (
	feedState = `f.id, f.url, f.title, f.etag, f.last_modified, f.initialized, f.last_fetch, f.last_success,
	f.last_status, f.last_error, f.failures, f.next_fetch`
	feedColumns = feedState + `, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id)`
)

func scanFeed(row pgx.Row) (*store.Feed, error) {
	var f store.Feed
	var lastFetch, lastSuccess, next pgtype.Timestamptz
	err := row.Scan(&f.ID, &f.URL, &f.Title, &f.ETag, &f.LastModified, &f.Initialized, &lastFetch, &lastSuccess,
		&f.LastStatus, &f.LastError, &f.Failures, &next, &f.Articles)
	if err != nil {
		return nil, err
	}
	f.LastFetch, f.LastSuccess, f.NextFetch = fromTS(lastFetch), fromTS(lastSuccess), fromTS(next)
	return &f, nil
}

// EnsureFeed returns the feed with this URL, adding it when it is new.
func (s *DB) EnsureFeed(ctx context.Context, url string) (*store.Feed, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO feeds (url, created_at) VALUES ($1, $2) ON CONFLICT (url) DO NOTHING`,
		url, ms(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("store: add feed %s: %w", url, err)
	}
	f, err := scanFeed(s.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.url = $1`, url))
	if err != nil {
		return nil, fmt.Errorf("store: feed %s: %w", url, notFound(err))
	}
	return f, nil
}

// Feed returns one feed.
func (s *DB) Feed(ctx context.Context, id int64) (*store.Feed, error) {
	f, err := scanFeed(s.pool.QueryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, nil
}

// Feeds returns every feed, in the order they were added.
func (s *DB) Feeds(ctx context.Context) ([]*store.Feed, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.id`)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	return out, nil
}

// SaveFeedState stores what a fetch learned about a feed.
func (s *DB) SaveFeedState(ctx context.Context, f *store.Feed) error {
	tag, err := s.pool.Exec(ctx, `UPDATE feeds SET title = $1, etag = $2, last_modified = $3, initialized = $4,
		last_fetch = $5, last_success = $6, last_status = $7, last_error = $8, failures = $9, next_fetch = $10,
		lease_owner = '', lease_until = NULL WHERE id = $11`,
		f.Title, f.ETag, f.LastModified, f.Initialized, at(f.LastFetch), at(f.LastSuccess), f.LastStatus, f.LastError,
		f.Failures, at(f.NextFetch), f.ID)
	if err != nil {
		return fmt.Errorf("store: save feed %d: %w", f.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: save feed %d: %w", f.ID, news.ErrNotFound)
	}
	return nil
}

// LeaseFeed takes a due feed for owner.
func (s *DB) LeaseFeed(ctx context.Context, id int64, owner string, now, until time.Time) (*store.Feed, bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE feeds SET lease_owner = $1, lease_until = $2
		WHERE id = $3 AND (next_fetch IS NULL OR next_fetch <= $4)
		AND (lease_until IS NULL OR lease_until <= $4 OR lease_owner = $1)`, owner, ms(until), id, ms(now))
	if err != nil {
		return nil, false, fmt.Errorf("store: lease feed %d: %w", id, err)
	}
	f, err := scanFeed(s.pool.QueryRow(ctx, `SELECT `+feedState+`, 0 FROM feeds f WHERE f.id = $1`, id))
	if err != nil {
		return nil, false, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, tag.RowsAffected() == 1, nil
}

// RenewFeedLeases extends owner's live leases.
func (s *DB) RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE feeds SET lease_until = $1 WHERE lease_owner = $2 AND lease_until > $3`,
		ms(until), owner, ms(now)); err != nil {
		return fmt.Errorf("store: renew feed leases: %w", err)
	}
	return nil
}
