package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

func subscription(feedID int64, n int) *store.Subscription {
	return &store.Subscription{
		FeedID: feedID, Callback: fmt.Sprintf("callback-%d", n), Hub: "https://hub.example/", Topic: "https://news.example/feed",
		Secret: "s3cret", State: store.SubSubscribing, NextAction: t0, UpdatedAt: t0,
	}
}

// A subscription is kept whole, found by feed and by callback, one per
// feed; every field comes back as written.
func testSubscriptions(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	sub := subscription(f.ID, 1)
	if err := s.AddSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if sub.ID == 0 || sub.Version != 1 {
		t.Fatalf("added: id %d, version %d", sub.ID, sub.Version)
	}
	if err := s.AddSubscription(ctx, subscription(f.ID, 2)); !errors.Is(err, news.ErrConflict) {
		t.Errorf("a second subscription of one feed: %v, want a conflict", err)
	}
	sub.State, sub.LeaseSeconds, sub.Expires = store.SubActive, 864000, t0.Add(240*time.Hour)
	sub.RequestedAt, sub.NextAction, sub.Reason, sub.Failures = t0, t0.Add(192*time.Hour), "", 0
	if err := s.SaveSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if sub.Version != 2 {
		t.Errorf("version after a save = %d, want 2", sub.Version)
	}
	want := *sub
	want.FeedURL = f.URL
	for name, get := range map[string]func() (*store.Subscription, error){
		"FeedSubscription":       func() (*store.Subscription, error) { return s.FeedSubscription(ctx, f.ID) },
		"SubscriptionByCallback": func() (*store.Subscription, error) { return s.SubscriptionByCallback(ctx, "callback-1") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if *got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", name, *got, want)
		}
	}
	if !want.Live(t0.Add(time.Hour)) || want.Live(t0.Add(240*time.Hour)) {
		t.Error("Live is wrong about the lease")
	}
	if _, err := s.FeedSubscription(ctx, 9999); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("FeedSubscription of a feed without one: %v", err)
	}
	if _, err := s.SubscriptionByCallback(ctx, "nope"); !errors.Is(err, news.ErrNotFound) || err.Error() != "store: subscription by callback: not found" {
		t.Errorf("SubscriptionByCallback of an unknown callback: %v", err)
	}
	// A feed's subscription goes with the feed's row.
	g, _ := s.EnsureFeed(ctx, "https://other.example/feed")
	none := subscription(g.ID, 3)
	none.Hub, none.Topic, none.State, none.NextAction = "", "", store.SubNoHub, time.Time{}
	if err := s.AddSubscription(ctx, none); err != nil {
		t.Fatal(err)
	}
	all, err := s.AllSubscriptions(ctx)
	if err != nil || len(all) != 2 || all[0].FeedURL != f.URL || all[1].State != store.SubNoHub || !all[1].NextAction.IsZero() {
		t.Errorf("AllSubscriptions = %+v, %v", all, err)
	}
}

// A write at a version someone has moved on from changes nothing: of two
// replicas that read the same row, one acts.
func testSubscriptionVersions(t *testing.T, s store.Store) {
	ctx := context.Background()
	f, _ := s.EnsureFeed(ctx, "https://news.example/feed")
	sub := subscription(f.ID, 1)
	if err := s.AddSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	a, b := *sub, *sub
	a.RequestedAt, a.NextAction = t0, t0.Add(5*time.Minute)
	if err := s.SaveSubscription(ctx, &a); err != nil {
		t.Fatal(err)
	}
	b.RequestedAt, b.NextAction = t0, t0.Add(5*time.Minute)
	err := s.SaveSubscription(ctx, &b)
	if !errors.Is(err, news.ErrConflict) || err.Error() != fmt.Sprintf("store: save subscription %d: conflict", sub.ID) {
		t.Errorf("save at an old version: %v", err)
	}
	if err := s.DeleteSubscription(ctx, &b); !errors.Is(err, news.ErrConflict) {
		t.Errorf("delete at an old version: %v", err)
	}
	if err := s.DeleteSubscription(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSubscription(ctx, &a); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("save of a deleted subscription: %v", err)
	}
	if err := s.DeleteSubscription(ctx, &a); !errors.Is(err, news.ErrNotFound) {
		t.Errorf("delete of a deleted subscription: %v", err)
	}
}

// Due subscriptions come most overdue first; those with nothing to do
// (no hub) never come.
func testDueSubscriptions(t *testing.T, s store.Store) {
	ctx := context.Background()
	for i, next := range []time.Time{t0.Add(time.Minute), t0.Add(-time.Minute), {}, t0.Add(time.Hour)} {
		f, _ := s.EnsureFeed(ctx, fmt.Sprintf("https://news.example/feed-%d", i))
		sub := subscription(f.ID, i)
		sub.NextAction = next
		if next.IsZero() {
			sub.State = store.SubNoHub
		}
		if err := s.AddSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	due, err := s.DueSubscriptions(ctx, t0.Add(2*time.Minute), 10)
	if err != nil || len(due) != 2 || due[0].Callback != "callback-1" || due[1].Callback != "callback-0" {
		t.Fatalf("DueSubscriptions = %+v, %v", due, err)
	}
	if due, _ := s.DueSubscriptions(ctx, t0.Add(2*time.Hour), 1); len(due) != 1 || due[0].Callback != "callback-1" {
		t.Errorf("DueSubscriptions with limit 1 = %+v", due)
	}
}

// Replicas, each with its own handle, that find the same subscription due
// and each try to take it: exactly one does, however many try.
func testSubscriptionClaimAcrossReplicas(t *testing.T, open Opener) {
	ctx := context.Background()
	replicas := []store.Store{open(t), open(t), open(t)}
	const subs = 10
	for i := range subs {
		f, err := replicas[0].EnsureFeed(ctx, fmt.Sprintf("https://news.example/feed-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := replicas[0].AddSubscription(ctx, subscription(f.ID, i)); err != nil {
			t.Fatal(err)
		}
	}
	var taken sync.Map
	var conflicts atomic.Int64
	var wg sync.WaitGroup
	for r, st := range replicas {
		for w := range 2 {
			wg.Go(func() {
				due, err := st.DueSubscriptions(ctx, t0, subs)
				if err != nil {
					t.Error(err)
					return
				}
				for _, sub := range due {
					sub.RequestedAt, sub.NextAction = t0, t0.Add(5*time.Minute)
					switch err := st.SaveSubscription(ctx, sub); {
					case err == nil:
						if prev, dup := taken.LoadOrStore(sub.ID, fmt.Sprintf("replica %d worker %d", r, w)); dup {
							t.Errorf("subscription %d taken twice (also by %s)", sub.ID, prev)
						}
					case errors.Is(err, news.ErrConflict):
						conflicts.Add(1)
					default:
						t.Error(err)
					}
				}
			})
		}
	}
	wg.Wait()
	n := 0
	taken.Range(func(any, any) bool { n++; return true })
	if n != subs {
		t.Errorf("%d of %d subscriptions taken", n, subs)
	}
	if due, _ := replicas[2].DueSubscriptions(ctx, t0, subs); len(due) != 0 {
		t.Errorf("%d still due after they were taken", len(due))
	}
}
