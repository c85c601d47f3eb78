// Package storetest is the behavioural suite every store.Store backend must
// pass: the same promises (deduplication, claims, leases, transitions) hold
// whichever database herald runs on.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
)

// Backend makes a new, empty database for one test and returns how to open
// it.
type Backend func(t *testing.T) Opener

// Opener opens a handle on the test's database: each call another one, as
// another process (a replica) would have. The handle is closed when the
// test ends.
type Opener func(t *testing.T) store.Store

// Run runs the suite, each test on a new database.
func Run(t *testing.T, newDB Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Feeds", one(testFeeds)},
		{"ArticleDedup", one(testArticleDedup)},
		{"ArticleWithPost", one(testArticleWithPost)},
		{"ArticleBatch", one(testArticleBatch)},
		{"ArticleBatchMixed", one(testArticleBatchMixed)},
		{"ArticleBatchLong", one(testArticleBatchLong)},
		{"OnePostPerArticleAndDestination", one(testUniquePost)},
		{"ClaimOrder", one(testClaimOrder)},
		{"ClaimLease", one(testClaimLease)},
		{"ClaimConcurrent", one(testClaimConcurrent)},
		{"ClaimAcrossReplicas", testClaimAcrossReplicas},
		{"Transitions", one(testTransitions)},
		{"Errors", one(testErrors)},
		{"Published", one(testPublished)},
		{"ClaimMinPriority", one(testClaimMinPriority)},
		{"ClaimRules", one(testClaimRules)},
		{"ClaimBudget", one(testClaimBudget)},
		{"FeedLeases", one(testFeedLeases)},
		{"FeedLeasesAcrossReplicas", testFeedLeasesAcrossReplicas},
		{"Destinations", one(testDestinations)},
		{"Audit", one(testAudit)},
		{"Sessions", testSessions},
		{"SignInFailures", one(testSignInFailures)},
		{"ArticleByKey", one(testArticleByKey)},
		{"ArticleLanguage", one(testArticleLanguage)},
		{"PostsTogether", one(testPostsTogether)},
		{"NetworkSessions", testNetworkSessions},
		{"ListAndCount", one(testListAndCount)},
		{"Pages", one(testPages)},
		{"TimePrecision", one(testTimePrecision)},
		{"Reopen", testReopen},
		{"Subscriptions", one(testSubscriptions)},
		{"SubscriptionVersions", one(testSubscriptionVersions)},
		{"DueSubscriptions", one(testDueSubscriptions)},
		{"SubscriptionClaimAcrossReplicas", testSubscriptionClaimAcrossReplicas},
		{"AttentionEvents", one(testAttentionEvents)},
		{"Deletions", one(testDeletions)},
		{"PageChecks", one(testPageChecks)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newDB(t))
		})
	}
}

// Handles is the Opener of a backend's Open function for the database
// named name (a path, a URL).
func Handles[S store.Store](open func(ctx context.Context, name string) (S, error), name string) Opener {
	return func(t *testing.T) store.Store {
		t.Helper()
		s, err := open(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
}

// one runs a test on a single handle.
func one(fn func(t *testing.T, s store.Store)) func(t *testing.T, open Opener) {
	return func(t *testing.T, open Opener) { fn(t, open(t)) }
}

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func article(feedID int64, n int) *news.Article {
	return &news.Article{
		FeedID:     feedID,
		GUID:       fmt.Sprintf("guid-%d", n),
		URL:        fmt.Sprintf("https://news.example/story-%d", n),
		Key:        fmt.Sprintf("news.example/story-%d", n),
		Title:      fmt.Sprintf("Story %d", n),
		Categories: []string{"Local", "Politics"},
		Published:  t0.Add(time.Duration(n) * time.Minute),
		Seen:       t0,
	}
}

func queued(text string, sortAt time.Time) *news.Post {
	return &news.Post{Destination: "x", Text: text, Status: news.StatusQueued, SortAt: sortAt, NotBefore: sortAt, CreatedAt: sortAt}
}

func testFeeds(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, err := s.EnsureFeed(ctx, "https://news.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.EnsureFeed(ctx, "https://news.example/feed")
	if err != nil || again.ID != f.ID {
		t.Fatalf("EnsureFeed twice: %v, ids %d and %d", err, f.ID, again.ID)
	}
	if f.Initialized || f.ETag != "" {
		t.Errorf("new feed has state: %+v", f)
	}
	f.ETag, f.LastModified, f.Initialized, f.LastStatus = `"abc"`, "Mon, 02 Nov 2026 09:00:00 GMT", true, "ok"
	f.LastFetch, f.NextFetch, f.Failures, f.Title = t0, t0.Add(2*time.Minute), 0, "News"
	if lost, err := s.SaveFeedStates(ctx, "", []*store.Feed{f}); err != nil || len(lost) != 0 {
		t.Fatalf("SaveFeedStates: lost %v, %v", lost, err)
	}
	got, err := s.Feed(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ETag != `"abc"` || !got.Initialized || !got.NextFetch.Equal(t0.Add(2*time.Minute)) || got.Title != "News" {
		t.Errorf("feed state not kept: %+v", got)
	}
	if _, err := s.Feed(ctx, 9999); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing feed: %v", err)
	}
	if _, err := s.AddArticle(ctx, article(f.ID, 1)); err != nil {
		t.Fatal(err)
	}
	all, err := s.Feeds(ctx)
	if err != nil || len(all) != 1 || all[0].Articles != 1 {
		t.Errorf("Feeds = %+v, %v", all, err)
	}
	// A feeds file: the known feed keeps its row and state, the new ones
	// are added, in the list's order; a URL listed twice is one feed.
	list := []string{"https://b.example/feed", "https://news.example/feed", "https://a.example/feed", "https://b.example/feed"}
	fs, err := s.EnsureFeeds(ctx, list)
	if err != nil || len(fs) != 4 {
		t.Fatalf("EnsureFeeds = %+v, %v", fs, err)
	}
	for i, f := range fs {
		if f.URL != list[i] {
			t.Errorf("EnsureFeeds[%d] = %s, want %s", i, f.URL, list[i])
		}
	}
	if fs[1].ID != f.ID || fs[1].ETag != `"abc"` || fs[0].ID != fs[3].ID || fs[0].ID == fs[2].ID || fs[0] == fs[3] {
		t.Errorf("EnsureFeeds = %+v %+v %+v %+v", fs[0], fs[1], fs[2], fs[3])
	}
	if all, _ := s.Feeds(ctx); len(all) != 3 {
		t.Errorf("%d feeds after EnsureFeeds, want 3", len(all))
	}
}

// A feed's entries are recorded in one batch: each is new or not by the
// same keys as AddArticle, earlier entries of the batch included, and only
// the new ones get their posts.
func testArticleBatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	f1, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	f2, _ := s.EnsureFeed(ctx, "https://b.example/feed")
	known := article(f2.ID, 3)
	known.GUID = "b-guid"
	if _, err := s.AddArticle(ctx, known); err != nil {
		t.Fatal(err)
	}
	dupGUID := article(f1.ID, 1)
	dupGUID.URL, dupGUID.Key = "https://news.example/story-1-again", "news.example/story-1-again"
	batch := []store.NewArticle{
		{Article: article(f1.ID, 1), Posts: []*news.Post{queued("one", t0)}},
		{Article: dupGUID, Posts: []*news.Post{queued("one again", t0)}},       // same (feed, guid) as the first
		{Article: article(f1.ID, 3), Posts: []*news.Post{queued("three", t0)}}, // URL known from feed b
		{Article: article(f1.ID, 4)},
	}
	added, err := s.AddArticles(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(added) != "[true false false true]" {
		t.Errorf("AddArticles = %v, want [true false false true]", added)
	}
	posts, _ := s.Posts(ctx, store.PostFilter{})
	if len(posts) != 1 || posts[0].Text != "one" || posts[0].ArticleID != batch[0].Article.ID {
		t.Errorf("posts after the batch: %+v", posts)
	}
	if got, err := s.Article(ctx, batch[3].Article.ID); err != nil || got.Key != "news.example/story-4" {
		t.Errorf("article recorded without a post: %+v %v", got, err)
	}
	if added, err := s.AddArticles(ctx, nil); err != nil || len(added) != 0 {
		t.Errorf("empty batch: %v %v", added, err)
	}
	// One refused post refuses the whole batch: nothing of it is recorded.
	bad := []store.NewArticle{
		{Article: article(f1.ID, 5)},
		{Article: article(f1.ID, 6), Posts: []*news.Post{queued("a", t0), queued("b", t0)}},
	}
	if _, err := s.AddArticles(ctx, bad); !errors.Is(err, news.ErrConflict) {
		t.Errorf("batch with a refused post: %v", err)
	}
	if seen, _ := s.ArticleSeen(ctx, f1.ID, "guid-5", "news.example/story-5"); seen {
		t.Error("an article of a refused batch was recorded")
	}
}

// entry is an article of a batch test: feed, guid and URL key as given,
// a title that names it, and one post.
func entry(feedID int64, guid, key, title string) store.NewArticle {
	return store.NewArticle{
		Article: &news.Article{FeedID: feedID, GUID: guid, URL: "https://" + key, Key: key, Title: title, Seen: t0},
		Posts:   []*news.Post{queued(title, t0)},
	}
}

// checkBatch checks a recorded batch against want: the articles recorded
// have the ids the store reads back, by id and by URL key, each with its
// own title; the others have no id; each recorded article has its post,
// and no other has one.
func checkBatch(t *testing.T, s store.Store, batch []store.NewArticle, added, want []bool) {
	t.Helper()
	ctx := context.Background()
	if !slices.Equal(added, want) {
		for i := range batch {
			if i >= len(added) || added[i] != want[i] {
				a := batch[i].Article
				t.Errorf("entry %d (feed %d, guid %q, key %q): added %v, want %v",
					i, a.FeedID, a.GUID, a.Key, i < len(added) && added[i], want[i])
			}
		}
		return
	}
	posts, err := s.Posts(ctx, store.PostFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	byText := make(map[string]*news.Post, len(posts))
	for _, p := range posts {
		byText[p.Text] = p
	}
	for i, n := range batch {
		a := n.Article
		p := byText[a.Title]
		if !want[i] {
			if a.ID != 0 || p != nil || n.Posts[0].ID != 0 {
				t.Errorf("entry %d (%s), not recorded, has id %d, post %+v", i, a.Title, a.ID, p)
			}
			continue
		}
		if a.ID == 0 {
			t.Errorf("entry %d (%s) recorded without an id", i, a.Title)
			continue
		}
		got, err := s.Article(ctx, a.ID)
		if err != nil || got.Title != a.Title || got.Key != a.Key || got.GUID != a.GUID || got.FeedID != a.FeedID {
			t.Errorf("entry %d (%s): Article(%d) = %+v, %v", i, a.Title, a.ID, got, err)
		}
		if got, err := s.ArticleByKey(ctx, a.Key); err != nil || got.ID != a.ID {
			t.Errorf("entry %d (%s): ArticleByKey(%s) = %+v, %v; want id %d", i, a.Title, a.Key, got, err, a.ID)
		}
		if p == nil || p.ArticleID != a.ID || n.Posts[0].ArticleID != a.ID || n.Posts[0].ID != p.ID {
			t.Errorf("entry %d (%s), id %d: post %+v, want one for the article", i, a.Title, a.ID, p)
		}
	}
	recorded := 0
	for _, ok := range want {
		if ok {
			recorded++
		}
	}
	if len(posts) != recorded {
		t.Errorf("%d posts after the batch, want %d", len(posts), recorded)
	}
}

// A batch of every kind of entry: new, known by URL key, known by (feed,
// guid), repeating an earlier entry's key, guid or both, without a feed.
// An entry skipped for its (feed, guid) and a later one with its URL key
// that is recorded: the article is the later one's.
func testArticleBatchMixed(t *testing.T, s store.Store) {
	ctx := context.Background()
	f1, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	f2, _ := s.EnsureFeed(ctx, "https://b.example/feed")
	for _, n := range []store.NewArticle{
		entry(f2.ID, "b-known", "news.example/known", "known by key"),
		entry(f1.ID, "a-known", "news.example/a-known", "known by guid"),
		entry(0, "no-feed", "news.example/no-feed-known", "known without a feed"),
	} {
		if added, err := s.AddArticle(ctx, n.Article); err != nil || !added {
			t.Fatal(added, err)
		}
	}
	s0, _ := s.Posts(ctx, store.PostFilter{})
	if len(s0) != 0 {
		t.Fatalf("posts before the batch: %d", len(s0))
	}
	batch := []store.NewArticle{
		entry(f1.ID, "g1", "news.example/1", "new 1"),                        // 0 new
		entry(f1.ID, "g2", "news.example/known", "known key"),                // 1 key known (feed b)
		entry(f1.ID, "a-known", "news.example/2", "known guid"),              // 2 (feed, guid) known
		entry(f1.ID, "a-known", "news.example/3", "known guid, key of 4"),    // 3 (feed, guid) known…
		entry(f1.ID, "g4", "news.example/3", "new 4, key of 3"),              // 4 …its key recorded here
		entry(f1.ID, "g5", "news.example/1", "key of 0"),                     // 5 key of entry 0
		entry(f1.ID, "g1", "news.example/6", "guid of 0"),                    // 6 (feed, guid) of entry 0
		entry(f1.ID, "g1", "news.example/1", "repeats 0"),                    // 7 entry 0 again
		entry(0, "no-feed", "news.example/no-feed-8", "new 8, no feed"),      // 8 NULL feeds never share a guid
		entry(0, "no-feed", "news.example/no-feed-8", "repeats 8"),           // 9 entry 8 again
		entry(0, "g10", "news.example/no-feed-known", "known key, no feed"),  // 10 key known
		entry(f2.ID, "g1", "news.example/11", "new 11, guid of 0 elsewhere"), // 11 another feed's guid
		entry(f1.ID, "g12", "news.example/12", "new 12"),                     // 12 new
		entry(f1.ID, "g12", "news.example/13", "guid of 12, key of 14"),      // 13 (feed, guid) of entry 12…
		entry(f2.ID, "g12", "news.example/13", "new 14, key of 13"),          // 14 …its key in another feed
		entry(f1.ID, "g15", "news.example/15", "new 15"),                     // 15 new
		entry(0, "g1", "news.example/16", "new 16, no feed, guid of 0"),      // 16 no feed
		entry(0, "g1", "news.example/17", "new 17, no feed, guid of 16"),     // 17 no feed: not a repeat
		entry(f1.ID, "a-known", "news.example/no-feed-8", "known guid, key of 8"),
	}
	want := []bool{true, false, false, false, true, false, false, false, true, false, false, true, true, false, true, true, true, true, false}
	added, err := s.AddArticles(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	checkBatch(t, s, batch, added, want)

	// An article the database refuses (its feed does not exist) is named
	// when it is the only one; in a batch, nothing of the batch is recorded.
	lost := entry(f1.ID+f2.ID+100, "lost", "news.example/lost", "of no feed").Article
	if _, err := s.AddArticle(ctx, lost); err == nil || !strings.Contains(err.Error(), lost.URL) {
		t.Errorf("article of no feed: %v", err)
	}
	mixed := []store.NewArticle{entry(f1.ID, "g20", "news.example/20", "new 20"), {Article: lost}}
	if _, err := s.AddArticles(ctx, mixed); err == nil {
		t.Error("batch with an article of no feed recorded")
	}
	if seen, _ := s.ArticleSeen(ctx, f1.ID, "g20", "news.example/20"); seen {
		t.Error("an article of a refused batch was recorded")
	}
}

// A batch longer than one statement's worth: entries repeat ones of
// earlier statements and of their own, and are recorded in order.
func testArticleBatchLong(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	known := entry(f.ID, "known", "news.example/known", "known")
	if added, err := s.AddArticle(ctx, known.Article); err != nil || !added {
		t.Fatal(added, err)
	}
	const n = 150
	batch := make([]store.NewArticle, n)
	want := make([]bool, n)
	for i := range batch {
		guid, key := fmt.Sprintf("g%d", i), fmt.Sprintf("news.example/%d", i)
		want[i] = true
		switch {
		case i%10 == 3 && i >= 40: // an earlier statement's key, whichever the size
			key = fmt.Sprintf("news.example/%d", i-37)
			want[i] = false
		case i%10 == 5 && i >= 40: // an earlier statement's (feed, guid)
			guid = fmt.Sprintf("g%d", i-39)
			want[i] = false
		case i%10 == 7: // the key of the entry just before
			key = fmt.Sprintf("news.example/%d", i-1)
			want[i] = false
		case i%50 == 8: // a known guid, then a new entry with its key
			guid = "known"
			want[i] = false
		case i%50 == 9:
			key = fmt.Sprintf("news.example/%d", i-1)
		case i == n-1:
			key = "news.example/known"
			want[i] = false
		}
		batch[i] = entry(f.ID, guid, key, fmt.Sprintf("entry %d", i))
	}
	added, err := s.AddArticles(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	checkBatch(t, s, batch, added, want)
	// Recorded in the batch's order.
	var last int64
	for i, a := range batch {
		if want[i] {
			if a.Article.ID <= last {
				t.Errorf("entry %d has id %d, after %d", i, a.Article.ID, last)
			}
			last = a.Article.ID
		}
	}
	// Again: nothing new.
	again := make([]store.NewArticle, n)
	for i, a := range batch {
		again[i] = entry(a.Article.FeedID, a.Article.GUID, a.Article.Key, a.Article.Title+" again")
	}
	added, err = s.AddArticles(ctx, again)
	if err != nil || slices.Contains(added, true) {
		t.Errorf("the batch again: %v, %v", added, err)
	}
}

func testArticleDedup(t *testing.T, s store.Store) {
	ctx := context.Background()
	f1, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	f2, _ := s.EnsureFeed(ctx, "https://b.example/feed")
	a := article(f1.ID, 1)
	if added, err := s.AddArticle(ctx, a); err != nil || !added || a.ID == 0 {
		t.Fatalf("first add: %v %v id=%d", added, err, a.ID)
	}
	// The same guid with a new title and URL: an edit, not a new article.
	edited := article(f1.ID, 1)
	edited.Title, edited.URL, edited.Key = "Story 1 (updated)", "https://news.example/story-1-updated", "news.example/story-1-updated"
	if added, err := s.AddArticle(ctx, edited, queued("x", t0)); err != nil || added {
		t.Errorf("edited item added again: %v %v", added, err)
	}
	// The same URL key from another feed: one article.
	other := article(f2.ID, 1)
	other.GUID = "other-guid"
	if added, err := s.AddArticle(ctx, other, queued("x", t0)); err != nil || added {
		t.Errorf("same URL in another feed added again: %v %v", added, err)
	}
	seen, err := s.ArticleSeen(ctx, f2.ID, "nope", a.Key)
	if err != nil || !seen {
		t.Errorf("ArticleSeen by key = %v, %v", seen, err)
	}
	seen, _ = s.ArticleSeen(ctx, f1.ID, "guid-1", "unrelated")
	if !seen {
		t.Error("ArticleSeen by guid = false")
	}
	seen, _ = s.ArticleSeen(ctx, f2.ID, "guid-1", "unrelated")
	if seen {
		t.Error("guid of another feed counted as seen")
	}
	posts, _ := s.Posts(ctx, store.PostFilter{})
	if len(posts) != 0 {
		t.Errorf("duplicates queued posts: %d", len(posts))
	}
	got, err := s.Article(ctx, a.ID)
	if err != nil || got.Title != "Story 1" || len(got.Categories) != 2 || !got.Published.Equal(a.Published) {
		t.Errorf("Article = %+v, %v", got, err)
	}
}

func testArticleWithPost(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	a := article(f.ID, 2)
	p := queued("Story 2 https://news.example/story-2", a.Published)
	if added, err := s.AddArticle(ctx, a, p); err != nil || !added {
		t.Fatal(added, err)
	}
	if p.ID == 0 || p.ArticleID != a.ID {
		t.Fatalf("post not linked: %+v", p)
	}
	got, err := s.Post(ctx, p.ID)
	if err != nil || got.Status != news.StatusQueued || got.Text != p.Text || !got.SortAt.Equal(a.Published) {
		t.Errorf("Post = %+v, %v", got, err)
	}
	h, err := s.History(ctx, p.ID)
	if err != nil || len(h) != 1 || h[0].To != news.StatusQueued {
		t.Errorf("History = %+v, %v", h, err)
	}
}

func testUniquePost(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://a.example/feed")
	a := article(f.ID, 3)
	if _, err := s.AddArticle(ctx, a, queued("one", t0)); err != nil {
		t.Fatal(err)
	}
	second := queued("two", t0)
	second.ArticleID = a.ID
	if err := s.AddPost(ctx, second); !errors.Is(err, news.ErrConflict) {
		t.Errorf("second post for one article and destination: %v, want ErrConflict", err)
	}
	elsewhere := queued("three", t0)
	elsewhere.ArticleID, elsewhere.Destination = a.ID, "mastodon"
	if err := s.AddPost(ctx, elsewhere); err != nil {
		t.Errorf("post to another destination: %v", err)
	}
	// Free-text posts have no article and never conflict.
	for range 2 {
		if err := s.AddPost(ctx, queued("free text", t0)); err != nil {
			t.Errorf("free text post: %v", err)
		}
	}
}

func testClaimOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	older := queued("older", t0)
	newer := queued("newer", t0.Add(time.Minute))
	editor := queued("editor", t0.Add(2*time.Minute))
	editor.Priority = news.PriorityEditor
	later := queued("later", t0)
	later.NotBefore = t0.Add(time.Hour)
	other := queued("other destination", t0.Add(-time.Hour))
	other.Destination = "mastodon"
	for _, p := range []*news.Post{newer, older, later, editor, other} {
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(10 * time.Minute)
	var order []string
	for {
		p, err := s.ClaimPost(ctx, "x", now, outbox.Limits{Lease: time.Minute}.Rules())
		if errors.Is(err, news.ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != news.StatusSending || p.Attempts != 1 || !p.LeaseUntil.Equal(now.Add(time.Minute)) {
			t.Errorf("claimed post state: %+v", p)
		}
		order = append(order, p.Text)
		if _, err := transition(s, ctx, p.ID, []news.Status{news.StatusSending}, news.StatusPublished, "ok", "test", now, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"editor", "older", "newer"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("claim order = %q, want %q", order, want)
	}
	next, err := s.NextDue(ctx, "x")
	if err != nil || !next.Equal(t0.Add(time.Hour)) {
		t.Errorf("NextDue = %v, %v; want %v", next, err, t0.Add(time.Hour))
	}
}

func testClaimLease(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := queued("lease", t0)
	if err := s.AddPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimPost(ctx, "x", t0, outbox.Limits{Lease: time.Minute}.Rules()); err != nil {
		t.Fatal(err)
	}
	// While the lease holds, nobody else gets it.
	if _, err := s.ClaimPost(ctx, "x", t0.Add(30*time.Second), outbox.Limits{Lease: time.Minute}.Rules()); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("claimed during lease: %v", err)
	}
	// Its holder died: once the lease expires the post is taken again.
	again, err := s.ClaimPost(ctx, "x", t0.Add(2*time.Minute), outbox.Limits{Lease: time.Minute}.Rules())
	if err != nil {
		t.Fatalf("not reclaimed after lease expiry: %v", err)
	}
	if again.ID != p.ID || again.Attempts != 2 {
		t.Errorf("reclaimed %+v", again)
	}
	h, _ := s.History(ctx, p.ID)
	if len(h) != 3 || h[2].From != news.StatusSending || h[2].To != news.StatusSending {
		t.Errorf("history after reclaim: %+v", h)
	}
}

// Workers claiming from one queue take every post exactly once.
func testClaimConcurrent(t *testing.T, s store.Store) {
	claimEveryPost(t, []store.Store{s}, 4, 20)
}

// Replicas, each with its own handle (its own connections), claiming from
// one queue take every post exactly once, and each sees what the others did.
func testClaimAcrossReplicas(t *testing.T, open Opener) {
	replicas := []store.Store{open(t), open(t), open(t)}
	const posts = 50
	claimEveryPost(t, replicas, 2, posts)
	counts, err := replicas[1].CountPosts(context.Background())
	if err != nil || counts[news.StatusSending] != posts || counts[news.StatusQueued] != 0 {
		t.Errorf("CountPosts = %v, %v; want %d sending", counts, err, posts)
	}
}

// claimEveryPost queues n posts through the first store, then claims with
// workers goroutines on each store until none is left, and checks that
// every post was claimed once.
func claimEveryPost(t *testing.T, stores []store.Store, workers, n int) {
	ctx := context.Background()
	for i := range n {
		if err := stores[0].AddPost(ctx, queued(fmt.Sprint(i), t0)); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range stores {
		for range workers {
			wg.Go(func() {
				for {
					p, err := s.ClaimPost(ctx, "x", t0, outbox.Limits{Lease: time.Hour}.Rules())
					if errors.Is(err, news.ErrNotFound) {
						return
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					seen[p.ID]++
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d distinct posts, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("post %d claimed %d times", id, c)
		}
	}
}

func testTransitions(t *testing.T, s store.Store) {
	ctx := context.Background()
	p := queued("t", t0)
	p.Status = news.StatusPending
	if err := s.AddPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := transition(s, ctx, p.ID, []news.Status{news.StatusPending}, news.StatusQueued, "approved", "ana", t0.Add(time.Minute),
		func(p *news.Post) { p.Text = "edited text" })
	if err != nil || got.Status != news.StatusQueued || got.Text != "edited text" {
		t.Fatalf("approve: %+v %v", got, err)
	}
	if _, err := transition(s, ctx, p.ID, []news.Status{news.StatusPending}, news.StatusQueued, "again", "ana", t0, nil); !errors.Is(err, news.ErrConflict) {
		t.Errorf("transition from wrong state: %v, want ErrConflict", err)
	}
	if _, err := transition(s, ctx, 424242, []news.Status{news.StatusQueued}, news.StatusCanceled, "", "", t0, nil); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("transition of missing post: %v, want ErrNotFound", err)
	}
	got, err = transition(s, ctx, p.ID, []news.Status{news.StatusQueued}, news.StatusPublished, "published", "dispatcher", t0.Add(2*time.Minute),
		func(p *news.Post) { p.RemoteID, p.RemoteURL = "123", "https://x.com/news/status/123" })
	if err != nil || !got.PublishedAt.Equal(t0.Add(2*time.Minute)) || got.RemoteID != "123" {
		t.Fatalf("publish: %+v %v", got, err)
	}
	stored, _ := s.Post(ctx, p.ID)
	if stored.RemoteURL != "https://x.com/news/status/123" || stored.Text != "edited text" {
		t.Errorf("stored post: %+v", stored)
	}
	h, _ := s.History(ctx, p.ID)
	if len(h) != 3 || h[1].Actor != "ana" || h[1].Reason != "approved" || h[2].To != news.StatusPublished {
		t.Errorf("history: %+v", h)
	}
}

func testPublished(t *testing.T, s store.Store) {
	ctx := context.Background()
	u, err := s.Published(ctx, "x", t0)
	if err != nil || u != (store.Usage{}) {
		t.Errorf("empty: %+v %v", u, err)
	}
	for i, at := range []time.Time{t0.Add(-25 * time.Hour), t0.Add(-time.Hour), t0.Add(-time.Minute)} {
		p := queued(fmt.Sprint(i), t0)
		p.HasLink = i != 1
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := transition(s, ctx, p.ID, []news.Status{news.StatusQueued}, news.StatusPublished, "", "", at, nil); err != nil {
			t.Fatal(err)
		}
	}
	u, err = s.Published(ctx, "x", t0.Add(-24*time.Hour))
	want := store.Usage{Count: 2, WithLink: 1, Oldest: t0.Add(-time.Hour), Last: t0.Add(-time.Minute)}
	if err != nil || u.Count != want.Count || u.WithLink != want.WithLink || !u.Oldest.Equal(want.Oldest) || !u.Last.Equal(want.Last) {
		t.Errorf("Published = %+v, %v; want %+v", u, err, want)
	}
	if u, _ := s.Published(ctx, "mastodon", time.Time{}); u.Count != 0 {
		t.Errorf("other destination counted: %+v", u)
	}
}

func testClaimMinPriority(t *testing.T, s store.Store) {
	ctx := context.Background()
	auto := queued("automatic", t0.Add(-time.Hour))
	editor := queued("editor", t0)
	editor.Priority = news.PriorityEditor
	for _, p := range []*news.Post{auto, editor} {
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.ClaimPost(ctx, "x", t0, outbox.Limits{MinPriority: news.PriorityEditor, Lease: time.Minute}.Rules())
	if err != nil || p.ID != editor.ID {
		t.Fatalf("claim with min priority: %+v %v", p, err)
	}
	if _, err := s.ClaimPost(ctx, "x", t0, outbox.Limits{MinPriority: news.PriorityEditor, Lease: time.Minute}.Rules()); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("automatic post claimed under a min priority: %v", err)
	}
}

func testDestinations(t *testing.T, s store.Store) {
	ctx := context.Background()
	d, err := s.Destination(ctx, "x")
	if err != nil || d.Paused || !d.WaitUntil.IsZero() {
		t.Fatalf("unknown destination: %+v %v", d, err)
	}
	d.Paused, d.PauseReason, d.WaitUntil = true, "X rejected the credentials", t0
	if err := s.SaveDestination(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Destination(ctx, "x")
	if !got.Paused || got.PauseReason != d.PauseReason || !got.WaitUntil.Equal(t0) {
		t.Errorf("destination not kept: %+v", got)
	}
	got.Paused, got.PauseReason = false, ""
	if err := s.SaveDestination(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Destination(ctx, "x"); again.Paused {
		t.Error("resume not kept")
	}
	// An outage, kept so that every replica probes on one schedule.
	got.DownSince, got.DownReason, got.Probes, got.Trigger = t0, "Service Unavailable", 3, 42
	if err := s.SaveDestination(ctx, got); err != nil {
		t.Fatal(err)
	}
	if down, _ := s.Destination(ctx, "x"); !down.DownSince.Equal(t0) || down.DownReason != "Service Unavailable" || down.Probes != 3 || down.Trigger != 42 {
		t.Errorf("outage not kept: %+v", down)
	}
}

func testListAndCount(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, st := range []news.Status{news.StatusQueued, news.StatusQueued, news.StatusPending, news.StatusFailed} {
		p := queued(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Minute))
		p.Status = st
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := s.CountPosts(ctx)
	if err != nil || counts[news.StatusQueued] != 2 || counts[news.StatusPending] != 1 || counts[news.StatusFailed] != 1 {
		t.Errorf("CountPosts = %v, %v", counts, err)
	}
	list, err := s.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusQueued, news.StatusPending}})
	if err != nil || len(list) != 3 {
		t.Errorf("Posts(queued, pending) = %d, %v", len(list), err)
	}
	list, _ = s.Posts(ctx, store.PostFilter{Limit: 2, Order: store.ByUpdate})
	if len(list) != 2 {
		t.Errorf("limit not applied: %d", len(list))
	}
	list, _ = s.Posts(ctx, store.PostFilter{Destination: "x", SortBefore: t0.Add(90 * time.Second)})
	if len(list) != 2 {
		t.Errorf("SortBefore kept %d posts, want 2", len(list))
	}
}

func testAudit(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, a := range []string{"sign-in", "approve", "pause"} {
		if err := s.AddAudit(ctx, store.AuditEntry{At: t0.Add(time.Duration(i) * time.Minute), Actor: "ana", Action: a, PostID: int64(i), Detail: "d"}); err != nil {
			t.Fatal(err)
		}
	}
	log, err := s.AuditLog(ctx, 2)
	if err != nil || len(log) != 2 || log[0].Action != "pause" || log[0].PostID != 2 || !log[0].At.Equal(t0.Add(2*time.Minute)) || log[1].Actor != "ana" {
		t.Errorf("AuditLog = %+v, %v", log, err)
	}
}

func testArticleByKey(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := article(0, 7)
	if _, err := s.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.ArticleByKey(ctx, a.Key)
	if err != nil || got.ID != a.ID || got.FeedID != 0 {
		t.Errorf("ArticleByKey = %+v, %v", got, err)
	}
	if _, err := s.ArticleByKey(ctx, "nope"); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("missing key: %v", err)
	}
}

// An article keeps its language.
func testArticleLanguage(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := article(0, 8)
	a.Lang = "pt-BR"
	if _, err := s.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Article(ctx, a.ID); err != nil || got.Lang != "pt-BR" {
		t.Errorf("Article = %+v, %v; want Lang pt-BR", got, err)
	}
	b := article(0, 9)
	if _, err := s.AddArticle(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ArticleByKey(ctx, b.Key); err != nil || got.Lang != "" {
		t.Errorf("ArticleByKey = %+v, %v; want no language", got, err)
	}
}

// Posts added together are added all or none, and an article's posts are
// listed by its id.
func testPostsTogether(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := article(0, 10)
	if _, err := s.AddArticle(ctx, a, queued("x", t0)); err != nil {
		t.Fatal(err)
	}
	post := func(dest string) *news.Post {
		p := queued(dest, t0)
		p.ArticleID, p.Destination = a.ID, dest
		return p
	}
	bsky, again := post("bluesky"), post("x")
	if err := s.AddPost(ctx, bsky, again); !errors.Is(err, news.ErrConflict) {
		t.Fatalf("posts with one already made: %v, want ErrConflict", err)
	}
	if bsky.ID != 0 {
		t.Errorf("a post not added has id %d", bsky.ID)
	}
	if got, err := s.Posts(ctx, store.PostFilter{ArticleID: a.ID}); err != nil || len(got) != 1 || got[0].Destination != "x" {
		t.Fatalf("posts of the article after a refused add: %+v %v", got, err)
	}
	bsky, masto := post("bluesky"), post("mastodon")
	if err := s.AddPost(ctx, bsky, masto); err != nil || bsky.ID == 0 || masto.ID == 0 {
		t.Fatalf("two posts: %v, ids %d %d", err, bsky.ID, masto.ID)
	}
	if err := s.AddPost(ctx, queued("free", t0)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Posts(ctx, store.PostFilter{ArticleID: a.ID})
	if err != nil || len(got) != 3 {
		t.Errorf("posts of the article: %d, %v; want 3", len(got), err)
	}
}

// A network session saved by one replica is read by another, and replaced.
func testNetworkSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	a, b := open(t), open(t)
	if data, err := a.LoadSession(ctx, "bluesky"); err != nil || data != nil {
		t.Fatalf("no session yet: %q, %v", data, err)
	}
	if err := a.SaveSession(ctx, "bluesky", []byte(`{"accessJwt":"one"}`)); err != nil {
		t.Fatal(err)
	}
	if err := a.SaveSession(ctx, "bluesky", []byte(`{"accessJwt":"two"}`)); err != nil {
		t.Fatal(err)
	}
	if data, err := b.LoadSession(ctx, "bluesky"); err != nil || string(data) != `{"accessJwt":"two"}` {
		t.Errorf("session from the other handle: %q, %v", data, err)
	}
	if data, err := b.LoadSession(ctx, "bluesky-es"); err != nil || data != nil {
		t.Errorf("another destination's session: %q, %v", data, err)
	}
}

func testClaimRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i := range 4 {
		if err := s.AddPost(ctx, queued(fmt.Sprint(i), t0)); err != nil {
			t.Fatal(err)
		}
	}
	rules := outbox.Limits{MinInterval: time.Minute, DailyCap: 2, Lease: time.Hour}.Rules()
	first, err := s.ClaimPost(ctx, "x", t0, rules)
	if err != nil {
		t.Fatal(err)
	}
	// The post being sent counts for the spacing, before it is published.
	var lim *outbox.Limited
	if _, err := s.ClaimPost(ctx, "x", t0.Add(30*time.Second), rules); !errors.As(err, &lim) || !lim.Until.Equal(t0.Add(time.Minute)) {
		t.Fatalf("claim within the spacing: %v", err)
	}
	if _, err := transition(s, ctx, first.ID, []news.Status{news.StatusSending}, news.StatusPublished, "", "", t0.Add(10*time.Second), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimPost(ctx, "x", t0.Add(2*time.Minute), rules); err != nil {
		t.Fatalf("second claim: %v", err)
	}
	// One published and one being sent: the cap of 2 holds until the first
	// leaves the 24-hour window.
	if _, err := s.ClaimPost(ctx, "x", t0.Add(time.Hour), rules); !errors.As(err, &lim) || !lim.Until.Equal(t0.Add(24*time.Hour+10*time.Second)) {
		t.Fatalf("claim over the cap: %v", err)
	}
	if _, err := s.ClaimPost(ctx, "x", t0.Add(24*time.Hour+11*time.Second), outbox.Limits{DailyCap: 2, Lease: time.Hour}.Rules()); err != nil {
		t.Errorf("claim after the window rolled: %v", err)
	}
}

func testFeedLeases(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	g, _ := s.EnsureFeed(ctx, "https://news.example/other")
	ids := []int64{f.ID, g.ID}
	leased, busy, err := s.LeaseFeeds(ctx, ids, "replica-a", t0, t0.Add(time.Minute))
	if err != nil || len(leased) != 2 || len(busy) != 0 {
		t.Fatalf("first lease: %d leased, %d busy, %v", len(leased), len(busy), err)
	}
	if l := leased[0]; l.LeaseOwner != "replica-a" || !l.LeaseUntil.Equal(t0.Add(time.Minute)) || l.URL == "" {
		t.Errorf("leased feed = %+v", l)
	}
	// A second replica finds them held, and learns until when.
	leased, busy, _ = s.LeaseFeeds(ctx, []int64{f.ID}, "replica-b", t0.Add(30*time.Second), t0.Add(90*time.Second))
	if len(leased) != 0 || len(busy) != 1 || busy[0].LeaseOwner != "replica-a" || !busy[0].LeaseUntil.Equal(t0.Add(time.Minute)) {
		t.Fatalf("a second replica took a live lease: %+v %+v", leased, busy)
	}
	if err := s.RenewFeedLeases(ctx, "replica-a", t0.Add(50*time.Second), t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if leased, _, _ := s.LeaseFeeds(ctx, []int64{f.ID}, "replica-b", t0.Add(90*time.Second), t0.Add(3*time.Minute)); len(leased) != 0 {
		t.Fatal("a renewed lease was taken")
	}
	// The holder stopped renewing: its lease expires and another replica
	// takes over; the first one's late write changes nothing.
	leased, _, _ = s.LeaseFeeds(ctx, []int64{f.ID}, "replica-b", t0.Add(121*time.Second), t0.Add(3*time.Minute))
	if len(leased) != 1 {
		t.Fatal("an expired lease was not taken over")
	}
	late := *leased[0]
	late.ETag, late.NextFetch, late.LastStatus = `"late"`, t0.Add(time.Hour), "ok"
	if lost, err := s.SaveFeedStates(ctx, "replica-a", []*store.Feed{&late}); err != nil || len(lost) != 1 || lost[0] != f.ID {
		t.Errorf("write by a replica that lost the lease: lost %v, %v", lost, err)
	}
	if got, _ := s.Feed(ctx, f.ID); got.ETag == `"late"` || got.LeaseOwner != "replica-b" {
		t.Errorf("after the late write: %+v", got)
	}
	// A fetch's outcome releases the lease and sets the next fetch: the feed
	// is not due again before then, whoever asks.
	got := *leased[0]
	got.NextFetch, got.LastStatus, got.ETag = t0.Add(10*time.Minute), "ok", `"b"`
	if lost, err := s.SaveFeedStates(ctx, "replica-b", []*store.Feed{&got}); err != nil || len(lost) != 0 {
		t.Fatalf("save by the holder: lost %v, %v", lost, err)
	}
	leased, busy, _ = s.LeaseFeeds(ctx, []int64{f.ID}, "replica-a", t0.Add(5*time.Minute), t0.Add(6*time.Minute))
	if len(leased) != 0 || len(busy) != 1 || !busy[0].NextFetch.Equal(t0.Add(10*time.Minute)) || busy[0].LeaseOwner != "" || busy[0].ETag != `"b"` {
		t.Errorf("leased before it was due: %+v %+v", leased, busy)
	}
	// Once saved, the lease is gone: a second write by its holder is late too.
	if lost, _ := s.SaveFeedStates(ctx, "replica-b", []*store.Feed{&got}); len(lost) != 1 {
		t.Errorf("a second write after the release: lost %v", lost)
	}
	if leased, _, _ := s.LeaseFeeds(ctx, []int64{f.ID}, "replica-a", t0.Add(10*time.Minute), t0.Add(11*time.Minute)); len(leased) != 1 {
		t.Error("not leased when due")
	}
	// Shutting down gives the leases back at once.
	if err := s.ReleaseFeedLeases(ctx, "replica-a"); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got, _ := s.Feed(ctx, id); got.LeaseOwner != "" || !got.LeaseUntil.IsZero() {
			t.Errorf("lease kept after release: %+v", got)
		}
	}
	// Long lists are leased in several statements.
	var many []int64
	for i := range 300 {
		m, err := s.EnsureFeed(ctx, fmt.Sprintf("https://news.example/feed/%d", i))
		if err != nil {
			t.Fatal(err)
		}
		many = append(many, m.ID)
	}
	leased, busy, err = s.LeaseFeeds(ctx, append(many, 424242), "replica-c", t0, t0.Add(time.Minute))
	if err != nil || len(leased) != 300 || len(busy) != 0 {
		t.Errorf("300 feeds and a missing one: %d leased, %d busy, %v", len(leased), len(busy), err)
	}
}

// Two replicas leasing the same due feeds at the same moment share them:
// each feed goes to exactly one.
func testFeedLeasesAcrossReplicas(t *testing.T, open Opener) {
	ctx := context.Background()
	a, b := open(t), open(t)
	var ids []int64
	for i := range 200 {
		f, err := a.EnsureFeed(ctx, fmt.Sprintf("https://news.example/feed/%d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, f.ID)
	}
	var mu sync.Mutex
	owners := map[int64][]string{}
	var wg sync.WaitGroup
	for i, s := range []store.Store{a, b, a, b} {
		owner := fmt.Sprintf("replica-%d", i)
		wg.Go(func() {
			for chunk := range slices.Chunk(ids, 16) {
				leased, _, err := s.LeaseFeeds(ctx, chunk, owner, t0, t0.Add(time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, f := range leased {
					owners[f.ID] = append(owners[f.ID], owner)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if len(owners[id]) != 1 {
			t.Errorf("feed %d leased by %v", id, owners[id])
		}
	}
}

func testClaimBudget(t *testing.T, s store.Store) {
	ctx := context.Background()
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	budget := &outbox.Budget{Limit: 0.50, Post: 0.015, LinkPost: 0.20, From: month, Until: month.AddDate(0, 1, 0)}
	add := func(text string, link bool) *news.Post {
		p := queued(text, t0)
		p.HasLink = link
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b, c := add("a", true), add("b", true), add("c", true)
	rules := outbox.Limits{Budget: budget, Lease: time.Hour}.Rules()
	// Two posts with links: one published, one being sent ($0.40 in all).
	first, err := s.ClaimPost(ctx, "x", t0, rules)
	if err != nil || first.ID != a.ID {
		t.Fatalf("first claim: %v", err)
	}
	if _, err := transition(s, ctx, first.ID, sending, news.StatusPublished, "", "", t0, nil); err != nil {
		t.Fatal(err)
	}
	if p, err := s.ClaimPost(ctx, "x", t0, rules); err != nil || p.ID != b.ID {
		t.Fatalf("second claim: %v", err)
	}
	// A third with a link would cost $0.60: it moves to next month, and a
	// cheaper post still fits.
	cheap := add("d", false)
	p, err := s.ClaimPost(ctx, "x", t0, rules)
	if err != nil || p.ID != cheap.ID {
		t.Fatalf("claim of the cheaper post: %+v %v", p, err)
	}
	got, _ := s.Post(ctx, c.ID)
	if got.Status != news.StatusQueued || !got.NotBefore.Equal(budget.Until) || !strings.Contains(got.LastError, "monthly budget of $0.50") {
		t.Errorf("post over the budget: %+v", got)
	}
	// $0.415 spent (the post being sent counts): with a limit of $0.42 not
	// even a post without a link fits, and every claim waits for next month.
	add("e", false)
	tight := *budget
	tight.Limit = 0.42
	var lim *outbox.Limited
	if _, err := s.ClaimPost(ctx, "x", t0, outbox.Limits{Budget: &tight, Lease: time.Hour}.Rules()); !errors.As(err, &lim) || !lim.Until.Equal(budget.Until) {
		t.Errorf("claim with $0.415 of $0.42 spent: %v", err)
	}
}

var sending = []news.Status{news.StatusSending}

// The errors a store returns read the same on every backend: what was
// missing or refused, in words an editor can read, wrapping the sentinel the
// callers branch on.
func testErrors(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	a := article(f.ID, 1)
	first := queued("first", t0)
	if _, err := s.AddArticle(ctx, a, first); err != nil {
		t.Fatal(err)
	}
	second := queued("second", t0)
	second.ArticleID = a.ID
	check := func(name string, err, want error, text string) {
		t.Helper()
		if !errors.Is(err, want) {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
		if err != nil && err.Error() != text {
			t.Errorf("%s: %q, want %q", name, err, text)
		}
	}
	_, err := s.Post(ctx, 424242)
	check("Post", err, news.ErrNotFound, "store: post 424242: not found")
	_, err = transition(s, ctx, 424242, []news.Status{news.StatusQueued}, news.StatusCanceled, "", "", t0, nil)
	check("Transition of a missing post", err, news.ErrNotFound, "store: post 424242: not found")
	_, err = s.Feed(ctx, 9999)
	check("Feed", err, news.ErrNotFound, "store: feed 9999: not found")
	if lost, err := s.SaveFeedStates(ctx, "", []*store.Feed{{ID: 9999}}); err != nil || len(lost) != 1 || lost[0] != 9999 {
		t.Errorf("SaveFeedStates of a missing feed: lost %v, %v", lost, err)
	}
	if leased, busy, err := s.LeaseFeeds(ctx, []int64{9999}, "replica-a", t0, t0.Add(time.Minute)); err != nil || len(leased)+len(busy) != 0 {
		t.Errorf("LeaseFeeds of a missing feed: %v %v %v", leased, busy, err)
	}
	_, err = s.Article(ctx, 9999)
	check("Article", err, news.ErrNotFound, "store: article 9999: not found")
	_, err = s.ArticleByKey(ctx, "news.example/nope")
	check("ArticleByKey", err, news.ErrNotFound, "store: article news.example/nope: not found")
	_, err = s.ClaimPost(ctx, "mastodon", t0, outbox.Limits{Lease: time.Minute}.Rules())
	check("ClaimPost with none due", err, news.ErrNotFound, "store: claim post for mastodon: not found")

	_, err = transition(s, ctx, first.ID, []news.Status{news.StatusPending}, news.StatusQueued, "approved", "ana", t0, nil)
	check("Transition from another state", err, news.ErrConflict, fmt.Sprintf("store: post %d is queued: conflict", first.ID))
	err = s.AddPost(ctx, second)
	check("AddPost of a second post", err, news.ErrConflict,
		fmt.Sprintf("store: add post: article %d already has a post for x: conflict", a.ID))
	twice := article(f.ID, 2)
	_, err = s.AddArticle(ctx, twice, queued("one", t0), queued("two", t0))
	check("AddArticle with two posts for one destination", err, news.ErrConflict,
		fmt.Sprintf("store: add article %s: article %d already has a post for x: conflict", twice.URL, twice.ID))
	if seen, _ := s.ArticleSeen(ctx, f.ID, "guid-2", "news.example/story-2"); seen {
		t.Error("an article whose posts were refused was recorded")
	}
}

// Times are kept at millisecond precision in UTC, whatever zone they came
// in; a time never set stays zero.
func testTimePrecision(t *testing.T, s store.Store) {
	ctx := context.Background()
	zone := time.FixedZone("CET", 3600)
	sortAt := time.Date(2026, 11, 2, 10, 0, 0, 123_456_789, zone)
	p := &news.Post{Destination: "x", Text: "t", Status: news.StatusQueued, SortAt: sortAt, NotBefore: sortAt, CreatedAt: sortAt}
	if err := s.AddPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 2, 9, 0, 0, 123_000_000, time.UTC)
	if got.SortAt != want || got.NotBefore != want || got.CreatedAt != want {
		t.Errorf("times = %v %v %v, want %v", got.SortAt, got.NotBefore, got.CreatedAt, want)
	}
	if !got.PublishedAt.IsZero() || !got.LeaseUntil.IsZero() {
		t.Errorf("unset times = %v %v, want zero", got.PublishedAt, got.LeaseUntil)
	}
}

// Reopening a database keeps its rows; opening it again migrates nothing
// twice.
func testReopen(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	f, err := s.EnsureFeed(ctx, "https://news.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	a := article(f.ID, 1)
	if _, err := s.AddArticle(ctx, a, queued("kept", t0)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t)
	feeds, err := s.Feeds(ctx)
	if err != nil || len(feeds) != 1 || feeds[0].Articles != 1 {
		t.Fatalf("feeds after reopen: %+v %v", feeds, err)
	}
	got, err := s.Article(ctx, a.ID)
	if err != nil || fmt.Sprint(got.Categories) != fmt.Sprint(a.Categories) {
		t.Errorf("article after reopen: %+v %v", got, err)
	}
	posts, err := s.Posts(ctx, store.PostFilter{})
	if err != nil || len(posts) != 1 || posts[0].Text != "kept" {
		t.Errorf("posts after reopen: %+v %v", posts, err)
	}
}

// Sessions are shared: one replica's session is live on another, until it
// expires or is deleted; past the most kept, the oldest go first.
func testSessions(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t)
	ses := store.Session{Key: "k1", Editor: "mira", CSRF: "c1", Expires: t0.Add(time.Hour)}
	if err := a.AddSession(ctx, ses, t0, 3); err != nil {
		t.Fatal(err)
	}
	got, err := a.Session(ctx, "k1", t0.Add(time.Minute))
	if err != nil || got.Editor != "mira" || got.CSRF != "c1" || !got.Expires.Equal(ses.Expires) {
		t.Fatalf("session: %+v %v", got, err)
	}
	if _, err := a.Session(ctx, "k1", t0.Add(time.Hour)); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("expired session: %v", err)
	}
	for i := 2; i <= 4; i++ {
		s := store.Session{Key: fmt.Sprintf("k%d", i), Editor: "ana", CSRF: "c", Expires: t0.Add(time.Duration(i) * time.Hour)}
		if err := a.AddSession(ctx, s, t0, 3); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Session(ctx, "k1", t0); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("the session closest to expiring outlived the cap: %v", err)
	}
	if _, err := a.Session(ctx, "k4", t0); err != nil {
		t.Errorf("newest session: %v", err)
	}
	if err := a.DeleteSession(ctx, "k4"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, "k4", t0); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
}

func testSignInFailures(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, addr := range []string{"192.0.2.1", "192.0.2.1", "198.51.100.7"} {
		if err := s.AddSignInFailure(ctx, addr, t0.Add(time.Duration(i)*time.Second), time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	if from, total, err := s.SignInFailures(ctx, "192.0.2.1", t0); err != nil || from != 2 || total != 3 {
		t.Errorf("failures: %d from the address, %d in all, %v", from, total, err)
	}
	if from, total, _ := s.SignInFailures(ctx, "192.0.2.1", t0.Add(1500*time.Millisecond)); from != 0 || total != 1 {
		t.Errorf("failures since: %d, %d", from, total)
	}
	// Old failures are forgotten as new ones come.
	if err := s.AddSignInFailure(ctx, "203.0.113.9", t0.Add(2*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.SignInFailures(ctx, "", time.Time{}); total != 1 {
		t.Errorf("%d failures kept, want the last one", total)
	}
}

// transition moves a post as the outbox does: with the changes every move
// to a state makes (a published post gets its time).
func transition(s store.Store, ctx context.Context, id int64, from []news.Status, to news.Status, reason, actor string,
	at time.Time, update func(*news.Post)) (*news.Post, error) {
	return s.Transition(ctx, id, from, to, reason, actor, at, outbox.Settle(to, at, update))
}

// Pages of posts by id or by publication read every post once, ties
// broken by id.
func testPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	var ids []int64
	for i := range 7 {
		p := queued(fmt.Sprint(i), t0)
		if err := s.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Duration(i/2) * time.Minute) // pairs published at one time
		if _, err := transition(s, ctx, p.ID, []news.Status{news.StatusQueued}, news.StatusPublished, "", "", at, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	for _, order := range []store.PostOrder{store.ByID, store.ByUpdate} {
		var got []int64
		var after *store.Cursor
		for {
			page, err := s.Posts(ctx, store.PostFilter{Order: order, Limit: 3, After: after})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, p := range page {
				got = append(got, p.ID)
			}
			last := page[len(page)-1]
			after = &store.Cursor{At: last.PublishedAt, ID: last.ID}
		}
		want := slices.Clone(ids)
		slices.Reverse(want)
		if !slices.Equal(got, want) {
			t.Errorf("order %d: pages gave %v, want %v", order, got, want)
		}
	}
}
