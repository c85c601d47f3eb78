package extract

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald/internal/fixtures"
)

// The feed fixtures are read with encoding/xml and encoding/json, which decode the XML
// (or JSON) layer once, as a feed parser does; what they hand over is what reaches Text
// and Lede in production.

type rssItem struct {
	Title       string `xml:"title"`
	Description string `xml:"description"`
	Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
}

func readRSS(t testing.TB, file string) []rssItem {
	t.Helper()
	b := fixtures.Read(file)
	var rss struct {
		Items []rssItem `xml:"channel>item"`
	}
	if err := xml.Unmarshal(b, &rss); err != nil {
		t.Fatal(err)
	}
	return rss.Items
}

type atomEntry struct {
	Title   string `xml:"title"`
	Summary string `xml:"summary"`
}

func readAtom(t testing.TB, file string) []atomEntry {
	t.Helper()
	b := fixtures.Read(file)
	var feed struct {
		Entries []atomEntry `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &feed); err != nil {
		t.Fatal(err)
	}
	return feed.Entries
}

type jsonItem struct {
	Title       string `json:"title"`
	ContentHTML string `json:"content_html"`
}

func readJSONFeed(t testing.TB, file string) []jsonItem {
	t.Helper()
	b := fixtures.Read(file)
	var feed struct {
		Items []jsonItem `json:"items"`
	}
	if err := json.Unmarshal(b, &feed); err != nil {
		t.Fatal(err)
	}
	return feed.Items
}

// The expected titles and ledes are those of shared/fixtures/README.md.

func TestFeedWordPressRSS(t *testing.T) {
	items := readRSS(t, "wordpress-rss.xml")
	want := []struct{ title, lede string }{
		{
			"Ten schools reopen in Kobani two years after the siege",
			"Ten schools reopened in Kobani on Sunday, the local education council said, two years after fighting destroyed most of the city.",
		},
		{
			"SDF’s new recruits finish training for Raqqa & Tabqa campaign",
			"The Syrian Democratic Forces (SDF) said on Thursday that 2,000 new recruits had finished training ahead of the Raqqa campaign.",
		},
		{
			// title and link only: the summary comes from the page (TestParsePageAfrin)
			"Turkish jets strike Kurdish positions near Afrin",
			"",
		},
	}
	if len(items) != len(want) {
		t.Fatalf("%d items, want %d", len(items), len(want))
	}
	for i, it := range items {
		if got := Text(it.Title); got != want[i].title {
			t.Errorf("item %d: Text(title) = %q, want %q", i, got, want[i].title)
		}
		if got := Lede(it.Content, 0); got != want[i].lede {
			t.Errorf("item %d: Lede(content:encoded) = %q, want %q", i, got, want[i].lede)
		}
		// The 55-word auto-excerpt starts with the caption, credit and byline.
		if got := Lede(it.Description, 0); got != want[i].lede {
			t.Errorf("item %d: Lede(description) = %q, want %q", i, got, want[i].lede)
		}
	}
}

func TestFeedAtom(t *testing.T) {
	entries := readAtom(t, "atom.xml")
	if len(entries) != 1 {
		t.Fatalf("%d entries, want 1", len(entries))
	}
	e := entries[0]
	if got, want := Text(e.Title), "Erbil & Baghdad agree on Mosul roles"; got != want {
		t.Errorf("Text(title) = %q, want %q", got, want)
	}
	want := "Kurdish and Iraqi officials agreed on Sunday who will hold which districts after Mosul is retaken, a Peshmerga spokesman said."
	if got := Lede(e.Summary, 0); got != want {
		t.Errorf("Lede(summary) = %q, want %q", got, want)
	}
}

func TestFeedJSON(t *testing.T) {
	items := readJSONFeed(t, "feed.json")
	if len(items) != 1 {
		t.Fatalf("%d items, want 1", len(items))
	}
	it := items[0]
	if got, want := Text(it.Title), "Water shortages hit Qamishli as the Khabur runs dry"; got != want {
		t.Errorf("Text(title) = %q, want %q", got, want)
	}
	want := "Residents of Qamishli have had running water for only two hours a day since Monday, the city council said."
	if got := Lede(it.ContentHTML, 0); got != want {
		t.Errorf("Lede(content_html) = %q, want %q", got, want)
	}
}

// testPage is an article page to test against: the extract package's own
// pages and the shared fixture's.
type testPage struct {
	name   string // file name, as in testdata/pages
	body   []byte
	golden string // the golden file's path
}

func testPages(t testing.TB) []testPage {
	t.Helper()
	files, err := filepath.Glob("testdata/pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test pages: %v", err)
	}
	pages := []testPage{{"page-afrin.html", fixtures.Read("page-afrin.html"), "testdata/pages/page-afrin.html.golden"}}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, testPage{filepath.Base(file), b, file + ".golden"})
	}
	return pages
}
