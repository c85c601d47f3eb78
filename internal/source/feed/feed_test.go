package feed

import (
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fixtures"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	return fixtures.Read(name)
}

func TestParseFixtures(t *testing.T) {
	rss, err := Parse(read(t, "wordpress-rss.xml"), "", "https://aranews.net/feed/")
	if err != nil {
		t.Fatal(err)
	}
	if rss.Title != "ARA News" || len(rss.Items) != 3 {
		t.Fatalf("rss: title %q, %d items", rss.Title, len(rss.Items))
	}
	first := rss.Items[0]
	if first.GUID != "https://aranews.net/?p=80101" || first.Link != "https://aranews.net/2026/11/ten-schools-reopen-in-kobani/" ||
		first.Author != "ARA News" || len(first.Categories) != 2 || first.Categories[0] != "Kurdistan" ||
		!first.Published.Equal(time.Date(2016, 10, 28, 10, 0, 0, 0, time.UTC)) || first.Content == "" || first.Description == "" {
		t.Errorf("first RSS item: %+v", first)
	}
	if rss.Items[2].Content != "" || rss.Items[2].Description != "" {
		t.Errorf("third item should carry only a title and link: %+v", rss.Items[2])
	}

	atom, err := Parse(read(t, "atom.xml"), "", "https://aranews.net/category/kurdistan/feed/atom/")
	if err != nil || len(atom.Items) != 1 {
		t.Fatalf("atom: %v, %+v", err, atom)
	}
	if atom.Items[0].Link == "" || atom.Items[0].GUID == "" || atom.Items[0].Published.IsZero() {
		t.Errorf("atom item: %+v", atom.Items[0])
	}

	jf, err := Parse(read(t, "feed.json"), "", "https://aranews.net/feed.json")
	if err != nil || len(jf.Items) != 1 {
		t.Fatalf("json feed: %v, %+v", err, jf)
	}
	if jf.Items[0].ImageURL != "https://aranews.net/wp-content/uploads/2016/10/khabur.jpg" || jf.Items[0].Content == "" {
		t.Errorf("json feed item: %+v", jf.Items[0])
	}
}

func TestRelativeLinksAndMissingGUID(t *testing.T) {
	doc := `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://site.example/news/</link>
<item><title>A</title><link>/2026/a/</link></item></channel></rss>`
	p, err := Parse([]byte(doc), "", "https://feeds.example/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Items[0].Link; got != "https://site.example/2026/a/" {
		t.Errorf("link = %q", got)
	}
	if p.Items[0].GUID != p.Items[0].Link {
		t.Errorf("guid should fall back to the link: %q", p.Items[0].GUID)
	}
}

func TestNotAFeed(t *testing.T) {
	for name, body := range map[string]string{
		"html page": "<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>",
		"empty":     "",
		"json":      `{"error":"not found"}`,
		"text":      "Service temporarily unavailable",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Parse([]byte(body), "", "https://site.example/feed"); err == nil {
				t.Fatal("no error")
			}
		})
	}
	if _, err := Parse([]byte("<html><body>hi</body></html>"), "", ""); !errors.Is(err, ErrNotFeed) {
		t.Errorf("html: %v, want ErrNotFeed", err)
	}
}

func TestTruncatedFeed(t *testing.T) {
	b := read(t, "wordpress-rss.xml")
	_, err := Parse(b[:len(b)/2], "", "https://aranews.net/feed/")
	if err == nil {
		t.Fatal("a feed cut in half parsed without error")
	}
}
