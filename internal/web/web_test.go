package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

func newServer(t *testing.T, o Options, read ...readFunc) (*httptest.Server, store.Store, *Server) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	o.Store = st
	o.Log = slog.New(slog.DiscardHandler)
	if o.Editor == nil {
		eo := outbox.Options{Log: o.Log}
		if len(read) > 0 {
			eo.Articles = articlesOf(read[0])
		}
		o.Editor = outbox.New(st, []outbox.Publisher{local.New("x")}, eo)
	}
	if o.Status == nil {
		o.Status = func(ctx context.Context) ([]outbox.DestinationStatus, error) {
			return []outbox.DestinationStatus{{Name: "x", PostsToday: 1, DailyCap: 50, PostsLeftToday: 49,
				MonthlyBudget: 100, SpentThisMonth: 0.2, BudgetLeft: 99.8, RateLimitRemaining: 99, RateLimitReset: time.Unix(1800000000, 0)}}, nil
		}
	}
	s := New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, st, s
}

func do(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestProbes(t *testing.T) {
	srv, _, s := newServer(t, Options{})
	if code, body := do(t, "GET", srv.URL+"/healthz", "", ""); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, _ := do(t, "GET", srv.URL+"/readyz", "", ""); code != 200 {
		t.Errorf("/readyz = %d", code)
	}
	s.ShuttingDown()
	if code, _ := do(t, "GET", srv.URL+"/readyz", "", ""); code != 503 {
		t.Errorf("/readyz while shutting down = %d, want 503", code)
	}
	if code, _ := do(t, "GET", srv.URL+"/healthz", "", ""); code != 200 {
		t.Errorf("/healthz while shutting down = %d, want 200", code)
	}
}

func TestDashboardShowsTimelineQueueAndFailures(t *testing.T) {
	srv, st, _ := newServer(t, Options{Title: "Valley Courier"})
	ctx := context.Background()
	now := time.Now()
	add := func(text string, status news.Status, lastErr string) {
		p := &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, SortAt: now, NotBefore: now, CreatedAt: now}
		if err := st.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		if status != news.StatusQueued {
			if _, err := st.Transition(ctx, p.ID, []news.Status{news.StatusQueued}, status, "", "test", now, outbox.Settle(status, now, func(p *news.Post) {
				p.LastError, p.RemoteURL = lastErr, "https://x.com/valleycourier/status/1"
			})); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("Council approves <b>budget</b>\n\nhttps://news.example/budget", news.StatusPublished, "")
	add("Bridge repairs begin", news.StatusQueued, "")
	add("Festival returns", news.StatusFailed, "X refused the post: text too long")
	code, body := do(t, "GET", srv.URL+"/", "", "")
	if code != 200 {
		t.Fatalf("dashboard = %d", code)
	}
	for _, want := range []string{"Valley Courier", "Council approves &lt;b&gt;budget&lt;/b&gt;<br><br>", "https://x.com/valleycourier/status/1",
		"Bridge repairs begin", "X refused the post: text too long", "1 published",
		"49 left of 50", "$0.20 spent this month, $99.80 left of $100.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if strings.Contains(body, "<b>budget</b>") {
		t.Error("post text is not escaped")
	}
}

func TestPreview(t *testing.T) {
	const token = "token-of-ana-0123456789"
	fetched := 0
	read := func(ctx context.Context, url string) (*news.Article, string, error) {
		fetched++
		if strings.Contains(url, "broken") {
			return nil, "", errors.New("the page has no title or text to post")
		}
		return &news.Article{URL: url}, "Headline\n\nLede.\n\n" + url, nil
	}
	// Without editor tokens herald is read-only: a text is counted for
	// anyone, an address is fetched for no one.
	anon, _, _ := newServer(t, Options{}, read)
	if code, body := do(t, "POST", anon.URL+"/api/v1/preview", "", `{"url":"https://news.example/story"}`); code != 403 || fetched != 0 {
		t.Errorf("anonymous preview of an address: %d %s, %d fetches", code, body, fetched)
	}
	if code, _ := do(t, "POST", anon.URL+"/api/v1/preview", "", `{"text":"hi"}`); code != 200 {
		t.Errorf("anonymous preview of a text: %d", code)
	}
	srv, _, _ := newServer(t, Options{Tokens: map[string]string{token: "ana"}}, read)
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{`{"text":"Hello https://example.com/a/very/long/path/that/counts/as/23"}`, 200, `"weighted_length":29`},
		{`{"text":"日本語"}`, 200, `"weighted_length":6`},
		{`{"url":"https://news.example/story"}`, 200, `"text":"Headline\n\nLede.\n\nhttps://news.example/story"`},
		{`{"url":"https://news.example/broken"}`, 422, `"error":"could not read that page`},
		{`{"url":"ftp://news.example/story"}`, 422, `is not an http(s) URL`},
		{`{}`, 422, `give \"url\" or \"text\"`},
		{`{"url":"https://a.example/","text":"x"}`, 422, `not both`},
		{`{"txt":"typo"}`, 400, `unknown field`},
		{`{"text":`, 400, `bad JSON body`},
		{`{"text":"a"} {"text":"b"}`, 400, `more than one value`},
	} {
		code, body := do(t, "POST", srv.URL+"/api/v1/preview", token, tc.body)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s → %d %s; want %d with %s", tc.body, code, body, tc.code, tc.want)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Errorf("%s: answer is not JSON: %q", tc.body, body)
		}
	}
	code, body := do(t, "POST", srv.URL+"/api/v1/preview", token, `{"text":"`+strings.Repeat("a", 281)+`"}`)
	if code != 200 || !strings.Contains(body, `"valid":false`) || !strings.Contains(body, `"limit":280`) {
		t.Errorf("over the limit: %d %s", code, body)
	}
}

func TestTokens(t *testing.T) {
	srv, _, _ := newServer(t, Options{Tokens: map[string]string{"token-of-ana-0123456789": "ana"}})
	for _, tok := range []string{"", "wrong-token-0123456789", "token-of-ana"} {
		code, body := do(t, "GET", srv.URL+"/api/v1/posts", tok, "")
		if code != 401 || !strings.Contains(body, `"error"`) {
			t.Errorf("token %q: %d %s", tok, code, body)
		}
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/posts", "token-of-ana-0123456789", ""); code != 200 || !strings.Contains(body, `"posts":[]`) {
		t.Errorf("good token: %d %s", code, body)
	}
}

func TestPostsAPI(t *testing.T) {
	srv, st, _ := newServer(t, Options{})
	now := time.Now()
	for _, text := range []string{"one", "two"} {
		if err := st.AddPost(context.Background(), &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	code, body := do(t, "GET", srv.URL+"/api/v1/posts?status=queued", "", "")
	var v struct{ Posts []postJSON }
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || len(v.Posts) != 2 || v.Posts[0].Status != "queued" {
		t.Errorf("GET posts: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/posts?status=lost", "", ""); code != 400 || !strings.Contains(body, `unknown status`) {
		t.Errorf("bad status: %d %s", code, body)
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/nothing", "", ""); code != 404 || !strings.Contains(body, `"error"`) {
		t.Errorf("unknown endpoint: %d %s", code, body)
	}
}

func TestStatusAPIAndMetrics(t *testing.T) {
	srv, st, _ := newServer(t, Options{})
	m := NewMetrics("test", st)
	m.WatchDestinations(func(ctx context.Context) ([]outbox.DestinationStatus, error) {
		return []outbox.DestinationStatus{{Name: "x", Paused: true, PostsLeftToday: 3, MonthlyBudget: 10, BudgetLeft: 2.5, RateLimitRemaining: 42, RateLimitReset: time.Unix(1800000000, 0)}}, nil
	})
	msrv := httptest.NewServer(New(Options{Store: st, Registry: m.Registry, Log: slog.New(slog.DiscardHandler)}))
	defer msrv.Close()
	code, body := do(t, "GET", msrv.URL+"/metrics", "", "")
	for _, want := range []string{`herald_daily_posts_left{destination="x"} 3`, `herald_budget_left_dollars{destination="x"} 2.5`,
		`herald_destination_paused{destination="x"} 1`, `herald_rate_limit_remaining{destination="x"} 42`,
		`herald_rate_limit_reset_timestamp_seconds{destination="x"} 1.8e+09`, `herald_queue_depth{status="queued"} 0`,
		`herald_build_info{version="test"} 1`, "go_goroutines"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	code, body = do(t, "GET", srv.URL+"/api/v1/status", "", "")
	var v struct {
		Destinations []outbox.DestinationStatus
		Posts        map[string]int
	}
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || len(v.Destinations) != 1 ||
		v.Destinations[0].PostsLeftToday != 49 || v.Destinations[0].BudgetLeft != 99.8 {
		t.Errorf("status: %d %s", code, body)
	}
	if _, ok := v.Posts["queued"]; !ok {
		t.Errorf("status lacks the queue counts: %s", body)
	}
}
