package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/publish/x"
	"github.com/heraldhq/herald/internal/source/feed"
)

// check proves a configuration before it is deployed: the settings, the
// database, X's acceptance of the credentials and every feed. One line per
// check; false when any failed.
func check(ctx context.Context, cfg *config.Config, stdout io.Writer) bool {
	ok := true
	line := func(good bool, format string, args ...any) {
		mark := "ok  "
		if !good {
			mark, ok = "FAIL", false
		}
		fmt.Fprintf(stdout, "%s %s\n", mark, fmt.Sprintf(format, args...))
	}
	feeds, err := feedList(cfg)
	if err != nil {
		line(false, "configuration: %v", err)
		return false
	}
	if _, err := writer(cfg); err != nil {
		line(false, "configuration: %v", err)
		return false
	}
	line(true, "configuration: %d feeds, first run %s, at most %d posts a day", len(feeds), cfg.FirstRun, cfg.DailyCap)

	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	st, err := openStore(ctx, cfg)
	if err != nil {
		line(false, "database %s: %v", redactURL(cfg.Database), err)
	} else {
		line(st.Ping(ctx) == nil, "database %s: opened and migrated", redactURL(cfg.Database))
		st.Close()
	}

	if cfg.HasX() {
		pub, err := x.New(x.Options{APIURL: cfg.XAPIURL, API: cfg.XAPI, ConsumerKey: cfg.XConsumerKey,
			ConsumerSecret: cfg.XConsumerSecret, AccessToken: cfg.XAccessToken, AccessSecret: cfg.XAccessSecret})
		if err == nil {
			var user string
			if user, err = pub.Verify(ctx); err == nil {
				line(true, "X (%s): the credentials belong to @%s", cfg.XAPI, user)
			}
		}
		if err != nil {
			line(false, "X (%s): %v", cfg.XAPI, err)
		}
	} else {
		fmt.Fprintln(stdout, "--   X: no credentials; posts would go to the local timeline")
	}

	fetcher := fetch.New(fetch.Options{Version: version, AllowPrivate: cfg.AllowPrivateURLs})
	defer fetcher.CloseIdleConnections()
	results := make([]string, len(feeds))
	good := make([]bool, len(feeds))
	var wg sync.WaitGroup
	sem := make(chan struct{}, cfg.PollWorkers)
	for i, u := range feeds {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			resp, err := fetcher.Fetch(ctx, fetch.Request{URL: u, Trusted: u})
			if err != nil {
				results[i] = fmt.Sprintf("feed %s: %v", u, err)
				return
			}
			p, err := feed.Parse(resp.Body, resp.ContentType, resp.URL)
			if err != nil {
				results[i] = fmt.Sprintf("feed %s: %v", u, err)
				return
			}
			good[i] = true
			results[i] = fmt.Sprintf("feed %s: %q, %d entries", u, p.Title, len(p.Items))
		})
	}
	wg.Wait()
	for i := range feeds {
		line(good[i], "%s", results[i])
	}
	return ok
}
