package feed

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fixtures"
)

// rssWith is an RSS feed of one item holding extra.
func rssWith(extra string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:x="https://ext.example/"><channel><title>T</title>
<item><title>A</title><link>https://site.example/a</link>` + extra + `</item>
</channel></rss>`)
}

func atomWith(extra string) []byte {
	return []byte(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="https://ext.example/"><title>T</title>
<entry><title>A</title><link href="https://site.example/a"/><id>a</id>` + extra + `</entry></feed>`)
}

func jsonWith(extra string) []byte {
	return []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[{"id":"a","url":"https://site.example/a","_x":` + extra + `}]}`)
}

func repeat(s string, n int) string { return strings.Repeat(s, n) }

func nested(open, close string, n int) string { return repeat(open, n) + repeat(close, n) }

// hostile are documents that crashed herald or took gigabytes or minutes
// before the limits. Each must now fail with ErrTooComplex, at once.
var hostile = []struct {
	name string
	doc  func() []byte
	want string
}{
	// The attack run's feed: two million nested extension elements, 10 MB,
	// which overflowed the stack at 1.8 GB.
	{"rss nested extensions 2M", func() []byte { return rssWith(repeat("<x:a>", 2_000_000)) },
		"feed too deeply nested: more than 256 levels"},
	{"rss nested extensions 800k, closed", func() []byte { return rssWith(nested("<x:a>", "</x:a>", 800_000)) },
		"feed too deeply nested: more than 256 levels"},
	{"atom nested extensions", func() []byte { return atomWith(nested("<x:a>", "</x:a>", 400_000)) },
		"feed too deeply nested: more than 256 levels"},
	{"rss nested unclosed", func() []byte { return rssWith(repeat("<x:a>", 300)) },
		"feed too deeply nested: more than 256 levels"},
	{"json nested arrays", func() []byte { return jsonWith(nested("[", "]", 1_000_000)) },
		"feed too deeply nested: more than 256 levels"},
	{"json nested objects", func() []byte { return jsonWith(nested(`{"a":`, "}", 100_000)) },
		"feed too deeply nested: more than 256 levels"},
	{"flat extension elements", func() []byte { return rssWith(repeat("<x:a/>", 1_500_000)) },
		"feed has too many elements: more than 163840"},
	{"attributes", func() []byte { return rssWith(repeat(`<x:a b="" c="" d=""/>`, 60_000)) },
		"feed has too many attributes: more than 163840"},
	{"one tag of 5M attributes", func() []byte { return rssWith("<x:a" + repeat(" b", 5_000_000) + "/>") },
		"feed has a start tag longer than 256 KiB"},
	{"rss items", func() []byte {
		return []byte(`<rss version="2.0"><channel><title>T</title>` + repeat("<item/>", 10_001) + `</channel></rss>`)
	}, "feed has too many entries: more than 10000"},
	{"atom entries", func() []byte {
		return []byte(`<feed xmlns="http://www.w3.org/2005/Atom">` + repeat("<entry/>", 10_001) + `</feed>`)
	}, "feed has too many entries: more than 10000"},
	{"json items", func() []byte {
		return []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[` + repeat("{},", 10_000) + `{}]}`)
	}, "feed has too many entries: more than 10000"},
	{"json values", func() []byte { return jsonWith("[" + repeat("0,", 200_000) + "0]") },
		"feed has too many values: more than 163840"},
	{"namespaces in scope", func() []byte {
		var b strings.Builder
		for i := range 40 {
			fmt.Fprintf(&b, ` xmlns:n%d="https://ns.example/%d"`, i, i)
		}
		return rssWith("<x:a" + b.String() + ">" + repeat("<n1:b/>", 50_000) + "</x:a>")
	}, "feed declares too many XML namespaces: more than 32 in scope"},
	// gofeed glues an extension element's text pieces with +=: text split
	// by comments costs the square of its length.
	{"text split by comments", func() []byte { return rssWith("<x:a>" + repeat("text<!---->", 1_000_000) + "</x:a>") },
		"feed has text split into too many pieces"},
	{"text split by child elements", func() []byte { return rssWith("<x:a>" + repeat(" <b/>", 120_000) + "</x:a>") },
		"feed has text split into too many pieces"},
	{"windows-1252 tripling past 20 MiB in UTF-8", func() []byte {
		return rssWith("<description>" + repeat("\x80", 7<<20) + "</description>")
	}, "feed is larger than 20 MiB once decoded to UTF-8"},
	{"second declaration switching encoding", func() []byte {
		return rssWith(`<x:a><?xml version="1.0" encoding="ISO-8859-1"?></x:a>` + nested("<x:a>", "</x:a>", 1000))
	}, "a second XML declaration names an encoding"},
}

func TestHostileFeedsRefused(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc()
			start := time.Now()
			p, err := Parse(doc, "application/rss+xml; charset=windows-1252", "https://site.example/feed")
			if err == nil {
				t.Fatalf("parsed %d items, want an error", len(p.Items))
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want %q", err, tt.want)
			}
			if strings.Contains(tt.want, "second") {
				return // malformed, not too complex
			}
			if !errors.Is(err, ErrTooComplex) {
				t.Errorf("error %v does not match ErrTooComplex", err)
			}
			t.Logf("%.1f MB refused in %s", float64(len(doc))/1e6, time.Since(start).Round(time.Millisecond))
		})
	}
}

// Just inside the limits, such documents still parse.
func TestWithinLimitsParses(t *testing.T) {
	for name, doc := range map[string][]byte{
		"rss nested 200":    rssWith(nested("<x:a>", "</x:a>", 200)),
		"atom nested 200":   atomWith(nested("<x:a>", "</x:a>", 200)),
		"json nested 200":   jsonWith(nested("[", "]", 200)),
		"split text, a bit": rssWith("<x:a>" + repeat("text<!---->", 1000) + "</x:a>"),
		"10,000 entries":    []byte(`<rss version="2.0"><channel><title>T</title>` + repeat("<item><link>https://site.example/a</link></item>\n\t\t", 10_000) + `</channel></rss>`),
		// WordPress sites often print a PHP warning after </rss>: the
		// check stops at the syntax error, as gofeed stops at </rss>.
		"trailing junk": append(rssWith(""), "\n<b>Warning</b>: Cannot modify header information in <b>x.php</b>"...),
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(doc, "", "https://site.example/feed")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Items) == 0 {
				t.Fatal("no items")
			}
		})
	}
}

// worst are the costliest documents the limits accept, one per limit, near
// the 10 MiB body cap. BenchmarkParseWorstCase reports their peak heap.
var worst = []struct {
	name        string
	contentType string
	doc         func() []byte
}{
	{"nesting 250 deep x 600", "", func() []byte { return rssWith(repeat(nested("<x:a>", "</x:a>", 250), 600)) }},
	{"163k extension elements with attributes", "", func() []byte { return rssWith(repeat(`<x:a b="1"/>`, 163_000)) }},
	{"10k items", "", func() []byte {
		return []byte(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>` +
			repeat(`<item><title>A story</title><link>https://site.example/a</link><dc:creator>A</dc:creator><category>C</category><guid>g</guid><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate><description>D</description></item>`, 10_000) +
			`</channel></rss>`)
	}},
	{"text in pieces", "", func() []byte { return rssWith("<x:a>" + repeat(" <b/>", 22_000) + "</x:a>") }},
	{"6.6 MiB of Windows-1252 text tripling to 20 MiB in UTF-8", "text/xml; charset=windows-1252", func() []byte {
		return rssWith("<description>" + repeat("\x80", (20<<20)/3-300) + "</description>")
	}},
	{"10 MiB of UTF-8 text", "", func() []byte { return rssWith("<description>" + repeat("é", 5<<20-100) + "</description>") }},
	{"32 namespaces in scope over 160k elements", "", func() []byte {
		var b strings.Builder
		for i := range 31 {
			fmt.Fprintf(&b, ` xmlns:n%d="https://ns.example/%d"`, i, i)
		}
		return rssWith("<x:a" + b.String() + ">" + repeat("<n1:b/>", 160_000) + "</x:a>")
	}},
	{"json 163k values", "", func() []byte { return jsonWith("[" + repeat(`{"a":1},`, 81_000) + "0]") }},
}

func BenchmarkParseWorstCase(b *testing.B) {
	for _, w := range worst {
		doc := w.doc()
		b.Run(w.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			var peak uint64
			for b.Loop() {
				var err error
				peak = max(peak, peakHeap(func() { _, err = Parse(doc, w.contentType, "https://site.example/feed") }))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(len(doc))/(1<<20), "doc-MiB")
		})
	}
}

// BenchmarkCheck measures the limits' passes alone on a realistic feed of
// about 9 MiB (the fixture's items again and again): the skimming scanner,
// skeleton included, and checkXML, for documents the scanner leaves.
func BenchmarkCheck(b *testing.B) {
	fixture := fixtures.Read("wordpress-rss.xml")
	item := string(fixture)
	item = item[strings.Index(item, "<item>"):strings.LastIndex(item, "</channel>")]
	doc := []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>` +
		repeat(item, (9<<20)/len(item)) + `</channel></rss>`)
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			s, ok, err := scanXML(doc, defaultLimits)
			if !ok || err != nil {
				b.Fatal(ok, err)
			}
			s.skeleton()
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if err := checkXML(doc, defaultLimits); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSkim compares reading a WordPress feed of 15 entries whole with
// skimming it, and with skimming it and then reading one entry's bodies
// (a poll that finds one new story).
func BenchmarkSkim(b *testing.B) {
	doc := wpFeed(15)
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := Parse(doc, "", skimURL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("skim", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := Skim(doc, "", skimURL); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("skim+1", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			p, err := Skim(doc, "", skimURL)
			if err == nil {
				err = p.Complete([]int{0})
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// peakHeap runs f and returns the most heap its objects took meanwhile,
// garbage included, above what was in use before: what a container's
// memory limit sees.
func peakHeap(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var (
		mu   sync.Mutex
		peak uint64
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			v := read()
			mu.Lock()
			peak = max(peak, v)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	f()
	close(done)
	wg.Wait()
	peak = max(peak, read())
	if peak < base {
		return 0
	}
	return peak - base
}
