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
	seen := map[int64]bool{}
	for {
		posts, err := d.store.Posts(ctx, store.PostFilter{Statuses: []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed}, Limit: 1000})
		if err != nil {
			return n, err
		}
		retired := 0
		for _, p := range posts {
			if slices.Contains(dests, p.Destination) || seen[p.ID] {
				continue
			}
			seen[p.ID] = true
			reason := fmt.Sprintf("herald no longer posts to %s (it posts to %s)", p.Destination, strings.Join(dests, ", "))
			_, err := d.move(ctx, p.ID, []news.Status{p.Status}, news.StatusSkipped, reason, "dispatcher", d.o.Clock(),
				func(p *news.Post) { p.LastError = reason })
			if err != nil && !errors.Is(err, news.ErrConflict) {
				return n, err
			}
			if err == nil {
				n++
				retired++
			}
		}
		if retired == 0 || len(posts) < 1000 {
			break
		}
	}
	if n > 0 {
		d.o.Log.Warn("posts for destinations herald no longer posts to were skipped; the dashboard lists them",
			"posts", n, "destinations", strings.Join(dests, ", "))
	}
	return n, nil
}
