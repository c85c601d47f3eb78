package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/rivo/uniseg"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/xtext"
)

// The dashboard in a real browser: headless Chromium against a herald web
// server over a real store and dispatcher, reading articles from a local
// site. HERALD_SCREENSHOT=1 also writes docs/dashboard.png.

// chromium finds the browser, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skip("browser tests skipped: Chromium is not installed (no /usr/bin/chromium, no chromium on PATH); " +
		"install it with .ci/chromium.sh (Debian: apt-get install chromium)")
	return ""
}

// articlePage is an article on the newsroom's site, as herald reads it.
const articlePage = `<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Walk-in clinic opens on Mill Road | The Valley Courier</title>
<link rel="canonical" href="https://www.valleycourier.co.uk/2026/11/25/walk-in-clinic-opens-on-mill-road/">
<meta property="og:title" content="Walk-in clinic opens on Mill Road">
<meta property="og:description" content="Eastfield’s first walk-in clinic opened on Monday, with eight doctors and evening hours for families who cannot see a GP during the day.">
</head><body><article><h1>Walk-in clinic opens on Mill Road</h1>
<p>Eastfield’s first walk-in clinic opened on Monday, with eight doctors and evening hours for families who cannot see a GP during the day.</p>
<p>The clinic takes patients without an appointment from 8am to 10pm.</p></article></body></html>`

// xTimeline publishes to the local timeline, with a link like X's so the
// timeline shows "View on X".
type xTimeline struct{ *local.Publisher }

func (p xTimeline) Publish(ctx context.Context, m news.Message) (news.Published, error) {
	res, err := p.Publisher.Publish(ctx, m)
	if err == nil {
		res.URL = "https://x.com/valleycourier/status/" + strings.TrimPrefix(res.RemoteID, "local-")
	}
	return res, err
}

type browserHerald struct {
	url  string
	st   store.Store
	d    *outbox.Dispatcher
	page string // the article's address
}

func startHerald(t *testing.T) *browserHerald {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(articlePage))
	}))
	t.Cleanup(site.Close)

	log := slog.New(slog.DiscardHandler)
	composer, err := compose.New("", xtext.MaxWeightedLength, nil)
	if err != nil {
		t.Fatal(err)
	}
	bsky, err := compose.NewFor(compose.Bluesky(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ing := &ingest.Ingester{Store: st, Targets: []ingest.Target{{Name: "x", Compose: composer.Article}, {Name: "bluesky", Compose: bsky.Article}},
		Pages: fetch.New(fetch.Options{AllowPrivate: true}), Log: log}
	d := outbox.New(st, []outbox.Publisher{xTimeline{local.New("x")}, local.New("bluesky")}, outbox.Options{
		MaxAge: 24 * time.Hour, Log: log, Articles: ing,
		Destinations: map[string]outbox.Destination{"x": {Network: "x", Text: compose.X(), MinInterval: 2 * time.Minute, DailyCap: 40,
			Cost: &outbox.Cost{Post: 0.015, LinkPost: 0.20, MonthlyBudget: 100}},
			"bluesky": {Network: "bluesky", Text: compose.Bluesky()}},
	})
	now := time.Now()
	feeds := fakeFeeds{
		{URL: "https://www.valleycourier.co.uk/feed/", Title: "The Valley Courier", LastFetch: now.Add(-40 * time.Second), LastSuccess: now.Add(-40 * time.Second),
			LastStatus: "not-modified", NextFetch: now.Add(80 * time.Second), Articles: 214},
		{URL: "https://www.valleycourier.co.uk/sport/feed/", Title: "Courier Sport", LastFetch: now.Add(-70 * time.Second), LastSuccess: now.Add(-70 * time.Second),
			LastStatus: "ok", NextFetch: now.Add(50 * time.Second), Articles: 63},
	}
	srv := httptest.NewServer(New(Options{
		Store: st, Feeds: feeds, Status: d.Status, Log: log, Title: "The Valley Courier",
		Tokens: map[string]string{editorToken: editorName}, Editor: d,
	}))
	t.Cleanup(srv.Close)
	return &browserHerald{url: srv.URL, st: st, d: d, page: site.URL + "/2026/11/25/walk-in-clinic-opens-on-mill-road/?utm_source=newsletter"}
}

func TestBrowser(t *testing.T) {
	path := chromium(t)
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	h := startHerald(t)

	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	deadline, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		must(err)
		return s
	}
	// submit clicks a button that sends a form and waits for the page that
	// answers.
	submit := func(sel string) *network.Response {
		t.Helper()
		resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
		must(err)
		return resp
	}
	// counted waits until the live counter under a text box has counted
	// what the box holds now, and returns the number it shows and the text.
	counted := func(box, counter string) (int, string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
			`document.querySelector(%q).countedText === document.querySelector(%q).value`, counter, box),
			chromedp.WithPollingTimeout(15*time.Second)))
		must(err)
		shown := text(counter + " .n")
		n, err := strconv.Atoi(shown)
		if err != nil {
			t.Fatalf("the counter shows %q", shown)
		}
		value, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(box)))
		must(err)
		return n, value
	}

	t.Run("sign in", func(t *testing.T) {
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/queue")))
		loc, err := chromedp.Run(ctx, chromedp.Location())
		must(err)
		if !strings.Contains(loc, "/signin?next=") {
			t.Fatalf("signed out, /queue went to %s", loc)
		}
		must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("token"), editorToken)))
		if resp := submit(`form[action="/signin"] button`); resp.Status != 200 || !strings.HasSuffix(resp.URL, "/queue") {
			t.Fatalf("sign-in answered %d at %s", resp.Status, resp.URL)
		}
		if who := text(".who"); !strings.Contains(who, "Signed in as "+editorName) {
			t.Fatalf("after sign-in the header says %q", who)
		}
	})

	t.Run("compose from a URL, count, post, publish", func(t *testing.T) {
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/compose"), chromedp.SendKeys(chromedp.ID("url"), h.page)))
		if resp := submit(`form[action="/compose"] button`); resp.Status != 200 {
			t.Fatalf("reading the article answered %d", resp.Status)
		}
		value, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("compose-text-x")))
		must(err)
		if !strings.HasPrefix(value, "Walk-in clinic opens on Mill Road\n\nEastfield’s first walk-in clinic") ||
			!strings.HasSuffix(value, "https://www.valleycourier.co.uk/2026/11/25/walk-in-clinic-opens-on-mill-road/") {
			t.Fatalf("the composed post is %q", value)
		}
		// The count the server wrote into the page is X's.
		if shown := text("#compose-count-x .n"); shown != strconv.Itoa(xtext.WeightedLength(value)) {
			t.Errorf("the page shows %s for a text of weighted length %d", shown, xtext.WeightedLength(value))
		}
		// Typing updates it live.
		must(chromedp.Do(ctx, chromedp.Focus(chromedp.ID("compose-text-x")),
			chromedp.Evaluate[chromedp.Void](`(t => t.setSelectionRange(0, 0))(document.getElementById('compose-text-x'))`),
			chromedp.KeyEvent("Clinic news 🏥 "),
		))
		n, value := counted("#compose-text-x", "#compose-count-x")
		if !strings.HasPrefix(value, "Clinic news 🏥 Walk-in") || n != xtext.WeightedLength(value) {
			t.Errorf("after typing, the counter shows %d for %q (weighted length %d)", n, value, xtext.WeightedLength(value))
		}
		// Over X's limit it says so.
		must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("compose-text-x"), strings.Repeat("long ", 40))))
		n, long := counted("#compose-text-x", "#compose-count-x")
		over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#compose-count-x').classList.contains('over') &&
			document.querySelector('#compose-text-x').getAttribute('aria-invalid') === 'true'`))
		must(err)
		if n != xtext.WeightedLength(long) || n <= xtext.MaxWeightedLength || !over {
			t.Errorf("over the limit the counter shows %d (over: %v) for weighted length %d", n, over, xtext.WeightedLength(long))
		}
		must(chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("compose-text-x"), value),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('compose-text-x').dispatchEvent(new Event('input'))`)))
		if n, _ := counted("#compose-text-x", "#compose-count-x"); n != xtext.WeightedLength(value) {
			t.Errorf("back under the limit the counter shows %d", n)
		}
		// Bluesky's text has its own box, counted as Bluesky counts: an
		// emoji is one grapheme, where X counts it as two.
		must(chromedp.Do(ctx, chromedp.Focus(chromedp.ID("compose-text-bluesky")),
			chromedp.Evaluate[chromedp.Void](`(t => t.setSelectionRange(0, 0))(document.getElementById('compose-text-bluesky'))`),
			chromedp.KeyEvent("🏥 "),
		))
		nb, bskyValue := counted("#compose-text-bluesky", "#compose-count-bluesky")
		if !strings.HasPrefix(bskyValue, "🏥 Walk-in") || nb != uniseg.GraphemeClusterCount(bskyValue) || nb == xtext.WeightedLength(bskyValue) {
			t.Errorf("Bluesky's counter shows %d for %q (%d graphemes)", nb, bskyValue, uniseg.GraphemeClusterCount(bskyValue))
		}
		if limit := text("#compose-count-bluesky .limit"); limit != "300" {
			t.Errorf("Bluesky's limit shows %q", limit)
		}

		if resp := submit(`button[name="when"][value="now"]`); resp.Status != 200 || !strings.HasSuffix(resp.URL, "/queue") {
			t.Fatalf("posting answered %d at %s", resp.Status, resp.URL)
		}
		if flash := text(".flash"); !strings.Contains(flash, "to x") || !strings.Contains(flash, "to bluesky") || !strings.Contains(flash, "are queued to go now") {
			t.Errorf("after posting the page says %q", flash)
		}
		h.d.Step(ctx)
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/")))
		texts, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`Object.fromEntries([...document.querySelectorAll('.timeline article.card')].map(
			a => [a.querySelector('.dest').textContent, a.querySelector('.text').innerText]))`))
		must(err)
		if texts["x"] != value || texts["bluesky"] != bskyValue {
			t.Errorf("the timeline shows %q, want x %q and bluesky %q", texts, value, bskyValue)
		}
		href, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(".timeline article.card .link a"), "href"))
		must(err)
		if !strings.HasPrefix(href.Value, "https://x.com/valleycourier/status/") {
			t.Errorf("View on X links to %q", href.Value)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.timeline article.card .text a')].map(a => a.href)`))
		must(err)
		if len(links) != 2 || links[0] != links[1] || links[0] != "https://www.valleycourier.co.uk/2026/11/25/walk-in-clinic-opens-on-mill-road/" {
			t.Errorf("links in the post: %q", links)
		}
	})

	t.Run("a text of one's own, counted for each destination", func(t *testing.T) {
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/compose"), chromedp.Focus(chromedp.ID("compose-text")),
			chromedp.KeyEvent("Road closed 🚧 https://www.valleycourier.co.uk/2026/11/25/road/")))
		nx, value := counted("#compose-text", "#compose-count")
		nb, _ := counted("#compose-text", "#compose-count-bluesky")
		if nx != xtext.WeightedLength(value) || nb != uniseg.GraphemeClusterCount(value) || nx == nb {
			t.Errorf("X counts %d (want %d), Bluesky %d (want %d) for %q", nx, xtext.WeightedLength(value), nb, uniseg.GraphemeClusterCount(value), value)
		}
	})

	t.Run("approve and reject", func(t *testing.T) {
		now := time.Now()
		pending := func(slug, title string) *news.Post {
			u := "https://www.valleycourier.co.uk/2026/11/25/" + slug + "/"
			a := &news.Article{GUID: u, URL: u, Key: strings.TrimPrefix(u, "https://www."), Title: title, Seen: now, Published: now}
			p := &news.Post{Destination: "x", Text: title + "\n\n" + u, Status: news.StatusPending, SortAt: now, NotBefore: now, CreatedAt: now, HasLink: true}
			if _, err := h.st.AddArticle(context.Background(), a, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		keep := pending("school-meals-free-from-september", "School meals to be free from September")
		drop := pending("rumour-about-the-mayor", "Unconfirmed: the mayor to stand down")
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/pending")))
		submit(fmt.Sprintf(`#post-%d button[data-action="approve"]`, keep.ID))
		submit(fmt.Sprintf(`#post-%d button[data-action="reject"]`, drop.ID))
		for _, c := range []struct {
			p    *news.Post
			want news.Status
		}{{keep, news.StatusQueued}, {drop, news.StatusCanceled}} {
			p, err := h.st.Post(context.Background(), c.p.ID)
			must(err)
			if p.Status != c.want {
				t.Errorf("post %d is %s, want %s", p.ID, p.Status, c.want)
			}
			hist, err := h.st.History(context.Background(), p.ID)
			must(err)
			if last := hist[len(hist)-1]; last.Actor != editorName {
				t.Errorf("post %d was moved by %q", p.ID, last.Actor)
			}
		}
		if flash := text(".flash"); !strings.Contains(flash, "rejected") {
			t.Errorf("after rejecting the page says %q", flash)
		}
	})

	t.Run("pause and resume", func(t *testing.T) {
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/status")))
		submit("#pause-all")
		if paused, err := h.d.Paused(context.Background()); err != nil || !paused {
			t.Fatalf("after Pause, Paused() = %v, %v", paused, err)
		}
		if state := text("#auto-state"); !strings.HasPrefix(state, "Paused") {
			t.Errorf("the status page says %q", state)
		}
		submit("#resume-all")
		if paused, err := h.d.Paused(context.Background()); err != nil || paused {
			t.Fatalf("after Resume, Paused() = %v, %v", paused, err)
		}
		if state := text("#auto-state"); !strings.HasPrefix(state, "Running") {
			t.Errorf("the status page says %q", state)
		}
	})

	if os.Getenv("HERALD_SCREENSHOT") == "" {
		return
	}
	t.Run("screenshot", func(t *testing.T) {
		seedNewsroom(t, h)
		must(chromedp.Do(ctx, chromedp.Navigate(h.url+"/")))
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(err)
		out := filepath.Join("..", "..", "docs", "dashboard.png")
		must(os.MkdirAll(filepath.Dir(out), 0o755))
		must(os.WriteFile(out, png, 0o644))
		t.Logf("wrote %s", out)
	})
}

// seedNewsroom gives the dashboard a newsroom's afternoon, for the
// screenshot.
func seedNewsroom(t *testing.T, h *browserHerald) {
	ctx := context.Background()
	now := time.Now()
	published := []struct {
		ago  time.Duration
		text string
	}{
		{9 * time.Minute, "Flood defences hold as the Avon peaks overnight\n\nThe river reached 4.2 metres at Bathford before falling back; no homes were flooded.\n\nhttps://www.valleycourier.co.uk/2026/11/25/flood-defences-hold/"},
		{31 * time.Minute, "Council approves £2.4m for the new Eastfield library\n\nBuilding work starts in March and the library is due to open in autumn 2027.\n\nhttps://www.valleycourier.co.uk/2026/11/25/eastfield-library-approved/"},
		{58 * time.Minute, "Valley Rovers reach the FA Trophy third round after a 2–1 win at Weymouth 🎉\n\nhttps://www.valleycourier.co.uk/sport/2026/11/25/rovers-trophy-win/"},
		{2*time.Hour + 4*time.Minute, "Bus fares frozen until 2028, the combined authority says\n\nSingle fares stay at £2 on every route in the valley.\n\nhttps://www.valleycourier.co.uk/2026/11/25/bus-fares-frozen/"},
	}
	for _, p := range published {
		post := &news.Post{Destination: "x", Text: p.text, Status: news.StatusQueued, SortAt: now.Add(-p.ago), NotBefore: now.Add(-p.ago), CreatedAt: now.Add(-p.ago), HasLink: true}
		if err := h.st.AddPost(ctx, post); err != nil {
			t.Fatal(err)
		}
		if _, err := h.st.Transition(ctx, post.ID, []news.Status{news.StatusQueued}, news.StatusPublished, "published", "dispatcher", now.Add(-p.ago),
			func(q *news.Post) {
				q.RemoteID = strconv.FormatInt(1861500000000000000+post.ID, 10)
				q.RemoteURL, q.PublishedAt = "https://x.com/valleycourier/status/"+q.RemoteID, now.Add(-p.ago)
			}); err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range []string{
		"Roadworks close the A36 at Limpley Stoke from Monday for three weeks\n\nhttps://www.valleycourier.co.uk/2026/11/25/a36-roadworks/",
		"Christmas market returns to Abbey Green with 120 stalls\n\nhttps://www.valleycourier.co.uk/2026/11/25/christmas-market/",
	} {
		post := &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, SortAt: now.Add(time.Duration(i) * time.Minute),
			NotBefore: now.Add(time.Duration(i) * time.Minute), CreatedAt: now, HasLink: true}
		if err := h.st.AddPost(ctx, post); err != nil {
			t.Fatal(err)
		}
	}
}
