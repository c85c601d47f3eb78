package outbox

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// The order in which posts go out, and when each is expected to: the rules
// the dispatcher follows, so that the dashboard can show them without
// knowing them.

// Before reports whether the dispatcher takes a before b when both are due:
// the higher priority first, then the older (SortAt), then the first made.
// The store's claim orders its query the same way.
func Before(a, b *news.Post) bool {
	if a.Priority != b.Priority {
		return a.Priority > b.Priority
	}
	if c := a.SortAt.Compare(b.SortAt); c != 0 {
		return c < 0
	}
	return cmp.Less(a.ID, b.ID)
}

// Estimate is a post waiting to go out, with when it is expected to.
type Estimate struct {
	*news.Post
	Due  time.Time
	Next bool   // first in line for its destination
	Held string // what holds it back beyond its time, if anything
}

// QueueState is what an estimate of the queue starts from.
type QueueState struct {
	Now time.Time
	// Spacing is the least time between two posts to a destination that
	// Dests does not list; a listed one has its own (MinInterval).
	Spacing time.Duration
	// Last is each destination's latest publication.
	Last   map[string]time.Time
	Dests  []DestinationStatus
	Paused bool
}

// Queue returns the queued and sending posts (at most limit) in the order
// they are expected to go out, each with its estimated time.
func (d *Dispatcher) Queue(ctx context.Context, limit int) ([]Estimate, error) {
	posts, err := d.store.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusQueued, news.StatusSending}, Limit: limit})
	if err != nil {
		return nil, err
	}
	st := QueueState{Now: d.o.Clock(), Last: map[string]time.Time{}}
	if st.Paused, err = d.Paused(ctx); err != nil {
		return nil, err
	}
	if st.Dests, err = d.Status(ctx); err != nil {
		return nil, err
	}
	for _, ds := range st.Dests {
		st.Last[ds.Name] = ds.last
	}
	return EstimateQueue(posts, st), nil
}

// EstimateQueue orders posts the way the dispatcher takes them, per
// destination: of the posts due at a moment, the first by Before; one every
// Spacing; none before a rate limit lifts, nor automatic ones during quiet
// hours. It is an estimate: new posts, failures and editors change it.
func EstimateQueue(posts []*news.Post, st QueueState) []Estimate {
	byDest := map[string][]*news.Post{}
	var order []string
	for _, p := range posts {
		if _, ok := byDest[p.Destination]; !ok {
			order = append(order, p.Destination)
		}
		byDest[p.Destination] = append(byDest[p.Destination], p)
	}
	var out []Estimate
	for _, name := range order {
		ds := DestinationStatus{PostsLeftToday: -1, MinInterval: st.Spacing}
		for _, d := range st.Dests {
			if d.Name == name {
				ds = d
			}
		}
		spacing := ds.MinInterval
		held := func(p *news.Post) string {
			switch {
			case ds.Paused:
				return name + " is paused"
			case !ds.DownSince.IsZero():
				return name + " is down; herald tries it again at " + ds.NextProbe.UTC().Format("15:04:05 UTC")
			case st.Paused && p.Priority < news.PriorityEditor:
				return "auto-posting is paused"
			}
			return ""
		}
		t := st.Now
		if last := st.Last[name]; !last.IsZero() && spacing > 0 {
			t = maxTime(t, last.Add(spacing))
		}
		t = maxTime(maxTime(t, ds.WaitUntil), ds.NextProbe)
		left := slices.Clone(byDest[name])
		n := 0
		// Posts being sent go first: they are on their way.
		left = slices.DeleteFunc(left, func(p *news.Post) bool {
			if p.Status == news.StatusSending {
				out = append(out, Estimate{Post: p, Due: st.Now, Next: n == 0})
				n++
				return true
			}
			return false
		})
		earliest := func(p *news.Post) time.Time {
			if !ds.QuietUntil.IsZero() && p.Priority < news.PriorityEditor {
				return maxTime(p.NotBefore, ds.QuietUntil)
			}
			return p.NotBefore
		}
		for len(left) > 0 {
			best := -1
			for i, p := range left {
				if earliest(p).After(t) {
					continue
				}
				if best < 0 || Before(p, left[best]) {
					best = i
				}
			}
			if best < 0 { // nothing due yet: wait for the first that will be
				next := earliest(left[0])
				for _, p := range left[1:] {
					if e := earliest(p); e.Before(next) {
						next = e
					}
				}
				t = next
				continue
			}
			e := Estimate{Post: left[best], Due: t, Next: n == 0, Held: held(left[best])}
			if e.Held == "" && ds.PostsLeftToday >= 0 && n >= ds.PostsLeftToday {
				e.Held = "over today's cap of " + strconv.Itoa(ds.DailyCap)
			}
			out = append(out, e)
			left = slices.Delete(left, best, best+1)
			t = t.Add(spacing)
			n++
		}
	}
	slices.SortStableFunc(out, func(a, b Estimate) int { return a.Due.Compare(b.Due) })
	return out
}
