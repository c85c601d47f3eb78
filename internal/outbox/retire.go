package outbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Retire skips the posts still waiting for a destination herald no longer
// posts to — the local timeline once an account's credentials are set, or
// an account removed from the destinations file — so that none waits for
// ever. They stay on the dashboard with the reason; nothing is sent
// elsewhere in their place, since a backlog written for one place is not
// news for another. It returns how many were skipped.
func (d *Dispatcher) Retire(ctx context.Context) (int, error) {
	dests := d.Destinations()
	n := 0
	// Page through every waiting post by id, an order skipping them does
	// not change.
	f := store.PostFilter{Statuses: []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed},
		Order: store.ByID, Limit: 1000}
	for {
		posts, err := d.store.Posts(ctx, f)
		if err != nil {
			return n, err
		}
		for _, p := range posts {
			if slices.Contains(dests, p.Destination) {
				continue
			}
			reason := fmt.Sprintf("herald no longer posts to %s (it posts to %s)", p.Destination, strings.Join(dests, ", "))
			_, err := d.move(ctx, p.ID, []news.Status{p.Status}, news.StatusSkipped, reason, "dispatcher", d.o.Clock(),
				func(p *news.Post) { p.LastError = reason })
			if errors.Is(err, news.ErrConflict) {
				continue // it moved meanwhile
			}
			if err != nil {
				return n, err
			}
			n++
		}
		if len(posts) < f.Limit {
			break
		}
		f.After = &store.Cursor{ID: posts[len(posts)-1].ID}
	}
	if n > 0 {
		d.o.Log.Warn("posts for destinations herald no longer posts to were skipped; the dashboard lists them",
			"posts", n, "destinations", strings.Join(dests, ", "))
	}
	return n, nil
}
