package outbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/store"
)

// Deleting published posts. A deletion is its own row beside the post
// (store.Deletion), claimed with a lease as a post is, so that replicas
// never send one twice; it fails and is retried the way a publish is:
// transient failures later, with backoff, a rate limit when the platform
// says, anything else shown to the editors as failed. The post stays
// published, marked deleted: the timeline says where and when it was
// taken back.

// Run sends due deletions until ctx is done. A call under way when ctx
// ends is allowed to finish, so its outcome is recorded.
func (at *Attention) Run(ctx context.Context) {
	for ctx.Err() == nil {
		next := at.StepDeletions(ctx)
		at.wait(ctx, next)
	}
}

// StepDeletions sends the deletions due now, destination by destination,
// and returns when to look again. Tests drive it with a fake clock.
func (at *Attention) StepDeletions(ctx context.Context) time.Time {
	d := at.d
	now := d.o.Clock()
	next := now.Add(time.Minute)
	at.landed(ctx)
	for _, pub := range d.pubs {
		name := pub.Name()
		for ctx.Err() == nil {
			dst, err := d.store.Destination(ctx, name)
			if err != nil {
				d.o.Log.Error("deletions: destination not read", "destination", name, "err", err)
				return now.Add(5 * time.Second)
			}
			// A destination paused because the platform refused it would
			// refuse the deletion too; it waits with the posts. An editors'
			// pause of automatic posting does not hold a takedown back.
			if dst.Paused || dst.WaitUntil.After(d.o.Clock()) {
				break
			}
			del, err := d.store.ClaimDeletion(ctx, name, d.o.Clock(), d.o.Clock().Add(d.o.Lease))
			if errors.Is(err, news.ErrNotFound) {
				break
			}
			if err != nil {
				d.o.Log.Error("deletions: claim failed", "destination", name, "err", err)
				return now.Add(5 * time.Second)
			}
			if at.sendDeletion(ctx, pub, del); del.Status == store.DeletionQueued && del.NotBefore.Before(next) {
				next = del.NotBefore
			}
		}
	}
	return next
}

// sendDeletion makes one try of a claimed deletion and records its outcome.
func (at *Attention) sendDeletion(ctx context.Context, pub Publisher, del *store.Deletion) {
	d := at.d
	log := d.o.Log.With("destination", del.Destination, "post_id", del.PostID, "remote_id", del.RemoteID)
	var derr error
	if deleter, ok := pub.(Deleter); ok {
		callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.o.PublishTimeout)
		derr = deleter.Delete(callCtx, del.RemoteID)
		cancel()
	} else {
		derr = &news.PublishError{Kind: news.Rejected, Reason: fmt.Sprintf("herald cannot delete posts on %s", del.Destination)}
	}
	now := d.o.Clock()
	del.UpdatedAt, del.LeaseUntil = now, time.Time{}
	var pe *news.PublishError
	errors.As(derr, &pe)
	action, detail := "", ""
	switch {
	case derr == nil:
		del.Status, del.DeletedAt, del.LastError = store.DeletionDone, now, ""
		action, detail = "deleted", fmt.Sprintf("deleted from %s (its id there: %s)", del.Destination, del.RemoteID)
		log.Info("post deleted")
	case pe != nil && pe.Kind == news.RateLimited:
		until := pe.Until
		if !until.After(now) {
			until = now.Add(time.Minute)
		}
		del.Status, del.NotBefore, del.LastError = store.DeletionQueued, minTime(until, now.Add(MaxRateLimitWait)), pe.Reason
		del.Attempts--
		log.Warn("deletion rate limited; it waits", "until", del.NotBefore.UTC().Format(time.RFC3339))
	case pe != nil && (pe.Kind == news.Permanent || pe.Kind == news.Rejected):
		del.Status, del.LastError = store.DeletionFailed, pe.Reason
		action, detail = "deletion failed", pe.Reason
		log.Error("deletion failed: the editors see it in Needs attention", "reason", pe.Reason)
	default:
		reason := derr.Error()
		if pe != nil {
			reason = pe.Reason
		}
		del.LastError = reason
		if del.Attempts >= d.o.MaxAttempts {
			del.Status = store.DeletionFailed
			action, detail = "deletion failed", fmt.Sprintf("gave up after %d attempts: %s", del.Attempts, reason)
			log.Error("deletion failed", "attempts", del.Attempts, "err", reason)
		} else {
			del.Status, del.NotBefore = store.DeletionQueued, now.Add(d.Backoff(del.Attempts))
			log.Warn("deletion failed; it is tried again", "attempts", del.Attempts, "err", reason,
				"next_try", del.NotBefore.UTC().Format(time.RFC3339))
		}
	}
	if err := d.store.SaveDeletion(context.WithoutCancel(ctx), del); err != nil {
		// The lease expires and the deletion is tried again: deleting twice
		// is harmless, the network answers that the post is gone.
		log.Error("deletion outcome not recorded", "err", err)
		return
	}
	if action != "" {
		d.audit(context.WithoutCancel(ctx), "dispatcher", action, del.PostID, detail)
	}
}

// landed asks for the deletion of the posts that were being sent when
// their article's deletion was asked, once they are published.
func (at *Attention) landed(ctx context.Context) {
	at.mu.Lock()
	events := make(map[int64]string, len(at.inFlight))
	for id, actor := range at.inFlight {
		events[id] = actor
	}
	at.mu.Unlock()
	for id, actor := range events {
		it, err := at.Item(ctx, id)
		if err != nil {
			at.d.o.Log.Error("deletions: event not read", "attention_id", id, "err", err)
			continue
		}
		sending := false
		for _, p := range it.Posts {
			sending = sending || p.Status == news.StatusSending
		}
		if _, err := at.deleteAll(ctx, it, actor); err != nil && !errors.Is(err, news.ErrConflict) {
			at.d.o.Log.Error("deletions: a post published meanwhile not asked for", "attention_id", id, "err", err)
			continue
		}
		if !sending {
			at.mu.Lock()
			delete(at.inFlight, id)
			at.mu.Unlock()
		}
	}
}
