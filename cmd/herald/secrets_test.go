package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/publish/bluesky/bskyfake"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
)

// TestSecretsNeverShow starts herald with every secret set to a value that
// is easy to spot, drives it through success and every failure path, and
// looks for those values in its log, its HTTP answers and its metrics.
func TestSecretsNeverShow(t *testing.T) {
	secrets := map[string]string{
		"HERALD_X_CONSUMER_KEY":       "SPOT-consumer-key-7f3a",
		"HERALD_X_CONSUMER_SECRET":    "SPOT-consumer-secret-91c2",
		"HERALD_X_ACCESS_TOKEN":       "SPOT-access-token-55d0",
		"HERALD_X_ACCESS_SECRET":      "SPOT-access-secret-e8b4",
		"HERALD_EDITOR_TOKENS":        "ana:SPOT-editor-token-0c1d",
		"HERALD_BLUESKY_APP_PASSWORD": "SPOT-bsky-app-password-4d2e",
		"HERALD_MASTODON_TOKEN":       "SPOT-mastodon-token-a7b9",
	}
	fx := xfake.New(xfake.Options{ConsumerKey: secrets["HERALD_X_CONSUMER_KEY"], ConsumerSecret: secrets["HERALD_X_CONSUMER_SECRET"],
		AccessToken: secrets["HERALD_X_ACCESS_TOKEN"], AccessSecret: secrets["HERALD_X_ACCESS_SECRET"], Username: "courier"})
	xsrv := newHTTPServer(t, fx)
	bsky := bskyfake.New(bskyfake.Options{Handle: "courier.bsky.social", Password: secrets["HERALD_BLUESKY_APP_PASSWORD"]})
	masto := mastofake.New(mastofake.Options{Token: secrets["HERALD_MASTODON_TOKEN"], Username: "courier"})
	bsrv, msrv := newHTTPServer(t, bsky), newHTTPServer(t, masto)
	room := newNewsroom(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := []string{
		"HERALD_FEEDS=" + room.srv.URL + "/feed," + "http://127.0.0.1:1/broken-feed",
		"HERALD_DATABASE=" + filepath.Join(t.TempDir(), "h.db"),
		"HERALD_POLL_INTERVAL=1s", "HERALD_LISTEN=" + addr, "HERALD_MIN_POST_INTERVAL=0s",
		"HERALD_X_API_URL=" + xsrv, "HERALD_LOG_LEVEL=debug",
		"HERALD_BLUESKY_SERVICE=" + bsrv, "HERALD_BLUESKY_HANDLE=courier.bsky.social", "HERALD_MASTODON_SERVER=" + msrv,
	}
	for k, v := range secrets {
		env = append(env, k+"="+v)
	}
	h := startHerald(t, env)
	base := "http://" + addr
	get := func(method, path, token, body string) string {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s %s", resp.StatusCode, resp.Header, b)
	}
	waitFor(t, "herald to serve", 10*time.Second, func() bool { return strings.HasPrefix(get("GET", "/healthz", "", ""), "200") })
	waitFor(t, "the first fetch", 10*time.Second, func() bool { return room.requests.Load() >= 1 })

	// Success, then a transient failure, a rate limit and refused credentials.
	room.add("one", "Story one", time.Now())
	waitFor(t, "a post on X", 15*time.Second, func() bool { return len(fx.Posts()) == 1 })
	fx.Push(xfake.Unavailable(), xfake.RateLimited(time.Now().Add(2*time.Second)), xfake.Unauthorized())
	bsky.ExpireAccessTokens()
	bsky.ExpireRefreshTokens() // a new login, with the app password
	masto.Push(mastofake.Response{Status: http.StatusUnauthorized, Body: `{"error":"The access token is invalid"}`})
	room.add("two", "Story two", time.Now())
	waitFor(t, "X and Mastodon to refuse the credentials", 20*time.Second, func() bool {
		return strings.Count(h.log.String(), "destination paused: nothing is posted there") >= 2
	})
	waitFor(t, "Bluesky's new login", 20*time.Second, func() bool { return bsky.Logins() >= 2 })

	token := "SPOT-editor-token-0c1d"
	var answers []string
	for _, r := range []struct{ method, path, token, body string }{
		{"GET", "/", "", ""},
		{"GET", "/metrics", "", ""},
		{"GET", "/api/v1/status", token, ""},
		{"GET", "/api/v1/posts", token, ""},
		{"GET", "/api/v1/feeds", token, ""},
		{"GET", "/api/v1/audit", token, ""},
		{"GET", "/api/v1/posts", "SPOT-wrong-token", ""},
		{"POST", "/api/v1/preview", token, `{"url":"http://127.0.0.1:1/nothing"}`},
		{"POST", "/api/v1/posts", token, `{"text":"A note from the newsroom"}`},
		{"POST", "/api/v1/destinations/x/resume", token, ""},
		{"POST", "/api/v1/destinations/mastodon/resume", token, ""},
	} {
		answers = append(answers, get(r.method, r.path, r.token, r.body))
	}
	time.Sleep(500 * time.Millisecond)
	everything := h.log.String() + strings.Join(answers, "\n")
	for name, v := range secrets {
		v = strings.TrimPrefix(v, "ana:")
		if strings.Contains(everything, v) {
			t.Errorf("the value of %s appears in herald's output or answers", name)
		}
	}
	if !strings.Contains(everything, "herald_posts_total") || !strings.Contains(everything, "Story one") {
		t.Errorf("the answers are not what the test meant to look through:\n%s", everything)
	}
}

func newHTTPServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
