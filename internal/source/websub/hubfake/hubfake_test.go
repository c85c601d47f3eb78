package hubfake_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/source/websub"
	"github.com/heraldhq/herald/internal/source/websub/hubfake"
)

// The fake hub behaves as a real one where a subscriber's correctness is at
// stake: no subscription without the challenge echoed, leases that end,
// deliveries signed with the subscriber's secret, refusals in plain text.
func TestHub(t *testing.T) {
	var echo atomic.Bool
	var got atomic.Value
	sub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			if echo.Load() {
				io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			} else {
				io.WriteString(w, "ok")
			}
		case http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			got.Store(r.Header.Get("X-Hub-Signature") + " " + string(b) + " " + r.Header.Get("Link"))
		}
	}))
	defer sub.Close()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	hub := hubfake.New(hubfake.Options{LeaseSeconds: 60, Clock: func() time.Time { return now }})
	srv := httptest.NewServer(hub)
	defer srv.Close()
	hub.SetURL(srv.URL)
	subscribe := func() *http.Response {
		t.Helper()
		resp, err := http.PostForm(srv.URL, url.Values{"hub.mode": {"subscribe"}, "hub.topic": {"https://news.example/feed"},
			"hub.callback": {sub.URL + "/cb"}, "hub.secret": {"s3cret"}, "hub.lease_seconds": {"864000"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		hub.Wait()
		return resp
	}
	if resp := subscribe(); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	if n := len(hub.Subscribers("https://news.example/feed")); n != 0 {
		t.Fatal("subscribed without the challenge echoed")
	}
	if r := hub.Requests(); len(r) != 1 || r[0].Verified || !strings.Contains(r[0].Err, "not the challenge") || r[0].LeaseSeconds != 864000 {
		t.Errorf("requests = %+v", r)
	}
	echo.Store(true)
	subscribe()
	subs := hub.Subscribers("https://news.example/feed")
	if len(subs) != 1 || subs[0].Lease != 60 || !subs[0].Expires.Equal(now.Add(time.Minute)) {
		t.Fatalf("subscribers = %+v", subs)
	}
	n, err := hub.Publish(context.Background(), "https://news.example/feed", []byte("<rss/>"), "application/rss+xml")
	if err != nil || n != 1 {
		t.Fatalf("publish: %d %v", n, err)
	}
	want := websub.Sign("sha256", "s3cret", []byte("<rss/>")) + " <rss/> <" + srv.URL + `>; rel="hub", <https://news.example/feed>; rel="self"`
	if g := got.Load(); g != want {
		t.Errorf("delivered %q\nwant %q", g, want)
	}
	hub.Expire("https://news.example/feed")
	if n, _ := hub.Publish(context.Background(), "https://news.example/feed", []byte("<rss/>"), ""); n != 0 {
		t.Error("delivered after the lease ended")
	}
	hub.Refuse("No more subscriptions")
	resp, err := http.PostForm(srv.URL, url.Values{"hub.mode": {"subscribe"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || strings.TrimSpace(string(b)) != "No more subscriptions" {
		t.Errorf("refusal: %d %q", resp.StatusCode, b)
	}
}
