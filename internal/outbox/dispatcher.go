// Package outbox is the dispatcher: it takes due posts from the outbox in
// priority order and sends each through its destination's publisher, keeping
// the spacing and daily cap per destination, retrying transient failures
// with capped exponential backoff, waiting out rate limits, and pausing a
// destination whose credentials the platform refuses.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Publisher sends one post to one platform and classifies the answer:
// nil, news.ErrDuplicate, or a *news.PublishError.
type Publisher interface {
	Name() string
	Publish(ctx context.Context, text string) (news.Published, error)
}

// Options are the dispatcher's limits.
type Options struct {
	// MinInterval is the least time between two posts to one destination.
	MinInterval time.Duration
	// DailyCap is the most posts to one destination in any 24 hours; 0 is no cap.
	DailyCap int
	// MaxAge skips an automatic post whose article is older than this.
	MaxAge time.Duration
	// MaxAttempts is how many transient failures a post survives.
	MaxAttempts int
	// Lease is how long a claimed post stays claimed (default 2m): longer
	// than any publish call can take.
	Lease time.Duration
	// PublishTimeout bounds one publish call (default 30s).
	PublishTimeout time.Duration
	Clock          func() time.Time
	Log            *slog.Logger
	// Jitter returns a number in [0, 1) (default math/rand).
	Jitter func() float64
	// Observe, when set, is told the outcome of every publish.
	Observe func(dest string, status news.Status, d time.Duration)
}

// Dispatcher sends queued posts.
type Dispatcher struct {
	store store.Store
	pubs  []Publisher
	o     Options
	kick  chan struct{}

	mu     sync.Mutex
	paused bool // every destination, by an editor
}

// New returns a dispatcher over the store for the given publishers.
func New(s store.Store, pubs []Publisher, o Options) *Dispatcher {
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.PublishTimeout <= 0 {
		o.PublishTimeout = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	return &Dispatcher{store: s, pubs: pubs, o: o, kick: make(chan struct{}, 1)}
}

// Kick makes Run look for due posts now, after new ones were queued.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run dispatches until ctx is done. A publish call under way when ctx ends
// is allowed to finish, within PublishTimeout, so its outcome is recorded.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		next := d.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		// Look again at least every few seconds: leases expire, and editors
		// change posts from other processes.
		wait := min(next.Sub(d.o.Clock()), 5*time.Second)
		if wait < 10*time.Millisecond {
			wait = 10 * time.Millisecond
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

// Step sends what is due now to every destination and returns when work may
// next be due. Tests drive it with a fake clock.
func (d *Dispatcher) Step(ctx context.Context) time.Time {
	now := d.o.Clock()
	var next time.Time
	for _, p := range d.pubs {
		if ctx.Err() != nil {
			break
		}
		n, err := d.stepDestination(ctx, p)
		if err != nil {
			d.o.Log.Error("dispatch failed", "destination", p.Name(), "err", err)
			n = now.Add(5 * time.Second)
		}
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	if next.IsZero() {
		next = now.Add(time.Minute)
	}
	return next
}

// stepDestination sends due posts to one destination while its limits allow,
// and returns when it should be looked at again (zero: nothing to do).
func (d *Dispatcher) stepDestination(ctx context.Context, pub Publisher) (time.Time, error) {
	name := pub.Name()
	for ctx.Err() == nil {
		now := d.o.Clock()
		if d.Paused() {
			return time.Time{}, nil
		}
		dest, err := d.store.Destination(ctx, name)
		if err != nil {
			return time.Time{}, err
		}
		if dest.Paused {
			return time.Time{}, nil
		}
		if dest.WaitUntil.After(now) {
			return dest.WaitUntil, nil
		}
		count, last, err := d.store.PublishedSince(ctx, name, now.Add(-24*time.Hour))
		if err != nil {
			return time.Time{}, err
		}
		if !last.IsZero() && d.o.MinInterval > 0 && now.Before(last.Add(d.o.MinInterval)) {
			due, err := d.store.NextDue(ctx, name)
			if err != nil || due.IsZero() {
				return time.Time{}, err
			}
			return maxTime(due, last.Add(d.o.MinInterval)), nil
		}
		if d.o.DailyCap > 0 && count >= d.o.DailyCap {
			// Look again in a minute: the rolling window moves on.
			return now.Add(time.Minute), nil
		}
		post, err := d.store.ClaimPost(ctx, name, now, d.o.Lease)
		if errors.Is(err, news.ErrNotFound) {
			return d.store.NextDue(ctx, name)
		}
		if err != nil {
			return time.Time{}, err
		}
		if err := d.send(ctx, pub, post); err != nil {
			return time.Time{}, err
		}
	}
	return time.Time{}, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

var sending = []news.Status{news.StatusSending}

// send publishes a claimed post and records the outcome.
func (d *Dispatcher) send(ctx context.Context, pub Publisher, p *news.Post) error {
	name := pub.Name()
	log := d.o.Log.With("destination", name, "post_id", p.ID)
	now := d.o.Clock()
	if d.o.MaxAge > 0 && p.Priority < news.PriorityEditor && now.Sub(p.SortAt) > d.o.MaxAge {
		_, err := d.store.Transition(ctx, p.ID, sending, news.StatusSkipped,
			fmt.Sprintf("stale: published %s ago, more than HERALD_MAX_AGE", now.Sub(p.SortAt).Round(time.Minute)),
			"dispatcher", now, func(p *news.Post) { p.LastError = "stale" })
		log.Info("post skipped as stale")
		return err
	}

	// The call gets its own deadline and is not cut short by shutdown: the
	// outcome of a post that reached the platform must be recorded.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.o.PublishTimeout)
	start := time.Now()
	res, perr := pub.Publish(callCtx, p.Text)
	cancel()
	took := time.Since(start)
	now = d.o.Clock()
	rctx := context.WithoutCancel(ctx)

	var pe *news.PublishError
	var status news.Status
	var err error
	switch {
	case perr == nil:
		status = news.StatusPublished
		_, err = d.store.Transition(rctx, p.ID, sending, status, "published", "dispatcher", now, func(p *news.Post) {
			p.RemoteID, p.RemoteURL, p.LastError = res.RemoteID, res.URL, ""
		})
		log.Info("post published", "remote_id", res.RemoteID, "url", res.URL)
	case errors.Is(perr, news.ErrDuplicate):
		// The platform already has it (an earlier attempt got through before
		// a crash or a timeout): final, and counted as published.
		status = news.StatusPublished
		_, err = d.store.Transition(rctx, p.ID, sending, status, "the platform already had this post (duplicate); counted as published",
			"dispatcher", now, func(p *news.Post) { p.LastError = "" })
		log.Info("post was already published (duplicate answer)")
	case errors.As(perr, &pe) && pe.Kind == news.RateLimited:
		status = news.StatusQueued
		until := pe.Until
		if !until.After(now) {
			until = now.Add(time.Minute)
		}
		if err = d.setDestination(rctx, name, func(dst *store.Destination) { dst.WaitUntil = until }); err == nil {
			// Waiting out a rate limit is not the post's fault: the attempt
			// does not count.
			_, err = d.store.Transition(rctx, p.ID, sending, status, "rate limited until "+until.UTC().Format(time.RFC3339),
				"dispatcher", now, func(p *news.Post) { p.Attempts--; p.LastError = pe.Reason; p.NotBefore = until })
		}
		log.Warn("rate limited; destination waits", "until", until.UTC().Format(time.RFC3339))
	case errors.As(perr, &pe) && pe.Kind == news.Permanent:
		status = news.StatusQueued
		if err = d.setDestination(rctx, name, func(dst *store.Destination) { dst.Paused, dst.PauseReason = true, pe.Reason }); err == nil {
			_, err = d.store.Transition(rctx, p.ID, sending, status, "destination paused: "+pe.Reason, "dispatcher", now,
				func(p *news.Post) { p.Attempts--; p.LastError = pe.Reason })
		}
		log.Error("destination paused until an editor resumes it", "reason", pe.Reason)
	case errors.As(perr, &pe) && pe.Kind == news.Rejected:
		status = news.StatusFailed
		_, err = d.store.Transition(rctx, p.ID, sending, status, pe.Reason, "dispatcher", now,
			func(p *news.Post) { p.LastError = pe.Reason })
		log.Warn("post rejected by the platform", "reason", pe.Reason)
	default:
		reason := perr.Error()
		if pe != nil {
			reason = pe.Reason
		}
		if p.Attempts >= d.o.MaxAttempts {
			status = news.StatusFailed
			_, err = d.store.Transition(rctx, p.ID, sending, status,
				fmt.Sprintf("gave up after %d attempts: %s", p.Attempts, reason), "dispatcher", now,
				func(p *news.Post) { p.LastError = reason })
			log.Error("post failed", "attempts", p.Attempts, "err", reason)
		} else {
			status = news.StatusQueued
			retry := now.Add(d.Backoff(p.Attempts))
			_, err = d.store.Transition(rctx, p.ID, sending, status, "will retry: "+reason, "dispatcher", now,
				func(p *news.Post) { p.LastError = reason; p.NotBefore = retry })
			log.Warn("publish failed; will retry", "attempt", p.Attempts, "retry_at", retry.UTC().Format(time.RFC3339), "err", reason)
		}
	}
	if d.o.Observe != nil {
		d.o.Observe(name, status, took)
	}
	return err
}

// Backoff is the wait before retry number attempt (1 = first retry): 2s
// doubling up to 10 minutes, with up to 50% jitter so that many failing posts
// do not return together.
func (d *Dispatcher) Backoff(attempt int) time.Duration {
	base := 2 * time.Second
	for i := 1; i < attempt && base < 10*time.Minute; i++ {
		base *= 2
	}
	base = min(base, 10*time.Minute)
	return base/2 + time.Duration(d.o.Jitter()*float64(base/2))
}

func (d *Dispatcher) setDestination(ctx context.Context, name string, fn func(*store.Destination)) error {
	dst, err := d.store.Destination(ctx, name)
	if err != nil {
		return err
	}
	fn(dst)
	return d.store.SaveDestination(ctx, dst)
}

// Pause stops automatic dispatch to every destination.
func (d *Dispatcher) Pause() { d.mu.Lock(); d.paused = true; d.mu.Unlock() }

// Resume restarts dispatch.
func (d *Dispatcher) Resume() { d.mu.Lock(); d.paused = false; d.mu.Unlock(); d.Kick() }

// Paused reports whether dispatch is paused.
func (d *Dispatcher) Paused() bool { d.mu.Lock(); defer d.mu.Unlock(); return d.paused }

// ResumeDestination clears a destination's pause, after an editor fixed
// what made the platform refuse it.
func (d *Dispatcher) ResumeDestination(ctx context.Context, name string) error {
	err := d.setDestination(ctx, name, func(dst *store.Destination) { dst.Paused, dst.PauseReason = false, "" })
	d.Kick()
	return err
}
