package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald/internal/xtext"
)

// TestDemo runs `herald demo` as a newcomer would and checks that stories
// from the demo newsroom reach the timeline on the dashboard.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out, errLog := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"demo"}, []string{"HERALD_LISTEN=127.0.0.1:0"}, out, errLog) }()
	defer func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("demo exited %d\n%s", code, errLog)
			}
		case <-time.After(10 * time.Second):
			t.Error("demo did not stop within 10s")
		}
	}()

	addr := regexp.MustCompile(`dashboard is at (http://\S+)/ `)
	var base string
	waitFor(t, "the demo's address", 10*time.Second, func() bool {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			return true
		}
		return false
	})
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("/healthz answered %d", code)
	}
	if code, body := get("/demo/site/feed"); code != 200 || !strings.Contains(body, "<rss") {
		t.Fatalf("demo feed answered %d", code)
	}
	var page string
	waitFor(t, "a post on the dashboard's timeline", 30*time.Second, func() bool {
		_, page = get("/")
		return strings.Count(page, `<article class="card post-published"`) >= 1
	})
	// The post links to the newsroom by its name; the dashboard's link
	// leads the browser to the newsroom on the dashboard's address.
	if !regexp.MustCompile(`<a href="/demo/site/20\d\d/\d\d/[a-z0-9-]+/" rel="noopener nofollow">http://valley-courier\.example\.com:\d+/20`).MatchString(page) {
		t.Errorf("timeline posts carry no article link, or one a browser cannot follow:\n%s", page)
	}
	if code, body := get("/demo/site/"); code != 200 || !strings.Contains(body, `href="`+base+`/demo/site/20`) {
		t.Errorf("the newsroom for browsers answered %d, or links away from the dashboard's address", code)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("/readyz answered %d %q", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "herald_posts_total") {
		t.Errorf("/metrics answered %d without herald_posts_total", code)
	}

	// The demo posts to X, Bluesky and Mastodon, fakes running inside it,
	// whose timelines are pages of the dashboard; the dashboard's "View
	// on" links lead there.
	waitFor(t, "a post on every network", 30*time.Second, func() bool {
		_, page = get("/")
		return strings.Contains(page, "View on X") && strings.Contains(page, "View on Bluesky") && strings.Contains(page, "View on Mastodon")
	})
	for _, network := range []string{"x", "bluesky", "mastodon"} {
		if !regexp.MustCompile(`<a href="/demo/networks/` + network + `#post-[0-9a-z]+" rel="noopener">View on`).MatchString(page) {
			t.Errorf("no link to the post on the demo's %s", network)
		}
		code, body := get("/demo/networks/" + network)
		if code != 200 || !strings.Contains(body, `<article class="card post-published" id="post-`) ||
			!strings.Contains(body, "valley-courier.example.com") {
			t.Errorf("the demo's %s answered %d without the post:\n%s", network, code, body)
		}
		if network != "bluesky" {
			continue
		}
		// Bluesky's card carries the newsroom's picture, uploaded.
		thumb := regexp.MustCompile(`<img src="(/demo/networks/bluesky/blob/[^"]+)"`).FindStringSubmatch(body)
		if thumb == nil {
			t.Errorf("the Bluesky post has no link card with a picture:\n%s", body)
			continue
		}
		if code, img := get(thumb[1]); code != 200 || !strings.HasPrefix(img, "\xff\xd8") || len(img) > 1_000_000 {
			t.Errorf("the card's picture: %d, %d bytes", code, len(img))
		}
	}
}

// TestDemoListensOnLoopback: without HERALD_LISTEN the demo, where anyone
// who reaches the dashboard can act, listens on 127.0.0.1:8080 only. The
// test holds that address (or finds it taken) and expects the demo to fail
// on exactly it.
func TestDemoListensOnLoopback(t *testing.T) {
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err == nil {
		defer ln.Close()
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"demo"}, nil, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "HERALD_LISTEN: listen tcp 127.0.0.1:8080:") {
		t.Errorf("exit %d, stderr %q; want 2 and the address 127.0.0.1:8080 in use", code, errb.String())
	}
}

// TestDemoPostsReadLikeRealOnes: the demo's links are links to X (23
// characters, so the lede is not cut to fit a long address), log lines of
// published posts carry the post's URL on the dashboard, an editor's URL
// on a private address is refused as herald run refuses it, and the
// newsroom's own pages can still be previewed, by its name or by the
// address a browser sees it at.
func TestDemoPostsReadLikeRealOnes(t *testing.T) {
	var hits atomic.Int64
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(`<html><head><title>Internal wiki</title></head><body><p>Secret plans for the year.</p></body></html>`))
	}))
	defer private.Close()

	ctx, cancel := context.WithCancel(context.Background())
	out, errLog := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"demo"}, []string{"HERALD_LISTEN=127.0.0.1:0"}, out, errLog) }()
	defer func() {
		cancel()
		<-done
	}()
	addr := regexp.MustCompile(`dashboard is at (http://\S+)/ `)
	var base string
	waitFor(t, "the demo's address", 10*time.Second, func() bool {
		m := addr.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	type post struct{ Text, RemoteURL string }
	var posts []post
	// X's posts: the demo's other networks count links in full (Bluesky)
	// or by their own rule, and may cut the lede where X does not.
	waitFor(t, "two published posts to X", 30*time.Second, func() bool {
		resp, err := http.Get(base + "/api/v1/posts?status=published")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct {
			Posts []struct {
				Destination string `json:"destination"`
				Text        string `json:"text"`
				RemoteURL   string `json:"remote_url"`
			}
		}
		if json.NewDecoder(resp.Body).Decode(&body) != nil {
			return false
		}
		posts = posts[:0]
		for _, p := range body.Posts {
			if p.Destination != "x" {
				continue
			}
			posts = append(posts, post{Text: p.Text, RemoteURL: p.RemoteURL})
		}
		return len(posts) >= 2
	})
	for _, p := range posts {
		links := xtext.Links(p.Text)
		if len(links) != 1 || !strings.HasPrefix(links[0].URL, "http://valley-courier.example.com:") {
			t.Errorf("post %q: X finds the links %+v, want one to the newsroom", p.Text, links)
		}
		res := xtext.Parse(p.Text)
		if want := utf8.RuneCountInString(strings.Replace(p.Text, links[0].URL, "", 1)) + 23; res.WeightedLength != want {
			t.Errorf("post %q weighs %d, want %d (the link counted as 23)", p.Text, res.WeightedLength, want)
		}
		if strings.Contains(p.Text, "…") {
			t.Errorf("post %q is cut", p.Text)
		}
		if p.RemoteURL == "" {
			t.Errorf("post %q has no URL on its network", p.Text)
		}
	}
	for _, line := range strings.Split(errLog.String(), "\n") {
		if strings.Contains(line, `msg="post published"`) && !regexp.MustCompile(` url=\S`).MatchString(line) {
			t.Errorf("log line without the post's URL: %s", line)
		}
	}

	preview := func(u string) (int, string) {
		resp, err := http.Post(base+"/api/v1/preview", "application/json", strings.NewReader(`{"url":"`+u+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := preview(private.URL + "/wiki"); code != 422 || !strings.Contains(body, "HERALD_ALLOW_PRIVATE_URLS") {
		t.Errorf("a private URL in the demo: %d %s", code, body)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the demo read a private address %d times", n)
	}
	story := links(posts[0].Text)
	mirror := strings.Replace(story, regexp.MustCompile(`^http://[^/]+`).FindString(story), base+"/demo/site", 1)
	for _, u := range []string{story, mirror} {
		if code, body := preview(u); code != 200 || !strings.Contains(body, story) {
			t.Errorf("preview of the newsroom's own %s: %d %s", u, code, body)
		}
	}
}

func links(text string) string {
	if l := xtext.Links(text); len(l) > 0 {
		return l[0].URL
	}
	return ""
}
