package outbox

import (
	"context"
	"math"
	"time"
)

// RateReporter is implemented by publishers that know the platform's rate
// limit as of their last call.
type RateReporter interface {
	RateRemaining() (remaining int, reset time.Time, known bool)
}

// DestinationStatus is what an operator needs to see of one destination.
type DestinationStatus struct {
	Name string `json:"name"`
	// Network is the network it posts to: x, bluesky, mastodon or local.
	Network     string    `json:"network"`
	Paused      bool      `json:"paused"`
	PauseReason string    `json:"pause_reason,omitempty"`
	WaitUntil   time.Time `json:"wait_until,omitzero"`
	// DownSince is when the destination's network stopped answering, and
	// NextProbe when it is next tried; both zero while it answers.
	DownSince  time.Time `json:"down_since,omitzero"`
	DownReason string    `json:"down_reason,omitempty"`
	NextProbe  time.Time `json:"next_probe,omitzero"`
	// PostsToday counts posts in the last 24 hours; PostsLeftToday is -1
	// when there is no daily cap.
	PostsToday     int `json:"posts_today"`
	DailyCap       int `json:"daily_cap"`
	PostsLeftToday int `json:"posts_left_today"`
	// Money, in US dollars; MonthlyBudget is 0 when there is none.
	MonthlyBudget  float64 `json:"monthly_budget"`
	SpentThisMonth float64 `json:"spent_this_month"`
	BudgetLeft     float64 `json:"budget_left"`
	// MinInterval is the least time between two of its posts.
	MinInterval time.Duration `json:"-"`
	// MinIntervalSeconds is MinInterval in seconds, for the API.
	MinIntervalSeconds float64 `json:"min_post_interval_seconds"`
	// QuietUntil is set while quiet hours hold automatic posts.
	QuietUntil time.Time `json:"quiet_until,omitzero"`
	// RateLimitRemaining and RateLimitReset are the platform's last word
	// on its rate limit; -1 when unknown.
	RateLimitRemaining int       `json:"rate_limit_remaining"`
	RateLimitReset     time.Time `json:"rate_limit_reset,omitzero"`
	// last is the destination's latest publication, for the queue's
	// estimate.
	last time.Time
}

// Status reports every destination's state and limits.
func (d *Dispatcher) Status(ctx context.Context) ([]DestinationStatus, error) {
	now := d.o.Clock()
	out := make([]DestinationStatus, 0, len(d.pubs))
	for _, p := range d.pubs {
		name := p.Name()
		dest, err := d.store.Destination(ctx, name)
		if err != nil {
			return nil, err
		}
		day, err := d.store.Published(ctx, name, now.Add(-24*time.Hour))
		if err != nil {
			return nil, err
		}
		rules := d.rules(name)
		s := DestinationStatus{Name: name, Network: rules.Network, Paused: dest.Paused, PauseReason: dest.PauseReason,
			PostsToday: day.Count, DailyCap: rules.DailyCap, PostsLeftToday: -1, RateLimitRemaining: -1,
			MinInterval: rules.MinInterval, MinIntervalSeconds: rules.MinInterval.Seconds(), last: day.Last}
		switch {
		case !dest.DownSince.IsZero():
			s.DownSince, s.DownReason, s.NextProbe = dest.DownSince, dest.DownReason, dest.WaitUntil
		case dest.WaitUntil.After(now):
			s.WaitUntil = dest.WaitUntil
		}
		if rules.DailyCap > 0 {
			s.PostsLeftToday = max(rules.DailyCap-day.Count, 0)
		}
		if cost := rules.Cost; cost != nil {
			month, err := d.store.Published(ctx, name, monthStart(now, d.location()))
			if err != nil {
				return nil, err
			}
			deletes, err := d.store.CountDeletions(ctx, name, monthStart(now, d.location()), now)
			if err != nil {
				return nil, err
			}
			s.SpentThisMonth = cents(cost.spent(month) + float64(deletes)*cost.Delete)
			s.MonthlyBudget = cost.MonthlyBudget
			if cost.MonthlyBudget > 0 {
				s.BudgetLeft = cents(max(cost.MonthlyBudget-s.SpentThisMonth, 0))
			}
		}
		if quiet, until := rules.Quiet.Active(now); quiet {
			s.QuietUntil = until
		}
		if rr, ok := p.(RateReporter); ok {
			if rem, reset, known := rr.RateRemaining(); known {
				s.RateLimitRemaining, s.RateLimitReset = rem, reset
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// cents rounds an amount of dollars to the cent, so that sums of prices
// read as money.
func cents(v float64) float64 { return math.Round(v*100) / 100 }
