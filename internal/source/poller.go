package source

import (
	"container/heap"
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
	EnsureFeeds(ctx context.Context, urls []string) ([]*store.Feed, error)
	LeasesNeeded() bool
	LeaseFeeds(ctx context.Context, ids []int64, owner string, now, until time.Time) (leased, busy []*store.Feed, err error)
	RenewFeedLeases(ctx context.Context, owner string, now, until time.Time) error
	ReleaseFeedLeases(ctx context.Context, owner string) error
	SaveFeedStates(ctx context.Context, owner string, feeds []*store.Feed) (lost []int64, err error)
}

// DefaultLease is how long a poller holds a feed it is fetching; it renews
// the lease while the work lasts, so a replica that dies loses its feeds to
// the others within this time.
const DefaultLease = 30 * time.Second

// DefaultSaveEvery is how long the outcomes of fetches wait to be written
// together.
const DefaultSaveEvery = time.Second

// saveBatch is how many outcomes make the poller write them at once rather
// than wait for SaveEvery.
const saveBatch = 512

// Fetch results, for metrics and the dashboard.
const (
	ResultOK          = "ok"
	ResultNotModified = "not-modified"
	ResultError       = "error"
)

// Poller fetches every feed once per interval through a bounded pool of
// workers. A feed that fails backs off on its own schedule; it never holds
// up the others.
//
// Feeds wait in a min-heap ordered by when they are next due, so a wake-up
// costs O(log n) for each feed it hands out, not a scan of every feed. The
// outcome of each fetch is written in batches (SaveEvery): a round of 304s
// is one transaction a second, not one write a feed. When the store is
// shared by replicas (LeasesNeeded), the due feeds are leased in batches
// before they are fetched, a goroutine of their own renews the leases
// whatever the workers are doing, and a write is made only under the lease:
// the outcome of a fetch whose lease another replica took is dropped.
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
	// SaveEvery is how long the outcomes of fetches wait to be written
	// together (default DefaultSaveEvery). A process that stops writes
	// what waits; one that dies loses at most this much, and fetches those
	// feeds again.
	SaveEvery time.Duration

	mu       sync.Mutex
	order    []*entry         // the feeds in the order SetFeeds was given them
	byID     map[int64]*entry // the same, by id
	queue    schedule         // the feeds not handed to a worker, by when they are due
	reserved int              // feeds handed to workers, waiting or being fetched
	wake     chan struct{}
	// What Run's dispatcher waits for, so that a feed put back wakes it only
	// when it must: room for more work, or the time it wakes up by itself
	// (zero: it waits to be woken).
	waitRoom bool
	wakeAt   time.Time

	saveMu  sync.Mutex
	pending map[int64]store.Feed // outcomes not written yet, by feed
	kick    chan struct{}        // pending is full: write it now
	flushMu sync.Mutex           // one write at a time, so a later outcome is never overwritten by an earlier
}

// entry is a feed the poller schedules.
type entry struct {
	feed  store.Feed // last known state
	at    time.Time  // when it is due: its NextFetch, or when a lease may be had
	index int        // in the queue; -1 while out of it
	busy  bool       // handed to a worker
	// unsaved: fetched, and the outcome not written yet. The feed waits out
	// of the queue until it is: writing an outcome releases the feed's
	// lease, which must not be a lease taken for a later fetch.
	unsaved bool
	gone    bool // removed from the list while busy: not queued again
}

// schedule is a min-heap of entries by due time (container/heap).
type schedule []*entry

func (s schedule) Len() int           { return len(s) }
func (s schedule) Less(i, j int) bool { return s[i].at.Before(s[j].at) }
func (s schedule) Swap(i, j int) {
	s[i], s[j] = s[j], s[i]
	s[i].index, s[j].index = i, j
}

func (s *schedule) Push(x any) {
	e := x.(*entry)
	e.index = len(*s)
	*s = append(*s, e)
}

func (s *schedule) Pop() any {
	old := *s
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*s = old[:len(old)-1]
	e.index = -1
	return e
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

func (p *Poller) lease() time.Duration {
	if p.Lease > 0 {
		return p.Lease
	}
	return DefaultLease
}

func (p *Poller) saveEvery() time.Duration {
	if p.SaveEvery > 0 {
		return p.SaveEvery
	}
	return DefaultSaveEvery
}

// init makes the poller's maps and channels; p.mu is held.
func (p *Poller) init() {
	if p.byID == nil {
		p.byID = make(map[int64]*entry)
		p.wake = make(chan struct{}, 1)
		p.pending = make(map[int64]store.Feed)
		p.kick = make(chan struct{}, 1)
	}
}

// SetFeeds replaces the list of feeds to poll; new ones are added to the
// store and polled at once, removed ones are no longer polled, and the
// others keep their state and schedule.
func (p *Poller) SetFeeds(ctx context.Context, urls []string) error {
	feeds, err := p.Store.EnsureFeeds(ctx, urls)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.init()
	byID := make(map[int64]*entry, len(feeds))
	order := make([]*entry, 0, len(feeds))
	for _, f := range feeds {
		if byID[f.ID] != nil { // listed twice
			continue
		}
		e := p.byID[f.ID]
		if e == nil {
			e = &entry{feed: *f, at: f.NextFetch, index: -1}
			heap.Push(&p.queue, e)
		}
		e.gone = false
		byID[f.ID] = e
		order = append(order, e)
	}
	for id, e := range p.byID {
		if byID[id] == nil {
			if e.index >= 0 {
				heap.Remove(&p.queue, e.index)
			}
			e.gone = true
		}
	}
	p.byID, p.order = byID, order
	p.mu.Unlock()
	p.Wake()
	return nil
}

// Feeds returns the feeds being polled, with their last known state.
func (p *Poller) Feeds() []store.Feed {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]store.Feed, len(p.order))
	for i, e := range p.order {
		out[i] = e.feed
	}
	return out
}

// Wake makes Run look for due feeds now.
func (p *Poller) Wake() {
	p.mu.Lock()
	p.init()
	w := p.wake
	p.mu.Unlock()
	select {
	case w <- struct{}{}:
	default:
	}
}

// Run polls due feeds until ctx is done, then waits for fetches in flight,
// writes the outcomes still waiting and gives up its leases.
func (p *Poller) Run(ctx context.Context) {
	p.mu.Lock()
	p.init()
	wake := p.wake
	p.mu.Unlock()
	leases := p.Store.LeasesNeeded()
	workers := max(p.Workers, 1)
	// The workers' queue holds as many feeds again as there are workers,
	// so that feeds are leased in batches while the workers are busy.
	capacity := 2 * workers
	jobs := make(chan *entry, capacity)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for e := range jobs {
				p.work(ctx, e)
			}
		})
	}
	var bg sync.WaitGroup
	bg.Go(func() { p.saveLoop(ctx, leases) })
	if leases {
		bg.Go(func() { p.renewLoop(ctx) })
	}
	p.dispatch(ctx, jobs, wake, leases, capacity)
	close(jobs)
	wg.Wait()
	bg.Wait()
	done := context.WithoutCancel(ctx)
	p.flush(done, leases)
	if leases {
		rctx, cancel := context.WithTimeout(done, 5*time.Second)
		defer cancel()
		if err := p.Store.ReleaseFeedLeases(rctx, p.Owner); err != nil {
			p.log().Warn("feed leases not released; other replicas take the feeds when they expire", "err", err)
		}
	}
}

// dispatch hands due feeds to the workers until ctx is done. It sleeps
// until the earliest feed is due, or until Wake or a worker's end.
func (p *Poller) dispatch(ctx context.Context, jobs chan<- *entry, wake <-chan struct{}, leases bool, capacity int) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	// Where feeds are leased, a feed that comes due waits a moment for
	// others to come due with it (see takeDue).
	var gather time.Duration
	if leases {
		gather = min(maxLeaseWait, p.Interval/20)
	}
	for {
		batch, wait := p.takeDue(capacity, gather)
		if len(batch) > 0 {
			if leases {
				batch = p.leaseBatch(ctx, batch)
			}
			for _, e := range batch {
				jobs <- e // room is reserved: never blocks
			}
			continue
		}
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// maxLeaseWait bounds how long a feed that comes due waits for others to
// be leased with it: it is fetched at most this late.
const maxLeaseWait = 100 * time.Millisecond

// takeDue takes the feeds that are due, as many as the workers have room
// for, or says how long until the earliest one is due (0: until woken).
// While the workers are busy it waits until a quarter of their room is
// free, so that feeds are handed out, and leased, in batches. Where feeds
// are leased, the earliest waits gather after it is due, so that the
// feeds coming due one after another between rounds are leased a few at a
// time, by one query, rather than each by its own.
func (p *Poller) takeDue(capacity int, gather time.Duration) ([]*entry, time.Duration) {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	free := capacity - p.reserved
	p.waitRoom, p.wakeAt = false, time.Time{}
	if free <= 0 || (free < max(capacity/4, 1) && p.reserved > 0) {
		p.waitRoom = true
		return nil, 0
	}
	if len(p.queue) == 0 {
		return nil, 0
	}
	if at := p.queue[0].at.Add(gather); at.After(now) {
		p.wakeAt = at
		return nil, at.Sub(now)
	}
	p.wakeAt = now // busy handing out: a feed put back now is seen anyway
	var batch []*entry
	for len(batch) < free && len(p.queue) > 0 && !p.queue[0].at.After(now) {
		e := heap.Pop(&p.queue).(*entry)
		e.busy = true
		batch = append(batch, e)
	}
	p.reserved += len(batch)
	return batch, 0
}

// leaseBatch leases the batch's feeds in the store and returns those it
// got, with their state as stored (another replica may have fetched them
// since). The others go back to the queue for when they are due again, or
// for when the replica holding them must have let go.
func (p *Poller) leaseBatch(ctx context.Context, batch []*entry) []*entry {
	now := p.now()
	ids := make([]int64, len(batch))
	for i, e := range batch {
		ids[i] = e.feed.ID
	}
	leased, busy, err := p.Store.LeaseFeeds(ctx, ids, p.Owner, now, now.Add(p.lease()))
	if err != nil {
		if ctx.Err() == nil {
			p.log().Error("leasing feeds failed", "feeds", len(ids), "err", err)
		}
		p.putBack(batch, func(*entry) time.Time { return now.Add(min(p.Interval, 10*time.Second)) })
		return nil
	}
	byID := make(map[int64]*entry, len(batch))
	for _, e := range batch {
		byID[e.feed.ID] = e
	}
	out := make([]*entry, 0, len(leased))
	p.mu.Lock()
	for _, f := range leased {
		if e := byID[f.ID]; e != nil {
			e.feed = *f
			delete(byID, f.ID)
			out = append(out, e)
		}
	}
	for _, f := range busy {
		if e := byID[f.ID]; e != nil {
			e.feed = *f
		}
	}
	p.mu.Unlock()
	var back []*entry
	for _, e := range byID {
		back = append(back, e)
	}
	p.putBack(back, func(e *entry) time.Time {
		at := e.feed.NextFetch
		if e.feed.LeaseOwner != "" && e.feed.LeaseUntil.After(at) {
			// Held by another replica, which renews the lease while it
			// works: look again when it would have lapsed.
			at = e.feed.LeaseUntil
			if limit := now.Add(p.lease()); at.After(limit) {
				at = limit
			}
		}
		return later(at, now.Add(time.Second))
	})
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// putBack returns feeds taken by takeDue to the queue, but for those
// whose outcome waits to be written.
func (p *Poller) putBack(es []*entry, at func(*entry) time.Time) {
	if len(es) == 0 {
		return
	}
	p.mu.Lock()
	wake := p.waitRoom
	for _, e := range es {
		p.reserved--
		e.busy = false
		e.at = at(e)
		if !e.gone && !e.unsaved {
			wake = p.requeue(e) || wake
		}
	}
	p.mu.Unlock()
	if wake {
		p.Wake()
	}
}

// requeue puts e in the queue and reports whether the dispatcher must be
// woken to see it (it sleeps past e's time); p.mu is held.
func (p *Poller) requeue(e *entry) bool {
	heap.Push(&p.queue, e)
	return p.wakeAt.IsZero() || e.at.Before(p.wakeAt)
}

// work polls one feed handed out by dispatch. The feed goes back to the
// queue for its next fetch once its outcome is written.
func (p *Poller) work(ctx context.Context, e *entry) {
	if st, ok := p.poll(ctx, e); ok {
		// Marked unsaved before the outcome can be written, so that the
		// write, whenever it comes, queues the feed again.
		p.mu.Lock()
		e.feed, e.at, e.unsaved = st, st.NextFetch, true
		p.mu.Unlock()
		p.queueSave(st)
	}
	p.putBack([]*entry{e}, func(e *entry) time.Time { return e.at })
}

// PollAll fetches every feed once, whatever its schedule, with the same
// bound on concurrency, writes the outcomes and returns. When feeds are
// leased, those another replica holds, or has fetched since they were due,
// are left to it, and the others' leases are renewed while they are read.
func (p *Poller) PollAll(ctx context.Context) {
	leases := p.Store.LeasesNeeded()
	p.mu.Lock()
	p.init()
	var batch []*entry
	for _, e := range p.order {
		if e.index < 0 { // being fetched, or its outcome being written
			continue
		}
		heap.Remove(&p.queue, e.index)
		e.busy = true
		batch = append(batch, e)
	}
	p.reserved += len(batch)
	p.mu.Unlock()
	if leases {
		batch = p.leaseBatch(ctx, batch)
		renewing, stop := context.WithCancel(ctx)
		var renewer sync.WaitGroup
		renewer.Go(func() { p.renewLoop(renewing) })
		defer func() { stop(); renewer.Wait() }()
	}
	sem := make(chan struct{}, max(p.Workers, 1))
	var wg sync.WaitGroup
	for _, e := range batch {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p.work(ctx, e)
		})
	}
	wg.Wait()
	p.flush(ctx, leases)
}

// poll fetches one feed and returns its new state; false when ctx ended
// before it was done (the feed is then left as it was).
func (p *Poller) poll(ctx context.Context, e *entry) (store.Feed, bool) {
	if ctx.Err() != nil {
		return store.Feed{}, false
	}
	p.mu.Lock()
	st := e.feed
	p.mu.Unlock()
	start := p.now()
	result, retryAfter, err := p.fetchAndHandle(ctx, &st)
	if ctx.Err() != nil && err != nil {
		return store.Feed{}, false // shutting down: leave the feed as it was
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
	st.LeaseOwner, st.LeaseUntil = "", time.Time{}
	if p.Observe != nil {
		p.Observe(st.URL, result, p.now().Sub(start))
	}
	return st, true
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
		f.ETag, f.LastModified = resp.ETag, resp.LastModified
		return ResultNotModified, 0, nil
	}
	parsed, err := feed.Skim(resp.Body, resp.ContentType, resp.URL)
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

// queueSave keeps a fetch's outcome for the next write.
func (p *Poller) queueSave(f store.Feed) {
	p.saveMu.Lock()
	p.pending[f.ID] = f
	full := len(p.pending) >= saveBatch
	p.saveMu.Unlock()
	if full {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}

// saveLoop writes the outcomes every SaveEvery, or sooner when many wait,
// until ctx is done.
func (p *Poller) saveLoop(ctx context.Context, leases bool) {
	t := time.NewTicker(p.saveEvery())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
		p.flush(context.WithoutCancel(ctx), leases)
	}
}

// flush writes the outcomes that wait, in one transaction, and queues
// their feeds for their next fetch. With leases, an outcome is written only
// under this poller's lease: one whose lease was taken by another replica
// is dropped, and the feed's stored state is read again at its next lease.
// When the database fails, the outcomes wait for the next try.
func (p *Poller) flush(ctx context.Context, leases bool) {
	p.flushMu.Lock()
	defer p.flushMu.Unlock()
	p.saveMu.Lock()
	batch := p.pending
	p.pending = make(map[int64]store.Feed, len(batch))
	p.saveMu.Unlock()
	if len(batch) == 0 {
		return
	}
	feeds := make([]*store.Feed, 0, len(batch))
	for _, f := range batch {
		feeds = append(feeds, &f)
	}
	owner := ""
	if leases {
		owner = p.Owner
	}
	lost, err := p.Store.SaveFeedStates(ctx, owner, feeds)
	if err != nil {
		p.log().Error("saving feed states failed; trying again", "feeds", len(feeds), "err", err)
		p.saveMu.Lock()
		for id, f := range batch {
			if _, newer := p.pending[id]; !newer {
				p.pending[id] = f
			}
		}
		p.saveMu.Unlock()
		return
	}
	now := p.now()
	p.mu.Lock()
	for _, id := range lost {
		if leases {
			p.log().Warn("feed lease lost to another replica: this fetch's outcome is dropped",
				"feed_url", batch[id].URL, "owner", owner)
		} else {
			p.log().Warn("feed state not saved: the feed is no longer in the database", "feed_url", batch[id].URL)
		}
		if e := p.byID[id]; e != nil && e.unsaved {
			e.at = now // read the stored state at the next lease
		}
	}
	wake := false
	for id := range batch {
		if e := p.byID[id]; e != nil && e.unsaved {
			e.unsaved = false
			if !e.busy {
				wake = p.requeue(e) || wake
			}
		}
	}
	p.mu.Unlock()
	if wake {
		p.Wake()
	}
}

// renewLoop renews this poller's feed leases every third of a lease until
// ctx is done, on its own: neither busy workers nor a long queue delay it.
func (p *Poller) renewLoop(ctx context.Context) {
	every := p.lease() / 3
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// A slow database delays a renewal, it does not lose it: the next
		// tick waits for this one, which may take up to a lease
		// (cancelling it sooner could cost the connection, and the next
		// renewal a new one).
		now := p.now()
		rctx, cancel := context.WithTimeout(ctx, p.lease())
		err := p.Store.RenewFeedLeases(rctx, p.Owner, now, now.Add(p.lease()))
		cancel()
		if err != nil && ctx.Err() == nil {
			p.log().Error("renewing feed leases failed", "err", err)
		}
	}
}
