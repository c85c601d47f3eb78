package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/source/websub/hubfake"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
)

// pushroom is a newsroom whose feed names a WebSub hub, as WordPress.com's
// do: its feed (/feed/) lists the stories added to it, its article pages
// (/{slug}/) exist from the moment a story is written, and publishing pings
// the hub, which fetches the feed and pushes it to its subscribers.
type pushroom struct {
	srv     *httptest.Server
	hub     *hubfake.Hub
	hubAddr string
	polls   atomic.Int64 // herald's fetches of the feed

	mu     sync.Mutex
	titles map[string]string
	items  []string
}

func newPushroom(tb testing.TB) *pushroom {
	r := &pushroom{titles: map[string]string{}}
	r.hub = hubfake.New(hubfake.Options{})
	hubSrv := httptest.NewServer(r.hub)
	tb.Cleanup(hubSrv.Close)
	r.hubAddr = hubSrv.URL + "/"
	r.hub.SetURL(r.hubAddr)
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	tb.Cleanup(r.srv.Close)
	return r
}

func (r *pushroom) feedURL() string { return r.srv.URL + "/feed/" }

func (r *pushroom) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.URL.Path == "/feed/" {
		if strings.HasPrefix(req.UserAgent(), "herald/") {
			r.polls.Add(1)
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>Valley Courier</title><link>%s/</link><atom:link rel="self" href="%s" type="application/rss+xml"/>
<atom:link rel="hub" href="%s"/>%s</channel></rss>`,
			r.srv.URL, r.feedURL(), r.hubAddr, strings.Join(r.items, "\n"))
		return
	}
	slug := strings.Trim(req.URL.Path, "/")
	title, ok := r.titles[slug]
	if !ok {
		http.NotFound(w, req)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><html><head><title>%[1]s</title><meta property="og:title" content="%[1]s">
<meta property="og:description" content="MILLBROOK — %[1]s, officials said on Monday."></head><body><p>MILLBROOK — %[1]s, officials said on Monday.</p></body></html>`, title)
}

// write puts a story's page on the site without listing it in the feed, as
// a CMS does the moment an editor presses publish.
func (r *pushroom) write(slug, title string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.titles[slug] = title
	return r.srv.URL + "/" + slug + "/"
}

// list adds a written story to the top of the feed, which holds the
// newest 20, as WordPress's holds 10 by default.
func (r *pushroom) list(slug string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	defer func() { r.items = r.items[:min(len(r.items), 20)] }()
	r.items = append([]string{fmt.Sprintf(`<item><title>%s</title><link>%s/%s/?utm_source=rss&amp;utm_medium=rss</link>
<guid isPermaLink="false">%s/?p=%s</guid><pubDate>%s</pubDate><description><![CDATA[<p>MILLBROOK — %s, officials said on Monday.</p>]]></description></item>`,
		r.titles[slug], r.srv.URL, slug, r.srv.URL, slug, time.Now().UTC().Format(time.RFC1123Z), r.titles[slug])}, r.items...)
}

// publish writes a story, lists it and pings the hub, as WordPress's WebSub
// plugin does on publishing.
func (r *pushroom) publish(tb testing.TB, slug, title string) {
	tb.Helper()
	r.write(slug, title)
	r.list(slug)
	r.ping(tb)
}

func (r *pushroom) ping(tb testing.TB) {
	tb.Helper()
	resp, err := http.PostForm(r.hubAddr, url.Values{"hub.mode": {"publish"}, "hub.url": {r.feedURL()}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		tb.Fatalf("hub ping: %d", resp.StatusCode)
	}
}

// freeAddr returns a loopback address nothing listens on, for herald's
// HERALD_LISTEN and HERALD_PUBLIC_URL.
func freeAddr(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

const cmsToken = "wordpress-token-0123456789"

func pushEnv(room *pushroom, xsrv *httptest.Server, database, addr string) []string {
	return []string{
		"HERALD_FEEDS=" + room.feedURL(),
		"HERALD_DATABASE=" + database,
		"HERALD_POLL_INTERVAL=10m",
		"HERALD_LISTEN=" + addr,
		"HERALD_PUBLIC_URL=http://" + addr,
		"HERALD_ALLOW_PRIVATE_URLS=true",
		"HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_DAILY_CAP=0",
		"HERALD_EDITOR_TOKENS=wordpress:" + cmsToken,
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	}
}

// announce is the CMS calling POST /api/v1/articles.
func announce(tb testing.TB, addr, articleURL string) (int, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/articles", strings.NewReader(`{"url":"`+articleURL+`"}`))
	req.Header.Set("Authorization", "Bearer "+cmsToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func metric(t *testing.T, addr, name string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// TestPushEndToEnd: with a 10-minute poll interval, a story published
// through the feed's hub is posted within seconds; notifications without
// the right signature change nothing; a CMS's announcement is posted at
// once and the feed's copy is not posted again; a restart keeps the
// subscription; a feed removed from the list is unsubscribed.
func TestPushEndToEnd(t *testing.T) {
	pushEndToEnd(t, filepath.Join(t.TempDir(), "herald.db"))
}

// TestPushEndToEndPostgres is the same on PostgreSQL.
func TestPushEndToEndPostgres(t *testing.T) {
	pushEndToEnd(t, pgtest.Schema(t))
}

func pushEndToEnd(t *testing.T, database string) {
	room := newPushroom(t)
	for i, title := range []string{"Council approves budget", "Bridge repairs begin"} {
		room.write(fmt.Sprint("old-", i), title)
		room.list(fmt.Sprint("old-", i))
	}
	fx, xsrv := fakeX(t)
	addr := freeAddr(t)
	env := pushEnv(room, xsrv, database, addr)
	topic := room.feedURL()
	h := startHerald(t, env)
	waitFor(t, "herald's subscription at the hub", 15*time.Second, func() bool { return len(room.hub.Subscribers(topic)) == 1 })
	if n := fx.Calls(); n != 0 {
		t.Fatalf("the backlog was posted: %d calls", n)
	}
	if !strings.Contains(h.log.String(), "the WebSub hub confirmed the subscription") {
		t.Errorf("the log does not say the hub confirmed:\n%s", h.log)
	}

	// Through the hub.
	start := time.Now()
	room.publish(t, "clinic", "New health clinic opens on Main Street")
	waitFor(t, "the pushed story on X", 10*time.Second, func() bool { return len(fx.Posts()) == 1 })
	p := fx.Posts()[0]
	t.Logf("published → posted through the hub: %s", p.Time.Sub(start).Round(time.Millisecond))
	if !strings.Contains(p.Text, "New health clinic opens on Main Street") || !strings.Contains(p.Text, room.srv.URL+"/clinic/") {
		t.Errorf("post %q", p.Text)
	}
	if n := room.polls.Load(); n != 1 {
		t.Errorf("herald fetched the feed %d times; the story came by push, not by a poll", n)
	}

	// Forged and unsigned notifications change nothing.
	cb := room.hub.Subscribers(topic)[0].Callback
	forged := []byte(`<rss version="2.0"><channel><title>Valley Courier</title><item><title>Forged story</title>
<link>` + room.srv.URL + `/forged/</link><guid>forged</guid></item></channel></rss>`)
	for _, sig := range []string{"", "sha256=" + strings.Repeat("ab", 32), "sha1=00"} {
		if status, err := room.hub.Send(context.Background(), cb, topic, forged, "application/rss+xml", sig); err != nil || status != http.StatusAccepted {
			t.Errorf("forged notification %q: %d %v", sig, status, err)
		}
	}
	if status, err := room.hub.Send(context.Background(), "http://"+addr+"/websub/guessed", topic, forged, "application/rss+xml", ""); err != nil || status != http.StatusAccepted {
		t.Errorf("notification at a guessed callback: %d %v", status, err)
	}
	waitFor(t, "the forged notifications counted", 5*time.Second, func() bool {
		return metric(t, addr, `herald_websub_notifications_total{result="bad_signature"}`) == "3"
	})
	if got := metric(t, addr, `herald_websub_notifications_total{result="unknown"}`); got != "1" {
		t.Errorf("unknown notifications = %q", got)
	}
	if got := metric(t, addr, `herald_websub_subscriptions{state="active"}`); got != "1" {
		t.Errorf("active subscriptions = %q", got)
	}

	// The CMS announces a story before its feed lists it.
	start = time.Now()
	code, body := announce(t, addr, room.write("bridge", "Old bridge reopens after repairs"))
	if code != http.StatusAccepted || !strings.Contains(body, `"status":"new"`) || !strings.Contains(body, `"created_by":"wordpress"`) {
		t.Fatalf("announce: %d %s", code, body)
	}
	waitFor(t, "the announced story on X", 10*time.Second, func() bool { return len(fx.Posts()) == 2 })
	t.Logf("announced → posted through the API: %s", fx.Posts()[1].Time.Sub(start).Round(time.Millisecond))
	if code, body := announce(t, addr, room.srv.URL+"/bridge/?utm_source=cms"); code != http.StatusOK || body != `{"status":"known"}`+"\n" {
		t.Errorf("announced again: %d %s", code, body)
	}
	// The feed catches up with the bridge story and a new one: only the new
	// one is posted.
	room.list("bridge")
	room.publish(t, "library", "Library extends opening hours")
	waitFor(t, "the library story on X", 10*time.Second, func() bool { return len(fx.Posts()) == 3 })
	time.Sleep(300 * time.Millisecond)
	posts := fx.Posts()
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.Text)
	}
	if len(posts) != 3 || !strings.Contains(posts[2].Text, "Library extends") || slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(s, "Forged") }) {
		t.Fatalf("posts = %q", texts)
	}

	// The Feeds page and the API show the push.
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/feeds", nil)
	req.Header.Set("Authorization", "Bearer "+cmsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var feeds struct {
		Feeds []struct {
			NextFetch string `json:"next_fetch"`
			Push      struct{ State, Hub, Until string }
		}
	}
	json.NewDecoder(resp.Body).Decode(&feeds)
	resp.Body.Close()
	if len(feeds.Feeds) != 1 || feeds.Feeds[0].Push.State != "active" || feeds.Feeds[0].Push.Hub != room.hubAddr || feeds.Feeds[0].Push.Until == "" {
		t.Errorf("feeds = %+v", feeds)
	}

	// A restart keeps the subscription: no new request to the hub, and
	// pushes still arrive.
	h.stop(t)
	requests := len(room.hub.Requests())
	h = startHerald(t, env)
	waitFor(t, "herald to serve again", 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	room.publish(t, "museum", "Museum opens a new wing")
	waitFor(t, "the story pushed after the restart", 10*time.Second, func() bool { return len(fx.Posts()) == 4 })
	if n := len(room.hub.Requests()); n != requests {
		t.Errorf("%d requests to the hub after a restart, want none: %+v", n-requests, room.hub.Requests()[requests:])
	}

	// The feed leaves the list: herald unsubscribes.
	h.stop(t)
	other := newNewsroom(t)
	env = append(slices.Clone(env), "HERALD_FEEDS="+other.srv.URL+"/feed")
	h = startHerald(t, env)
	waitFor(t, "the hub to drop the subscription", 10*time.Second, func() bool { return len(room.hub.Subscribers(topic)) == 0 })
	if n := room.hub.Count("unsubscribe", topic); n != 1 {
		t.Errorf("%d unsubscribe requests", n)
	}
	if f := fx.AuthFailures(); len(f) != 0 {
		t.Errorf("signature failures at X: %q", f)
	}
}

// TestPushOff: without HERALD_PUBLIC_URL herald says once that it only polls
// and asks no hub for anything.
func TestPushOff(t *testing.T) {
	room := newPushroom(t)
	_, xsrv := fakeX(t)
	addr := freeAddr(t)
	env := slices.DeleteFunc(pushEnv(room, xsrv, filepath.Join(t.TempDir(), "h.db"), addr), func(s string) bool {
		return strings.HasPrefix(s, "HERALD_PUBLIC_URL=")
	})
	h := startHerald(t, env)
	waitFor(t, "the first poll", 10*time.Second, func() bool { return room.polls.Load() == 1 })
	time.Sleep(200 * time.Millisecond)
	if n := len(room.hub.Requests()); n != 0 {
		t.Errorf("%d requests to the hub without HERALD_PUBLIC_URL", n)
	}
	if n := strings.Count(h.log.String(), "HERALD_PUBLIC_URL is not set"); n != 1 {
		t.Errorf("the log says %d times that push is off:\n%s", n, h.log)
	}
}

// BenchmarkPushLatency measures the time from a story's publication to its
// post at the fake X, spacing off: through the feed's hub (the CMS pings
// the hub, the hub fetches the feed and pushes it to herald) and through
// POST /api/v1/articles. It reports the median, the 95th percentile and the
// slowest.
//
//	go test -run '^$' -bench PushLatency -benchtime 40x ./cmd/herald/
func BenchmarkPushLatency(b *testing.B) {
	for _, via := range []string{"hub", "api"} {
		b.Run(via, func(b *testing.B) {
			room := newPushroom(b)
			room.write("old", "Council approves budget")
			room.list("old")
			fx := xfake.New(xfake.Options{ConsumerKey: ck, ConsumerSecret: cs, AccessToken: at, AccessSecret: as})
			xsrv := httptest.NewServer(fx)
			b.Cleanup(xsrv.Close)
			addr := freeAddr(b)
			stop := benchHerald(b, pushEnv(room, xsrv, filepath.Join(b.TempDir(), "h.db"), addr))
			defer stop()
			waitB(b, func() bool { return len(room.hub.Subscribers(room.feedURL())) == 1 })
			var took []time.Duration
			b.ResetTimer()
			for i := range b.N {
				slug, title := fmt.Sprintf("story-%d", i), fmt.Sprintf("Story number %d of the day is out", i)
				start := time.Now()
				switch via {
				case "hub":
					room.publish(b, slug, title)
				case "api":
					if code, body := announce(b, addr, room.write(slug, title)); code != http.StatusAccepted {
						b.Fatalf("announce: %d %s", code, body)
					}
				}
				waitB(b, func() bool { return len(fx.Posts()) == i+1 })
				took = append(took, fx.Posts()[i].Time.Sub(start))
			}
			b.StopTimer()
			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(took[len(took)/2]), "ms-median")
			b.ReportMetric(ms(took[len(took)*95/100]), "ms-p95")
			b.ReportMetric(ms(took[len(took)-1]), "ms-max")
		})
	}
}

// benchHerald runs herald for a benchmark and returns how to stop it.
func benchHerald(b *testing.B, env []string) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	log := &syncBuffer{}
	go func() { done <- run(ctx, []string{"run"}, env, log, log) }()
	return func() {
		cancel()
		if code := <-done; code != 0 {
			b.Errorf("herald exited %d\n%s", code, log)
		}
	}
}

func waitB(b *testing.B, cond func() bool) {
	b.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
