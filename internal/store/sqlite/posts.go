package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

const postColumns = `id, article_id, destination, text, status, priority, sort_at, not_before, attempts, last_error,
	remote_id, remote_url, has_link, created_by, created_at, updated_at, published_at, lease_until`

func scanPost(row interface{ Scan(...any) error }) (*news.Post, error) {
	var p news.Post
	var articleID, published, lease sql.NullInt64
	var sortAt, notBefore, created, updated int64
	err := row.Scan(&p.ID, &articleID, &p.Destination, &p.Text, &p.Status, &p.Priority, &sortAt, &notBefore,
		&p.Attempts, &p.LastError, &p.RemoteID, &p.RemoteURL, &p.HasLink, &p.CreatedBy, &created, &updated,
		&published, &lease)
	if err != nil {
		return nil, err
	}
	p.ArticleID = articleID.Int64
	p.SortAt = time.UnixMilli(sortAt).UTC()
	p.NotBefore = time.UnixMilli(notBefore).UTC()
	p.CreatedAt = time.UnixMilli(created).UTC()
	p.UpdatedAt = time.UnixMilli(updated).UTC()
	p.PublishedAt, p.LeaseUntil = fromMS(published), fromMS(lease)
	return &p, nil
}

func insertPost(ctx context.Context, tx *sql.Tx, p *news.Post) error {
	if err := store.Prepare(p, time.Now().UTC()); err != nil {
		return err
	}
	var articleID any
	if p.ArticleID != 0 {
		articleID = p.ArticleID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO posts (article_id, destination, text, status, priority, sort_at,
		not_before, attempts, last_error, has_link, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		articleID, p.Destination, p.Text, p.Status, p.Priority, p.SortAt.UnixMilli(), p.NotBefore.UnixMilli(),
		p.Attempts, p.LastError, p.HasLink, p.CreatedBy, p.CreatedAt.UnixMilli(), p.UpdatedAt.UnixMilli())
	if isUnique(err) {
		return fmt.Errorf("article %d already has a post for %s: %w", p.ArticleID, p.Destination, news.ErrConflict)
	}
	if err != nil {
		return err
	}
	if p.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return addEvent(ctx, tx, p.ID, "", p.Status, "created", p.CreatedBy, p.CreatedAt)
}

func addEvent(ctx context.Context, tx *sql.Tx, id int64, from, to news.Status, reason, actor string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO post_events (post_id, from_status, to_status, reason, actor, at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, from, to, reason, actor, at.UnixMilli())
	return err
}

// AddPost adds a post.
func (s *DB) AddPost(ctx context.Context, p *news.Post) error {
	if err := s.tx(ctx, func(tx *sql.Tx) error { return insertPost(ctx, tx, p) }); err != nil {
		return fmt.Errorf("store: add post: %w", err)
	}
	return nil
}

// Post returns one post.
func (s *DB) Post(ctx context.Context, id int64) (*news.Post, error) {
	p, err := scanPost(s.db.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: post %d: %w", id, notFound(err))
	}
	return p, nil
}

// Posts lists posts.
func (s *DB) Posts(ctx context.Context, f store.PostFilter) ([]*news.Post, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, "status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Statuses)), ",")+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Destination != "" {
		where = append(where, "destination = ?")
		args = append(args, f.Destination)
	}
	if !f.SortBefore.IsZero() {
		where = append(where, "sort_at < ?")
		args = append(args, f.SortBefore.UnixMilli())
	}
	q := `SELECT ` + postColumns + ` FROM posts`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.NewestFirst {
		q += " ORDER BY COALESCE(published_at, updated_at) DESC, id DESC"
	} else {
		q += " ORDER BY priority DESC, not_before, sort_at, id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += " LIMIT ?"
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	var out []*news.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("store: posts: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CountPosts counts posts by status.
func (s *DB) CountPosts(ctx context.Context) (map[news.Status]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM posts GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count posts: %w", err)
	}
	defer rows.Close()
	out := make(map[news.Status]int)
	for rows.Next() {
		var st news.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// History returns a post's transitions, oldest first.
func (s *DB) History(ctx context.Context, postID int64) ([]news.Transition, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT post_id, from_status, to_status, reason, actor, at FROM post_events
		WHERE post_id = ? ORDER BY id`, postID)
	if err != nil {
		return nil, fmt.Errorf("store: history %d: %w", postID, err)
	}
	defer rows.Close()
	var out []news.Transition
	for rows.Next() {
		var t news.Transition
		var at int64
		if err := rows.Scan(&t.PostID, &t.From, &t.To, &t.Reason, &t.Actor, &at); err != nil {
			return nil, err
		}
		t.At = time.UnixMilli(at).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// ClaimPost takes the next due post for dest with a lease, within the rules.
// The transaction is IMMEDIATE (_txlock), so claimers take turns.
func (s *DB) ClaimPost(ctx context.Context, dest string, now time.Time, lease time.Duration, r store.ClaimRules) (*news.Post, error) {
	var claimed *news.Post
	err := s.tx(ctx, func(tx *sql.Tx) error {
		spent, err := checkRules(ctx, tx, dest, now, r)
		if err != nil {
			return err
		}
		var p *news.Post
		deferred := false // posts moved to next month, kept when none is left to claim
		for {
			p, err = scanPost(tx.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts
				WHERE destination = ? AND priority >= ?
				AND ((status = 'queued' AND not_before <= ?) OR (status = 'sending' AND lease_until <= ?))
				ORDER BY priority DESC, sort_at, id LIMIT 1`, dest, r.MinPriority, now.UnixMilli(), now.UnixMilli()))
			if deferred && errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			from := p.Status
			if r.Budget == nil || !r.Budget.Defer(p, spent, now) {
				break
			}
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET status = ?, not_before = ?, last_error = ?, lease_until = NULL,
				updated_at = ? WHERE id = ?`, p.Status, p.NotBefore.UnixMilli(), p.LastError, now.UnixMilli(), p.ID); err != nil {
				return err
			}
			if err := addEvent(ctx, tx, p.ID, from, p.Status, p.LastError, "dispatcher", now); err != nil {
				return err
			}
			deferred = true
		}
		from, reason := store.Claim(p, now, lease)
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET status = 'sending', attempts = ?, lease_until = ?,
			updated_at = ? WHERE id = ?`, p.Attempts, p.LeaseUntil.UnixMilli(), now.UnixMilli(), p.ID); err != nil {
			return err
		}
		claimed = p
		return addEvent(ctx, tx, p.ID, from, news.StatusSending, fmt.Sprintf("%s (attempt %d)", reason, p.Attempts), "dispatcher", now)
	})
	var lim *store.Limited
	if errors.As(err, &lim) {
		return nil, lim
	}
	if err == nil && claimed == nil {
		return nil, fmt.Errorf("store: claim post for %s: %w", dest, news.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: claim post for %s: %w", dest, notFound(err))
	}
	return claimed, nil
}

// checkRules applies the spacing and the daily cap, counting posts being
// sent (a live lease) as well as those published.
// It returns what was spent this month when there is a budget.
func checkRules(ctx context.Context, tx *sql.Tx, dest string, now time.Time, r store.ClaimRules) (spent float64, err error) {
	if b := r.Budget; b != nil {
		var n, withLink int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(has_link), 0) FROM posts WHERE destination = ?
			AND ((status = 'published' AND published_at >= ?) OR (status = 'sending' AND lease_until > ?))`,
			dest, b.From.UnixMilli(), now.UnixMilli()).Scan(&n, &withLink); err != nil {
			return 0, err
		}
		spent = b.Spent(n, withLink)
		if err := b.Check(spent); err != nil {
			return 0, err
		}
	}
	if r.MinInterval <= 0 && r.DailyCap <= 0 {
		return spent, nil
	}
	var n int
	var oldest, last sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*), MIN(t), (SELECT MAX(t) FROM (
			SELECT published_at AS t FROM posts WHERE destination = ?1 AND status = 'published'
			UNION ALL SELECT updated_at FROM posts WHERE destination = ?1 AND status = 'sending' AND lease_until > ?2))
		FROM (SELECT published_at AS t FROM posts WHERE destination = ?1 AND status = 'published' AND published_at >= ?3
			UNION ALL SELECT updated_at FROM posts WHERE destination = ?1 AND status = 'sending' AND lease_until > ?2)`,
		dest, now.UnixMilli(), now.Add(-24*time.Hour).UnixMilli()).Scan(&n, &oldest, &last)
	if err != nil {
		return 0, err
	}
	return spent, r.Check(now, n, fromMS(oldest), fromMS(last))
}

// NextDue returns when the next queued post for dest is due.
func (s *DB) NextDue(ctx context.Context, dest string) (time.Time, error) {
	var next sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MIN(CASE WHEN status = 'queued' THEN not_before ELSE lease_until END)
		FROM posts WHERE destination = ? AND status IN ('queued', 'sending')`, dest).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: next due for %s: %w", dest, err)
	}
	return fromMS(next), nil
}

// Transition moves a post between states and records why.
func (s *DB) Transition(ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string,
	now time.Time, update func(*news.Post)) (*news.Post, error) {
	if !to.Valid() {
		return nil, fmt.Errorf("store: post %d: invalid status %q", id, to)
	}
	var out *news.Post
	err := s.tx(ctx, func(tx *sql.Tx) error {
		p, err := scanPost(tx.QueryRowContext(ctx, `SELECT `+postColumns+` FROM posts WHERE id = ?`, id))
		if err != nil {
			return notFound(err)
		}
		if !slices.Contains(from, p.Status) {
			return fmt.Errorf("post %d is %s: %w", id, p.Status, news.ErrConflict)
		}
		old := p.Status
		store.Apply(p, to, now, update)
		if _, err := tx.ExecContext(ctx, `UPDATE posts SET text = ?, status = ?, priority = ?, not_before = ?,
			attempts = ?, last_error = ?, remote_id = ?, remote_url = ?, has_link = ?, updated_at = ?,
			published_at = ?, lease_until = ? WHERE id = ?`,
			p.Text, p.Status, p.Priority, p.NotBefore.UnixMilli(), p.Attempts, p.LastError, p.RemoteID, p.RemoteURL,
			p.HasLink, now.UnixMilli(), ms(p.PublishedAt), ms(p.LeaseUntil), id); err != nil {
			return err
		}
		out = p
		return addEvent(ctx, tx, id, old, to, reason, actor, now)
	})
	if err != nil {
		if errors.Is(err, news.ErrConflict) || errors.Is(err, news.ErrNotFound) {
			return nil, fmt.Errorf("store: %w", err)
		}
		return nil, fmt.Errorf("store: post %d to %s: %w", id, to, err)
	}
	return out, nil
}

// Published counts what dest published since a time.
func (s *DB) Published(ctx context.Context, dest string, since time.Time) (store.Usage, error) {
	var u store.Usage
	var oldest, last sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(has_link), 0), MIN(published_at),
		(SELECT MAX(published_at) FROM posts WHERE destination = ? AND status = 'published')
		FROM posts WHERE destination = ? AND status = 'published' AND published_at >= ?`,
		dest, dest, since.UnixMilli()).Scan(&u.Count, &u.WithLink, &oldest, &last)
	if err != nil {
		return u, fmt.Errorf("store: published by %s: %w", dest, err)
	}
	u.Oldest, u.Last = fromMS(oldest), fromMS(last)
	return u, nil
}

// Destination returns a destination's state; an unknown one is running.
func (s *DB) Destination(ctx context.Context, name string) (*store.Destination, error) {
	d := store.Destination{Name: name}
	var wait sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT paused, pause_reason, wait_until FROM destinations WHERE name = ?`, name).
		Scan(&d.Paused, &d.PauseReason, &wait)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("store: destination %s: %w", name, err)
	}
	d.WaitUntil = fromMS(wait)
	return &d, nil
}

// SaveDestination stores a destination's state.
func (s *DB) SaveDestination(ctx context.Context, d *store.Destination) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO destinations (name, paused, pause_reason, wait_until) VALUES (?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, pause_reason = excluded.pause_reason,
		wait_until = excluded.wait_until`, d.Name, d.Paused, d.PauseReason, ms(d.WaitUntil))
	if err != nil {
		return fmt.Errorf("store: save destination %s: %w", d.Name, err)
	}
	return nil
}
