package source

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/store/sqlstore"
)

type countingHandler struct {
	mu    sync.Mutex
	items map[string]int
	fail  atomic.Bool
}

func (h *countingHandler) HandleFeed(ctx context.Context, f *store.Feed, p *feed.Parsed) error {
	if h.fail.Load() {
		return fmt.Errorf("database unavailable")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.items == nil {
		h.items = map[string]int{}
	}
	h.items[f.URL] += len(p.Items)
	return nil
}

// farm serves n feeds at /feed/{i}; each answers 304 to its own ETag.
func farm(tb testing.TB, n int) *httptest.Server {
	body := func(i int) string {
		return fmt.Sprintf(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %d</title><link>https://site%d.example/</link>
<item><title>Story %d</title><link>https://site%d.example/story/</link><guid>s-%d</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate></item>
</channel></rss>`, i, i, i, i, i)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
		if err != nil || i >= n {
			http.NotFound(w, r)
			return
		}
		etag := fmt.Sprintf(`"v1-%d"`, i)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write([]byte(body(i)))
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// farmURLs are the addresses of farm's first n feeds.
func farmURLs(srv *httptest.Server, n int) []string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/feed/%d", srv.URL, i)
	}
	return urls
}

// runUntilFetched polls urls with Run until each was fetched once, and
// stops p.
func runUntilFetched(t *testing.T, p *Poller, urls []string) {
	t.Helper()
	var done atomic.Int64
	all := make(chan struct{})
	p.Observe = func(string, string, time.Duration) {
		if done.Add(1) == int64(len(urls)) {
			close(all)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := p.SetFeeds(ctx, urls); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.Run(ctx) })
	<-all
	cancel()
	wg.Wait()
}

func newPoller(tb testing.TB, h Handler, workers int) *Poller {
	st, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "h.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return &Poller{
		Store: st, Handler: h, Interval: time.Minute, Workers: workers,
		Fetcher: fetch.New(fetch.Options{Timeout: 5 * time.Second}),
		Log:     slog.New(slog.DiscardHandler),
	}
}

func TestConditionalGETAndState(t *testing.T) {
	srv := farm(t, 3)
	h := &countingHandler{}
	p := newPoller(t, h, 2)
	urls := []string{srv.URL + "/feed/0", srv.URL + "/feed/1", srv.URL + "/missing"}
	if err := p.SetFeeds(context.Background(), urls); err != nil {
		t.Fatal(err)
	}
	p.PollAll(context.Background())
	p.PollAll(context.Background())
	feeds := p.Feeds()
	for _, f := range feeds[:2] {
		if f.LastStatus != ResultNotModified || f.ETag == "" || !f.Initialized || f.Failures != 0 || f.Title == "" {
			t.Errorf("good feed after two polls: %+v", f)
		}
		if h.items[f.URL] != 1 {
			t.Errorf("%s handled %d items, want 1 (the second poll was conditional)", f.URL, h.items[f.URL])
		}
	}
	bad := feeds[2]
	if bad.LastStatus != ResultError || bad.Failures != 2 || !strings.Contains(bad.LastError, "404") || bad.Initialized {
		t.Errorf("missing feed: %+v", bad)
	}
	// Backoff: the failing feed waits longer than the interval after two failures.
	if wait := bad.NextFetch.Sub(bad.LastFetch); wait != 2*time.Minute {
		t.Errorf("backoff after 2 failures = %s, want 2m", wait)
	}
}

// A handler that fails leaves the ETag alone, so the entries come again.
func TestHandlerFailureKeepsEntries(t *testing.T) {
	srv := farm(t, 1)
	h := &countingHandler{}
	h.fail.Store(true)
	p := newPoller(t, h, 1)
	if err := p.SetFeeds(context.Background(), []string{srv.URL + "/feed/0"}); err != nil {
		t.Fatal(err)
	}
	p.PollAll(context.Background())
	if f := p.Feeds()[0]; f.ETag != "" || f.LastStatus != ResultError || !strings.Contains(f.LastError, "database unavailable") {
		t.Fatalf("after a failed handler: %+v", f)
	}
	h.fail.Store(false)
	p.PollAll(context.Background())
	if h.items[srv.URL+"/feed/0"] != 1 {
		t.Errorf("entries not handed over again after the failure")
	}
}

func TestBackoffCapped(t *testing.T) {
	p := &Poller{Interval: time.Minute}
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := p.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

// leasing is a SQLite store that leases feeds as if replicas shared it
// (the statements are the same on both databases).
type leasing struct{ *sqlstore.DB }

func (leasing) LeasesNeeded() bool { return true }

// counting counts the poller's calls to its store.
type counting struct {
	FeedStore
	mu     sync.Mutex
	leases int
	saves  int
	saved  int
}

func (c *counting) LeaseFeeds(ctx context.Context, ids []int64, owner string, now, until time.Time) ([]*store.Feed, []*store.Feed, error) {
	c.mu.Lock()
	c.leases++
	c.mu.Unlock()
	return c.FeedStore.LeaseFeeds(ctx, ids, owner, now, until)
}

func (c *counting) SaveFeedStates(ctx context.Context, owner string, feeds []*store.Feed) ([]int64, error) {
	c.mu.Lock()
	c.saves++
	c.saved += len(feeds)
	c.mu.Unlock()
	return c.FeedStore.SaveFeedStates(ctx, owner, feeds)
}

// Two pollers sharing a store (two replicas) fetch a due feed once between them.
func TestLeasesShareFeedsBetweenReplicas(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`))
	}))
	defer srv.Close()
	a := newPoller(t, &countingHandler{}, 2)
	st := leasing{a.Store.(*sqlstore.DB)}
	a.Store = st
	// The same store, another process.
	b := &Poller{Store: st, Fetcher: a.Fetcher, Handler: a.Handler, Interval: a.Interval, Workers: 2, Log: a.Log}
	b.Owner, a.Owner = "replica-b", "replica-a"
	ctx := context.Background()
	for _, p := range []*Poller{a, b} {
		if err := p.SetFeeds(ctx, []string{srv.URL + "/feed"}); err != nil {
			t.Fatal(err)
		}
	}
	a.PollAll(ctx)
	b.PollAll(ctx)
	if n := requests.Load(); n != 1 {
		t.Errorf("%d fetches by two replicas, want 1", n)
	}
	if next := b.Feeds()[0].NextFetch; !next.After(time.Now().Add(30 * time.Second)) {
		t.Errorf("the second replica did not learn the next fetch time: %v", next)
	}
	// A lease held by a replica that is still fetching keeps the other out.
	f := a.Feeds()[0]
	f.NextFetch = time.Now().Add(-time.Second)
	if _, err := st.SaveFeedStates(ctx, "", []*store.Feed{&f}); err != nil {
		t.Fatal(err)
	}
	if leased, _, _ := st.LeaseFeeds(ctx, []int64{f.ID}, "replica-a", time.Now(), time.Now().Add(time.Minute)); len(leased) != 1 {
		t.Fatal("lease not taken")
	}
	b.PollAll(ctx)
	if n := requests.Load(); n != 1 {
		t.Errorf("fetched while another replica held the lease: %d fetches", n)
	}
	if got := b.Feeds()[0]; got.LeaseOwner != "replica-a" {
		t.Errorf("the second replica did not learn who holds the feed: %+v", got)
	}
}

// Run fetches each feed when it is due, a failing one on its backoff, and
// writes the outcomes; SetFeeds adds and drops feeds while it runs.
func TestRunSchedule(t *testing.T) {
	var mu sync.Mutex
	gets := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gets[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/bad" {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>`))
	}))
	defer srv.Close()
	count := func(path string) int {
		mu.Lock()
		defer mu.Unlock()
		return gets[path]
	}
	p := newPoller(t, &countingHandler{}, 4)
	p.Interval, p.MaxBackoff, p.SaveEvery = 100*time.Millisecond, 400*time.Millisecond, 50*time.Millisecond
	st := p.Store.(*sqlstore.DB)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.SetFeeds(ctx, []string{srv.URL + "/a", srv.URL + "/bad"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.Run(ctx) })
	time.Sleep(time.Second)
	// /a every 100 ms; /bad after 100, 200, 400 and 400 ms.
	if n := count("/a"); n < 5 || n > 11 {
		t.Errorf("/a fetched %d times in a second, want about 10", n)
	}
	if n := count("/bad"); n < 3 || n > 5 {
		t.Errorf("/bad fetched %d times in a second, want about 4 (backing off)", n)
	}
	if err := p.SetFeeds(ctx, []string{srv.URL + "/b"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // a fetch of /a in flight ends
	a, b := count("/a"), count("/b")
	time.Sleep(400 * time.Millisecond)
	if n := count("/a"); n != a {
		t.Errorf("a dropped feed fetched %d more times", n-a)
	}
	if n := count("/b"); n <= b || b == 0 {
		t.Errorf("an added feed fetched %d then %d times", b, n)
	}
	cancel()
	wg.Wait()
	// Stopping writes what waited: the store holds what the poller knows.
	feeds, _ := st.Feeds(context.Background())
	for _, f := range feeds {
		if f.LastFetch.IsZero() {
			t.Errorf("feed never saved: %+v", f)
		}
	}
	if got := p.Feeds(); len(got) != 1 || got[0].URL != srv.URL+"/b" {
		t.Errorf("Feeds after SetFeeds = %+v", got)
	}
	stored, _ := st.Feed(context.Background(), p.Feeds()[0].ID)
	if mem := p.Feeds()[0]; !stored.LastFetch.Equal(mem.LastFetch.Truncate(time.Millisecond)) || stored.LastStatus != ResultOK {
		t.Errorf("stored %+v, poller has %+v", stored, mem)
	}
}

// A round in which every feed answers 304 writes its outcomes in a batch
// or two, and a store of one process (SQLite) takes no leases.
func TestNotModifiedRoundWritesInBatches(t *testing.T) {
	const n = 300
	srv := farm(t, n)
	p := newPoller(t, &countingHandler{}, 16)
	c := &counting{FeedStore: p.Store}
	p.Store = c
	urls := farmURLs(srv, n)
	ctx := context.Background()
	if err := p.SetFeeds(ctx, urls); err != nil {
		t.Fatal(err)
	}
	p.PollAll(ctx)
	c.saves, c.saved = 0, 0
	p.PollAll(ctx)
	for _, f := range p.Feeds() {
		if f.LastStatus != ResultNotModified {
			t.Fatalf("second round: %+v", f)
		}
	}
	if c.leases != 0 || c.saves != 1 || c.saved != n {
		t.Errorf("a round of %d 304s: %d lease calls, %d writes of %d feeds; want 0, 1, %d", n, c.leases, c.saves, c.saved, n)
	}
}

// With leases, Run leases the due feeds in batches, not one by one, and
// writes the outcomes of a round in a few transactions.
func TestRunLeasesInBatches(t *testing.T) {
	const n, workers = 300, 8
	srv := farm(t, n)
	p := newPoller(t, &countingHandler{}, workers)
	c := &counting{FeedStore: leasing{p.Store.(*sqlstore.DB)}}
	p.Store, p.Owner = c, "replica-a"
	runUntilFetched(t, p, farmURLs(srv, n))
	t.Logf("%d lease statements, %d writes", c.leases, c.saves)
	// The queue holds twice the workers and is topped up when a quarter
	// of it is free: batches of workers/2 feeds or more.
	if c.leases > n/(workers/2)+1 {
		t.Errorf("%d feeds leased in %d statements, want batches of %d or more", n, c.leases, workers/2)
	}
	if c.saves > 5 || c.saved != n {
		t.Errorf("%d outcomes written in %d transactions (%d feeds), want a few", n, c.saves, c.saved)
	}
	for _, f := range p.Feeds() {
		if f.LastStatus != ResultOK || f.LeaseOwner != "" {
			t.Fatalf("after the round: %+v", f)
		}
	}
	stored, _ := p.Store.(*counting).FeedStore.(leasing).Feeds(context.Background())
	for _, f := range stored {
		if f.LeaseOwner != "" || f.ETag == "" {
			t.Fatalf("stored after the round: %+v", f)
		}
	}
}

// Between rounds, feeds come due one after another: where they are leased,
// each waits a moment for others, and they are leased a few to a query.
func TestLeasesBetweenRounds(t *testing.T) {
	const n, window = 200, 2 * time.Second
	srv := farm(t, n)
	p := newPoller(t, &countingHandler{}, 4)
	st := p.Store.(*sqlstore.DB)
	c := &counting{FeedStore: leasing{st}}
	p.Store, p.Owner = c, "replica-a"
	urls := farmURLs(srv, n)
	ctx := context.Background()
	feeds, err := st.EnsureFeeds(ctx, urls)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(100 * time.Millisecond)
	for i, f := range feeds {
		f.NextFetch = start.Add(window * time.Duration(i) / n)
	}
	if _, err := st.SaveFeedStates(ctx, "", feeds); err != nil {
		t.Fatal(err)
	}
	runUntilFetched(t, p, urls)
	// A feed every 10 ms, each waiting up to 100 ms: about ten to a query.
	t.Logf("%d feeds leased in %d statements", n, c.leases)
	if c.leases > n/4 {
		t.Errorf("%d feeds coming due one after another leased in %d statements, want %d at most", n, c.leases, n/4)
	}
}

// The response's Content-Type reaches the parser: a Portuguese feed in
// ISO-8859-1 with no XML declaration reads right.
func TestCharsetFromContentType(t *testing.T) {
	body := []byte("<rss version=\"2.0\"><channel><title>Not\xedcias</title><link>https://news.example/</link>" +
		"<item><title>Governo anuncia reforma da previd\xeancia</title><link>https://news.example/1</link></item></channel></rss>")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=ISO-8859-1")
		w.Write(body)
	}))
	defer srv.Close()
	h := &titles{}
	p := newPoller(t, h, 1)
	p.Fetcher = fetch.New(fetch.Options{Timeout: 5 * time.Second, AllowPrivate: true})
	if err := p.SetFeeds(context.Background(), []string{srv.URL + "/feed"}); err != nil {
		t.Fatal(err)
	}
	p.PollAll(context.Background())
	if f := p.Feeds()[0]; f.LastError != "" || f.Title != "Notícias" {
		t.Fatalf("feed: title %q, error %q", f.Title, f.LastError)
	}
	if len(h.got) != 1 || h.got[0] != "Governo anuncia reforma da previdência" {
		t.Errorf("titles %q", h.got)
	}
}

type titles struct{ got []string }

func (h *titles) HandleFeed(ctx context.Context, f *store.Feed, p *feed.Parsed) error {
	for _, it := range p.Items {
		h.got = append(h.got, it.Title)
	}
	return nil
}
