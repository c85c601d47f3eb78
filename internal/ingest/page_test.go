package ingest

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
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
