package feed

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/heraldhq/herald/internal/fixtures"
)

const skimURL = "https://site.example/feed/"

// skimCorpus are documents whose entries Skim must read as Parse does:
// the fixtures and the shapes real feeds take.
func skimCorpus() map[string][]byte {
	c := map[string][]byte{
		"wordpress-rss.xml": fixtures.Read("wordpress-rss.xml"),
		"atom.xml":          fixtures.Read("atom.xml"),
		"feed.json":         fixtures.Read("feed.json"),
	}
	c["escaped bodies"] = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Escaped</title><link>https://site.example/</link>
<item>
  <title>One &amp; two</title>
  <link>/2026/one/</link>
  <description>&lt;p&gt;Dek with &lt;img src=&quot;/dek.jpg&quot;&gt; a picture&lt;/p&gt;</description>
  <content:encoded>&lt;p&gt;Lead&lt;/p&gt;&lt;img alt=&quot;a &gt; b&quot; src=&quot;https://cdn.example/a.jpg?w=1&amp;amp;h=2&quot;/&gt;</content:encoded>
  <dc:creator>Ana</dc:creator>
  <pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate>
</item>
<item>
  <title>Only a dek</title><link>https://site.example/2026/two/</link>
  <description><![CDATA[<p>Split <b>dek</b>]]> and &lt;img src="/two.png"&gt; <![CDATA[end</p>]]></description>
</item>
<item>
  <title>Enclosure first</title><link>https://site.example/2026/three/</link>
  <enclosure url="https://site.example/three.jpg" type="image/jpeg" length="1"/>
  <content:encoded><![CDATA[<img src="/not-this.jpg">]]></content:encoded>
</item>
<item><title>Empty bodies</title><link>https://site.example/2026/four/</link><description/><content:encoded></content:encoded></item>
<item><title>Comment in a body</title><link>https://site.example/2026/five/</link>
  <description>before<!-- a comment -->after &lt;img src="/five.jpg"&gt;</description></item>
</channel></rss>`)
	c["media rss"] = []byte(`<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
<channel><title>Video</title>
<item><title>Clip</title><link>http://feedproxy.google.com/~r/x/1</link><feedburner:origLink>https://tv.example/clip/1</feedburner:origLink>
  <media:group><media:content url="https://tv.example/1.mp4" type="video/mp4"/><media:thumbnail url="https://tv.example/1.jpg"/>
  <media:description>The dek lives here</media:description></media:group>
  <description>   </description></item>
<item><title>Photo</title><link>https://tv.example/photo/2</link><media:content url="https://tv.example/2.jpg" medium="image"><media:description>Caption</media:description></media:content></item>
</channel></rss>`)
	c["rss 1.0"] = []byte(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://site.example/"><title>RDF</title><link>https://site.example/</link><description>d</description>
<items><rdf:Seq><rdf:li rdf:resource="https://site.example/a"/></rdf:Seq></items></channel>
<item rdf:about="https://site.example/a"><title>A</title><link>https://site.example/a</link>
  <description>Dek &lt;img src='/a.gif'&gt;</description><dc:date>2026-11-30T09:00:00Z</dc:date></item>
<item rdf:about="https://site.example/b"><title>B</title><link>https://site.example/b</link><content:encoded><![CDATA[x]]></content:encoded></item>
</rdf:RDF>`)
	c["atom bodies"] = []byte(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Atom</title><link href="https://site.example/"/><id>urn:f</id><updated>2026-11-30T10:00:00Z</updated>
<entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title><id>urn:1</id><link href="/a"/><updated>2026-11-30T10:00:00Z</updated>
  <summary type="html">&lt;p&gt;Dek&lt;/p&gt;</summary><content type="html">&lt;img src="/a.jpg"&gt;&lt;p&gt;Body&lt;/p&gt;</content>
  <author><name>Marie</name></author><category term="Politique"/></entry>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><b>X</b> <i>Y</i></div></title><id>urn:2</id><link href="https://site.example/b"/><published>2026-11-29T10:00:00Z</published>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Rich <em>body</em></p></div></content></entry>
</feed>`)
	c["odd but valid"] = []byte(`<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/feed.xsl"?>
<!-- generated -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:x='https://ext.example/'>
<channel><title>Odd</title>
<item><title>Single 'quotes' and a bare attribute</title><link>https://site.example/1</link>
  <x:flag on checked=yes x:n='1 > 0'/><guid isPermaLink=false>https://site.example/?p=1</guid>
  <content:encoded><![CDATA[<figure><img src="https://site.example/1.jpg"></figure>]]></content:encoded></item>
<item><title>Unclosed inside</title><link>https://site.example/2</link><x:a><x:b>text</x:a><description>d</description></item>
</channel></rss>`)
	c["doctype"] = []byte(`<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><item><title>A</title><link>https://site.example/a</link><description>&lt;img src="/a.jpg"&gt;</description></item></channel></rss>`)
	c["farm"] = wpFeed(12)
	return c
}

// wpFeed is a WordPress feed of n items, each with an excerpt and a full
// body whose first picture is item-specific.
func wpFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>The Daily</title><link>https://daily.example</link><language>en-US</language>
`)
	for i := range n {
		fmt.Fprintf(&b, `	<item>
		<title>Story %d</title>
		<link>https://daily.example/2026/11/story-%d/</link>
		<comments>https://daily.example/2026/11/story-%d/#respond</comments>
		<dc:creator><![CDATA[Lina Haddad]]></dc:creator>
		<pubDate>Mon, 30 Nov 2026 %02d:00:00 +0000</pubDate>
		<category><![CDATA[Local]]></category>
		<guid isPermaLink="false">https://daily.example/?p=%d</guid>
		<description><![CDATA[<p>The council voted late on Tuesday [&#8230;]</p>]]></description>
		<content:encoded><![CDATA[<figure><img width="1024" src="https://daily.example/photo-%d.jpg" alt=""/></figure><p>%s</p>]]></content:encoded>
		<wfw:commentRss>https://daily.example/2026/11/story-%d/feed/</wfw:commentRss>
		<slash:comments>%d</slash:comments>
	</item>
`, i, i, i, i%24, i, i, strings.Repeat("Officials said the work would begin in the spring. ", 20), i, i%4)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// skimmedAs checks that Skim reads doc as Parse does: the same feed, the
// same entries but for their bodies, and after Complete the same entries
// in every field, whether all entries are completed or only some.
func skimmedAs(t testing.TB, doc []byte, contentType string) {
	whole, werr := Parse(doc, contentType, skimURL)
	sk, serr := Skim(doc, contentType, skimURL)
	if (werr == nil) != (serr == nil) || werr != nil && errors.Is(werr, ErrTooComplex) != errors.Is(serr, ErrTooComplex) {
		t.Fatalf("Parse: %v; Skim: %v", werr, serr)
	}
	if werr != nil {
		return
	}
	if sk.Title != whole.Title || sk.Link != whole.Link || sk.Lang != whole.Lang || len(sk.Items) != len(whole.Items) {
		t.Fatalf("skimmed feed %q %q %q, %d entries; whole %q %q %q, %d entries",
			sk.Title, sk.Link, sk.Lang, len(sk.Items), whole.Title, whole.Link, whole.Lang, len(whole.Items))
	}
	for k := range whole.Items {
		want := whole.Items[k]
		if sk.skim != nil {
			want.Content, want.Description = "", ""
			// A body's picture comes with the body.
			body := cmp.Or(firstImage(whole.Items[k].Content), firstImage(whole.Items[k].Description))
			if body != "" && resolve(whole.base, body) == want.ImageURL {
				want.ImageURL = sk.Items[k].ImageURL
			}
		}
		if !reflect.DeepEqual(sk.Items[k], want) {
			t.Errorf("entry %d skimmed:\n%+v\nwant\n%+v", k, sk.Items[k], want)
		}
	}
	if len(whole.Items) == 0 {
		return
	}
	last := len(whole.Items) - 1
	one, _ := Skim(doc, contentType, skimURL)
	if err := one.Complete([]int{last}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one.Items[last], whole.Items[last]) {
		t.Errorf("last entry completed alone:\n%+v\nwant\n%+v", one.Items[last], whole.Items[last])
	}
	all := make([]int, len(whole.Items))
	for k := range all {
		all[k] = k
	}
	if err := sk.Complete(all); err != nil {
		t.Fatal(err)
	}
	for k := range whole.Items {
		if !reflect.DeepEqual(sk.Items[k], whole.Items[k]) {
			t.Errorf("entry %d completed:\n%+v\nwant\n%+v", k, sk.Items[k], whole.Items[k])
		}
	}
}

func TestSkimReadsAsParse(t *testing.T) {
	for name, doc := range skimCorpus() {
		t.Run(name, func(t *testing.T) {
			skimmedAs(t, doc, "")
			// Skimmed indeed, not read whole after all, but for JSON and
			// what the scanner does not follow.
			if p, err := Skim(doc, "", skimURL); err != nil || (p.skim == nil) != (name == "feed.json" || name == "doctype") {
				t.Errorf("skimmed: %v (%v)", p != nil && p.skim != nil, err)
			}
		})
	}
}

// The fast path is taken for real feeds, and left for what the scanner
// does not follow.
func TestSkimFollows(t *testing.T) {
	for name, doc := range skimCorpus() {
		s, ok, err := scanXML(doc, defaultLimits)
		switch name {
		case "feed.json":
			continue
		case "doctype":
			if ok || err != nil {
				t.Errorf("%s: the scanner followed a DOCTYPE (%v)", name, err)
			}
			continue
		}
		if !ok || err != nil {
			t.Errorf("%s: the scanner gave up (%v)", name, err)
			continue
		}
		if len(s.entries) == 0 || len(s.cuts) == 0 {
			t.Errorf("%s: %d entries, %d cuts", name, len(s.entries), len(s.cuts))
		}
	}
	doc := wpFeed(15)
	s, _, _ := scanXML(doc, defaultLimits)
	skel := s.skeleton()
	if len(skel)*3 > len(doc) {
		t.Errorf("the skeleton of a WordPress feed is %d bytes of %d", len(skel), len(doc))
	}
	if bytes.Contains(skel, []byte("Officials said")) || bytes.Contains(skel, []byte("council voted")) {
		t.Error("the skeleton holds a body")
	}
	if bytes.Contains(skel, []byte("<wfw:commentRss>")) || bytes.Contains(skel, []byte("<slash:comments>")) || bytes.Contains(skel, []byte("<comments>")) {
		t.Error("the skeleton holds the comments' elements")
	}
	// Their declarations go with them, those of what stays stay.
	if bytes.Contains(skel, []byte("xmlns:wfw=")) || bytes.Contains(skel, []byte("xmlns:slash=")) ||
		bytes.Contains(skel, []byte("xmlns:content=")) || !bytes.Contains(skel, []byte(`xmlns:dc="http://purl.org/dc/elements/1.1/"`)) {
		t.Errorf("the skeleton's root: %s", skel[:bytes.Index(skel, []byte("<channel>"))])
	}
	used := bytes.Replace(doc, []byte(`<channel>`), []byte(`<channel><wfw:comments>x</wfw:comments>`), 1)
	used = bytes.Replace(used, []byte(`<item>`), []byte(`<item><category slash:n="1">c</category>`), 1)
	s, _, _ = scanXML(used, defaultLimits)
	if skel := s.skeleton(); !bytes.Contains(skel, []byte("xmlns:wfw=")) || !bytes.Contains(skel, []byte("xmlns:slash=")) ||
		bytes.Contains(skel, []byte("xmlns:content=")) {
		t.Errorf("the root of a skeleton that uses wfw and slash: %s", skel[:bytes.Index(skel, []byte("<channel>"))])
	}
	skimmedAs(t, used, "")
	// Bound again in an entry, the prefix names what the feed says it does.
	rebound := bytes.Replace(doc, []byte(`<item>`), []byte(`<item xmlns:wfw="https://ext.example/">`), 1)
	s, _, _ = scanXML(rebound, defaultLimits)
	if !bytes.Contains(s.skeleton(), []byte("<wfw:commentRss>")) {
		t.Error("elements of a prefix bound again are left out")
	}
	p, err := Skim(doc, "", skimURL)
	if err != nil || p.skim == nil {
		t.Fatalf("Skim: %v, skimmed %v", err, p != nil && p.skim != nil)
	}
	// The picture of a body comes with the body.
	if got := p.Items[3].ImageURL; got != "" {
		t.Errorf("picture of a skimmed entry: %q", got)
	}
	if err := p.Complete([]int{3}); err != nil || p.Items[3].ImageURL != "https://daily.example/photo-3.jpg" {
		t.Errorf("picture of a completed entry: %q (%v)", p.Items[3].ImageURL, err)
	}
}

// Every hostile document is refused by the scanner itself, with the
// message checkXML gives.
func TestSkimRefusesHostile(t *testing.T) {
	for _, h := range hostile {
		doc := h.doc()
		if gofeed.DetectFeedType(bytes.NewReader(doc[:min(len(doc), detectWindow)])) == gofeed.FeedTypeJSON {
			continue
		}
		doc, _ = toUTF8(doc, "")
		_, ok, err := scanXML(doc, defaultLimits)
		if !ok {
			if !strings.Contains(h.name, "declaration") {
				t.Errorf("%s: the scanner gave up", h.name)
			}
			continue // checkXML's to refuse
		}
		if !errors.Is(err, ErrTooComplex) || err.Error() != h.want {
			t.Errorf("%s: %v, want %q", h.name, err, h.want)
		}
	}
}

// tightLimits make the limits reachable by small fuzzed documents.
var tightLimits = limits{Depth: 6, Elements: 40, Attributes: 30, Items: 3, Namespaces: 3,
	StartTag: 80, Document: 1 << 20, TextCopies: 300}

// FuzzSkim holds the scanner to encoding/xml's reading: a document it
// follows and accepts must be one checkXML accepts too (under limits tight
// enough for small documents to reach), and Skim must read every document
// as Parse does.
func FuzzSkim(f *testing.F) {
	for _, doc := range skimCorpus() {
		f.Add(doc)
	}
	for _, h := range hostile[:6] {
		if doc := h.doc(); len(doc) < 4096 {
			f.Add(doc)
		}
	}
	f.Add(rssWith(`<x:a><x:b></x:a></x:b><description>d</description>`))
	f.Add(rssWith(`<description>a<![CDATA[b]]>c<![CDATA[d]]></description><a:b></c:b>`))
	f.Add(atomWith(`<summary>s</summary><x:a xmlns:y="u" xmlns:z="v"><y:c/></x:a>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, _ := toUTF8(b, "")
		if s, ok, err := scanXML(doc, tightLimits); ok && err == nil {
			if cerr := checkXML(doc, tightLimits); cerr != nil {
				t.Fatalf("the scanner accepts what checkXML refuses: %v (%d entries)", cerr, len(s.entries))
			}
		}
		skimmedAs(t, b, "")
	})
}
