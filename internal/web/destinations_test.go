package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/local"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// threeDests is herald's API and dashboard over three destinations, one
// of each network, each local timeline standing in for its network.
func threeDests(t *testing.T) (*httptest.Server, store.Store, *dash) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	read := func(ctx context.Context, u string) (*news.Article, string, error) {
		now := time.Now()
		return &news.Article{GUID: u, URL: u, Key: strings.TrimPrefix(u, "https://"), Title: "Clinic opens", Seen: now, Published: now},
			"Clinic opens 🏥\n\n" + u, nil
	}
	d := outbox.New(st, []outbox.Publisher{local.New("x"), local.New("bluesky"), local.New("mastodon")}, outbox.Options{
		Log: slog.New(slog.DiscardHandler), Articles: articlesOf(read),
		Destinations: map[string]outbox.Destination{
			"x":        {Network: "x", Text: compose.X()},
			"bluesky":  {Network: "bluesky", Text: compose.Bluesky()},
			"mastodon": {Network: "mastodon", Text: compose.Mastodon(500, 23)},
		}})
	s := New(Options{Store: st, Editor: d, Status: d.Status, Log: slog.New(slog.DiscardHandler),
		Tokens: map[string]string{anaToken: "ana", editorToken: editorName}})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, st, &dash{t: t, srv: srv, s: s, st: st, d: d}
}

func TestAPIForSeveralDestinations(t *testing.T) {
	srv, _, _ := threeDests(t)
	post := func(body string) (int, string) { return do(t, "POST", srv.URL+"/api/v1/posts", anaToken, body) }
	code, body := post(`{"url":"https://news.example.org/clinic/"}`)
	var made struct {
		Post  postJSON
		Posts []postJSON
	}
	if err := json.Unmarshal([]byte(body), &made); code != 202 || err != nil || len(made.Posts) != 3 || made.Post.ID != made.Posts[0].ID {
		t.Fatalf("from a URL: %d %s", code, body)
	}
	for i, dest := range []string{"x", "bluesky", "mastodon"} {
		if p := made.Posts[i]; p.Destination != dest || p.ArticleID == 0 || p.Text != "Clinic opens 🏥\n\nhttps://news.example.org/clinic/" {
			t.Errorf("post %d: %+v", i, p)
		}
	}
	code, body = post(`{"text":"Roads close at six","destinations":["bluesky","mastodon"]}`)
	if err := json.Unmarshal([]byte(body), &made); code != 202 || err != nil || len(made.Posts) != 2 || made.Posts[0].Destination != "bluesky" {
		t.Errorf("to two: %d %s", code, body)
	}
	code, body = post(`{"text":"Old style","destination":"mastodon"}`)
	if err := json.Unmarshal([]byte(body), &made); code != 202 || err != nil || len(made.Posts) != 1 || made.Post.Destination != "mastodon" {
		t.Errorf("one destination, as before: %d %s", code, body)
	}
	// 301 characters: Bluesky refuses, named; nothing is made.
	long := strings.Repeat("a", 301)
	if code, body = post(`{"text":"` + long + `","destinations":["mastodon","bluesky"]}`); code != 422 ||
		!strings.Contains(body, "for bluesky: the text is 301 characters as Bluesky counts them; the limit is 300") {
		t.Errorf("too long for Bluesky: %d %s", code, body)
	}
	if code, body = post(`{"text":"hi","destinations":["threads"]}`); code != 422 || !strings.Contains(body, `no destination \"threads\"`) {
		t.Errorf("an unknown destination: %d %s", code, body)
	}

	// The preview: X's text and count as before, and each destination's.
	code, body = do(t, "POST", srv.URL+"/api/v1/preview", anaToken, `{"text":"Clinic opens 🏥 https://news.example.org/a/very/long/path/to/the/article/page"}`)
	var pv previewResponse
	if err := json.Unmarshal([]byte(body), &pv); code != 200 || err != nil {
		t.Fatalf("preview: %d %s", code, body)
	}
	if pv.WeightedLength != 39 || pv.Limit != 280 || !pv.Valid || len(pv.Destinations) != 3 {
		t.Errorf("preview: %s", body)
	}
	want := map[string][2]int{"x": {39, 280}, "bluesky": {76, 300}, "mastodon": {38, 500}}
	for _, d := range pv.Destinations {
		if w := want[d.Destination]; d.Length != w[0] || d.Limit != w[1] || !d.Valid || d.Network != d.Destination {
			t.Errorf("preview for %s: %+v, want length %d of %d", d.Destination, d, w[0], w[1])
		}
	}
	if !strings.Contains(body, `"destinations":[{"name":"x","network":"x","text":`) {
		t.Errorf("the preview's destinations are not named as documented: %s", body)
	}
}

func TestComposeForSeveralDestinations(t *testing.T) {
	_, st, d := threeDests(t)
	b := d.browser()
	b.signIn(editorToken)
	a := b.get("/compose?url=https%3A%2F%2Fnews.example.org%2Fclinic%2F")
	if a.code != 200 {
		t.Fatalf("compose from a URL: %d", a.code)
	}
	for _, want := range []string{
		`<textarea id="compose-text-x" name="text-x"`, `<textarea id="compose-text-bluesky" name="text-bluesky"`,
		`id="compose-count-bluesky" aria-live="polite" data-who="Bluesky" data-destination="bluesky"><span class="n">48</span> / <span class="limit">300</span>`,
		`id="compose-count-x" aria-live="polite" data-who="X" data-destination="x"><span class="n">40</span> / <span class="limit">280</span>`,
		`<span class="limit">500</span>`, `name="to" value="mastodon" checked`,
	} {
		if !strings.Contains(a.body, want) {
			t.Errorf("the compose page lacks %q", want)
		}
	}
	// Post to X and Bluesky only, Bluesky with its own words.
	a = b.post("/posts", url.Values{"url": {"https://news.example.org/clinic/"}, "chosen": {"1"}, "to": {"x", "bluesky"},
		"text-x": {"Clinic opens https://news.example.org/clinic/"}, "text-bluesky": {"Our new clinic https://news.example.org/clinic/"},
		"text-mastodon": {"not posted https://news.example.org/clinic/"}, "when": {"now"}})
	if a.code != http.StatusSeeOther {
		t.Fatalf("posting: %d %s", a.code, a.body)
	}
	posts, _ := st.Posts(context.Background(), store.PostFilter{})
	got := map[string]string{}
	for _, p := range posts {
		got[p.Destination] = p.Text
	}
	if len(got) != 2 || got["x"] != "Clinic opens https://news.example.org/clinic/" || got["bluesky"] != "Our new clinic https://news.example.org/clinic/" {
		t.Errorf("posts made: %q", got)
	}
	// Nothing ticked: nothing made, and the page says so.
	a = b.post("/posts", url.Values{"text": {"Roads close"}, "chosen": {"1"}, "when": {"now"}})
	if a.code != http.StatusUnprocessableEntity || !strings.Contains(a.body, "Choose at least one destination") {
		t.Errorf("no destination ticked: %d", a.code)
	}
}
