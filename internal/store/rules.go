package store

import (
	"fmt"
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

// Budget is what a destination may spend on posting in a calendar month.
type Budget struct {
	Limit          float64 // US dollars
	Post, LinkPost float64 // the price of a post, and of a post with a link
	// From and Until bound the month, in the operator's time zone.
	From, Until time.Time
}

// Price is what one post costs.
func (b *Budget) Price(hasLink bool) float64 {
	if hasLink {
		return b.LinkPost
	}
	return b.Post
}

// Spent is what n posts cost, withLink of them with a link.
func (b *Budget) Spent(n, withLink int) float64 {
	return float64(n-withLink)*b.Post + float64(withLink)*b.LinkPost
}

// sub-cent rounding of sums of prices must not refuse a post that fits.
const cent = 1e-9

// Check refuses every claim this month when not even the cheapest post fits.
func (b *Budget) Check(spent float64) error {
	if spent+min(b.Post, b.LinkPost) > b.Limit+cent {
		return &Limited{Until: b.Until, Rule: "the monthly budget"}
	}
	return nil
}

// Defer moves a post that does not fit what is left of the budget to the
// next month, so that a cheaper one may go; false when it fits.
func (b *Budget) Defer(p *news.Post, spent float64, now time.Time) bool {
	if spent+b.Price(p.HasLink) <= b.Limit+cent {
		return false
	}
	p.LastError = fmt.Sprintf("the monthly budget of $%.2f would be exceeded ($%.2f spent); waits until %s",
		b.Limit, spent, b.Until.Format("2 January"))
	p.Status, p.NotBefore, p.LeaseUntil, p.UpdatedAt = news.StatusQueued, b.Until, time.Time{}, now
	return true
}

// Prepare checks a new post and fills in its times: created now unless
// set, due and sorted at its creation unless set.
func Prepare(p *news.Post, now time.Time) error {
	if !p.Status.Valid() {
		return fmt.Errorf("invalid status %q", p.Status)
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.UpdatedAt = p.CreatedAt
	if p.SortAt.IsZero() {
		p.SortAt = p.CreatedAt
	}
	if p.NotBefore.IsZero() {
		p.NotBefore = p.CreatedAt
	}
	return nil
}
