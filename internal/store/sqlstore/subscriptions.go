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

const subColumns = `s.id, s.feed_id, f.url, s.callback, s.hub, s.topic, s.secret, s.state, s.reason, s.failures,
	s.lease_seconds, s.expires_at, s.requested_at, s.next_action, s.updated_at, s.version
	FROM subscriptions s JOIN feeds f ON f.id = s.feed_id`

func scanSubscription(row scanner) (*store.Subscription, error) {
	var s store.Subscription
	err := row.Scan(&s.ID, &s.FeedID, &s.FeedURL, &s.Callback, &s.Hub, &s.Topic, &s.Secret, &s.State, &s.Reason,
		&s.Failures, &s.LeaseSeconds, timeInto(&s.Expires), timeInto(&s.RequestedAt), timeInto(&s.NextAction),
		timeInto(&s.UpdatedAt), &s.Version)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// AddSubscription records a feed's first subscription.
func (s *DB) AddSubscription(ctx context.Context, sub *store.Subscription) error {
	err := s.queryRow(ctx, `INSERT INTO subscriptions (feed_id, callback, hub, topic, secret, state, reason, failures,
		lease_seconds, expires_at, requested_at, next_action, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (feed_id) DO NOTHING RETURNING id`,
		sub.FeedID, sub.Callback, sub.Hub, sub.Topic, sub.Secret, string(sub.State), sub.Reason, sub.Failures,
		sub.LeaseSeconds, s.d.nullTime(sub.Expires), s.d.nullTime(sub.RequestedAt), s.d.nullTime(sub.NextAction),
		s.d.time(sub.UpdatedAt)).Scan(&sub.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: add subscription of feed %d: it has one: %w", sub.FeedID, news.ErrConflict)
	case err != nil:
		return fmt.Errorf("store: add subscription of feed %d: %w", sub.FeedID, err)
	}
	sub.Version = 1
	return nil
}

// SaveSubscription stores sub when the row is still at sub.Version.
func (s *DB) SaveSubscription(ctx context.Context, sub *store.Subscription) error {
	res, err := s.exec(ctx, `UPDATE subscriptions SET callback = ?, hub = ?, topic = ?, secret = ?, state = ?, reason = ?,
		failures = ?, lease_seconds = ?, expires_at = ?, requested_at = ?, next_action = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`,
		sub.Callback, sub.Hub, sub.Topic, sub.Secret, string(sub.State), sub.Reason, sub.Failures, sub.LeaseSeconds,
		s.d.nullTime(sub.Expires), s.d.nullTime(sub.RequestedAt), s.d.nullTime(sub.NextAction), s.d.time(sub.UpdatedAt),
		sub.ID, sub.Version)
	if err := s.changedOne(ctx, res, err, sub.ID); err != nil {
		return fmt.Errorf("store: save subscription %d: %w", sub.ID, err)
	}
	sub.Version++
	return nil
}

// DeleteSubscription removes sub when the row is still at sub.Version.
func (s *DB) DeleteSubscription(ctx context.Context, sub *store.Subscription) error {
	res, err := s.exec(ctx, `DELETE FROM subscriptions WHERE id = ? AND version = ?`, sub.ID, sub.Version)
	if err := s.changedOne(ctx, res, err, sub.ID); err != nil {
		return fmt.Errorf("store: delete subscription %d: %w", sub.ID, err)
	}
	return nil
}

// changedOne says why a versioned write changed no row: the row moved on
// (news.ErrConflict) or is gone (news.ErrNotFound).
func (s *DB) changedOne(ctx context.Context, res sql.Result, err error, id int64) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 1 {
		return err
	}
	var one int
	err = s.queryRow(ctx, `SELECT 1 FROM subscriptions WHERE id = ?`, id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return news.ErrNotFound
	case err != nil:
		return err
	}
	return news.ErrConflict
}

// FeedSubscription returns a feed's subscription.
func (s *DB) FeedSubscription(ctx context.Context, feedID int64) (*store.Subscription, error) {
	sub, err := scanSubscription(s.queryRow(ctx, `SELECT `+subColumns+` WHERE s.feed_id = ?`, feedID))
	if err != nil {
		return nil, fmt.Errorf("store: subscription of feed %d: %w", feedID, notFound(err))
	}
	return sub, nil
}

// SubscriptionByCallback finds a subscription by its callback.
func (s *DB) SubscriptionByCallback(ctx context.Context, callback string) (*store.Subscription, error) {
	sub, err := scanSubscription(s.queryRow(ctx, `SELECT `+subColumns+` WHERE s.callback = ?`, callback))
	if err != nil {
		// The callback is a credential of sorts: it stays out of errors.
		return nil, fmt.Errorf("store: subscription by callback: %w", notFound(err))
	}
	return sub, nil
}

// AllSubscriptions lists every subscription.
func (s *DB) AllSubscriptions(ctx context.Context) ([]*store.Subscription, error) {
	rows, err := s.query(ctx, `SELECT `+subColumns+` ORDER BY s.feed_id`)
	out, err := scanAll(rows, err, scanSubscription)
	if err != nil {
		return nil, fmt.Errorf("store: subscriptions: %w", err)
	}
	return out, nil
}

// DueSubscriptions lists subscriptions whose next action has come.
func (s *DB) DueSubscriptions(ctx context.Context, now time.Time, limit int) ([]*store.Subscription, error) {
	rows, err := s.query(ctx, `SELECT `+subColumns+` WHERE s.next_action IS NOT NULL AND s.next_action <= ?
		ORDER BY s.next_action, s.id LIMIT ?`, s.d.time(now), limit)
	out, err := scanAll(rows, err, scanSubscription)
	if err != nil {
		return nil, fmt.Errorf("store: due subscriptions: %w", err)
	}
	return out, nil
}
