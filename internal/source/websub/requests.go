package websub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Run sends the subscriptions' requests as they fall due and hands
// notifications to Deliver, until ctx is done.
func (s *Subscriber) Run(ctx context.Context) {
	defer s.stop.Do(func() { close(s.stopped) })
	var wg sync.WaitGroup
	defer wg.Wait()
	for range s.o.Workers {
		wg.Go(func() { s.deliverLoop(ctx) })
	}
	for {
		next := s.tick(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := s.o.Refresh
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(s.now()), 10*time.Millisecond))
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// tick rereads the subscriptions and acts on those due. It returns when the
// next one falls due (zero: none is to).
func (s *Subscriber) tick(ctx context.Context) (next time.Time) {
	subs, err := s.o.Store.AllSubscriptions(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.o.Log.Error("reading WebSub subscriptions failed", "err", err)
		}
		return time.Time{}
	}
	now := s.now()
	byURL := make(map[string]store.Subscription, len(subs))
	var due []*store.Subscription
	for _, sub := range subs {
		byURL[sub.FeedURL] = *sub
		switch {
		case sub.NextAction.IsZero():
		case !sub.NextAction.After(now):
			due = append(due, sub)
		case next.IsZero() || sub.NextAction.Before(next):
			next = sub.NextAction
		}
	}
	s.mu.Lock()
	for u, cur := range s.byURL {
		// A confirmation that came while the store was read is newer.
		if read, ok := byURL[u]; ok && read.ID == cur.ID && read.Version < cur.Version {
			byURL[u] = cur
		}
	}
	s.byURL = byURL
	s.mu.Unlock()
	// A few requests at once: a newsroom's feeds often share one hub, and a
	// slow hub should not hold up another's.
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, sub := range due {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.act(ctx, sub)
		})
	}
	wg.Wait()
	for _, sub := range due {
		// act moved each on; one whose write failed is tried again later.
		n := sub.NextAction
		if n.IsZero() {
			continue
		}
		if !n.After(now) {
			n = s.now().Add(s.o.Retry)
		}
		if next.IsZero() || n.Before(next) {
			next = n
		}
	}
	return next
}

// act does what a due subscription needs.
func (s *Subscriber) act(ctx context.Context, sub *store.Subscription) {
	switch {
	case sub.State == store.SubUnsubscribing:
		s.unsubscribe(ctx, sub)
	case sub.Hub != "" && (sub.State == store.SubSubscribing || sub.State == store.SubActive || sub.State == store.SubRefused):
		s.subscribe(ctx, sub)
	default:
		sub.NextAction, sub.UpdatedAt = time.Time{}, s.now()
		if err := s.o.Store.SaveSubscription(ctx, sub); err == nil {
			s.remember(sub)
		}
	}
}

// subscribe asks the hub for the subscription, or to renew it. The row is
// first moved on to the time to look again, which claims it: of several
// replicas, the one whose write lands sends the request.
func (s *Subscriber) subscribe(ctx context.Context, sub *store.Subscription) {
	now := s.now()
	log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
	renewal := sub.Live(now)
	wait := s.o.VerifyTimeout
	if sub.State == store.SubSubscribing && !sub.RequestedAt.IsZero() {
		// Most often the hub cannot reach the callback: ask again, less and
		// less often.
		sub.Failures++
		sub.Reason = fmt.Sprintf("the hub did not confirm the subscription within %s: can it reach %s?",
			s.o.VerifyTimeout, s.public)
		wait = max(wait, s.retry(sub.Failures))
		log.Warn("the WebSub hub did not confirm the subscription; asking again", "waited", s.o.VerifyTimeout,
			"public_url", s.public, "failures", sub.Failures)
	}
	if !renewal {
		sub.State = store.SubSubscribing
	}
	sub.RequestedAt, sub.NextAction, sub.UpdatedAt = now, now.Add(wait), now
	if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
		s.lost(log, err)
		return
	}
	s.remember(sub)
	form := url.Values{
		"hub.mode":          {"subscribe"},
		"hub.topic":         {sub.Topic},
		"hub.callback":      {s.callbackURL(sub)},
		"hub.secret":        {sub.Secret},
		"hub.lease_seconds": {strconv.Itoa(s.o.LeaseSeconds)},
	}
	if _, err := s.o.Client.PostForm(ctx, sub.Hub, form); err != nil {
		if ctx.Err() != nil {
			return // shutting down: the request is sent again after VerifyTimeout
		}
		now = s.now()
		sub.Failures++
		sub.Reason = reason(err)
		if !renewal {
			sub.State = store.SubRefused
		}
		sub.NextAction, sub.UpdatedAt = now.Add(s.retry(sub.Failures)), now
		log.Warn("the WebSub hub refused the subscription", "err", sub.Reason, "failures", sub.Failures,
			"retry_at", sub.NextAction.UTC().Format(time.RFC3339))
		// A conflict means the hub confirmed meanwhile (some do before they
		// answer): that outcome stands.
		if err := s.o.Store.SaveSubscription(ctx, sub); err == nil {
			s.remember(sub)
		} else {
			s.lost(log, err)
		}
		return
	}
	if renewal {
		log.Debug("asked the WebSub hub to renew the subscription")
	} else {
		log.Info("asked the WebSub hub for the subscription; waiting for it to confirm")
	}
}

// unsubscribe asks the hub to stop pushing a feed that left the list, a
// few times; then the subscription is forgotten and its lease runs out.
func (s *Subscriber) unsubscribe(ctx context.Context, sub *store.Subscription) {
	now := s.now()
	log := s.o.Log.With("feed_url", sub.FeedURL, "hub", sub.Hub)
	if sub.Hub == "" || !sub.Expires.After(now) || sub.Failures >= unsubscribeTries {
		if err := s.o.Store.DeleteSubscription(ctx, sub); err != nil {
			s.lost(log, err)
			return
		}
		s.forget(sub)
		log.Info("forgot the WebSub subscription of a feed no longer in the list", "failures", sub.Failures)
		return
	}
	sub.Failures++
	sub.RequestedAt, sub.NextAction, sub.UpdatedAt = now, now.Add(s.o.VerifyTimeout), now
	if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
		s.lost(log, err)
		return
	}
	if err := s.requestUnsubscribe(ctx, sub); err != nil {
		if ctx.Err() != nil {
			return
		}
		now = s.now()
		sub.Reason = reason(err)
		sub.NextAction, sub.UpdatedAt = now.Add(s.retry(sub.Failures)), now
		log.Warn("the WebSub hub refused to unsubscribe", "err", sub.Reason)
		if err := s.o.Store.SaveSubscription(ctx, sub); err != nil {
			s.lost(log, err)
		}
		return
	}
	log.Info("asked the WebSub hub to stop pushing a feed no longer in the list")
}

// requestUnsubscribe asks sub's hub to stop pushing its topic to its
// callback; the hub then checks with herald at that callback.
func (s *Subscriber) requestUnsubscribe(ctx context.Context, sub *store.Subscription) error {
	form := url.Values{"hub.mode": {"unsubscribe"}, "hub.topic": {sub.Topic}, "hub.callback": {s.callbackURL(sub)}}
	_, err := s.o.Client.PostForm(ctx, sub.Hub, form)
	return err
}

// leave asks the hub of a subscription its feed no longer names (the feed
// moved to another hub, or names itself by another address) to stop
// pushing, once: a hub that does not answer, or a verification that reaches
// another replica, leaves the subscription to run out with its lease, its
// pushes landing at a callback herald has forgotten.
func (s *Subscriber) leave(ctx context.Context, old *store.Subscription) {
	log := s.o.Log.With("feed_url", old.FeedURL, "hub", old.Hub)
	s.mu.Lock()
	now := s.now()
	for id, l := range s.leaving {
		if !l.until.After(now) {
			delete(s.leaving, id)
		}
	}
	s.leaving[old.Callback] = left{topic: old.Topic, until: now.Add(s.o.VerifyTimeout)}
	s.mu.Unlock()
	if err := s.requestUnsubscribe(ctx, old); err != nil {
		log.Warn("the feed's former WebSub hub did not take the unsubscription; its lease runs out",
			"err", reason(err), "until", old.Expires.UTC().Format(time.RFC3339))
		return
	}
	log.Info("asked the feed's former WebSub hub to stop pushing")
}

// leftVerified answers a hub's verification of an unsubscription leave
// asked for: true when the callback and topic are one herald left.
func (s *Subscriber) leftVerified(id, mode, topic string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leaving[id]
	if !ok || mode != "unsubscribe" || topic != l.topic || !l.until.After(s.now()) {
		return false
	}
	delete(s.leaving, id)
	return true
}

// lost logs a write that did not land: a conflict is another replica (or
// the hub's confirmation) having moved the row on, which is how it should
// be; anything else is an error.
func (s *Subscriber) lost(log *slog.Logger, err error) {
	if errors.Is(err, news.ErrConflict) || errors.Is(err, news.ErrNotFound) {
		log.Debug("the WebSub subscription changed meanwhile; leaving it", "err", err)
		return
	}
	log.Error("saving the WebSub subscription failed", "err", err)
}

// retry is the wait after the nth failure in a row.
func (s *Subscriber) retry(n int) time.Duration {
	d := s.o.Retry
	for i := 1; i < n && d < MaxRetry; i++ {
		d *= 2
	}
	return min(d, MaxRetry)
}

// reason says in plain words why a request to a hub failed.
func reason(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return "the hub: " + fe.Err.Error()
	}
	return err.Error()
}
