package feed

import "testing"

func TestParseLanguage(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"rss", `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><language>ar</language>
<item><title>A</title><link>https://example.org/a/</link></item></channel></rss>`, "ar"},
		{"rss dc:language", `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><dc:language>ku</dc:language>
<item><title>A</title><link>https://example.org/a/</link></item></channel></rss>`, "ku"},
		{"atom xml:lang", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB"><title>T</title><id>urn:t</id><updated>2026-11-01T00:00:00Z</updated>
<entry><title>A</title><id>urn:a</id><link href="https://example.org/a/"/><updated>2026-11-01T00:00:00Z</updated></entry></feed>`, "en-GB"},
		{"json feed", `{"version":"https://jsonfeed.org/version/1.1","title":"T","language":"es",
"items":[{"id":"a","url":"https://example.org/a/","title":"A"}]}`, "es"},
		{"none", `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://example.org/a/</link></item></channel></rss>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse([]byte(tc.doc), "", "https://example.org/feed/")
			if err != nil {
				t.Fatal(err)
			}
			if p.Lang != tc.want {
				t.Errorf("Lang = %q, want %q", p.Lang, tc.want)
			}
		})
	}
}
