package websub

import (
	"context"
	"net/url"
	"time"

	"github.com/heraldhq/herald/internal/store"
)

// Status is how a feed's news reach herald besides polling.
type Status struct {
	// State is one of "none" (the feed names no hub), "subscribing",
	// "active", "refused" and "unsubscribing".
	State string
	Hub   string
	// Until is when the hub's lease ends, while active.
	Until time.Time
	// Reason says why it was refused, or why herald is subscribing again.
	Reason string
}

// HubHost is the host name of the hub.
func (st Status) HubHost() string {
	if u, err := url.Parse(st.Hub); err == nil && u.Host != "" {
		return u.Host
	}
	return st.Hub
}

// Status returns the push state of every feed that has been read, by feed
// URL, as the store has it now.
func (s *Subscriber) Status(ctx context.Context) (map[string]Status, error) {
	subs, err := s.o.Store.AllSubscriptions(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := make(map[string]Status, len(subs))
	for _, sub := range subs {
		st := Status{State: string(sub.State), Hub: sub.Hub, Reason: sub.Reason}
		switch {
		case sub.Live(now):
			st.Until, st.Reason = sub.Expires, ""
		case sub.State == store.SubActive:
			st.State, st.Reason = string(store.SubSubscribing), "the lease ended before it was renewed"
		}
		out[sub.FeedURL] = st
	}
	return out, nil
}

// Counts returns how many subscriptions are in each state, every state
// present.
func (s *Subscriber) Counts(ctx context.Context) (map[string]int, error) {
	status, err := s.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(store.SubStates))
	for _, st := range store.SubStates {
		out[string(st)] = 0
	}
	for _, st := range status {
		out[st.State]++
	}
	return out, nil
}
