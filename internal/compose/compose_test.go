package compose

import (
	"errors"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/xtext"
)

const articleURL = "https://example.com/news/2026/05/12/ceasefire-holds-idlib"

var testHashtags = map[string]string{"Syria": "#Syria", "Kurdistan": "#Kurds", "Middle East": "#MiddleEast"}

func mustNew(t testing.TB, tmpl string, limit int) *Composer {
	t.Helper()
	c, err := New(tmpl, limit, testHashtags)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// checkPost asserts what every composed post must satisfy.
func checkPost(t testing.TB, out, url string, limit int) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %q", out)
	}
	if n := xtext.WeightedLength(out); n > limit {
		t.Fatalf("weighted length %d > limit %d: %q", n, limit, out)
	}
	if url != "" && !strings.Contains(out, url) {
		t.Fatalf("link %q missing or altered in %q", url, out)
	}
	if out != strings.TrimSpace(out) || strings.Contains(out, "  ") || strings.Contains(out, "\n\n\n") ||
		strings.Contains(out, " \n") || strings.Contains(out, "\n ") {
		t.Fatalf("untidy white space in %q", out)
	}
}

func TestCompose(t *testing.T) {
	longSummary := "The truce brokered on Sunday held overnight, residents said. The first aid convoys in weeks crossed into the province at dawn. " +
		"Officials expect more trucks to follow if the calm lasts through the week, though shelling was reported near the front line."
	oneLongSentence := "The truce brokered on Sunday by regional powers held overnight across most of the province, residents and local officials said, " +
		"as the first aid convoys in several weeks crossed the border at dawn carrying food, medicine and fuel for the coming winter months"
	for _, tc := range []struct {
		name  string
		limit int
		f     Fields
		want  string // exact output, when set
		check func(t *testing.T, out string)
	}{
		{
			name:  "short article fits unchanged",
			limit: 280,
			f:     Fields{Title: "Ceasefire holds in Idlib", Summary: "The truce held overnight, residents said.", URL: articleURL, Categories: []string{"Syria"}},
			want:  "Ceasefire holds in Idlib\n\nThe truce held overnight, residents said. #Syria\n\n" + articleURL,
		},
		{
			name:  "long summary cut at a sentence",
			limit: 200,
			f:     Fields{Title: "Ceasefire holds in Idlib", Summary: longSummary, URL: articleURL},
			want: "Ceasefire holds in Idlib\n\nThe truce brokered on Sunday held overnight, residents said. " +
				"The first aid convoys in weeks crossed into the province at dawn.\n\n" + articleURL,
		},
		{
			name:  "summary cut at a word with an ellipsis",
			limit: 150,
			f:     Fields{Title: "Ceasefire holds in Idlib", Summary: oneLongSentence, URL: articleURL},
			check: func(t *testing.T, out string) {
				summary := strings.Split(out, "\n\n")[1]
				cut, ok := strings.CutSuffix(summary, "…")
				if !ok || !strings.HasPrefix(oneLongSentence, cut) || !strings.ContainsAny(oneLongSentence[len(cut):][:1], " ,") {
					t.Errorf("summary %q is not a word cut with an ellipsis", summary)
				}
				if strings.HasSuffix(cut, ",") {
					t.Errorf("comma left before the ellipsis: %q", summary)
				}
				if xtext.WeightedLength(out) < 140 {
					t.Errorf("cut too short (%d): %q", xtext.WeightedLength(out), out)
				}
			},
		},
		{
			name:  "summary dropped when too little of it fits",
			limit: 70,
			f:     Fields{Title: "Ceasefire holds in Idlib as aid arrives", Summary: oneLongSentence, URL: articleURL},
			want:  "Ceasefire holds in Idlib as aid arrives\n\n" + articleURL,
		},
		{
			name:  "title cut at a word",
			limit: 70,
			f:     Fields{Title: "Ceasefire holds in Idlib as the first aid convoys in weeks reach the north", Summary: "The truce held.", URL: articleURL},
			want:  "Ceasefire holds in Idlib as the first aid…\n\n" + articleURL,
		},
		{
			name:  "one-word title that does not fit is dropped",
			limit: 60,
			f:     Fields{Title: "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenhersteller", URL: articleURL},
			want:  articleURL,
		},
		{
			name:  "chinese title cut at a character",
			limit: 56,
			f:     Fields{Title: "叙利亚西北部停火协议继续有效，援助车队在数周来首次抵达伊德利卜省北部地区", Summary: "居民说，停火协议在周日达成后一夜未被打破。", URL: articleURL},
			want:  "叙利亚西北部停火协议继续有效…\n\n" + articleURL,
		},
		{
			name:  "japanese summary cut at a sentence",
			limit: 160,
			f:     Fields{Title: "イドリブで停戦維持", Summary: "日曜日に合意された停戦は一夜明けても維持された。住民によると、数週間ぶりに援助物資を積んだ車列が北部に到着した。当局は静穏が続けば、さらに多くのトラックが続くと見ている。", URL: articleURL},
			want:  "イドリブで停戦維持\n\n日曜日に合意された停戦は一夜明けても維持された。住民によると、数週間ぶりに援助物資を積んだ車列が北部に到着した。\n\n" + articleURL,
		},
		{
			name:  "arabic summary cut at a word",
			limit: 110,
			f: Fields{
				Title:   "وقف إطلاق النار صامد في إدلب",
				Summary: "قال سكان إن الهدنة التي تم التوصل إليها يوم الأحد صمدت طوال الليل مع وصول أولى قوافل المساعدات منذ أسابيع إلى شمال المحافظة",
				URL:     articleURL,
			},
			check: func(t *testing.T, out string) {
				summary := strings.Split(out, "\n\n")[1]
				cut, ok := strings.CutSuffix(summary, "…")
				full := "قال سكان إن الهدنة التي تم التوصل إليها يوم الأحد صمدت طوال الليل مع وصول أولى قوافل المساعدات منذ أسابيع إلى شمال المحافظة"
				if !ok || !strings.HasPrefix(full, cut) || full[len(cut)] != ' ' {
					t.Errorf("summary %q is not a word cut", summary)
				}
			},
		},
		{
			name:  "hashtags kept when they fit",
			limit: 280,
			f:     Fields{Title: "Ceasefire holds", URL: articleURL, Categories: []string{"syria", "KURDISTAN", "middle  east"}},
			want:  "Ceasefire holds #Syria #Kurds #MiddleEast\n\n" + articleURL,
		},
		{
			name:  "hashtags dropped last first when they do not fit",
			limit: 54,
			f:     Fields{Title: "Ceasefire holds", URL: articleURL, Categories: []string{"Syria", "Kurdistan", "Middle East"}},
			want:  "Ceasefire holds #Syria #Kurds\n\n" + articleURL,
		},
		{
			name:  "hashtags go before the summary is cut",
			limit: 105,
			f:     Fields{Title: "Ceasefire holds", Summary: "The truce brokered on Sunday held overnight, residents said.", URL: articleURL, Categories: []string{"Syria"}},
			want:  "Ceasefire holds\n\nThe truce brokered on Sunday held overnight, residents said.\n\n" + articleURL,
		},
		{
			name:  "unmapped category gives no tag, duplicates one",
			limit: 280,
			f:     Fields{Title: "Ceasefire holds", URL: articleURL, Categories: []string{"World", "Syria", "syria", "Politics"}},
			want:  "Ceasefire holds #Syria\n\n" + articleURL,
		},
		{
			name:  "explicit hashtags win over categories",
			limit: 280,
			f:     Fields{Title: "Ceasefire holds", URL: articleURL, Categories: []string{"Syria"}, Hashtags: []string{"Idlib", "#idlib", "#Aid"}},
			want:  "Ceasefire holds #Idlib #Aid\n\n" + articleURL,
		},
		{
			name:  "a 200-character link counts 23 and stays intact",
			limit: 280,
			f:     Fields{Title: "Ceasefire holds in Idlib", Summary: strings.Repeat("Residents said the truce held. ", 10), URL: "https://example.com/" + strings.Repeat("a", 180)},
			check: func(t *testing.T, out string) {
				url := "https://example.com/" + strings.Repeat("a", 180)
				if strings.Count(out, url) != 1 {
					t.Errorf("link not intact in %q", out)
				}
				// Only room for 23 for the link lets this much summary in.
				if n := xtext.WeightedLength(out); n < 250 {
					t.Errorf("weighted length %d: the link was counted at more than 23", n)
				}
			},
		},
		{
			name:  "messy fields are tidied",
			limit: 280,
			f:     Fields{Title: "  Ceasefire\tholds \n in Idlib\x00 ", Summary: "\uFEFF\u00a0The truce held.\u00a0 ", URL: articleURL},
			want:  "Ceasefire holds in Idlib\n\nThe truce held.\n\n" + articleURL,
		},
		{
			name:  "no-break spaces are kept and never cut at",
			limit: 44,
			f:     Fields{Title: "Des combats à 10\u00a0km d'Idlib font rage", URL: articleURL},
			want:  "Des combats à…\n\n" + articleURL,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, "", tc.limit)
			out, err := c.Compose(tc.f)
			if err != nil {
				t.Fatalf("Compose: %v", err)
			}
			checkPost(t, out, strings.TrimSpace(tc.f.URL), tc.limit)
			if tc.want != "" && out != tc.want {
				t.Errorf("got\n%q\nwant\n%q", out, tc.want)
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func TestComposeCustomTemplate(t *testing.T) {
	f := Fields{Title: "Ceasefire holds in Idlib as aid arrives", Summary: "The truce brokered on Sunday held overnight, residents said.", URL: articleURL}
	for _, tc := range []struct{ tmpl, want string }{
		// Rendering again without the summary drops the guarded separator.
		{"{{.Title}}{{with .Summary}} — {{.}}{{end}} {{.URL}}", "Ceasefire holds in Idlib as aid arrives " + articleURL},
		// An unguarded separator left at the end of a line is tidied away.
		{"{{.Title}} — {{.Summary}}\n{{.URL}}", "Ceasefire holds in Idlib as aid arrives\n" + articleURL},
		{"{{.Title}}:\n{{.Summary}}\n\n\n\n{{.URL}}", "Ceasefire holds in Idlib as aid arrives:\n\n" + articleURL},
	} {
		c := mustNew(t, tc.tmpl, 70)
		out, err := c.Compose(f)
		if err != nil {
			t.Fatal(err)
		}
		if out != tc.want {
			t.Errorf("%q: got %q, want %q", tc.tmpl, out, tc.want)
		}
		checkPost(t, out, articleURL, 70)
	}
}

func TestComposeTooLong(t *testing.T) {
	c := mustNew(t, "", 30)
	_, err := c.Compose(Fields{Title: "Ceasefire", URL: "https://example.com/" + strings.Repeat("a", 10) + " x"})
	if err == nil {
		t.Fatal("a link with white space was accepted")
	}
	_, err = c.Compose(Fields{Title: "Ceasefire", URL: "https://intranet/" + strings.Repeat("a", 40)})
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("a link that cannot fit: err = %v, want ErrTooLong", err)
	}
	out, err := c.Compose(Fields{Title: "Ceasefire holds", URL: articleURL})
	if err != nil || out != articleURL {
		t.Fatalf("only the link fits: got %q, %v", out, err)
	}
	if _, err := c.Compose(Fields{Title: "Ceasefire", URL: articleURL, Hashtags: []string{"#two words"}}); err == nil {
		t.Fatal("a bad hashtag was accepted")
	}
}

func TestNewRejectsBadTemplates(t *testing.T) {
	for _, tc := range []struct {
		name, tmpl string
		limit      int
		hashtags   map[string]string
		want       string
	}{
		{"syntax", "{{.Title", 280, nil, "bad template"},
		{"unknown field", "{{.Headline}} {{.URL}}", 280, nil, "Headline"},
		{"unknown function", "{{shout .Title}} {{.URL}}", 280, nil, "shout"},
		{"no link", "{{.Title}}", 280, nil, "exactly once"},
		{"link twice", "{{.URL}} {{.Title}} {{.URL}}", 280, nil, "exactly once"},
		{"fails on data", "{{index .Categories 3}} {{.URL}}", 280, nil, "index"},
		{"no room", strings.Repeat("Breaking news! ", 20) + "{{.URL}}", 280, nil, "no room"},
		{"limit", "", 0, nil, "limit"},
		{"hashtag without #", "", 280, map[string]string{"Syria": "Syria"}, "must start with '#'"},
		{"hashtag with space", "", 280, map[string]string{"Syria": "#Free Syria"}, "only letters"},
		{"two hashtags for a category", "", 280, map[string]string{"Syria": "#Syria", "SYRIA": "#SY"}, "two hashtags"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.tmpl, tc.limit, tc.hashtags)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New(%q) error = %v, want one mentioning %q", tc.tmpl, err, tc.want)
			}
		})
	}
	if _, err := New("{{.Title}}{{with .Author}} by {{.}}{{end}} ({{.Feed}}) {{.URL}}", 280, nil); err != nil {
		t.Fatalf("a good custom template was rejected: %v", err)
	}
}

func TestParseHashtags(t *testing.T) {
	got, err := ParseHashtags(" Syria=#Syria, Kurdistan = #Kurds,,Middle East=#MiddleEast,Türkiye=#Türkiye, ")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Syria": "#Syria", "Kurdistan": "#Kurds", "Middle East": "#MiddleEast", "Türkiye": "#Türkiye"}
	if !maps.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got, err := ParseHashtags(""); err != nil || len(got) != 0 {
		t.Fatalf("empty: %v, %v", got, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"Syria", "want Category=#Hashtag"},
		{"=#Syria", "no category"},
		{"Syria=Syria", "must start with '#'"},
		{"Syria=#", "empty"},
		{"Syria=#2026", "needs a letter"},
		{"Syria=#Free-Syria", "only letters"},
		{"Syria=#Syria,SYRIA=#SY", "given twice"},
	} {
		if _, err := ParseHashtags(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseHashtags(%q) error = %v, want one mentioning %q", tc.in, err, tc.want)
		}
	}
}

func TestSentenceEnds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"One. Two.", []string{"One.", "One. Two."}},
		{"The U.S. envoy met Dr. Smith in St. Louis. Talks resume.", []string{"The U.S. envoy met Dr. Smith in St. Louis.", "The U.S. envoy met Dr. Smith in St. Louis. Talks resume."}},
		{"He said “it held.” Then it broke", []string{"He said “it held.”", "He said “it held.” Then it broke"}},
		{"Growth was 3.5 percent, e.g. in spring", []string{"Growth was 3.5 percent, e.g. in spring"}},
		{"停火。援助到达", []string{"停火。", "停火。援助到达"}},
		{"停火。\u0301援助到达", []string{"停火。\u0301援助到达"}},
		{"هل صمدت الهدنة؟ نعم", []string{"هل صمدت الهدنة؟", "هل صمدت الهدنة؟ نعم"}},
	} {
		var got []string
		for _, end := range sentenceEnds(tc.in) {
			got = append(got, tc.in[:end])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("sentenceEnds(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCutterNeverSplitsGraphemes(t *testing.T) {
	text := "Famille 👨‍👩‍👧‍👦 réunie à Alep 🇸🇾 après 10 ans ภาษาไทยที่ไม่มีช่องว่าง 日本語のテキスト"
	c := newCutter(text)
	n := 0
	for ; ; n++ {
		cut, ok := c.at(n)
		if !ok {
			break
		}
		if !strings.HasPrefix(text, cut) {
			t.Fatalf("cut %q is not a prefix", cut)
		}
		rest := text[len(cut):]
		if r, _ := utf8.DecodeRuneInString(rest); r == '\u200D' || r == '\U0001F1FE' || r == '\u0E35' || r == '\u0E48' || r == '\u0E34' {
			t.Fatalf("cut %q splits a grapheme cluster", cut)
		}
	}
	if n < 20 {
		t.Fatalf("only %d cuts", n)
	}
}

var composeSeeds = []Fields{
	{Title: "Ceasefire holds in Idlib as aid convoys reach the north", Summary: "The truce brokered on Sunday held overnight, residents said, as the first convoys in weeks crossed into the province.", URL: articleURL, Categories: []string{"Syria"}},
	{Title: "Kurdish-led forces and Damascus agree on a timetable for integrating the SDF into the army", Summary: "The deal, announced on Tuesday after months of talks, sets out a phased handover of checkpoints, oil fields and border crossings in the northeast. Critics said it left key questions unanswered.", URL: "https://example.com/2026/05/13/sdf-deal", Categories: []string{"Kurdistan", "Syria", "Middle East"}},
	{Title: "叙利亚西北部停火协议继续有效", Summary: "居民说，停火协议在周日达成后一夜未被打破。数周来首批援助车队抵达伊德利卜省北部。", URL: "https://example.cn/news/ceasefire"},
	{Title: "وقف إطلاق النار صامد في إدلب", Summary: "قال سكان إن الهدنة صمدت طوال الليل مع وصول أولى قوافل المساعدات منذ أسابيع.", URL: "https://example.com/ar/ceasefire"},
	{Title: "Live: 🇸🇾 families return home 👨‍👩‍👧‍👦", Summary: "Follow our live coverage.", URL: "https://example.com/live"},
}

func FuzzCompose(f *testing.F) {
	for i, s := range composeSeeds {
		f.Add(s.Title, s.Summary, s.URL, strings.Join(s.Categories, ","), uint16(40+60*i))
	}
	f.Add("A", "", "https://t.co/x", "", uint16(0))
	c := map[int]*Composer{}
	f.Fuzz(func(t *testing.T, title, summary, url, categories string, l uint16) {
		limit := 24 + int(l)%400
		comp, ok := c[limit]
		if !ok {
			comp = mustNew(t, "", limit)
			c[limit] = comp
		}
		fields := Fields{Title: title, Summary: summary, URL: url, Categories: strings.Split(categories, ",")}
		out, err := comp.Compose(fields)
		if err != nil {
			if !utf8.ValidString(url) || strings.ContainsFunc(url, isBreakingSpace) || strings.ContainsFunc(url, func(r rune) bool { return r != ' ' && strings.TrimSpace(string(r)) == "" }) {
				return
			}
			if !errors.Is(err, ErrTooLong) {
				t.Fatalf("Compose(%+v): %v", fields, err)
			}
			// Only a link that alone overflows the limit may fail.
			if bare, _ := comp.render(Fields{URL: url}); xtext.WeightedLength(bare) <= limit {
				t.Fatalf("Compose(%+v) = %v, but the link alone fits", fields, err)
			}
			return
		}
		checkPost(t, out, url, limit)
	})
}

func BenchmarkCompose(b *testing.B) {
	long := strings.Repeat("The truce brokered on Sunday held overnight across the province, residents and officials said, as convoys crossed at dawn; ", 40)
	for _, bc := range []struct {
		name string
		f    Fields
	}{
		{"fits", composeSeeds[0]},
		{"sentence", composeSeeds[1]},
		{"long-summary", Fields{Title: composeSeeds[0].Title, Summary: long, URL: articleURL, Categories: []string{"Syria"}}},
		{"cjk", Fields{Title: strings.Repeat("叙利亚西北部停火协议继续有效", 4), Summary: strings.Repeat("居民说停火协议在周日达成后一夜未被打破", 20), URL: articleURL}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := mustNew(b, "", xtext.MaxWeightedLength)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Compose(bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
