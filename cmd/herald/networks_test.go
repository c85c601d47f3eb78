package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/publish/bluesky/bskyfake"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
)

// site is a news site in a test with feeds in several languages, article
// pages with og: tags and a large photo for each article.
type site struct {
	srv *httptest.Server
	mu  sync.Mutex
	// feeds holds each feed's language and items, by path ("/en/feed").
	feeds map[string]*siteFeed
	// fetches counts the fetches of each feed.
	fetches map[string]*atomic.Int64
	photo   []byte
}

type siteFeed struct {
	lang  string
	items []string
}

func newSite(t *testing.T, feeds map[string]string) *site {
	s := &site{feeds: map[string]*siteFeed{}, fetches: map[string]*atomic.Int64{}, photo: bigPhoto(t)}
	for path, lang := range feeds {
		s.feeds[path] = &siteFeed{lang: lang}
		s.fetches[path] = &atomic.Int64{}
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// bigPhoto is a photo of over a megabyte, as newsrooms publish them: more
// than Bluesky takes as a thumbnail, so herald must scale it down.
func bigPhoto(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 1400, 1000))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.IntN(256))
	}
	img.Set(0, 0, color.Black)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if b.Len() <= 1_000_000 {
		t.Fatalf("the test photo is %d bytes, not over Bluesky's limit", b.Len())
	}
	return b.Bytes()
}

// add publishes an article in the feed at path.
func (s *site) add(path, slug, title, category string, published time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	link := s.srv.URL + "/" + slug + "/"
	item := fmt.Sprintf(`<item><title>%s</title><link>%s?utm_source=rss</link><guid isPermaLink="false">%s/?p=%s</guid>
<category>%s</category><pubDate>%s</pubDate><description><![CDATA[<p>MILLBROOK — %s, officials said on Monday.</p>]]></description></item>`,
		title, link, s.srv.URL, slug, category, published.UTC().Format(time.RFC1123Z), title)
	f := s.feeds[path]
	f.items = append([]string{item}, f.items...)
	return link
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, isFeed := s.feeds[r.URL.Path]
	var body string
	if isFeed {
		body = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Valley Courier</title><link>` +
			s.srv.URL + `</link><language>` + f.lang + `</language>` + strings.Join(f.items, "\n") + `</channel></rss>`
	}
	s.mu.Unlock()
	switch {
	case isFeed:
		s.fetches[r.URL.Path].Add(1)
		etag := fmt.Sprintf(`"%x-%d"`, len(body), strings.Count(body, "<item>"))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(body))
	case strings.HasPrefix(r.URL.Path, "/img/"):
		w.Header().Set("Content-Type", "image/jpeg")
		w.Write(s.photo)
	default:
		slug := strings.Trim(r.URL.Path, "/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>%s</title>
<meta property="og:title" content="%s"><meta property="og:image" content="/img/%s.jpg"></head>
<body><article><p>MILLBROOK — A story, officials said on Monday.</p></article></body></html>`, slug, slug, slug)
	}
}

// feedFetches is how often the feed at path was fetched.
func (s *site) feedFetches(path string) int64 { return s.fetches[path].Load() }

// waitOn waits up to 30 seconds for cond, and shows herald's log when it
// does not come: the networks' tests share the machine with others.
func waitOn(t *testing.T, h *heraldProc, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\n%s", what, h.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// networks are the fake X, Bluesky and Mastodon of a test.
type networks struct {
	x     *xfake.Server
	bsky  *bskyfake.Server
	masto *mastofake.Server
	env   []string
}

const (
	bskyHandle, bskyPassword = "courier.bsky.social", "abcd-efgh-ijkl-mnop"
	mastoToken               = "mastodon-token-e2e-0123456789"
)

func fakeNetworks(t *testing.T, bsky bskyfake.Options) *networks {
	fx, xsrv := fakeX(t)
	bsky.Handle, bsky.Password = bskyHandle, bskyPassword
	n := &networks{x: fx, bsky: bskyfake.New(bsky), masto: mastofake.New(mastofake.Options{Token: mastoToken, Username: "courier"})}
	bsrv := httptest.NewServer(n.bsky)
	msrv := httptest.NewServer(n.masto)
	t.Cleanup(bsrv.Close)
	t.Cleanup(msrv.Close)
	n.env = []string{
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
		"HERALD_BLUESKY_SERVICE=" + bsrv.URL, "HERALD_BLUESKY_HANDLE=" + bskyHandle, "HERALD_BLUESKY_APP_PASSWORD=" + bskyPassword,
		"HERALD_MASTODON_SERVER=" + msrv.URL, "HERALD_MASTODON_TOKEN=" + mastoToken,
	}
	return n
}

// TestThreeNetworks: with the credentials of X, Bluesky and Mastodon set,
// one article from a feed is posted once to each: to Bluesky with valid
// facets, its language and a link card whose picture herald scaled under
// the 1,000,000 bytes Bluesky takes. An expired Bluesky session is
// refreshed, and neither that nor a restart logs in again. A Mastodon
// answer lost after the status was made makes no second status.
func TestThreeNetworks(t *testing.T) {
	threeNetworks(t, filepath.Join(t.TempDir(), "herald.db"))
}

// TestThreeNetworksPostgres is the same on PostgreSQL, where the Bluesky
// session lives for every replica.
func TestThreeNetworksPostgres(t *testing.T) {
	threeNetworks(t, pgtest.Schema(t))
}

func threeNetworks(t *testing.T, database string) {
	room := newSite(t, map[string]string{"/feed": "en-GB"})
	room.add("/feed", "budget", "Council approves budget", "Politics", time.Now().Add(-time.Hour))
	n := fakeNetworks(t, bskyfake.Options{})
	env := append([]string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + database,
		"HERALD_POLL_INTERVAL=1s",
		"HERALD_LISTEN=127.0.0.1:0",
		"HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_ALLOW_PRIVATE_URLS=true", // the newsroom's pictures are on loopback
		// A publish call may take 30 seconds, half of them for the
		// picture, which takes long to scale under the race detector.
		"HERALD_SHUTDOWN_TIMEOUT=32s",
	}, n.env...)
	h := startHerald(t, env)
	waitOn(t, h, "two feed fetches", func() bool { return room.feedFetches("/feed") >= 2 })
	if n.x.Calls() != 0 || len(n.bsky.Posts()) != 0 || len(n.masto.Statuses()) != 0 {
		t.Fatalf("the backlog was posted\n%s", h.log)
	}

	published := time.Now()
	link := room.add("/feed", "clinic", "New health clinic opens on Main Street", "Health", published)
	everywhere := func() bool { return len(n.x.Posts()) >= 1 && len(n.bsky.Posts()) >= 1 && len(n.masto.Statuses()) >= 1 }
	waitOn(t, h, "the article on X, Bluesky and Mastodon", everywhere)
	t.Logf("the article reached all three networks %s after the feed had it (polling every second)", time.Since(published).Round(time.Millisecond))
	seen := room.feedFetches("/feed")
	waitOn(t, h, "two more fetches", func() bool { return room.feedFetches("/feed") >= seen+2 })

	if xs := n.x.Posts(); len(xs) != 1 || !strings.Contains(xs[0].Text, link) || strings.Contains(xs[0].Text, "utm_source") {
		t.Errorf("X: %+v", xs)
	}
	bs := n.bsky.Posts()
	if len(bs) != 1 {
		t.Fatalf("Bluesky has %d posts", len(bs))
	}
	rec := bs[0].Record
	if !strings.Contains(rec.Text, "New health clinic opens on Main Street") || !strings.Contains(rec.Text, link) {
		t.Errorf("Bluesky post %q", rec.Text)
	}
	if !slices.Equal(rec.Langs, []string{"en-GB"}) {
		t.Errorf("Bluesky langs %q, want the feed's en-GB", rec.Langs)
	}
	linked := false
	for _, f := range rec.Facets {
		for _, ft := range f.Features {
			linked = linked || (ft.URI == link && rec.Text[f.Index.ByteStart:f.Index.ByteEnd] == link)
		}
	}
	if !linked {
		t.Errorf("no link facet over %s: %+v", link, rec.Facets)
	}
	e := rec.Embed
	if e == nil || e.External == nil || *e.External.URI != link || *e.External.Title != "New health clinic opens on Main Street" ||
		!strings.Contains(*e.External.Description, "New health clinic opens on Main Street, officials said") || e.External.Thumb == nil {
		t.Fatalf("Bluesky card: %+v", e)
	}
	thumb, ok := n.bsky.Blob(e.External.Thumb.Ref.Link)
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb)); !ok || err != nil || format != "jpeg" || len(thumb) > 1_000_000 || cfg.Width < 300 {
		t.Errorf("the card's picture: %d bytes, %s %dx%d, %v", len(thumb), format, cfg.Width, cfg.Height, err)
	}
	ms := n.masto.Statuses()
	if len(ms) != 1 || ms[0].Language != "en" || !strings.Contains(ms[0].Text, link) || ms[0].Visibility != "public" {
		t.Errorf("Mastodon: %+v", ms)
	}
	if got := n.bsky.Logins(); got != 1 {
		t.Errorf("%d Bluesky logins, want 1", got)
	}

	// Bluesky's access token expires: herald refreshes the session, and
	// does not log in again.
	n.bsky.ExpireAccessTokens()
	room.add("/feed", "bridge", "Bridge repairs begin", "Roads", time.Now())
	waitOn(t, h, "the second article on Bluesky", func() bool { return len(n.bsky.Posts()) >= 2 })
	if n.bsky.Logins() != 1 || n.bsky.Refreshes() < 1 {
		t.Errorf("after the token expired: %d logins, %d refreshes; want 1 login and a refresh", n.bsky.Logins(), n.bsky.Refreshes())
	}

	// Mastodon made the status but its answer was lost: the retry, with
	// the same Idempotency-Key, gets that status back.
	waitOn(t, h, "the second article on Mastodon", func() bool { return len(n.masto.Statuses()) >= 2 })
	n.masto.CutNext(1)
	room.add("/feed", "festival", "Harvest festival returns", "Culture", time.Now())
	published3 := func() bool {
		return strings.Count(h.log.String(), `msg="post published" destination=mastodon`) == 3
	}
	waitOn(t, h, "the third article published on Mastodon", published3)
	if ms := n.masto.Statuses(); len(ms) != 3 {
		t.Errorf("%d statuses after a lost answer, want 3 (one for each article)\n%s", len(ms), h.log)
	}
	h.stop(t)

	// A restart on the same database resumes Bluesky's session, and posts
	// nothing again.
	before := room.feedFetches("/feed")
	h2 := startHerald(t, env)
	waitOn(t, h2, "two fetches after restart", func() bool { return room.feedFetches("/feed") >= before+2 })
	room.add("/feed", "library", "Library extends opening hours", "Local", time.Now())
	waitOn(t, h2, "the fourth article everywhere", func() bool {
		return len(n.x.Posts()) == 4 && len(n.bsky.Posts()) == 4 && len(n.masto.Statuses()) == 4
	})
	time.Sleep(300 * time.Millisecond)
	if n.bsky.Logins() != 1 {
		t.Errorf("%d Bluesky logins after a restart, want 1\n%s", n.bsky.Logins(), h2.log)
	}
	if len(n.x.Posts()) != 4 || len(n.bsky.Posts()) != 4 || len(n.masto.Statuses()) != 4 {
		t.Errorf("after restart: %d, %d, %d posts; want 4 each", len(n.x.Posts()), len(n.bsky.Posts()), len(n.masto.Statuses()))
	}
	for _, secret := range []string{bskyPassword, mastoToken, cs, as} {
		if strings.Contains(h.log.String()+h2.log.String(), secret) {
			t.Errorf("a log shows the secret %q", secret)
		}
	}
}

// TestDestinationsFile routes by feed, category and language: two X
// accounts (English and Arabic), Bluesky for one section in either
// language, Mastodon for the Arabic feed; the English X account's links
// carry its UTM parameters.
func TestDestinationsFile(t *testing.T) {
	room := newSite(t, map[string]string{"/en/feed": "en", "/ar/feed": "ar"})
	n := fakeNetworks(t, bskyfake.Options{})
	// The Arabic X account is another app's keys, on a second fake X.
	arX := xfake.New(xfake.Options{ConsumerKey: "ck-ar", ConsumerSecret: "cs-ar-secret", AccessToken: "at-ar", AccessSecret: "as-ar-secret", Username: "courier_ar"})
	arSrv := httptest.NewServer(arX)
	t.Cleanup(arSrv.Close)
	file := filepath.Join(t.TempDir(), "destinations.yaml")
	if err := os.WriteFile(file, []byte(`destinations:
  - name: x-english
    network: x
    feeds: [`+room.srv.URL+`/en/feed]
    languages: [en]
    utm: utm_source=x&utm_medium=social
  - name: x-arabic
    network: x
    credentials: HERALD_X_AR
    languages: [ar]
    template: "{{.Title}} {{.URL}}"
  - name: bluesky
    network: bluesky
    categories: [kurdistan]
  - name: mastodon
    network: mastodon
    feeds: [`+room.srv.URL+`/ar/feed/]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append([]string{
		"HERALD_FEEDS=" + room.srv.URL + "/en/feed," + room.srv.URL + "/ar/feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_ALLOW_PRIVATE_URLS=true",
		"HERALD_DESTINATIONS_FILE=" + file,
		"HERALD_X_AR_API_URL=" + arSrv.URL,
		"HERALD_X_AR_CONSUMER_KEY=ck-ar", "HERALD_X_AR_CONSUMER_SECRET=cs-ar-secret",
		"HERALD_X_AR_ACCESS_TOKEN=at-ar", "HERALD_X_AR_ACCESS_SECRET=as-ar-secret",
	}, n.env...)
	h := startHerald(t, env)
	waitOn(t, h, "both feeds read", func() bool {
		return room.feedFetches("/en/feed") >= 2 && room.feedFetches("/ar/feed") >= 2
	})
	now := time.Now()
	budget := room.add("/en/feed", "budget", "Council approves budget", "Politics", now)
	border := room.add("/en/feed", "border", "Border crossing reopens", "Kurdistan", now)
	schools := room.add("/ar/feed", "schools", "إعادة فتح المدارس في كوباني", "Kurdistan", now)
	waitOn(t, h, "every post", func() bool {
		return len(n.x.Posts()) >= 2 && len(arX.Posts()) >= 1 && len(n.bsky.Posts()) >= 2 && len(n.masto.Statuses()) >= 1
	})
	seen := room.feedFetches("/en/feed")
	waitOn(t, h, "two more fetches", func() bool { return room.feedFetches("/en/feed") >= seen+2 })

	texts := func(ts []string) string { slices.Sort(ts); return strings.Join(ts, "\n---\n") }
	var xEN, xAR, bsky, masto []string
	for _, p := range n.x.Posts() {
		xEN = append(xEN, p.Text)
	}
	for _, p := range arX.Posts() {
		xAR = append(xAR, p.Text)
	}
	for _, p := range n.bsky.Posts() {
		bsky = append(bsky, p.Record.Text+" langs="+strings.Join(p.Record.Langs, ","))
	}
	for _, s := range n.masto.Statuses() {
		masto = append(masto, s.Text+" language="+s.Language)
	}
	utm := "?utm_source=x&utm_medium=social"
	for _, c := range []struct {
		who   string
		got   []string
		want  []string
		count int
	}{
		{"x-english", xEN, []string{budget + utm, border + utm}, 2},
		{"x-arabic", xAR, []string{"إعادة فتح المدارس في كوباني " + schools}, 1},
		{"bluesky", bsky, []string{border, schools, "langs=en", "langs=ar"}, 2},
		{"mastodon", masto, []string{schools, "language=ar"}, 1},
	} {
		all := texts(c.got)
		if len(c.got) != c.count {
			t.Errorf("%s got %d posts, want %d:\n%s", c.who, len(c.got), c.count, all)
		}
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s lacks %q:\n%s", c.who, w, all)
			}
		}
	}
	if strings.Contains(texts(bsky)+texts(masto)+texts(xAR), "utm_") {
		t.Error("UTM parameters of x-english on another destination's link")
	}
	if f := arX.AuthFailures(); len(f) != 0 {
		t.Errorf("the Arabic account's signature failures: %q", f)
	}
	if log := h.log.String(); strings.Contains(log, "cs-ar-secret") || strings.Contains(log, "as-ar-secret") {
		t.Error("the log shows a secret read under a credentials prefix")
	}

}

// TestSIGHUPReloadsDestinations: SIGHUP rereads the destinations file. A
// change of routing or rules is taken; a file with a mistake, or one that
// adds a destination, is refused with its line, and the file in use stays.
func TestSIGHUPReloadsDestinations(t *testing.T) {
	bin := buildHerald(t)
	room := newNewsroom(t)
	fx, xsrv := fakeX(t)
	file := filepath.Join(t.TempDir(), "destinations.yaml")
	write := func(yaml string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("destinations:\n  - {name: x-english, network: x, categories: [Sport]}\n")
	log := &syncBuffer{}
	cmd := exec.Command(bin, "run")
	cmd.Env = []string{"HERALD_FEEDS=" + room.srv.URL + "/feed", "HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_DESTINATIONS_FILE=" + file, "HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs, "HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	waitFor(t, "two fetches", 15*time.Second, func() bool { return room.requests.Load() >= 2 })
	room.add("budget", "Council approves budget", time.Now())
	seen := room.requests.Load()
	waitFor(t, "two more fetches", 15*time.Second, func() bool { return room.requests.Load() >= seen+2 })
	if fx.Calls() != 0 {
		t.Fatal("an article outside the destination's categories was posted")
	}

	// The routing changes: the next article is posted.
	write("destinations:\n  - {name: x-english, network: x}\n")
	cmd.Process.Signal(syscall.SIGHUP)
	waitFor(t, "the reload", 15*time.Second, func() bool { return strings.Contains(log.String(), "destinations file reloaded") })
	room.add("bridge", "Bridge repairs begin", time.Now())
	waitFor(t, "the next article on X", 15*time.Second, func() bool { return len(fx.Posts()) == 1 })

	// A mistake, then a new destination: refused, each with its line.
	for _, c := range []struct{ yaml, want string }{
		{"destinations:\n  - {name: x-english, network: x, daily_cap: ten}\n", `destination \"x-english\": daily_cap: \"ten\" is not a number`},
		{"destinations:\n  - {name: x-english, network: x}\n  - {name: x-two, network: x, credentials: HERALD_X}\n", "is already the credentials of destination"},
	} {
		before := strings.Count(log.String(), "destinations file not reloaded")
		write(c.yaml)
		cmd.Process.Signal(syscall.SIGHUP)
		waitFor(t, "the refused reload", 15*time.Second, func() bool {
			return strings.Count(log.String(), "destinations file not reloaded; keeping the one in use") > before
		})
		if !strings.Contains(log.String(), c.want) {
			t.Errorf("the log lacks %q:\n%s", c.want, log)
		}
	}
	room.add("festival", "Harvest festival returns", time.Now())
	waitFor(t, "the file in use still posts", 15*time.Second, func() bool { return len(fx.Posts()) == 2 })
}

// TestRefusedDestinationHoldsUpNoOther: Mastodon refuses its token at start,
// so mastodon is paused before any post is tried and says why; X and
// Bluesky go on posting.
func TestRefusedDestinationHoldsUpNoOther(t *testing.T) {
	room := newSite(t, map[string]string{"/feed": "en"})
	n := fakeNetworks(t, bskyfake.Options{})
	env := append([]string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_ALLOW_PRIVATE_URLS=true",
	}, n.env...)
	for i, kv := range env {
		if strings.HasPrefix(kv, "HERALD_MASTODON_TOKEN=") {
			env[i] = "HERALD_MASTODON_TOKEN=not-the-token-0123456789"
		}
	}
	h := startHerald(t, env)
	waitOn(t, h, "mastodon paused at start", func() bool {
		log := h.log.String()
		return strings.Contains(log, "the platform refused the credentials at start: destination paused") &&
			strings.Contains(log, "check HERALD_MASTODON_TOKEN")
	})
	waitOn(t, h, "two fetches", func() bool { return room.feedFetches("/feed") >= 2 })
	room.add("/feed", "clinic", "New health clinic opens on Main Street", "Health", time.Now())
	waitOn(t, h, "the article on X and Bluesky", func() bool { return len(n.x.Posts()) == 1 && len(n.bsky.Posts()) == 1 })
	if len(n.masto.Statuses()) != 0 {
		t.Error("a status was posted with a token Mastodon refused")
	}
	if log := h.log.String(); strings.Contains(log, "not-the-token-0123456789") {
		t.Error("the log shows the token")
	}
}

// TestCheckEveryDestination: herald check proves each destination's
// credentials; a Bluesky login it makes is kept for herald run.
func TestCheckEveryDestination(t *testing.T) {
	room := newSite(t, map[string]string{"/feed": "en"})
	n := fakeNetworks(t, bskyfake.Options{})
	db := filepath.Join(t.TempDir(), "h.db")
	env := append([]string{"HERALD_FEEDS=" + room.srv.URL + "/feed", "HERALD_DATABASE=" + db}, n.env...)
	var out, errb bytes.Buffer
	if code := run(t.Context(), []string{"check"}, env, &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{
		"ok   X (v2): the credentials belong to @valleycourier",
		"ok   Bluesky: the credentials belong to @" + bskyHandle,
		"ok   Mastodon: the token belongs to @courier; posts of up to 500 characters, links counting 23",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if code := run(t.Context(), []string{"check"}, env, &out, &errb); code != 0 || n.bsky.Logins() != 1 {
		t.Errorf("a second check: exit %d, %d Bluesky logins; want 0 and 1\n%s", code, n.bsky.Logins(), out.String())
	}
	bad := append(slices.Clone(env), "HERALD_BLUESKY_APP_PASSWORD=wrong-pass-word")
	bad = slices.DeleteFunc(bad, func(kv string) bool { return kv == "HERALD_BLUESKY_APP_PASSWORD="+bskyPassword })
	bad = append(bad, "HERALD_DATABASE="+filepath.Join(t.TempDir(), "other.db"))
	out.Reset()
	if code := run(t.Context(), []string{"check"}, bad, &out, &errb); code != 1 ||
		!strings.Contains(out.String(), "FAIL Bluesky: Bluesky refused the handle or app password") ||
		strings.Contains(out.String(), "wrong-pass-word") {
		t.Errorf("a wrong app password: exit %d\n%s", code, out.String())
	}
}
