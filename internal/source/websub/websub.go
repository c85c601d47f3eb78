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
	// leaving are the callbacks of subscriptions replaced when their feed
	// moved to another hub, whose old hub herald asked to unsubscribe: its
	// verification of that request is answered (see verify).
	leaving map[string]left
}

// left is an abandoned subscription's topic, and until when its hub may
// verify the unsubscription.
type left struct {
	topic string
	until time.Time
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
		leaving: make(map[string]left),
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
	if sub != nil && sub.State == store.SubActive && sub.Expires.After(s.now()) && (sub.Hub != hub || sub.Topic != topic) {
		s.leave(ctx, sub)
	}
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
