// Package websub subscribes herald to the WebSub hubs its feeds name, so
// that a new article is pushed to herald the moment it is published rather
// than found at the next poll. The Subscriber discovers a feed's hub from
// each fetch, subscribes with a secret of its own, answers the hub's
// verification at a callback unique to the subscription, renews before the
// lease ends, unsubscribes feeds that leave the list, and hands every
// notification whose signature matches to the poller's handler.
// Subscriptions live in the store, so they survive restarts and replicas
// share them: one subscription per feed, and of several replicas one sends
// each request. hubfake/ is a hub for tests.
package websub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// CallbackPattern is the route of the callbacks hubs are given: the
// public URL, this path, and an unguessable id per subscription.
const CallbackPattern = "/websub/{id}"

// A feed with a live subscription is still polled, as a safety net, but
// less often: PolledEvery times the interval, at most PolledAtMost (and
// never more often than other feeds).
const (
	PolledEvery  = 4
	PolledAtMost = time.Hour
)

// Defaults of the Options left zero.
const (
	DefaultLeaseSeconds  = 10 * 24 * 60 * 60
	DefaultVerifyTimeout = 5 * time.Minute
	DefaultRetry         = time.Minute
	DefaultRefresh       = 30 * time.Second
	DefaultWorkers       = 2
	// MaxRetry caps the wait between failed requests to a hub.
	MaxRetry = 6 * time.Hour
	// unsubscribeTries is how many unsubscribe requests are sent before
	// herald forgets the subscription and lets its lease run out.
	unsubscribeTries = 3
)

// Notification results, for metrics.
const (
	ResultAccepted     = "accepted"
	ResultBadSignature = "bad_signature"
	ResultUnknown      = "unknown"
	ResultTooLarge     = "too_large"
)

// Client sends requests to hubs: herald's fetcher, which refuses private
// addresses since a hub's URL comes from a feed.
type Client interface {
	PostForm(ctx context.Context, url string, form url.Values) (*fetch.Response, error)
}

// Store is what the subscriber keeps.
type Store = store.Subscriptions

// DeliverFunc handles a feed document a hub pushed, as if the feed had just
// been fetched.
type DeliverFunc func(ctx context.Context, feedURL string, body []byte, contentType string) error

// Options configure a Subscriber.
type Options struct {
	Store  Store
	Client Client
	// PublicURL is where hubs reach herald (HERALD_PUBLIC_URL); callbacks
	// are PublicURL + /websub/{id}.
	PublicURL string
	Deliver   DeliverFunc
	// LeaseSeconds is the lease asked of hubs, which grant what they will.
	// Default 10 days.
	LeaseSeconds int
	// VerifyTimeout is how long a hub has to confirm a request before it is
	// sent again. Default 5 minutes.
	VerifyTimeout time.Duration
	// Retry is the first wait after a failed request; it doubles with each
	// failure in a row, up to MaxRetry. Default 1 minute.
	Retry time.Duration
	// Refresh is how long the subscriber goes without rereading the store,
	// where other replicas' changes show. Default 30 seconds.
	Refresh time.Duration
	// Workers handle notifications at once. Default 2.
	Workers int
	Clock   func() time.Time
	Log     *slog.Logger
	// Observe, when set, is told the result of every notification.
	Observe func(result string)
}

// Subscriber keeps herald subscribed to its feeds' hubs. Run does the
// requests; the poller tells it what each fetch named (Fetched); the HTTP
// server hands it the hubs' calls (ServeHTTP).
type Subscriber struct {
	o      Options
	public string

	wake    chan struct{}
	queue   chan delivery
	stopped chan struct{}
	stop    sync.Once

	mu sync.Mutex
	// feeds is the feed list; byURL the subscriptions as last read, by
	// feed URL; checked the hub and topic each feed's last fetch named.
	feeds   map[string]bool
	byURL   map[string]store.Subscription
	checked map[int64]named
}

type named struct{ hub, topic string }

type delivery struct {
	feedURL, contentType string
	body                 []byte
}

// New returns a Subscriber; Run starts it.
func New(o Options) (*Subscriber, error) {
	if o.Store == nil || o.Client == nil || o.Deliver == nil {
		return nil, errors.New("websub: Store, Client and Deliver are required")
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("websub: public URL %q is not an absolute http(s) URL", o.PublicURL)
	}
	if o.LeaseSeconds <= 0 {
		o.LeaseSeconds = DefaultLeaseSeconds
	}
	if o.VerifyTimeout <= 0 {
		o.VerifyTimeout = DefaultVerifyTimeout
	}
	if o.Retry <= 0 {
		o.Retry = DefaultRetry
	}
	if o.Refresh <= 0 {
		o.Refresh = DefaultRefresh
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Observe == nil {
		o.Observe = func(string) {}
	}
	return &Subscriber{
		o:       o,
		public:  strings.TrimRight(u.String(), "/"),
		wake:    make(chan struct{}, 1),
		queue:   make(chan delivery, 64),
		stopped: make(chan struct{}),
		byURL:   make(map[string]store.Subscription),
		checked: make(map[int64]named),
	}, nil
}

func (s *Subscriber) now() time.Time { return s.o.Clock() }

// Wake makes Run look for work now.
func (s *Subscriber) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// callbackURL is where the hub of sub calls herald.
func (s *Subscriber) callbackURL(sub *store.Subscription) string {
	return s.public + strings.Replace(CallbackPattern, "{id}", sub.Callback, 1)
}

// remember keeps sub as the latest known state of its feed's subscription.
func (s *Subscriber) remember(sub *store.Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byURL[sub.FeedURL] = *sub
}

func (s *Subscriber) forget(sub *store.Subscription) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.byURL[sub.FeedURL]; ok && cur.ID == sub.ID {
		delete(s.byURL, sub.FeedURL)
	}
	delete(s.checked, sub.FeedID)
}

// PollEvery returns, for the poller, how often a feed is polled: less often
// than base while its hub pushes it; 0 (base) otherwise.
func (s *Subscriber) PollEvery(base time.Duration) func(feedURL string) time.Duration {
	slow := max(base, min(PolledEvery*base, PolledAtMost))
	return func(feedURL string) time.Duration {
		s.mu.Lock()
		sub, ok := s.byURL[feedURL]
		s.mu.Unlock()
		if ok && sub.Live(s.now()) {
			return slow
		}
		return 0
	}
}

// SetFeeds sets the feed list. A subscription whose feed left it is
// unsubscribed (or simply forgotten when the hub never confirmed it); one
// whose feed came back is made anew.
func (s *Subscriber) SetFeeds(ctx context.Context, urls []string) error {
	feeds := make(map[string]bool, len(urls))
	for _, u := range urls {
		feeds[u] = true
	}
	s.mu.Lock()
	s.feeds = feeds
	s.mu.Unlock()
	subs, err := s.o.Store.AllSubscriptions(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	for _, sub := range subs {
		if err := s.listed(ctx, sub, feeds[sub.FeedURL], now); err != nil &&
			!errors.Is(err, news.ErrConflict) && !errors.Is(err, news.ErrNotFound) {
			return err
		}
	}
	s.Wake()
	return nil
}

// listed brings a subscription in line with whether its feed is in the
// list.
func (s *Subscriber) listed(ctx context.Context, sub *store.Subscription, listed bool, now time.Time) error {
	switch {
	case !listed && sub.State == store.SubActive && sub.Expires.After(now):
		sub.State, sub.Failures, sub.Reason = store.SubUnsubscribing, 0, ""
		sub.NextAction, sub.UpdatedAt = now, now
		if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
			return err
		}
		s.remember(sub)
	case !listed && sub.State != store.SubUnsubscribing:
		// The hub never confirmed, or its lease is over: nothing to undo.
		if err := s.o.Store.DeleteSubscription(ctx, sub); err != nil {
			return err
		}
		s.forget(sub)
	case listed && sub.State == store.SubUnsubscribing:
		fresh, err := s.fresh(sub.FeedID, sub.FeedURL, sub.Hub, sub.Topic)
		if err != nil {
			return err
		}
		fresh.ID, fresh.Version = sub.ID, sub.Version
		if err := s.o.Store.SaveSubscription(ctx, fresh); err != nil {
			return err
		}
		s.remember(fresh)
	}
	return nil
}

// fresh makes a new subscription of a feed to hub, with its own callback
// and secret, due at once; a feed without a hub gets a row that says so.
func (s *Subscriber) fresh(feedID int64, feedURL, hub, topic string) (*store.Subscription, error) {
	var secret [32]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return nil, err
	}
	now := s.now()
	sub := &store.Subscription{
		FeedID: feedID, FeedURL: feedURL, Callback: rand.Text(), Hub: hub, Topic: topic,
		Secret: hex.EncodeToString(secret[:]), State: store.SubSubscribing, NextAction: now, UpdatedAt: now,
	}
	switch {
	case hub == "":
		sub.State, sub.Topic, sub.Secret, sub.NextAction = store.SubNoHub, "", "", time.Time{}
	case !httpURL(hub):
		sub.State, sub.NextAction = store.SubRefused, time.Time{}
		sub.Reason = fmt.Sprintf("the feed names a hub that is not an http(s) URL: %q", hub)
	case !httpURL(topic):
		sub.State, sub.NextAction = store.SubRefused, time.Time{}
		sub.Reason = fmt.Sprintf("the feed names itself (rel=\"self\") with something that is not an http(s) URL: %q", topic)
	}
	return sub, nil
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Fetched looks at what a successful fetch of f named as its hub and topic,
// and subscribes (anew) when that changed. The poller calls it.
func (s *Subscriber) Fetched(ctx context.Context, f store.Feed, resp *fetch.Response) {
	hub, topic := Discover(resp.Header, resp.Body, resp.URL)
	if topic == "" {
		// A feed that does not name itself is known to its hub by the
		// address it is served at.
		topic = resp.URL
	}
	if hub == "" {
		topic = ""
	}
	now := named{hub, topic}
	s.mu.Lock()
	prev, ok := s.checked[f.ID]
	// A poll that ends after its feed left the list subscribes to nothing.
	gone := s.feeds != nil && !s.feeds[f.URL]
	s.mu.Unlock()
	if gone || ok && prev == now {
		return
	}
	log := s.o.Log.With("feed_url", f.URL)
	sub, err := s.o.Store.FeedSubscription(ctx, f.ID)
	switch {
	case errors.Is(err, news.ErrNotFound):
		sub = nil
	case err != nil:
		log.Error("reading the feed's WebSub subscription failed", "err", err)
		return
	}
	if sub != nil && sub.Hub == hub && sub.Topic == topic && sub.State != store.SubUnsubscribing {
		s.remember(sub)
		s.mu.Lock()
		s.checked[f.ID] = now
		s.mu.Unlock()
		return
	}
	fresh, err := s.fresh(f.ID, f.URL, hub, topic)
	if err != nil {
		log.Error("making a WebSub subscription failed", "err", err)
		return
	}
	if sub == nil {
		err = s.o.Store.AddSubscription(ctx, fresh)
	} else {
		fresh.ID, fresh.Version = sub.ID, sub.Version
		err = s.o.Store.SaveSubscription(ctx, fresh)
	}
	switch {
	case errors.Is(err, news.ErrConflict):
		return // another replica got there first; its view wins
	case err != nil:
		log.Error("saving the feed's WebSub subscription failed", "err", err)
		return
	}
	s.remember(fresh)
	s.mu.Lock()
	s.checked[f.ID] = now
	s.mu.Unlock()
	switch fresh.State {
	case store.SubSubscribing:
		log.Info("the feed names a WebSub hub: subscribing", "hub", hub, "topic", topic)
		s.Wake()
	case store.SubRefused:
		log.Warn("the feed's WebSub hub cannot be used", "reason", fresh.Reason)
	case store.SubNoHub:
		if sub != nil && sub.Hub != "" {
			log.Info("the feed no longer names a WebSub hub: polling only", "hub", sub.Hub)
		}
	}
}

// Run sends the subscriptions' requests as they fall due and hands
// notifications to Deliver, until ctx is done.
func (s *Subscriber) Run(ctx context.Context) {
	defer s.stop.Do(func() { close(s.stopped) })
	var wg sync.WaitGroup
	defer wg.Wait()
	for range s.o.Workers {
		wg.Go(func() { s.deliverLoop(ctx) })
	}
	for {
		next := s.tick(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := s.o.Refresh
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(s.now()), 10*time.Millisecond))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// tick rereads the subscriptions and acts on those due. It returns when the
// next one falls due (zero: none is to).
func (s *Subscriber) tick(ctx context.Context) (next time.Time) {
	subs, err := s.o.Store.AllSubscriptions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.o.Log.Error("reading WebSub subscriptions failed", "err", err)
		}
		return time.Time{}
	}
	now := s.now()
	byURL := make(map[string]store.Subscription, len(subs))
	var due []*store.Subscription
	for _, sub := range subs {
		byURL[sub.FeedURL] = *sub
		switch {
		case sub.NextAction.IsZero():
		case !sub.NextAction.After(now):
			due = append(due, sub)
		case next.IsZero() || sub.NextAction.Before(next):
			next = sub.NextAction
		}
	}
	s.mu.Lock()
	for u, cur := range s.byURL {
		// A confirmation that came while the store was read is newer.
		if read, ok := byURL[u]; ok && read.ID == cur.ID && read.Version < cur.Version {
			byURL[u] = cur
		}
	}
	s.byURL = byURL
	s.mu.Unlock()
	// A few requests at once: a newsroom's feeds often share one hub, and a
	// slow hub should not hold up another's.
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, sub := range due {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.act(ctx, sub)
		})
	}
	wg.Wait()
	for _, sub := range due {
		// act moved each on; one whose write failed is tried again later.
		n := sub.NextAction
		if n.IsZero() {
			continue
		}
		if !n.After(now) {
			n = s.now().Add(s.o.Retry)
		}
		if next.IsZero() || n.Before(next) {
			next = n
		}
	}
	return next
}

// act does what a due subscription needs.
func (s *Subscriber) act(ctx context.Context, sub *store.Subscription) {
	switch {
	case sub.State == store.SubUnsubscribing:
		s.unsubscribe(ctx, sub)
	case sub.Hub != "" && (sub.State == store.SubSubscribing || sub.State == store.SubActive || sub.State == store.SubRefused):
		s.subscribe(ctx, sub)
	default:
		sub.NextAction, sub.UpdatedAt = time.Time{}, s.now()
		if err := s.o.Store.SaveSubscription(ctx, sub); err == nil {
			s.remember(sub)
		}
	}
}

// subscribe asks the hub for the subscription, or to renew it. The row is
// first moved on to the time to look again, which claims it: of several
// replicas, the one whose write lands sends the request.
func (s *Subscriber) subscribe(ctx context.Context, sub *store.Subscription) {
	now := s.now()
	log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
	renewal := sub.Live(now)
	wait := s.o.VerifyTimeout
	if sub.State == store.SubSubscribing && !sub.RequestedAt.IsZero() {
		// Most often the hub cannot reach the callback: ask again, less and
		// less often.
		sub.Failures++
		sub.Reason = fmt.Sprintf("the hub did not confirm the subscription within %s: can it reach %s?",
			s.o.VerifyTimeout, s.public)
		wait = max(wait, s.retry(sub.Failures))
		log.Warn("the WebSub hub did not confirm the subscription; asking again", "waited", s.o.VerifyTimeout,
			"public_url", s.public, "failures", sub.Failures)
	}
	if !renewal {
		sub.State = store.SubSubscribing
	}
	sub.RequestedAt, sub.NextAction, sub.UpdatedAt = now, now.Add(wait), now
	if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
		s.lost(log, err)
		return
	}
	s.remember(sub)
	form := url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {sub.Topic},
		"hub.callback":      {s.callbackURL(sub)},
		"hub.secret":        {sub.Secret},
		"hub.lease_seconds": {strconv.Itoa(s.o.LeaseSeconds)},
	}
	if _, err := s.o.Client.PostForm(ctx, sub.Hub, form); err != nil {
		if ctx.Err() != nil {
			return // shutting down: the request is sent again after VerifyTimeout
		}
		now = s.now()
		sub.Failures++
		sub.Reason = reason(err)
		if !renewal {
			sub.State = store.SubRefused
		}
		sub.NextAction, sub.UpdatedAt = now.Add(s.retry(sub.Failures)), now
		log.Warn("the WebSub hub refused the subscription", "err", sub.Reason, "failures", sub.Failures,
			"retry_at", sub.NextAction.UTC().Format(time.RFC3339))
		// A conflict means the hub confirmed meanwhile (some do before they
		// answer): that outcome stands.
		if err := s.o.Store.SaveSubscription(ctx, sub); err == nil {
			s.remember(sub)
		} else {
			s.lost(log, err)
		}
		return
	}
	if renewal {
		log.Debug("asked the WebSub hub to renew the subscription")
	} else {
		log.Info("asked the WebSub hub for the subscription; waiting for it to confirm")
	}
}

// unsubscribe asks the hub to stop pushing a feed that left the list, a
// few times; then the subscription is forgotten and its lease runs out.
func (s *Subscriber) unsubscribe(ctx context.Context, sub *store.Subscription) {
	now := s.now()
	log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
	if sub.Hub == "" || !sub.Expires.After(now) || sub.Failures >= unsubscribeTries {
		if err := s.o.Store.DeleteSubscription(ctx, sub); err != nil {
			s.lost(log, err)
			return
		}
		s.forget(sub)
		log.Info("forgot the WebSub subscription of a feed no longer in the list", "failures", sub.Failures)
		return
	}
	sub.Failures++
	sub.RequestedAt, sub.NextAction, sub.UpdatedAt = now, now.Add(s.o.VerifyTimeout), now
	if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
		s.lost(log, err)
		return
	}
	form := url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {sub.Topic}, "hub.callback": {s.callbackURL(sub)}}
	if _, err := s.o.Client.PostForm(ctx, sub.Hub, form); err != nil {
		if ctx.Err() != nil {
			return
		}
		now = s.now()
		sub.Reason = reason(err)
		sub.NextAction, sub.UpdatedAt = now.Add(s.retry(sub.Failures)), now
		log.Warn("the WebSub hub refused to unsubscribe", "err", sub.Reason)
		if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
			s.lost(log, err)
		}
		return
	}
	log.Info("asked the WebSub hub to stop pushing a feed no longer in the list")
}

// lost logs a write that did not land: a conflict is another replica (or
// the hub's confirmation) having moved the row on, which is how it should
// be; anything else is an error.
func (s *Subscriber) lost(log *slog.Logger, err error) {
	if errors.Is(err, news.ErrConflict) || errors.Is(err, news.ErrNotFound) {
		log.Debug("the WebSub subscription changed meanwhile; leaving it", "err", err)
		return
	}
	log.Error("saving the WebSub subscription failed", "err", err)
}

// retry is the wait after the nth failure in a row.
func (s *Subscriber) retry(n int) time.Duration {
	d := s.o.Retry
	for i := 1; i < n && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// reason says in plain words why a request to a hub failed.
func reason(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return "the hub: " + fe.Err.Error()
	}
	return err.Error()
}

// Status is how a feed's news reach herald besides polling.
type Status struct {
	// State is one of "none" (the feed names no hub), "subscribing",
	// "active", "refused" and "unsubscribing".
	State string
	Hub   string
	// Until is when the hub's lease ends, while active.
	Until time.Time
	// Reason says why it was refused, or why herald is subscribing again.
	Reason string
}

// HubHost is the host name of the hub.
func (st Status) HubHost() string {
	if u, err := url.Parse(st.Hub); err == nil && u.Host != "" {
		return u.Host
	}
	return st.Hub
}

// Status returns the push state of every feed that has been read, by feed
// URL, as the store has it now.
func (s *Subscriber) Status(ctx context.Context) (map[string]Status, error) {
	subs, err := s.o.Store.AllSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make(map[string]Status, len(subs))
	for _, sub := range subs {
		st := Status{State: string(sub.State), Hub: sub.Hub, Reason: sub.Reason}
		switch {
		case sub.Live(now):
			st.Until, st.Reason = sub.Expires, ""
		case sub.State == store.SubActive:
			st.State, st.Reason = string(store.SubSubscribing), "the lease ended before it was renewed"
		}
		out[sub.FeedURL] = st
	}
	return out, nil
}

// Counts returns how many subscriptions are in each state, every state
// present.
func (s *Subscriber) Counts(ctx context.Context) (map[string]int, error) {
	status, err := s.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(store.SubStates))
	for _, st := range store.SubStates {
		out[string(st)] = 0
	}
	for _, st := range status {
		out[st.State]++
	}
	return out, nil
}

// deliverLoop hands queued notifications to Deliver.
func (s *Subscriber) deliverLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-s.queue:
			start := s.now()
			if err := s.o.Deliver(ctx, d.feedURL, d.body, d.contentType); err != nil {
				if ctx.Err() == nil {
					s.o.Log.Warn("a feed pushed by its WebSub hub was not read; the next poll reads it",
						"feed_url", d.feedURL, "err", err)
				}
				continue
			}
			s.o.Log.Debug("read a feed pushed by its WebSub hub", "feed_url", d.feedURL, "bytes", len(d.body),
				"took", s.now().Sub(start))
		}
	}
}
