package extract

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// fieldSeeds are the feed fields and page bodies of testdata, as strings.
func fieldSeeds(f *testing.F) []string {
	var seeds []string
	for _, it := range readRSS(f, "wordpress-rss.xml") {
		seeds = append(seeds, it.Title, it.Description, it.Content)
	}
	for _, e := range readAtom(f, "atom.xml") {
		seeds = append(seeds, e.Title, e.Summary)
	}
	for _, it := range readJSONFeed(f, "feed.json") {
		seeds = append(seeds, it.Title, it.ContentHTML)
	}
	for _, b := range pageSeeds(f) {
		seeds = append(seeds, string(b))
	}
	return append(seeds,
		"SDF&#8217;s recruits &amp;amp; <![CDATA[x]]> &lt;p&gt;Raqqa&lt;/p&gt; <br>&nbsp;&",
		"Pupils return. Photo: ARA News ARA News Kobani – Ten schools reopened. [&#8230;]",
		"<p>北京——学校周日重新开学了。</p><p>دمشق – هل تكفي المدارس؟</p>",
	)
}

func pageSeeds(f *testing.F) [][]byte {
	var seeds [][]byte
	for _, p := range testPages(f) {
		seeds = append(seeds, p.body)
	}
	return seeds
}

// tagStart is the opening of a tag: what must not survive into text made from markup.
var tagStart = regexp.MustCompile(`<[A-Za-z/!?]`)

// checkText holds the invariants of every string extract makes from in.
func checkText(t *testing.T, what, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: invalid UTF-8 %q", what, out)
	}
	if tagRemnant.MatchString(out) {
		t.Fatalf("%s: tag left in %q", what, out)
	}
	// Without entities, no "<p" can come from the input's text: it was markup.
	if !strings.Contains(in, "&") && tagStart.MatchString(out) {
		t.Fatalf("%s: tag remnant in %q", what, out)
	}
	if out != strings.TrimSpace(out) || strings.Contains(out, "  ") {
		t.Fatalf("%s: white space not folded in %q", what, out)
	}
}

func FuzzLede(f *testing.F) {
	for _, s := range fieldSeeds(f) {
		f.Add(s, 0)
		f.Add(s, 60)
	}
	f.Fuzz(func(t *testing.T, in string, maxLen int) {
		maxLen %= 1000
		out := Lede(in, maxLen)
		checkText(t, "Lede", in, out)
		limit := maxLen
		if limit <= 0 {
			limit = DefaultLedeLen
		}
		n := utf8.RuneCountInString(out)
		if n > limit {
			t.Fatalf("Lede(…, %d) = %d runes", maxLen, n)
		}
		// At most the input's text, plus the space that may join two sentences.
		if n > utf8.RuneCountInString(in)+1 {
			t.Fatalf("Lede made %d runes from %d: %q", n, utf8.RuneCountInString(in), out)
		}

		text := Text(in)
		checkText(t, "Text", in, text)
		if utf8.RuneCountInString(text) > utf8.RuneCountInString(in) {
			t.Fatalf("Text made %d runes from %d: %q", utf8.RuneCountInString(text), utf8.RuneCountInString(in), text)
		}

		// Sentences loses nothing but white space between sentences.
		sents := Sentences(text)
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if got, want := squeeze(strings.Join(sents, "")), squeeze(text); got != want {
			t.Fatalf("Sentences(%q) = %q: text lost or changed", text, sents)
		}
		for _, s := range sents {
			if s == "" || s != strings.TrimSpace(s) {
				t.Fatalf("Sentences(%q) holds %q", text, s)
			}
		}
	})
}

func FuzzParsePage(f *testing.F) {
	for _, b := range pageSeeds(f) {
		f.Add(b)
	}
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":["NewsArticle"],"headline":"a &amp; b","author":{"@id":"#p"}},{"@id":"#p","name":"N"}]}</script>`))
	f.Add([]byte("\xef\xbb\xbf<meta charset=shift_jis><title>\x82\xa0</title>"))
	const pageURL = "https://aranews.net/2016/10/story/"
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePage(body, pageURL)
		if err != nil && !errors.Is(err, ErrNoContent) {
			t.Fatalf("ParsePage: %v", err)
		}
		for what, s := range map[string]string{"Title": p.Title, "Description": p.Description, "Lede": p.Lede, "Author": p.Author} {
			checkText(t, what, string(body), s)
		}
		if n := utf8.RuneCountInString(p.Lede); n > DefaultLedeLen {
			t.Fatalf("Lede is %d runes", n)
		}
		for what, s := range map[string]string{"Canonical": p.Canonical, "Image": p.Image} {
			if s == "" {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("%s = %q: not an absolute http(s) URL", what, s)
			}
		}
	})
}
