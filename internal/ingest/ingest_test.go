package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

var now = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

func setup(t *testing.T, in *Ingester) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in.Store = st
	in.Clock = func() time.Time { return now }
	in.Log = slog.New(slog.DiscardHandler)
	if in.Targets == nil {
		in.Targets = []Target{{Name: "x", Compose: func(a *news.Article) (string, error) { return a.Title + " " + a.URL, nil }}}
	}
	if in.Intake.MaxAge == 0 {
		in.Intake.MaxAge = 24 * time.Hour
	}
	return st
}

func items(n int, host string) *feed.Parsed {
	p := &feed.Parsed{Title: "News"}
	for i := range n {
		p.Items = append(p.Items, feed.Item{
			GUID:      fmt.Sprintf("%s-%d", host, i),
			Link:      fmt.Sprintf("https://%s/story-%d/?utm_source=rss&utm_medium=feed", host, i),
			Title:     fmt.Sprintf("Story %d", i),
			Content:   fmt.Sprintf("<p>Story number %d happened on Monday, officials said.</p>", i),
			Published: now.Add(-time.Duration(n-i) * time.Hour),
		})
	}
	return p
}

func posts(t *testing.T, st store.Store) []*news.Post {
	t.Helper()
	ps, err := st.Posts(context.Background(), store.PostFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestFirstRun(t *testing.T) {
	for _, tc := range []struct {
		rule FirstRun
		want int
	}{
		{FirstRun{Mode: "skip"}, 0},
		{FirstRun{Mode: "latest", N: 2}, 2},
		{FirstRun{Mode: "all"}, 5},
	} {
		t.Run(tc.rule.Mode, func(t *testing.T) {
			in := &Ingester{FirstRun: tc.rule}
			st := setup(t, in)
			f, _ := st.EnsureFeed(context.Background(), "https://news.example/feed")
			if err := in.HandleFeed(context.Background(), f, items(5, "news.example")); err != nil {
				t.Fatal(err)
			}
			ps := posts(t, st)
			if len(ps) != tc.want {
				t.Fatalf("%d posts, want %d", len(ps), tc.want)
			}
			if tc.rule.Mode == "latest" {
				// The newest two, queued oldest first.
				if ps[0].Text != "Story 3 https://news.example/story-3/" || ps[1].Text != "Story 4 https://news.example/story-4/" {
					t.Errorf("latest:2 queued %q and %q", ps[0].Text, ps[1].Text)
				}
			}
			// Everything was recorded: a second look finds nothing new.
			f.Initialized = true
			if err := in.HandleFeed(context.Background(), f, items(5, "news.example")); err != nil {
				t.Fatal(err)
			}
			if n := len(posts(t, st)); n != tc.want {
				t.Errorf("second handling made %d posts, want %d", n, tc.want)
			}
		})
	}
}

func TestNewArticlesAfterFirstRun(t *testing.T) {
	queued := 0
	in := &Ingester{FirstRun: FirstRun{Mode: "skip"}, Queued: func() { queued++ }}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), "https://news.example/feed")
	if err := in.HandleFeed(context.Background(), f, items(3, "news.example")); err != nil {
		t.Fatal(err)
	}
	f.Initialized = true
	more := items(5, "news.example")
	if err := in.HandleFeed(context.Background(), f, more); err != nil {
		t.Fatal(err)
	}
	ps := posts(t, st)
	if len(ps) != 2 || queued != 1 {
		t.Fatalf("%d posts, %d wake-ups; want 2 and 1", len(ps), queued)
	}
	for _, p := range ps {
		if p.Status != news.StatusQueued || strings.Contains(p.Text, "utm_") || p.CreatedBy != "feed" {
			t.Errorf("post: %+v", p)
		}
	}
	a, err := st.Article(context.Background(), ps[0].ArticleID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Summary != "Story number 3 happened on Monday, officials said." {
		t.Errorf("summary = %q", a.Summary)
	}
}

func TestEditedAndCrossFeedDuplicates(t *testing.T) {
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}}
	st := setup(t, in)
	ctx := context.Background()
	a, _ := st.EnsureFeed(ctx, "https://news.example/feed")
	b, _ := st.EnsureFeed(ctx, "https://news.example/category/local/feed")
	if err := in.HandleFeed(ctx, a, items(2, "news.example")); err != nil {
		t.Fatal(err)
	}
	// The same stories in a category feed, with other tracking parameters and guids.
	other := items(2, "news.example")
	for i := range other.Items {
		other.Items[i].GUID = fmt.Sprintf("cat-%d", i)
		other.Items[i].Link = strings.Replace(other.Items[i].Link, "utm_medium=feed", "utm_campaign=local#comments", 1)
	}
	if err := in.HandleFeed(ctx, b, other); err != nil {
		t.Fatal(err)
	}
	// An edited item: same guid, new title and date.
	edited := items(2, "news.example")
	edited.Items[0].Title = "Story 0 (updated)"
	edited.Items[0].Published = now
	a.Initialized = true
	if err := in.HandleFeed(ctx, a, edited); err != nil {
		t.Fatal(err)
	}
	if n := len(posts(t, st)); n != 2 {
		t.Errorf("%d posts, want 2", n)
	}
}

func TestMaxAgeApprovalAndBreaking(t *testing.T) {
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Intake: outbox.Intake{Approval: true, Breaking: []string{"Breaking"}, MaxAge: 90 * time.Minute}}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), "https://news.example/feed")
	p := items(3, "news.example") // published 3h, 2h and 1h ago
	p.Items[2].Categories = []string{"breaking "}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	byText := map[string]*news.Post{}
	for _, p := range posts(t, st) {
		byText[strings.Fields(p.Text)[1]] = p
	}
	if p := byText["0"]; p.Status != news.StatusSkipped || !strings.Contains(p.LastError, "HERALD_MAX_AGE") {
		t.Errorf("old article: %s %q", p.Status, p.LastError)
	}
	if p := byText["2"]; p.Status != news.StatusPending || p.Priority <= news.PriorityNormal {
		t.Errorf("breaking article: %s priority %d", p.Status, p.Priority)
	}
}

// When the feed has only a title and a link, the summary comes from the
// article page, fetched through the fetcher.
func TestSummaryFromPage(t *testing.T) {
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Jets strike near Afrin</title>
<meta property="og:description" content="Turkish warplanes struck positions near Afrin on Friday night, local officials said."></head>
<body><article><p>Turkish warplanes struck positions near Afrin on Friday night, local officials said.</p></article></body></html>`)
	}))
	defer page.Close()
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{})}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), page.URL+"/feed")
	p := &feed.Parsed{Items: []feed.Item{{GUID: "1", Link: page.URL + "/afrin/", Title: "Turkish jets strike near Afrin", Published: now}}}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	ps := posts(t, st)
	a, _ := st.Article(context.Background(), ps[0].ArticleID)
	if a.Summary != "Turkish warplanes struck positions near Afrin on Friday night, local officials said." {
		t.Errorf("summary = %q", a.Summary)
	}
}

// A link to another host found in a feed goes through the private-address
// guard: a hostile feed cannot make herald read an internal page.
func TestOffsiteLinkIsGuarded(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("herald read an internal page named by a feed")
	}))
	defer internal.Close()
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{})}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), "https://news.example/feed")
	link := strings.Replace(internal.URL, "127.0.0.1", "localhost", 1) + "/admin/"
	p := &feed.Parsed{Items: []feed.Item{{GUID: "1", Link: link, Title: "Internal", Published: now}}}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	if n := len(posts(t, st)); n != 1 {
		t.Errorf("%d posts; the article is still posted, without a summary", n)
	}
}

// An entry whose page names an already recorded article as canonical is
// recorded without a post, and its page is not read again.
func TestCanonicalOfRecordedArticle(t *testing.T) {
	var reads atomic.Int64
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reads.Add(1)
		fmt.Fprintf(w, `<html><head><link rel="canonical" href="https://news.example/story-0/">
<meta property="og:description" content="The council approved the budget on Monday, officials said."></head><body></body></html>`)
	}))
	defer page.Close()
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{AllowPrivate: true})}
	st := setup(t, in)
	ctx := context.Background()
	f, _ := st.EnsureFeed(ctx, page.URL+"/feed")
	if err := in.HandleFeed(ctx, f, items(1, "news.example")); err != nil {
		t.Fatal(err)
	}
	amp := &feed.Parsed{Items: []feed.Item{{GUID: "amp-0", Link: page.URL + "/amp/story-0/", Title: "Story 0", Published: now}}}
	f.Initialized = true
	for range 2 {
		if err := in.HandleFeed(ctx, f, amp); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(posts(t, st)); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("the page was read %d times, want 1", n)
	}
}

// TestWriteRecordedArticle: an editor's URL that a feed already brought is
// written from the recorded article, the feed's own summary, as the feed's
// post was, and its page is not read; an unknown URL is read from its page.
func TestWriteRecordedArticle(t *testing.T) {
	var pageReads atomic.Int64
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pageReads.Add(1)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>From the page</title><meta property="og:description" content="The page's own description, which the feed did not use."></head><body></body></html>`)
	}))
	defer page.Close()
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{AllowPrivate: true})}
	st := setup(t, in)
	host := strings.TrimPrefix(page.URL, "http://")
	f, _ := st.EnsureFeed(context.Background(), page.URL+"/feed")
	if err := in.HandleFeed(context.Background(), f, items(1, host)); err != nil {
		t.Fatal(err)
	}
	fed := posts(t, st)[0].Text

	a, text, err := in.Write(context.Background(), "http://"+host+"/story-0/?utm_source=twitter")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.Summary != "Story number 0 happened on Monday, officials said." || text != fed {
		t.Errorf("recorded article: id %d, summary %q, text %q; want the feed's post %q", a.ID, a.Summary, text, fed)
	}
	if n := pageReads.Load(); n != 0 {
		t.Errorf("the page of a recorded article was read %d times", n)
	}

	a, _, err = in.Write(context.Background(), "http://"+host+"/other/")
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != 0 || a.Title != "From the page" || pageReads.Load() != 1 {
		t.Errorf("unrecorded article: id %d, title %q, %d page reads", a.ID, a.Title, pageReads.Load())
	}
}

// Only the feed's own origin is trusted: a link to another port of the
// feed's host, or a same-origin page that redirects to another origin, is
// refused on loopback, and the article is posted without a summary.
func TestOnlyTheFeedsOriginIsTrusted(t *testing.T) {
	var internalReads atomic.Int64
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalReads.Add(1)
		fmt.Fprint(w, `<html><head><meta property="og:description" content="The internal admin page, posted for all to see."></head></html>`)
	}))
	defer internal.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/admin/", http.StatusFound)
	}))
	defer site.Close()

	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: fetch.New(fetch.Options{})}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), site.URL+"/feed")
	p := &feed.Parsed{Items: []feed.Item{
		{GUID: "1", Link: internal.URL + "/admin/", Title: "Another port of the feed's host", Published: now},
		{GUID: "2", Link: site.URL + "/story/", Title: "A story that redirects", Published: now},
	}}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	if n := internalReads.Load(); n != 0 {
		t.Errorf("the internal server was read %d times", n)
	}
	for _, post := range posts(t, st) {
		if strings.Contains(post.Text, "internal admin page") {
			t.Errorf("posted %q", post.Text)
		}
	}
}

// A feed read by the poller comes skimmed, its entries without bodies: the
// entries to post are read whole, pictures included, before their
// summaries are written.
func TestSkimmedFeed(t *testing.T) {
	doc := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>News</title><link>https://news.example/</link>`)
		for i := range n {
			fmt.Fprintf(&b, `<item><title>Story %d</title><link>https://news.example/story-%d/</link><guid>g-%d</guid>
				<pubDate>%s</pubDate><description><![CDATA[<p>Dek %d.</p>]]></description>
				<content:encoded><![CDATA[<figure><img src="/photo-%d.jpg"></figure><p>Story number %d happened on Monday, officials said.</p>]]></content:encoded></item>`,
				i, i, i, now.Add(-time.Duration(n-i)*time.Hour).Format(time.RFC1123Z), i, i, i)
		}
		b.WriteString(`</channel></rss>`)
		return []byte(b.String())
	}
	in := &Ingester{FirstRun: FirstRun{Mode: "skip"}}
	st := setup(t, in)
	ctx := context.Background()
	f, _ := st.EnsureFeed(ctx, "https://news.example/feed")
	p, err := feed.Skim(doc(2), "application/rss+xml", f.URL)
	if err != nil {
		t.Fatal(err)
	}
	if p.Items[0].Content != "" {
		t.Fatal("the feed was not skimmed")
	}
	if err := in.HandleFeed(ctx, f, p); err != nil {
		t.Fatal(err)
	}
	a, err := st.ArticleByKey(ctx, "news.example/story-1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Story 1" || a.Summary != "" {
		t.Errorf("recorded article: %q, summary %q", a.Title, a.Summary)
	}

	f.Initialized = true
	if p, err = feed.Skim(doc(3), "application/rss+xml", f.URL); err != nil {
		t.Fatal(err)
	}
	if err := in.HandleFeed(ctx, f, p); err != nil {
		t.Fatal(err)
	}
	ps := posts(t, st)
	if len(ps) != 1 {
		t.Fatalf("%d posts, want 1", len(ps))
	}
	a, err = st.Article(ctx, ps[0].ArticleID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Story 2" || a.Summary != "Story number 2 happened on Monday, officials said." || a.ImageURL != "https://news.example/photo-2.jpg" {
		t.Errorf("posted article: %q, summary %q, picture %q", a.Title, a.Summary, a.ImageURL)
	}
}
