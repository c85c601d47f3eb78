package sqlstore

import (
	"context"
	"fmt"
	"time"

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

func scanFeed(row scanner) (*store.Feed, error) {
	var f store.Feed
	err := row.Scan(&f.ID, &f.URL, &f.Title, &f.ETag, &f.LastModified, &f.Initialized, timeInto(&f.LastFetch),
		timeInto(&f.LastSuccess), &f.LastStatus, &f.LastError, &f.Failures, timeInto(&f.NextFetch), &f.Articles)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// EnsureFeed returns the feed with this URL, adding it when it is new.
func (s *DB) EnsureFeed(ctx context.Context, url string) (*store.Feed, error) {
	_, err := s.exec(ctx, `INSERT INTO feeds (url, created_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING`,
		url, s.d.time(time.Now()))
	if err != nil {
		return nil, fmt.Errorf("store: add feed %s: %w", url, err)
	}
	f, err := scanFeed(s.queryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.url = ?`, url))
	if err != nil {
		return nil, fmt.Errorf("store: feed %s: %w", url, notFound(err))
	}
	return f, nil
}

// Feed returns one feed.
func (s *DB) Feed(ctx context.Context, id int64) (*store.Feed, error) {
	f, err := scanFeed(s.queryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, nil
}

// Feeds returns every feed, in the order they were added.
func (s *DB) Feeds(ctx context.Context) ([]*store.Feed, error) {
	rows, err := s.query(ctx, `SELECT `+feedColumns+` FROM feeds f ORDER BY f.id`)
	out, err := scanAll(rows, err, scanFeed)
	if err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	return out, nil
}

// SaveFeedState stores what a fetch learned about a feed and releases its
// lease.
func (s *DB) SaveFeedState(ctx context.Context, f *store.Feed) error {
	res, err := s.exec(ctx, `UPDATE feeds SET title = ?, etag = ?, last_modified = ?, initialized = ?,
		last_fetch = ?, last_success = ?, last_status = ?, last_error = ?, failures = ?, next_fetch = ?,
		lease_owner = '', lease_until = NULL WHERE id = ?`,
		f.Title, f.ETag, f.LastModified, f.Initialized, s.d.nullTime(f.LastFetch), s.d.nullTime(f.LastSuccess),
		f.LastStatus, f.LastError, f.Failures, s.d.nullTime(f.NextFetch), f.ID)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = news.ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: save feed %d: %w", f.ID, err)
	}
	return nil
}

// LeaseFeed takes a due feed for owner, and returns its state as stored.
func (s *DB) LeaseFeed(ctx context.Context, id int64, owner string, now, until time.Time) (*store.Feed, bool, error) {
	res, err := s.exec(ctx, `UPDATE feeds SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND (next_fetch IS NULL OR next_fetch <= ?)
		AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)`,
		owner, s.d.time(until), id, s.d.time(now), s.d.time(now), owner)
	if err != nil {
		return nil, false, fmt.Errorf("store: lease feed %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, false, fmt.Errorf("store: lease feed %d: %w", id, err)
	}
	f, err := scanFeed(s.queryRow(ctx, `SELECT `+feedState+`, 0 FROM feeds f WHERE f.id = ?`, id))
	if err != nil {
		return nil, false, fmt.Errorf("store: feed %d: %w", id, notFound(err))
	}
	return f, n == 1, nil
}

// RenewFeedLeases extends owner's live leases.
func (s *DB) RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error {
	if _, err := s.exec(ctx, `UPDATE feeds SET lease_until = ? WHERE lease_owner = ? AND lease_until > ?`,
		s.d.time(until), owner, s.d.time(now)); err != nil {
		return fmt.Errorf("store: renew feed leases: %w", err)
	}
	return nil
}
