package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fixtures"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/store/postgres/pgtest"
)

// newsroom is a news site in a test: an RSS feed whose items a test adds.
type newsroom struct {
	mu       sync.Mutex
	items    []string
	requests atomic.Int64
	srv      *httptest.Server
}

func newNewsroom(t *testing.T) *newsroom {
	n := &newsroom{}
	n.srv = httptest.NewUnstartedServer(http.HandlerFunc(n.serve))
	n.srv.Start()
	t.Cleanup(n.srv.Close)
	return n
}

func (n *newsroom) add(slug, title string, published time.Time) {
	n.mu.Lock()
	defer n.mu.Unlock()
	item := fmt.Sprintf(`<item><title>%s</title><link>%s/%s/?utm_source=rss</link><guid isPermaLink="false">%s/?p=%s</guid>
<pubDate>%s</pubDate><description><![CDATA[<p>MILLBROOK — %s, officials said on Monday.</p>]]></description></item>`,
		title, n.srv.URL, slug, n.srv.URL, slug, published.UTC().Format(time.RFC1123Z), title)
	n.items = append([]string{item}, n.items...)
}

func (n *newsroom) serve(w http.ResponseWriter, r *http.Request) {
	n.requests.Add(1)
	n.mu.Lock()
	body := `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Valley Courier</title><link>` +
		n.srv.URL + `</link>` + strings.Join(n.items, "\n") + `</channel></rss>`
	n.mu.Unlock()
	etag := fmt.Sprintf(`"%x"`, len(body)*31+strings.Count(body, "<item>"))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write([]byte(body))
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer collects a process's log output safely.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// herald runs herald in this process until stop is called.
type heraldProc struct {
	cancel context.CancelFunc
	done   chan int
	log    *syncBuffer
}

func startHerald(t *testing.T, env []string) *heraldProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := &heraldProc{cancel: cancel, done: make(chan int, 1), log: &syncBuffer{}}
	go func() { h.done <- run(ctx, []string{"run"}, env, h.log, h.log) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

func (h *heraldProc) stop(t *testing.T) {
	t.Helper()
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case code := <-h.done:
		if code != 0 {
			t.Errorf("herald exited %d\n%s", code, h.log)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("herald did not stop within 10s\n%s", h.log)
	}
}

const (
	ck, cs, at, as = "consumer-key-e2e", "consumer-secret-e2e", "access-token-e2e", "access-secret-e2e"
)

func fakeX(t *testing.T) (*xfake.Server, *httptest.Server) {
	fx := xfake.New(xfake.Options{ConsumerKey: ck, ConsumerSecret: cs, AccessToken: at, AccessSecret: as, Username: "valleycourier"})
	srv := httptest.NewServer(fx)
	t.Cleanup(srv.Close)
	return fx, srv
}

// TestEndToEnd: the backlog is not posted, a new article is posted once,
// correctly signed, and a restart on the same database posts nothing again.
func TestEndToEnd(t *testing.T) {
	for _, api := range []string{"v2", "v1.1"} {
		t.Run(api, func(t *testing.T) { endToEnd(t, api, filepath.Join(t.TempDir(), "herald.db")) })
	}
}

// TestEndToEndPostgres is the same on PostgreSQL.
func TestEndToEndPostgres(t *testing.T) {
	endToEnd(t, "v2", pgtest.Schema(t))
}

func endToEnd(t *testing.T, api, database string) {
	room := newNewsroom(t)
	now := time.Now()
	room.add("budget", "Council approves budget", now.Add(-3*time.Hour))
	room.add("bridge", "Bridge repairs begin", now.Add(-2*time.Hour))
	room.add("festival", "Harvest festival returns", now.Add(-time.Hour))
	fx, xsrv := fakeX(t)
	env := []string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + database,
		"HERALD_POLL_INTERVAL=1s",
		"HERALD_LISTEN=127.0.0.1:0",
		"HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_X_API=" + api,
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	}
	h := startHerald(t, env)
	// Two fetches: the first recorded the backlog, the second found nothing new.
	waitFor(t, "two feed fetches", 15*time.Second, func() bool { return room.requests.Load() >= 2 })
	if n := fx.Calls(); n != 0 {
		t.Fatalf("the backlog was posted: %d calls\n%s", n, h.log)
	}

	room.add("clinic", "New health clinic opens on Main Street", time.Now())
	waitFor(t, "the new article on X", 15*time.Second, func() bool { return len(fx.Posts()) >= 1 })
	seen := room.requests.Load()
	waitFor(t, "two more fetches", 15*time.Second, func() bool { return room.requests.Load() >= seen+2 })
	posts := fx.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1: %+v", len(posts), posts)
	}
	p := posts[0]
	if !strings.Contains(p.Text, "New health clinic opens on Main Street") || !strings.Contains(p.Text, room.srv.URL+"/clinic/") {
		t.Errorf("post text %q lacks the headline or the link", p.Text)
	}
	if strings.Contains(p.Text, "utm_source") {
		t.Errorf("tracking parameters posted: %q", p.Text)
	}
	if p.API != api {
		t.Errorf("posted through %s, want %s", p.API, api)
	}
	if f := fx.AuthFailures(); len(f) != 0 {
		t.Errorf("signature failures: %q", f)
	}
	h.stop(t)

	// Restart on the same database: nothing is posted again.
	before := room.requests.Load()
	h2 := startHerald(t, env)
	waitFor(t, "two fetches after restart", 15*time.Second, func() bool { return room.requests.Load() >= before+2 })
	time.Sleep(300 * time.Millisecond)
	if n := len(fx.Posts()); n != 1 || fx.Calls() != 1 {
		t.Errorf("after restart: %d posts, %d calls; want 1 and 1\n%s", n, fx.Calls(), h2.log)
	}
}

// TestWrongCredentials: X refuses the credentials at start, so the
// destination is paused before any post is tried; a new article waits in
// the outbox, and nothing is retried in a loop. A restart with the same
// keys says in one warning that x is paused, why, and how to resume it;
// herald resume lifts that pause (and X refuses again). A restart with the
// right keys lifts the pause by itself and the article is posted.
func TestWrongCredentials(t *testing.T) {
	room := newNewsroom(t)
	fx, xsrv := fakeX(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "editor-token-for-tests-0123"
	database := filepath.Join(t.TempDir(), "herald.db")
	env := func(secret string) []string {
		return []string{
			"HERALD_FEEDS=" + room.srv.URL + "/feed",
			"HERALD_DATABASE=" + database,
			"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=" + addr, "HERALD_MIN_POST_INTERVAL=0s",
			"HERALD_EDITOR_TOKENS=ana:" + token,
			"HERALD_X_API_URL=" + xsrv.URL,
			"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + secret,
			"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
		}
	}
	h := startHerald(t, env("wrong-secret"))
	waitFor(t, "the pause at start", 15*time.Second, func() bool {
		return strings.Contains(h.log.String(), "the platform refused the credentials at start: destination paused")
	})
	waitFor(t, "first fetch", 15*time.Second, func() bool { return room.requests.Load() >= 1 })
	room.add("a", "Story A", time.Now())
	seen := room.requests.Load()
	waitFor(t, "three more fetches", 15*time.Second, func() bool { return room.requests.Load() >= seen+3 })
	if n := fx.Calls(); n != 0 {
		t.Errorf("%d posts tried with credentials X refused at start, want 0", n)
	}
	if log := h.log.String(); strings.Contains(log, "wrong-secret") {
		t.Errorf("the log shows the secret:\n%s", log)
	}
	h.stop(t)

	// Restarted with the same keys: the pause is announced.
	h = startHerald(t, env("wrong-secret"))
	waitFor(t, "the pause announced", 15*time.Second, func() bool {
		return strings.Contains(h.log.String(), "destination paused: nothing is posted to it until it is resumed")
	})
	var warning []string
	for _, line := range strings.Split(h.log.String(), "\n") {
		if strings.Contains(line, "level=WARN") && strings.Contains(line, "destination=x") {
			warning = append(warning, line)
		}
	}
	if len(warning) != 1 || !strings.Contains(warning[0], `reason="X rejected the credentials (401)`) ||
		!strings.Contains(warning[0], `resume="herald resume x"`) {
		t.Errorf("want one warning naming x, the reason and herald resume x; got %q", warning)
	}
	// herald resume resumes the destination, not only herald pause.
	client := []string{"HERALD_API_URL=http://" + addr, "HERALD_API_TOKEN=" + token}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"resume"}, client, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "Posting to x resumed; it was paused: X rejected the credentials (401)") {
		t.Errorf("herald resume: exit %d, %q %q", code, out.String(), errb.String())
	}
	waitFor(t, "the post tried, and refused", 15*time.Second, func() bool { return fx.Calls() == 1 })
	waitFor(t, "x paused again", 15*time.Second, func() bool {
		return strings.Contains(h.log.String(), "destination paused: nothing is posted there until it is resumed")
	})
	h.stop(t)
	if len(fx.Posts()) != 0 {
		t.Fatal("a post was accepted with a wrong signature")
	}

	// Restarted with the right keys: the pause is lifted, the article posted.
	h = startHerald(t, env(cs))
	waitFor(t, "the article on X", 15*time.Second, func() bool { return len(fx.Posts()) == 1 })
	if log := h.log.String(); !strings.Contains(log, "the credentials work now: the pause is lifted and posting resumes") ||
		strings.Contains(log, "destination paused: nothing is posted") {
		t.Errorf("the log should say the pause was lifted, and not announce it:\n%s", log)
	}
	if p := fx.Posts()[0]; !strings.Contains(p.Text, "Story A") {
		t.Errorf("posted %q", p.Text)
	}
}

// TestBadFeedsDoNotStopTheGoodOne: broken, slow, huge and looping feeds
// each log an error with their URL, and a good feed beside them is posted.
func TestBadFeedsDoNotStopTheGoodOne(t *testing.T) {
	hang := make(chan struct{})
	bad := http.NewServeMux()
	bad.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a</ti`))
	})
	bad.HandleFunc("/status500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) })
	bad.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"))
	})
	bad.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>`))
		chunk := bytes.Repeat([]byte("<item><title>spam</title></item>"), 1024)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	bad.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	bad.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	badSrv := httptest.NewServer(bad)
	t.Cleanup(badSrv.Close)
	t.Cleanup(func() { close(hang) })

	room := newNewsroom(t)
	fx, xsrv := fakeX(t)
	badFeeds := []string{badSrv.URL + "/malformed", badSrv.URL + "/status500", badSrv.URL + "/missing", badSrv.URL + "/html",
		badSrv.URL + "/endless", badSrv.URL + "/loop", "http://127.0.0.1:1/refused"}
	h := startHerald(t, []string{
		"HERALD_FEEDS=" + strings.Join(append(badFeeds, badSrv.URL+"/hang", room.srv.URL+"/feed"), ","),
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=127.0.0.1:0", "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_X_API_URL=" + xsrv.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	})
	waitFor(t, "first fetch of the good feed", 15*time.Second, func() bool { return room.requests.Load() >= 1 })
	room.add("good", "Library extends opening hours", time.Now())
	waitFor(t, "the good feed's article on X", 15*time.Second, func() bool { return len(fx.Posts()) == 1 })
	waitFor(t, "an error logged for every bad feed", 15*time.Second, func() bool {
		log := h.log.String()
		for _, u := range badFeeds {
			if !strings.Contains(log, u) {
				return false
			}
		}
		return true
	})
	for _, line := range strings.Split(h.log.String(), "\n") {
		if strings.Contains(line, "feed fetch failed") && !strings.Contains(line, "feed_url=") {
			t.Errorf("error line without the feed's URL: %s", line)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		env  string
		want string
	}{
		{"HERALD_POLL_INTERVAL=fast", `herald: HERALD_POLL_INTERVAL: "fast" is not a duration`},
		{"HERALD_DAILY_CAP=lots", `herald: HERALD_DAILY_CAP: "lots" is not a whole number`},
		{"HERALD_FIRST_RUN=everything", `herald: HERALD_FIRST_RUN: "everything" is not skip, all or latest:N`},
		{"HERALD_FEEDS_FILE=/nonexistent/feeds.txt", `herald: HERALD_FEEDS_FILE: open /nonexistent/feeds.txt: no such file or directory`},
		{"HERALD_LISTEN=127.0.0.1:99999", `herald: HERALD_LISTEN:`},
		{"HERALD_X_TEMPLATE={{.Title", `herald: HERALD_X_TEMPLATE:`},
		{"HERALD_X_TEMPLATE={{.Title}} {{.Nope}} {{.URL}}", `herald: HERALD_X_TEMPLATE:`},
		{"HERALD_HASHTAGS=Syria", `herald: HERALD_HASHTAGS:`},
	} {
		t.Run(tc.env, func(t *testing.T) {
			var out, errb bytes.Buffer
			env := []string{tc.env, "HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db")}
			code := run(context.Background(), []string{"run"}, env, &out, &errb)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if last := lines[len(lines)-1]; !strings.HasPrefix(last, tc.want) {
				t.Errorf("stderr = %q\nwant a line starting %q", errb.String(), tc.want)
			}
		})
	}
}

func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer ok.Close()
	var out, errb bytes.Buffer
	listen := strings.TrimPrefix(ok.URL, "http://")
	if code := run(context.Background(), []string{"healthcheck"}, []string{"HERALD_LISTEN=" + listen}, &out, &errb); code != 0 {
		t.Errorf("healthy: exit %d, %s", code, errb.String())
	}
	ok.Close()
	if code := run(context.Background(), []string{"healthcheck"}, []string{"HERALD_LISTEN=" + listen}, &out, &errb); code != 1 {
		t.Errorf("nothing listening: exit %d, want 1", code)
	}
}

func TestPreview(t *testing.T) {
	page := httptest.NewServer(http.FileServerFS(fixtures.FS))
	defer page.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"preview", page.URL + "/page-afrin.html"}, []string{"HERALD_ALLOW_PRIVATE_URLS=true"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"Turkish jets strike Kurdish positions near Afrin",
		"Turkish warplanes struck positions of the People’s Protection Units (YPG) near Afrin on Friday night, local officials said.",
		"https://aranews.net/2026/11/turkish-jets-strike-afrin/",
		"weighted length: ",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("preview lacks %q:\n%s", want, got)
		}
	}
	// A template of the operator's, with \n for line breaks, and hashtags.
	out.Reset()
	env := []string{"HERALD_ALLOW_PRIVATE_URLS=true", `HERALD_X_TEMPLATE=BREAKING: {{.Title}}\n{{.URL}}`}
	if code := run(context.Background(), []string{"preview", page.URL + "/page-afrin.html"}, env, &out, &errb); code != 0 ||
		!strings.HasPrefix(out.String(), "BREAKING: Turkish jets strike Kurdish positions near Afrin\nhttps://aranews.net/2026/11/turkish-jets-strike-afrin/\n") {
		t.Errorf("custom template: exit %d, %q %s", code, out.String(), errb.String())
	}
	// Without HERALD_ALLOW_PRIVATE_URLS a URL on a private address is refused.
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"preview", page.URL + "/page-afrin.html"}, nil, &out, &errb); code != 1 ||
		!strings.Contains(errb.String(), "HERALD_ALLOW_PRIVATE_URLS") {
		t.Errorf("private URL: exit %d, %q", code, errb.String())
	}
}

func TestCheck(t *testing.T) {
	room := newNewsroom(t)
	room.add("a", "Story A", time.Now())
	_, xsrv := fakeX(t)
	env := func(secret string, feeds ...string) []string {
		return []string{
			"HERALD_FEEDS=" + strings.Join(feeds, ","),
			"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
			"HERALD_X_API_URL=" + xsrv.URL,
			"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + secret,
			"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
		}
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"check"}, env(cs, room.srv.URL+"/feed"), &out, &errb); code != 0 {
		t.Errorf("good setup: exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"ok   configuration", "ok   database", "ok   X (v2): the credentials belong to @valleycourier", `ok   feed ` + room.srv.URL + `/feed: "Valley Courier", 1 entry`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	code := run(context.Background(), []string{"check"}, env("wrong-secret", room.srv.URL+"/feed", "http://127.0.0.1:1/feed"), &out, &errb)
	if code != 1 {
		t.Errorf("bad credentials: exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var fails []string
	for _, l := range lines {
		if strings.HasPrefix(l, "FAIL") {
			fails = append(fails, l)
		}
	}
	if len(fails) != 2 || !strings.Contains(fails[0], "X (v2)") || !strings.Contains(fails[1], "feed http://127.0.0.1:1/feed") ||
		strings.Contains(out.String(), "wrong-secret") {
		t.Errorf("want FAIL lines for X and the unreachable feed, without the secret:\n%s", out.String())
	}
}

// TestJSONLogs: with HERALD_LOG_FORMAT=json every log line is a JSON object
// with the same keys as the text format.
func TestJSONLogs(t *testing.T) {
	h := startHerald(t, []string{"HERALD_LOG_FORMAT=json", "HERALD_LISTEN=127.0.0.1:0",
		"HERALD_FEEDS=http://127.0.0.1:1/feed", "HERALD_POLL_INTERVAL=1s",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db")})
	waitFor(t, "a failed fetch logged", 10*time.Second, func() bool { return strings.Contains(h.log.String(), "feed fetch failed") })
	h.stop(t)
	for _, line := range strings.Split(strings.TrimSpace(h.log.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if v["msg"] == "feed fetch failed" && v["feed_url"] != "http://127.0.0.1:1/feed" {
			t.Errorf("feed_url missing: %q", line)
		}
	}
}
