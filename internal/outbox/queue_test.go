package outbox

import (
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
)

func TestEstimateQueue(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	p := func(id int64, prio int, nb time.Duration, sort time.Duration) *news.Post {
		return &news.Post{ID: id, Destination: "x", Status: news.StatusQueued, Priority: prio, NotBefore: now.Add(nb), SortAt: now.Add(sort)}
	}
	posts := []*news.Post{
		p(1, 0, 0, -time.Hour),  // oldest automatic post
		p(2, 100, time.Hour, 0), // an editor's, scheduled in an hour
		p(3, 50, 0, 0),          // breaking
		p(4, 0, -time.Minute, -30*time.Minute),
	}
	got := EstimateQueue(posts, QueueState{Now: now, Spacing: 2 * time.Minute, Last: map[string]time.Time{"x": now.Add(-time.Minute)}})
	want := []struct {
		id  int64
		due time.Time
	}{{3, now.Add(time.Minute)}, {1, now.Add(3 * time.Minute)}, {4, now.Add(5 * time.Minute)}, {2, now.Add(time.Hour)}}
	if len(got) != len(want) {
		t.Fatalf("got %d estimates", len(got))
	}
	for i, w := range want {
		if got[i].ID != w.id || !got[i].Due.Equal(w.due) {
			t.Errorf("%d: post %d at %v, want post %d at %v", i, got[i].ID, got[i].Due, w.id, w.due)
		}
	}
	if !got[0].Next || got[1].Next {
		t.Error("only the first is next")
	}
	// A rate limit holds everything; a cap of one marks the rest.
	got = EstimateQueue(posts[:2], QueueState{Now: now, Dests: []DestinationStatus{{Name: "x", WaitUntil: now.Add(2 * time.Hour), PostsLeftToday: 1, DailyCap: 10}}})
	if !got[0].Due.Equal(now.Add(2*time.Hour)) || got[0].Held != "" || got[1].Held == "" {
		t.Errorf("rate limit and cap: %+v", got)
	}
	if got := EstimateQueue(posts[:1], QueueState{Now: now, Paused: true}); got[0].Held != "auto-posting is paused" {
		t.Errorf("paused: %+v", got[0])
	}
}
