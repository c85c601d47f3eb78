package extract

import (
	"fmt"
	"strings"
	"testing"
)

func BenchmarkLede(b *testing.B) {
	items := readRSS(b, "wordpress-rss.xml")
	inputs := []struct{ name, in string }{
		{"rss-content", items[0].Content},
		{"rss-excerpt", items[0].Description},
		{"atom-summary", readAtom(b, "atom.xml")[0].Summary},
		{"json-content", readJSONFeed(b, "feed.json")[0].ContentHTML},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.in)))
			for b.Loop() {
				Lede(in.in, 0)
			}
		})
	}
}

func BenchmarkText(b *testing.B) {
	title := readRSS(b, "wordpress-rss.xml")[1].Title
	b.ReportAllocs()
	for b.Loop() {
		Text(title)
	}
}

func BenchmarkParsePage(b *testing.B) {
	for _, tp := range testPages(b) {
		body, name := tp.body, strings.TrimSuffix(tp.name, ".html")
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := ParsePage(body, pageURLs[tp.name]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParsePageSize shows how the cost grows with the page: per byte it should stay
// flat. The page has no description, so the body goes through go-readability.
func BenchmarkParsePageSize(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		var page strings.Builder
		page.WriteString(`<html><head><title>Kobani rebuilds</title></head><body><nav><ul>`)
		for i := range n {
			fmt.Fprintf(&page, `<li><a href="/c/%d">Section %d</a></li>`, i, i)
		}
		page.WriteString(`</ul></nav><article><p><strong>ARA News</strong></p>`)
		for i := range n {
			fmt.Fprintf(&page, `<p>Kobani – Paragraph %d: ten schools reopened in Kobani on Sunday, the council said. Teachers said 3,000 pupils enrolled.</p><div class="share"><a href="#">Share</a></div>`, i)
		}
		page.WriteString(`</article></body></html>`)
		body := []byte(page.String())
		b.Run(fmt.Sprintf("paragraphs=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := ParsePage(body, "https://aranews.net/x/"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLedeSize is Lede over a plain text with no sentence end and over many
// paragraphs of junk before the lede: the worst cases for the sentence splitter and for
// the block walk.
func BenchmarkLedeSize(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		noEnd := strings.Repeat("Kobani schools reopen ", n)
		junk := strings.Repeat("<p>Join our Weekly Newsletter</p><p><strong>ARA News</strong></p>", n) + "<p>" + kobani + "</p>"
		b.Run(fmt.Sprintf("no-sentence-end/words=%d", 3*n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(noEnd)))
			for b.Loop() {
				Lede(noEnd, 0)
			}
		})
		b.Run(fmt.Sprintf("junk-first/paragraphs=%d", 2*n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(junk)))
			for b.Loop() {
				Lede(junk, 0)
			}
		})
	}
}
