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

const feedColumns = `f.id, f.url, f.title, f.etag, f.last_modified, f.initialized, f.last_fetch, f.last_success,
	f.last_status, f.last_error, f.failures, f.next_fetch,
	(SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id)`

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
		last_fetch = $5, last_success = $6, last_status = $7, last_error = $8, failures = $9, next_fetch = $10
		WHERE id = $11`,
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
