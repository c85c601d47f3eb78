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

// ClaimPost takes the next due post for dest within the outbox's rules,
// and records what the rules make of it. Two claimers never take the same
// post: where the database locks rows, FOR UPDATE SKIP LOCKED passes over
// rows another claimer (in this process or another) has locked, and
// rechecks the due condition on rows changed since the query began;
// elsewhere (SQLite) transactions take turns.
func (s *DB) ClaimPost(ctx context.Context, dest string, now time.Time, r store.ClaimRules) (*news.Post, error) {
	var claimed *news.Post
	err := s.inTx(ctx, func(tx *tx) error {
		use, err := tx.use(ctx, dest, now, r)
		if err != nil {
			return err
		}
		if err := r.Admit(now, use); err != nil {
			return &admitError{err}
		}
		deferred := false // posts deferred by the rules, kept when none is left to claim
		for {
			p, err := scanPost(tx.queryRow(ctx, s.d.skipLocked(`SELECT `+postColumns+` FROM posts
				WHERE destination = ? AND status IN ('queued', 'sending') AND priority >= ?
				AND ((status = 'queued' AND not_before <= ?) OR (status = 'sending' AND lease_until <= ?))
				ORDER BY priority DESC, sort_at, id LIMIT 1`), dest, r.MinPriority(), s.d.time(now), s.d.time(now)))
			if deferred && errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return notFound(err)
			}
			from := p.Status
			reason, later := r.Defer(p, use, now)
			if !later {
				reason = r.Claim(p, now)
			}
			if err := tx.updatePost(ctx, p, now); err != nil {
				return err
			}
			if err := tx.addEvent(ctx, p.ID, from, p.Status, reason, "dispatcher", now); err != nil {
				return err
			}
			if !later {
				claimed = p
				return nil
			}
			deferred = true
		}
	})
	var admit *admitError
	switch {
	case errors.As(err, &admit):
		return nil, admit.err
	case err == nil && claimed == nil:
		err = news.ErrNotFound
	case err == nil:
		return claimed, nil
	}
	return nil, fmt.Errorf("store: claim post for %s: %w", dest, err)
}

// admitError carries the rules' refusal out of the transaction, to be
// returned as it is.
type admitError struct{ err error }

func (e *admitError) Error() string { return e.err.Error() }

// use reads what the rules need of dest's recent use, counting posts being
// sent (a live lease) as well as those published.
//
// It reads under the dialect's destination lock, so replicas claiming for
// one destination take turns and each sees the posts the others took.
func (t *tx) use(ctx context.Context, dest string, now time.Time, r store.ClaimRules) (store.Use, error) {
	var u store.Use
	day, month := r.Since(now)
	if day.IsZero() && month.IsZero() {
		return u, nil
	}
	d := t.s.d
	if d.LockDestination != "" {
		if _, err := t.exec(ctx, d.LockDestination, dest); err != nil {
			return u, err
		}
	}
	if !month.IsZero() {
		if err := t.queryRow(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE has_link) FROM posts WHERE destination = ?
			AND ((status = 'published' AND published_at >= ?) OR (status = 'sending' AND lease_until > ?))`,
			dest, d.time(month), d.time(now)).Scan(&u.Month, &u.WithLink); err != nil {
			return u, err
		}
		if err := t.queryRow(ctx, countDeletions, dest, d.time(month), d.time(now)).Scan(&u.Deletes); err != nil {
			return u, err
		}
	}
	if day.IsZero() {
		return u, nil
	}
	err := t.queryRow(ctx, `WITH recent AS (
			SELECT published_at AS t FROM posts WHERE destination = ? AND status = 'published' AND published_at >= ?
			UNION ALL SELECT updated_at FROM posts WHERE destination = ? AND status = 'sending' AND lease_until > ?)
		SELECT COUNT(*), MIN(t), (SELECT MAX(t) FROM (
			SELECT MAX(published_at) AS t FROM posts WHERE destination = ? AND status = 'published'
			UNION ALL SELECT MAX(updated_at) FROM posts WHERE destination = ? AND status = 'sending' AND lease_until > ?) l)
		FROM recent`,
		dest, d.time(day), dest, d.time(now), dest, dest, d.time(now)).
		Scan(&u.Day, timeInto(&u.Oldest), timeInto(&u.Last))
	return u, err
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
