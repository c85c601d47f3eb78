package feed

import "testing"

// The article's own address, wherever the feed gives it: FeedBurner's origLink before the
// redirect in <link>, the link, then a guid that is an http(s) URL.
func TestArticleLink(t *testing.T) {
	const rss = `<?xml version="1.0"?>
<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>El Diario</title><link>https://www.eldiario.example/</link>
<item><title>A</title><link>http://feedproxy.google.com/~r/eldiario/~3/xYz/</link>
  <guid isPermaLink="false">https://www.eldiario.example/?p=101</guid>
  <feedburner:origLink>https://www.eldiario.example/politica/a.html</feedburner:origLink></item>
<item><title>B</title><link>https://feeds.feedburner.com/~r/eldiario/~3/abc/</link>
  <feedburner:origLink>/politica/b.html</feedburner:origLink></item>
<item><title>C</title><guid isPermaLink="true">https://www.eldiario.example/politica/c.html</guid></item>
<item><title>D</title><guid>https://www.eldiario.example/politica/d.html</guid></item>
<item><title>E</title><guid isPermaLink="false">tag:eldiario.example,2026:e</guid></item>
<item><title>F</title><link>https://www.eldiario.example/politica/f.html</link>
  <guid isPermaLink="true">https://www.eldiario.example/?p=106</guid></item>
<item><title>G</title><link>http://feedproxy.google.com/~r/eldiario/~3/g/</link><feedburner:origLink>javascript:alert(1)</feedburner:origLink></item>
</channel></rss>`
	p, err := Parse([]byte(rss), "", "https://feeds.feedburner.com/eldiario")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "https://www.eldiario.example/politica/a.html",
		"B": "https://www.eldiario.example/politica/b.html",
		"C": "https://www.eldiario.example/politica/c.html",
		"D": "https://www.eldiario.example/politica/d.html",
		"E": "",
		"F": "https://www.eldiario.example/politica/f.html",
		"G": "http://feedproxy.google.com/~r/eldiario/~3/g/",
	}
	for _, it := range p.Items {
		if it.Link != want[it.Title] {
			t.Errorf("item %s: link %q, want %q", it.Title, it.Link, want[it.Title])
		}
	}
	// The guid stays the feed's own identifier.
	if p.Items[0].GUID != "https://www.eldiario.example/?p=101" {
		t.Errorf("guid = %q", p.Items[0].GUID)
	}

	const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<title>Le Quotidien</title><link rel="alternate" href="https://www.lequotidien.example/"/><id>urn:x</id><updated>2026-11-28T10:00:00Z</updated>
<entry><title>A</title><id>tag:lequotidien.example,2026:1</id><updated>2026-11-28T10:00:00Z</updated>
  <link rel="alternate" href="http://feeds.feedburner.com/~r/lequotidien/~3/q1/"/>
  <feedburner:origLink>https://www.lequotidien.example/societe/a.html</feedburner:origLink></entry>
<entry><title>B</title><id>https://www.lequotidien.example/societe/b.html</id><updated>2026-11-28T10:00:00Z</updated></entry>
</feed>`
	p, err = Parse([]byte(atom), "", "https://feeds.feedburner.com/lequotidien")
	if err != nil {
		t.Fatal(err)
	}
	if p.Items[0].Link != "https://www.lequotidien.example/societe/a.html" || p.Items[1].Link != "https://www.lequotidien.example/societe/b.html" {
		t.Errorf("atom links: %q, %q", p.Items[0].Link, p.Items[1].Link)
	}
}

// Text that lives only in Media RSS is read: media:description at the item's level, in a
// media:group, or in a media:content; its thumbnail is the image.
func TestMediaDescription(t *testing.T) {
	const rss = `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>TV</title><link>https://tv.example/</link>
<item><title>A</title><link>https://tv.example/a</link>
  <media:description>Dek of A</media:description></item>
<item><title>B</title><link>https://tv.example/b</link>
  <media:group><media:title>B</media:title><media:description type="plain">Dek of B</media:description>
  <media:thumbnail url="https://tv.example/b.jpg" width="640" height="360"/>
  <media:content url="https://tv.example/b.mp4" type="video/mp4"/></media:group></item>
<item><title>C</title><link>https://tv.example/c</link>
  <media:content url="https://tv.example/c.jpg" medium="image"><media:description type="html">&lt;p&gt;Dek of C&lt;/p&gt;</media:description></media:content></item>
<item><title>D</title><link>https://tv.example/d</link><description>Own description</description></item>
</channel></rss>`
	p, err := Parse([]byte(rss), "", "https://tv.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ media, image string }{
		{"Dek of A", ""},
		{"Dek of B", "https://tv.example/b.jpg"},
		{"<p>Dek of C</p>", "https://tv.example/c.jpg"},
		{"", ""},
	}
	for i, it := range p.Items {
		if it.MediaDescription != want[i].media || it.ImageURL != want[i].image {
			t.Errorf("item %s: media description %q, image %q; want %q, %q", it.Title, it.MediaDescription, it.ImageURL, want[i].media, want[i].image)
		}
	}
}
