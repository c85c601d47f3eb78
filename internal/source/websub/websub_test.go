package websub_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/websub"
	"github.com/heraldhq/herald/internal/source/websub/hubfake"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// world is a hub, herald's callback server, a store and a subscriber, as
// herald runs them.
type world struct {
	t      *testing.T
	hub    *hubfake.Hub
	hubURL string
	herald *httptest.Server
	st     store.Store
	sub    *websub.Subscriber
	// serving is the subscriber the callback server hands requests to.
	serving atomic.Pointer[websub.Subscriber]
	feed    *store.Feed
	topic   string

	mu        sync.Mutex
	delivered []string
	results   map[string]int
	stop      context.CancelFunc
	done      chan struct{}
}

type setup struct {
	hub     hubfake.Options
	options func(*websub.Options)
	private bool // the fetcher refuses private addresses
	dbPath  string
}

func newWorld(t *testing.T, s setup) *world {
	t.Helper()
	w := &world{t: t, results: map[string]int{}}
	w.hub = hubfake.New(s.hub)
	hubSrv := httptest.NewServer(w.hub)
	t.Cleanup(hubSrv.Close)
	w.hubURL = hubSrv.URL + "/"
	w.hub.SetURL(w.hubURL)

	path := s.dbPath
	if path == "" {
		path = filepath.Join(t.TempDir(), "h.db")
	}
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	w.topic = "https://news.example/feed/"
	w.feed, err = st.EnsureFeed(context.Background(), w.topic)
	if err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc(websub.CallbackPattern, func(rw http.ResponseWriter, r *http.Request) { w.serving.Load().ServeHTTP(rw, r) })
	w.herald = httptest.NewServer(mux)
	t.Cleanup(w.herald.Close)

	o := websub.Options{
		Store:     st,
		Client:    fetch.New(fetch.Options{AllowPrivate: !s.private, Timeout: 5 * time.Second}),
		PublicURL: w.herald.URL,
		Deliver: func(ctx context.Context, feedURL string, body []byte, contentType string) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.delivered = append(w.delivered, feedURL+" "+contentType+" "+string(body))
			return nil
		},
		Refresh: 100 * time.Millisecond,
		Log:     slog.New(slog.DiscardHandler),
		Observe: func(result string) {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.results[result]++
		},
	}
	if s.options != nil {
		s.options(&o)
	}
	w.sub, err = websub.New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.serving.Store(w.sub)
	if err := w.sub.SetFeeds(context.Background(), []string{w.topic}); err != nil {
		t.Fatal(err)
	}
	w.start()
	return w
}

func (w *world) start() {
	ctx, cancel := context.WithCancel(context.Background())
	w.stop, w.done = cancel, make(chan struct{})
	go func() { w.sub.Run(ctx); close(w.done) }()
	w.t.Cleanup(w.halt)
}

func (w *world) halt() {
	if w.stop != nil {
		w.stop()
		<-w.done
		w.stop = nil
	}
}

// fetched tells the subscriber that a poll of the feed found body (a feed
// naming hub and self).
func (w *world) fetched(hub string) {
	w.t.Helper()
	body := fmt.Sprintf(`<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>News</title>
<atom:link rel="hub" href="%s"/><atom:link rel="self" href="%s"/></channel></rss>`, hub, w.topic)
	if hub == "" {
		body = `<rss version="2.0"><channel><title>News</title></channel></rss>`
	}
	w.sub.Fetched(context.Background(), *w.feed, &fetch.Response{URL: w.topic, StatusCode: 200, Body: []byte(body), Header: http.Header{}})
}

func (w *world) subscription() *store.Subscription {
	w.t.Helper()
	s, err := w.st.FeedSubscription(context.Background(), w.feed.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return s
}

func (w *world) callback() string {
	return w.herald.URL + "/websub/" + w.subscription().Callback
}

func (w *world) status() websub.Status {
	w.t.Helper()
	all, err := w.sub.Status(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return all[w.topic]
}

func (w *world) deliveries() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.delivered...)
}

func (w *world) result(r string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.results[r]
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (w *world) waitLive() {
	w.t.Helper()
	waitFor(w.t, "a live subscription at the hub", func() bool { return len(w.hub.Subscribers(w.topic)) == 1 })
	waitFor(w.t, "the subscription active in the store", func() bool { return w.subscription().State == store.SubActive })
}

// A feed that names a hub is subscribed to with a secret of its own and a
// callback of its own; the hub's verification is answered, the lease
// recorded, the feed polled less often, and the dashboard says so.
func TestSubscribe(t *testing.T) {
	w := newWorld(t, setup{})
	if every := w.sub.PollEvery(2 * time.Minute)(w.topic); every != 0 {
		t.Errorf("polled every %s before any subscription", every)
	}
	w.fetched(w.hubURL)
	w.waitLive()
	reqs := w.hub.Requests()
	if len(reqs) != 1 || !reqs[0].Verified || reqs[0].Mode != "subscribe" || reqs[0].Topic != w.topic ||
		reqs[0].LeaseSeconds != websub.DefaultLeaseSeconds {
		t.Fatalf("hub requests = %+v", reqs)
	}
	sub := w.subscription()
	if reqs[0].Secret != sub.Secret || len(sub.Secret) != 64 || reqs[0].Callback != w.callback() || len(sub.Callback) < 26 {
		t.Errorf("secret %q and callback %q; the hub got %q and %q", sub.Secret, sub.Callback, reqs[0].Secret, reqs[0].Callback)
	}
	if sub.LeaseSeconds != websub.DefaultLeaseSeconds || time.Until(sub.Expires) < 239*time.Hour ||
		sub.NextAction.Sub(sub.Expires) > -47*time.Hour {
		t.Errorf("lease %d s until %v, renewal at %v", sub.LeaseSeconds, sub.Expires, sub.NextAction)
	}
	st := w.status()
	if st.State != "active" || st.HubHost() != strings.TrimSuffix(strings.TrimPrefix(w.hubURL, "http://"), "/") || !st.Until.Equal(sub.Expires) {
		t.Errorf("status = %+v", st)
	}
	for base, want := range map[time.Duration]time.Duration{2 * time.Minute: 8 * time.Minute, 30 * time.Minute: time.Hour, 2 * time.Hour: 2 * time.Hour} {
		if got := w.sub.PollEvery(base)(w.topic); got != want {
			t.Errorf("a pushed feed polled every %s with an interval of %s, want %s", got, base, want)
		}
	}
	// The same hub found again changes nothing.
	w.fetched(w.hubURL)
	time.Sleep(200 * time.Millisecond)
	if n := w.hub.Count("subscribe", w.topic); n != 1 {
		t.Errorf("%d subscribe requests after the same hub was found again", n)
	}
	counts, _ := w.sub.Counts(context.Background())
	if counts["active"] != 1 || counts["none"] != 0 || len(counts) != len(store.SubStates) {
		t.Errorf("counts = %v", counts)
	}
}

// Notifications are handed on only with a matching signature, by any of
// WebSub's methods; the rest is answered 202 and changes nothing.
func TestNotifications(t *testing.T) {
	for _, method := range []string{"sha1", "sha256", "sha384", "sha512"} {
		t.Run(method, func(t *testing.T) {
			w := newWorld(t, setup{hub: hubfake.Options{Method: method}})
			w.fetched(w.hubURL)
			w.waitLive()
			n, err := w.hub.Publish(context.Background(), w.topic, []byte("<rss>pushed</rss>"), "application/rss+xml")
			if err != nil || n != 1 {
				t.Fatalf("published to %d: %v", n, err)
			}
			waitFor(t, "the delivery", func() bool { return len(w.deliveries()) == 1 })
			if got := w.deliveries()[0]; got != w.topic+" application/rss+xml <rss>pushed</rss>" {
				t.Errorf("delivered %q", got)
			}
		})
	}

	w := newWorld(t, setup{})
	w.fetched(w.hubURL)
	w.waitLive()
	cb, sub := w.callback(), w.subscription()
	body := []byte("<rss>forged</rss>")
	ctx := context.Background()
	for name, sig := range map[string]string{
		"unsigned":       "",
		"wrong secret":   websub.Sign("sha256", "not the secret", body),
		"another body":   websub.Sign("sha256", sub.Secret, []byte("<rss>other</rss>")),
		"unknown method": strings.Replace(websub.Sign("sha256", sub.Secret, body), "sha256", "md5", 1),
	} {
		status, err := w.hub.Send(ctx, cb, w.topic, body, "application/rss+xml", sig)
		if err != nil || status != http.StatusAccepted {
			t.Errorf("%s: %d %v", name, status, err)
		}
	}
	status, err := w.hub.Send(ctx, w.herald.URL+"/websub/nosuchcallback", w.topic, body, "application/rss+xml", websub.Sign("sha256", sub.Secret, body))
	if err != nil || status != http.StatusAccepted {
		t.Errorf("unknown callback: %d %v", status, err)
	}
	huge := bytes.Repeat([]byte("x"), fetch.DefaultMaxBody+1)
	if status, err := w.hub.Send(ctx, cb, w.topic, huge, "application/rss+xml", websub.Sign("sha256", sub.Secret, huge)); err != nil || status != http.StatusAccepted {
		t.Errorf("too large: %d %v", status, err)
	}
	time.Sleep(100 * time.Millisecond)
	if d := w.deliveries(); len(d) != 0 {
		t.Errorf("delivered %d forged notifications", len(d))
	}
	if w.result(websub.ResultBadSignature) != 4 || w.result(websub.ResultUnknown) != 1 || w.result(websub.ResultTooLarge) != 1 || w.result(websub.ResultAccepted) != 0 {
		t.Errorf("results = %v", w.results)
	}
	// The genuine one after them goes through.
	if n, err := w.hub.Publish(ctx, w.topic, []byte("<rss>real</rss>"), "application/rss+xml"); n != 1 || err != nil {
		t.Fatalf("publish: %d %v", n, err)
	}
	waitFor(t, "the genuine delivery", func() bool { return len(w.deliveries()) == 1 })
	if w.result(websub.ResultAccepted) != 1 {
		t.Errorf("results = %v", w.results)
	}
	req, _ := http.NewRequest(http.MethodPut, cb, nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %v %v", resp, err)
	}
}

// The challenge is echoed only for a request herald made: at its callback,
// for its topic, in the mode it asked.
func TestVerificationOfIntent(t *testing.T) {
	w := newWorld(t, setup{})
	ctx := context.Background()
	// Before any request, nothing is confirmed.
	if err := w.hub.Verify(ctx, w.herald.URL+"/websub/guessed", "subscribe", w.topic); err == nil {
		t.Error("an unknown callback confirmed a subscription")
	}
	w.fetched(w.hubURL)
	w.waitLive()
	cb := w.callback()
	for _, tc := range []struct{ mode, topic string }{
		{"subscribe", "https://evil.example/feed"},
		{"unsubscribe", w.topic}, // herald did not ask to leave
		{"publish", w.topic},
		{"", w.topic},
	} {
		if err := w.hub.Verify(ctx, cb, tc.mode, tc.topic); err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("%s %s: %v, want 404", tc.mode, tc.topic, err)
		}
	}
	// A hub confirming again (a renewal it makes itself) is fine.
	if err := w.hub.Verify(ctx, cb, "subscribe", w.topic); err != nil {
		t.Errorf("the hub's own renewal: %v", err)
	}
	// Without a challenge there is nothing to echo.
	resp, err := http.Get(cb + "?hub.mode=subscribe&hub.topic=" + url.QueryEscape(w.topic))
	if err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("no challenge: %v %v", resp, err)
	}
}

// clock is a time that moves when a test says.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A lease is renewed before it ends, with the same secret and callback, so
// the hub never stops pushing; when herald cannot renew, the lease lapses
// and the feed is polled as often as the others again. The hub and herald
// share a clock that the test moves.
func TestLeaseRenewal(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	w := newWorld(t, setup{hub: hubfake.Options{LeaseSeconds: 100, Clock: c.Now}, options: func(o *websub.Options) {
		o.Clock, o.Refresh = c.Now, time.Hour
	}})
	w.fetched(w.hubURL)
	w.waitLive()
	first := w.subscription()
	if first.LeaseSeconds != 100 || !first.Expires.Equal(c.Now().Add(100*time.Second)) || !first.NextAction.Equal(c.Now().Add(80*time.Second)) {
		t.Fatalf("lease %d s until %v, renewal at %v", first.LeaseSeconds, first.Expires, first.NextAction)
	}
	for i := 2; i <= 4; i++ {
		c.Add(81 * time.Second)
		w.sub.Wake()
		waitFor(t, fmt.Sprintf("renewal %d", i), func() bool {
			reqs := w.hub.Requests()
			return len(reqs) == i && reqs[i-1].Verified
		})
		if len(w.hub.Subscribers(w.topic)) != 1 {
			t.Fatalf("the lease lapsed at the hub after %d renewals", i-1)
		}
		waitFor(t, "the renewed lease in the store", func() bool { return w.subscription().Expires.Equal(c.Now().Add(100 * time.Second)) })
	}
	for _, r := range w.hub.Requests() {
		if r.Mode != "subscribe" || r.Secret != first.Secret || r.Callback != w.callback() {
			t.Errorf("renewal %+v differs from the first request", r)
		}
	}
	if st := w.status(); st.State != "active" || !st.Until.Equal(c.Now().Add(100*time.Second)) {
		t.Errorf("status %+v", st)
	}

	// herald stops; the lease runs out.
	w.halt()
	c.Add(101 * time.Second)
	if n := len(w.hub.Subscribers(w.topic)); n != 0 {
		t.Errorf("%d live subscriptions at the hub after the lease", n)
	}
	if st := w.status(); st.State != "subscribing" || !strings.Contains(st.Reason, "lease ended") {
		t.Errorf("status after the lease ended = %+v", st)
	}
	if every := w.sub.PollEvery(2 * time.Minute)(w.topic); every != 0 {
		t.Errorf("polled every %s after the lease ended", every)
	}
}

// A hub that refuses, denies or cannot be reached is shown with its reason
// and asked again later.
func TestRefusals(t *testing.T) {
	fast := func(o *websub.Options) { o.Retry = 100 * time.Millisecond }
	t.Run("refused", func(t *testing.T) {
		w := newWorld(t, setup{options: fast})
		w.hub.Refuse("Topic not allowed on this hub")
		w.fetched(w.hubURL)
		waitFor(t, "the refusal", func() bool { return w.status().State == "refused" })
		if st := w.status(); st.Reason != "the hub: the server answered 400 Bad Request: Topic not allowed on this hub" {
			t.Errorf("reason %q", st.Reason)
		}
		w.hub.Refuse("")
		w.waitLive()
	})
	t.Run("denied", func(t *testing.T) {
		w := newWorld(t, setup{options: func(o *websub.Options) { o.Retry = time.Hour }})
		w.fetched(w.hubURL)
		w.waitLive()
		if err := w.hub.Deny(context.Background(), w.callback(), w.topic, "Too many subscriptions\x00 from you"); err != nil {
			t.Fatal(err)
		}
		st := w.status()
		if st.State != "refused" || st.Reason != "the hub denied the subscription: Too many subscriptions from you" {
			t.Errorf("status = %+v", st)
		}
		if every := w.sub.PollEvery(time.Minute)(w.topic); every != 0 {
			t.Errorf("polled every %s after the hub denied", every)
		}
	})
	t.Run("private address", func(t *testing.T) {
		w := newWorld(t, setup{private: true})
		w.fetched(w.hubURL)
		waitFor(t, "the refusal", func() bool { return w.status().State == "refused" })
		if st := w.status(); !strings.Contains(st.Reason, "HERALD_ALLOW_PRIVATE_URLS") {
			t.Errorf("reason %q", st.Reason)
		}
		if n := len(w.hub.Requests()); n != 0 {
			t.Errorf("the hub on a private address got %d requests", n)
		}
	})
	t.Run("never confirmed", func(t *testing.T) {
		w := newWorld(t, setup{options: func(o *websub.Options) { o.VerifyTimeout = 300 * time.Millisecond; o.PublicURL = "http://127.0.0.1:1" }})
		w.fetched(w.hubURL)
		waitFor(t, "a second request", func() bool { return w.hub.Count("subscribe", w.topic) >= 2 })
		if sub := w.subscription(); !strings.Contains(sub.Reason, "did not confirm") || !strings.Contains(sub.Reason, "can it reach http://127.0.0.1:1?") {
			t.Errorf("reason %q", sub.Reason)
		}
	})
	t.Run("not a URL", func(t *testing.T) {
		w := newWorld(t, setup{})
		w.fetched("mailto:hub@example.org")
		if st := w.status(); st.State != "refused" || !strings.Contains(st.Reason, "not an http(s) URL") {
			t.Errorf("status = %+v", st)
		}
	})
}

// A feed without a hub says so; a feed whose hub changes is subscribed
// anew, and the old callback no longer takes anything.
func TestHubChanges(t *testing.T) {
	w := newWorld(t, setup{})
	w.fetched("")
	if st := w.status(); st.State != "none" {
		t.Errorf("status without a hub = %+v", st)
	}
	w.fetched(w.hubURL)
	w.waitLive()
	old := w.subscription()
	other := hubfake.New(hubfake.Options{})
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	w.fetched(otherSrv.URL + "/hub")
	waitFor(t, "the subscription at the new hub", func() bool { return len(other.Subscribers(w.topic)) == 1 })
	cur := w.subscription()
	if cur.Callback == old.Callback || cur.Secret == old.Secret || cur.Hub != otherSrv.URL+"/hub" {
		t.Errorf("the new subscription reuses the old one's callback or secret: %+v", cur)
	}
	// The old hub is asked to stop, and herald confirms it at the old
	// callback, which it no longer holds.
	waitFor(t, "the old hub to drop the subscription", func() bool { return len(w.hub.Subscribers(w.topic)) == 0 })
	reqs := w.hub.Requests()
	last := reqs[len(reqs)-1]
	if last.Mode != "unsubscribe" || !last.Verified || !strings.HasSuffix(last.Callback, "/"+old.Callback) {
		t.Errorf("the old hub's last request: %+v", last)
	}
	// A push that still comes to the old callback is not taken.
	if code, err := w.hub.Send(context.Background(), last.Callback, w.topic, []byte("<rss/>"), "application/rss+xml", ""); err != nil || code != http.StatusAccepted {
		t.Fatalf("a push to the old callback: %d %v", code, err)
	}
	time.Sleep(100 * time.Millisecond)
	if len(w.deliveries()) != 0 || w.result(websub.ResultUnknown) != 1 {
		t.Errorf("the old hub's push: %d deliveries, results %v", len(w.deliveries()), w.results)
	}
	// Its verification is answered once, and for that topic and mode only.
	for _, q := range []string{"hub.mode=unsubscribe&hub.topic=" + url.QueryEscape(w.topic), "hub.mode=subscribe&hub.topic=" + url.QueryEscape(w.topic)} {
		resp, err := http.Get(last.Callback + "?" + q + "&hub.challenge=again")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s at the old callback afterwards: %d", q, resp.StatusCode)
		}
	}

	// No hub any more: the other hub is asked to stop too.
	w.fetched("")
	waitFor(t, "the other hub to drop the subscription", func() bool { return len(other.Subscribers(w.topic)) == 0 })
	if st := w.status(); st.State != "none" {
		t.Errorf("status after the hub went = %+v", st)
	}
}

// A feed that leaves the list is unsubscribed: herald asks, answers the
// hub's verification, and forgets the subscription. Back in the list, it
// is subscribed anew.
func TestUnsubscribe(t *testing.T) {
	w := newWorld(t, setup{})
	w.fetched(w.hubURL)
	w.waitLive()
	if err := w.sub.SetFeeds(context.Background(), []string{"https://another.example/feed"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the hub to drop the subscription", func() bool { return len(w.hub.Subscribers(w.topic)) == 0 })
	waitFor(t, "the subscription forgotten", func() bool {
		_, err := w.st.FeedSubscription(context.Background(), w.feed.ID)
		return errors.Is(err, news.ErrNotFound)
	})
	reqs := w.hub.Requests()
	if last := reqs[len(reqs)-1]; last.Mode != "unsubscribe" || !last.Verified {
		t.Errorf("last request %+v", last)
	}
	if err := w.sub.SetFeeds(context.Background(), []string{w.topic}); err != nil {
		t.Fatal(err)
	}
	w.fetched(w.hubURL)
	w.waitLive()
}

// A subscription survives a restart: a new subscriber on the same database
// sends nothing and takes the hub's pushes.
func TestRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	w := newWorld(t, setup{dbPath: path})
	w.fetched(w.hubURL)
	w.waitLive()
	w.halt()
	sub, err := websub.New(websub.Options{Store: w.st, Client: fetch.New(fetch.Options{AllowPrivate: true}), PublicURL: w.herald.URL,
		Deliver: func(ctx context.Context, feedURL string, body []byte, _ string) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.delivered = append(w.delivered, string(body))
			return nil
		}, Refresh: 50 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	w.sub = sub
	w.serving.Store(sub)
	if err := sub.SetFeeds(context.Background(), []string{w.topic}); err != nil {
		t.Fatal(err)
	}
	w.start()
	w.fetched(w.hubURL) // the first poll after the restart
	time.Sleep(300 * time.Millisecond)
	if n := len(w.hub.Requests()); n != 1 {
		t.Errorf("%d requests to the hub after a restart, want the first one only", n)
	}
	if n, err := w.hub.Publish(context.Background(), w.topic, []byte("<rss>after</rss>"), "application/rss+xml"); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	waitFor(t, "the push after the restart", func() bool { return len(w.deliveries()) == 1 })
}

// Replicas sharing a database keep one subscription per feed: however many
// find the hub at once, the hub gets one request.
func TestReplicas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	w := newWorld(t, setup{dbPath: path, options: func(o *websub.Options) { o.Refresh = 20 * time.Millisecond }})
	var replicas []*websub.Subscriber
	for range 3 {
		st, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		r, err := websub.New(websub.Options{Store: st, Client: fetch.New(fetch.Options{AllowPrivate: true}), PublicURL: w.herald.URL,
			Deliver: func(context.Context, string, []byte, string) error { return nil }, Refresh: 20 * time.Millisecond,
			Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.SetFeeds(context.Background(), []string{w.topic}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		replicas = append(replicas, r)
	}
	body := fmt.Sprintf(`<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="%s"/><link rel="self" href="%s"/></feed>`, w.hubURL, w.topic)
	var wg sync.WaitGroup
	for _, r := range append(replicas, w.sub) {
		wg.Go(func() {
			r.Fetched(context.Background(), *w.feed, &fetch.Response{URL: w.topic, Body: []byte(body), Header: http.Header{}})
		})
	}
	wg.Wait()
	w.waitLive()
	time.Sleep(300 * time.Millisecond)
	if n := w.hub.Count("subscribe", w.topic); n != 1 {
		t.Errorf("%d subscribe requests from 4 replicas, want 1: %+v", n, w.hub.Requests())
	}
	all, _ := w.st.AllSubscriptions(context.Background())
	if len(all) != 1 {
		t.Errorf("%d subscriptions of one feed", len(all))
	}
}

// The callback reads the hub's answer in full and nothing else.
func TestNotificationBodyIsExact(t *testing.T) {
	w := newWorld(t, setup{})
	w.fetched(w.hubURL)
	w.waitLive()
	body := append([]byte("<rss>"), bytes.Repeat([]byte("é"), 100_000)...)
	if n, err := w.hub.Publish(context.Background(), w.topic, body, "application/rss+xml; charset=utf-8"); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	waitFor(t, "the delivery", func() bool { return len(w.deliveries()) == 1 })
	want := w.topic + " application/rss+xml; charset=utf-8 " + string(body)
	if got := w.deliveries()[0]; got != want {
		t.Errorf("delivered %d bytes, want %d", len(got), len(want))
	}
}
