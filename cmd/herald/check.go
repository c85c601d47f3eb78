package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/news"
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
	line(true, "configuration: %s; %s; %s", plural(len(feeds), "feed"), firstRunWords(cfg.FirstRun), capWords(cfg.DailyCap))

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
			line(false, "X (%s): %s", cfg.XAPI, publishWords(err))
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
				results[i] = fmt.Sprintf("feed %s: %s", u, fetch.Describe(err))
				return
			}
			p, err := feed.Parse(resp.Body, resp.ContentType, resp.URL)
			if err != nil {
				results[i] = fmt.Sprintf("feed %s: %v", u, err)
				return
			}
			good[i] = true
			results[i] = fmt.Sprintf("feed %s: %q, %s", u, p.Title, plural(len(p.Items), "entry"))
		})
	}
	wg.Wait()
	for i := range feeds {
		line(good[i], "%s", results[i])
	}
	return ok
}

// plural says how many: "1 feed", "2 feeds", "1 entry", "0 entries".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// firstRunWords says what HERALD_FIRST_RUN does.
func firstRunWords(f config.FirstRun) string {
	switch f.Mode {
	case "latest":
		if f.N == 1 {
			return "of what a new feed already holds, only the newest article is posted (HERALD_FIRST_RUN=latest:1)"
		}
		return fmt.Sprintf("of what a new feed already holds, only the newest %d articles are posted (HERALD_FIRST_RUN=%s)", f.N, f)
	case "all":
		return "everything a new feed already holds is posted (HERALD_FIRST_RUN=all)"
	}
	return "what a new feed already holds is recorded, not posted (HERALD_FIRST_RUN=skip)"
}

// capWords says what HERALD_DAILY_CAP allows.
func capWords(n int) string {
	if n == 0 {
		return "no daily cap"
	}
	return fmt.Sprintf("at most %s a day to each account", plural(n, "post"))
}

// publishWords is a publisher's failure in plain words: its reason, without
// the classification ("permanent (HTTP 401): …") meant for the logs.
func publishWords(err error) string {
	var pe *news.PublishError
	if errors.As(err, &pe) && pe.Reason != "" {
		return pe.Reason
	}
	return err.Error()
}
