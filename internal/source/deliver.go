package source

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/heraldhq/herald/internal/source/feed"
	"github.com/heraldhq/herald/internal/store"
)

// Why a pushed feed is not read.
var (
	// ErrNotListed: the feed is not in the feed list (any more).
	ErrNotListed = errors.New("the feed is not in the feed list")
	// ErrNotRead: no poll has read the feed yet. Its first read decides
	// what is backlog (HERALD_FIRST_RUN), so it is left to a poll.
	ErrNotRead = errors.New("the feed has not been read by a poll yet")
)

// Deliver reads a feed document that was pushed to herald (by the feed's
// WebSub hub) rather than fetched. It is parsed and handed to the Handler
// as a polled one is, with the feed's row as stored now, so that
// deduplication sees everything the polls, on any replica, have recorded;
// the fetch state (ETag, schedule, errors) stays the polls'. contentType is
// the type the hub gave the body.
func (p *Poller) Deliver(ctx context.Context, feedURL string, body []byte, contentType string) error {
	p.mu.Lock()
	i := slices.IndexFunc(p.order, func(e *entry) bool { return e.feed.URL == feedURL })
	var known store.Feed
	if i >= 0 {
		known = p.order[i].feed
	}
	p.mu.Unlock()
	if i < 0 {
		return fmt.Errorf("%s: %w", feedURL, ErrNotListed)
	}
	stored, err := p.Store.EnsureFeeds(ctx, []string{feedURL})
	if err != nil {
		return err
	}
	f := stored[0]
	// This replica's own last read may not be written yet.
	f.Initialized = f.Initialized || known.Initialized
	if !f.Initialized {
		return fmt.Errorf("%s: %w", feedURL, ErrNotRead)
	}
	parsed, err := feed.Skim(body, contentType, feedURL)
	if err != nil {
		return fmt.Errorf("%s: pushed %q: %w", feedURL, contentType, err)
	}
	if err := p.Handler.HandleFeed(ctx, f, parsed); err != nil {
		return fmt.Errorf("%s: %w", feedURL, err)
	}
	return nil
}
