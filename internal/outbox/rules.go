package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// The outbox's rules that the store applies inside its transactions: which
// post may be claimed, what claiming does to it, and what each transition
// changes. The store reads and writes; these decide.

// Limited is a claim's answer when a rule holds posts back until a time.
type Limited struct {
	Until time.Time
	Rule  string
}

func (l *Limited) Error() string {
	return l.Rule + " holds posts until " + l.Until.UTC().Format(time.RFC3339)
}

// Limits are what holds back the taking of a post for one destination now:
// priority (quiet hours, a pause of automatic posts), the spacing, the daily
// cap and the month's budget; and the lease a claim takes.
type Limits struct {
	// MinPriority leaves lower-priority posts where they are.
	MinPriority int
	// MinInterval is the least time since the last post published or
	// being sent to the destination.
	MinInterval time.Duration
	// DailyCap is the most posts published or being sent in 24 hours (0: none).
	DailyCap int
	// Budget, when set, is the month's spending limit.
	Budget *Budget
	// Lease is how long a claimed post stays claimed.
	Lease time.Duration
}

// Rules returns the limits as the rules a store's claim applies.
func (l Limits) Rules() store.ClaimRules { return claimRules{l} }

type claimRules struct{ l Limits }

func (r claimRules) MinPriority() int { return r.l.MinPriority }

func (r claimRules) Since(now time.Time) (day, month time.Time) {
	if r.l.MinInterval > 0 || r.l.DailyCap > 0 {
		day = now.Add(-24 * time.Hour)
	}
	if r.l.Budget != nil {
		month = r.l.Budget.From
	}
	return day, month
}

// Admit applies the budget, the spacing and the daily cap to what the
// destination published or is sending.
func (r claimRules) Admit(now time.Time, u store.Use) error {
	if b := r.l.Budget; b != nil {
		if err := b.check(b.spent(u)); err != nil {
			return err
		}
	}
	if r.l.MinInterval > 0 && !u.Last.IsZero() {
		if next := u.Last.Add(r.l.MinInterval); next.After(now) {
			return &Limited{Until: next, Rule: "the spacing between posts"}
		}
	}
	if r.l.DailyCap > 0 && u.Day >= r.l.DailyCap {
		return &Limited{Until: u.Oldest.Add(24 * time.Hour), Rule: "the daily cap"}
	}
	return nil
}

// Defer moves a post that does not fit what is left of the budget to the
// next month, so that a cheaper one may go.
func (r claimRules) Defer(p *news.Post, u store.Use, now time.Time) (string, bool) {
	b := r.l.Budget
	if b == nil {
		return "", false
	}
	spent := b.spent(u)
	if spent+b.price(p.HasLink) <= b.Limit+cent {
		return "", false
	}
	p.LastError = fmt.Sprintf("the monthly budget of $%.2f would be exceeded ($%.2f spent); waits until %s",
		b.Limit, spent, b.Until.Format("2 January"))
	settle(p, news.StatusQueued, now)
	p.NotBefore = b.Until
	return p.LastError, true
}

// Claim moves a due post to sending, with a lease and one more attempt.
func (r claimRules) Claim(p *news.Post, now time.Time) string {
	reason := "claimed"
	if p.Status == news.StatusSending {
		reason = "lease expired; sending again"
	}
	settle(p, news.StatusSending, now)
	p.Attempts++
	p.LeaseUntil = now.Add(r.l.Lease)
	return fmt.Sprintf("%s (attempt %d)", reason, p.Attempts)
}

// settle makes the changes every move of a post to status to makes:
// leaving sending ends the lease, and the first move to published stamps
// the time.
func settle(p *news.Post, to news.Status, now time.Time) {
	p.Status = to
	p.UpdatedAt = now
	if to != news.StatusSending {
		p.LeaseUntil = time.Time{}
	}
	if to == news.StatusPublished && p.PublishedAt.IsZero() {
		p.PublishedAt = now
	}
}

// Settle returns the update that moves a post to status to at now, after
// the changes of update (which may be nil): what every transition passes
// to the store.
func Settle(to news.Status, now time.Time, update func(*news.Post)) func(*news.Post) {
	return func(p *news.Post) {
		if update != nil {
			update(p)
		}
		settle(p, to, now)
	}
}

// Budget is what a destination may spend on posting in a calendar month.
type Budget struct {
	Limit          float64 // US dollars
	Post, LinkPost float64 // the price of a post, and of a post with a link
	// Delete is the price of deleting a post (X charges for it).
	Delete float64
	// From and Until bound the month, in the operator's time zone.
	From, Until time.Time
}

// price is what one post costs.
func (b *Budget) price(hasLink bool) float64 {
	if hasLink {
		return b.LinkPost
	}
	return b.Post
}

// spent is what the month's posts cost.
func (b *Budget) spent(u store.Use) float64 {
	return float64(u.Month-u.WithLink)*b.Post + float64(u.WithLink)*b.LinkPost + float64(u.Deletes)*b.Delete
}

// sub-cent rounding of sums of prices must not refuse a post that fits.
const cent = 1e-9

// check refuses every claim this month when not even the cheapest post fits.
func (b *Budget) check(spent float64) error {
	if spent+min(b.Post, b.LinkPost) > b.Limit+cent {
		return &Limited{Until: b.Until, Rule: "the monthly budget"}
	}
	return nil
}

// move records a transition of post id from one of the states from to to,
// with the changes of update and those every move to to makes.
func (d *Dispatcher) move(ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string,
	now time.Time, update func(*news.Post)) (*news.Post, error) {
	return d.store.Transition(ctx, id, from, to, reason, actor, now, Settle(to, now, update))
}
