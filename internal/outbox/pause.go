package outbox

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// PauseDestination pauses one destination with a reason editors read on
// the dashboard, as the dispatcher does when the platform refuses a post:
// herald pauses it at start when the platform already refuses its
// credentials, before a post is tried.
func (d *Dispatcher) PauseDestination(ctx context.Context, name, reason, actor string) error {
	if !d.known(name) {
		return fmt.Errorf("no destination %q: %w", name, news.ErrNotFound)
	}
	err := d.setDestination(ctx, name, func(dst *store.Destination) { dst.Paused, dst.PauseReason = true, reason })
	if err == nil {
		d.audit(ctx, actor, "pause destination", 0, name+": "+reason)
	}
	return err
}
