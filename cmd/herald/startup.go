package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
)

// verifyTimeout bounds the start-up check of one destination's credentials.
const verifyTimeout = 20 * time.Second

// startupActor is who the audit log names for what herald does at start.
const startupActor = "herald at start"

// proveDestinations runs once at start, beside the dispatcher. It asks each
// destination that can say so whether it accepts its credentials (X's
// users/me, Bluesky's session, Mastodon's verify_credentials), all at
// once: a pause the platform caused by refusing them is lifted when they
// work now (the operator fixed the keys and restarted), and a destination
// that refuses them is paused before any post is tried. Then every pause
// still in force is named in the log with the command that lifts it, so
// that a restarted herald never sits silent while nothing goes out.
func proveDestinations(ctx context.Context, disp *outbox.Dispatcher, pubs []outbox.Publisher, log *slog.Logger) {
	var wg sync.WaitGroup
	for _, p := range pubs {
		wg.Go(func() { proveDestination(ctx, disp, p, log) })
	}
	wg.Wait()
	if ctx.Err() == nil {
		announcePauses(ctx, disp, log)
	}
}

// proveDestination proves one destination's credentials at start.
func proveDestination(ctx context.Context, disp *outbox.Dispatcher, p outbox.Publisher, log *slog.Logger) {
	name := p.Name()
	log = log.With("destination", name)
	vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	user, err, ok := prove(vctx, p)
	cancel()
	if !ok || ctx.Err() != nil {
		return
	}
	state, serr := destinationState(ctx, disp, name)
	if serr != nil {
		log.Error("destination's state not read at start", "err", serr)
		return
	}
	var pe *news.PublishError
	switch {
	case err == nil:
		log.Info("credentials accepted", "account", "@"+user)
		if state.Paused && credentialsRefused(disp.Network(name), state.PauseReason) {
			if err := disp.ResumeDestination(ctx, name, startupActor); err != nil {
				log.Error("pause not lifted", "err", err)
				return
			}
			log.Info("the credentials work now: the pause is lifted and posting resumes", "was_paused", state.PauseReason)
		}
	case errors.As(err, &pe) && pe.Kind == news.Permanent:
		if state.Paused {
			return // announced after, with the reason it already has
		}
		if err := disp.PauseDestination(ctx, name, pe.Reason, startupActor); err != nil {
			log.Error("destination refused at start, but not paused", "reason", pe.Reason, "err", err)
			return
		}
		log.Error("the platform refused the credentials at start: destination paused", "reason", pe.Reason)
	default:
		log.Warn("credentials not checked at start; posting goes on", "reason", publishWords(err))
	}
}

// announcePauses logs one warning for every pause in force.
func announcePauses(ctx context.Context, disp *outbox.Dispatcher, log *slog.Logger) {
	if paused, err := disp.Paused(ctx); err == nil && paused {
		log.Warn("posting is paused for every destination (herald pause, or the dashboard); nothing is posted until it is resumed",
			"resume", "herald resume")
	}
	states, err := disp.Status(ctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Error("destinations' state not read at start", "err", err)
		}
		return
	}
	for _, s := range states {
		if !s.Paused {
			continue
		}
		args := []any{"destination", s.Name, "reason", s.PauseReason, "resume", "herald resume " + s.Name}
		if credentialsRefused(s.Network, s.PauseReason) {
			args = append(args, "or", "fix the credentials and restart: herald resumes it by itself once they work")
		}
		log.Warn("destination paused: nothing is posted to it until it is resumed", args...)
	}
}

func destinationState(ctx context.Context, disp *outbox.Dispatcher, name string) (outbox.DestinationStatus, error) {
	states, err := disp.Status(ctx)
	if err != nil {
		return outbox.DestinationStatus{}, err
	}
	for _, s := range states {
		if s.Name == name {
			return s, nil
		}
	}
	return outbox.DestinationStatus{}, errors.New("unknown destination " + name)
}
