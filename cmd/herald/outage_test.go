package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOutage: X is down for a minute while five new articles wait, and
// every post has three tries. herald probes X, it does not hammer it; no
// post is marked failed; once X answers, all five are published, each once.
func TestOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("the outage lasts a minute; skipped in -short mode")
	}
	t.Parallel() // a minute of waiting, beside the other tests
	room := newNewsroom(t)
	fx, _ := fakeX(t)
	var down atomic.Bool
	var callsWhileDown atomic.Int64
	x := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			callsWhileDown.Add(1)
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"title":"Service Unavailable","detail":"Service Unavailable","type":"about:blank","status":503}`)
			return
		}
		fx.ServeHTTP(w, r)
	}))
	defer x.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	const token = "editor-token-for-tests-0123"
	h := startHerald(t, []string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=" + addr, "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_MAX_ATTEMPTS=3", "HERALD_EDITOR_TOKENS=ana:" + token,
		"HERALD_X_API_URL=" + x.URL,
		"HERALD_X_CONSUMER_KEY=" + ck, "HERALD_X_CONSUMER_SECRET=" + cs,
		"HERALD_X_ACCESS_TOKEN=" + at, "HERALD_X_ACCESS_SECRET=" + as,
	})
	waitFor(t, "the credentials checked", 15*time.Second, func() bool { return strings.Contains(h.log.String(), "credentials accepted") })
	waitFor(t, "first fetch", 15*time.Second, func() bool { return room.requests.Load() >= 1 })

	down.Store(true)
	for i := range 5 {
		room.add(fmt.Sprintf("story-%d", i), fmt.Sprintf("Story %d of the outage", i), time.Now())
	}
	time.Sleep(time.Minute)
	calls := callsWhileDown.Load()
	down.Store(false)
	if calls == 0 || calls > 12 {
		t.Errorf("%d calls to X in a minute of outage; want a few probes", calls)
	}

	deadline := time.Now().Add(2 * time.Minute) // the next probe may be that far off
	for len(fx.Posts()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("%d posts on X two minutes after it came back:\n%s", len(fx.Posts()), h.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	texts := map[string]int{}
	for _, p := range fx.Posts() {
		texts[strings.SplitN(p.Text, "\n", 2)[0]]++
	}
	for i := range 5 {
		if n := texts[fmt.Sprintf("Story %d of the outage", i)]; n != 1 {
			t.Errorf("story %d posted %d times", i, n)
		}
	}
	req, _ := http.NewRequestWithContext(context.Background(), "GET", "http://"+addr+"/api/v1/posts?status=failed", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var failed struct{ Posts []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&failed); err != nil || len(failed.Posts) != 0 {
		t.Errorf("failed posts after the outage: %d (%v)", len(failed.Posts), err)
	}
	if log := h.log.String(); !strings.Contains(log, "destination is down; posts wait while it is probed") ||
		!strings.Contains(log, "destination is back up") {
		t.Errorf("the log does not tell the outage:\n%s", log)
	}
}
