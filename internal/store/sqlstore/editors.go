package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// AddSession keeps a new dashboard session, after dropping the expired ones
// and, past max sessions, the ones closest to expiring.
func (s *DB) AddSession(ctx context.Context, ses store.Session, now time.Time, max int) error {
	err := s.inTx(ctx, func(tx *tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires <= ?`, s.d.time(now)); err != nil {
			return err
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE key IN (SELECT key FROM sessions ORDER BY expires LIMIT ?)`, n-max+1); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO sessions (key, editor, csrf, expires) VALUES (?, ?, ?, ?)`,
			ses.Key, ses.Editor, ses.CSRF, s.d.time(ses.Expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add session: %w", err)
	}
	return nil
}

// Session returns a live session.
func (s *DB) Session(ctx context.Context, key string, now time.Time) (*store.Session, error) {
	ses := store.Session{Key: key}
	err := s.queryRow(ctx, `SELECT editor, csrf, expires FROM sessions WHERE key = ? AND expires > ?`, key, s.d.time(now)).
		Scan(&ses.Editor, &ses.CSRF, timeInto(&ses.Expires))
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", notFound(err))
	}
	return &ses, nil
}

// DeleteSession ends a session.
func (s *DB) DeleteSession(ctx context.Context, key string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE key = ?`, key); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// AddSignInFailure records a failed sign-in from addr, and forgets the
// failures older than keep.
func (s *DB) AddSignInFailure(ctx context.Context, addr string, at time.Time, keep time.Duration) error {
	err := s.inTx(ctx, func(tx *tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM signin_failures WHERE at < ?`, s.d.time(at.Add(-keep))); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO signin_failures (addr, at) VALUES (?, ?)`, addr, s.d.time(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: add sign-in failure: %w", err)
	}
	return nil
}

// SignInFailures counts the failed sign-ins since a time: from addr, and
// from every address.
func (s *DB) SignInFailures(ctx context.Context, addr string, since time.Time) (fromAddr, total int, err error) {
	err = s.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN addr = ? THEN 1 ELSE 0 END), 0), COUNT(*)
		FROM signin_failures WHERE at >= ?`, addr, s.d.time(since)).Scan(&fromAddr, &total)
	if err != nil {
		return 0, 0, fmt.Errorf("store: sign-in failures: %w", err)
	}
	return fromAddr, total, nil
}
