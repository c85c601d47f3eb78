package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

const postColumns = `id, article_id, destination, text, status, priority, sort_at, not_before, attempts, last_error,
	remote_id, remote_url, has_link, created_by, created_at, updated_at, published_at, lease_until`

func scanPost(row pgx.Row) (*news.Post, error) {
	var p news.Post
	var articleID pgtype.Int8
	var published, lease pgtype.Timestamptz
	var status string
	err := row.Scan(&p.ID, &articleID, &p.Destination, &p.Text, &status, &p.Priority, &p.SortAt, &p.NotBefore,
		&p.Attempts, &p.LastError, &p.RemoteID, &p.RemoteURL, &p.HasLink, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt,
		&published, &lease)
	if err != nil {
		return nil, err
	}
	p.ArticleID = articleID.Int64
	p.Status = news.Status(status)
	p.SortAt, p.NotBefore = p.SortAt.UTC(), p.NotBefore.UTC()
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.PublishedAt, p.LeaseUntil = fromTS(published), fromTS(lease)
	return &p, nil
}

func insertPost(ctx context.Context, tx pgx.Tx, p *news.Post) error {
	if err := store.Prepare(p, time.Now().UTC()); err != nil {
		return err
	}
	var articleID any
	if p.ArticleID != 0 {
		articleID = p.ArticleID
	}
	err := tx.QueryRow(ctx, `INSERT INTO posts (article_id, destination, text, status, priority, sort_at,
		not_before, attempts, last_error, has_link, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		articleID, p.Destination, p.Text, string(p.Status), p.Priority, ms(p.SortAt), ms(p.NotBefore),
		p.Attempts, p.LastError, p.HasLink, p.CreatedBy, ms(p.CreatedAt), ms(p.UpdatedAt)).Scan(&p.ID)
	if isUnique(err) {
		return fmt.Errorf("article %d already has a post for %s: %w", p.ArticleID, p.Destination, news.ErrConflict)
	}
	if err != nil {
		return err
	}
	return addEvent(ctx, tx, p.ID, "", p.Status, "created", p.CreatedBy, p.CreatedAt)
}

func addEvent(ctx context.Context, tx pgx.Tx, id int64, from, to news.Status, reason, actor string, t time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO post_events (post_id, from_status, to_status, reason, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, string(from), string(to), reason, actor, ms(t))
	return err
}

// AddPost adds a post.
func (s *DB) AddPost(ctx context.Context, p *news.Post) error {
	if err := s.tx(ctx, func(tx pgx.Tx) error { return insertPost(ctx, tx, p) }); err != nil {
		return fmt.Errorf("store: add post: %w", err)
	}
	return nil
}

// Post returns one post.
func (s *DB) Post(ctx context.Context, id int64) (*news.Post, error) {
	p, err := scanPost(s.pool.QueryRow(ctx, `SELECT `+postColumns+` FROM posts WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("store: post %d: %w", id, notFound(err))
	}
	return p, nil
}

// Posts lists posts.
func (s *DB) Posts(ctx context.Context, f store.PostFilter) ([]*news.Post, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Statuses) > 0 {
		statuses := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			statuses[i] = string(st)
		}
		where = append(where, "status = ANY("+arg(statuses)+")")
	}
	if f.Destination != "" {
		where = append(where, "destination = "+arg(f.Destination))
	}
	if !f.SortBefore.IsZero() {
		where = append(where, "sort_at < "+arg(ms(f.SortBefore)))
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
	q += " LIMIT " + arg(limit)
	rows, err := s.pool.Query(ctx, q, args...)
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
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	return out, nil
}

// CountPosts counts posts by status.
func (s *DB) CountPosts(ctx context.Context) (map[news.Status]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, COUNT(*) FROM posts GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count posts: %w", err)
	}
	defer rows.Close()
	out := make(map[news.Status]int)
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count posts: %w", err)
		}
		out[news.Status(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count posts: %w", err)
	}
	return out, nil
}

// History returns a post's transitions, oldest first.
func (s *DB) History(ctx context.Context, postID int64) ([]news.Transition, error) {
	rows, err := s.pool.Query(ctx, `SELECT post_id, from_status, to_status, reason, actor, at FROM post_events
		WHERE post_id = $1 ORDER BY id`, postID)
	if err != nil {
		return nil, fmt.Errorf("store: history %d: %w", postID, err)
	}
	defer rows.Close()
	var out []news.Transition
	for rows.Next() {
		var t news.Transition
		var from, to string
		if err := rows.Scan(&t.PostID, &from, &to, &t.Reason, &t.Actor, &t.At); err != nil {
			return nil, fmt.Errorf("store: history %d: %w", postID, err)
		}
		t.From, t.To, t.At = news.Status(from), news.Status(to), t.At.UTC()
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history %d: %w", postID, err)
	}
	return out, nil
}

// ClaimPost takes the next due post for dest with a lease. FOR UPDATE SKIP
// LOCKED passes over rows another claimer (in this process or another) has
// locked, and rechecks the due condition on rows changed since the query
// began, so two claimers never take the same post.
//
// The rules are checked under a transaction-scoped advisory lock on the
// destination, so replicas claiming for one destination take turns and
// each sees the posts the others took.
func (s *DB) ClaimPost(ctx context.Context, dest string, now time.Time, lease time.Duration, r store.ClaimRules) (*news.Post, error) {
	var claimed *news.Post
	minPriority := r.MinPriority
	err := s.tx(ctx, func(tx pgx.Tx) error {
		spent, err := checkRules(ctx, tx, dest, now, r)
		if err != nil {
			return err
		}
		var p *news.Post
		deferred := false // posts moved to next month, kept when none is left to claim
		for {
			p, err = scanPost(tx.QueryRow(ctx, `SELECT `+postColumns+` FROM posts
				WHERE destination = $1 AND status IN ('queued', 'sending') AND priority >= $3
				AND ((status = 'queued' AND not_before <= $2) OR (status = 'sending' AND lease_until <= $2))
				ORDER BY priority DESC, sort_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`, dest, ms(now), minPriority))
			if deferred && errors.Is(err, pgx.ErrNoRows) {
				return nil
			}
			if err != nil {
				return notFound(err)
			}
			from := p.Status
			if r.Budget == nil || !r.Budget.Defer(p, spent, now) {
				break
			}
			if _, err := tx.Exec(ctx, `UPDATE posts SET status = $1, not_before = $2, last_error = $3, lease_until = NULL,
				updated_at = $4 WHERE id = $5`, string(p.Status), ms(p.NotBefore), p.LastError, ms(now), p.ID); err != nil {
				return err
			}
			if err := addEvent(ctx, tx, p.ID, from, p.Status, p.LastError, "dispatcher", now); err != nil {
				return err
			}
			deferred = true
		}
		from, reason := store.Claim(p, now, lease)
		if _, err := tx.Exec(ctx, `UPDATE posts SET status = 'sending', attempts = $1, lease_until = $2,
			updated_at = $3 WHERE id = $4`, p.Attempts, ms(p.LeaseUntil), ms(now), p.ID); err != nil {
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
		return nil, fmt.Errorf("store: claim post for %s: %w", dest, err)
	}
	return claimed, nil
}

// checkRules applies the spacing and the daily cap, counting posts being
// sent (a live lease) as well as those published.
// It returns what was spent this month when there is a budget.
func checkRules(ctx context.Context, tx pgx.Tx, dest string, now time.Time, r store.ClaimRules) (spent float64, err error) {
	if r.MinInterval <= 0 && r.DailyCap <= 0 && r.Budget == nil {
		return 0, nil
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('herald-destination:' || $1, 0))`, dest); err != nil {
		return 0, err
	}
	if b := r.Budget; b != nil {
		var n, withLink int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE has_link) FROM posts WHERE destination = $1
			AND ((status = 'published' AND published_at >= $2) OR (status = 'sending' AND lease_until > $3))`,
			dest, ms(b.From), ms(now)).Scan(&n, &withLink); err != nil {
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
	var oldest, last pgtype.Timestamptz
	err = tx.QueryRow(ctx, `WITH recent AS (
			SELECT published_at AS t FROM posts WHERE destination = $1 AND status = 'published' AND published_at >= $3
			UNION ALL SELECT updated_at FROM posts WHERE destination = $1 AND status = 'sending' AND lease_until > $2)
		SELECT COUNT(*), MIN(t), (SELECT MAX(t) FROM (
			SELECT MAX(published_at) AS t FROM posts WHERE destination = $1 AND status = 'published'
			UNION ALL SELECT MAX(updated_at) FROM posts WHERE destination = $1 AND status = 'sending' AND lease_until > $2) l)
		FROM recent`, dest, ms(now), ms(now.Add(-24*time.Hour))).Scan(&n, &oldest, &last)
	if err != nil {
		return 0, err
	}
	return spent, r.Check(now, n, fromTS(oldest), fromTS(last))
}

// NextDue returns when the next queued post for dest is due.
func (s *DB) NextDue(ctx context.Context, dest string) (time.Time, error) {
	var next pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT MIN(CASE WHEN status = 'queued' THEN not_before ELSE lease_until END)
		FROM posts WHERE destination = $1 AND status IN ('queued', 'sending')`, dest).Scan(&next)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: next due for %s: %w", dest, err)
	}
	return fromTS(next), nil
}

// Transition moves a post between states and records why. The row stays
// locked (FOR UPDATE) from the state check to the update.
func (s *DB) Transition(ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string,
	now time.Time, update func(*news.Post)) (*news.Post, error) {
	if !to.Valid() {
		return nil, fmt.Errorf("store: post %d: invalid status %q", id, to)
	}
	var out *news.Post
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p, err := scanPost(tx.QueryRow(ctx, `SELECT `+postColumns+` FROM posts WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return notFound(err)
		}
		if !slices.Contains(from, p.Status) {
			return fmt.Errorf("post %d is %s: %w", id, p.Status, news.ErrConflict)
		}
		old := p.Status
		store.Apply(p, to, now, update)
		if _, err := tx.Exec(ctx, `UPDATE posts SET text = $1, status = $2, priority = $3, not_before = $4,
			attempts = $5, last_error = $6, remote_id = $7, remote_url = $8, has_link = $9, updated_at = $10,
			published_at = $11, lease_until = $12 WHERE id = $13`,
			p.Text, string(p.Status), p.Priority, ms(p.NotBefore), p.Attempts, p.LastError, p.RemoteID, p.RemoteURL,
			p.HasLink, ms(now), at(p.PublishedAt), at(p.LeaseUntil), id); err != nil {
			return err
		}
		out = p
		return addEvent(ctx, tx, id, old, to, reason, actor, now)
	})
	if err != nil {
		if errors.Is(err, news.ErrNotFound) {
			return nil, fmt.Errorf("store: post %d: %w", id, err)
		}
		if errors.Is(err, news.ErrConflict) {
			return nil, fmt.Errorf("store: %w", err)
		}
		return nil, fmt.Errorf("store: post %d to %s: %w", id, to, err)
	}
	return out, nil
}

// Published counts what dest published since a time.
func (s *DB) Published(ctx context.Context, dest string, since time.Time) (store.Usage, error) {
	var u store.Usage
	var oldest, last pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE has_link), MIN(published_at),
		(SELECT MAX(published_at) FROM posts WHERE destination = $1 AND status = 'published')
		FROM posts WHERE destination = $1 AND status = 'published' AND published_at >= $2`,
		dest, ms(since)).Scan(&u.Count, &u.WithLink, &oldest, &last)
	if err != nil {
		return u, fmt.Errorf("store: published by %s: %w", dest, err)
	}
	u.Oldest, u.Last = fromTS(oldest), fromTS(last)
	return u, nil
}

// Destination returns a destination's state; an unknown one is running.
func (s *DB) Destination(ctx context.Context, name string) (*store.Destination, error) {
	d := store.Destination{Name: name}
	var wait pgtype.Timestamptz
	err := s.pool.QueryRow(ctx, `SELECT paused, pause_reason, wait_until FROM destinations WHERE name = $1`, name).
		Scan(&d.Paused, &d.PauseReason, &wait)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: destination %s: %w", name, err)
	}
	d.WaitUntil = fromTS(wait)
	return &d, nil
}

// SaveDestination stores a destination's state.
func (s *DB) SaveDestination(ctx context.Context, d *store.Destination) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO destinations (name, paused, pause_reason, wait_until) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET paused = EXCLUDED.paused, pause_reason = EXCLUDED.pause_reason,
		wait_until = EXCLUDED.wait_until`, d.Name, d.Paused, d.PauseReason, at(d.WaitUntil))
	if err != nil {
		return fmt.Errorf("store: save destination %s: %w", d.Name, err)
	}
	return nil
}
