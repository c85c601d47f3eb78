package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/compose"
	"github.com/heraldhq/herald/internal/config"
	"github.com/heraldhq/herald/internal/fetch"
	"github.com/heraldhq/herald/internal/outbox"
	"github.com/heraldhq/herald/internal/publish/mastodon"
	"github.com/heraldhq/herald/internal/source/feed"
)

// check proves a configuration before it is deployed: the settings, the
// database, every destination's acceptance of its credentials (X's
// users/me, Bluesky's session, Mastodon's verify_credentials) and every
// feed. One line per check; false when any failed.
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
	deps := destinationDeps{log: slog.New(slog.DiscardHandler)}
	st, err := openStore(ctx, cfg)
	if err != nil {
		line(false, "database %s: %v", redactURL(cfg.Database), err)
	} else {
		line(st.Ping(ctx) == nil, "database %s: opened and migrated", redactURL(cfg.Database))
		defer st.Close()
		// Bluesky's session is the daemon's: a check resumes it, and a
		// login it makes is one herald run will not make again.
		deps.sessions = st
	}

	if len(cfg.Destinations) == 0 {
		fmt.Fprintln(stdout, "--   destinations: no network's credentials are set (X, Bluesky, Mastodon); posts would go to the local timeline")
	}
	for _, d := range cfg.Destinations {
		label := destinationLabel(d)
		pub, rule, err := newPublisher(ctx, d, deps)
		if err != nil {
			line(false, "%s: %v", label, err)
			continue
		}
		if _, _, err := (&destinationSet{cfg: cfg, dests: []config.Destination{d}, rules: map[string]compose.Rule{d.Name: rule}}).wiring([]config.Destination{d}); err != nil {
			line(false, "%s: %v", label, err)
			continue
		}
		account, err, _ := prove(ctx, pub)
		if err != nil {
			line(false, "%s: %s", label, publishWords(err))
			continue
		}
		switch d.Network {
		case config.NetworkMastodon:
			line(true, "%s: the token belongs to @%s; posts of up to %d characters, links counting %d", label, account, rule.Limit(), mastodonURLChars(pub))
		default:
			line(true, "%s: the credentials belong to @%s", label, account)
		}
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

// destinationLabel names a destination in herald check's lines: "X (v2)"
// for the network's own account, as herald check always has, else its name
// and its network.
func destinationLabel(d config.Destination) string {
	network := outbox.NetworkName(d.Network)
	if d.Network == config.NetworkX {
		network += " (" + d.Account.API + ")"
	}
	if d.Name == d.Network {
		return network
	}
	return fmt.Sprintf("%s: %s", d.Name, network)
}

// mastodonURLChars is what a link counts on the Mastodon server, once its
// rule is known.
func mastodonURLChars(pub outbox.Publisher) int {
	if m, ok := pub.(*mastodon.Publisher); ok {
		if l, err := m.Limits(context.Background()); err == nil {
			return l.URLCharacters
		}
	}
	return mastodon.DefaultURLCharacters
}
