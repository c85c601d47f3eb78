package source

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
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

// BenchmarkPollRound is one polling round over 2,000 local feeds that all
// answer 304 (the steady state), with the real fetcher and SQLite store.
func BenchmarkPollRound(b *testing.B) {
	const n = 2000
	srv := farm(b, n)
	p := newPoller(b, &countingHandler{}, 64)
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/feed/%d", srv.URL, i)
	}
	if err := p.SetFeeds(context.Background(), urls); err != nil {
		b.Fatal(err)
	}
	p.PollAll(context.Background()) // first round: full bodies, ETags stored
	b.ReportAllocs()
	for b.Loop() {
		p.PollAll(context.Background())
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "feeds/s")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
	}
}

// peakRSS is the process's high-water resident set size in bytes (Linux).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
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
	// The same store, another process.
	b := &Poller{Store: a.Store, Fetcher: a.Fetcher, Handler: a.Handler, Interval: a.Interval, Workers: 2, Log: a.Log}
	b.Owner, a.Owner = "replica-b", "replica-a"
	ctx := context.Background()
	for _, p := range []*Poller{a, b} {
		if err := p.SetFeeds(ctx, []string{srv.URL + "/feed"}); err != nil {
			t.Fatal(err)
		}
	}
	a.poll(ctx, a.feeds[0], true)
	b.poll(ctx, b.feeds[0], true)
	if n := requests.Load(); n != 1 {
		t.Errorf("%d fetches by two replicas, want 1", n)
	}
	if next := b.Feeds()[0].NextFetch; !next.After(time.Now().Add(30 * time.Second)) {
		t.Errorf("the second replica did not learn the next fetch time: %v", next)
	}
	// A lease held by a replica that is still fetching keeps the other out.
	st := a.Store
	f := a.Feeds()[0]
	f.NextFetch = time.Now().Add(-time.Second)
	if err := st.SaveFeedState(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.LeaseFeed(ctx, f.ID, "replica-a", time.Now(), time.Now().Add(time.Minute)); !ok {
		t.Fatal("lease not taken")
	}
	b.poll(ctx, b.feeds[0], true)
	if n := requests.Load(); n != 1 {
		t.Errorf("fetched while another replica held the lease: %d fetches", n)
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
