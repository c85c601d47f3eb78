package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// feedState is a feed's columns, as a SELECT from feeds or an UPDATE's
// RETURNING names them; feedColumns adds the count of its articles, which
// the poller does not need (it would cost a count on every poll).
const (
	feedState = `id, url, title, etag, last_modified, initialized, last_fetch, last_success,
	last_status, last_error, failures, next_fetch, lease_owner, lease_until`
	feedColumns = feedState + `, (SELECT COUNT(*) FROM articles a WHERE a.feed_id = f.id)`
	// feedStateOnly is feedState with a zero count, for scanFeed.
	feedStateOnly = feedState + `, 0`
)

func scanFeed(row scanner) (*store.Feed, error) {
	var f store.Feed
	err := row.Scan(&f.ID, &f.URL, &f.Title, &f.ETag, &f.LastModified, &f.Initialized, timeInto(&f.LastFetch),
		timeInto(&f.LastSuccess), &f.LastStatus, &f.LastError, &f.Failures, timeInto(&f.NextFetch),
		&f.LeaseOwner, timeInto(&f.LeaseUntil), &f.Articles)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

const insertFeed = `INSERT INTO feeds (url, created_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING`

// EnsureFeed returns the feed with this URL, adding it when it is new.
func (s *DB) EnsureFeed(ctx context.Context, url string) (*store.Feed, error) {
	if _, err := s.exec(ctx, insertFeed, url, s.d.time(time.Now())); err != nil {
		return nil, fmt.Errorf("store: add feed %s: %w", url, err)
	}
	f, err := scanFeed(s.queryRow(ctx, `SELECT `+feedColumns+` FROM feeds f WHERE f.url = ?`, url))
	if err != nil {
		return nil, fmt.Errorf("store: feed %s: %w", url, notFound(err))
	}
	return f, nil
}

// ensureChunk is how many feeds one transaction of EnsureFeeds adds.
const ensureChunk = 500

// EnsureFeeds adds the feeds that are new, a few hundred to a transaction
// (not one each), and returns them all. The URLs are inserted in sorted
// order, so that replicas starting together with overlapping lists lock
// the same rows in the same order and never deadlock.
func (s *DB) EnsureFeeds(ctx context.Context, urls []string) ([]*store.Feed, error) {
	sorted := slices.Clone(urls)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if _, err := s.prepare(ctx, insertFeed); err != nil {
		return nil, fmt.Errorf("store: add feeds: %w", err)
	}
	now := s.d.time(time.Now())
	for chunk := range slices.Chunk(sorted, ensureChunk) {
		err := s.inTx(ctx, func(tx *tx) error {
			for _, u := range chunk {
				if _, err := tx.exec(ctx, insertFeed, u, now); err != nil {
					return fmt.Errorf("%s: %w", u, err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: add feed %w", err)
		}
	}
	rows, err := s.query(ctx, `SELECT `+feedStateOnly+` FROM feeds`)
	all, err := scanAll(rows, err, scanFeed)
	if err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	byURL := make(map[string]*store.Feed, len(all))
	for _, f := range all {
		byURL[f.URL] = f
	}
	out := make([]*store.Feed, len(urls))
	for i, u := range urls {
		f, ok := byURL[u]
		if !ok {
			return nil, fmt.Errorf("store: feed %s: %w", u, news.ErrNotFound)
		}
		out[i] = new(*f) // a URL listed twice gets two copies of its one row
	}
	return out, nil
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

// LeasesNeeded reports whether replicas share the database.
func (s *DB) LeasesNeeded() bool { return s.d.Replicas }

// leaseChunk is the most feeds one statement leases; a longer list is
// leased in several.
const leaseChunk = 256

// LeaseFeeds takes the due feeds among ids for owner in one statement (per
// leaseChunk), and reads the state of those it could not take in another.
// On PostgreSQL the rows are locked with SKIP LOCKED, so two replicas
// leasing at the same moment never wait for each other: a row the other is
// taking is simply not this one's.
func (s *DB) LeaseFeeds(ctx context.Context, ids []int64, owner string, now, until time.Time) (leased, busy []*store.Feed, err error) {
	for chunk := range slices.Chunk(ids, leaseChunk) {
		list, args := inList(chunk)
		q := `UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE id IN (` + s.d.skipLocked(`SELECT id FROM feeds
			WHERE id IN (`+list+`) AND (next_fetch IS NULL OR next_fetch <= ?)
			AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)`) + `) RETURNING ` + feedStateOnly
		args = append([]any{owner, s.d.time(until)}, args...)
		args = append(args, s.d.time(now), s.d.time(now), owner)
		rows, err := s.query(ctx, q, args...)
		got, err := scanAll(rows, err, scanFeed)
		if err != nil {
			return nil, nil, fmt.Errorf("store: lease feeds: %w", err)
		}
		leased = append(leased, got...)
		if len(got) == len(chunk) {
			continue
		}
		taken := make(map[int64]bool, len(got))
		for _, f := range got {
			taken[f.ID] = true
		}
		var rest []int64
		for _, id := range chunk {
			if !taken[id] {
				rest = append(rest, id)
			}
		}
		list, args = inList(rest)
		rows, err = s.query(ctx, `SELECT `+feedStateOnly+` FROM feeds WHERE id IN (`+list+`)`, args...)
		others, err := scanAll(rows, err, scanFeed)
		if err != nil {
			return nil, nil, fmt.Errorf("store: lease feeds: %w", err)
		}
		busy = append(busy, others...)
	}
	return leased, busy, nil
}

// inList returns the placeholders and arguments of an IN (…) list of ids.
// The list is padded to a power of two by repeating its last id, so that
// a handful of statements, each prepared once, serve every length.
func inList(ids []int64) (string, []any) {
	n := 1
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", "), args
}

// RenewFeedLeases extends owner's live leases. Rows locked by another
// transaction are passed over: they are being saved (and released) by this
// owner, and waiting for them could deadlock with that save.
func (s *DB) RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error {
	if _, err := s.exec(ctx, `UPDATE feeds SET lease_until = ? WHERE id IN (`+
		s.d.skipLocked(`SELECT id FROM feeds WHERE lease_owner = ? AND lease_until > ?`)+`)`,
		s.d.time(until), owner, s.d.time(now)); err != nil {
		return fmt.Errorf("store: renew feed leases: %w", err)
	}
	return nil
}

// ReleaseFeedLeases gives up every lease owner holds.
func (s *DB) ReleaseFeedLeases(ctx context.Context, owner string) error {
	if _, err := s.exec(ctx, `UPDATE feeds SET lease_owner = '', lease_until = NULL WHERE lease_owner = ?`, owner); err != nil {
		return fmt.Errorf("store: release feed leases: %w", err)
	}
	return nil
}

const saveFeed = `UPDATE feeds SET title = ?, etag = ?, last_modified = ?, initialized = ?,
	last_fetch = ?, last_success = ?, last_status = ?, last_error = ?, failures = ?, next_fetch = ?,
	lease_owner = '', lease_until = NULL WHERE id = ?`

// SaveFeedStates stores what fetches learned about feeds and releases their
// leases, in one transaction, in the order of their ids (so that two
// writers lock rows in one order). With owner, each row is written only if
// owner still holds it.
func (s *DB) SaveFeedStates(ctx context.Context, owner string, feeds []*store.Feed) (lost []int64, err error) {
	if len(feeds) == 0 {
		return nil, nil
	}
	q := saveFeed
	if owner != "" {
		q += ` AND lease_owner = ?`
	}
	feeds = slices.Clone(feeds)
	slices.SortFunc(feeds, func(a, b *store.Feed) int { return cmp.Compare(a.ID, b.ID) })
	if _, err := s.prepare(ctx, q); err != nil {
		return nil, fmt.Errorf("store: save feeds: %w", err)
	}
	err = s.inTx(ctx, func(tx *tx) error {
		lost = lost[:0]
		for _, f := range feeds {
			args := []any{f.Title, f.ETag, f.LastModified, f.Initialized, s.d.nullTime(f.LastFetch),
				s.d.nullTime(f.LastSuccess), f.LastStatus, f.LastError, f.Failures, s.d.nullTime(f.NextFetch), f.ID}
			if owner != "" {
				args = append(args, owner)
			}
			res, err := tx.exec(ctx, q, args...)
			if err != nil {
				return fmt.Errorf("feed %d: %w", f.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("feed %d: %w", f.ID, err)
			} else if n == 0 {
				lost = append(lost, f.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: save feeds: %w", err)
	}
	return lost, nil
}
