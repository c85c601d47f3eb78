package web

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
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

const anaToken = "token-of-ana-0123456789"

// editorServer is herald's API over a real store and dispatcher.
func editorServer(t *testing.T, o Options) (*httptest.Server, store.Store, *outbox.Dispatcher) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	read := func(ctx context.Context, url string) (*news.Article, string, error) {
		if strings.Contains(url, "internal") {
			return nil, "", news.Invalid("refused to connect to internal.example at 10.0.0.1: it is a private address (set HERALD_ALLOW_PRIVATE_URLS=true to allow private addresses)")
		}
		return &news.Article{GUID: url, URL: url, Key: strings.TrimPrefix(url, "https://"), Title: "Clinic opens", Seen: time.Now(), Published: time.Now()},
			"Clinic opens\n\n" + url, nil
	}
	d := outbox.New(st, []outbox.Publisher{local.New("x")}, outbox.Options{MaxAge: time.Hour, Log: slog.New(slog.DiscardHandler),
		Articles: articlesOf(read)})
	o.Store, o.Editor, o.Status = st, d, d.Status
	o.Log = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(New(o))
	t.Cleanup(srv.Close)
	return srv, st, d
}

func decodePost(t *testing.T, body string) postJSON {
	t.Helper()
	var v struct{ Post postJSON }
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("not a post: %q", body)
	}
	return v.Post
}

func TestCreatePosts(t *testing.T) {
	srv, _, _ := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	post := func(body string) (int, string) { return do(t, "POST", srv.URL+"/api/v1/posts", anaToken, body) }

	code, body := post(`{"text":"A note from the newsroom: our site is back."}`)
	p := decodePost(t, body)
	if code != 202 || p.Status != "queued" || p.CreatedBy != "ana" || p.Priority != news.PriorityEditor {
		t.Errorf("free text: %d %s", code, body)
	}
	code, body = post(`{"url":"https://news.example/clinic/","at":"2030-01-02T08:00:00Z"}`)
	p = decodePost(t, body)
	if code != 202 || p.Text != "Clinic opens\n\nhttps://news.example/clinic/" || p.NotBefore != "2030-01-02T08:00:00Z" || p.ArticleID == 0 {
		t.Errorf("from a URL: %d %s", code, body)
	}
	if code, body = post(`{"url":"https://news.example/clinic/"}`); code != 409 || body != `{"error":"herald has already posted or queued this article for x"}`+"\n" {
		t.Errorf("the same article twice: %d %s", code, body)
	}
	code, body = post(`{"url":"https://news.example/other/","text":"My own words https://news.example/other/"}`)
	if p = decodePost(t, body); code != 202 || p.Text != "My own words https://news.example/other/" {
		t.Errorf("URL with the editor's text: %d %s", code, body)
	}
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{`{"text":"` + strings.Repeat("word ", 60) + `"}`, 422, "the limit is 280"},
		{`{"text":"   "}`, 422, "the text is empty"},
		{`{}`, 422, "give an article's address or a text"},
		{`{"url":"javascript:alert(1)"}`, 422, "is not a web address"},
		{`{"url":"https://internal.example/"}`, 422, "HERALD_ALLOW_PRIVATE_URLS"},
		{`{"text":"hi","at":"tomorrow"}`, 422, "RFC 3339"},
		{`{"text":"hi","destination":"mastodon"}`, 422, `no destination`},
		{`{"text":"hi","colour":"red"}`, 400, "unknown field"},
		{`not json`, 400, "bad JSON"},
	} {
		if code, body := post(tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s → %d %s; want %d %q", tc.body, code, body, tc.code, tc.want)
		}
	}
}

func TestPostActions(t *testing.T) {
	srv, st, _ := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	ctx := context.Background()
	p := &news.Post{Destination: "x", Text: "Pending story", Status: news.StatusPending, CreatedAt: time.Now()}
	if err := st.AddPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("%s/api/v1/posts/%d", srv.URL, p.ID)
	if code, body := do(t, "PATCH", url, anaToken, `{"text":"Pending story, edited"}`); code != 200 || decodePost(t, body).Text != "Pending story, edited" {
		t.Errorf("edit: %d %s", code, body)
	}
	if code, body := do(t, "PATCH", url, anaToken, `{}`); code != 422 {
		t.Errorf("empty edit: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/approve", anaToken, ""); code != 200 || decodePost(t, body).Status != "queued" {
		t.Errorf("approve: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/approve", anaToken, ""); code != 409 || body != fmt.Sprintf(`{"error":"post #%d is queued: only pending posts can be approved"}`+"\n", p.ID) {
		t.Errorf("approve twice: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/cancel", anaToken, ""); code != 200 || decodePost(t, body).Status != "canceled" {
		t.Errorf("cancel: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/retry", anaToken, ""); code != 200 || decodePost(t, body).Status != "queued" {
		t.Errorf("retry: %d %s", code, body)
	}
	if code, body := do(t, "POST", url+"/publish", anaToken, ""); code != 200 || decodePost(t, body).Priority != news.PriorityEditor {
		t.Errorf("publish now: %d %s", code, body)
	}
	if code, _ := do(t, "POST", url+"/explode", anaToken, ""); code != 404 {
		t.Errorf("unknown action: %d", code)
	}
	if code, body := do(t, "POST", srv.URL+"/api/v1/posts/999999/approve", anaToken, ""); code != 404 || body != `{"error":"post #999999 does not exist"}`+"\n" {
		t.Errorf("missing post: %d", code)
	}
	code, body := do(t, "GET", url, anaToken, "")
	var v struct {
		History []struct{ Actor, To string }
	}
	if err := json.Unmarshal([]byte(body), &v); code != 200 || err != nil || len(v.History) < 5 || v.History[1].Actor != "ana" {
		t.Errorf("GET post: %d %s", code, body)
	}
	code, body = do(t, "GET", srv.URL+"/api/v1/audit", anaToken, "")
	if code != 200 || strings.Count(body, `"actor":"ana"`) != 5 {
		t.Errorf("audit: %d %s", code, body)
	}
}

func TestPauseResume(t *testing.T) {
	srv, _, d := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	if code, body := do(t, "POST", srv.URL+"/api/v1/pause", anaToken, ""); code != 200 || !strings.Contains(body, `"paused":true`) {
		t.Errorf("pause: %d %s", code, body)
	}
	if paused, _ := d.Paused(context.Background()); !paused {
		t.Error("not paused")
	}
	if _, body := do(t, "GET", srv.URL+"/api/v1/status", anaToken, ""); !strings.Contains(body, `"paused":true`) {
		t.Errorf("status does not show the pause: %s", body)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/v1/resume", anaToken, ""); code != 200 {
		t.Errorf("resume: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/v1/destinations/x/resume", anaToken, ""); code != 200 {
		t.Errorf("resume destination: %d", code)
	}
	if code, _ := do(t, "POST", srv.URL+"/api/v1/destinations/nowhere/resume", anaToken, ""); code != 404 {
		t.Errorf("resume unknown destination: %d", code)
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/feeds", anaToken, ""); code != 200 || !strings.Contains(body, `"feeds":[]`) {
		t.Errorf("feeds: %d %s", code, body)
	}
}

func TestReadOnlyWithoutTokens(t *testing.T) {
	srv, _, _ := editorServer(t, Options{})
	if code, body := do(t, "POST", srv.URL+"/api/v1/posts", "", `{"text":"hi"}`); code != 403 || !strings.Contains(body, "HERALD_EDITOR_TOKENS") {
		t.Errorf("write without tokens configured: %d %s", code, body)
	}
	if code, _ := do(t, "GET", srv.URL+"/api/v1/posts", "", ""); code != 200 {
		t.Errorf("read without tokens configured: %d", code)
	}
	demo, _, _ := editorServer(t, Options{OpenEditing: true})
	code, body := do(t, "POST", demo.URL+"/api/v1/posts", "", `{"text":"hi from the demo"}`)
	if code != 202 || decodePost(t, body).CreatedBy != "demo" {
		t.Errorf("demo write: %d %s", code, body)
	}
}

func TestFailedTokensAreRateLimited(t *testing.T) {
	srv, _, _ := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	for i := range maxFailuresFromAddr {
		if code, _ := do(t, "POST", srv.URL+"/api/v1/pause", fmt.Sprintf("guess-%d-0123456789", i), ""); code != 401 {
			t.Fatalf("attempt %d: %d, want 401", i, code)
		}
	}
	if code, body := do(t, "POST", srv.URL+"/api/v1/pause", "guess-again-0123456789", ""); code != 429 || !strings.Contains(body, `"error"`) {
		t.Errorf("after %d failures: %d %s", maxFailuresFromAddr, code, body)
	}
	// The right token works from the same address.
	if code, _ := do(t, "GET", srv.URL+"/api/v1/posts", anaToken, ""); code != 200 {
		t.Errorf("good token from a throttled address: %d", code)
	}
}

// GET /api/v1/queue lists the posts in the order they go out, each with
// its expected time, not by when they were last changed.
func TestAPIQueueInSendOrder(t *testing.T) {
	srv, _, d := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	ctx := context.Background()
	made, err := d.Create(ctx, "ana", outbox.Draft{Text: "Scheduled for later", At: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	later := made[0]
	made, err = d.Create(ctx, "ana", outbox.Draft{Text: "Goes now"})
	if err != nil {
		t.Fatal(err)
	}
	now := made[0]
	code, body := do(t, "GET", srv.URL+"/api/v1/queue", anaToken, "")
	var q struct {
		Queue []struct {
			ID         int64  `json:"id"`
			ExpectedAt string `json:"expected_at"`
		}
	}
	if err := json.Unmarshal([]byte(body), &q); code != 200 || err != nil || len(q.Queue) != 2 {
		t.Fatalf("%d %s", code, body)
	}
	if q.Queue[0].ID != now.ID || q.Queue[1].ID != later.ID || q.Queue[1].ExpectedAt != later.NotBefore.UTC().Format(time.RFC3339) {
		t.Errorf("queue out of send order: %s", body)
	}
}

// GET /api/v1/posts pages through every post: limit up to 1,000, a next
// cursor until the last page, each post once.
func TestAPIPostsPages(t *testing.T) {
	srv, st, _ := editorServer(t, Options{Tokens: map[string]string{anaToken: "ana"}})
	ctx := context.Background()
	now := time.Now()
	const n = 250
	for i := range n {
		p := &news.Post{Destination: "x", Text: fmt.Sprintf("post %d", i), Status: news.StatusQueued, SortAt: now, NotBefore: now, CreatedAt: now}
		if err := st.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[int64]bool{}
	pages, cursor := 0, ""
	for {
		u := srv.URL + "/api/v1/posts?limit=100"
		if cursor != "" {
			u += "&cursor=" + cursor
		}
		code, body := do(t, "GET", u, anaToken, "")
		var page struct {
			Posts []postJSON
			Next  string
		}
		if err := json.Unmarshal([]byte(body), &page); code != 200 || err != nil {
			t.Fatalf("%d %s", code, body)
		}
		pages++
		for _, p := range page.Posts {
			if seen[p.ID] {
				t.Fatalf("post %d on two pages", p.ID)
			}
			seen[p.ID] = true
		}
		if page.Next == "" {
			break
		}
		cursor = page.Next
	}
	if len(seen) != n || pages != 3 {
		t.Errorf("%d posts in %d pages, want %d in 3", len(seen), pages, n)
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=ten", "cursor=bogus"} {
		if code, body := do(t, "GET", srv.URL+"/api/v1/posts?"+q, anaToken, ""); code != 400 || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s", q, code, body)
		}
	}
	if code, body := do(t, "GET", srv.URL+"/api/v1/posts?limit=1000", anaToken, ""); code != 200 || strings.Contains(body, `"next"`) {
		t.Errorf("one page of all: %d, next given", code)
	}
}
