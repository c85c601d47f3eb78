package compose

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

func TestRuleLength(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", 100)
	for _, tc := range []struct {
		rule Rule
		text string
		want int
	}{
		{X(), "Ceasefire " + long, 10 + 23},
		{X(), "停火", 4},
		{X(), "👨‍👩‍👧‍👦", 2},
		{Bluesky(), "Ceasefire " + long, 10 + len(long)},
		{Bluesky(), "👨‍👩‍👧‍👦 🇸🇾", 3},
		{Bluesky(), "وقف إطلاق النار", 15},
		{Bluesky(), "e\u0301", 1},
		{Mastodon(0, 0), "Ceasefire " + long, 10 + 23},
		{Mastodon(500, 30), "Ceasefire " + long + " and http://a.io", 10 + 30 + 5 + 30},
		// Mastodon does not take bare domains for links.
		{Mastodon(0, 0), "see example.com/news", 20},
		{Mastodon(0, 0), "👨‍👩‍👧‍👦", 7},
		{Mastodon(0, 0), "e\u0301", 2},
	} {
		if got := tc.rule.Length(tc.text); got != tc.want {
			t.Errorf("%s.Length(%q) = %d, want %d", tc.rule, tc.text, got, tc.want)
		}
	}
	if r := Mastodon(0, -1); r.Limit() != 500 || r.Length("https://example.com/x") != 23 {
		t.Errorf("Mastodon defaults: limit %d, link %d", r.Limit(), r.Length("https://example.com/x"))
	}
	if r := Bluesky(); r.Fits(strings.Repeat("👨‍👩‍👧‍👦", 121)) {
		t.Error("Bluesky took 121 family emoji: 3,025 bytes in 121 graphemes")
	}
	if _, err := NewFor(Rule{}, "", nil); err == nil {
		t.Error("NewFor took the zero Rule")
	}
}

// threeSentences is a lede that fits X only in part and Mastodon whole.
const threeSentences = "The truce brokered on Sunday held overnight, residents said. " +
	"The first aid convoys in weeks crossed into the province at dawn, carrying food and medicine. " +
	"Officials expect more trucks to follow if the calm lasts through the week, though shelling was reported near the front line. " +
	"Aid groups warned that the supplies would last only days."

func TestComposePerNetwork(t *testing.T) {
	f := Fields{Title: "Ceasefire holds in Idlib as aid reaches the north", Summary: threeSentences, URL: articleURL, Categories: []string{"Syria"}}
	for _, tc := range []struct {
		rule Rule
		want string
	}{
		{X(), "Ceasefire holds in Idlib as aid reaches the north\n\n" +
			"The truce brokered on Sunday held overnight, residents said. The first aid convoys in weeks crossed into the province at dawn, carrying food and medicine.\n\n" + articleURL},
		// Bluesky counts the link in full (61 characters), so less of the
		// lede fits than on X for all its 300.
		{Bluesky(), "Ceasefire holds in Idlib as aid reaches the north\n\n" +
			"The truce brokered on Sunday held overnight, residents said. The first aid convoys in weeks crossed into the province at dawn, carrying food and medicine.\n\n" + articleURL},
		{Mastodon(500, 23), "Ceasefire holds in Idlib as aid reaches the north\n\n" + threeSentences + " #Syria\n\n" + articleURL},
		{Mastodon(300, 23), "Ceasefire holds in Idlib as aid reaches the north\n\n" +
			"The truce brokered on Sunday held overnight, residents said. The first aid convoys in weeks crossed into the province at dawn, carrying food and medicine.\n\n" + articleURL},
	} {
		t.Run(tc.rule.String(), func(t *testing.T) {
			c, err := NewFor(tc.rule, "", testHashtags)
			if err != nil {
				t.Fatal(err)
			}
			out, err := c.Compose(f)
			if err != nil {
				t.Fatal(err)
			}
			if out != tc.want {
				t.Errorf("got\n%q\nwant\n%q", out, tc.want)
			}
			if !tc.rule.Fits(out) {
				t.Errorf("%d over %d", tc.rule.Length(out), tc.rule.Limit())
			}
		})
	}
}

func TestComposeBlueskyBytes(t *testing.T) {
	// A family emoji is one grapheme but 25 bytes: the byte limit,
	// not the grapheme count, is what cuts this title.
	title := strings.Repeat("👨‍👩‍👧‍👦 ", 150)
	c, err := NewFor(Bluesky(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Compose(Fields{Title: title, URL: articleURL})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > BlueskyMaxBytes || uniseg.GraphemeClusterCount(out) > BlueskyMaxGraphemes {
		t.Fatalf("%d bytes, %d graphemes", len(out), uniseg.GraphemeClusterCount(out))
	}
	if len(out) < BlueskyMaxBytes-100 || !strings.HasSuffix(out, "…\n\n"+articleURL) {
		t.Fatalf("cut too short or without its ellipsis: %d bytes: %q", len(out), out)
	}
}

func TestComposeMastodonRightToLeft(t *testing.T) {
	summary := strings.Repeat("قال سكان إن الهدنة التي تم التوصل إليها يوم الأحد صمدت طوال الليل. ", 12)
	c, err := NewFor(Mastodon(500, 23), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Compose(Fields{Title: "وقف إطلاق النار صامد في إدلب", Summary: summary, URL: articleURL})
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(out) - utf8.RuneCountInString(articleURL) + 23; n > 500 || n < 450 {
		t.Fatalf("%d characters: %q", n, out)
	}
	if !strings.HasSuffix(out, ".\n\n"+articleURL) {
		t.Fatalf("not cut at a sentence: %q", out)
	}
}

// fuzzRules are the rules FuzzComposeNetworks picks from.
var fuzzRules = []Rule{X(), Bluesky(), Mastodon(500, 23), Mastodon(120, 23), XLimit(60), Mastodon(1000, 40)}

// fuzzTemplate keeps each field on a line of its own, so the test can find
// what was cut.
const fuzzTemplate = "T:{{.Title}}\n\nS:{{.Summary}}\n\n{{.URL}}"

func FuzzComposeNetworks(f *testing.F) {
	for i, s := range composeSeeds {
		f.Add(s.Title, s.Summary, s.URL, uint8(i))
	}
	f.Add("Live: 🇸🇾 "+strings.Repeat("👨‍👩‍👧‍👦", 200), threeSentences, articleURL, uint8(1))
	f.Add(strings.Repeat("e\u0301", 400), strings.Repeat("ก่", 300), "https://example.com/x", uint8(2))
	f.Add("وقف إطلاق النار", strings.Repeat("صمدت الهدنة. ", 80), "https://example.com/ar", uint8(3))
	composers := make([]*Composer, len(fuzzRules))
	for i, r := range fuzzRules {
		c, err := NewFor(r, fuzzTemplate, nil)
		if err != nil {
			f.Fatal(err)
		}
		composers[i] = c
	}
	f.Fuzz(func(t *testing.T, title, summary, url string, network uint8) {
		c := composers[int(network)%len(composers)]
		rule := c.Rule()
		out, err := c.Compose(Fields{Title: title, Summary: summary, URL: url})
		if err != nil {
			if !utf8.ValidString(url) || strings.ContainsFunc(url, func(r rune) bool { return strings.TrimSpace(string(r)) == "" }) {
				return
			}
			if !errors.Is(err, ErrTooLong) {
				t.Fatalf("%s: %v", rule, err)
			}
			if bare, _ := c.render(Fields{URL: url}); rule.Fits(bare) {
				t.Fatalf("%s: %v, but the link alone fits", rule, err)
			}
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("%s: invalid UTF-8 %q", rule, out)
		}
		if !rule.Fits(out) {
			t.Fatalf("%s: %d (%d bytes) over the limit: %q", rule, rule.Length(out), len(out), out)
		}
		if url != "" && !strings.HasSuffix(out, "\n\n"+url) && out != url {
			t.Fatalf("%s: link %q not intact at the end of %q", rule, url, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, url), "\n\n")
		for i, field := range []string{title, summary} {
			if i >= len(lines) {
				break
			}
			label := []string{"T:", "S:"}[i]
			got, ok := strings.CutPrefix(lines[i], label)
			if !ok {
				continue // dropped, and the label's line with it
			}
			whole := cleanText(field)
			got = strings.TrimSuffix(got, ellipsis)
			if !strings.HasPrefix(whole, got) {
				t.Fatalf("%s: %q is not a cut of %q", rule, got, whole)
			}
			if !graphemeBoundary(whole, len(got)) {
				t.Fatalf("%s: cut of %q at byte %d splits a grapheme", rule, whole, len(got))
			}
		}
	})
}

// graphemeBoundary reports whether byte offset at falls between two grapheme
// clusters of s.
func graphemeBoundary(s string, at int) bool {
	if at == 0 || at == len(s) {
		return true
	}
	pos := 0
	state := -1
	for rest := s; rest != ""; {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		pos += len(cluster)
		if pos == at {
			return true
		}
		if pos > at {
			return false
		}
	}
	return false
}

func BenchmarkComposeNetworks(b *testing.B) {
	long := strings.Repeat("The truce brokered on Sunday held overnight across the province, residents and officials said, as convoys crossed at dawn; ", 40)
	arabic := strings.Repeat("قال سكان إن الهدنة التي تم التوصل إليها يوم الأحد صمدت طوال الليل. ", 30)
	for _, rule := range []Rule{X(), Bluesky(), Mastodon(500, 23)} {
		for _, bc := range []struct {
			name string
			f    Fields
		}{
			{"fits", composeSeeds[0]},
			{"sentence", Fields{Title: composeSeeds[0].Title, Summary: threeSentences + " " + threeSentences, URL: articleURL}},
			{"long-summary", Fields{Title: composeSeeds[0].Title, Summary: long, URL: articleURL, Categories: []string{"Syria"}}},
			{"arabic", Fields{Title: "وقف إطلاق النار صامد في إدلب", Summary: arabic, URL: articleURL}},
		} {
			b.Run(rule.Network()+"/"+bc.name, func(b *testing.B) {
				c, err := NewFor(rule, "", testHashtags)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := c.Compose(bc.f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
