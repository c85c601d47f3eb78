package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/heraldhq/herald/internal/store"
)

// Destination returns a destination's state; an unknown one is running.
func (s *DB) Destination(ctx context.Context, name string) (*store.Destination, error) {
	d := store.Destination{Name: name}
	err := s.queryRow(ctx, `SELECT paused, pause_reason, wait_until, down_since, down_reason, probes, trigger_post
		FROM destinations WHERE name = ?`, name).
		Scan(&d.Paused, &d.PauseReason, timeInto(&d.WaitUntil), timeInto(&d.DownSince), &d.DownReason, &d.Probes, &d.Trigger)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: destination %s: %w", name, err)
	}
	return &d, nil
}

// SaveDestination stores a destination's state.
func (s *DB) SaveDestination(ctx context.Context, d *store.Destination) error {
	_, err := s.exec(ctx, `INSERT INTO destinations (name, paused, pause_reason, wait_until, down_since, down_reason, probes, trigger_post)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, pause_reason = excluded.pause_reason,
		wait_until = excluded.wait_until, down_since = excluded.down_since, down_reason = excluded.down_reason,
		probes = excluded.probes, trigger_post = excluded.trigger_post`,
		d.Name, d.Paused, d.PauseReason, s.d.nullTime(d.WaitUntil), s.d.nullTime(d.DownSince), d.DownReason, d.Probes, d.Trigger)
	if err != nil {
		return fmt.Errorf("store: save destination %s: %w", d.Name, err)
	}
	return nil
}
