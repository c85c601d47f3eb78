package ingest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/fixtures"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/xtext"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// pages serves article pages from the fixtures and testdata instead of the
// network.
type pages map[string]string

func (p pages) Fetch(ctx context.Context, r fetch.Request) (*fetch.Response, error) {
	name, ok := p[r.URL]
	if !ok {
		return nil, &fetch.Error{URL: r.URL, Status: 404, Err: fetch.ErrHTTPStatus}
	}
	// The shared fixtures' pages, or this package's own corpus's.
	var body []byte
	if strings.HasPrefix(name, "corpus/") {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			return nil, err
		}
		body = b
	} else {
		body = fixtures.Read(name)
	}
	return &fetch.Response{URL: r.URL, StatusCode: 200, Body: body, ContentType: "text/html"}, nil
}

func xWriter(t testing.TB) func(a *news.Article) (string, error) {
	c, err := compose.New("", xtext.MaxWeightedLength, map[string]string{"Kurdistan": "#Kurdistan"})
	if err != nil {
		t.Fatal(err)
	}
	return c.Article
}

var fixturePages = pages{"https://aranews.net/2026/11/turkish-jets-strike-afrin/": "page-afrin.html"}

// TestFixturePosts runs the fixtures' feeds through herald's whole writing
// path (clean-up, ledes, the page when the feed has none, canonical URLs,
// the article's fields as every template gets them, fitting) and compares
// the posts with testdata/posts.golden.
func TestFixturePosts(t *testing.T) {
	var got strings.Builder
	for _, name := range fixtures.Feeds {
		in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fixturePages, Intake: outbox.Intake{MaxAge: 1 << 62},
			Targets: []Target{{Name: "x", Compose: xWriter(t)}}}
		st := setup(t, in)
		in.Intake.MaxAge = 1 << 62 // the fixtures are from 2016
		p, err := feed.Parse(fixtures.Read(name), "", "https://aranews.net/feed/")
		if err != nil {
			t.Fatal(err)
		}
		f, _ := st.EnsureFeed(context.Background(), "https://aranews.net/feed/"+name)
		if err := in.HandleFeed(context.Background(), f, p); err != nil {
			t.Fatal(err)
		}
		for _, post := range posts(t, st) {
			res := xtext.Parse(post.Text)
			if !res.Valid {
				t.Errorf("%s: post is not valid for X (%d): %q", name, res.WeightedLength, post.Text)
			}
			fmt.Fprintf(&got, "== %s (%d/280)\n%s\n\n", name, res.WeightedLength, post.Text)
		}
	}
	golden := filepath.Join("testdata", "posts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("posts differ from %s:\n--- got\n%s\n--- want\n%s", golden, got.String(), want)
	}
}

// BenchmarkWrite is extract and compose together: articles per second from
// a feed's entry to the post's text, on the fixtures.
func BenchmarkWrite(b *testing.B) {
	p, err := feed.Parse(fixtures.Read("wordpress-rss.xml"), "", "https://aranews.net/feed/")
	if err != nil {
		b.Fatal(err)
	}
	in := &Ingester{Pages: fixturePages, Targets: []Target{{Name: "x", Compose: xWriter(b)}}}
	f := &storeFeed
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, it := range p.Items {
			a, err := in.article(f, it, now)
			if err != nil {
				b.Fatal(err)
			}
			in.summarize(context.Background(), f, a, it)
			if _, err := in.Compose(a, "x"); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
}

var storeFeed = store.Feed{ID: 1, URL: "https://aranews.net/feed/"}
