package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
)

// postedArticle records an article of feed with one post to dest,
// published at at.
func postedArticle(t *testing.T, s store.Store, feedID int64, n int, dest string, at time.Time) (*news.Article, *news.Post) {
	t.Helper()
	ctx := context.Background()
	a := article(feedID, n)
	p := queued("post", at)
	p.Destination = dest
	if added, err := s.AddArticle(ctx, a, p); err != nil || !added {
		t.Fatalf("add article %d: %v %v", n, added, err)
	}
	p, err := transition(s, ctx, p.ID, []news.Status{news.StatusQueued}, news.StatusPublished, "", "", at,
		func(p *news.Post) { p.RemoteID = "remote-" + p.Destination })
	if err != nil {
		t.Fatal(err)
	}
	return a, p
}

// One open event per article and kind: a second change brings the open one
// up to date; once resolved, the next change opens a new one.
func testAttentionEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	a, _ := postedArticle(t, s, f.ID, 1, "x", t0)
	ev := &store.AttentionEvent{ArticleID: a.ID, Kind: store.KindCorrection, OldTitle: "Story 1", NewTitle: "Story one",
		Detail: "the headline changed in the feed", Source: "feed", CreatedAt: t0}
	if created, err := s.AddAttention(ctx, ev); err != nil || !created || ev.ID == 0 || !ev.Open {
		t.Fatalf("first: %v %v %+v", created, err, ev)
	}
	again := &store.AttentionEvent{ArticleID: a.ID, Kind: store.KindCorrection, OldTitle: "Story one", NewTitle: "Story One",
		Detail: "corrected by cms", Source: "cms", CreatedAt: t0.Add(time.Minute)}
	if created, err := s.AddAttention(ctx, again); err != nil || created || again.ID != ev.ID ||
		again.OldTitle != "Story 1" || again.NewTitle != "Story One" || again.Detail != "corrected by cms" ||
		!again.UpdatedAt.Equal(t0.Add(time.Minute)) || !again.CreatedAt.Equal(t0) {
		t.Fatalf("second change: %v %v %+v", created, err, again)
	}
	down := &store.AttentionEvent{ArticleID: a.ID, Kind: store.KindTakedown, Detail: "page gone: 410", Source: "page", CreatedAt: t0}
	if created, err := s.AddAttention(ctx, down); err != nil || !created {
		t.Fatalf("another kind: %v %v", created, err)
	}
	if n, err := s.CountOpenAttention(ctx); err != nil || n != 2 {
		t.Errorf("open: %d %v", n, err)
	}
	got, err := s.ResolveAttention(ctx, ev.ID, "dismissed", "ana", t0.Add(time.Hour))
	if err != nil || got.Open || got.Resolution != "dismissed" || got.ResolvedBy != "ana" || !got.ResolvedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("resolve: %+v %v", got, err)
	}
	if _, err := s.ResolveAttention(ctx, ev.ID, "dismissed", "bo", t0.Add(time.Hour)); !errors.Is(err, news.ErrConflict) {
		t.Errorf("resolve twice: %v", err)
	}
	open, err := s.AttentionEvents(ctx, false, 0)
	if err != nil || len(open) != 1 || open[0].ID != down.ID {
		t.Errorf("open events: %+v %v", open, err)
	}
	all, err := s.AttentionEvents(ctx, true, 0)
	if err != nil || len(all) != 2 || all[0].ID != down.ID {
		t.Errorf("all events, the open first: %+v %v", all, err)
	}
	third := &store.AttentionEvent{ArticleID: a.ID, Kind: store.KindCorrection, NewTitle: "Story 1b", CreatedAt: t0.Add(2 * time.Hour)}
	if created, err := s.AddAttention(ctx, third); err != nil || !created || third.ID == ev.ID {
		t.Fatalf("after resolving, a new event: %v %v", created, err)
	}
	if err := s.ReopenAttention(ctx, ev.ID, t0); !errors.Is(err, news.ErrConflict) {
		t.Errorf("reopen beside an open one: %v", err)
	}
	if _, err := s.AttentionEvent(ctx, 999); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing event: %v", err)
	}
	if err := s.SetArticleTitle(ctx, a.ID, "Story One"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Article(ctx, a.ID); got.Title != "Story One" {
		t.Errorf("title: %q", got.Title)
	}
	posts, err := s.ArticlePosts(ctx, a.ID)
	if err != nil || len(posts) != 1 || posts[0].Status != news.StatusPublished {
		t.Errorf("article posts: %+v %v", posts, err)
	}
}

// A post is deleted once: one deletion per post, claimed by one claimer at
// a time, again once its lease expires; done deletions count in the month.
func testDeletions(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	_, p := postedArticle(t, s, f.ID, 1, "x", t0)
	del := &store.Deletion{PostID: p.ID, Destination: "x", RemoteID: p.RemoteID, Status: store.DeletionQueued, NotBefore: t0,
		RequestedBy: "ana", Reason: "takedown", CreatedAt: t0}
	if err := s.AddDeletion(ctx, del); err != nil || del.ID == 0 {
		t.Fatalf("add: %v", err)
	}
	twice := *del
	if err := s.AddDeletion(ctx, &twice); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a second deletion of one post: %v", err)
	}
	if _, err := s.ClaimDeletion(ctx, "mastodon", t0, t0.Add(time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("claim for another destination: %v", err)
	}
	got, err := s.ClaimDeletion(ctx, "x", t0, t0.Add(time.Minute))
	if err != nil || got.ID != del.ID || got.Status != store.DeletionSending || got.Attempts != 1 || got.RemoteID != "remote-x" {
		t.Fatalf("claim: %+v %v", got, err)
	}
	if _, err := s.ClaimDeletion(ctx, "x", t0, t0.Add(time.Minute)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("claimed twice: %v", err)
	}
	if n, _ := s.CountDeletions(ctx, "x", t0.Add(-time.Hour), t0); n != 1 {
		t.Errorf("a deletion being sent counts: %d", n)
	}
	again, err := s.ClaimDeletion(ctx, "x", t0.Add(2*time.Minute), t0.Add(3*time.Minute))
	if err != nil || again.Attempts != 2 {
		t.Fatalf("claim after the lease: %+v %v", again, err)
	}
	again.Status, again.DeletedAt, again.UpdatedAt, again.LeaseUntil = store.DeletionDone, t0.Add(2*time.Minute), t0.Add(2*time.Minute), time.Time{}
	if err := s.SaveDeletion(ctx, again); err != nil {
		t.Fatal(err)
	}
	m, err := s.PostDeletions(ctx, []int64{p.ID, 999})
	if err != nil || len(m) != 1 || m[p.ID].Status != store.DeletionDone || !m[p.ID].DeletedAt.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("post deletions: %+v %v", m, err)
	}
	if list, err := s.DeletionsByStatus(ctx, []store.DeletionStatus{store.DeletionDone}, 0); err != nil || len(list) != 1 {
		t.Errorf("done deletions: %+v %v", list, err)
	}
	if n, _ := s.CountDeletions(ctx, "x", t0, t0.Add(time.Hour)); n != 1 {
		t.Errorf("done deletions counted: %d", n)
	}
	if n, _ := s.CountDeletions(ctx, "x", t0.Add(time.Hour), t0.Add(time.Hour)); n != 0 {
		t.Errorf("deletions before the month counted: %d", n)
	}
	// The month's deletions are spent from the budget: a post ($0.20) and a
	// deletion ($0.25 here) leave $0.05 of $0.50, too little for a post;
	// without the deletion, one would fit.
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := s.AddPost(ctx, queued("next", t0)); err != nil {
		t.Fatal(err)
	}
	budget := &outbox.Budget{Limit: 0.50, Post: 0.20, LinkPost: 0.20, Delete: 0.25, From: month, Until: month.AddDate(0, 1, 0)}
	var lim *outbox.Limited
	if _, err := s.ClaimPost(ctx, "x", t0.Add(time.Hour), outbox.Limits{Budget: budget, Lease: time.Hour}.Rules()); !errors.As(err, &lim) {
		t.Errorf("claim with $0.45 of $0.50 spent: %v", err)
	}
}

// The pages due a check are those of articles posted in the window with
// no takedown recorded: the never checked, then by when they are due; an
// article whose item left its feed goes first, once.
func testPageChecks(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	a1, _ := postedArticle(t, s, f.ID, 1, "x", t0)
	a2, _ := postedArticle(t, s, f.ID, 2, "x", t0.Add(time.Minute))
	old, _ := postedArticle(t, s, f.ID, 3, "x", t0.Add(-100*time.Hour))
	since := t0.Add(-72 * time.Hour)
	ids := func(cs []*store.PageCheck) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ArticleID)
		}
		return out
	}
	due, err := s.DuePageChecks(ctx, since, t0.Add(time.Hour), 10)
	if err != nil || len(due) != 2 || due[0].URL != a1.URL || due[0].FeedURL != f.URL {
		t.Fatalf("due: %v %+v", err, due)
	}
	watched, err := s.WatchedArticles(ctx, f.ID, since)
	if err != nil || len(watched) != 2 {
		t.Errorf("watched: %+v %v", watched, err)
	}
	for _, w := range watched {
		if w.ID == old.ID {
			t.Errorf("an article posted before the window is watched")
		}
	}
	c := due[0]
	c.ETag, c.LastModified, c.Status, c.CheckedAt, c.NextCheck = `"v1"`, "Mon, 02 Nov 2026 09:00:00 GMT", 200, t0, t0.Add(2*time.Hour)
	if err := s.SavePageCheck(ctx, c); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DuePageChecks(ctx, since, t0.Add(time.Hour), 10)
	if got := ids(due); len(got) != 1 || got[0] != a2.ID {
		t.Errorf("after a check: %v", got)
	}
	// a1's item left its feed: its page is due at once, first.
	if err := s.PageLeftFeed(ctx, a1.ID, t0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DuePageChecks(ctx, since, t0.Add(time.Hour), 10)
	if got := ids(due); len(got) != 2 || got[0] != a1.ID || due[0].ETag != `"v1"` {
		t.Errorf("after it left its feed: %v %+v", got, due)
	}
	c = due[0]
	c.CheckedAt, c.NextCheck = t0.Add(time.Hour), t0.Add(3*time.Hour)
	if err := s.SavePageCheck(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.PageLeftFeed(ctx, a1.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DuePageChecks(ctx, since, t0.Add(2*time.Hour), 10)
	if got := ids(due); len(got) != 1 || got[0] != a2.ID {
		t.Errorf("still out of its feed, checked since: %v", got)
	}
	if _, err := s.AddAttention(ctx, &store.AttentionEvent{ArticleID: a2.ID, Kind: store.KindTakedown, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DuePageChecks(ctx, since, t0.Add(2*time.Hour), 10); len(due) != 0 {
		t.Errorf("a taken-down article's page is checked: %v", ids(due))
	}
}
