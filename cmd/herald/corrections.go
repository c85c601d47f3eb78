package main

import (
	"log/slog"
	"strings"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/ingest"
	"github.com/heraldhq/herald/internal/news"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/store"
	"github.com/heraldhq/herald/internal/web"
	"github.com/heraldhq/herald/internal/xtext"
)

// corrections wires the corrections and takedowns desk: the watcher that
// notices changes to posted articles (through the ingester's feeds and its
// own page checks), and the desk that tells editors and acts. A bad
// correction template stops start-up.
func corrections(cfg *config.Config, st store.Store, disp *outbox.Dispatcher, ing *ingest.Ingester, fetcher *fetch.Fetcher,
	metrics *web.Metrics, log *slog.Logger) (*outbox.Attention, *ingest.Watcher, error) {
	correction, err := correctionWriter(cfg)
	if err != nil {
		return nil, nil, err
	}
	att := disp.Attention(outbox.AttentionOptions{
		Write:        ing.Compose,
		Correction:   func(a *news.Article, _ string) (string, error) { return correction(a) },
		OnTakedown:   cfg.OnTakedown,
		OnCorrection: cfg.OnCorrection,
		Observe:      metrics.WatchAttention(st.CountOpenAttention),
	})
	w := &ingest.Watcher{Store: st, Pages: fetcher, Changes: att, For: cfg.WatchFor, PerMinute: cfg.WatchChecksPerMinute, Log: log}
	ing.Watch = w
	return att, w, nil
}

// correctionWriter returns how herald writes a correction post, from
// HERALD_CORRECTION_TEMPLATE, fitted to X's rules as every post is.
func correctionWriter(cfg *config.Config) (func(a *news.Article) (string, error), error) {
	tags, err := compose.ParseHashtags(cfg.Hashtags)
	if err != nil {
		return nil, &config.Error{Var: "HERALD_HASHTAGS", Msg: err.Error()}
	}
	tmpl := strings.ReplaceAll(cfg.CorrectionTemplate, `\n`, "\n")
	c, err := compose.New(tmpl, xtext.MaxWeightedLength, tags)
	if err != nil {
		return nil, &config.Error{Var: "HERALD_CORRECTION_TEMPLATE", Msg: err.Error()}
	}
	return c.Article, nil
}
