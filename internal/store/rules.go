package store

import (
	"time"

	"github.com/heraldhq/herald/internal/news"
)

// The parts of the outbox's rules that do not depend on the database, so
// that every backend applies them the same way.

// Check applies the rules to what a destination has published or is
// sending: n posts in the last 24 hours, the oldest of them, and the latest
// ever (zero times when there are none).
func (r ClaimRules) Check(now time.Time, n int, oldest, last time.Time) error {
	if r.MinInterval > 0 && !last.IsZero() {
		if next := last.Add(r.MinInterval); next.After(now) {
			return &Limited{Until: next, Rule: "the spacing between posts"}
		}
	}
	if r.DailyCap > 0 && n >= r.DailyCap {
		return &Limited{Until: oldest.Add(24 * time.Hour), Rule: "the daily cap"}
	}
	return nil
}

// Claim moves a due post to sending with a lease and one more attempt, and
// returns the state it came from and the reason to record.
func Claim(p *news.Post, now time.Time, lease time.Duration) (from news.Status, reason string) {
	from, reason = p.Status, "claimed"
	if p.Status == news.StatusSending {
		reason = "lease expired; sending again"
	}
	p.Status = news.StatusSending
	p.Attempts++
	p.LeaseUntil = now.Add(lease)
	p.UpdatedAt = now
	return from, reason
}

// Apply makes the changes of a transition to the post: the caller's
// update, then the new status; leaving sending ends the lease, and the
// first move to published stamps the time.
func Apply(p *news.Post, to news.Status, now time.Time, update func(*news.Post)) {
	if update != nil {
		update(p)
	}
	p.Status = to
	p.UpdatedAt = now
	if to != news.StatusSending {
		p.LeaseUntil = time.Time{}
	}
	if to == news.StatusPublished && p.PublishedAt.IsZero() {
		p.PublishedAt = now
	}
}
