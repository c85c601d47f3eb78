package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
)

// AddAudit records an action.
func (s *DB) AddAudit(ctx context.Context, e store.AuditEntry) error {
	if _, err := s.exec(ctx, `INSERT INTO audit (at, actor, action, post_id, detail) VALUES (?, ?, ?, ?, ?)`,
		s.d.time(e.At), e.Actor, e.Action, nullID(e.PostID), e.Detail); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditLog lists the newest actions first.
func (s *DB) AuditLog(ctx context.Context, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.query(ctx, `SELECT at, actor, action, post_id, detail FROM audit ORDER BY at DESC, id DESC LIMIT ?`, limit)
	out, err := scanAll(rows, err, func(row scanner) (store.AuditEntry, error) {
		var e store.AuditEntry
		var post sql.NullInt64
		err := row.Scan(timeInto(&e.At), &e.Actor, &e.Action, &post, &e.Detail)
		e.PostID = post.Int64
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}
