package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
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
	if _, err := st.Transition(ctx, a.ID, []news.Status{news.StatusPending}, news.StatusPending, "", "feed", t0,
		func(p *news.Post) { p.LastError = "held: marked sponsored" }); err != nil {
		t.Fatal(err)
	}
	if p, err := d.Approve(ctx, a.ID, "ana"); err != nil || p.Status != news.StatusQueued || p.LastError != "" {
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

// articles is an Articles whose pages a test sets.
type articles struct {
	reads int
	// accept, when set, is the routing: what a destination takes.
	accept func(a *news.Article, dest string) bool
}

func (r *articles) ReadURL(ctx context.Context, url string) (*news.Article, error) {
	r.reads++
	if url == "https://news.example.org/gone/" {
		return nil, news.Invalid("the page answered 404 Not Found")
	}
	key := strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/")
	return &news.Article{GUID: url, URL: url, Key: key, Title: "A", Published: t0, Seen: t0, Lang: "en"}, nil
}

func (r *articles) Compose(a *news.Article, dest string) (string, error) {
	return fmt.Sprintf("%s (for %s) %s", a.Title, dest, a.URL), nil
}

func (r *articles) Accepts(a *news.Article, dest string) bool {
	return r.accept == nil || r.accept(a, dest)
}

func TestCreate(t *testing.T) {
	x := &script{name: "x"}
	read := &articles{}
	d, st, _ := setup(t, Options{MaxAge: 24 * time.Hour, Articles: read}, x)
	ctx := context.Background()
	posts, err := d.Create(ctx, "ana", Draft{Text: "A note from the newsroom"})
	if err != nil || len(posts) != 1 {
		t.Fatalf("free text: %+v %v", posts, err)
	}
	if free := posts[0]; free.ID == 0 || free.Priority != news.PriorityEditor || free.CreatedBy != "ana" || free.Destination != "x" || free.HasLink {
		t.Fatalf("free text: %+v", free)
	}
	posts, err = d.Create(ctx, "ana", Draft{URL: "https://news.example.org/a/"})
	if err != nil || len(posts) != 1 || posts[0].ArticleID == 0 || posts[0].Text != "A (for x) https://news.example.org/a/" || !posts[0].HasLink {
		t.Fatalf("for an article: %+v %v", posts, err)
	}
	_, err = d.Create(ctx, "ben", Draft{URL: "https://news.example.org/a/", Text: "A again https://news.example.org/a/"})
	if r, ok := news.Refusal(err); !ok || !errors.Is(err, news.ErrConflict) || r.Message != "herald has already posted or queued this article for x" {
		t.Errorf("second post of one article: %v, want a conflict", err)
	}
	for _, tc := range []struct {
		d    Draft
		kind error
		msg  string
	}{
		{Draft{}, news.ErrInvalid, "give an article's address or a text"},
		{Draft{Text: "   "}, news.ErrInvalid, "the text is empty"},
		{Draft{Text: strings.Repeat("a", 281)}, news.ErrInvalid, "the text is 281 characters as X counts them; the limit is 280: shorten it by 1"},
		{Draft{Text: "hi", Destination: "mastodon"}, news.ErrInvalid, `there is no destination "mastodon" (herald posts to x)`},
		{Draft{URL: "ftp://news.example.org/a"}, news.ErrInvalid, `"ftp://news.example.org/a" is not a web address (it must start with http:// or https://)`},
		{Draft{URL: "https://news.example.org/gone/"}, news.ErrInvalid, "the page answered 404 Not Found"},
	} {
		_, err := d.Create(ctx, "ana", tc.d)
		r, ok := news.Refusal(err)
		if !ok || !errors.Is(err, tc.kind) || r.Message != tc.msg {
			t.Errorf("%+v: %v, want %q", tc.d, err, tc.msg)
		}
	}
	d.Step(ctx)
	if len(x.sent) != 2 {
		t.Errorf("sent %q", x.sent)
	}
	if m := x.msgs[1]; m.Link != "https://news.example.org/a/" || m.Title != "A" || m.Lang != "en" || m.PostID == 0 {
		t.Errorf("the article's post was sent as %+v", m)
	}
	// An edit that adds a link makes the post a post with a link, which X
	// prices higher; one that removes it, a plain post.
	made, err := d.Create(ctx, "ana", Draft{Text: "No link yet", At: t0.Add(time.Hour)})
	if err != nil || made[0].HasLink {
		t.Fatalf("%+v %v", made, err)
	}
	p := made[0]
	withLink := "Now with https://news.example.org/b/"
	if p, err = d.Edit(ctx, p.ID, "ana", Change{Text: &withLink}); err != nil || !p.HasLink {
		t.Fatalf("edit adding a link: %+v %v", p, err)
	}
	if got, _ := st.Post(ctx, p.ID); !got.HasLink {
		t.Error("the stored post lost its link price")
	}
	plain := "Plain again"
	if p, err = d.Edit(ctx, p.ID, "ana", Change{Text: &plain}); err != nil || p.HasLink {
		t.Fatalf("edit removing the link: %+v %v", p, err)
	}
}

func TestRefusalsInEditorsWords(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{}, x)
	ctx := context.Background()
	p := queue(t, st, "x", "queued", t0)
	for _, tc := range []struct {
		err  error
		kind error
		msg  string
	}{
		{second(d.Approve(ctx, p.ID, "ana")), news.ErrConflict, fmt.Sprintf("post #%d is queued: only pending posts can be approved", p.ID)},
		{second(d.Retry(ctx, p.ID, "ana")), news.ErrConflict, fmt.Sprintf("post #%d is queued: only failed, skipped or canceled posts can be retried", p.ID)},
		{second(d.Cancel(ctx, 9999, "ana")), news.ErrNotFound, "post #9999 does not exist"},
		{second(d.Edit(ctx, p.ID, "ana", Change{})), news.ErrInvalid, "nothing to change: give a text, a time or a priority"},
		{second(d.Edit(ctx, p.ID, "ana", Change{Priority: ptr(1001)})), news.ErrInvalid, "the priority must be between 0 and 1000"},
		{d.ResumeDestination(ctx, "bluesky", "ana"), news.ErrNotFound, `there is no destination "bluesky" (herald posts to x)`},
	} {
		r, ok := news.Refusal(tc.err)
		if !ok || !errors.Is(tc.err, tc.kind) || r.Message != tc.msg {
			t.Errorf("%v: want %q (%v)", tc.err, tc.msg, tc.kind)
		}
	}
}

// An approval between an edit's read and its write is not undone: the edit
// lands on the approved post, which stays queued.
func TestEditKeepsAConcurrentApproval(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{}, x)
	ctx := context.Background()
	p := &news.Post{Destination: "x", Text: "pending", Status: news.StatusPending, SortAt: t0, NotBefore: t0, CreatedAt: t0}
	if err := st.AddPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	racing := &approveOnRead{Store: st, approve: func() {
		if _, err := d.Approve(ctx, p.ID, "ben"); err != nil {
			t.Error(err)
		}
	}}
	d.store = racing
	text := "edited"
	got, err := d.Edit(ctx, p.ID, "ana", Change{Text: &text})
	if err != nil || got.Status != news.StatusQueued || got.Text != text {
		t.Fatalf("edit racing an approval: %+v %v", got, err)
	}
	h, _ := st.History(ctx, p.ID)
	if last := h[len(h)-1]; last.From != news.StatusQueued || last.To != news.StatusQueued {
		t.Errorf("the edit was recorded as %s -> %s", last.From, last.To)
	}
}

// approveOnRead approves the post the first time the editor reads it, as
// another editor would between that read and the edit's write.
type approveOnRead struct {
	store.Store
	approve func()
	done    bool
}

func (s *approveOnRead) Post(ctx context.Context, id int64) (*news.Post, error) {
	p, err := s.Store.Post(ctx, id)
	if !s.done {
		s.done = true
		s.approve()
	}
	return p, err
}

func TestRaise(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{}, x)
	ctx := context.Background()
	a := queue(t, st, "x", "a", t0.Add(-2*time.Minute)) // older news: it goes first
	b := queue(t, st, "x", "b", t0.Add(-time.Minute))
	got, err := d.Raise(ctx, b.ID, "ana")
	if err != nil || got.Priority != 1 {
		t.Fatalf("raise: %+v %v", got, err)
	}
	if ests := EstimateQueue([]*news.Post{a, got}, QueueState{Now: t0}); ests[0].ID != b.ID {
		t.Errorf("raised post is not first: %+v", ests)
	}
}

func second[T any](_ T, err error) error { return err }

func ptr[T any](v T) *T { return &v }

// Posts left waiting for a destination herald no longer posts to (the local
// timeline, once X's credentials are set) are skipped with the reason.
func TestRetire(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{}, x)
	ctx := context.Background()
	old := queue(t, st, "local", "written for the local timeline", t0)
	mine := queue(t, st, "x", "for x", t0)
	n, err := d.Retire(ctx)
	if err != nil || n != 1 {
		t.Fatalf("retired %d: %v", n, err)
	}
	if got := status(t, st, old.ID); got.Status != news.StatusSkipped || got.LastError != "herald no longer posts to local (it posts to x)" {
		t.Errorf("left-over post: %+v", got)
	}
	if got := status(t, st, mine.ID); got.Status != news.StatusQueued {
		t.Errorf("a post for x: %s", got.Status)
	}
}

// Retire finds left-over posts however many waiting posts come before them.
func TestRetireReadsEveryPage(t *testing.T) {
	x := &script{name: "x"}
	d, st, _ := setup(t, Options{}, x)
	ctx := context.Background()
	for i := range 1200 {
		queue(t, st, "x", fmt.Sprintf("for x %d", i), t0.Add(-time.Hour)) // due first, in every order
	}
	old := queue(t, st, "local", "written for the local timeline", t0)
	if n, err := d.Retire(ctx); err != nil || n != 1 {
		t.Fatalf("retired %d: %v", n, err)
	}
	if got := status(t, st, old.ID); got.Status != news.StatusSkipped {
		t.Errorf("the left-over post behind 1,200 others: %s", got.Status)
	}
}
