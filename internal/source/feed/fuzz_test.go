package feed

import (
	"testing"

	"github.com/heraldhq/herald/internal/fixtures"
)

// FuzzParse feeds the whole parsing path (charset, limits, gofeed, the
// mapping to items) with mutated documents and content types: nothing may
// panic, crash or return a nil feed without an error. Crashers found are
// kept in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, seed := range []struct{ name, contentType string }{
		{"wordpress-rss.xml", "application/rss+xml; charset=UTF-8"},
		{"atom.xml", "application/atom+xml"},
		{"feed.json", "application/feed+json"},
	} {
		b := fixtures.Read(seed.name)
		f.Add(b, seed.contentType)
	}
	f.Add(rssWith(nested("<x:a>", "</x:a>", 300)), "text/xml")
	f.Add(atomWith(`<x:a b="1"><x:c>t<!---->t<![CDATA[u]]></x:c></x:a>`), "")
	f.Add(jsonWith(nested("[", "]", 300)), "application/json")
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><title>Not\xedcias</title></channel></rss>"), "text/xml; charset=windows-1251")
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "")
	f.Fuzz(func(t *testing.T, b []byte, contentType string) {
		p, err := Parse(b, contentType, "https://site.example/feed")
		if err == nil && p == nil {
			t.Fatal("nil result without error")
		}
	})
}
