package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
)

// TestNeedsAttentionPage: an article whose headline changed after it was
// posted is listed with both headlines and its post; the navigation counts
// it; the page's delete button takes the post down, and the timeline then
// says so.
func TestNeedsAttentionPage(t *testing.T) {
	d := newDash(t, Options{Tokens: map[string]string{editorToken: editorName}})
	at := d.d.Attention(outbox.AttentionOptions{})
	d.s.o.Attention = at
	ctx := context.Background()
	now := time.Now()
	a := &news.Article{GUID: "g", URL: "https://news.example/clinic", Key: "news.example/clinic", Title: "Clinic opens on Maple Avenue",
		Published: now, Seen: now}
	p := &news.Post{Destination: "x", Text: "Clinic opens on Maple Avenue https://news.example/clinic", Status: news.StatusQueued,
		SortAt: now, NotBefore: now, CreatedAt: now}
	if _, err := d.st.AddArticle(ctx, a, p); err != nil {
		t.Fatal(err)
	}
	d.d.Step(ctx)
	ev, err := at.Changed(ctx, a, outbox.ArticleChange{Kind: store.KindCorrection, NewTitle: "Clinic opens on Main Street",
		Detail: "the headline changed in the feed", Source: "feed"})
	if err != nil || ev == nil {
		t.Fatalf("event: %v", err)
	}

	b := d.browser()
	b.signIn(editorToken)
	page := b.get("/attention")
	for _, want := range []string{`Needs attention <span class="badge bad">1</span>`, "<del>Clinic opens on Maple Avenue</del>",
		"<ins>Clinic opens on Main Street</ins>", "the headline changed in the feed", "Delete everywhere", "Post a correction"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	res := b.post("/attention/"+itoa(ev.ID)+"/delete", url.Values{})
	if res.code != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", res.code, res.body)
	}
	if page := b.get("/attention"); !strings.Contains(page.body, "deleting 1 post from X") {
		t.Errorf("no message after the action:\n%s", page.body)
	}
	at.StepDeletions(ctx)
	if page := b.get("/"); !strings.Contains(page.body, "Deleted on X at ") {
		t.Errorf("the timeline does not mark the deleted post")
	}
	if page := b.get("/attention?all=1"); !strings.Contains(page.body, "Resolved ") || !strings.Contains(page.body, "by "+editorName) {
		t.Errorf("the resolved event is not shown as resolved")
	}

	// The API lists it too, and refuses an action it does not know.
	req, _ := http.NewRequest("POST", d.srv.URL+"/api/v1/attention/"+itoa(ev.ID)+"/shred", nil)
	req.Header.Set("Authorization", "Bearer "+editorToken)
	if a := b.do(req); a.code != http.StatusNotFound {
		t.Errorf("unknown action: %d", a.code)
	}
	req, _ = http.NewRequest("GET", d.srv.URL+"/api/v1/attention?all=1", nil)
	req.Header.Set("Authorization", "Bearer "+editorToken)
	if a := b.do(req); a.code != http.StatusOK || !strings.Contains(a.body, `"old_title":"Clinic opens on Maple Avenue"`) ||
		!strings.Contains(a.body, `"deletion":{"status":"deleted"`) {
		t.Errorf("the API: %d %s", a.code, a.body)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
