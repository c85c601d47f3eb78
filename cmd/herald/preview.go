package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
)

// preview prints the post herald would write for an article URL for each
// destination, and its length as the destination's network counts it (X's
// weighted length). Nothing is posted.
//
// It shows what would go out: an article the database has already recorded
// from a feed is written from the recorded title and summary (the feed's
// own), as herald's post for it was, not from the page, whose og:description
// often says something else. Only an article herald has not seen is read from
// its page. The database is read only when it exists: preview never creates
// one.
func preview(ctx context.Context, cfg *config.Config, rawURL string, stdout, stderr io.Writer) error {
	discard := slog.New(slog.DiscardHandler)
	dests, err := newDestinationSet(ctx, cfg, destinationDeps{log: discard})
	if err != nil {
		return err
	}
	targets, rules, err := dests.wiring(cfg.Destinations)
	if err != nil {
		return err
	}
	in := &ingest.Ingester{
		Pages:   fetch.New(fetch.Options{Version: version, AllowPrivate: cfg.AllowPrivateURLs}),
		Targets: targets,
		Log:     discard,
	}
	st, err := openExistingStore(ctx, cfg)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "herald preview: the database %s was not read (%v); writing from the page\n", redactURL(cfg.Database), err)
	case st != nil:
		defer st.Close()
		in.Store = st
	}
	a, err := in.FromURL(ctx, rawURL)
	if err != nil {
		return previewError(err)
	}
	for i, t := range targets {
		text, err := t.Compose(a)
		if err != nil {
			return fmt.Errorf("herald could not write a post for that page for %s: %w", t.Name, err)
		}
		rule := rules[t.Name]
		if len(targets) > 1 {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintf(stdout, "== %s (%s)", t.Name, outbox.NetworkName(rule.Network))
			if !t.Route.Accepts(a) {
				fmt.Fprint(stdout, ": does not take this article (its feeds, categories or languages)")
			}
			fmt.Fprint(stdout, " ==\n")
		}
		m := outbox.Measure(rule.Text, text)
		who := outbox.NetworkName(rule.Text.Network()) // the local timeline counts as X does
		fmt.Fprintf(stdout, "%s\n\n--\n", text)
		if rule.Text.Network() == config.NetworkX {
			fmt.Fprintf(stdout, "weighted length: %d/%d", m.Length, m.Limit)
		} else {
			fmt.Fprintf(stdout, "length: %d/%d as %s counts it", m.Length, m.Limit, who)
		}
		if !m.Valid {
			fmt.Fprintf(stdout, " (%s would refuse it)", who)
		}
		fmt.Fprintln(stdout)
	}
	if a.ID != 0 {
		fmt.Fprintf(stdout, "written from: the article as herald recorded it from its feed (in %s)\n", redactURL(cfg.Database))
	} else {
		fmt.Fprintln(stdout, "written from: the article's page (herald has not recorded it from a feed)")
	}
	return nil
}

// previewError says why an article could not be read, in plain words when
// the fetcher failed.
func previewError(err error) error {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		return fmt.Errorf("%s: %s", fe.URL, fetch.Describe(err))
	}
	return err
}

// openExistingStore opens the database HERALD_DATABASE names if it exists:
// a PostgreSQL database, or a SQLite file already there. It returns nil,
// nil when there is none.
func openExistingStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if !cfg.Postgres() {
		if _, err := os.Stat(cfg.Database); err != nil {
			return nil, nil
		}
	}
	return openStore(ctx, cfg)
}
