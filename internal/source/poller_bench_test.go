package source

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store/postgres"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/store/sqlstore"
)

var (
	farmSize  = flag.Int("farm", 2000, "how many feeds BenchmarkPollRound's farm serves")
	farmStore = flag.String("farm-store", "sqlite", "BenchmarkPollRound's store: sqlite, or postgres (at $"+pgtest.Var+")")
)

// openFarmStore opens an empty store of the kind -farm-store names.
func openFarmStore(b *testing.B) *sqlstore.DB {
	ctx := context.Background()
	var st *sqlstore.DB
	var err error
	switch *farmStore {
	case "sqlite":
		st, err = sqlite.Open(ctx, filepath.Join(b.TempDir(), "h.db"))
	case "postgres":
		st, err = postgres.Open(ctx, pgtest.Schema(b))
	default:
		b.Fatalf("-farm-store=%q: sqlite or postgres", *farmStore)
	}
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// wpFarm serves n WordPress-shaped RSS 2.0 feeds over sites listeners on
// 127.0.0.1 (a newsroom's feeds come from a few hosts, and the fetcher keeps
// a few connections per host). Feed i is at /feed/{i} on site i%sites, has
// 10 to 20 items with WordPress's namespaces, excerpt and content:encoded,
// and answers 304 to its own ETag. Bodies are written on demand, so the
// farm's memory does not grow with n.
type wpFarm struct {
	n     int
	sites []net.Listener
	srv   *http.Server
	gets  atomic.Int64
}

func newWPFarm(tb testing.TB, n, sites int) *wpFarm {
	f := &wpFarm{n: n}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	for range sites {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		f.sites = append(f.sites, ln)
		go f.srv.Serve(ln)
	}
	tb.Cleanup(func() { f.srv.Close() })
	return f
}

func (f *wpFarm) url(i int) string {
	return fmt.Sprintf("http://%s/feed/%d", f.sites[i%len(f.sites)].Addr(), i)
}

func (f *wpFarm) urls() []string {
	out := make([]string, f.n)
	for i := range out {
		out[i] = f.url(i)
	}
	return out
}

func wpETag(i int) string { return `"wp-` + strconv.Itoa(i) + `-1"` }

var feedBufs = sync.Pool{New: func() any { return new([]byte) }}

func (f *wpFarm) serve(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if err != nil || i < 0 || i >= f.n {
		http.NotFound(w, r)
		return
	}
	f.gets.Add(1)
	etag := wpETag(i)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	bp := feedBufs.Get().(*[]byte)
	b := appendWPFeed((*bp)[:0], i)
	h := w.Header()
	h.Set("Content-Type", "application/rss+xml; charset=UTF-8")
	h.Set("ETag", etag)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	*bp = b
	feedBufs.Put(bp)
}

var (
	wpWords = strings.Fields(`council budget river clinic school bridge election storm
		harvest museum railway hospital court market festival drought protest mayor
		factory village border water power road fire`)
	wpParagraphs = []string{
		`The council voted late on Tuesday to approve the plan, which had been debated for more than a year and drew hundreds of residents to the public hearings held in the old town hall.`,
		`&#8220;We have waited a long time for this,&#8221; said one shop owner, who asked not to be named because she had not spoken to her family about the decision yet.`,
		`Officials said the work would begin in the spring and take about eighteen months, though similar projects in the region have run well over their schedules and budgets.`,
		`The opposition called the vote rushed and said it would ask the provincial court to review whether the required consultations had taken place &amp; been recorded properly.`,
		`Residents of the eastern districts, where most of the changes will be felt, remain divided: some welcome the investment, others fear rising rents and the loss of green space.`,
	}
)

// appendWPFeed appends feed i as WordPress 6 writes it.
func appendWPFeed(b []byte, i int) []byte {
	site := "site" + strconv.Itoa(i) + ".example"
	b = append(b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
	<title>The Daily `...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, `</title>
	<atom:link href="https://`+site+`/feed/" rel="self" type="application/rss+xml" />
	<link>https://`+site+`</link>
	<description>News from the valley and beyond</description>
	<lastBuildDate>Mon, 02 Nov 2026 09:00:00 +0000</lastBuildDate>
	<language>en-US</language>
	<sy:updatePeriod>hourly</sy:updatePeriod>
	<sy:updateFrequency>1</sy:updateFrequency>
	<generator>https://wordpress.org/?v=6.7.1</generator>
`...)
	items := 10 + i%11
	base := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for j := range items {
		id := strconv.Itoa(i*100 + j)
		w1, w2, w3 := wpWords[(i+j)%len(wpWords)], wpWords[(i*7+j*3)%len(wpWords)], wpWords[(j*5+1)%len(wpWords)]
		title := "The " + w1 + " and the " + w2 + ": what the " + w3 + " vote means for the valley (" + id + ")"
		link := "https://" + site + "/2026/11/" + w1 + "-" + w2 + "-" + id + "/"
		b = append(b, "\t<item>\n\t\t<title>"...)
		b = append(b, title...)
		b = append(b, "</title>\n\t\t<link>"...)
		b = append(b, link...)
		b = append(b, "</link>\n\t\t<comments>"...)
		b = append(b, link...)
		b = append(b, "#respond</comments>\n\t\t<dc:creator><![CDATA[Lina Haddad]]></dc:creator>\n\t\t<pubDate>"...)
		b = base.Add(-time.Duration(j)*time.Hour).AppendFormat(b, time.RFC1123Z)
		b = append(b, "</pubDate>\n\t\t<category><![CDATA[Local]]></category>\n\t\t<category><![CDATA["...)
		b = append(b, w1...)
		b = append(b, "]]></category>\n\t\t<category><![CDATA[Politics]]></category>\n\t\t<guid isPermaLink=\"false\">https://"...)
		b = append(b, site...)
		b = append(b, "/?p="...)
		b = append(b, id...)
		b = append(b, "</guid>\n\t\t<description><![CDATA["...)
		b = append(b, wpParagraphs[(i+j)%len(wpParagraphs)][:150]...)
		b = append(b, ` [&#8230;]</p>
<p>The post <a href="`...)
		b = append(b, link...)
		b = append(b, `">`...)
		b = append(b, title...)
		b = append(b, `</a> appeared first on <a href="https://`+site+`">The Daily</a>.</p>
]]></description>
		<content:encoded><![CDATA[<figure class="wp-block-image size-large"><img decoding="async" width="1024" height="683" src="https://`+site+`/wp-content/uploads/2026/11/photo-`...)
		b = append(b, id...)
		b = append(b, `-1024x683.jpg" alt="" class="wp-image-`...)
		b = append(b, id...)
		b = append(b, `"/><figcaption class="wp-element-caption">The `...)
		b = append(b, w1...)
		b = append(b, ` on Monday. Photo: Sami Khoury</figcaption></figure>
`...)
		for k := range 5 {
			b = append(b, "<p>"...)
			b = append(b, wpParagraphs[(i+j+k)%len(wpParagraphs)]...)
			b = append(b, "</p>\n"...)
		}
		b = append(b, `]]></content:encoded>
		<wfw:commentRss>`...)
		b = append(b, link...)
		b = append(b, "feed/</wfw:commentRss>\n\t\t<slash:comments>"...)
		b = strconv.AppendInt(b, int64(j%4), 10)
		b = append(b, "</slash:comments>\n\t</item>\n"...)
	}
	return append(b, "</channel>\n</rss>\n"...)
}

// bareFetch GETs every feed once with workers goroutines and a plain
// net/http client tuned like the fetcher's, reading and discarding the
// bodies; conditional sends each feed's ETag. It is the floor a poll round
// is measured against. With a window, the GETs start one after another
// spread over it rather than all at once.
func bareFetch(tb testing.TB, f *wpFarm, workers int, conditional bool, window time.Duration) (wall time.Duration, cpu time.Duration) {
	client := &http.Client{Transport: &http.Transport{
		ForceAttemptHTTP2: true, MaxIdleConns: 1024, MaxIdleConnsPerHost: 8, IdleConnTimeout: 90 * time.Second,
	}}
	defer client.CloseIdleConnections()
	var failed atomic.Int64
	start, cpu0 := time.Now(), processCPU()
	next := make(chan int, workers)
	go func() {
		for i := range f.n {
			if window > 0 {
				time.Sleep(time.Until(start.Add(window * time.Duration(i) / time.Duration(f.n))))
			}
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				req, _ := http.NewRequest(http.MethodGet, f.url(i), nil)
				if conditional {
					req.Header.Set("If-None-Match", wpETag(i))
				}
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	wall, cpu = time.Since(start), processCPU()-cpu0
	if n := failed.Load(); n > 0 {
		tb.Fatalf("bare fetch: %d of %d failed", n, f.n)
	}
	return wall, cpu
}

// benchPoller is a poller as herald runs it over st, with the real fetcher
// and the ingester, whose clock is the wall clock moved by skew, and which
// signals round when it has fetched n feeds since done was last zeroed.
func benchPoller(st *sqlstore.DB, n int, skew, done, bad *atomic.Int64, round chan<- struct{}) *Poller {
	in := &ingest.Ingester{
		Store:   st,
		Targets: []ingest.Target{{Name: "local", Compose: func(a *news.Article) (string, error) { return a.Title + " " + a.URL, nil }}},
		Log:     slog.New(slog.DiscardHandler),
	}
	return &Poller{
		Store: st, Handler: in, Interval: time.Hour, Workers: 64,
		Fetcher: fetch.New(fetch.Options{Timeout: 30 * time.Second}),
		Log:     slog.New(slog.DiscardHandler),
		Clock:   func() time.Time { return time.Now().Add(time.Duration(skew.Load())) },
		Observe: func(_, result string, _ time.Duration) {
			if result == ResultError {
				bad.Add(1)
			}
			if done.Add(1) == int64(n) {
				round <- struct{}{}
			}
		},
	}
}

// BenchmarkPollRound measures whole polling rounds over a farm of
// WordPress-shaped feeds (-farm=N, default 2,000), end to end: the real
// fetcher, the feed parser, the ingester (first-run rule: every item
// recorded, nothing posted) and the SQLite store, scheduled by Run. Each
// iteration starts from an empty database:
//
//   - first-round-s: from SetFeeds until every feed was fetched, parsed and
//     recorded and its state written, and first/bare its ratio to a bare
//     concurrent GET of every feed (64 workers, bodies read and discarded);
//     first-cpu-ms/feed, the process CPU it took;
//   - 304-cpu-ms/feed: process CPU (user+system, the in-process farm
//     included) of a round in which every feed is due at once and answers
//     304, and 304/bare its ratio to the bare GET's CPU a feed;
//   - steady-cpu-ms/feed: the same when the feeds come due one after
//     another, spread over a window (N/1000 seconds), as they do between
//     rounds: every wake-up of the scheduler finds a few feeds due; and
//     steady/bare-steady its ratio to bare conditional GETs spread alike;
//   - peak-RSS-MiB: the process's high-water resident set during the
//     iteration (reset at its start where Linux allows).
//
// go test -run '^$' -bench PollRound -benchtime 1x ./internal/source/ -args -farm=10000
func BenchmarkPollRound(b *testing.B) {
	n := *farmSize
	f := newWPFarm(b, n, 16)
	urls := f.urls()
	var first, firstCPU, bare, bareCPU, cpu304, wall304, bare304CPU, steadyCPU, bareSteadyCPU time.Duration
	var peak int64
	for b.Loop() {
		resetPeakRSS()
		bare, bareCPU = bareFetch(b, f, 64, false, 0)
		_, bare304CPU = bareFetch(b, f, 64, true, 0)
		window := time.Duration(n) * time.Millisecond
		_, bareSteadyCPU = bareFetch(b, f, 64, true, window)

		st := openFarmStore(b)
		var skew, done, bad atomic.Int64
		round := make(chan struct{}, 1)
		p := benchPoller(st, n, &skew, &done, &bad, round)
		ctx, cancel := context.WithCancel(context.Background())
		start, cpu0 := time.Now(), processCPU()
		if err := p.SetFeeds(ctx, urls); err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Go(func() { p.Run(ctx) })
		<-round
		settle(p)
		first, firstCPU = time.Since(start), processCPU()-cpu0

		done.Store(0)
		skew.Add(int64(p.Interval + time.Minute))
		start, cpu0 = time.Now(), processCPU()
		p.Wake()
		<-round
		settle(p)
		wall304, cpu304 = time.Since(start), processCPU()-cpu0
		cancel()
		wg.Wait()

		// Steady state: another process finds the feeds due one after
		// another over the window, as the schedule spreads them.
		spread(b, st, time.Now().Add(100*time.Millisecond), window)
		skew.Store(0)
		done.Store(0)
		p = benchPoller(st, n, &skew, &done, &bad, round)
		ctx, cancel = context.WithCancel(context.Background())
		if err := p.SetFeeds(ctx, urls); err != nil {
			b.Fatal(err)
		}
		cpu0 = processCPU()
		wg.Go(func() { p.Run(ctx) })
		<-round
		settle(p)
		steadyCPU = processCPU() - cpu0
		cancel()
		wg.Wait()

		peak = peakRSS()
		if k := bad.Load(); k > 0 {
			b.Fatalf("%d fetches failed", k)
		}
		if got := f.gets.Load(); got < int64(6*n) {
			b.Fatalf("the farm served %d requests, want at least %d", got, 6*n)
		}
		for _, fd := range p.Feeds() {
			if fd.LastStatus != ResultNotModified {
				b.Fatalf("steady round: %+v", fd)
			}
		}
		st.Close()
	}
	perFeed := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(n) }
	b.ReportMetric(first.Seconds(), "first-round-s")
	b.ReportMetric(bare.Seconds(), "bare-fetch-s")
	b.ReportMetric(first.Seconds()/bare.Seconds(), "first/bare")
	b.ReportMetric(perFeed(firstCPU), "first-cpu-ms/feed")
	b.ReportMetric(wall304.Seconds(), "304-round-s")
	b.ReportMetric(perFeed(cpu304), "304-cpu-ms/feed")
	b.ReportMetric(perFeed(steadyCPU), "steady-cpu-ms/feed")
	b.ReportMetric(perFeed(bareCPU), "bare-cpu-ms/feed")
	b.ReportMetric(perFeed(bare304CPU), "bare-304-cpu-ms/feed")
	b.ReportMetric(float64(cpu304)/float64(bareCPU), "304/bare")
	b.ReportMetric(perFeed(bareSteadyCPU), "bare-steady-cpu-ms/feed")
	b.ReportMetric(float64(steadyCPU)/float64(bareSteadyCPU), "steady/bare-steady")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
	}
}

// spread sets the feeds' next fetches one after another over the window
// from start.
func spread(tb testing.TB, st *sqlstore.DB, start time.Time, window time.Duration) {
	ctx := context.Background()
	feeds, err := st.Feeds(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for i, f := range feeds {
		f.NextFetch = start.Add(window * time.Duration(i) / time.Duration(len(feeds)))
	}
	if _, err := st.SaveFeedStates(ctx, "", feeds); err != nil {
		tb.Fatal(err)
	}
}

// settle writes what the poller learned and has not written yet.
func settle(p *Poller) { p.flush(context.Background(), p.Store.LeasesNeeded()) }

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS sets the high-water mark back to the current resident set
// (Linux 4.0 and later), so that a benchmark reports its own peak.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's high-water resident set size in bytes (Linux).
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
