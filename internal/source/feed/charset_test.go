package feed

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// newsFeed is a small RSS feed with a headline and a summary in some
// language; decl is its XML declaration ("" for none).
func newsFeed(decl, title, summary string) string {
	return decl + `<rss version="2.0"><channel><title>` + title + `</title><link>https://news.example/</link>
<item><title>` + title + `</title><link>https://news.example/1</link><guid>1</guid><description>` + summary + `</description></item>
<item><title>Second: ` + title + `</title><link>https://news.example/2</link><guid>2</guid></item>
</channel></rss>`
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encoding the test feed: %v", err)
	}
	return b
}

var languages = []struct {
	label   string // as servers and feeds write it
	enc     encoding.Encoding
	title   string
	summary string
}{
	{"ISO-8859-1", charmap.ISO8859_1, "Governo anuncia reforma da previdência", "A proposta será votada em março, disse o ministro à imprensa."},
	{"ISO-8859-2", charmap.ISO8859_2, "Sejm przyjął ustawę o żłobkach", "Głosowało 412 posłów; ustawa trafi teraz do Senatu."},
	{"ISO-8859-5", charmap.ISO8859_5, "Правительство одобрило бюджет", "Министр финансов заявил, что дефицит сократится."},
	{"ISO-8859-7", charmap.ISO8859_7, "Η κυβέρνηση ενέκρινε τον προϋπολογισμό", "Ο υπουργός Οικονομικών μίλησε για μείωση του ελλείμματος."},
	{"ISO-8859-9", charmap.ISO8859_9, "Meclis bütçeyi kabul etti", "Oylamaya 412 milletvekili katıldı; bütçe şimdi Cumhurbaşkanı'na gidiyor."},
	{"ISO-8859-15", charmap.ISO8859_15, "Le budget atteint 300 milliards d'€", "Le ministre a présenté un plan d'économies à l'Assemblée."},
	{"windows-1250", charmap.Windows1250, "Vláda schválila rozpočet na příští rok", "Ministr financí řekl, že schodek se sníží – „výrazně“."},
	{"windows-1251", charmap.Windows1251, "Парламент принял закон о выборах", "За проголосовали 300 депутатов — «большинство»."},
	{"windows-1252", charmap.Windows1252, "Ministers agree “historic” deal", "The talks – which lasted 18 hours – ended at dawn… officials said."},
	{"windows-1253", charmap.Windows1253, "Συμφωνία για το νέο μνημόνιο", "Οι διαπραγματεύσεις κράτησαν 18 ώρες."},
	{"windows-1254", charmap.Windows1254, "Enflasyon yüzde 40'ın altına düştü", "Merkez Bankası faiz kararını perşembe açıklayacak."},
	{"windows-1255", charmap.Windows1255, "הכנסת אישרה את התקציב", "שר האוצר אמר כי הגירעון יקטן."},
	{"windows-1256", charmap.Windows1256, "البرلمان يقر الموازنة العامة", "قال وزير المالية إن العجز سينخفض."},
	{"windows-1257", charmap.Windows1257, "Seimas priėmė biudžetą", "Finansų ministras sakė, kad deficitas mažės."},
	{"KOI8-R", charmap.KOI8R, "Москва объявила о переговорах", "Пресс-секретарь сообщил, что встреча пройдёт в пятницу."},
	{"KOI8-U", charmap.KOI8U, "Верховна Рада ухвалила бюджет", "Ґрунтовні зміни торкнуться пенсій, заявив міністр."},
	// GB2312 is read as GBK, its superset, as browsers do; for the
	// characters GB2312 has, the bytes are the same.
	{"GB2312", simplifiedchinese.GBK, "国务院发布新的经济刺激计划", "新华社报道，该计划将于下月实施。"},
	{"GBK", simplifiedchinese.GBK, "国务院发布新的经济刺激计划", "新华社报道，该计划将于下月实施。"},
	{"GB18030", simplifiedchinese.GB18030, "国务院发布新的经济刺激计划 ☃", "新华社报道，该计划将于下月实施。"},
	{"Big5", traditionalchinese.Big5, "立法院通過年度總預算", "行政院長表示，赤字將會減少。"},
	{"Shift_JIS", japanese.ShiftJIS, "政府が新たな経済対策を発表", "首相は記者会見で、来月から実施すると述べた。"},
	{"EUC-JP", japanese.EUCJP, "政府が新たな経済対策を発表", "首相は記者会見で、来月から実施すると述べた。"},
	{"EUC-KR", korean.EUCKR, "국회, 내년도 예산안 통과", "기획재정부 장관은 적자가 줄어들 것이라고 말했다."},
}

// Feeds in each charset, declared by HTTP, by the XML declaration or both,
// read with every character intact.
func TestCharsets(t *testing.T) {
	for _, lang := range languages {
		decl := `<?xml version="1.0" encoding="` + lang.label + `"?>` + "\n"
		for _, how := range []struct {
			name        string
			decl        string
			contentType string
		}{
			// The bug report: a Portuguese feed with no declaration, and
			// the charset only in the HTTP header.
			{"http only", "", "text/xml; charset=" + lang.label},
			{"http only, +xml type", "", "application/rss+xml; charset=" + lang.label},
			{"declaration only", decl, "application/rss+xml"},
			{"declaration only, no content type", decl, ""},
			{"both", decl, `application/xml; charset="` + strings.ToLower(lang.label) + `"`},
			{"declaration, html content type without charset", decl, "text/html"},
		} {
			t.Run(lang.label+"/"+how.name, func(t *testing.T) {
				body := encode(t, lang.enc, newsFeed(how.decl, lang.title, lang.summary))
				if utf8Valid := bytes.Equal(body, []byte(newsFeed(how.decl, lang.title, lang.summary))); utf8Valid {
					t.Fatal("the test feed is plain ASCII")
				}
				checkNews(t, body, how.contentType, lang.title, lang.summary)
			})
		}
	}
}

func checkNews(t *testing.T, body []byte, contentType, title, summary string) {
	t.Helper()
	p, err := Parse(body, contentType, "https://news.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != title || len(p.Items) != 2 {
		t.Fatalf("title %q, %d items; want %q, 2", p.Title, len(p.Items), title)
	}
	if p.Items[0].Title != title || p.Items[0].Description != summary || p.Items[1].Title != "Second: "+title {
		t.Errorf("items: %q %q %q\nwant:  %q %q", p.Items[0].Title, p.Items[0].Description, p.Items[1].Title, title, summary)
	}
}

// Which source wins when they disagree (RFC 7303 §3 and XML 1.0 §4.3.3).
func TestCharsetPrecedence(t *testing.T) {
	const (
		ru = "Парламент принял закон о выборах"
		pt = "Governo anuncia reforma da previdência"
	)
	ruSummary, ptSummary := "Голосовали 300 депутатов.", "A proposta será votada em março."
	bom8 := []byte{0xEF, 0xBB, 0xBF}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		title       string
		summary     string
	}{
		{
			name:        "XML media type charset beats the declaration",
			body:        encode(t, charmap.Windows1251, newsFeed(`<?xml version="1.0" encoding="KOI8-R"?>`, ru, ruSummary)),
			contentType: "text/xml; charset=windows-1251",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "HTTP Latin-1 beats a UTF-8 declaration",
			body:        encode(t, charmap.ISO8859_1, newsFeed(`<?xml version="1.0" encoding="UTF-8"?>`, pt, ptSummary)),
			contentType: "application/rss+xml; charset=ISO-8859-1",
			title:       pt, summary: ptSummary,
		},
		{
			// A server that labels every answer UTF-8, serving a Latin-1
			// file that says so itself.
			name:        "blanket HTTP UTF-8 on a Latin-1 file declared as such",
			body:        encode(t, charmap.ISO8859_1, newsFeed(`<?xml version="1.0" encoding="ISO-8859-1"?>`, pt, ptSummary)),
			contentType: "text/xml; charset=UTF-8",
			title:       pt, summary: ptSummary,
		},
		{
			name:        "HTTP UTF-8 is kept when the bytes are UTF-8",
			body:        []byte(newsFeed(`<?xml version="1.0" encoding="ISO-8859-1"?>`, pt, ptSummary)),
			contentType: "text/xml; charset=utf-8",
			title:       pt, summary: ptSummary,
		},
		{
			name:        "the declaration beats a non-XML media type's charset",
			body:        encode(t, charmap.KOI8R, newsFeed(`<?xml version="1.0" encoding="KOI8-R"?>`, ru, ruSummary)),
			contentType: "text/html; charset=windows-1251",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "a non-XML media type's charset when nothing else says",
			body:        encode(t, charmap.Windows1251, newsFeed("", ru, ruSummary)),
			contentType: "text/plain; charset=windows-1251",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "UTF-8 BOM beats HTTP and the declaration",
			body:        append(bom8, newsFeed(`<?xml version="1.0" encoding="ISO-8859-1"?>`, ru, ruSummary)...),
			contentType: "text/xml; charset=ISO-8859-1",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "UTF-16LE with BOM",
			body:        encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), newsFeed(`<?xml version="1.0" encoding="UTF-16"?>`, ru, ruSummary)),
			contentType: "application/rss+xml; charset=ISO-8859-1",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "UTF-16BE with BOM",
			body:        encode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), newsFeed(`<?xml version="1.0" encoding="UTF-16"?>`, ru, ruSummary)),
			contentType: "",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "UTF-16LE without BOM",
			body:        encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), newsFeed(`<?xml version="1.0" encoding="UTF-16"?>`, ru, ruSummary)),
			contentType: "text/xml",
			title:       ru, summary: ruSummary,
		},
		{
			name:        "UTF-16BE without BOM or declaration",
			body:        encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), newsFeed("", ru, ruSummary)),
			contentType: "application/rss+xml",
			title:       ru, summary: ruSummary,
		},
		{
			// A common mistake: the bytes are UTF-8, the declaration says
			// UTF-16, which ASCII-compatible bytes cannot be.
			name:        "a UTF-8 file declaring UTF-16",
			body:        []byte(newsFeed(`<?xml version="1.0" encoding="UTF-16"?>`, ru, ruSummary)),
			contentType: "text/xml; charset=utf-16",
			title:       ru, summary: ruSummary,
		},
		{
			name:  "undeclared Latin-1 is sniffed as Windows-1252",
			body:  encode(t, charmap.Windows1252, newsFeed("", pt+" – “já”", ptSummary)),
			title: pt + " – “já”", summary: ptSummary,
		},
		{
			name:  "undeclared UTF-8",
			body:  []byte(newsFeed("", ru, ruSummary)),
			title: ru, summary: ruSummary,
		},
		{
			name:        "unknown labels are skipped",
			body:        encode(t, charmap.ISO8859_1, newsFeed(`<?xml version="1.0" encoding="x-no-such-charset"?>`, pt, ptSummary)),
			contentType: "text/xml; charset=bogus",
			title:       pt, summary: ptSummary,
		},
		{
			name:        "malformed content type",
			body:        encode(t, charmap.ISO8859_1, newsFeed("", pt, ptSummary)),
			contentType: "text/xml;; charset=ISO-8859-1;",
			title:       pt, summary: ptSummary,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNews(t, tt.body, tt.contentType, tt.title, tt.summary)
		})
	}
}

// One broken byte costs one character, not the feed: real WordPress feeds
// carry a stray Latin-1 byte in an otherwise UTF-8 document.
func TestInvalidBytesReplaced(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Notícias</title>
<item><title>Première: l’été</title><link>https://news.example/1</link><description>Ça commence à Genève.</description></item>
<item><title>Caf` + "\xe9" + ` opens` + "\x0b" + `</title><link>https://news.example/2</link><description>Broken ` + "\xff\xfe" + ` bytes and a noncharacter ` + "\uFFFF" + `.</description></item>
<item><title>Москва, 3 мая</title><link>https://news.example/3</link><description>Третий — «без ошибок».</description></item>
</channel></rss>`
	for _, ct := range []string{"", "application/rss+xml; charset=UTF-8", "text/xml"} {
		p, err := Parse([]byte(doc), ct, "https://news.example/feed")
		if err != nil {
			t.Fatalf("%q: %v", ct, err)
		}
		if len(p.Items) != 3 {
			t.Fatalf("%q: %d items, want 3", ct, len(p.Items))
		}
		want := []struct{ title, desc string }{
			{"Première: l’été", "Ça commence à Genève."},
			{"Caf\uFFFD opens", "Broken \uFFFD\uFFFD bytes and a noncharacter \uFFFD."},
			{"Москва, 3 мая", "Третий — «без ошибок»."},
		}
		for i, w := range want {
			if p.Items[i].Title != w.title || p.Items[i].Description != w.desc {
				t.Errorf("%q item %d: %q %q, want %q %q", ct, i, p.Items[i].Title, p.Items[i].Description, w.title, w.desc)
			}
		}
		if p.Title != "Notícias" {
			t.Errorf("feed title %q", p.Title)
		}
	}
}

// What gofeed is handed: UTF-8 whose declaration says UTF-8, whatever the
// original said, so that it does not decode the text a second time.
func TestDeclarationRewritten(t *testing.T) {
	body := encode(t, charmap.KOI8R, `<?xml version='1.0' encoding = 'koi8-r' standalone="yes"?><rss version="2.0"><channel><title>Новости</title></channel></rss>`)
	doc, name := toUTF8(body, "")
	if name != "koi8-r" {
		t.Errorf("encoding %q", name)
	}
	want := `<?xml version='1.0' encoding="UTF-8" standalone="yes"?><rss version="2.0"><channel><title>Новости</title></channel></rss>`
	if string(doc) != want {
		t.Errorf("got  %s\nwant %s", doc, want)
	}
}

func TestJSONFeedWithBOM(t *testing.T) {
	body := append([]byte{0xEF, 0xBB, 0xBF}, `{"version":"https://jsonfeed.org/version/1.1","title":"Notícias","items":[{"id":"1","url":"https://news.example/1","title":"Caf`+"\xe9"+`"}]}`...)
	p, err := Parse(body, "application/feed+json", "https://news.example/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	if p.Title != "Notícias" || len(p.Items) != 1 || p.Items[0].Title != "Caf\uFFFD" {
		t.Errorf("%+v", p)
	}
}
