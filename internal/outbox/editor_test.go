package outbox

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

func TestEditorActions(t *testing.T) {
	x := &script{name: "x"}
	d, st, c := setup(t, Options{MaxAge: 24 * time.Hour}, x)
	ctx := context.Background()
	pending := func() *news.Post {
		p := &news.Post{Destination: "x", Text: "pending", Status: news.StatusPending, SortAt: t0, NotBefore: t0, CreatedAt: t0}
		if err := st.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := pending(), pending()
	if p, err := d.Approve(ctx, a.ID, "ana"); err != nil || p.Status != news.StatusQueued {
		t.Fatalf("approve: %+v %v", p, err)
	}
	if _, err := d.Approve(ctx, a.ID, "ana"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("approving twice: %v, want ErrConflict", err)
	}
	if p, err := d.Reject(ctx, b.ID, "ben"); err != nil || p.Status != news.StatusCanceled {
		t.Fatalf("reject: %+v %v", p, err)
	}
	text := "edited text"
	later := t0.Add(time.Hour)
	if p, err := d.Edit(ctx, a.ID, "ana", Change{Text: &text, At: &later}); err != nil || p.Text != text || !p.NotBefore.Equal(later) || p.Status != news.StatusQueued {
		t.Fatalf("edit: %+v %v", p, err)
	}
	d.Step(ctx)
	if x.calls != 0 {
		t.Fatal("sent before its new time")
	}
	if p, err := d.PublishNow(ctx, a.ID, "ana"); err != nil || p.Priority != news.PriorityEditor || !p.NotBefore.Equal(c.Now()) {
		t.Fatalf("post now: %+v %v", p, err)
	}
	d.Step(ctx)
	if len(x.sent) != 1 || x.sent[0] != text {
		t.Fatalf("sent %q", x.sent)
	}
	if _, err := d.Cancel(ctx, a.ID, "ana"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("canceling a published post: %v", err)
	}
	if _, err := d.Edit(ctx, a.ID, "ana", Change{Text: &text}); !errors.Is(err, news.ErrConflict) {
		t.Errorf("editing a published post: %v", err)
	}
	if p, err := d.Retry(ctx, b.ID, "ben"); err != nil || p.Status != news.StatusQueued || p.Attempts != 0 {
		t.Fatalf("retry: %+v %v", p, err)
	}
	if _, err := d.Approve(ctx, 9999, "ana"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing post: %v", err)
	}
	h, _ := st.History(ctx, a.ID)
	actors := map[string]bool{}
	for _, tr := range h {
		actors[tr.Actor] = true
	}
	if !actors["ana"] || !actors["dispatcher"] {
		t.Errorf("history does not name who acted: %+v", h)
	}
	log, _ := st.AuditLog(ctx, 20)
	if len(log) != 5 {
		t.Errorf("audit log has %d entries, want 5: %+v", len(log), log)
	}
}

func TestCreate(t *testing.T) {
	x := &script{name: "x"}
	d, _, _ := setup(t, Options{MaxAge: 24 * time.Hour}, x)
	ctx := context.Background()
	free := &news.Post{Destination: "x", Text: "A note from the newsroom"}
	if err := d.Create(ctx, "ana", nil, free); err != nil || free.ID == 0 || free.Priority != news.PriorityEditor || free.CreatedBy != "ana" {
		t.Fatalf("free text: %+v %v", free, err)
	}
	art := func() *news.Article {
		return &news.Article{GUID: "https://news.example/a/", URL: "https://news.example/a/", Key: "news.example/a", Title: "A", Published: t0, Seen: t0}
	}
	first := &news.Post{Destination: "x", Text: "A https://news.example/a/"}
	if err := d.Create(ctx, "ana", art(), first); err != nil || first.ArticleID == 0 {
		t.Fatalf("for an article: %+v %v", first, err)
	}
	second := &news.Post{Destination: "x", Text: "A again https://news.example/a/"}
	if err := d.Create(ctx, "ben", art(), second); !errors.Is(err, news.ErrConflict) {
		t.Errorf("second post of one article: %v, want ErrConflict", err)
	}
	d.Step(ctx)
	if len(x.sent) != 2 {
		t.Errorf("sent %q", x.sent)
	}
}
