package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/xtext"
)

// preview prints the post herald would write for an article URL, and its
// weighted length as X counts it. Nothing is stored or posted.
func preview(ctx context.Context, cfg *config.Config, rawURL string, stdout io.Writer) error {
	write, err := writer(cfg)
	if err != nil {
		return err
	}
	in := &ingest.Ingester{
		Pages:   fetch.New(fetch.Options{Version: version, AllowPrivate: cfg.AllowPrivateURLs}),
		Targets: []ingest.Target{{Name: "x", Compose: write}},
		Log:     slog.New(slog.DiscardHandler),
	}
	_, text, err := in.Write(ctx, rawURL)
	if err != nil {
		return err
	}
	res := xtext.Parse(text)
	fmt.Fprintf(stdout, "%s\n\n--\nweighted length: %d/%d", text, res.WeightedLength, xtext.MaxWeightedLength)
	if !res.Valid {
		fmt.Fprint(stdout, " (X would refuse it)")
	}
	fmt.Fprintln(stdout)
	return nil
}
