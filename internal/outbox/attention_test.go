package outbox

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/publish/mastodon"
	"github.com/heraldhq/herald/internal/publish/mastodon/mastofake"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/publish/x/xfake"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// toot adapts the Mastodon publisher, which takes a news.Message, to the
// dispatcher's Publisher; its Edit and Delete come with it.
type toot struct{ *mastodon.Publisher }

var (
	_ Deleter    = toot{}
	_ PostEditor = toot{}
	_ Deleter    = (*x.Publisher)(nil)
)

// desk is a dispatcher posting to a fake X and a fake Mastodon, with its
// corrections and takedowns desk.
type desk struct {
	d     *Dispatcher
	at    *Attention
	st    store.Store
	fx    *xfake.Server
	fm    *mastofake.Server
	c     *clock
	kinds []store.AttentionKind
}

func newDesk(t *testing.T, o AttentionOptions) *desk {
	t.Helper()
	k := &desk{c: &clock{now: time.Now().Truncate(time.Second)}}
	k.fx = xfake.New(xfake.Options{ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as", Username: "courier"})
	xsrv := httptest.NewServer(k.fx)
	t.Cleanup(xsrv.Close)
	k.fm = mastofake.New(mastofake.Options{Token: "mtoken"})
	msrv := httptest.NewServer(k.fm)
	t.Cleanup(msrv.Close)
	xp, err := x.New(x.Options{APIURL: xsrv.URL, ConsumerKey: "ck", ConsumerSecret: "cs", AccessToken: "at", AccessSecret: "as", Clock: k.c.Now})
	if err != nil {
		t.Fatal(err)
	}
	mp, err := mastodon.New(mastodon.Options{Server: msrv.URL, Token: "mtoken"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	k.st = st
	k.d = New(st, []Publisher{xp, toot{mp}}, Options{Clock: k.c.Now, Jitter: func() float64 { return 0 },
		Log: slog.New(slog.DiscardHandler), MaxAge: 24 * time.Hour, MaxAttempts: 3})
	if o.Write == nil {
		o.Write = func(a *news.Article, dest string) (string, error) { return a.Title + "\n\n" + a.URL, nil }
	}
	if o.Correction == nil {
		o.Correction = func(a *news.Article, dest string) (string, error) {
			return "Correction: " + a.Title + "\n\n" + a.URL, nil
		}
	}
	o.Observe = func(kind store.AttentionKind) { k.kinds = append(k.kinds, kind) }
	k.at = k.d.Attention(o)
	return k
}

// posted records an article with a post to each destination and sends them.
func (k *desk) posted(t *testing.T, n int, title string) *news.Article {
	t.Helper()
	ctx := context.Background()
	now := k.c.Now()
	a := &news.Article{GUID: title, URL: "https://news.example/" + strings.ReplaceAll(strings.ToLower(title), " ", "-"),
		Title: title, Published: now, Seen: now}
	a.Key = strings.TrimPrefix(a.URL, "https://")
	var posts []*news.Post
	for _, dest := range []string{"x", "mastodon"} {
		posts = append(posts, &news.Post{Destination: dest, Text: title + "\n\n" + a.URL, Status: news.StatusQueued,
			SortAt: now, NotBefore: now, CreatedAt: now})
	}
	if _, err := k.st.AddArticle(ctx, a, posts...); err != nil {
		t.Fatal(err)
	}
	k.d.Step(ctx)
	for _, p := range posts {
		if got := status(t, k.st, p.ID); got.Status != news.StatusPublished {
			t.Fatalf("post %d to %s: %+v", p.ID, p.Destination, got)
		}
	}
	return a
}

// TestEditThenDelete: a corrected headline is one event; an edit changes
// the Mastodon status in place and leaves the event open for X, which
// cannot edit; delete then takes both posts down, once.
func TestEditThenDelete(t *testing.T) {
	k := newDesk(t, AttentionOptions{})
	ctx := context.Background()
	a := k.posted(t, 1, "Clinic opens on Maple Avenue")
	ev, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: "Clinic opens on Main Street", Source: "feed"})
	if err != nil || ev == nil || !ev.Open || ev.OldTitle != "Clinic opens on Maple Avenue" {
		t.Fatalf("event: %+v %v", ev, err)
	}
	// The same headline again changes nothing; another is the same event.
	if again, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: "Clinic opens on Main Street"}); err != nil || again != nil {
		t.Errorf("the same headline: %+v %v", again, err)
	}
	again, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: "Clinic opens on Main St."})
	if err != nil || again == nil || again.ID != ev.ID || again.OldTitle != "Clinic opens on Maple Avenue" || again.NewTitle != "Clinic opens on Main St." {
		t.Errorf("another headline: %+v %v", again, err)
	}
	if len(k.kinds) != 1 {
		t.Errorf("counted %v, want one correction", k.kinds)
	}

	it, msg, err := k.at.Act(ctx, ev.ID, ActEdit, "ana")
	if err != nil || !it.Event.Open || !strings.Contains(msg, "edited 1 post; still to decide: x") {
		t.Fatalf("edit: %q %v %+v", msg, err, it.Event)
	}
	if sts := k.fm.Statuses(); len(sts) != 1 || !strings.HasPrefix(sts[0].Text, "Clinic opens on Main St.") {
		t.Errorf("the Mastodon status: %+v", sts)
	}
	for _, p := range it.Posts {
		if p.Destination == "mastodon" && !strings.HasPrefix(p.Text, "Clinic opens on Main St.") {
			t.Errorf("the edited post's text: %q", p.Text)
		}
	}

	it, msg, err = k.at.Act(ctx, ev.ID, ActDelete, "ana")
	if err != nil || it.Event.Open || msg != "deleting 2 posts from X, mastodon" {
		t.Fatalf("delete: %q %v", msg, err)
	}
	k.at.StepDeletions(ctx)
	if got := k.fx.Deleted(); len(got) != 1 || got[0] != k.fx.Posts()[0].ID {
		t.Errorf("deleted on X: %v", got)
	}
	if sts := k.fm.Statuses(); len(sts) != 0 {
		t.Errorf("left on Mastodon: %+v", sts)
	}
	it, _ = k.at.Item(ctx, ev.ID)
	for _, p := range it.Posts {
		if d := it.Deletions[p.ID]; d == nil || d.Status != store.DeletionDone || d.DeletedAt.IsZero() || p.Status != news.StatusPublished {
			t.Errorf("post %d to %s: %+v, deletion %+v", p.ID, p.Destination, p, d)
		}
	}
	if _, _, err := k.at.Act(ctx, ev.ID, ActDelete, "bo"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("delete again: %v", err)
	}
	if _, _, err := k.at.Act(ctx, ev.ID, ActDismiss, "bo"); !errors.Is(err, news.ErrConflict) {
		t.Errorf("dismiss a resolved event: %v", err)
	}
	k.at.StepDeletions(ctx)
	if n := k.fx.DeleteCalls(); n != 1 {
		t.Errorf("%d delete calls to X, want 1", n)
	}
}

// TestDeletionRetries: a deletion X cannot make now is tried again later;
// one X refuses fails, is shown, and is tried again when an editor asks.
func TestDeletionRetries(t *testing.T) {
	k := newDesk(t, AttentionOptions{OnTakedown: PolicyDelete})
	ctx := context.Background()
	a := k.posted(t, 1, "Councillor arrested")
	k.fx.PushDelete(xfake.Unavailable(), xfake.Unavailable())
	ev, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindTakedown, Detail: "page gone: 410", Source: "page"})
	if err != nil || ev == nil {
		t.Fatal(err)
	}
	if ev, _ := k.st.AttentionEvent(ctx, ev.ID); ev.Open || !strings.HasPrefix(ev.Resolution, "delete:") ||
		ev.ResolvedBy != "policy (HERALD_ON_TAKEDOWN=delete)" {
		t.Errorf("the policy's resolution: %+v", ev)
	}
	for range 3 {
		k.at.StepDeletions(ctx)
		k.c.Advance(10 * time.Second)
	}
	if got := k.fx.Deleted(); len(got) != 1 || k.fx.DeleteCalls() != 3 {
		t.Errorf("deleted %v in %d calls; want 1 in 3", got, k.fx.DeleteCalls())
	}

	b := k.posted(t, 2, "Mayor resigns")
	k.fx.PushDelete(xfake.Forbidden("You are not allowed to delete this Tweet."))
	ev, _ = k.at.Changed(ctx, b, ArticleChange{Kind: store.KindTakedown, Detail: "retracted by cms", Source: "cms"})
	k.at.StepDeletions(ctx)
	it, _ := k.at.Item(ctx, ev.ID)
	var failed *store.Deletion
	for _, p := range it.Posts {
		if p.Destination == "x" {
			failed = it.Deletions[p.ID]
		}
	}
	if failed == nil || failed.Status != store.DeletionFailed || !strings.Contains(failed.LastError, "not allowed to delete") {
		t.Fatalf("the refused deletion: %+v", failed)
	}
	_, msg, err := k.at.Act(ctx, ev.ID, ActDelete, "ana")
	if err != nil || msg != "deleting 1 post from X" {
		t.Fatalf("asked again: %q %v", msg, err)
	}
	k.at.StepDeletions(ctx)
	if got := k.fx.Deleted(); len(got) != 2 {
		t.Errorf("deleted %v", got)
	}
}

// TestCorrectionPolicies: HERALD_ON_CORRECTION=repost queues a correction
// for every destination the article went to; edit edits Mastodon and keeps
// the event open for X.
func TestCorrectionPolicies(t *testing.T) {
	ctx := context.Background()
	k := newDesk(t, AttentionOptions{OnCorrection: PolicyRepost})
	a := k.posted(t, 1, "Bridge reopens")
	ev, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: "Bridge reopens on Friday"})
	if err != nil {
		t.Fatal(err)
	}
	k.d.Step(ctx)
	if ps := k.fx.Posts(); len(ps) != 2 || !strings.HasPrefix(ps[1].Text, "Correction: Bridge reopens on Friday") {
		t.Errorf("on X: %+v", ps)
	}
	if sts := k.fm.Statuses(); len(sts) != 2 || !strings.HasPrefix(sts[1].Text, "Correction: Bridge reopens on Friday") {
		t.Errorf("on Mastodon: %+v", sts)
	}
	if got, _ := k.st.AttentionEvent(ctx, ev.ID); got.Open {
		t.Errorf("the event stays open: %+v", got)
	}

	k = newDesk(t, AttentionOptions{OnCorrection: PolicyEdit})
	a = k.posted(t, 1, "Bridge reopens")
	ev, err = k.at.Changed(ctx, a, ArticleChange{Kind: store.KindCorrection, NewTitle: "Bridge reopens on Friday"})
	if err != nil {
		t.Fatal(err)
	}
	if sts := k.fm.Statuses(); len(sts) != 1 || !strings.HasPrefix(sts[0].Text, "Bridge reopens on Friday") {
		t.Errorf("on Mastodon: %+v", sts)
	}
	if got, _ := k.st.AttentionEvent(ctx, ev.ID); !got.Open {
		t.Errorf("the event is closed though X could not be edited: %+v", got)
	}
	if n := len(k.fx.Posts()); n != 1 || k.fx.DeleteCalls() != 0 {
		t.Errorf("X: %d posts, %d deletions", n, k.fx.DeleteCalls())
	}
}

// TestTakedownOfAPostInFlight: a post being sent when its article is taken
// down (HERALD_ON_TAKEDOWN=delete) is deleted once it is published.
func TestTakedownOfAPostInFlight(t *testing.T) {
	k := newDesk(t, AttentionOptions{OnTakedown: PolicyDelete})
	ctx := context.Background()
	now := k.c.Now()
	a := &news.Article{GUID: "g", URL: "https://news.example/arrest", Key: "news.example/arrest", Title: "Councillor arrested",
		Published: now, Seen: now}
	p := &news.Post{Destination: "x", Text: "Councillor arrested https://news.example/arrest", Status: news.StatusQueued,
		SortAt: now, NotBefore: now, CreatedAt: now}
	if _, err := k.st.AddArticle(ctx, a, p); err != nil {
		t.Fatal(err)
	}
	release := k.fx.Block()
	done := make(chan struct{})
	go func() { k.d.Step(ctx); close(done) }()
	if err := k.fx.WaitInFlight(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ev, err := k.at.Changed(ctx, a, ArticleChange{Kind: store.KindTakedown, Detail: "page gone: 410", Source: "page"})
	if err != nil || ev == nil {
		t.Fatalf("event: %+v %v", ev, err)
	}
	k.at.StepDeletions(ctx)
	if n := k.fx.DeleteCalls(); n != 0 {
		t.Fatalf("%d deletions before the post was published", n)
	}
	release()
	<-done
	k.at.StepDeletions(ctx)
	if got := k.fx.Deleted(); len(got) != 1 || got[0] != k.fx.Posts()[0].ID {
		t.Errorf("deleted %v, want the post that was in flight", got)
	}
	k.at.StepDeletions(ctx)
	if n := k.fx.DeleteCalls(); n != 1 {
		t.Errorf("%d delete calls, want 1", n)
	}
}
