package sqlstore

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

func scanPost(row scanner) (*news.Post, error) {
	var p news.Post
	var articleID sql.NullInt64
	err := row.Scan(&p.ID, &articleID, &p.Destination, &p.Text, &p.Status, &p.Priority, timeInto(&p.SortAt),
		timeInto(&p.NotBefore), &p.Attempts, &p.LastError, &p.RemoteID, &p.RemoteURL, &p.HasLink, &p.CreatedBy,
		timeInto(&p.CreatedAt), timeInto(&p.UpdatedAt), timeInto(&p.PublishedAt), timeInto(&p.LeaseUntil))
	if err != nil {
		return nil, err
	}
	p.ArticleID = articleID.Int64
	return &p, nil
}

func (t *tx) insertPost(ctx context.Context, p *news.Post) error {
	if !p.Status.Valid() {
		return fmt.Errorf("invalid status %q", p.Status)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now().UTC()
	}
	p.UpdatedAt = p.CreatedAt
	d := t.s.d
	err := t.queryRow(ctx, `INSERT INTO posts (article_id, destination, text, status, priority, sort_at,
		not_before, attempts, last_error, has_link, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(p.ArticleID), p.Destination, p.Text, p.Status, p.Priority, d.time(p.SortAt), d.time(p.NotBefore),
		p.Attempts, p.LastError, p.HasLink, p.CreatedBy, d.time(p.CreatedAt), d.time(p.UpdatedAt)).Scan(&p.ID)
	if err != nil && d.IsUnique(err) {
		return fmt.Errorf("article %d already has a post for %s: %w", p.ArticleID, p.Destination, news.ErrConflict)
	}
	if err != nil {
		return err
	}
	reason := "created"
	if p.LastError != "" {
		reason += ": " + p.LastError // why it starts held, skipped or failed
	}
	return t.addEvent(ctx, p.ID, "", p.Status, reason, p.CreatedBy, p.CreatedAt)
}

// addEvent records a post's move from one status to another.
func (t *tx) addEvent(ctx context.Context, id int64, from, to news.Status, reason, actor string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO post_events (post_id, from_status, to_status, reason, actor, at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, from, to, reason, actor, t.s.d.time(at))
	return err
}

// AddPost adds posts, all of them or, when one cannot be added, none.
func (s *DB) AddPost(ctx context.Context, posts ...*news.Post) error {
	err := s.inTx(ctx, func(tx *tx) error {
		for _, p := range posts {
			if err := tx.insertPost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for _, p := range posts {
			p.ID = 0
		}
		return fmt.Errorf("store: add post: %w", err)
	}
	return nil
}

// Post returns one post.
func (s *DB) Post(ctx context.Context, id int64) (*news.Post, error) {
	p, err := scanPost(s.queryRow(ctx, `SELECT `+postColumns+` FROM posts WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("store: post %d: %w", id, notFound(err))
	}
	return p, nil
}

// Posts lists posts. Its query depends on the filter, so it is not kept
// prepared; it serves editors' lists, not polls or claims.
func (s *DB) Posts(ctx context.Context, f store.PostFilter) ([]*news.Post, error) {
	var where []string
	var args []any
	if len(f.Statuses) > 0 {
		where = append(where, "status IN (?"+strings.Repeat(", ?", len(f.Statuses)-1)+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.Destination != "" {
		where = append(where, "destination = ?")
		args = append(args, f.Destination)
	}
	if f.ArticleID != 0 {
		where = append(where, "article_id = ?")
		args = append(args, f.ArticleID)
	}
	if !f.SortBefore.IsZero() {
		where = append(where, "sort_at < ?")
		args = append(args, s.d.time(f.SortBefore))
	}
	if c := f.After; c != nil {
		switch f.Order {
		case store.ByUpdate:
			at := s.d.time(c.At)
			where = append(where, "(COALESCE(published_at, updated_at) < ? OR (COALESCE(published_at, updated_at) = ? AND id < ?))")
			args = append(args, at, at, c.ID)
		case store.ByID:
			where = append(where, "id < ?")
			args = append(args, c.ID)
		}
	}
	q := `SELECT ` + postColumns + ` FROM posts`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	switch f.Order {
	case store.ByUpdate:
		q += " ORDER BY COALESCE(published_at, updated_at) DESC, id DESC"
	case store.ByID:
		q += " ORDER BY id DESC"
	default:
		q += " ORDER BY priority DESC, not_before, sort_at, id"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	q += " LIMIT ?"
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	out, err := scanAll(rows, err, scanPost)
	if err != nil {
		return nil, fmt.Errorf("store: posts: %w", err)
	}
	return out, nil
}

// CountPosts counts posts by status.
func (s *DB) CountPosts(ctx context.Context) (map[news.Status]int, error) {
	rows, err := s.query(ctx, `SELECT status, COUNT(*) FROM posts GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: count posts: %w", err)
	}
	defer rows.Close()
	out := make(map[news.Status]int)
	for rows.Next() {
		var st news.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count posts: %w", err)
		}
		out[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count posts: %w", err)
	}
	return out, nil
}

// History returns a post's transitions, oldest first.
func (s *DB) History(ctx context.Context, postID int64) ([]news.Transition, error) {
	rows, err := s.query(ctx, `SELECT post_id, from_status, to_status, reason, actor, at FROM post_events
		WHERE post_id = ? ORDER BY id`, postID)
	out, err := scanAll(rows, err, func(row scanner) (news.Transition, error) {
		var t news.Transition
		err := row.Scan(&t.PostID, &t.From, &t.To, &t.Reason, &t.Actor, timeInto(&t.At))
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: history %d: %w", postID, err)
	}
	return out, nil
}

// Transition moves a post between states and records why. Where the
// database locks rows, the post stays locked from the state check to the
// update.
func (s *DB) Transition(ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string,
	now time.Time, update func(*news.Post)) (*news.Post, error) {
	if !to.Valid() {
		return nil, fmt.Errorf("store: post %d: invalid status %q", id, to)
	}
	var out *news.Post
	err := s.inTx(ctx, func(tx *tx) error {
		p, err := scanPost(tx.queryRow(ctx, s.d.forUpdate(`SELECT `+postColumns+` FROM posts WHERE id = ?`), id))
		if err != nil {
			return notFound(err)
		}
		if !slices.Contains(from, p.Status) {
			return fmt.Errorf("post %d is %s: %w", id, p.Status, news.ErrConflict)
		}
		old := p.Status
		if update != nil {
			update(p)
		}
		p.Status = to
		if err := tx.updatePost(ctx, p, now); err != nil {
			return err
		}
		out = p
		return tx.addEvent(ctx, id, old, to, reason, actor, now)
	})
	switch {
	case err == nil:
		return out, nil
	case errors.Is(err, news.ErrNotFound):
		return nil, fmt.Errorf("store: post %d: %w", id, err)
	case errors.Is(err, news.ErrConflict):
		return nil, fmt.Errorf("store: %w", err) // the error names the post and its state
	default:
		return nil, fmt.Errorf("store: post %d to %s: %w", id, to, err)
	}
}

// updatePost writes every field of a post that changes after it is made.
func (t *tx) updatePost(ctx context.Context, p *news.Post, now time.Time) error {
	p.UpdatedAt = now
	d := t.s.d
	_, err := t.exec(ctx, `UPDATE posts SET text = ?, status = ?, priority = ?, not_before = ?,
		attempts = ?, last_error = ?, remote_id = ?, remote_url = ?, has_link = ?, updated_at = ?,
		published_at = ?, lease_until = ? WHERE id = ?`,
		p.Text, p.Status, p.Priority, d.time(p.NotBefore), p.Attempts, p.LastError, p.RemoteID, p.RemoteURL,
		p.HasLink, d.time(now), d.nullTime(p.PublishedAt), d.nullTime(p.LeaseUntil), p.ID)
	return err
}

// Published counts what dest published since a time.
func (s *DB) Published(ctx context.Context, dest string, since time.Time) (store.Usage, error) {
	var u store.Usage
	err := s.queryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE has_link), MIN(published_at),
		(SELECT MAX(published_at) FROM posts WHERE destination = ? AND status = 'published')
		FROM posts WHERE destination = ? AND status = 'published' AND published_at >= ?`,
		dest, dest, s.d.time(since)).Scan(&u.Count, &u.WithLink, timeInto(&u.Oldest), timeInto(&u.Last))
	if err != nil {
		return u, fmt.Errorf("store: published by %s: %w", dest, err)
	}
	return u, nil
}
