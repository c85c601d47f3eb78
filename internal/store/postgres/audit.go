package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/heraldhq/herald/internal/store"
)

// AddAudit records an action.
func (s *DB) AddAudit(ctx context.Context, e store.AuditEntry) error {
	var post any
	if e.PostID != 0 {
		post = e.PostID
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO audit (at, actor, action, post_id, detail) VALUES ($1, $2, $3, $4, $5)`,
		ms(e.At), e.Actor, e.Action, post, e.Detail); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditLog lists the newest actions first.
func (s *DB) AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.pool.Query(ctx, `SELECT at, actor, action, post_id, detail FROM audit ORDER BY at DESC, id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var at pgtype.Timestamptz
		var post pgtype.Int8
		if err := rows.Scan(&at, &e.Actor, &e.Action, &post, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit log: %w", err)
		}
		e.At, e.PostID = fromTS(at), post.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}
