package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/source/websub"
)

var until = time.Date(2026, 12, 9, 14, 30, 0, 0, time.UTC)

func pushFeeds() (fakeFeeds, func(context.Context) (map[string]websub.Status, error)) {
	feeds := fakeFeeds{
		{URL: "https://news.example.org/feed/", Title: "Valley Courier"},
		{URL: "https://news.example.org/sport/feed/", Title: "Sport"},
		{URL: "https://news.example.org/culture/feed/", Title: "Culture"},
		{URL: "https://other.example.org/rss", Title: "Other"},
		{URL: "https://new.example.org/rss", Title: "New"},
	}
	push := func(context.Context) (map[string]websub.Status, error) {
		return map[string]websub.Status{
			"https://news.example.org/feed/":         {State: "active", Hub: "https://hub.example.com/", Until: until},
			"https://news.example.org/sport/feed/":   {State: "subscribing", Hub: "https://hub.example.com/"},
			"https://news.example.org/culture/feed/": {State: "refused", Hub: "https://hub.example.com/", Reason: "the hub: the server answered 403 Forbidden: <not allowed>"},
			"https://other.example.org/rss":          {State: "none"},
		}, nil
	}
	return feeds, push
}

// The Feeds page and GET /api/v1/feeds say how each feed's news reach
// herald besides polling.
func TestFeedsShowPush(t *testing.T) {
	feeds, push := pushFeeds()
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}, Feeds: feeds, Push: push})
	b := d.browser()
	b.signIn(editorToken)
	page := b.get("/feeds")
	for _, want := range []string{
		`<th scope="col">Push</th>`,
		`<span class="good">via hub.example.com</span> until <time datetime="2026-12-09T14:30:00Z"`,
		`subscribing… <small>(hub.example.com)</small>`,
		`<span class="bad">refused: the hub: the server answered 403 Forbidden: &lt;not allowed&gt;</span>`,
		`<span class="muted">no hub</span>`,
		`<span class="muted">not read yet</span>`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("/feeds lacks %q", want)
		}
	}
	code, body := do(t, "GET", d.srv.URL+"/api/v1/feeds", editorToken, "")
	var v struct {
		Feeds []struct {
			URL  string
			Push struct{ State, Hub, Until, Reason string }
		}
	}
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || len(v.Feeds) != 5 {
		t.Fatalf("/api/v1/feeds: %d %s", code, body)
	}
	want := []string{"active https://hub.example.com/ 2026-12-09T14:30:00Z ", "subscribing https://hub.example.com/  ",
		"refused https://hub.example.com/  the hub: the server answered 403 Forbidden: <not allowed>", "none   ", "unknown   "}
	for i, f := range v.Feeds {
		if got := strings.Join([]string{f.Push.State, f.Push.Hub, f.Push.Until, f.Push.Reason}, " "); got != want[i] {
			t.Errorf("%s: push %q, want %q", f.URL, got, want[i])
		}
	}

	// Without HERALD_PUBLIC_URL, push is off and the page says why.
	off := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}, Feeds: feeds})
	b = off.browser()
	b.signIn(editorToken)
	if page := b.get("/feeds"); !strings.Contains(page.body, `<span class="muted">off</span><br><small>HERALD_PUBLIC_URL is not set</small>`) {
		t.Error("/feeds does not say push is off")
	}
	if _, body := do(t, "GET", off.srv.URL+"/api/v1/feeds", editorToken, ""); !strings.Contains(body, `"push":{"state":"off"}`) {
		t.Errorf("/api/v1/feeds without push: %s", body)
	}
}

// POST /api/v1/articles: a CMS's announcement, with an editor's token. A
// new article is 202 with its posts, a known one 200 "known", a bad address
// 422 in plain words; it is recorded in the audit log.
func TestAnnounceAPI(t *testing.T) {
	var got []string
	announce := func(ctx context.Context, url string, categories []string, by string) ([]*news.Post, bool, error) {
		got = append(got, url+" by "+by+" in "+strings.Join(categories, ","))
		switch {
		case strings.Contains(url, "known"):
			return nil, false, nil
		case !strings.HasPrefix(url, "https://"):
			return nil, false, news.Invalid("%q is not a web address (it must start with http:// or https://)", url)
		case strings.Contains(url, "down"):
			return nil, false, errors.New("store: database is locked")
		}
		return []*news.Post{{ID: 7, ArticleID: 3, Destination: "x", Text: "Clinic opens " + url, Status: news.StatusQueued, CreatedBy: by}}, true, nil
	}
	srv, st, _ := editorServer(t, Options{Tokens: map[string]string{anaToken: "wordpress"}, Announce: announce})
	post := func(token, body string) (int, string) { return do(t, "POST", srv.URL+"/api/v1/articles", token, body) }

	code, body := post(anaToken, `{"url":"https://news.example/clinic/","categories":["Health","Valley"]}`)
	var v struct {
		Status    string
		ArticleID int64 `json:"article_id"`
		Posts     []postJSON
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || code != http.StatusAccepted || v.Status != "new" || v.ArticleID != 3 ||
		len(v.Posts) != 1 || v.Posts[0].Status != "queued" || v.Posts[0].CreatedBy != "wordpress" {
		t.Errorf("new article: %d %s", code, body)
	}
	if code, body := post(anaToken, `{"url":"https://news.example/known/"}`); code != http.StatusOK || body != `{"status":"known"}`+"\n" {
		t.Errorf("known article: %d %s", code, body)
	}
	for _, tc := range []struct {
		token, body string
		code        int
		want        string
	}{
		{anaToken, `{"url":"clinic"}`, 422, `{"error":"\"clinic\" is not a web address (it must start with http:// or https://)"}`},
		{anaToken, `{"link":"https://news.example/a/"}`, 400, `bad JSON body`},
		{anaToken, `{"url":"https://news.example/down/"}`, 500, `{"error":"internal error"}`},
		{"", `{"url":"https://news.example/clinic/"}`, 401, `a valid editor token is required`},
		{"wrong-token-0123456789", `{"url":"https://news.example/clinic/"}`, 401, `a valid editor token is required`},
	} {
		if code, body := post(tc.token, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s, want %d %s", tc.body, code, body, tc.code, tc.want)
		}
	}
	if len(got) != 4 || got[0] != "https://news.example/clinic/ by wordpress in Health,Valley" {
		t.Errorf("Announce called %d times: %q", len(got), got)
	}
	log, _ := st.AuditLog(context.Background(), 10)
	if len(log) != 1 || log[0].Action != "announce" || log[0].Actor != "wordpress" || log[0].Detail != "https://news.example/clinic/" {
		t.Errorf("audit = %+v", log)
	}

	// Read-only herald (no tokens) takes no announcement.
	ro, _, _ := newServer(t, Options{Announce: announce})
	if code, _ := do(t, "POST", ro.URL+"/api/v1/articles", "", `{"url":"https://news.example/clinic/"}`); code != http.StatusForbidden {
		t.Errorf("read-only: %d", code)
	}
}

// The hubs' callbacks reach the subscriber without a token, and only when
// push is on; the metrics count subscriptions and notifications.
func TestCallbackRoutesAndMetrics(t *testing.T) {
	var calls []string
	hub := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls = append(calls, r.Method+" "+r.PathValue("id"))
		w.WriteHeader(http.StatusAccepted)
	})
	m := &Metrics{Registry: prometheus.NewRegistry()}
	observe := m.WatchWebSub(func(context.Context) (map[string]int, error) {
		return map[string]int{"active": 2, "none": 1, "subscribing": 0, "refused": 0, "unsubscribing": 0}, nil
	})
	observe(websub.ResultBadSignature)
	observe(websub.ResultAccepted)
	observe(websub.ResultAccepted)
	srv, _, _ := newServer(t, Options{WebSub: hub, Tokens: map[string]string{anaToken: "ana"}, Registry: m.Registry})
	if code, _ := do(t, "GET", srv.URL+"/websub/AbC123?hub.mode=subscribe", "", ""); code != 202 {
		t.Errorf("GET callback: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/websub/AbC123", "", "<rss/>"); code != 202 {
		t.Errorf("POST callback: %d", code)
	}
	if strings.Join(calls, ",") != "GET AbC123,POST AbC123" {
		t.Errorf("calls = %q", calls)
	}
	_, body := do(t, "GET", srv.URL+"/metrics", "", "")
	for _, want := range []string{
		`herald_websub_subscriptions{state="active"} 2`,
		`herald_websub_subscriptions{state="none"} 1`,
		`herald_websub_notifications_total{result="accepted"} 2`,
		`herald_websub_notifications_total{result="bad_signature"} 1`,
		`herald_websub_notifications_total{result="unknown"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	off, _, _ := newServer(t, Options{})
	if code, _ := do(t, "POST", off.URL+"/websub/AbC123", "", "<rss/>"); code != 404 {
		t.Errorf("callback with push off: %d", code)
	}
}
