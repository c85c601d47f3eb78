package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// pageServer serves article pages: /{slug}/ with a title and a lede, /empty/
// with neither, /moved/ naming another canonical address, /derby/ in the
// Sports section.
func pageServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug := strings.Trim(r.URL.Path, "/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch slug {
		case "missing":
			http.NotFound(w, r)
		case "empty":
			fmt.Fprint(w, `<!doctype html><html><head></head><body></body></html>`)
		case "derby":
			fmt.Fprint(w, `<!doctype html><html><head><title>Derby day</title><meta property="article:section" content="Sports">
<meta property="og:description" content="The derby ended in a draw on Saturday, before a full stadium."></head><body></body></html>`)
		case "moved":
			fmt.Fprintf(w, `<!doctype html><html><head><title>Moved story</title><link rel="canonical" href="https://canonical.example/moved/">
<meta property="og:description" content="The story moved to another address on Monday, its editors said."></head><body></body></html>`)
		default:
			fmt.Fprintf(w, `<!doctype html><html><head><title>Story %[1]s</title>
<meta property="og:description" content="Story %[1]s happened on Monday, officials said."></head><body></body></html>`, slug)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An announced article is read from its page, recorded under the feed on
// its host and posted at once by the intake rule; announced again, or met
// again in its feed, it is the same article and is not posted again.
func TestAnnounce(t *testing.T) {
	srv := pageServer(t)
	queued := 0
	// The fetcher refuses private addresses: the page is read because it
	// is on the feed's own host, like the feed's own links.
	in := &Ingester{FirstRun: FirstRun{Mode: "skip"}, Pages: fetch.New(fetch.Options{}), Queued: func() { queued++ }}
	st := setup(t, in)
	ctx := context.Background()
	f, _ := st.EnsureFeed(ctx, srv.URL+"/feed/")
	f.Title = "Valley Courier"
	in.Feeds = func() []store.Feed { return []store.Feed{{ID: 99, URL: "https://elsewhere.example/feed"}, *f} }

	ps, added, err := in.Announce(ctx, srv.URL+"/clinic/?utm_source=wordpress", nil, "cms")
	if err != nil || !added || len(ps) != 1 {
		t.Fatalf("Announce = %v, %v, %v", ps, added, err)
	}
	p := ps[0]
	if p.Status != news.StatusQueued || p.Priority != news.PriorityNormal || p.CreatedBy != "cms" || p.ID == 0 ||
		p.Text != "Story clinic "+srv.URL+"/clinic/" || queued != 1 {
		t.Errorf("post = %+v, wake-ups %d", p, queued)
	}
	a, err := st.Article(ctx, p.ArticleID)
	if err != nil || a.FeedID != f.ID || a.Summary != "Story clinic happened on Monday, officials said." || !a.Published.Equal(now) {
		t.Errorf("article = %+v, %v", a, err)
	}

	// The CMS sends it again: nothing changes.
	if ps, added, err := in.Announce(ctx, srv.URL+"/clinic/", nil, "cms"); err != nil || added || ps != nil {
		t.Errorf("announced twice: %v, %v, %v", ps, added, err)
	}
	// The feed catches up: its entry (another guid, the link with tracking)
	// is the announced article.
	f.Initialized = true
	entry := &feed.Parsed{Title: "Valley Courier", Items: []feed.Item{{
		GUID: srv.URL + "/?p=42", Link: srv.URL + "/clinic/?utm_source=rss&utm_medium=rss", Title: "Story clinic",
		Description: "<p>Story clinic happened on Monday, officials said.</p>", Published: now,
	}}}
	if err := in.HandleFeed(ctx, f, entry); err != nil {
		t.Fatal(err)
	}
	if n := len(posts(t, st)); n != 1 || queued != 1 {
		t.Errorf("%d posts, %d wake-ups after the feed's copy; want 1 and 1", n, queued)
	}
}

// Approval and the age limit apply as to any automatic post: the intake
// rule decides, not the editors' path.
func TestAnnounceFollowsTheIntakeRule(t *testing.T) {
	srv := pageServer(t)
	in := &Ingester{Pages: fetch.New(fetch.Options{AllowPrivate: true})}
	st := setup(t, in)
	in.Intake.Approval = true
	in.Targets = append(in.Targets, Target{Name: "mastodon", Compose: func(a *news.Article) (string, error) { return a.Title, nil }})
	ps, added, err := in.Announce(context.Background(), srv.URL+"/vote/", nil, "")
	if err != nil || !added || len(ps) != 2 {
		t.Fatalf("Announce = %v, %v, %v", ps, added, err)
	}
	for _, p := range ps {
		if p.Status != news.StatusPending || p.Priority != news.PriorityNormal || p.CreatedBy != "feed" {
			t.Errorf("post for %s = %+v", p.Destination, p)
		}
	}
	if n := len(posts(t, st)); n != 2 {
		t.Errorf("%d posts stored", n)
	}
}

// An address on no feed's host is an outside one: a private address is
// refused unless HERALD_ALLOW_PRIVATE_URLS. Every refusal is in plain words.
func TestAnnounceRefusals(t *testing.T) {
	srv := pageServer(t)
	in := &Ingester{Pages: fetch.New(fetch.Options{})}
	st := setup(t, in)
	ctx := context.Background()
	for _, tc := range []struct{ url, want string }{
		{"", `give the article's address: {"url": "https://…"}`},
		{"ftp://news.example/a", `"ftp://news.example/a" is not a web address`},
		{"clinic", `"clinic" is not a web address`},
		{srv.URL + "/clinic/", "HERALD_ALLOW_PRIVATE_URLS"},
	} {
		_, _, err := in.Announce(ctx, tc.url, nil, "cms")
		r, ok := news.Refusal(err)
		if !ok || !errors.Is(err, news.ErrInvalid) || !strings.Contains(r.Message, tc.want) {
			t.Errorf("Announce(%q) = %v, want a refusal saying %q", tc.url, err, tc.want)
		}
	}
	in.Pages = fetch.New(fetch.Options{AllowPrivate: true})
	for _, tc := range []struct{ url, want string }{
		{srv.URL + "/missing/", "404"},
		{srv.URL + "/empty/", "could not read that page"},
	} {
		_, _, err := in.Announce(ctx, tc.url, nil, "cms")
		if r, ok := news.Refusal(err); !ok || !strings.Contains(r.Message, tc.want) {
			t.Errorf("Announce(%q) = %v, want a refusal saying %q", tc.url, err, tc.want)
		}
	}
	if n := len(posts(t, st)); n != 0 {
		t.Errorf("%d posts after refusals", n)
	}
}

// A page naming another canonical address keeps the address the CMS gave,
// which its feed carries too; an article already recorded under the
// canonical one is the same article.
func TestAnnounceCanonical(t *testing.T) {
	srv := pageServer(t)
	in := &Ingester{Pages: fetch.New(fetch.Options{AllowPrivate: true})}
	st := setup(t, in)
	ctx := context.Background()
	ps, added, err := in.Announce(ctx, srv.URL+"/moved/", nil, "cms")
	if err != nil || !added {
		t.Fatalf("Announce = %v, %v", added, err)
	}
	a, _ := st.Article(ctx, ps[0].ArticleID)
	if a.URL != srv.URL+"/moved/" || !strings.Contains(ps[0].Text, srv.URL+"/moved/") {
		t.Errorf("article %s, post %q: want the announced address", a.URL, ps[0].Text)
	}

	in2 := &Ingester{Pages: fetch.New(fetch.Options{AllowPrivate: true})}
	st2 := setup(t, in2)
	f, _ := st2.EnsureFeed(ctx, "https://canonical.example/feed")
	if _, err := st2.AddArticle(ctx, &news.Article{FeedID: f.ID, GUID: "c", URL: "https://canonical.example/moved/", Key: "canonical.example/moved",
		Seen: now, Published: now}); err != nil {
		t.Fatal(err)
	}
	if ps, added, err := in2.Announce(ctx, srv.URL+"/moved/", nil, "cms"); err != nil || added || ps != nil {
		t.Errorf("an article recorded under its canonical address announced again: %v %v %v", ps, added, err)
	}
}

// An announced article is routed by the categories the CMS gives, else by
// its page's section, as a feed's entry is by its own.
func TestAnnounceCategories(t *testing.T) {
	srv := pageServer(t)
	compose := func(a *news.Article) (string, error) { return a.Title, nil }
	in := &Ingester{Pages: fetch.New(fetch.Options{}), Targets: []Target{
		{Name: "main", Compose: compose},
		{Name: "sports", Compose: compose, Route: Route{Categories: []string{"sports"}}},
	}}
	st := setup(t, in)
	ctx := context.Background()
	f, _ := st.EnsureFeed(ctx, srv.URL+"/feed/")
	in.Feeds = func() []store.Feed { return []store.Feed{*f} }
	destinations := func(ps []*news.Post) (out []string) {
		for _, p := range ps {
			out = append(out, p.Destination)
		}
		return out
	}
	for _, tc := range []struct {
		slug       string
		categories []string
		want       string
	}{
		{"match", []string{" Sports ", "Local", "Sports"}, "main sports"}, // the CMS's word
		{"derby", nil, "main sports"},                                     // the page's section
		{"council", nil, "main"},                                          // neither
	} {
		ps, added, err := in.Announce(ctx, srv.URL+"/"+tc.slug+"/", tc.categories, "cms")
		if err != nil || !added || strings.Join(destinations(ps), " ") != tc.want {
			t.Errorf("%s: %v to %q, %v; want %q", tc.slug, added, destinations(ps), err, tc.want)
			continue
		}
		a, _ := st.Article(ctx, ps[0].ArticleID)
		if tc.slug == "match" && strings.Join(a.Categories, ",") != "Sports,Local" {
			t.Errorf("recorded categories: %q", a.Categories)
		}
	}
	for _, cats := range [][]string{make([]string, 65), {strings.Repeat("é", 101)}} {
		var ne *news.Error
		if _, _, err := in.Announce(ctx, srv.URL+"/other/", cats, "cms"); !errors.As(err, &ne) || ne.Kind != news.ErrInvalid {
			t.Errorf("%d categories of %d bytes: %v, want a refusal", len(cats), len(cats[0]), err)
		}
	}
}
