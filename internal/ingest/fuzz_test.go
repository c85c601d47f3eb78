package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/fixtures"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/xtext"
)

// FuzzFeedToPost runs feed bytes through the whole path that writes a post — parse,
// article link and key, summary, the decision on the post's state, the text for X — and
// holds what must hold for any feed: no panic; the link in the post whole, exactly as
// recorded, at its end; valid UTF-8; within X's limit; a known state with a readable
// reason.
func FuzzFeedToPost(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.xml"))
	if err != nil {
		f.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "corpus", "en-json-permalink.json"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, name := range fixtures.Feeds {
		f.Add(fixtures.Read(name))
	}
	f.Add([]byte(`<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><link>https://a.example/</link>` +
		`<item><title>Kyiv – A</title><link>http://feedproxy.google.com/~r/a/~3/b/</link><feedburner:origLink>/b c</feedburner:origLink>` +
		`<description>МОСКВА, 1 ноября. /ТАСС/. Текст... …</description><category>Anzeige</category></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"https://a.example/x","title":"新华社北京11月1日电","summary":"« Fin. » a-t-il dit !"}]}`))

	write := xWriter(f)
	in := &Ingester{Targets: []Target{{Name: "x", Compose: write}}, Exclude: corpusExclude}
	sf := &storeFeed
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := feed.Parse(body, "", sf.URL)
		if err != nil {
			return
		}
		own := siteOf(sf.URL, p)
		for _, it := range p.Items {
			a, err := in.article(sf, it, now)
			if err != nil {
				continue
			}
			in.summarize(context.Background(), sf, a, it)
			text, err := in.Compose(a, "x")
			if errors.Is(err, compose.ErrTooLong) {
				// Only a link X does not count as one link (23) can fill a post alone.
				if bare, _ := write(&news.Article{URL: a.URL}); bare != "" {
					t.Fatalf("no post for %q (%v), but the link alone fits", a.URL, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("no post for %q: %v", a.URL, err)
			}
			if !utf8.ValidString(text) {
				t.Fatalf("post is not valid UTF-8: %q", text)
			}
			if !strings.HasSuffix(text, a.URL) {
				t.Fatalf("the link %q is not whole at the end of the post %q", a.URL, text)
			}
			if res := xtext.Parse(text); !res.Valid || res.WeightedLength > xtext.MaxWeightedLength {
				t.Fatalf("post is not valid for X (%d): %q", res.WeightedLength, text)
			}
			for _, two := range []string{"...…", ".…", "……"} {
				if strings.Count(text, two) > strings.Count(a.Title+"\n"+a.Summary, two) {
					t.Fatalf("an ellipsis after an ellipsis in %q", text)
				}
			}
			status, why := verdict(in, a, it, own, now)
			if !status.Valid() || !utf8.ValidString(why) || (status == news.StatusPending && why == "" && !in.Intake.Approval) {
				t.Fatalf("verdict %s, %q", status, why)
			}
		}
	})
}
