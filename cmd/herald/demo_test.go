package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
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
		return strings.Count(page, `<article class="card">`) >= 1
	})
	if !strings.Contains(page, "/demo/site/20") {
		t.Errorf("timeline posts carry no article link:\n%s", page)
	}
	if code, body := get("/readyz"); code != 200 || !strings.Contains(body, "ready") {
		t.Errorf("/readyz answered %d %q", code, body)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "herald_posts_total") {
		t.Errorf("/metrics answered %d without herald_posts_total", code)
	}
}
