package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// LoadSession returns the session a destination's publisher saved, or nil
// when it saved none. (It and SaveSession make the store a
// bluesky.SessionStore.)
func (s *DB) LoadSession(ctx context.Context, dest string) ([]byte, error) {
	var data []byte
	err := s.queryRow(ctx, `SELECT data FROM network_sessions WHERE destination = ?`, dest).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: network session %s: %w", dest, err)
	}
	return data, nil
}

// SaveSession keeps a destination's session, replacing the one before.
func (s *DB) SaveSession(ctx context.Context, dest string, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	_, err := s.exec(ctx, `INSERT INTO network_sessions (destination, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (destination) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		dest, data, s.d.time(time.Now()))
	if err != nil {
		return fmt.Errorf("store: save network session %s: %w", dest, err)
	}
	return nil
}
