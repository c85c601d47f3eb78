package source

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// Fetcher is what the poller needs of the shared fetcher.
type Fetcher interface {
	Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error)
}

// Handler receives the entries of a feed that was fetched and parsed. An
// error leaves the feed's ETag unchanged, so the same entries come again.
type Handler interface {
	HandleFeed(ctx context.Context, f *store.Feed, p *feed.Parsed) error
}

// FeedStore is what the poller keeps of each feed.
type FeedStore interface {
	EnsureFeed(ctx context.Context, url string) (*store.Feed, error)
	SaveFeedState(ctx context.Context, f *store.Feed) error
	LeaseFeed(ctx context.Context, id int64, owner string, now, until time.Time) (*store.Feed, bool, error)
	RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error
}

// DefaultLease is how long a poller holds a feed it is fetching; it renews
// the lease while the work lasts, so a replica that dies loses its feeds to
// the others within this time.
const DefaultLease = 30 * time.Second

// Fetch results, for metrics and the dashboard.
const (
	ResultOK          = "ok"
	ResultNotModified = "not-modified"
	ResultError       = "error"
)

// Poller fetches every feed once per interval through a bounded pool of
// workers. A feed that fails backs off on its own schedule; it never holds
// up the others.
type Poller struct {
	Store    FeedStore
	Fetcher  Fetcher
	Handler  Handler
	Interval time.Duration
	Workers  int
	// MaxBackoff caps how long a failing feed waits (default 1h).
	MaxBackoff time.Duration
	Clock      func() time.Time
	Log        *slog.Logger
	// Observe, when set, is told the result of every fetch.
	Observe func(feedURL, result string, d time.Duration)
	// Owner names this process in feed leases, so that several replicas
	// sharing a database poll each feed once between them.
	Owner string
	// Lease is how long a feed lease lasts (default DefaultLease).
	Lease time.Duration
	// Fetched, when set, is shown every feed read successfully, with the
	// answer (WebSub looks for the feed's hub there).
	Fetched func(ctx context.Context, f store.Feed, resp *fetch.Response)
	// PollEvery, when set, gives a feed's own interval (a feed its hub
	// pushes is polled less often); 0 means Interval.
	PollEvery func(feedURL string) time.Duration

	mu       sync.Mutex
	feeds    []*store.Feed
	inFlight map[int64]bool
	wake     chan struct{}
}

func (p *Poller) now() time.Time {
	if p.Clock != nil {
		return p.Clock()
	}
	return time.Now()
}

func (p *Poller) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// SetFeeds replaces the list of feeds to poll; new ones are added to the
// store and polled at once, removed ones are no longer polled.
func (p *Poller) SetFeeds(ctx context.Context, urls []string) error {
	feeds := make([]*store.Feed, 0, len(urls))
	for _, u := range urls {
		f, err := p.Store.EnsureFeed(ctx, u)
		if err != nil {
			return err
		}
		feeds = append(feeds, f)
	}
	p.mu.Lock()
	p.feeds = feeds
	if p.inFlight == nil {
		p.inFlight = make(map[int64]bool)
	}
	p.mu.Unlock()
	p.Wake()
	return nil
}

// Feeds returns the feeds being polled, with their last known state.
func (p *Poller) Feeds() []store.Feed {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]store.Feed, len(p.feeds))
	for i, f := range p.feeds {
		out[i] = *f
	}
	return out
}

// Wake makes Run look for due feeds now.
func (p *Poller) Wake() {
	p.mu.Lock()
	if p.wake == nil {
		p.wake = make(chan struct{}, 1)
	}
	w := p.wake
	p.mu.Unlock()
	select {
	case w <- struct{}{}:
	default:
	}
}

// Run polls due feeds until ctx is done, then waits for fetches in flight.
func (p *Poller) Run(ctx context.Context) {
	p.Wake()
	p.mu.Lock()
	wake := p.wake
	p.mu.Unlock()
	sem := make(chan struct{}, max(p.Workers, 1))
	var wg sync.WaitGroup
	defer wg.Wait()
	renew := time.NewTicker(p.lease() / 3)
	defer renew.Stop()
	for {
		next := p.now().Add(time.Second)
		for _, f := range p.due(&next) {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				p.release(f)
				return
			}
			wg.Add(1)
			go func() {
				defer func() { <-sem; p.release(f); wg.Done() }()
				p.poll(ctx, f, true)
			}()
		}
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-renew.C:
			now := p.now()
			if err := p.Store.RenewFeedLeases(ctx, p.Owner, now, now.Add(p.lease())); err != nil {
				p.log().Error("renewing feed leases failed", "err", err)
			}
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// due marks and returns the feeds whose time has come, and lowers next to
// the earliest time another one will be.
func (p *Poller) due(next *time.Time) []*store.Feed {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*store.Feed
	for _, f := range p.feeds {
		if p.inFlight[f.ID] {
			continue
		}
		if f.NextFetch.After(now) {
			if f.NextFetch.Before(*next) {
				*next = f.NextFetch
			}
			continue
		}
		p.inFlight[f.ID] = true
		out = append(out, f)
	}
	return out
}

func (p *Poller) release(f *store.Feed) {
	p.mu.Lock()
	delete(p.inFlight, f.ID)
	p.mu.Unlock()
}

// PollAll fetches every feed once, whatever its schedule, with the same
// bound on concurrency, and returns when all are done.
func (p *Poller) PollAll(ctx context.Context) {
	p.mu.Lock()
	feeds := append([]*store.Feed(nil), p.feeds...)
	p.mu.Unlock()
	sem := make(chan struct{}, max(p.Workers, 1))
	var wg sync.WaitGroup
	for _, f := range feeds {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			p.poll(ctx, f, false)
		}()
	}
	wg.Wait()
}

func (p *Poller) lease() time.Duration {
	if p.Lease > 0 {
		return p.Lease
	}
	return DefaultLease
}

// poll fetches one feed and records the outcome. The feed's fields are
// updated in place under the poller's lock. With lease, the feed is first
// leased in the store: when another replica holds it or has just fetched
// it, poll only takes the stored state.
func (p *Poller) poll(ctx context.Context, f *store.Feed, lease bool) {
	start := p.now()
	p.mu.Lock()
	st := *f
	p.mu.Unlock()
	if lease {
		cur, ok, err := p.Store.LeaseFeed(ctx, st.ID, p.Owner, start, start.Add(p.lease()))
		if err != nil {
			if ctx.Err() == nil {
				p.log().Error("leasing feed failed", "feed_url", st.URL, "err", err)
			}
			return
		}
		if !ok {
			// Another replica has it, or fetched it since we last looked.
			if cur.NextFetch.Before(start.Add(time.Second)) {
				cur.NextFetch = start.Add(time.Second)
			}
			p.mu.Lock()
			*f = *cur
			p.mu.Unlock()
			return
		}
		st = *cur
	}

	result, retryAfter, err := p.fetchAndHandle(ctx, &st)
	if ctx.Err() != nil && err != nil {
		return // shutting down: leave the feed as it was
	}
	st.LastFetch = start
	st.LastStatus = result
	interval := p.Interval
	if p.PollEvery != nil {
		if d := p.PollEvery(st.URL); d > 0 {
			interval = d
		}
	}
	if err != nil {
		st.Failures++
		st.LastError = err.Error()
		backoff := p.backoff(st.Failures)
		if retryAfter > backoff {
			backoff = min(retryAfter, 6*time.Hour)
		}
		st.NextFetch = start.Add(backoff)
		p.log().Warn("feed fetch failed", "feed_url", st.URL, "err", err, "failures", st.Failures,
			"next_fetch", st.NextFetch.Format(time.RFC3339))
	} else {
		st.Failures = 0
		st.LastError = ""
		st.LastSuccess = start
		st.NextFetch = start.Add(interval)
	}
	if err := p.Store.SaveFeedState(context.WithoutCancel(ctx), &st); err != nil {
		p.log().Error("saving feed state failed", "feed_url", st.URL, "err", err)
	}
	p.mu.Lock()
	*f = st
	p.mu.Unlock()
	if p.Observe != nil {
		p.Observe(st.URL, result, p.now().Sub(start))
	}
}

func (p *Poller) fetchAndHandle(ctx context.Context, f *store.Feed) (result string, retryAfter time.Duration, err error) {
	resp, err := p.Fetcher.Fetch(ctx, fetch.Request{URL: f.URL, Trusted: f.URL, ETag: f.ETag, LastModified: f.LastModified})
	if err != nil {
		var fe *fetch.Error
		if errors.As(err, &fe) {
			retryAfter = fe.RetryAfter
		}
		return ResultError, retryAfter, err
	}
	if resp.NotModified {
		return ResultNotModified, 0, nil
	}
	parsed, err := feed.Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		return ResultError, 0, fmt.Errorf("%s: %w", f.URL, err)
	}
	if err := p.Handler.HandleFeed(ctx, f, parsed); err != nil {
		return ResultError, 0, fmt.Errorf("%s: %w", f.URL, err)
	}
	f.ETag, f.LastModified = resp.ETag, resp.LastModified
	f.Initialized = true
	if parsed.Title != "" {
		f.Title = parsed.Title
	}
	if p.Fetched != nil {
		p.Fetched(ctx, *f, resp)
	}
	return ResultOK, 0, nil
}

// backoff doubles the wait with each failure in a row, from one interval up
// to MaxBackoff.
func (p *Poller) backoff(failures int) time.Duration {
	limit := p.MaxBackoff
	if limit <= 0 {
		limit = time.Hour
	}
	d := p.Interval
	for i := 1; i < failures && d < limit; i++ {
		d *= 2
	}
	return min(d, max(limit, p.Interval))
}
