package extract

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fixtures"
)

var update = flag.Bool("update", false, "rewrite testdata/pages/*.golden from the current output")

// pageURLs are the addresses the test pages were fetched from.
var pageURLs = map[string]string{
	"page-afrin.html":      "https://aranews.net/2026/11/turkish-jets-strike-afrin/",
	"reuters-beirut.html":  "https://www.reuters.com/article/us-mideast-crisis-syria-aleppo-idUSKBN12S0X0?utm_source=twitter",
	"arabic-damascus.html": "https://ar.aranews.net/2016/10/damascus-schools/",
	"chinese-beijing.html": "https://news.example.cn/2016-10/19/c_1119747362.htm",
	"jsonld-only.html":     "https://aranews.net/2016/10/peshmerga-front/",
	"no-description.html":  "https://example.org/en/news/qamishli-water?ref=home",
	"boilerplate-og.html":  "https://aranews.net/2016/10/erbil-baghdad-mosul/",
}

// formatPage renders a Page the way the golden files hold it: one field a line.
func formatPage(p Page) string {
	published := ""
	if !p.Published.IsZero() {
		published = p.Published.UTC().Format(time.RFC3339)
	}
	s := fmt.Sprintf("title: %s\ndescription: %s\ncanonical: %s\nimage: %s\nauthor: %s\npublished: %s\nlede: %s\n",
		p.Title, p.Description, p.Canonical, p.Image, p.Author, published, p.Lede)
	if len(p.Categories) > 0 {
		s += fmt.Sprintf("categories: %q\n", p.Categories)
	}
	return s
}

func TestParsePageGolden(t *testing.T) {
	for _, tp := range testPages(t) {
		name, body, golden := tp.name, tp.body, tp.golden
		t.Run(name, func(t *testing.T) {
			pageURL, ok := pageURLs[name]
			if !ok {
				t.Fatalf("no page URL for %s in pageURLs", name)
			}
			p, err := ParsePage(body, pageURL)
			if err != nil {
				t.Fatalf("ParsePage: %v", err)
			}
			got := formatPage(p)
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("ParsePage(%s) differs from %s\n got:\n%s\nwant:\n%s", name, golden, got, want)
			}
		})
	}
}

// TestParsePageAfrin holds the expectations of shared/fixtures/README.md in code, so a
// golden file rewritten by mistake cannot hide a regression.
func TestParsePageAfrin(t *testing.T) {
	p, err := ParsePage(fixtures.Read("page-afrin.html"), "https://aranews.net/2026/11/turkish-jets-strike-afrin/")
	if err != nil {
		t.Fatal(err)
	}
	want := Page{
		Title:     "Turkish jets strike Kurdish positions near Afrin",
		Canonical: "https://aranews.net/2026/11/turkish-jets-strike-afrin/",
		Image:     "https://aranews.net/wp-content/uploads/2016/10/aleppo-rebels.jpg",
		Lede:      "Turkish warplanes struck positions of the People’s Protection Units (YPG) near Afrin on Friday night, local officials said.",
		Lang:      "en-US",
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("ParsePage(page-afrin.html)\n got %+v\nwant %+v", p, want)
	}
}

func TestParsePage(t *testing.T) {
	const pageURL = "https://aranews.net/2016/10/story/"
	tests := []struct {
		name string
		body string
		want Page
	}{
		{
			name: "description is the lede, dateline stripped",
			body: `<html><head><meta property="og:title" content="Ten schools reopen in Kobani">
<meta property="og:description" content="Kobani &#8211; Ten schools reopened in Kobani on Sunday, the local education council said.">
</head><body><p>Body text that is not used because the description is a real sentence.</p></body></html>`,
			want: Page{
				Title:       "Ten schools reopen in Kobani",
				Description: "Kobani – Ten schools reopened in Kobani on Sunday, the local education council said.",
				Canonical:   pageURL,
				Lede:        "Ten schools reopened in Kobani on Sunday, the local education council said.",
			},
		},
		{
			name: "attribute entities are decoded once, not twice",
			body: `<html><head><meta property="og:title" content="AT&amp;amp;T &amp; Raqqa">
<meta name="description" content="Officials said the &amp;lt;b&amp;gt; tag is shown as text, and AT&amp;T stays."></head></html>`,
			want: Page{
				Title:       "AT&amp;T & Raqqa",
				Description: "Officials said the &lt;b&gt; tag is shown as text, and AT&T stays.",
				Canonical:   pageURL,
				Lede:        "Officials said the &lt;b&gt; tag is shown as text, and AT&T stays.",
			},
		},
		{
			name: "description equal to the title falls back to the body",
			body: `<html><head><title>Mosul offensive enters second week - ARA News</title>
<meta name="description" content="Mosul offensive enters second week"></head>
<body><p>By John Roe</p><p>MOSUL: Iraqi forces entered the outskirts of Mosul on Monday, two weeks after the offensive began, officers said.</p></body></html>`,
			want: Page{
				Title:       "Mosul offensive enters second week",
				Description: "Mosul offensive enters second week",
				Canonical:   pageURL,
				Lede:        "Iraqi forces entered the outskirts of Mosul on Monday, two weeks after the offensive began, officers said.",
			},
		},
		{
			name: "JSON-LD array, author list, date without zone, relative links",
			body: `<html><head><link rel="canonical" href="../canonical/">
<script type="application/ld+json">[{"@type":"Organization","name":"ARA News"},
{"@context":"http://schema.org","@type":"ReportageNewsArticle","headline":"Raqqa &amp; Tabqa",
"author":[{"@type":"Person","name":"Jane Doe"},"John Roe"],"datePublished":"2016-10-28T08:00:00",
"image":["/a.jpg","/b.jpg"]}]</script></head></html>`,
			want: Page{
				Title:     "Raqqa & Tabqa",
				Canonical: "https://aranews.net/2016/10/canonical/",
				Image:     "https://aranews.net/a.jpg",
				Author:    "Jane Doe, John Roe",
				Published: time.Date(2016, 10, 28, 8, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "JSON-LD article as a page's mainEntity",
			body: `<html><head><script type="application/ld+json"><!--
{"@context":"https://schema.org","@type":"WebPage","mainEntity":{"@type":"BlogPosting",
"headline":"Kobani diary","description":"Kobani – The first pupils came back to school on Sunday morning, two years after the siege.",
"author":{"@type":"Person","name":"Jane Doe"},"datePublished":"2016-10-30"}}
--></script></head></html>`,
			want: Page{
				Title:       "Kobani diary",
				Description: "Kobani – The first pupils came back to school on Sunday morning, two years after the siege.",
				Canonical:   pageURL,
				Lede:        "The first pupils came back to school on Sunday morning, two years after the siege.",
				Author:      "Jane Doe",
				Published:   time.Date(2016, 10, 30, 0, 0, 0, 0, time.UTC),
			},
		},
		{
			name: "broken JSON-LD and non-http links are ignored",
			body: `<html><head><title>Kobani rebuilds</title><link rel="canonical" href="javascript:alert(1)">
<meta property="og:image" content="data:image/png;base64,AAAA">
<script type="application/ld+json">{"@type":"NewsArticle", "headline": </script></head></html>`,
			want: Page{Title: "Kobani rebuilds", Canonical: pageURL},
		},
		{
			name: "windows-1252 page",
			body: "<html><head><meta charset=\"windows-1252\"><title>Kobani\x92s schools</title></head>" +
				"<body><p>Kobani\x92s schools reopened on Sunday, the local education council said.</p></body></html>",
			want: Page{
				Title:     "Kobani’s schools",
				Canonical: pageURL,
				Lede:      "Kobani’s schools reopened on Sunday, the local education council said.",
			},
		},
		{
			name: "sections and tags as WordPress SEO plugins write them",
			body: `<html><head><title>Kobani rebuilds</title>
<meta property="article:section" content="Kurdistan"><meta property="article:tag" content="Schools">
<meta property="article:tag" content="kurdistan"><meta property="article:tag" content="  "><meta property="article:tag" content="Kobani &amp; Afrin"></head></html>`,
			want: Page{Title: "Kobani rebuilds", Canonical: pageURL, Categories: []string{"Kurdistan", "Schools", "Kobani & Afrin"}},
		},
		{
			name: "JSON-LD sections and keywords before the meta tags",
			body: `<html><head><title>Kobani rebuilds</title><meta property="article:section" content="News">
<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","headline":"Kobani rebuilds",
"articleSection":["Kurdistan","Syria"],"keywords":"schools, Kobani,syria"}]}</script></head></html>`,
			want: Page{Title: "Kobani rebuilds", Canonical: pageURL, Categories: []string{"Kurdistan", "Syria", "schools", "Kobani"}},
		},
		{
			name: "UTF-8 page that declares a legacy charset",
			body: "<html><head><meta charset=\"iso-8859-1\"><title>Kobani’s schools</title></head></html>",
			want: Page{Title: "Kobani’s schools", Canonical: pageURL},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePage([]byte(tt.body), pageURL)
			if err != nil {
				t.Fatalf("ParsePage: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParsePage\n got %s\nwant %s", formatPage(got), formatPage(tt.want))
			}
		})
	}
}

func TestParsePageErrors(t *testing.T) {
	if _, err := ParsePage([]byte("<html></html>"), "https://aranews.net/"); !errors.Is(err, ErrNoContent) {
		t.Errorf("empty page: err = %v, want ErrNoContent", err)
	}
	if _, err := ParsePage([]byte("\x00\x01\x02 binary"), "https://aranews.net/"); !errors.Is(err, ErrNoContent) {
		t.Errorf("binary body: err = %v, want ErrNoContent", err)
	}
	if _, err := ParsePage([]byte("<p>x</p>"), "http://[::1"); err == nil || !strings.Contains(err.Error(), "page url") {
		t.Errorf("bad page URL: err = %v, want a page url error", err)
	}
}

// TestParsePageDeepNesting: the HTML parser refuses markup nested over 512 deep (a long
// thread of nested comments, a legacy page that never closes a tag); such a page is read
// flattened, and still gives its metadata and lede.
func TestParsePageDeepNesting(t *testing.T) {
	body := `<html><head><meta property="og:title" content="Ten schools reopen in Kobani">
<script type="application/ld+json">{"@type":"NewsArticle","author":{"name":"Jane <div> Doe"}}</script></head><body>` +
		strings.Repeat(`<div class="x"><font size="2">`, 600) +
		`<figure><img src="/a.jpg"><figcaption>Pupils return to a rebuilt school. Photo: ARA News</figcaption></figure>` +
		`<p><strong>ARA News</strong></p><p>Kobani – ` + kobani + `</p></body></html>`
	p, err := ParsePage([]byte(body), "https://aranews.net/x/")
	if err != nil {
		t.Fatalf("ParsePage: %v", err)
	}
	if p.Title != "Ten schools reopen in Kobani" || p.Lede != kobani || p.Author != "Jane Doe" {
		t.Errorf("ParsePage(deeply nested page) = %s", formatPage(p))
	}
	if got := Lede(body, 0); got != kobani {
		t.Errorf("Lede(deeply nested page) = %q, want %q", got, kobani)
	}
}
