package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// What editors do to posts and to the bot. Every action moves a post by one
// recorded transition, under the editor's name, and lands in the audit log.

// Actions on one post, with the states each is allowed from.
var (
	fromApprove    = []news.Status{news.StatusPending}
	fromReject     = []news.Status{news.StatusPending}
	fromCancel     = []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed}
	fromRetry      = []news.Status{news.StatusFailed, news.StatusSkipped, news.StatusCanceled}
	fromPublishNow = []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed, news.StatusSkipped}
	fromEdit       = []news.Status{news.StatusPending, news.StatusQueued, news.StatusFailed}
)

func (d *Dispatcher) audit(ctx context.Context, actor, action string, postID int64, detail string) {
	err := d.store.AddAudit(ctx, store.AuditEntry{At: d.o.Clock(), Actor: actor, Action: action, PostID: postID, Detail: detail})
	if err != nil {
		d.o.Log.Error("audit log not written", "actor", actor, "action", action, "post_id", postID, "err", err)
	}
}

func (d *Dispatcher) act(ctx context.Context, id int64, actor, action string, from []news.Status, to news.Status,
	reason string, update func(*news.Post)) (*news.Post, error) {
	p, err := d.store.Transition(ctx, id, from, to, reason, actor, d.o.Clock(), update)
	if err != nil {
		return nil, err
	}
	d.audit(ctx, actor, action, id, reason)
	if to == news.StatusQueued {
		d.Kick()
	}
	return p, nil
}

// Approve lets a pending post go out.
func (d *Dispatcher) Approve(ctx context.Context, id int64, actor string) (*news.Post, error) {
	return d.act(ctx, id, actor, "approve", fromApprove, news.StatusQueued, "approved by "+actor, nil)
}

// Reject stops a pending post.
func (d *Dispatcher) Reject(ctx context.Context, id int64, actor string) (*news.Post, error) {
	return d.act(ctx, id, actor, "reject", fromReject, news.StatusCanceled, "rejected by "+actor, nil)
}

// Cancel stops a post that has not gone out.
func (d *Dispatcher) Cancel(ctx context.Context, id int64, actor string) (*news.Post, error) {
	return d.act(ctx, id, actor, "cancel", fromCancel, news.StatusCanceled, "canceled by "+actor, nil)
}

// Retry queues a failed, skipped or canceled post again, with a fresh count
// of attempts.
func (d *Dispatcher) Retry(ctx context.Context, id int64, actor string) (*news.Post, error) {
	now := d.o.Clock()
	return d.act(ctx, id, actor, "retry", fromRetry, news.StatusQueued, "retried by "+actor, func(p *news.Post) {
		p.Attempts, p.LastError, p.NotBefore = 0, "", now
		// Retrying old news is a decision: it does not go stale again.
		p.Priority = max(p.Priority, news.PriorityEditor)
	})
}

// PublishNow sends a post next, before automatic posts and through quiet
// hours; spacing and the daily cap still hold.
func (d *Dispatcher) PublishNow(ctx context.Context, id int64, actor string) (*news.Post, error) {
	now := d.o.Clock()
	return d.act(ctx, id, actor, "publish now", fromPublishNow, news.StatusQueued, "post now, by "+actor, func(p *news.Post) {
		p.Priority, p.NotBefore, p.LastError = news.PriorityEditor, now, ""
		if p.Status != news.StatusQueued {
			p.Attempts = 0
		}
	})
}

// Change is what an editor changes in a post; nil fields stay as they are.
type Change struct {
	Text     *string
	At       *time.Time
	Priority *int
}

// Edit changes a post that has not gone out; its status stays.
func (d *Dispatcher) Edit(ctx context.Context, id int64, actor string, c Change) (*news.Post, error) {
	cur, err := d.store.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	var what []string
	if c.Text != nil {
		what = append(what, "text")
	}
	if c.At != nil {
		what = append(what, "time "+c.At.UTC().Format(time.RFC3339))
	}
	if c.Priority != nil {
		what = append(what, fmt.Sprintf("priority %d", *c.Priority))
	}
	reason := fmt.Sprintf("edited by %s: %v", actor, what)
	return d.act(ctx, id, actor, "edit", fromEdit, cur.Status, reason, func(p *news.Post) {
		if c.Text != nil {
			p.Text = *c.Text
		}
		if c.At != nil {
			p.NotBefore = *c.At
		}
		if c.Priority != nil {
			p.Priority = *c.Priority
		}
	})
}

// Create adds an editor's post: free text (p.ArticleID zero, a nil article)
// or a post for an article, recorded with it when it is new. A second post
// of one article to one destination is news.ErrConflict.
func (d *Dispatcher) Create(ctx context.Context, actor string, a *news.Article, p *news.Post) error {
	now := d.o.Clock()
	p.Status = news.StatusQueued
	p.Priority = max(p.Priority, news.PriorityEditor)
	p.CreatedBy = actor
	p.CreatedAt, p.SortAt = now, now
	if p.NotBefore.IsZero() {
		p.NotBefore = now
	}
	if a == nil {
		if err := d.store.AddPost(ctx, p); err != nil {
			return err
		}
	} else {
		existing, err := d.store.ArticleByKey(ctx, a.Key)
		switch {
		case errors.Is(err, news.ErrNotFound):
			added, err := d.store.AddArticle(ctx, a, p)
			if err != nil {
				return err
			}
			if !added {
				return fmt.Errorf("the article was recorded meanwhile; try again: %w", news.ErrConflict)
			}
		case err != nil:
			return err
		default:
			p.ArticleID = existing.ID
			if err := d.store.AddPost(ctx, p); err != nil {
				return err
			}
		}
	}
	d.audit(ctx, actor, "create", p.ID, fmt.Sprintf("for %s at %s", p.Destination, p.NotBefore.UTC().Format(time.RFC3339)))
	d.Kick()
	return nil
}

// PauseAll stops automatic and manual dispatch to every destination, for
// every replica sharing the database.
func (d *Dispatcher) PauseAll(ctx context.Context, actor string) error {
	err := d.setDestination(ctx, store.AllDestinations, func(dst *store.Destination) {
		dst.Paused, dst.PauseReason = true, "paused by "+actor
	})
	if err == nil {
		d.audit(ctx, actor, "pause", 0, "all destinations")
	}
	return err
}

// ResumeAll restarts dispatch after PauseAll.
func (d *Dispatcher) ResumeAll(ctx context.Context, actor string) error {
	err := d.setDestination(ctx, store.AllDestinations, func(dst *store.Destination) { dst.Paused, dst.PauseReason = false, "" })
	if err == nil {
		d.audit(ctx, actor, "resume", 0, "all destinations")
		d.Kick()
	}
	return err
}

// Paused reports whether an editor paused every destination.
func (d *Dispatcher) Paused(ctx context.Context) (bool, error) {
	dst, err := d.store.Destination(ctx, store.AllDestinations)
	if err != nil {
		return false, err
	}
	return dst.Paused, nil
}

// ResumeDestination clears a destination's pause, after an editor fixed
// what made the platform refuse it, and lifts a rate-limit wait.
func (d *Dispatcher) ResumeDestination(ctx context.Context, name, actor string) error {
	if !d.known(name) {
		return fmt.Errorf("no destination %q: %w", name, news.ErrNotFound)
	}
	err := d.setDestination(ctx, name, func(dst *store.Destination) {
		dst.Paused, dst.PauseReason, dst.WaitUntil = false, "", time.Time{}
	})
	if err == nil {
		d.audit(ctx, actor, "resume destination", 0, name)
		d.Kick()
	}
	return err
}

// Destinations lists the destinations' names.
func (d *Dispatcher) Destinations() []string {
	out := make([]string, len(d.pubs))
	for i, p := range d.pubs {
		out[i] = p.Name()
	}
	return out
}

func (d *Dispatcher) known(name string) bool {
	for _, p := range d.pubs {
		if p.Name() == name {
			return true
		}
	}
	return false
}
