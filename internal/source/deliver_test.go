package source

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/store"
)

// A pushed feed goes to the handler like a polled one, once a poll has read
// the feed; a feed not in the list, or not read yet, is left alone.
func TestDeliver(t *testing.T) {
	h := &countingHandler{}
	p := newPoller(t, h, 2)
	srv := farm(t, 1)
	ctx := context.Background()
	url := srv.URL + "/feed/0"
	if err := p.SetFeeds(ctx, []string{url}); err != nil {
		t.Fatal(err)
	}
	pushed := []byte(`<rss version="2.0"><channel><title>Feed 0</title><item><title>New</title><link>https://site0.example/new/</link></item>
<item><title>Newer</title><link>https://site0.example/newer/</link></item></channel></rss>`)
	if err := p.Deliver(ctx, url, pushed, "application/rss+xml"); !errors.Is(err, ErrNotRead) {
		t.Errorf("push before the first poll: %v, want ErrNotRead", err)
	}
	p.PollAll(ctx)
	if err := p.Deliver(ctx, url, pushed, "application/rss+xml"); err != nil {
		t.Fatal(err)
	}
	if n := h.items[url]; n != 3 {
		t.Errorf("handler saw %d items, want 1 polled and 2 pushed", n)
	}
	if err := p.Deliver(ctx, "https://elsewhere.example/feed", pushed, "application/rss+xml"); !errors.Is(err, ErrNotListed) {
		t.Errorf("push of a feed not in the list: %v", err)
	}
	if err := p.Deliver(ctx, url, []byte("<html>nope"), "text/html"); err == nil {
		t.Error("a pushed page that is not a feed was accepted")
	}
	// The push left the fetch state alone.
	if f := p.Feeds()[0]; f.ETag != `"v1-0"` || f.LastStatus != ResultOK {
		t.Errorf("feed state after pushes: %+v", f)
	}
}

// The poller shows every successful fetch to Fetched, headers included, and
// asks PollEvery how long to wait before the next one.
func TestFetchedAndPollEvery(t *testing.T) {
	p := newPoller(t, &countingHandler{}, 2)
	srv := farm(t, 2)
	ctx := context.Background()
	var mu sync.Mutex
	seen := map[string]string{}
	p.Fetched = func(_ context.Context, f store.Feed, resp *fetch.Response) {
		mu.Lock()
		defer mu.Unlock()
		seen[f.URL] = resp.Header.Get("ETag")
	}
	pushed := srv.URL + "/feed/1"
	p.PollEvery = func(u string) time.Duration {
		if u == pushed {
			return 4 * p.Interval
		}
		return 0
	}
	if err := p.SetFeeds(ctx, []string{srv.URL + "/feed/0", pushed}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { p.Run(runCtx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		fs := p.Feeds()
		if !fs[0].LastFetch.IsZero() && !fs[1].LastFetch.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("feeds not polled")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if seen[srv.URL+"/feed/0"] != `"v1-0"` || seen[pushed] != `"v1-1"` {
		t.Errorf("Fetched saw %v", seen)
	}
	fs := p.Feeds()
	if d := fs[0].NextFetch.Sub(start); d < 55*time.Second || d > 65*time.Second {
		t.Errorf("a polled feed is next fetched in %s, want a minute", d)
	}
	if d := fs[1].NextFetch.Sub(start); d < 235*time.Second || d > 245*time.Second {
		t.Errorf("a pushed feed is next fetched in %s, want four minutes", d)
	}
}
