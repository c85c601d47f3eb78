package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// ClaimPost takes the next due post for dest with a lease, within the
// rules. Two claimers never take the same post: where the database locks
// rows, FOR UPDATE SKIP LOCKED passes over rows another claimer (in this
// process or another) has locked, and rechecks the due condition on rows
// changed since the query began; elsewhere (SQLite) transactions take turns.
func (s *DB) ClaimPost(ctx context.Context, dest string, now time.Time, lease time.Duration, r store.ClaimRules) (*news.Post, error) {
	var claimed *news.Post
	err := s.inTx(ctx, func(tx *tx) error {
		spent, err := tx.checkRules(ctx, dest, now, r)
		if err != nil {
			return err
		}
		var p *news.Post
		deferred := false // posts moved to next month, kept when none is left to claim
		for {
			p, err = scanPost(tx.queryRow(ctx, s.d.skipLocked(`SELECT `+postColumns+` FROM posts
				WHERE destination = ? AND status IN ('queued', 'sending') AND priority >= ?
				AND ((status = 'queued' AND not_before <= ?) OR (status = 'sending' AND lease_until <= ?))
				ORDER BY priority DESC, sort_at, id LIMIT 1`), dest, r.MinPriority, s.d.time(now), s.d.time(now)))
			if deferred && errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return notFound(err)
			}
			from := p.Status
			if r.Budget == nil || !r.Budget.Defer(p, spent, now) {
				break
			}
			if _, err := tx.exec(ctx, `UPDATE posts SET status = ?, not_before = ?, last_error = ?, lease_until = NULL,
				updated_at = ? WHERE id = ?`, p.Status, s.d.time(p.NotBefore), p.LastError, s.d.time(now), p.ID); err != nil {
				return err
			}
			if err := tx.addEvent(ctx, p.ID, from, p.Status, p.LastError, "dispatcher", now); err != nil {
				return err
			}
			deferred = true
		}
		from, reason := store.Claim(p, now, lease)
		if _, err := tx.exec(ctx, `UPDATE posts SET status = 'sending', attempts = ?, lease_until = ?,
			updated_at = ? WHERE id = ?`, p.Attempts, s.d.time(p.LeaseUntil), s.d.time(now), p.ID); err != nil {
			return err
		}
		claimed = p
		return tx.addEvent(ctx, p.ID, from, news.StatusSending, fmt.Sprintf("%s (attempt %d)", reason, p.Attempts), "dispatcher", now)
	})
	var lim *store.Limited
	switch {
	case errors.As(err, &lim):
		return nil, lim
	case err == nil && claimed == nil:
		err = news.ErrNotFound
	case err == nil:
		return claimed, nil
	}
	return nil, fmt.Errorf("store: claim post for %s: %w", dest, err)
}

// checkRules applies the spacing, the daily cap and the budget, counting
// posts being sent (a live lease) as well as those published. It returns
// what was spent this month when there is a budget.
//
// The rules are checked under the dialect's destination lock, so replicas
// claiming for one destination take turns and each sees the posts the
// others took.
func (t *tx) checkRules(ctx context.Context, dest string, now time.Time, r store.ClaimRules) (spent float64, err error) {
	if r.MinInterval <= 0 && r.DailyCap <= 0 && r.Budget == nil {
		return 0, nil
	}
	d := t.s.d
	if d.LockDestination != "" {
		if _, err := t.exec(ctx, d.LockDestination, dest); err != nil {
			return 0, err
		}
	}
	if b := r.Budget; b != nil {
		var n, withLink int
		if err := t.queryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE has_link) FROM posts WHERE destination = ?
			AND ((status = 'published' AND published_at >= ?) OR (status = 'sending' AND lease_until > ?))`,
			dest, d.time(b.From), d.time(now)).Scan(&n, &withLink); err != nil {
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
	var oldest, last time.Time
	err = t.queryRow(ctx, `WITH recent AS (
			SELECT published_at AS t FROM posts WHERE destination = ? AND status = 'published' AND published_at >= ?
			UNION ALL SELECT updated_at FROM posts WHERE destination = ? AND status = 'sending' AND lease_until > ?)
		SELECT COUNT(*), MIN(t), (SELECT MAX(t) FROM (
			SELECT MAX(published_at) AS t FROM posts WHERE destination = ? AND status = 'published'
			UNION ALL SELECT MAX(updated_at) FROM posts WHERE destination = ? AND status = 'sending' AND lease_until > ?) l)
		FROM recent`,
		dest, d.time(now.Add(-24*time.Hour)), dest, d.time(now), dest, dest, d.time(now)).
		Scan(&n, timeInto(&oldest), timeInto(&last))
	if err != nil {
		return 0, err
	}
	return spent, r.Check(now, n, oldest, last)
}

// NextDue returns when the next queued post for dest is due, or the lease
// of a post being sent ends.
func (s *DB) NextDue(ctx context.Context, dest string) (time.Time, error) {
	var next time.Time
	err := s.queryRow(ctx, `SELECT MIN(CASE WHEN status = 'queued' THEN not_before ELSE lease_until END)
		FROM posts WHERE destination = ? AND status IN ('queued', 'sending')`, dest).Scan(timeInto(&next))
	if err != nil {
		return time.Time{}, fmt.Errorf("store: next due for %s: %w", dest, err)
	}
	return next, nil
}
