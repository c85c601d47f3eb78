package xtext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		text   string
		length int
		valid  bool
	}{
		{"empty", "", 0, false},
		{"blank", " \n\t ", 4, false},
		{"ascii", "Aleppo", 6, true},
		{"headline with link", "Ceasefire holds in Idlib https://example.com/news/2026/ceasefire-holds", 25 + URLLength, true},
		{"bare domain is a link", "More at example.com", 8 + URLLength, true},
		{"unknown tld is no link", "More at example.invalidtld", 26, true},
		{"link at 200 characters counts 23", "https://example.com/" + strings.Repeat("a", 180), URLLength, true},
		{"cjk counts two", "叙利亚", 6, true},
		{"arabic counts one", "وقف إطلاق النار", 15, true},
		{"curly quotes and dashes count one", "“Quote” – ‘dash’ —", 18, true},
		{"ellipsis counts two", "…", 2, true},
		{"nfc: decomposed e-acute counts one", "e\u0301", 1, true},
		{"copyright without selector counts one", "©", 1, true},
		{"copyright emoji counts two", "©\uFE0F", 2, true},
		{"selector after a letter counts", "a\uFE0F", 3, true},
		{"keycap", "#\uFE0F\u20E3", 2, true},
		{"flag", "🇸🇾", 2, true},
		{"lone regional indicator", "🇸", 2, true},
		{"zwj sequence", "🧑‍🚒", 2, true},
		{"modifier", "👍🏽", 2, true},
		{"dangling zwj counts one", "😀\u200D", 3, true},
		{"invalid character", "a\uFFFEb", 4, false},
		{"byte order mark", "\uFEFFhello", 7, false},
		{"invalid utf-8 counts as U+FFFD", "a\xffb", 4, true},
		{"280 fits", strings.Repeat("x", 280), 280, true},
		{"281 does not", strings.Repeat("x", 281), 281, false},
		{"140 cjk fit", strings.Repeat("中", 140), 280, true},
		{"141 cjk do not", strings.Repeat("中", 141), 282, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Parse(tc.text)
			if got.WeightedLength != tc.length || got.Valid != tc.valid {
				t.Errorf("Parse(%q) = %+v, want length %d valid %v", tc.text, got, tc.length, tc.valid)
			}
		})
	}
}

func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []Link
	}{
		{"", nil},
		{"no links here.", nil},
		{"Read https://example.com/a(b)c.", []Link{{"https://example.com/a(b)c", 5, 30}}},
		{"(see example.org/x)", []Link{{"example.org/x", 5, 18}}},
		{"Ceasefire: https://news.example.com/2026/05/ceasefire?utm_source=x&id=4.", []Link{{"https://news.example.com/2026/05/ceasefire?utm_source=x&id=4", 11, 71}}},
		{"HTTPS://EXAMPLE.COM", []Link{{"HTTPS://EXAMPLE.COM", 0, 19}}},
		{"😀 example.com", []Link{{"example.com", 2, 13}}},
		{"a\xffexample.com", []Link{{"example.com", 2, 13}}},
		{"user@example.com", nil},
		{"file.tar.bz2", nil},
		{"..." + strings.Repeat("a.", 50), nil},
	} {
		got := Links(tc.text)
		if len(got) != len(tc.want) {
			t.Errorf("Links(%q) = %+v, want %+v", tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Links(%q)[%d] = %+v, want %+v", tc.text, i, got[i], tc.want[i])
			}
		}
	}
}

func TestPunycodeLen(t *testing.T) {
	// Vectors from RFC 3492 section 7.1 and well-known domains.
	for _, tc := range []struct{ in, out string }{
		{"münchen", "mnchen-3ya"},
		{"bücher", "bcher-kva"},
		{"💩", "ls8h"},
		{"☃", "n3h"},
		{"他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},
		{"Pročprostěnemluvíčesky", "Proprostnemluvesky-uyb24dma41a"},
		{"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
		{"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"},
	} {
		if got := punycodeLen(tc.in, 1000); got != len(tc.out) {
			t.Errorf("punycodeLen(%q) = %d, want %d (%s)", tc.in, got, len(tc.out), tc.out)
		}
	}
	if got := asciiLabelLen("例え。テスト", 1000); got != len("xn--r8jz45g.xn--zckzah") {
		t.Errorf("asciiLabelLen with an ideographic full stop = %d", got)
	}
}

// TestExtendedPictographicTable checks the table against the segmentation of
// github.com/rivo/uniseg: a ZWJ joins the next code point to an emoji exactly
// when that code point is Extended_Pictographic (rule GB11), and never joins
// it to a letter.
func TestExtendedPictographicTable(t *testing.T) {
	oneCluster := func(s string) bool {
		cluster, rest, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
		return cluster == s && rest == ""
	}
	for r := rune(0); r <= 0x2FFFF; r++ { // no pictographs beyond plane 1
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		want := oneCluster("😀\u200D"+s) && !oneCluster("a\u200D"+s)
		if got := isExtendedPictographic(r); got != want {
			t.Fatalf("U+%04X: table says %v, uniseg %v", r, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"Ceasefire holds in Idlib — https://example.com/news/ceasefire",
		"叙利亚停火协议生效 example.cn/a?b=c",
		"وقف إطلاق النار في إدلب https://example.com/ar/1",
		"👨‍👩‍👧‍👦 🇸🇾 1⃣ 🧕🏾 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
		"t.co/abc http://t.co/abcdefghijklmnopqrstuvwxyz012345678901234 xn--ls8h.la",
		"http://あいうえおかきくけこあいうえおかきくけこ.com/(a(b)c)?q=1#x",
		"a\xff\xfe.com \uFEFF\uFFFE",
		"e\u0301\u0958.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res := Parse(text)
		if res.WeightedLength < 0 {
			t.Fatalf("negative length %d", res.WeightedLength)
		}
		if res.Valid && (res.WeightedLength == 0 || res.WeightedLength > MaxWeightedLength) {
			t.Fatalf("valid with length %d", res.WeightedLength)
		}
		if res.WeightedLength == 0 && strings.TrimSpace(text) != "" && utf8.ValidString(text) {
			t.Fatalf("zero length for %q", text)
		}
		n := utf8.RuneCountInString(text)
		prev := 0
		for _, l := range Links(text) {
			if l.Start < prev || l.Start >= l.End || l.End > n {
				t.Fatalf("link %+v out of bounds (previous end %d, %d code points)", l, prev, n)
			}
			if !utf8.ValidString(l.URL) || utf8.RuneCountInString(l.URL) != l.End-l.Start {
				t.Fatalf("link %+v does not match its indices", l)
			}
			prev = l.End
		}
	})
}

var benchTexts = []struct{ name, text string }{
	{"headline", "Ceasefire holds in Idlib as aid convoys reach the north — The truce brokered on Sunday held overnight, residents said, as the first convoys in weeks crossed into the province. https://example.com/news/2026/05/12/ceasefire-holds-idlib?utm_source=x"},
	{"arabic", "وقف إطلاق النار صامد في إدلب مع وصول قوافل المساعدات إلى الشمال https://example.com/ar/news/2026/05/12/ceasefire"},
	{"cjk", "叙利亚西北部停火协议继续有效，援助车队抵达伊德利卜省北部。 example.cn/news/2026/05/12"},
	{"emoji", "🇸🇾 Breaking 👨‍👩‍👧‍👦 families return home 🏠🙏🏽 https://example.com/live"},
}

func BenchmarkParse(b *testing.B) {
	for _, bt := range benchTexts {
		b.Run(bt.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bt.text)))
			for b.Loop() {
				Parse(bt.text)
			}
		})
	}
}
