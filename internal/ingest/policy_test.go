package ingest

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/source/feed"
)

func TestVerdict(t *testing.T) {
	own := siteOf("https://feeds.feedburner.com/example", &feed.Parsed{Link: "https://www.example.org/"})
	story := func(link string, cats ...string) *news.Article {
		return &news.Article{Title: "Council approves the budget", URL: link, Categories: cats, Published: now.Add(-time.Hour)}
	}
	const onSite = "https://www.example.org/2026/11/budget/"
	tests := []struct {
		name       string
		in         *Ingester
		a          *news.Article
		it         feed.Item
		wantStatus news.Status
		wantWhy    string
	}{
		{"own article", &Ingester{}, story(onSite), feed.Item{}, news.StatusQueued, ""},
		{"another host of the same site", &Ingester{}, story("https://news.example.org/a/"), feed.Item{}, news.StatusQueued, ""},
		{"FeedBurner redirect without origLink", &Ingester{}, story("https://feeds.feedburner.com/~r/example/~3/x/"), feed.Item{}, news.StatusQueued, ""},
		{"approval", &Ingester{Intake: outbox.Intake{Approval: true}}, story(onSite), feed.Item{}, news.StatusPending, ""},
		{"ad network's item", &Ingester{}, story("https://trk.lender-ads.com/c?id=77"), feed.Item{},
			news.StatusPending, "held: the link leaves example.org for lender-ads.com"},
		{"ad network's item, approval on", &Ingester{Intake: outbox.Intake{Approval: true}}, story("https://trk.lender-ads.com/c?id=77"), feed.Item{},
			news.StatusPending, "held: the link leaves example.org for lender-ads.com"},
		{"public suffix", &Ingester{}, story("https://www.example.org.uk/a/"), feed.Item{},
			news.StatusPending, "held: the link leaves example.org for example.org.uk"},
		{"offsite links posted by choice", &Ingester{PostOffsite: true}, story("https://www.other.example/a/"), feed.Item{}, news.StatusQueued, ""},
		{"sponsored category", &Ingester{}, story(onSite, "Politics", "Anzeige"), feed.Item{},
			news.StatusPending, `held: marked sponsored (category "Anzeige")`},
		{"sponsored opening", &Ingester{}, story(onSite), feed.Item{Description: "<p>This is a sponsored article on behalf of Acme Bank. Acme Bank today launched…</p>"},
			news.StatusPending, `held: marked sponsored (it opens with "This is a sponsored")`},
		{"sponsored label in the title", &Ingester{}, &news.Article{Title: "[Publicidad] Cinco claves para ahorrar", URL: onSite, Published: now}, feed.Item{},
			news.StatusPending, `held: marked sponsored (it opens with "Publicidad")`},
		{"in partnership with", &Ingester{}, story(onSite), feed.Item{Content: "<p><em>In partnership with Acme Bank</em></p><p>Saving is easier than ever.</p>"},
			news.StatusPending, `held: marked sponsored (it opens with "In partnership with")`},
		{"sponsored section", &Ingester{}, story("https://www.example.org/sponsored/acme-savings/"), feed.Item{},
			news.StatusPending, "held: marked sponsored (the link is in a sponsored section)"},
		{"sponsored and offsite, even when offsite links are posted", &Ingester{PostOffsite: true}, story("https://trk.lender-ads.com/c?id=77", "Sponsored"), feed.Item{},
			news.StatusPending, `held: marked sponsored (category "Sponsored")`},
		{"both reasons", &Ingester{}, story("https://trk.lender-ads.com/c?id=77", "Sponsored"), feed.Item{},
			news.StatusPending, `held: marked sponsored (category "Sponsored"); the link leaves example.org for lender-ads.com`},
		{"excluded by title", &Ingester{Exclude: regexp.MustCompile(`(?i)budget`)}, story(onSite), feed.Item{},
			news.StatusSkipped, "excluded by HERALD_EXCLUDE: the title matches"},
		{"excluded by category", &Ingester{Exclude: regexp.MustCompile(`^Horóscopo$`)}, story(onSite, "Horóscopo"), feed.Item{},
			news.StatusSkipped, `excluded by HERALD_EXCLUDE: the category "Horóscopo" matches`},
		{"excluded by link, before holding it", &Ingester{Exclude: regexp.MustCompile(`lender-ads`)}, story("https://trk.lender-ads.com/c?id=77"), feed.Item{},
			news.StatusSkipped, "excluded by HERALD_EXCLUDE: the link matches"},
		{"too old", &Ingester{Intake: outbox.Intake{MaxAge: time.Minute}}, story(onSite), feed.Item{},
			news.StatusSkipped, "published 1h0m0s ago, more than HERALD_MAX_AGE (1m0s)"},
		// News about advertising is not advertising.
		{"advertising as a subject", &Ingester{}, story(onSite), feed.Item{Description: "Publicidad engañosa: Consumo multa a cinco aerolíneas por precios ocultos."}, news.StatusQueued, ""},
		{"a partnership in the story", &Ingester{}, story(onSite), feed.Item{Description: "The ministry, in partnership with the WHO, launched a vaccination drive on Monday."}, news.StatusQueued, ""},
		{"Anzeige as a word", &Ingester{}, story(onSite), feed.Item{Description: "Die Polizei hat Anzeige gegen den Fahrer erstattet."}, news.StatusQueued, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, why := verdict(tt.in, tt.a, tt.it, own, now)
			if status != tt.wantStatus || why != tt.wantWhy {
				t.Errorf("verdict = %s, %q; want %s, %q", status, why, tt.wantStatus, tt.wantWhy)
			}
		})
	}
}

func TestSiteOf(t *testing.T) {
	items := func(links ...string) []feed.Item {
		var out []feed.Item
		for _, l := range links {
			out = append(out, feed.Item{Link: l})
		}
		return out
	}
	// An outlet whose feed names one domain and links to another.
	bbc := siteOf("https://feeds.bbci.co.uk/news/rss.xml", &feed.Parsed{Link: "https://www.bbc.co.uk/news", Items: items(
		"https://www.bbc.com/news/articles/a", "https://www.bbc.com/news/articles/b", "https://www.bbc.com/news/articles/c", "https://ads.lender-ads.com/x")})
	if !bbc.owns("bbc.com") || !bbc.owns("bbc.co.uk") || !bbc.owns("bbci.co.uk") || bbc.owns("lender-ads.com") || bbc.name != "bbc.co.uk" {
		t.Errorf("bbc site: %+v", bbc)
	}
	// One ad among few is never the feed's own.
	small := siteOf("https://example.org/feed/", &feed.Parsed{Items: items("https://example.org/a", "https://ads.example.net/x")})
	if small.owns("example.net") || !small.owns("example.org") {
		t.Errorf("small site: %+v", small)
	}
	for in, want := range map[string]string{
		"https://trk.lender-ads.com/c?id=1": "lender-ads.com",
		"https://www.bbc.co.uk/news":        "bbc.co.uk",
		"http://127.0.0.1:8080/a":           "127.0.0.1",
		"http://localhost/a":                "localhost",
		"https://WWW.Example.ORG./a":        "example.org",
		"not a url":                         "",
	} {
		if got := domainOf(in); got != want {
			t.Errorf("domainOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// verdict is the state and reason an article's posts start in: what judge
// finds, through the outbox's intake rule, as ingest makes posts.
func verdict(in *Ingester, a *news.Article, it feed.Item, own site, now time.Time) (news.Status, string) {
	p := in.Intake.Post(a, "x", "text", nil, in.judge(a, it, own), now)
	return p.Status, p.LastError
}

// An entry without a title whose page cannot be read waits for an editor:
// it would go out as a bare link.
func TestNoTitleUnreadablePageIsHeld(t *testing.T) {
	in := &Ingester{FirstRun: FirstRun{Mode: "all"}, Pages: pages{}, Targets: []Target{{Name: "x", Compose: xWriter(t)}}}
	st := setup(t, in)
	f, _ := st.EnsureFeed(context.Background(), "https://aranews.net/feed/")
	p := &feed.Parsed{Items: []feed.Item{{GUID: "1", Link: "https://aranews.net/2026/11/untitled/", Published: now}}}
	if err := in.HandleFeed(context.Background(), f, p); err != nil {
		t.Fatal(err)
	}
	got := posts(t, st)
	if len(got) != 1 || got[0].Status != news.StatusPending || !strings.Contains(got[0].LastError, "no headline") {
		t.Errorf("untitled entry, unreadable page: %+v", got)
	}
}
