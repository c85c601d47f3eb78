package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
	"github.com/heraldhq/herald/internal/store/sqlstore"
)

// The statements of a claim are prepared once: the first claim runs them
// in its transaction and prepares them after, the next ones reuse them.
func TestStatementsPreparedOnce(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	rules := outbox.Limits{MinInterval: time.Second, DailyCap: 10, Lease: time.Minute}.Rules()
	claim := func() {
		t.Helper()
		p := &news.Post{Destination: "x", Text: "t", Status: news.StatusQueued, SortAt: now, NotBefore: now, CreatedAt: now}
		if err := db.AddPost(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ClaimPost(ctx, "x", now, rules); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Transition(ctx, p.ID, []news.Status{news.StatusSending}, news.StatusPublished, "", "", now, outbox.Settle(news.StatusPublished, now, nil)); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	claim()
	first := db.Prepared()
	if len(first) < 6 {
		t.Fatalf("prepared after one claim: %d statements", len(first))
	}
	for range 3 {
		claim()
	}
	if again := db.Prepared(); len(again) != len(first) {
		slices.Sort(first)
		slices.Sort(again)
		t.Errorf("statements prepared again: %d then %d\n%q\n%q", len(first), len(again), first, again)
	}
}

// Batches of articles of every length are recorded with one prepared
// statement per number of articles up to a chunk's: their number is
// bounded, whatever the batches.
func TestArticleStatementsBounded(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := db.EnsureFeed(ctx, "https://news.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	record := func(n int) {
		t.Helper()
		batch := make([]store.NewArticle, n)
		for i := range batch {
			k++
			key := "news.example/" + strconv.Itoa(k)
			batch[i] = store.NewArticle{Article: &news.Article{FeedID: f.ID, GUID: key, URL: "https://" + key, Key: key, Seen: time.Now()}}
		}
		added, err := db.AddArticles(ctx, batch)
		if err != nil || slices.Contains(added, false) {
			t.Fatalf("batch of %d: %v %v", n, added, err)
		}
	}
	inserts := func() int {
		n := 0
		for _, q := range db.Prepared() {
			if strings.HasPrefix(q, "INSERT INTO articles") {
				n++
			}
		}
		return n
	}
	for n := 1; n <= 3*sqlstore.ArticleChunk; n++ {
		record(n)
	}
	if got := inserts(); got != sqlstore.ArticleChunk {
		t.Errorf("%d statements recording articles, want %d", got, sqlstore.ArticleChunk)
	}
	record(2*sqlstore.ArticleChunk + 5)
	if got := inserts(); got != sqlstore.ArticleChunk {
		t.Errorf("%d statements recording articles, want %d", got, sqlstore.ArticleChunk)
	}
}
