package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/feed"
)

func TestRouteAccepts(t *testing.T) {
	a := &news.Article{FeedURL: "https://example.org/en/feed/", Categories: []string{"Kurdistan", "Politics"}, Lang: "en-US",
		Title: "Erbil and Baghdad agree on budget", URL: "https://example.org/en/politics/erbil-baghdad/"}
	for _, tc := range []struct {
		name string
		r    Route
		want bool
	}{
		{"everything", Route{}, true},
		{"its feed", Route{Feeds: []string{"https://example.org/en/feed/"}}, true},
		{"its feed written otherwise", Route{Feeds: []string{"http://www.example.org/en/feed"}}, true},
		{"another feed", Route{Feeds: []string{"https://example.org/ar/feed/"}}, false},
		{"a category, any case", Route{Categories: []string{"kurdistan"}}, true},
		{"another category", Route{Categories: []string{"Sport"}}, false},
		{"its language", Route{Languages: []string{"en"}}, true},
		{"its language and region", Route{Languages: []string{"en-us"}}, true},
		{"another region", Route{Languages: []string{"en-GB"}}, false},
		{"another language", Route{Languages: []string{"ar", "ku"}}, false},
		{"a prefix that is not a language", Route{Languages: []string{"e"}}, false},
		{"all three", Route{Feeds: []string{"https://example.org/en/feed/"}, Categories: []string{"Politics"}, Languages: []string{"en"}}, true},
		{"two of three", Route{Feeds: []string{"https://example.org/en/feed/"}, Categories: []string{"Politics"}, Languages: []string{"ar"}}, false},
		{"included by category", Route{Include: regexp.MustCompile(`^Kurd`)}, true},
		{"not included", Route{Include: regexp.MustCompile(`(?i)sport`)}, false},
		{"excluded by title", Route{Exclude: regexp.MustCompile(`(?i)parliament`)}, true},
		{"excluded by URL", Route{Exclude: regexp.MustCompile(`/politics/`)}, false},
		{"included, then excluded", Route{Include: regexp.MustCompile(`Kurd`), Exclude: regexp.MustCompile(`Politics`)}, false},
	} {
		if got := tc.r.Accepts(a); got != tc.want {
			t.Errorf("%s: Accepts = %v, want %v", tc.name, got, tc.want)
		}
	}
	if (Route{Languages: []string{"en"}}).Accepts(&news.Article{}) {
		t.Error("an article of unknown language went to a destination that lists languages")
	}
	if (Route{Feeds: []string{"https://example.org/en/feed/"}}).Accepts(&news.Article{}) {
		t.Error("an article from no feed went to a destination that lists feeds")
	}
}

// An article becomes one post for each destination that takes it, each
// written for its destination.
func TestPostsByRoute(t *testing.T) {
	write := func(dest string) func(a *news.Article) (string, error) {
		return func(a *news.Article) (string, error) { return dest + ": " + a.Title + " " + a.URL, nil }
	}
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Targets: []Target{
		{Name: "x-en", Compose: write("x-en"), Route: Route{Languages: []string{"en"}}},
		{Name: "x-ar", Compose: write("x-ar"), Route: Route{Languages: []string{"ar"}}},
		{Name: "bluesky", Compose: write("bluesky"), Route: Route{Categories: []string{"kurdistan"}}},
		{Name: "mastodon", Compose: write("mastodon"), Route: Route{Feeds: []string{"https://news.example/ar/feed"}}},
	}}
	st := setup(t, in)
	ctx := context.Background()
	en, _ := st.EnsureFeed(ctx, "https://news.example/en/feed")
	ar, _ := st.EnsureFeed(ctx, "https://news.example/ar/feed")
	enFeed := items(2, "news.example")
	enFeed.Lang = "en-us"
	enFeed.Items[1].Categories = []string{"Kurdistan"}
	arFeed := items(1, "ar.news.example")
	arFeed.Lang = "ar"
	if err := in.HandleFeed(ctx, en, enFeed); err != nil {
		t.Fatal(err)
	}
	if err := in.HandleFeed(ctx, ar, arFeed); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range posts(t, st) {
		a, err := st.Article(ctx, p.ArticleID)
		if err != nil {
			t.Fatal(err)
		}
		got[a.GUID] = append(got[a.GUID], p.Destination)
		if want := p.Destination + ": " + a.Title + " " + a.URL; p.Text != want {
			t.Errorf("text %q, want %q", p.Text, want)
		}
	}
	for guid, want := range map[string][]string{
		"news.example-0":    {"x-en"},
		"news.example-1":    {"x-en", "bluesky"},
		"ar.news.example-0": {"x-ar", "mastodon"},
	} {
		slices.Sort(got[guid])
		slices.Sort(want)
		if !slices.Equal(got[guid], want) {
			t.Errorf("%s went to %v, want %v", guid, got[guid], want)
		}
	}
	a, _ := st.ArticleByKey(ctx, "news.example/story-0")
	if a == nil || a.Lang != "en-US" {
		t.Errorf("the feed's language was not recorded: %+v", a)
	}

	// Reloaded routes apply to the next articles.
	in.SetTargets(in.Targets[:1])
	more := items(3, "news.example")
	more.Lang = "ar"
	if err := in.HandleFeed(ctx, en, more); err != nil {
		t.Fatal(err)
	}
	if n := len(posts(t, st)); n != 5 {
		t.Errorf("%d posts after an Arabic article with only x-en left, want 5", n)
	}
}

// The page's language, when herald reads the page, is the article's.
func TestLanguageFromPage(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html lang="es"><head><title>Fiesta</title>
<meta property="og:description" content="La fiesta de la cosecha vuelve el sábado, dijeron los organizadores."></head><body></body></html>`)
	}))
	defer page.Close()
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{})}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), page.URL+"/feed")
	p := &feed.Parsed{Lang: "en-US", Items: []feed.Item{{GUID: "1", Link: page.URL + "/fiesta/", Title: "Fiesta", Published: now}}}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	a, err := st.Article(context.Background(), posts(t, st)[0].ArticleID)
	if err != nil || a.Lang != "es" {
		t.Errorf("article %+v, %v: want the page's language es", a, err)
	}
	// An editor's URL of a recorded article is the article as recorded,
	// with its feed's address for routing.
	b, err := in.ReadURL(context.Background(), page.URL+"/fiesta/")
	if err != nil || b.Lang != "es" || b.FeedURL != page.URL+"/feed" {
		t.Fatalf("ReadURL of the recorded article: %+v %v", b, err)
	}
	if !in.Accepts(b, "x") {
		t.Error("the only destination, taking everything, does not accept the article")
	}
}

// A destination that builds its own link card (Bluesky) gets the page's
// og:image when the feed gives no picture; without one, the page is not
// read for it.
func TestCardImageFromPage(t *testing.T) {
	var reads int
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads++
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>T</title><meta property="og:image" content="/photo.jpg"></head><body><p>A sentence long enough to be a lede here.</p></body></html>`)
	}))
	defer page.Close()
	write := func(a *news.Article) (string, error) { return a.Title + " " + a.URL, nil }
	for _, tc := range []struct {
		name  string
		cards bool
		reads int
		image string
	}{
		{"no card", false, 0, ""},
		{"a card", true, 1, page.URL + "/photo.jpg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reads = 0
			in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{}),
				Targets: []Target{{Name: "b", Compose: write, Cards: tc.cards}}}
			st := setup(t, in)
			f, _ := st.EnsureFeed(context.Background(), page.URL+"/feed")
			p := &feed.Parsed{Items: []feed.Item{{GUID: "1", Link: page.URL + "/a/", Title: "A", Content: "<p>The feed's own summary, a sentence.</p>", Published: now}}}
			if err := in.HandleFeed(context.Background(), f, p); err != nil {
				t.Fatal(err)
			}
			a, err := st.Article(context.Background(), posts(t, st)[0].ArticleID)
			if err != nil || reads != tc.reads || a.ImageURL != tc.image {
				t.Errorf("%d reads, image %q (%v); want %d, %q", reads, a.ImageURL, err, tc.reads, tc.image)
			}
		})
	}
}
