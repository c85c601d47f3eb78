package websub

import (
	"net/http"
	"testing"
)

func TestDiscover(t *testing.T) {
	const base = "https://news.example/feed/"
	for _, tc := range []struct {
		name      string
		link      []string
		body      string
		hub, self string
	}{
		{
			name: "RSS with atom:link (WordPress.com)",
			body: `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>News</title><atom:link href="https://news.example/feed/" rel="self" type="application/rss+xml" />
<atom:link rel="hub" href="https://news.wordpress.com/?pushpress=hub"/><item><title>a</title></item></channel></rss>`,
			hub: "https://news.wordpress.com/?pushpress=hub", self: "https://news.example/feed/",
		},
		{
			name: "Atom",
			body: `<feed xmlns="http://www.w3.org/2005/Atom"><title>News</title><link rel="alternate" href="https://news.example/"/>
<link rel="hub" href="https://pubsubhubbub.appspot.com/"/><link rel="self" href="https://news.example/atom.xml"/>
<entry><link rel="hub" href="https://entry.example/hub"/></entry></feed>`,
			hub: "https://pubsubhubbub.appspot.com/", self: "https://news.example/atom.xml",
		},
		{
			name: "Link headers come first, the document fills in",
			link: []string{`<https://hub.example/a>; rel="hub"`},
			body: `<rss><channel><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/b"/>
<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="self" href="https://news.example/rss"/></channel></rss>`,
			hub: "https://hub.example/a", self: "https://news.example/rss",
		},
		{
			name: "several links in one header, commas inside the URL, rel lists",
			link: []string{`<https://news.example/feed?a=1,2>; rel="self alternate"; type="application/rss+xml", <https://hub.example/?x=1,2>; title="a, b"; rel=hub`},
			hub:  "https://hub.example/?x=1,2", self: "https://news.example/feed?a=1,2",
		},
		{
			name: "relative URLs resolve against the feed",
			body: `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="hub" href="/hub"/><link rel="self" href="atom.xml"/></feed>`,
			hub:  "https://news.example/hub", self: "https://news.example/feed/atom.xml",
		},
		{
			name: "JSON Feed",
			body: `{"version":"https://jsonfeed.org/version/1.1","title":"News","feed_url":"https://news.example/feed.json",
"hubs":[{"type":"rssCloud","url":"https://cloud.example/"},{"type":"WebSub","url":"https://hub.example/"}],"items":[]}`,
			hub: "https://hub.example/", self: "https://news.example/feed.json",
		},
		{
			name: "a hub inside an item is the item's",
			body: `<rss><channel><title>x</title><item><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/"/></item></channel></rss>`,
		},
		{
			name: "a charset the decoder does not know",
			body: `<?xml version="1.0" encoding="windows-1256"?><rss><channel><atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="hub" href="https://hub.example/"/></channel></rss>`,
			hub:  "https://hub.example/",
		},
		{name: "no hub", body: `<rss><channel><title>x</title></channel></rss>`},
		{name: "not a feed", body: `<!doctype html><html><body><p>Welcome`},
		{name: "nothing", body: ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, l := range tc.link {
				h.Add("Link", l)
			}
			hub, self := Discover(h, []byte(tc.body), base)
			if hub != tc.hub || self != tc.self {
				t.Errorf("Discover = %q, %q; want %q, %q", hub, self, tc.hub, tc.self)
			}
		})
	}
}

func FuzzDiscover(f *testing.F) {
	f.Add(`<https://hub.example/>; rel="hub"`, `<rss><channel><atom:link rel="hub" href="/h"/></channel></rss>`)
	f.Add(`<a,b>; rel="self, <c>; rel=hub`, `{"hubs":[{"type":"WebSub","url":"x"}]}`)
	f.Fuzz(func(t *testing.T, link, body string) {
		h := http.Header{"Link": {link}}
		Discover(h, []byte(body), "https://news.example/feed")
	})
}
