package sqlstore_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store/sqlite"
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
