package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/feed"
)

// hostilePages serves, for any address, 10 MiB of nested elements: a page
// that costs half a gigabyte to parse whole.
type hostilePages struct{}

func (hostilePages) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	const n = 10 << 20
	body := "<html><head><title>Nested</title></head><body>" + strings.Repeat("<div>", n/10) +
		"<p>The lede, deep inside.</p>" + strings.Repeat("</div>", n/10) + "</body></html>"
	return &fetch.Response{URL: r.URL, StatusCode: 200, Body: []byte(body), ContentType: "text/html"}, nil
}

// Pages are parsed from their beginning, a few at a time: four hostile
// 10 MiB pages read at once stay far below what one costs parsed whole.
func TestHostilePagesAreBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("parses 40 MiB of hostile pages")
	}
	in := &Ingester{Pages: hostilePages{}}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			a := &news.Article{URL: "https://news.example.org/" + string(rune('a'+i))}
			if err := in.readPage(context.Background(), a, ""); err != nil {
				t.Error(err)
			}
			if a.Title != "Nested" {
				t.Errorf("title %q", a.Title)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	// Parsed whole and all at once they take about 2 GiB; here, about 400
	// MiB of heap, garbage not yet collected included.
	if grew := (peak - base.HeapAlloc) >> 20; grew > 800 {
		t.Errorf("reading four hostile pages took %d MiB of heap", grew)
	}
}

// A feed whose article pages hang costs its page budget, not a timeout a
// page: its pages are read a few at a time, the budget cuts the rest, and
// the entries are recorded and posted all the same.
func TestHangingPagesCostTheFeedsBudget(t *testing.T) {
	var inFlight, most atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{AllowPrivate: true}),
		PageBudget: 500 * time.Millisecond, Targets: []Target{{Name: "x", Compose: xWriter(t)}}}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), srv.URL+"/feed")
	var items []feed.Item
	for i := range 9 {
		items = append(items, feed.Item{GUID: fmt.Sprint(i), Link: fmt.Sprintf("%s/story-%d/", srv.URL, i),
			Title: fmt.Sprintf("Story %d", i), Published: now})
	}
	done := make(chan error, 1)
	go func() { done <- in.HandleFeed(context.Background(), f, &feed.Parsed{Items: items}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second): // nine pages read one after another would take 4.5 minutes
		t.Fatal("the feed's hanging pages held it past its budget")
	}
	if n := len(posts(t, st)); n != 9 {
		t.Errorf("%d posts, want 9 (without summaries)", n)
	}
	if m := most.Load(); m != pageReaders {
		t.Errorf("%d pages read at once, want %d", m, pageReaders)
	}
}
