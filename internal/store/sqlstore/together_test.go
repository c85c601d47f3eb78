package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/store/sqlite"
)

// On SQLite, feeds recorded while another's transaction runs are recorded
// together in the next one, each batch as if alone; when one of them
// fails, it fails alone.
func TestAddArticlesTogether(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var (
		mu     sync.Mutex
		groups []int
	)
	db.OnAddTogether(func(n int) { mu.Lock(); groups = append(groups, n); mu.Unlock() })
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	const n = 8
	feeds := make([]int64, n)
	for i := range feeds {
		f, err := db.EnsureFeed(ctx, fmt.Sprintf("https://site%d.example/feed", i))
		if err != nil {
			t.Fatal(err)
		}
		feeds[i] = f.ID
	}
	article := func(feed int64, key string) store.NewArticle {
		return store.NewArticle{Article: &news.Article{FeedID: feed, GUID: key, URL: "https://" + key, Key: key, Title: key, Published: now, Seen: now}}
	}
	// round records n batches at once while the connection is held, so
	// that the first caller's transaction waits and the others queue behind
	// it; bad, when not negative, is a batch whose second article, its own,
	// names a feed that does not exist.
	round := func(name string, bad int) (added [][]bool, errs []error) {
		t.Helper()
		added, errs = make([][]bool, n), make([]error, n)
		release, err := db.Hold(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range n {
			batch := []store.NewArticle{article(feeds[i], fmt.Sprintf("%s/%d", name, i)), article(feeds[i], name+"/shared")}
			if i == bad {
				batch[1] = article(999999, name+"/bad")
			}
			wg.Go(func() { added[i], errs[i] = db.AddArticles(ctx, batch) })
		}
		for deadline := time.Now().Add(10 * time.Second); db.AddsWaiting() < n-1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d calls waiting", db.AddsWaiting())
			}
		}
		release()
		wg.Wait()
		return added, errs
	}

	added, errs := round("a", -1)
	mu.Lock()
	if len(groups) != 2 || groups[0] != 1 || groups[1] != n-1 {
		t.Errorf("batches per transaction: %v, want [1 %d]", groups, n-1)
	}
	groups = nil
	mu.Unlock()
	shared := 0
	for i := range n {
		if errs[i] != nil || !added[i][0] {
			t.Fatalf("batch %d: %v, %v", i, added[i], errs[i])
		}
		if added[i][1] {
			shared++
		}
		if a, err := db.ArticleByKey(ctx, fmt.Sprintf("a/%d", i)); err != nil || a.FeedID != feeds[i] {
			t.Errorf("article a/%d: %+v, %v", i, a, err)
		}
	}
	if shared != 1 {
		t.Errorf("the article every batch has was recorded %d times", shared)
	}

	added, errs = round("b", 3)
	for i := range n {
		switch {
		case i == 3:
			if errs[i] == nil || !strings.Contains(errs[i].Error(), "FOREIGN KEY") {
				t.Errorf("the bad batch: %v", errs[i])
			}
			if _, err := db.ArticleByKey(ctx, "b/3"); err == nil {
				t.Error("the bad batch was recorded in part")
			}
		case errs[i] != nil || !added[i][0]:
			t.Errorf("batch %d beside a bad one: %v, %v", i, added[i], errs[i])
		}
	}
}
